"""apps/planner.ipynb is a dashboard, not a lesson: it runs, and shows widgets and tables only.

The Voila review (browser-review-2026-12.md, D19) found the old app was notebook 06 with its code
hidden: raw tuples such as (113499, '39.7 MWh') and "Checks of ..." sentences on the page. This
executes the app headless and checks what a visitor would see.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

APP = Path(__file__).resolve().parents[1] / "apps" / "planner.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(APP, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    return notebook


def test_the_app_runs_and_every_output_is_a_widget_or_a_table(executed):
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert code[0].outputs == []  # the imports print nothing
    shown = [cell for cell in code[1:]]
    assert len(shown) == 4
    for cell in shown:
        (output,) = cell.outputs  # exactly one thing per cell
        assert output.output_type in ("execute_result", "display_data")
        assert WIDGET in output.data or "text/html" in output.data
    assert sum(WIDGET in cell.outputs[0].data for cell in shown) == 3  # planner, layout search, rent vs buy


def test_no_lesson_scaffolding(executed):
    text = "\n".join(cell.source for cell in executed.cells)
    for scaffolding in ("assert ", "Check", "check", "Try this", "Exercise", "colab", "binder"):
        assert scaffolding not in text, scaffolding
    assert "$" not in text  # Jupyter would typeset "$...$" as math
    markdown = [cell.source for cell in executed.cells if cell.cell_type == "markdown"]
    assert markdown[0].startswith("# GPU planner") and "dated" in markdown[0]
