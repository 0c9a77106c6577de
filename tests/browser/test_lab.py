"""Every notebook runs clean in JupyterLab in a real browser, and its widgets answer the keyboard.

Parametrized over notebooks/*.ipynb when collected, plus a generated demo notebook
(``harness_demo``) that proves the harness on a known CalculatorView: an IntSlider n = 3 whose
Label reads "3 squared is 9" and, one step to the right, "4 squared is 16". All run in one JupyterLab page.
"""

import pytest

pytestmark = pytest.mark.browser

DEMO = "harness_demo.ipynb"
LAYOUT_PROBLEMS = """() => {
    const problems = [];
    for (const [index, view] of [...document.querySelectorAll('.course-view')].entries()) {
        if (!view.offsetParent) continue;  // a hidden view (another tab)
        for (const track of view.querySelectorAll('.widget-slider .slider-container')) {
            const row = track.closest('.widget-slider');
            if (row.offsetParent === null) continue;  // a control hidden for this task
            const width = track.getBoundingClientRect().width;
            const label = row.querySelector('label') ? row.querySelector('label').innerText : '?';
            if (width < 150) problems.push(`view ${index + 1}: slider "${label}" track ${Math.round(width)} px`);
        }
        const headline = view.querySelector('.course-headline');
        if (headline && headline.scrollWidth > headline.clientWidth + 1) {
            problems.push(`view ${index + 1}: headline cut (${headline.scrollWidth} > ${headline.clientWidth} px)`);
        }
        if (headline && getComputedStyle(headline).whiteSpace !== 'normal') {
            problems.push(`view ${index + 1}: headline does not wrap`);
        }
    }
    return problems;
}"""


def test_notebook_runs_clean_and_slider_updates_label(lab_notebook, run_in_lab, change_control, screenshot):
    page, problems = run_in_lab(lab_notebook)
    assert not problems, f"{lab_notebook}: {problems}"
    # Review D2/D7 (slider tracks of 0-89 px next to long descriptions) and D8 (headlines cut at the right edge),
    # in the default 1280x800 layout with the file browser open, for every view of the notebook.
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    change = change_control(page, kinds=("slider",))
    assert change.after != change.before
    if lab_notebook == DEMO:
        assert change == ("3 squared is 9", "4 squared is 16", True)
    screenshot(page, lab_notebook.removesuffix(".ipynb"))


def test_harness_reports_errors_and_broken_widgets(run_in_lab):
    """The checks above can fail: a ZeroDivisionError, a widget without a frontend, "$" math are caught."""
    _, problems = run_in_lab("harness_broken.ipynb")
    assert any("ZeroDivisionError: division by zero" in problem for problem in problems), problems
    assert any("widget(s) failed to render" in problem for problem in problems), problems
    assert '"Traceback (most recent call last)" shown' in problems
    assert any("typeset in widget text" in problem for problem in problems), problems
