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
        for (const group of view.querySelectorAll('.widget-toggle-buttons')) {
            const label = group.querySelector('label'), button = group.querySelector('button');
            if (group.offsetParent === null || !label || !label.innerText.trim() || !button) continue;
            if (label.getBoundingClientRect().bottom <= button.getBoundingClientRect().top) {
                problems.push(`view ${index + 1}: toggle buttons "${label.innerText}" below their description`);
            }
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
    # Review D2/D7 (slider tracks of 0-89 px next to long descriptions), D8 (headlines cut at the right edge) and D16
    # (toggle buttons below their description), in the default 1280x800 layout with the file browser open, for every
    # view of the notebook.
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    change = change_control(page, kinds=("slider",))
    assert change.after != change.before
    if lab_notebook == DEMO:
        assert change == ("3 squared is 9", "4 squared is 16", True)
        check_demo_controls(page)
    screenshot(page, lab_notebook.removesuffix(".ipynb"))


def check_demo_controls(page):
    """The demo's second view: review D3's keyboard workaround for drop-downs, and D10/D11 shown in the browser."""
    from playwright.sync_api import expect

    view = page.locator(".course-view").nth(1)
    headline, image = view.locator(".course-headline"), view.locator("img")
    expect(headline).to_have_text("A: 3 squared is 9")
    # D3 (jupyter-widgets/ipywidgets#3912): arrow keys on a focused drop-down go to JupyterLab, not the menu;
    # what notebook 00 tells learners to do instead works: click the menu, then arrow keys and Enter.
    select = view.locator("select")
    select.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(headline).to_have_text("B: 3 squared is 9")
    # D10: "1.5" in a whole-number box is refused in the learner's words; D11: the old picture is greyed out by the
    # view's style sheet, not left beside the error as if current.
    box = view.locator("input[type=text]")
    box.fill("1.5")
    box.press("Enter")
    expect(view.get_by_text("⚠ number of GPUs must be a whole number from 1 to 100, got '1.5'")).to_be_visible()
    expect(headline).to_have_text("")
    assert float(image.evaluate("img => getComputedStyle(img).opacity")) < 0.5
    box.fill("4")
    box.press("Enter")
    expect(headline).to_have_text("B: 4 squared is 16")  # the text comes first, then the new picture, not greyed
    page.wait_for_function("img => getComputedStyle(img).opacity === '1'", arg=image.element_handle(), timeout=15_000)


def test_harness_reports_errors_and_broken_widgets(run_in_lab):
    """The checks above can fail: a ZeroDivisionError, a widget without a frontend, "$" math are caught."""
    _, problems = run_in_lab("harness_broken.ipynb")
    assert any("ZeroDivisionError: division by zero" in problem for problem in problems), problems
    assert any("widget(s) failed to render" in problem for problem in problems), problems
    assert '"Traceback (most recent call last)" shown' in problems
    assert any("typeset in widget text" in problem for problem in problems), problems
