"""The shared widget machinery: CalculatorView wiring, error display, and figure_png cropping."""

import io

import ipywidgets as widgets
import numpy as np
import PIL.Image
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from course_lib.widgets import (
    DASH,
    PART_COLOURS,
    CalculatorView,
    ViewUpdate,
    figure_png,
    html_table,
    money,
    number,
    plain_log_axis,
    raw,
)
from course_lib.widgets._view import error_message


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
    layouts = []
    tight_layout = view.figure.tight_layout
    view.figure.tight_layout = lambda **kwargs: (layouts.append(kwargs), tight_layout(**kwargs))
    view.controls["n"].value = 4
    assert view.figure.subplotpars.right == inside  # reused after figure.clear()
    # The cache is what saves the second layout pass: without it the legend sticks out again and
    # figure_png has to call tight_layout and draw twice (architecture review, test #11).
    assert layouts == []


def test_figure_png_crops_whitespace():
    figure = _figure(legend_outside=False)
    full = _pixels(figure_png(figure, pad_inches=10))  # padding beyond the figure: falls back, whole canvas
    cropped = _pixels(figure_png(figure))
    assert cropped.shape[0] < full.shape[0] and cropped.shape[1] < full.shape[1]


def test_html_table_escapes_and_aligns():
    table = html_table([["<b>", 1.5]], header=["part", "GB"])
    assert "&lt;b&gt;" in table and "<b>" not in table
    assert ("<th style='text-align:left;padding:1px 6px'>part</th>"
            "<th style='text-align:right;padding:1px 6px'>GB</th>") in table
    assert "<td style='text-align:left;padding:1px 6px'>1.5</td>" in html_table([["a", 1.5]], align="left")


def test_html_table_raw_cells_keep_their_markup_and_span():
    table = html_table([[raw("<a href='x'>link</a>"), "<i>"], [raw("<b>both</b>", colspan=2)]])
    assert "<a href='x'>link</a>" in table and "&lt;i&gt;" in table
    assert "<td colspan='2' style='text-align:left;padding:1px 6px'><b>both</b></td>" in table
    with pytest.raises(ValueError, match="^align"):
        html_table([["a"]], align="centre")


@pytest.mark.parametrize(("value", "expected"), [(1599, "USD 1,599"), (-0.0, "USD 0"), (None, DASH), (2.5e16, "USD 2.5e+16")])
def test_money_never_uses_a_dollar_sign(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(46.2, "46.2"), (184_320, "184,320"), (3.14e23, "3.14e+23"),
                                                 (-0.0, "0"), (None, DASH), (1e7, "1e+07")])
def test_number_formatter(value, expected):
    assert number(value) == expected


def test_one_palette_for_memory_parts_in_every_chart():
    from course_lib.widgets import memory_precision, parallelism
    assert set(PART_COLOURS) >= {"weights", "gradients", "optimizer_states", "activations", "kv_cache"}
    ax = Figure().add_subplot()
    memory_precision.plot_memory_breakdown(ax, {"a": {"weights": 1e9, "gradients": 1e9, "total": 2e9}})
    zero = Figure().add_subplot()
    parallelism.plot_zero_stages(zero, 7.5e9, 8)
    weights_in_bars = ax.patches[0].get_facecolor()
    weights_in_zero = zero.collections[0].get_facecolors()[0]
    assert np.allclose(weights_in_bars, to_rgba(PART_COLOURS["weights"]))
    assert np.allclose(weights_in_zero, to_rgba(PART_COLOURS["weights"]))


def test_an_unchanged_key_keeps_the_figure():
    def compute(n, label):
        return ViewUpdate(f"{label}: {n}", draw=lambda fig: fig.add_subplot().plot([0, n]), key=n)

    view = CalculatorView({"n": widgets.IntSlider(value=3, min=1, max=9), "label": widgets.Text(value="a")}, compute)
    assert view.draw_count == 1
    png = view.image.value
    view.controls["label"].value = "b"  # the headline changes, the plot does not
    assert view.headline.value == "b: 3" and view.draw_count == 1 and view.image.value == png
    view.controls["n"].value = 4
    assert view.draw_count == 2 and view.image.value != png


@pytest.mark.parametrize(("call", "param"), [
    (lambda: figure_png(Figure(), pad_inches=float("inf")), "pad_inches"),  # before: OverflowError
    (lambda: figure_png("not a figure"), "figure"),
    (lambda: plain_log_axis(Figure().add_subplot().xaxis, base=0.5), "base"),  # before: OverflowError at draw
    (lambda: plain_log_axis(Figure().add_subplot().xaxis, fmt=None), "fmt"),  # before: AttributeError at draw
])
def test_helpers_reject_bad_arguments_naming_them(call, param):
    with pytest.raises(ValueError, match=f"^{param}"):
        call()


# --- every exception becomes a message naming the control; the stale picture is greyed (issue 13, review D11/D17)

def _failing_view(failure):
    """An IntSlider "number of GPUs" (n_gpus) view whose compute raises ``failure(n)`` when it returns an exception."""
    def compute(n_gpus):
        problem = failure(n_gpus)
        if problem is not None:
            raise problem
        return ViewUpdate(f"{n_gpus} GPUs", draw=lambda fig: fig.add_subplot().plot([0, n_gpus]))

    slider = widgets.IntSlider(value=2, min=0, max=9, description="number of GPUs")
    return CalculatorView({"n_gpus": slider}, compute)


@pytest.mark.parametrize("exception", [ZeroDivisionError("division by zero"), KeyError("H1OO"), IndexError("list index"),
                                       OverflowError("math range error"), RuntimeError("boom"), AttributeError("x")])
def test_any_exception_is_a_message_without_traceback(exception):
    view = _failing_view(lambda n: exception if n == 0 else None)
    good_png = view.image.value
    view.controls["n_gpus"].value = 0
    assert view.last is None and view.last_exception is exception
    assert view.headline.value == "" and view.details.value == ""
    assert type(exception).__name__ in view.error.value and "please report it" in view.error.value
    assert "Traceback" not in view.error.value
    assert "course-stale" in view.image._dom_classes and view.image.value == good_png  # greyed, not current
    view.controls["n_gpus"].value = 3
    assert view.error.value == "" and view.headline.value == "3 GPUs" and view.last_exception is None
    assert "course-stale" not in view.image._dom_classes and view.image.value != good_png


def test_a_value_error_names_the_control_by_its_description():
    """Review D17: "n_gpus must be ..." is shown as "number of GPUs must be ..."."""
    view = _failing_view(lambda n: ValueError(f"n_gpus must be a whole number >= 1, got {n}") if n == 0 else None)
    view.controls["n_gpus"].value = 0
    assert "⚠ number of GPUs must be a whole number &gt;= 1, got 0" in view.error.value
    assert "n_gpus" not in view.error.value
    assert error_message(ValueError("n_gpus_total: too many"), view.controls) == "n_gpus_total: too many"  # whole names
    assert error_message(TypeError("n_gpus must be an int"), view.controls) == "number of GPUs must be an int"


def test_a_drawing_that_fails_is_a_message_and_the_next_change_draws_again():
    def compute(n):
        def draw(fig):
            if n == 5:
                raise ValueError("n: cannot draw 5")
            fig.add_subplot().plot([0, n])
        return ViewUpdate(f"n = {n}", draw=draw, key=n)

    view = CalculatorView({"n": widgets.IntSlider(value=4, min=0, max=9, description="n")}, compute)
    view.controls["n"].value = 5
    assert "n: cannot draw 5" in view.error.value and view.headline.value == ""  # never a half-updated view
    assert "course-stale" in view.image._dom_classes
    view.controls["n"].value = 6
    assert view.headline.value == "n = 6" and view.error.value == "" and "course-stale" not in view.image._dom_classes
    six, drawn = view.image.value, view.draw_count
    view.controls["n"].value = 4  # drawn before: the kept picture comes back without drawing
    assert view.draw_count == drawn and view.headline.value == "n = 4" and view.image.value != six


def test_a_setting_seen_before_is_not_drawn_again():
    view = _square_view()
    three = view.image.value
    view.controls["n"].value = 4
    drawn = view.draw_count
    view.controls["n"].value = 3
    assert view.image.value == three and view.draw_count == drawn and view.headline.value == "3 squared is 9"


def test_a_compute_that_returns_something_else_is_a_message():
    view = CalculatorView({"n": widgets.IntSlider(value=1, description="n")}, lambda n: f"{n} as a string")
    assert "compute returned str, not a ViewUpdate" in view.error.value and view.last is None
