"""Exercise generation from solution notebooks (marker handling and drift check)."""

import nbformat

from course_lib import build_exercises


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
