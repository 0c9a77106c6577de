"""The website's pieces without building it: widgets frozen into pictures, links, generated pages, schedules.

Expected values are written out by hand (a view's headline from its own compute function, clock
times added up by hand, link targets spelled out) or read from the repository independently of the
code under test (catalog URLs, exercise titles, trap counts).
"""

from __future__ import annotations

import base64
import datetime
import re

import ipywidgets as widgets
import nbformat
import pytest

from course_lib import hardware, prices
from course_lib.checks import flops
from course_lib.widgets import CalculatorView, ViewUpdate
from course_lib.widgets.start_here import COURSE, GOALS, Notebook
from tools import site_build, site_pages
from tools.address import ROOT, Address
from tools.static_widgets import WIDGET_STATE, WIDGET_VIEW, control_text, freeze_widgets

ADDRESS = Address("octo-org/course", "v2")
SITE_FILES = {"notebooks/00_start_here.ipynb", "notebooks/03_flops.ipynb", "docs/glossary.md",
              "exercises/03_flops_exercises.ipynb", "index.md", "instructor.md"}


# --- widgets as pictures ----------------------------------------------------------------------------

def _executed_notebook_with(view: CalculatorView) -> nbformat.NotebookNode:
    """A notebook as nbclient saves it: one output displaying ``view``, the widget state in the metadata."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("view")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": "VBox(...)", WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": view.widget.model_id}})]
    notebook.cells = [cell]
    notebook.metadata["widgets"] = {WIDGET_STATE: widgets.Widget.get_manager_state(drop_defaults=False)}
    return notebook


def _square(n: int, unit: str) -> ViewUpdate:
    return ViewUpdate(headline=f"{n} squared is {n * n} {unit}", details="<b>details</b>",
                      draw=lambda fig: fig.add_subplot().bar(["n"], [n]))


def test_a_calculator_view_becomes_its_picture_with_launch_links():
    view = CalculatorView({"n": widgets.IntSlider(value=3, min=0, max=9, description="n"),
                           "unit": widgets.Dropdown(options=["apples", "pears"], value="pears", description="unit")},
                          _square)
    notebook = _executed_notebook_with(view)
    frozen = freeze_widgets(notebook, lambda: "<p>LAUNCH</p>")
    assert frozen == 1 and "widgets" not in notebook.metadata
    data = notebook.cells[0].outputs[0]["data"]
    assert list(data) == ["text/html"]
    page = data["text/html"]
    assert '<p class="course-widget-headline">3 squared is 9 pears</p>' in page
    assert '<span class="course-widget-control">n: 3</span>' in page
    assert '<span class="course-widget-control">unit: pears</span>' in page
    assert "<b>details</b>" in page and page.endswith("<p>LAUNCH</p></div>")
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page)[1])
    assert png == view.image.value  # the very picture the view drew
    assert 'alt="3 squared is 9 pears"' in page


@pytest.mark.parametrize(("model", "state", "expected"), [
    ("DropdownModel", {"description": "GPU:", "index": 1, "_options_labels": ["A100", "H100"]}, "GPU: H100"),
    ("ToggleButtonsModel", {"description": "", "index": 0, "_options_labels": ["fp16", "bf16"]}, "fp16"),
    ("FloatLogSliderModel", {"description": "tokens", "value": 2e12, "readout_format": ".3g"}, "tokens: 2e+12"),
    ("FloatSliderModel", {"description": "MFU", "value": 0.4, "readout_format": ".0%"}, "MFU: 40%"),
    ("CheckboxModel", {"description": "recompute", "value": True}, "recompute: on"),
    ("FloatTextModel", {"description": "price", "value": 2.5}, "price: 2.5"),
    ("FloatTextModel", {"description": "budget (USD)", "value": 500000.0}, "budget (USD): 500,000"),
    ("TextModel", {"description": "your price", "value": ""}, "your price: "),
])
def test_controls_read_as_the_learner_sees_them(model, state, expected):
    assert control_text(model, state) == expected


def test_every_kind_of_course_control_becomes_its_picture():
    """Each control factory the notebooks use (tools/static_widgets.py must know its model) reads as shown."""
    from course_lib.widgets import _controls

    controls = {
        "gpus": _controls.powers_of_two("gpus", 8, 1, 64, "GPUs"),
        "tokens": _controls.log_slider("tokens", 1e12, 1e9, 1e13, "tokens"),
        "mfu": _controls.percent_slider("mfu", 0.4, "MFU"),
        "layers": _controls.int_slider("layers", 32, 1, 128, "layers"),
        "hours": _controls.float_slider("hours", 2.5, 0.0, 24.0, 0.5, "hours per day", ".1f"),
        "gpu": _controls.dropdown("gpu", "H100", ["A100", "H100"], "GPU"),
        "dtype": _controls.toggles("dtype", "bf16", ["fp16", "bf16"], "precision"),
        "recompute": _controls.checkbox("recompute", True, "recompute"),
        "price": _controls.number_box("price", 2500.0, "price (USD)"),
    }
    notebook = _executed_notebook_with(CalculatorView(controls, lambda **_: ViewUpdate("ok"), figsize=None))
    assert freeze_widgets(notebook, lambda: "") == 1
    page = notebook.cells[0].outputs[0]["data"]["text/html"]
    shown = re.findall(r'<span class="course-widget-control">([^<]*)</span>', page)
    assert shown == ["GPUs: 8", "tokens: 1e12", "MFU: 40%", "layers: 32", "hours per day: 2.5", "GPU: H100",
                     "precision: bf16", "recompute: on", "price (USD): 2500"]


def test_a_widget_without_controls_gets_no_launch_links():
    label = widgets.Label("GPU: 100%")
    notebook = _executed_notebook_with(CalculatorView({}, lambda: ViewUpdate("x"), figsize=None))
    notebook.cells[0].outputs[0]["data"][WIDGET_VIEW]["model_id"] = widgets.HBox([label]).model_id
    notebook.metadata["widgets"] = {WIDGET_STATE: widgets.Widget.get_manager_state(drop_defaults=False)}
    freeze_widgets(notebook, lambda: "<p>LAUNCH</p>")
    assert notebook.cells[0].outputs[0]["data"]["text/html"] == (
        '<div class="course-widget"><div class="course-widget-hbox"><p class="course-widget-headline">GPU: 100%</p>'
        "</div></div>")


def test_an_unknown_widget_is_an_error_not_a_silent_gap():
    notebook = _executed_notebook_with(CalculatorView({"n": widgets.IntSlider(value=1)}, lambda n: ViewUpdate("x")))
    state = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    view_id = notebook.cells[0].outputs[0]["data"][WIDGET_VIEW]["model_id"]
    state[view_id]["model_name"] = "PlayModel"
    with pytest.raises(ValueError, match="PlayModel"):
        freeze_widgets(notebook, lambda: "")


# --- links ----------------------------------------------------------------------------------------------

def test_relative_links_stay_on_the_site_or_go_to_github():
    markdown = ("[g](../docs/glossary.md#mfu) [n](00_start_here.ipynb) [s](../solutions/03_flops_solutions.ipynb) "
                "[t](../tests) [w](https://example.org/a.md) [here](#section)")
    assert site_pages.rewrite_links(markdown, "notebooks/03_flops.ipynb", SITE_FILES, ADDRESS) == (
        "[g](../docs/glossary.md#mfu) [n](00_start_here.ipynb) "
        "[s](https://github.com/octo-org/course/blob/v2/solutions/03_flops_solutions.ipynb) "
        "[t](https://github.com/octo-org/course/tree/v2/tests) [w](https://example.org/a.md) [here](#section)")


def test_links_in_widget_html_point_at_site_pages():
    html = "<a href='00_start_here.ipynb'>00</a> <a href=\"../solutions/x.ipynb#q\">s</a> <a href='#top'>t</a>"
    assert site_pages.rewrite_html_links(html, "notebooks/03_flops.ipynb", SITE_FILES, ADDRESS) == (
        "<a href='00_start_here.html'>00</a> "
        "<a href=\"https://github.com/octo-org/course/blob/v2/solutions/x.ipynb#q\">s</a> <a href='#top'>t</a>")


def test_citations_become_links_and_markup_is_escaped():
    assert site_pages.cite("H100 datasheet (* = sparse), https://nvidia.com/h100.pdf.") == (
        "H100 datasheet (\\* = sparse), <https://nvidia.com/h100.pdf>.")
    assert site_pages.urls("see https://a.org/x, and (https://b.org/y)") == ["https://a.org/x", "https://b.org/y"]


def test_headings_get_the_glossarys_anchors():
    assert site_build.heading_slug("2:4 sparsity") == "2-4-sparsity"
    assert site_build.heading_slug("Amdahl's law") == "amdahl-s-law"


# --- generated pages ------------------------------------------------------------------------------------

README = """# Title

**Read the course online: https://octo-org.github.io/course/** (intro
continues here).

An interactive course.

## Two commands

make start

More targets (for maintainers): make site

## Where to run it

see [For instructors](#for-instructors) and [the map](notebooks/00_start_here.ipynb)

## The course

the table

## Conventions used everywhere

GB

## For instructors

- **Timing.** plan
- **JupyterHub + nbgitpuller.** the link

## The website

how it is built

## Repository layout

tree

## Contributing

[rules](docs/CONTRIBUTING.md)
"""


def test_home_page_is_the_readers_part_of_the_readme():
    home = site_pages.home_markdown(README, ADDRESS, SITE_FILES, "TOC")
    assert "octo-org.github.io" not in home and "intro" not in home and "An interactive course." in home
    headings = re.findall(r"^## (.+)$", home, re.M)
    assert headings == ["The course", "Where to run it", "Conventions used everywhere", "Run it on your machine",
                        "For instructors"]
    assert "make start" in home and "make site" not in home and "tree" not in home and "rules" not in home
    assert "[For instructors](instructor.md)" in home and "[the map](notebooks/00_start_here.ipynb)" in home
    assert home.endswith("TOC")


def test_sources_page_lists_every_catalog_and_price_url_and_each_notebook_link():
    page = site_pages.sources_markdown(site_build.load())
    for gpu in hardware.list_gpus():
        assert f"**{gpu.name}**" in page.replace("\\", "")
        for url in re.findall(r"https?://[^\s,;)]+[^\s,;).]", gpu.source):
            assert url in page, (gpu.name, url)
    for observation in prices.rent_observations():
        assert f"<{observation.url}>" in page
    for notebook in COURSE:
        text = "\n".join("".join(c.source) for c in nbformat.read(ROOT / "notebooks" / f"{notebook.name}.ipynb", 4).cells
                         if c.cell_type == "markdown")
        cited = {url.rstrip(".,;:") for url in re.findall(r"https?://[^\s)>\]\"'`]+", text)}
        cited = {url for url in cited if not url.startswith(("https://colab.research.google.com/github/",
                                                               "https://mybinder.org/", "https://github.com/gpu-llm",
                                                               "https://gpu-llm"))}
        assert all(f"<{url}>" in page for url in cited), (notebook.name, cited)


def test_schedule_adds_up_the_stated_minutes():
    # 10 welcome; 15 + 55 = 70 (< 90, no break); + 50 = 120 >= 90: a 15-min break; then 75; the end.
    notebooks = [Notebook("00", "a", "A", "", 15), Notebook("01", "b", "B", "", 55),
                 Notebook("03", "c", "C", "", 50), Notebook("04", "d", "D", "", 75)]
    slots = site_pages.schedule(notebooks)
    assert [(f"{s.start:%H:%M}", s.minutes, s.what[:5]) for s in slots] == [
        ("09:00", 10, "Welco"), ("09:10", 15, "00 · "), ("09:25", 55, "01 · "), ("10:20", 50, "03 · "),
        ("11:10", 15, "Break"), ("11:25", 75, "04 · "), ("12:40", 0, "End")]
    with_lunch = site_pages.schedule(notebooks, start=datetime.time(8, 30), lunch_after_min=60)
    # 15 + 55 = 70 >= 60 after the second notebook: lunch 09:50-10:50, the pause counter restarts.
    assert [(f"{s.start:%H:%M}", s.what[:5]) for s in with_lunch][3:6] == [
        ("09:50", "Lunch"), ("10:50", "03 · "), ("11:40", "04 · ")]


def test_objectives_and_myth_claims_are_read_from_the_markdown():
    markdown = ("# 09 · X\n\n**Learning objectives**\n- Read a datasheet\n  across two lines.\n- MFU in plain words.\n\n"
                "**Estimated time:** 45 min\n\n## 6. Myth check: \"more TFLOPS means faster inference\"\n\ntext\n\n"
                "## Myth checks\n\n**\"A 7B model needs 28 GB to fine-tune.\"** Compute it.\n\n"
                "## 7. Other\n\n**Myth check: \"the cheapest GPU per hour gives the cheapest job\".** Text.\n"
                "**Worth knowing: \"quoted\"** here.\n")
    assert site_pages.objectives(markdown) == ["Read a datasheet across two lines.", "MFU in plain words."]
    assert site_pages.myth_claims(markdown) == ["more TFLOPS means faster inference", "A 7B model needs 28 GB to fine-tune",
                                                "the cheapest GPU per hour gives the cheapest job"]
    assert site_pages.estimated_minutes(markdown) == 45


def test_instructor_page_has_plans_questions_exercises_traps_and_the_hub_link():
    page = site_pages.instructor_markdown(site_build.load(), (ROOT / "README.md").read_text(), site_build.site_files_of())
    assert site_build.load().gitpull_link() in page
    for goal in GOALS:
        assert f"| {goal} |" in page
    assert site_pages.checks_module("03_flops") is flops
    assert site_pages.checks_module("11_reality_check") is None  # no exercises for 11
    for exercise in flops.EXERCISES:
        assert site_pages.cite(exercise.title) in page
    traps = sum(len(ex.traps) for ex in flops.EXERCISES)
    section = page.split("### [03 · ")[1].split("### [04 · ")[0]
    assert section.count("\n- *") == traps
    assert 'Someone says: "an H100 does 4,000 TFLOPS"' in section
    assert "{answer}" not in page
