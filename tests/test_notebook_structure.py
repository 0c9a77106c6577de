"""Every notebook reads top to bottom without maintainer scaffolding, and has the course's structure.

The numbers a notebook's prose quotes are pinned by ``assert`` cells. Those are for maintainers:
each one is a *guard cell*, tagged ``guard`` and collapsed (``jupyter.source_hidden``), opens with a
``# (for maintainers) ...`` comment (the line JupyterLab shows when collapsed), holds only asserts
and the lookups they need (so it prints nothing), defines nothing that teaching code uses
later, and no prose introduces it. Teaching cells contain no ``assert``. Each notebook has a title
"NN · Title", learning objectives, an estimated time and a summary. The checks read the ``.ipynb``
files, which is what Jupyter, nbval and Voila run.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from tools import address

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STUB_MARK = "This notebook is being written"
# A collapsed cell shows its first line in JupyterLab: a guard cell's says it is not for the learner.
GUARD_FIRST_LINE = "# (for maintainers)"
# Statements a guard cell may hold: asserts and the lookups they need; nothing that prints or displays.
GUARD_STATEMENTS = (ast.Assert, ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom, ast.FunctionDef)
# Prose that points at a check instead of teaching: "as checks", "checked:", "the asserts ...".
INTRODUCES_CHECK = re.compile(r"\bas checks?\b|\bchecked\b|\bassert|silent unless|this cell fails|"
                              r"the notebook fails|if `course_lib` (?:ever )?(?:changes|drifts)", re.I)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _tree(cell: dict) -> ast.Module | None:
    """The cell's Python AST, or None for cells that are not plain Python (``%pip``, ``active-ipynb``)."""
    if "active-ipynb" in cell.get("metadata", {}).get("tags", []):
        return None
    try:
        return ast.parse(_source(cell))
    except SyntaxError:
        return None


def is_guard(cell: dict) -> bool:
    """Tagged ``guard`` and collapsed."""
    metadata = cell.get("metadata", {})
    return "guard" in metadata.get("tags", []) and metadata.get("jupyter", {}).get("source_hidden") is True


def has_assert(cell: dict) -> bool:
    tree = _tree(cell)
    return tree is not None and any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def guard_problems(tree: ast.Module) -> list[str]:
    """Why a guard cell's code is more than asserts and lookups (empty list: it is fine)."""
    problems = []
    if not any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
        problems.append("holds no assert")

    def visit(statements, where):
        for statement in statements:
            if isinstance(statement, (ast.For, ast.If)):
                visit(statement.body + statement.orelse, f"{where}in a {type(statement).__name__.lower()}: ")
            elif not isinstance(statement, GUARD_STATEMENTS):
                problems.append(f"{where}line {statement.lineno}: {ast.unparse(statement)[:60]!r} "
                                f"is not an assert or a lookup")

    visit(tree.body, "")
    return problems


def _assigned(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
    return names


def _loaded(tree: ast.Module) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _markdown(path: Path) -> str:
    return "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")


def _is_stub(path: Path) -> bool:
    return STUB_MARK in _markdown(path)


def _ids(paths):
    return [p.stem for p in paths]


def test_notebooks_are_found():
    assert len(NOTEBOOKS) == 12 and NOTEBOOKS[0].stem == "00_start_here"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_assert_cell_is_a_guard_cell(path):
    shown = [i for i, cell in enumerate(_cells(path)) if cell["cell_type"] == "code" and has_assert(cell)
             and not is_guard(cell)]
    assert not shown, f"cells {shown} contain assert but are not tagged 'guard' and collapsed"


def guard_cell_problems(cell: dict) -> list[str]:
    """Why a cell tagged ``guard`` is not a proper guard cell (empty list: it is one)."""
    tree = _tree(cell)
    found = ["not plain Python"] if tree is None else guard_problems(tree)
    if not _source(cell).startswith(GUARD_FIRST_LINE):
        found.append(f"first line (shown when collapsed) is not a {GUARD_FIRST_LINE!r} comment")
    if not is_guard(cell):
        found.append("tagged 'guard' but not collapsed")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_guard_cells_hold_only_asserts_and_lookups(path):
    problems = {i: guard_cell_problems(cell) for i, cell in enumerate(_cells(path))
                if cell["cell_type"] == "code" and "guard" in cell.get("metadata", {}).get("tags", [])}
    problems = {i: found for i, found in problems.items() if found}
    assert not problems, problems


# Markdown that lost its ``# %% [markdown]`` marker in the ``.py`` file becomes comments at the end of the code
# cell above it: a heading ("# ## 3. ...") or a paragraph break (a line that is only "#") inside code.
MARKDOWN_IN_CODE = re.compile(r"^#[ \t]*#+[ \t]|^#[ \t]*$")


def markdown_in_code(cell: dict) -> list[str]:
    """The lines of a code cell that look like markdown written as comments (empty list: none)."""
    if cell["cell_type"] != "code" or "active-ipynb" in cell.get("metadata", {}).get("tags", []):
        return []
    return [f"line {j + 1}: {line[:60]!r}" for j, line in enumerate(_source(cell).splitlines())
            if MARKDOWN_IN_CODE.match(line.strip())]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_markdown_hidden_in_code_cells(path):
    # A guard cell is collapsed: a heading and its paragraph stuck to its end are hidden from the learner.
    problems = {i: found for i, cell in enumerate(_cells(path)) if (found := markdown_in_code(cell))}
    assert not problems, f"code cells with markdown written as comments (missing '# %% [markdown]'?): {problems}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_teaching_code_uses_nothing_a_guard_cell_defines(path):
    # A hidden cell that defines a name the learner later sees used would hide teaching code.
    guarded, problems = {}, []
    for i, cell in enumerate(_cells(path)):
        tree = _tree(cell) if cell["cell_type"] == "code" else None
        if tree is None:
            continue
        if is_guard(cell):
            guarded.update(dict.fromkeys(_assigned(tree), i))
        else:
            used = {name: guarded[name] for name in _loaded(tree) - _assigned(tree) if name in guarded}
            problems += [f"cell {i} uses {name!r} defined only in guard cell {j}" for name, j in used.items()]
            for name in _assigned(tree):
                guarded.pop(name, None)
    assert not problems, problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_prose_introduces_a_check(path):
    cells = _cells(path)
    problems = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        text = _source(cell)
        if INTRODUCES_CHECK.search(text):
            problems.append(f"markdown cell {i} talks about checks: {INTRODUCES_CHECK.search(text)[0]!r}")
        following = cells[i + 1] if i + 1 < len(cells) else None
        if following is not None and is_guard(following) and text.rstrip().endswith(":"):
            problems.append(f"markdown cell {i} ends with ':' and introduces the hidden guard cell {i + 1}")
    assert not problems, problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_title_objectives_time_and_summary(path):
    markdown = _markdown(path)
    number = path.stem[:2]
    assert re.match(rf"# {number} · \S", _source(_cells(path)[0])), "first cell: '# NN · Title'"
    assert re.search(r"\*\*Estimated time:\*\* \d+ min", markdown)
    assert address.load().colab_url(f"notebooks/{path.name}") in markdown, "Open in Colab link"
    if _is_stub(path):  # a stub announces itself; its owner adds the rest when filling it
        return
    assert "**Learning objectives**" in markdown
    assert re.search(r"^## Summary$", markdown, re.M)
    assert re.search(r"^## What next$", markdown, re.M)


def test_stubs_are_only_the_four_announced_ones():
    # 02, 06, 08 and 10 were created as stubs for their owners; no other notebook may hide behind the mark.
    assert {p.stem for p in NOTEBOOKS if _is_stub(p)} <= {"02_inside_the_gpu", "06_serving", "08_parallel_layouts",
                                                         "10_cost_and_energy"}


# --- the rules themselves, on hand-written cells ---------------------------------------------


def _cell(source: str, tags=(), hidden=False, kind="code") -> dict:
    metadata = {"tags": list(tags)} if tags else {}
    if hidden:
        metadata["jupyter"] = {"source_hidden": True}
    return {"cell_type": kind, "metadata": metadata, "source": source}


def test_rules_on_hand_written_cells():
    guard = _cell(f"{GUARD_FIRST_LINE} x\nx = f(2)\nassert x == 4", tags=["guard"], hidden=True)
    assert is_guard(guard) and has_assert(guard) and guard_cell_problems(guard) == []
    assert guard_cell_problems(_cell("assert 1", tags=["guard"])) == [
        f"first line (shown when collapsed) is not a {GUARD_FIRST_LINE!r} comment", "tagged 'guard' but not collapsed"]
    assert not is_guard(_cell("assert 1", tags=["guard"]))  # tagged but shown
    assert not is_guard(_cell("assert 1", hidden=True))  # collapsed but untagged
    assert has_assert(_cell("for r in rows:\n    assert r"))
    assert not has_assert(_cell("print('assert is only a word here')"))
    assert not has_assert(_cell("%pip install x\nassert 1", tags=["active-ipynb"]))
    assert guard_problems(ast.parse("x\nassert x")) == ["line 1: 'x' is not an assert or a lookup"]
    assert guard_problems(ast.parse("print(1)\nfor r in rows:\n    assert r"))[0].startswith("line 1: 'print(1)'")
    assert guard_problems(ast.parse("y = 2")) == ["holds no assert"]
    assert INTRODUCES_CHECK.search("The facts above, as checks (if `course_lib` ever changes them, this cell fails):")
    assert INTRODUCES_CHECK.search("Checked:") and not INTRODUCES_CHECK.search("Check yourself: 2 x 3 = 6.")
    lost = _cell(f"{GUARD_FIRST_LINE} x\nassert x\n#\n# ## 3. Browse\n#\n# Pick a result.", tags=["guard"], hidden=True)
    assert markdown_in_code(lost) == ["line 3: '#'", "line 4: '# ## 3. Browse'", "line 5: '#'"]
    assert markdown_in_code(_cell("x = 1  # ## not at the start\n# a comment\n#: type comment")) == []
    assert markdown_in_code(_cell("# ### A heading", kind="markdown")) == []
