"""Generate ``exercises/`` from ``solutions/`` so the two can never drift (a development tool, not course_lib).

The source is the reviewed percent-format ``solutions/NN_name_solutions.py``; its paired ``.ipynb``
must agree with it first (``tools/check_pairs.py``), so an edit to one without ``jupytext --sync``
fails instead of producing stale exercises. In a solution notebook:

* code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes ``NAME = ...`` for each
  name the region assigns at its top level (or ``# your code here`` if none);
* markdown between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` is removed;
* a cell whose first line is ``### SOLUTION ONLY`` is dropped (e.g. the final all-correct assert);
* " — solutions" in the first heading becomes " — exercises";
* Colab/Binder badges point at the exercise notebook instead of the solution notebook.

``python -m tools.build_exercises`` (``make exercises``) writes ``exercises/NN_name_exercises.ipynb`` and
its jupytext-paired ``.py``; ``--check`` exits 1 if the committed files differ from fresh ones.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import jupytext
import nbformat

from tools.check_pairs import pair_differences

ROOT = Path(__file__).resolve().parent.parent
CODE_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.M | re.S)
MARKDOWN_REGION = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->\n?", re.S)
# Colab/Binder link targets: ".../blob/BRANCH/solutions/X_solutions.ipynb", "lab/tree/solutions/X_solutions.ipynb".
BADGE_TARGET = re.compile(r"(blob/[\w.-]+/|lab/tree/)solutions/(\w+)_solutions\.ipynb")
ASSIGNED_NAME = re.compile(r"^([A-Za-z_]\w*)\s*=(?!=)", re.M)
SOLUTION_ONLY = "### SOLUTION ONLY"


def _placeholder(match: re.Match[str]) -> str:
    indent, body = match.group(1), match.group(2)
    dedented = "\n".join(line[len(indent):] for line in body.splitlines())
    names = list(dict.fromkeys(ASSIGNED_NAME.findall(dedented)))
    lines = [f"{indent}{name} = ...  # your code here" for name in names] or [f"{indent}# your code here"]
    return "\n".join(lines) + match.group(3)


def strip_solutions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The exercise version of a solution notebook (a new object; outputs cleared)."""
    exercise = copy.deepcopy(notebook)
    cells = []
    for cell in exercise.cells:
        if cell.cell_type == "code":
            if cell.source.lstrip().startswith(SOLUTION_ONLY):
                continue
            cell.source = CODE_REGION.sub(_placeholder, cell.source)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = MARKDOWN_REGION.sub("", cell.source)
            cell.source = BADGE_TARGET.sub(r"\1exercises/\2_exercises.ipynb", cell.source)
        cells.append(cell)
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace(" — solutions", " — exercises", 1)
            break
    exercise.cells = cells
    return exercise


def exercise_path(solution: Path) -> Path:
    """solutions/03_flops_solutions.py -> exercises/03_flops_exercises.ipynb."""
    return ROOT / "exercises" / solution.with_suffix(".ipynb").name.replace("_solutions", "_exercises")


def render(solution: Path) -> dict[Path, str]:
    """Fresh exercise files for one solution notebook (its reviewed ``.py``): {path: text}."""
    notebook = jupytext.read(solution.with_suffix(".py"))
    paired = nbformat.read(solution.with_suffix(".ipynb"), as_version=4)
    for cell, twin in zip(notebook.cells, paired.cells, strict=True):  # stable cell ids: the paired notebook's
        if "id" in twin:
            cell.id = twin.id
    exercise = strip_solutions(notebook)
    target = exercise_path(solution)
    exercise.metadata["jupytext"] = {"formats": "ipynb,py:percent"}  # no text_representation in the .ipynb
    return {
        target: nbformat.writes(exercise) + "\n",
        target.with_suffix(".py"): jupytext.writes(exercise, fmt="py:percent"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if committed exercises differ")
    args = parser.parse_args(argv)
    solutions = sorted((ROOT / "solutions").glob("*_solutions.py"))
    unsynced = [problem for solution in solutions for problem in pair_differences(solution)]
    if unsynced:
        for problem in unsynced:
            print(problem, file=sys.stderr)
        print("run `jupytext --sync` on the solution notebook first", file=sys.stderr)
        return 1
    stale = []
    for solution in solutions:
        for path, text in render(solution).items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current == text:
                continue
            if args.check:
                stale.append(path.relative_to(ROOT))
            else:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    expected = {p for s in solutions for p in render(s)}
    orphans = [p for p in (ROOT / "exercises").glob("*_exercises.*") if p not in expected]
    if args.check and (stale or orphans):
        for path in stale:
            print(f"stale: {path} (run `make exercises`)", file=sys.stderr)
        for path in orphans:
            print(f"orphan: {path.relative_to(ROOT)} has no solution notebook", file=sys.stderr)
        return 1
    if args.check:
        print(f"exercises up to date ({len(solutions)} solution notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
