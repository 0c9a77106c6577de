"""Check that every jupytext pair (``NN_name.py`` + ``NN_name.ipynb``) holds the same cells.

Notebooks are edited as percent-format ``.py`` files and run as ``.ipynb``; ``jupytext --sync``
keeps the two equal. This check (``python -m tools.check_pairs``, part of ``make lint``) fails when
one was edited without syncing: it compares each cell's type, source and tags, and reports a file
whose partner is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("notebooks", "solutions", "exercises")


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _cells(path: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    notebook = jupytext.read(path)
    return [(cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", ()))) for cell in notebook.cells]


def pair_differences(path: Path) -> list[str]:
    """Problems with the pair of ``path`` (either file of it): a missing partner or the first differing cell."""
    script, notebook = path.with_suffix(".py"), path.with_suffix(".ipynb")
    missing = [p for p in (script, notebook) if not p.exists()]
    if missing:
        return [f"{_show(p)}: missing (its jupytext pair has no partner)" for p in missing]
    left, right = _cells(script), _cells(notebook)
    for index, (a, b) in enumerate(zip(left, right, strict=False)):  # a length difference is reported below
        if a != b:
            return [f"{_show(script)} and {notebook.name} differ at cell {index + 1} "
                    f"({a[0]} '{a[1][:40]}...' vs {b[0]} '{b[1][:40]}...'); run `jupytext --sync {script.name}`"]
    if len(left) != len(right):
        return [f"{_show(script)} has {len(left)} cells, {notebook.name} {len(right)}; "
                f"run `jupytext --sync {script.name}`"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    stems = sorted({p.with_suffix("") for folder in FOLDERS for p in (ROOT / folder).glob("[0-9]*.*")
                    if p.suffix in (".py", ".ipynb")})
    problems = [problem for stem in stems for problem in pair_differences(stem.with_suffix(".py"))]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{len(stems)} notebook pairs in sync")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
