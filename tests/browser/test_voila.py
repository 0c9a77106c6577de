"""09_choosing_hardware works as a stand-alone Voila app: widgets render and answer a change.

Until notebooks/09_choosing_hardware.ipynb exists the generated harness demo is served instead.
About one Voila page load in five stalls on a 2-core machine, so the page is loaded up to 3 times.
"""

import pytest

pytestmark = pytest.mark.browser

ATTEMPTS = 3
LOAD_TIMEOUT_MS = 25_000


def test_voila_renders_widgets_and_a_change_updates_a_label(voila_app, page, page_problems, change_control,
                                                            screenshot):
    from playwright.sync_api import Error as PlaywrightError

    url, notebook = voila_app
    failures = []
    for _ in range(ATTEMPTS):
        try:
            page.goto(url, timeout=LOAD_TIMEOUT_MS)
            page.locator("div.widget-label").first.wait_for(timeout=LOAD_TIMEOUT_MS)
            break
        except PlaywrightError as error:
            failures.append(str(error).splitlines()[0])
    else:
        pytest.fail(f"Voila page did not render widgets in {ATTEMPTS} attempts: {failures}")
    assert not page_problems(page)
    change = change_control(page, kinds=("slider", "dropdown"))
    assert change.after != change.before
    if notebook == "harness_demo.ipynb":
        assert change == ("3 squared is 9", "4 squared is 16", True)
    screenshot(page, f"voila_{notebook.removesuffix('.ipynb')}")
