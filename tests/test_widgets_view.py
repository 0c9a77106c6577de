"""The shared widget machinery: CalculatorView wiring, error display, and figure_png cropping."""

import io

import ipywidgets as widgets
import numpy as np
import PIL.Image
import pytest
from matplotlib.figure import Figure

from course_lib.widgets import CalculatorView, ViewUpdate, figure_png, html_table


def _square_view():
    def compute(n):
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return ViewUpdate(f"{n} squared is {n * n}", draw=lambda fig: fig.add_subplot().plot([0, n], [0, n * n]))

    return CalculatorView({"n": widgets.IntSlider(value=3, min=-5, max=10)}, compute)


def test_view_recomputes_on_change_and_shows_errors_without_raising():
    view = _square_view()
    assert view.headline.value == "3 squared is 9"
    first_png = view.image.value
    view.controls["n"].value = 4
    assert view.headline.value == "4 squared is 16" and view.error.value == ""
    assert view.image.value != first_png
    view.controls["n"].value = -1
    assert view.last is None and view.headline.value == ""
    assert "n must be &gt;= 0, got -1" in view.error.value  # escaped HTML, no traceback
    view.controls["n"].value = 2
    assert view.error.value == "" and view.headline.value == "2 squared is 4"


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


def _savefig_tight(figure) -> np.ndarray:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.1)
    return _pixels(buffer.getvalue())


def _figure(legend_outside: bool):
    figure = Figure(figsize=(6.4, 3.6), dpi=80)
    ax = figure.add_subplot()
    ax.plot([1, 2, 3], [3, 1, 2], label="a line")
    ax.set_xlabel("x label")
    ax.set_title("title")
    if legend_outside:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # sticks out of the figure
    return figure


@pytest.mark.parametrize("legend_outside", [False, True])
def test_figure_png_matches_savefig_tight(legend_outside):
    # Oracle: matplotlib's own savefig(bbox_inches="tight"). The crop may differ by a pixel of rounding.
    figure = _figure(legend_outside)
    expected = _savefig_tight(figure)
    actual = _pixels(figure_png(figure))
    assert abs(actual.shape[0] - expected.shape[0]) <= 2 and abs(actual.shape[1] - expected.shape[1]) <= 2
    height, width = min(actual.shape[0], expected.shape[0]), min(actual.shape[1], expected.shape[1])
    differs = np.abs(actual[:height, :width].astype(int) - expected[:height, :width].astype(int)).max(axis=2) > 40
    assert differs.mean() < 0.05  # same picture, give or take a one-pixel shift of the crop


def test_figure_png_crops_whitespace():
    figure = _figure(legend_outside=False)
    full = _pixels(figure_png(figure, pad_inches=10))  # padding beyond the figure: falls back, whole canvas
    cropped = _pixels(figure_png(figure))
    assert cropped.shape[0] < full.shape[0] and cropped.shape[1] < full.shape[1]


def test_html_table_escapes_and_aligns():
    table = html_table([["<b>", 1.5]], header=["part", "GB"])
    assert "&lt;b&gt;" in table and "<b>" not in table
    assert "<th style='text-align:left'>part</th><th style='text-align:right'>GB</th>" in table
