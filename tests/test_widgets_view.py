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


def _content(pixels: np.ndarray) -> np.ndarray:
    """The picture cropped to its non-white pixels."""
    drawn = np.any(pixels != 255, axis=2)
    rows, cols = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
    return pixels[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


@pytest.mark.parametrize("legend_outside", [False, True])
def test_figure_png_matches_savefig_tight(legend_outside):
    # Oracle: matplotlib's own savefig(bbox_inches="tight") of the figure as figure_png left it (it may
    # have moved the axes in so that nothing sticks out). Were anything clipped, savefig's picture
    # would hold more. Compared on the drawn content; the white margins differ by design.
    figure = _figure(legend_outside)
    actual = _pixels(figure_png(figure))
    expected = _savefig_tight(figure)
    assert _content(actual).shape == _content(expected).shape
    assert np.array_equal(_content(actual), _content(expected))
    margins = np.array(actual.shape[:2]) - np.array(_content(actual).shape[:2])
    assert (margins >= 2 * 7).all()  # about 0.1 inch of white on each side at 80 dpi


def test_view_keeps_the_margins_that_fit():
    def compute(n):
        def draw(fig):
            ax = fig.add_subplot()
            ax.plot(range(n), label="values")
            ax.set_ylabel("a long y label " * 2)
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))  # outside the axes, past the figure edge
        return ViewUpdate(str(n), draw=draw)

    view = CalculatorView({"n": widgets.IntSlider(value=3, min=2, max=9)}, compute)
    inside = view.figure.subplotpars.right
    assert inside < 0.9  # moved in from matplotlib's default 0.9 so the legend fits
    view.controls["n"].value = 4
    assert view.figure.subplotpars.right == inside  # reused after figure.clear()


def test_figure_png_crops_whitespace():
    figure = _figure(legend_outside=False)
    full = _pixels(figure_png(figure, pad_inches=10))  # padding beyond the figure: falls back, whole canvas
    cropped = _pixels(figure_png(figure))
    assert cropped.shape[0] < full.shape[0] and cropped.shape[1] < full.shape[1]


def test_html_table_escapes_and_aligns():
    table = html_table([["<b>", 1.5]], header=["part", "GB"])
    assert "&lt;b&gt;" in table and "<b>" not in table
    assert "<th style='text-align:left'>part</th><th style='text-align:right'>GB</th>" in table
