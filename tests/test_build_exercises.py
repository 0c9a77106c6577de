"""Exercise generation from solution notebooks (marker handling and drift check) and the jupytext pair check."""

from pathlib import Path

import jupytext
import nbformat

from tools import build_exercises, check_pairs


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# 03 · FLOPS — solutions\n\n[Colab](https://colab.research.google.com/github/o/r/blob/main/solutions/"
            "03_flops_solutions.ipynb) [Binder](https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/solutions/"
            "03_flops_solutions.ipynb) [worked answers](../solutions/03_flops_solutions.ipynb)"
        ),
        nbformat.v4.new_code_cell("from course_lib.checks import flops"),
        nbformat.v4.new_code_cell(
            "### BEGIN SOLUTION\nbytes_ = 10e9 * 4\nanswer = bytes_ / 1e9\n### END SOLUTION\nflops.ex1.check(answer)"
        ),
        nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    x = 1\n    ### END SOLUTION\n    return x"),
        nbformat.v4.new_markdown_cell("Why?\n<!-- BEGIN SOLUTION -->\nBecause 4 bytes.\n<!-- END SOLUTION -->\nNext."),
        nbformat.v4.new_code_cell("### SOLUTION ONLY\nassert_all_correct(flops.EXERCISES)"),
    ]
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="done")]
    return nb


def test_strip_solutions_replaces_regions_and_keeps_checks():
    exercise = build_exercises.strip_solutions(_notebook())
    sources = [c.source for c in exercise.cells]
    assert sources[0].startswith("# 03 · FLOPS — exercises")
    assert "blob/main/exercises/03_flops_exercises.ipynb" in sources[0]
    assert "lab/tree/exercises/03_flops_exercises.ipynb" in sources[0]
    assert "(../solutions/03_flops_solutions.ipynb)" in sources[0]  # a deliberate link to the answers stays
    assert sources[2] == "bytes_ = ...  # your code here\nanswer = ...  # your code here\nflops.ex1.check(answer)"
    assert sources[3] == "def f():\n    x = ...  # your code here\n    return x"
    assert sources[4] == "Why?\nNext."
    assert len(exercise.cells) == 5  # the SOLUTION ONLY cell is gone
    assert exercise.cells[2].outputs == []


def test_original_notebook_is_untouched():
    notebook = _notebook()
    build_exercises.strip_solutions(notebook)
    assert "### BEGIN SOLUTION" in notebook.cells[2].source
    assert notebook.cells[2].outputs


def test_committed_exercises_match_fresh_generation():
    assert build_exercises.main(["--check"]) == 0


def test_build_exercises_is_not_part_of_the_runtime_package():
    import course_lib
    assert not (Path(course_lib.__file__).parent / "build_exercises.py").exists()


def _pair(folder: Path, source: str) -> Path:
    notebook = jupytext.reads(source, fmt="py:percent")
    notebook.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    script = folder / "01_demo.py"
    jupytext.write(notebook, script, fmt="py:percent")
    jupytext.write(notebook, script.with_suffix(".ipynb"))
    return script


def test_pair_check_accepts_a_synced_pair_and_catches_an_unsynced_edit(tmp_path):
    script = _pair(tmp_path, "# %% [markdown]\n# Title\n\n# %%\nx = 1\n")
    assert check_pairs.pair_differences(script) == []
    script.write_text(script.read_text().replace("x = 1", "x = 2"))  # edited the .py, forgot jupytext --sync
    problems = check_pairs.pair_differences(script)
    assert len(problems) == 1 and "differ at cell 2" in problems[0] and "jupytext --sync" in problems[0]


def test_pair_check_catches_a_missing_partner_and_a_changed_tag(tmp_path):
    script = _pair(tmp_path, '# %% tags=["guard"]\nassert True\n')
    notebook = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    notebook.cells[0].metadata["tags"] = []
    nbformat.write(notebook, script.with_suffix(".ipynb"))
    assert "differ at cell 1" in check_pairs.pair_differences(script)[0]
    script.with_suffix(".ipynb").unlink()
    assert "missing" in check_pairs.pair_differences(script)[0]


def test_every_committed_pair_is_in_sync():
    assert check_pairs.main([]) == 0
