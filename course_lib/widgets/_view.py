"""The one widget pattern of the course: controls -> pure calculator -> text + figure.

A :class:`CalculatorView` observes its controls; on every change it calls ``compute`` with the
controls' values as keyword arguments. ``compute`` is a small function that calls course_lib
calculators and returns a :class:`ViewUpdate`. Whatever it raises is shown as a message in the view
naming the control (never a traceback), and the picture of the last valid input is greyed out. A ``ViewUpdate`` with the same ``key`` as the figure on
screen keeps that figure instead of drawing it again.

Controls are built by :mod:`course_lib.widgets._controls`. This module is the one home of what every
view shares: :data:`STYLE`,
:data:`DASH`, :func:`html_table` (with :func:`raw` cells), the formatters :func:`number` and
:func:`money`, and :data:`PART_COLOURS` (one colour per memory part in every chart).

The figure is drawn with matplotlib into one reused ``Figure`` and sent to an ``ipywidgets.Image``
as PNG bytes, so the view works the same in JupyterLab, Colab (ipywidgets 7.7), Voila and
headless tests (``view.image.value`` is the PNG).
"""

from __future__ import annotations

import html
import io
import re
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import matplotlib
import numpy as np
import PIL.Image
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
from matplotlib.transforms import Bbox, blended_transform_factory

from course_lib import _validate
from course_lib.widgets import _controls
from course_lib.widgets._controls import STYLE as STYLE  # re-exported: the one description style

VIEW_CLASS, HEADLINE_CLASS, STALE_CLASS = "course-view", "course-headline", "course-stale"
PICTURES_KEPT = 24  # PNGs a view keeps for settings seen before (~25 kB each)
# One style sheet, shipped inside every view (an invisible HTML widget holding a <style>; checked in JupyterLab and
# Voila by tests/browser): headlines wrap instead of being cut off (review D8), a picture left from the
# last valid input is greyed out next to an error (D11), toggle buttons sit beside their description (D16).
_CSS = (f"<style>.{VIEW_CLASS} .{HEADLINE_CLASS}{{white-space:normal!important;overflow:visible!important;"
        "height:auto!important;line-height:1.4!important;padding:2px 0}"
        f".{VIEW_CLASS} .{STALE_CLASS}{{opacity:.25;filter:grayscale(100%)}}"
        # ipywidgets 8 puts a ToggleButtons' description on a line of its own; beside the buttons, like every other
        # control's (review D16)
        f".{VIEW_CLASS} .widget-toggle-buttons{{display:flex;align-items:flex-start}}"
        f".{VIEW_CLASS} .widget-toggle-buttons>label{{margin-right:8px;flex-shrink:0}}"
        f".{VIEW_CLASS} .widget-toggle-buttons>div{{flex:1 1 auto;min-width:0}}"  # many buttons wrap beside it
        f".{VIEW_CLASS} .widget-toggle-button{{width:auto;min-width:4em}}</style>")
DASH = "—"  # shown where a value is not published or does not apply
# One colour per part of a memory breakdown, the same in every chart (notebooks 04 and 07).
PART_COLOURS = {"weights": "tab:blue", "gradients": "tab:orange", "optimizer_states": "tab:green",
                "activations": "tab:purple", "kv_cache": "tab:red", "overhead": "tab:gray"}


@dataclass
class ViewUpdate:
    """What a view shows after a change.

    headline: one line of plain text with the key result (shown in a ``Label``).
    details: optional HTML with more numbers (a small table, a sentence).
    draw: optional ``draw(fig)`` that draws on the view's cleared ``matplotlib.figure.Figure``.
    key: optional hashable description of what ``draw`` shows; if it equals the key of the figure
        on screen, the view keeps that figure (e.g. a control that changes only the headline).
    """

    headline: str
    details: str = ""
    draw: Callable[[Figure], Any] | None = None
    key: Hashable | None = None


class CalculatorView:
    """Controls wired to a calculator; ``display(view)`` or ``view.widget`` shows it.

    Attributes used by tests: ``controls`` (name -> widget), ``headline`` (Label), ``details``
    (HTML), ``error`` (HTML, empty when inputs are valid), ``image`` (PNG Image or None),
    ``last`` (the last ViewUpdate, or None after an error), ``last_exception`` (what the last failed
    update raised, or None).
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.Widget],
        compute: Callable[..., ViewUpdate],
        *,
        figsize: tuple[float, float] | None = (6.4, 3.6),
        dpi: int = 80,
    ):
        self.controls = dict(controls)
        self.compute = compute
        self.headline = widgets.Label()
        self.headline.add_class(HEADLINE_CLASS)  # wraps instead of being cut at the right edge (review D8)
        self.details = widgets.HTML()
        self.error = widgets.HTML()
        self.last: ViewUpdate | None = None
        self.last_exception: Exception | None = None
        self._margins: dict[str, float] | None = None  # subplot margins that kept the last figure inside its canvas
        self._drawn_key: Hashable | None = None  # ViewUpdate.key (or the values) of the figure on screen
        self._pictures: OrderedDict[Hashable, bytes] = OrderedDict()  # recent PNGs by key, oldest first
        self.draw_count = 0  # figures drawn (tests: a repeated key must not draw)
        self._figsize = figsize
        self.figure = Figure(figsize=figsize, dpi=dpi) if figsize else None  # no pyplot: never shown twice
        # Natural size: stretched to the output's width the PNG would be blurry (seen in Voila).
        self.image = widgets.Image(format="png", layout=widgets.Layout(align_self="flex-start")) if figsize else None
        for control in self.controls.values():
            control.observe(self.update, names="value")
        parts = [widgets.VBox(list(self.controls.values())), self.headline, self.details, self.error]
        if self.image is not None:
            parts.append(self.image)
        parts.append(widgets.HTML(_CSS, layout=widgets.Layout(display="none")))  # the style sheet, invisible
        self.widget = widgets.VBox(parts)
        self.widget.add_class(VIEW_CLASS)
        self.update()

    def values(self) -> dict[str, Any]:
        """What ``compute`` is called with, by control name: each control's value (a number box's parsed
        number); ValueError naming the control if one cannot be read."""
        return {name: _controls.read(control) for name, control in self.controls.items()}

    def update(self, change: Any = None) -> None:
        """Recompute and redraw; called by every control change. Never raises: whatever ``compute`` (or the
        drawing) raises is shown as a message naming the control, and the old picture is greyed out.

        The text goes to the page before the figure is drawn (it appears ~50 ms sooner); a picture drawn before
        for the same inputs (or the same ``key``) is sent again without drawing.
        """
        try:
            values = self.values()
            result = self.compute(**values)
            if not isinstance(result, ViewUpdate):
                raise TypeError(f"compute returned {type(result).__name__}, not a ViewUpdate")
        except Exception as exc:  # the page must never show a traceback (issue 13)
            self._show_error(exc)
            return
        self.error.value = ""
        self.headline.value = result.headline
        self.details.value = result.details
        try:
            png = self._render(result, values)
        except Exception as exc:
            self._show_error(exc)
            return
        self.last, self.last_exception = result, None
        if self.image is not None:
            if png is not None:
                self.image.value = png
            self.image.remove_class(STALE_CLASS)

    def _render(self, result: ViewUpdate, values: dict[str, Any]) -> bytes | None:
        """PNG of ``result``'s figure, or None when there is nothing new to send (no figure, or the one on screen).

        Pictures are kept by ``result.key`` or, without one, by the controls' values (``compute`` is pure): going
        back to a setting seen before costs no drawing.
        """
        if self.figure is None or self.image is None or result.draw is None:
            return None
        key = ("key", result.key) if result.key is not None else _values_key(values)
        if key is not None and key == self._drawn_key:
            return None  # the figure on screen already shows this
        if key is not None and key in self._pictures:
            self._pictures.move_to_end(key)
            self._drawn_key = key
            return self._pictures[key]
        self._drawn_key = None  # until the new figure is drawn: a failed draw must not leave a key behind
        self.draw_count += 1
        # The axes are deleted without figure.clear() clearing each of them first (a fifth of a simple view's
        # redraw); the figure, its canvas and its renderer stay, and with them matplotlib's cache of text sizes.
        for ax in tuple(self.figure.axes):
            self.figure.delaxes(ax)
        self.figure.clear()
        if self._figsize is not None:
            self.figure.set_size_inches(self._figsize)
        if self._margins:
            self.figure.subplots_adjust(**self._margins)
        with warnings.catch_warnings():  # e.g. numpy overflow on a log axis near 1e300: not for the learner's page
            warnings.simplefilter("ignore", RuntimeWarning)
            result.draw(self.figure)
            png = figure_png(self.figure)
        params = self.figure.subplotpars
        self._margins = {name: getattr(params, name) for name in ("left", "right", "bottom", "top", "wspace", "hspace")}
        self._drawn_key = key
        if key is not None:
            self._pictures[key] = png
            while len(self._pictures) > PICTURES_KEPT:
                self._pictures.popitem(last=False)
        return png

    def _show_error(self, exc: Exception) -> None:
        self.last, self.last_exception = None, exc
        self.headline.value = ""
        self.details.value = ""
        self.error.value = (f'<span style="color:var(--jp-error-color1, #b00020)">⚠ '
                            f"{html.escape(error_message(exc, self.controls))}</span>")
        if self.image is not None:
            self.image.add_class(STALE_CLASS)  # the last valid picture, greyed out: not beside the error as if current

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _values_key(values: dict[str, Any]) -> Hashable | None:
    """The controls' values as a dictionary key, or None if one of them is unhashable."""
    key = ("values", tuple(sorted(values.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def error_message(exc: Exception, controls: Mapping[str, widgets.Widget]) -> str:
    """What a view shows for ``exc``: a ValueError/TypeError's message with a leading parameter name replaced by
    the description of the control of that name ("n_gpus must be ..." -> "number of GPUs must be ...", review
    D17); anything else is a bug, said as such (its type and message, no traceback)."""
    text = str(exc).strip() or type(exc).__name__
    if not isinstance(exc, (ValueError, TypeError)):
        return (f"the course library failed on these inputs ({type(exc).__name__}: {text}); change a control to "
                "continue, and please report it")
    descriptions = [(getattr(control, "description", "") or name).rstrip(" :=") for name, control in controls.items()]
    if any(text.startswith(description) for description in descriptions):
        return text  # already in the learner's words (a number box's own message)
    for name in sorted(controls, key=len, reverse=True):
        match = re.match(rf"{re.escape(name)}(?![A-Za-z0-9_])", text)
        if match:
            description = (getattr(controls[name], "description", "") or name).rstrip(" :=")
            return description + text[match.end():]
    return text


def figure_png(figure: Figure, pad_inches: float = 0.1) -> bytes:
    """PNG bytes of ``figure`` cropped to its content, like ``savefig(bbox_inches="tight")`` but faster.

    savefig's tight mode lays the figure out twice (once to measure, once to render). Here the
    figure is drawn once and cropped to the pixels that differ from the background. If drawn pixels
    touch the canvas edge, something may stick out (a tick label, a legend beside the axes): the axes
    are moved in with ``tight_layout`` and the figure is drawn again. ``CalculatorView`` keeps those
    margins, so its next redraw needs a single draw.
    """
    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure, got {_validate.describe(figure)}")
    pad_inches = _validate.non_negative("pad_inches", pad_inches)
    if pad_inches > 10:
        raise ValueError(f"pad_inches must be at most 10, got {pad_inches!r}")
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    background = np.round(np.asarray(matplotlib.colors.to_rgba(figure.get_facecolor())) * 255).astype(np.uint8)
    pad = round(pad_inches * figure.dpi)
    for attempt in range(2):
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())
        drawn = np.any(pixels != background, axis=2)
        rows, cols = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
        height, width = drawn.shape
        if rows.size == 0:
            return _png(pixels)
        if rows[0] > 0 and cols[0] > 0 and rows[-1] < height - 1 and cols[-1] < width - 1:
            return _png(pixels[max(rows[0] - pad, 0):rows[-1] + 1 + pad, max(cols[0] - pad, 0):cols[-1] + 1 + pad])
        if attempt == 0:
            with warnings.catch_warnings():  # axes tight_layout cannot handle are left where they are
                warnings.simplefilter("ignore")
                figure.tight_layout(pad=pad_inches * 72 / matplotlib.rcParams["font.size"])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", pad_inches=pad_inches, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    # zlib level 1: ~10 ms less per redraw than the default, for a slightly larger file.
    PIL.Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class Raw(str):
    """A table cell that is already HTML (a link, a coloured span): :func:`html_table` does not escape it."""

    colspan: int = 1


def raw(markup: str, colspan: int = 1) -> Raw:
    """Mark ``markup`` as HTML for :func:`html_table`, optionally spanning ``colspan`` columns."""
    cell = Raw(_validate.text("markup", markup))
    cell.colspan = _validate.positive_int("colspan", colspan, 64)
    return cell


def html_table(rows: Iterable[Sequence[Any]], header: Sequence[Any] | None = None, *, align: str = "right",
               wrap: Sequence[str] = (), scroll: bool = False) -> str:
    """An HTML table from rows of cells; first column left, the others ``align``-ed ("right" or "left").

    Cells are escaped text unless made with :func:`raw` (HTML, optionally spanning columns).
    ``scroll``: the table sits in a box that scrolls sideways when it is wider than the page, its cells
    on one line except in the columns whose header is in ``wrap`` (long notes).
    """
    align = _validate.choice("align", align, ("right", "left"))
    scroll = _validate.flag("scroll", scroll)
    wrapped = {i for i, name in enumerate(header or ()) if name in wrap}

    def cell(value: Any, tag: str, index: int) -> str:
        side = "left" if index == 0 else align
        markup = str(value) if isinstance(value, Raw) else html.escape(str(value))
        span = f" colspan='{value.colspan}'" if isinstance(value, Raw) and value.colspan > 1 else ""
        space = (";white-space:normal;min-width:18em" if index in wrapped else ";white-space:nowrap") if scroll else ""
        return f"<{tag}{span} style='text-align:{side};padding:1px 6px{space}'>{markup}</{tag}>"

    def row_html(cells: Sequence[Any], tag: str) -> str:
        return "<tr>" + "".join(cell(c, tag, i) for i, c in enumerate(cells)) + "</tr>"

    head = row_html(header, "th") if header else ""
    table = "<table>" + head + "".join(row_html(r, "td") for r in rows) + "</table>"
    return f"<div style='overflow-x:auto'>{table}</div>" if scroll else table


def number(value: float | None, fmt: str | None = None) -> str:
    """A number for a table or headline: :data:`DASH` for None; else ``fmt`` if given, or 3-4 significant
    figures with thousands separators between 1e3 and 1e7 and scientific notation beyond."""
    if value is None:
        return DASH
    value = _validate.real("value", value) + 0.0  # -0.0 -> 0.0: never "-0"
    if fmt is not None:
        return fmt.format(value)
    if 1e3 <= abs(value) < 1e7:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def money(usd: float | None, digits: int = 0) -> str:
    """US dollars as "USD 1,599" (never "$": Jupyter typesets $...$ as LaTeX); :data:`DASH` for None."""
    if usd is None:
        return DASH
    usd = _validate.real("usd", usd) + 0.0
    digits = _validate.non_negative_int("digits", digits, 6)
    return f"USD {usd:,.{digits}f}" if abs(usd) < 1e15 else f"USD {usd:.3g}"


def plain_log_axis(axis: Axis, base: float = 10, subs: Sequence[float] = (1.0,), fmt: str = "{:g}") -> None:
    """Log-axis major ticks at ``subs`` x ``base``**k labelled as plain numbers, no minor ticks.

    Mathtext labels ("10^3") and minor ticks take most of a redraw; this keeps a view's update fast.
    """
    base = _validate.positive("base", base)
    if base <= 1:
        raise ValueError(f"base must be > 1 (a log scale's base), got {base!r}")
    fmt = _validate.text("fmt", fmt)
    axis.set_major_locator(LogLocator(base=base, subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda value, _: fmt.format(value)))
    axis.set_minor_locator(NullLocator())


def row_labels(ax: Any, rows: Sequence[float] | np.ndarray, labels: Sequence[str], fontsize: float = 8,
               colors: Sequence[str] | None = None, bold: Sequence[bool] | None = None) -> list[Text]:
    """Names of the rows of a horizontal bar chart, right-aligned left of the axes at y = ``rows`` (data units):
    what ``set_yticks(rows, labels)`` shows, drawn as plain texts. A tick is five artists (two marks, a grid line,
    two labels) made anew on every redraw; with 16-20 rows they took a fifth of a view's update. Return the texts."""
    if not len(rows) == len(labels):
        raise ValueError(f"labels: give one per row, got {len(labels)} for {len(rows)} rows")
    ax.set_yticks([])
    place = blended_transform_factory(ax.transAxes, ax.transData)
    return [ax.text(-0.01, y, str(label), transform=place, ha="right", va="center", fontsize=fontsize,
                    color=colors[i] if colors else None, fontweight="bold" if bold and bold[i] else None)
            for i, (y, label) in enumerate(zip(rows, labels, strict=True))]


# Where a label may sit next to its point, in points: right, left, above, below, then further out.
_LABEL_SPOTS = tuple((scale * dx, scale * dy, ha, va) for scale in (1, 2.5, 4, 6, 9, 13)
                     for dx, dy, ha, va in ((4, 2, "left", "bottom"), (4, -2, "left", "top"),
                                            (-4, 2, "right", "bottom"), (-4, -2, "right", "top"),
                                            (0, 5, "center", "bottom"), (0, -5, "center", "top")))


def place_labels(ax: Any, xs: Sequence[float], ys: Sequence[float], labels: Sequence[str], fontsize: float = 8,
                 obstacles: Iterable[Any] = ()) -> list[Annotation]:
    """Label each point (data coordinates) without overprinting: each label takes the first spot around its point
    (right, left, above, below, then further out, with a thin line) whose box lies inside the axes and clear of the
    labels placed before, of the other points and of ``obstacles`` (artists such as a legend). Points at the
    same place share one label ("A100 SXM 80GB, A800 PCIe 80GB"). Set the axes' scales and limits first.
    Return the annotations."""
    if not len(xs) == len(ys) == len(labels):
        raise ValueError(f"labels: give one per point, got {len(labels)} for {len(xs)} x and {len(ys)} y")
    canvas = ax.figure.canvas
    renderer = (canvas if hasattr(canvas, "get_renderer") else FigureCanvasAgg(ax.figure)).get_renderer()
    ax.set_xlim(ax.get_xlim())  # freeze the limits: the labels are placed in today's display coordinates
    ax.set_ylim(ax.get_ylim())
    groups: dict[tuple[float, float], list[str]] = {}
    for x, y, label in zip(xs, ys, labels, strict=True):
        groups.setdefault((float(x), float(y)), []).append(str(label))
    area = ax.get_window_extent(renderer)
    centres = {point: ax.transData.transform(point) for point in groups}
    dots = {point: Bbox.from_bounds(cx - 3, cy - 3, 6, 6) for point, (cx, cy) in centres.items()}
    taken = [artist.get_window_extent(renderer) for artist in obstacles]
    placed = []
    for point in sorted(groups, key=lambda p: (centres[p][0], centres[p][1])):
        text = ", ".join(dict.fromkeys(groups[point]))
        others = [box for other, box in dots.items() if other != point]
        chosen = None
        for dx, dy, ha, va in _LABEL_SPOTS:
            far = abs(dx) > 4 or abs(dy) > 5
            note = ax.annotate(text, point, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                               fontsize=fontsize, arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.6} if far else None)
            box = _text_box(note, renderer)
            inside = area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0 and box.y1 <= area.y1
            if inside and not any(box.overlaps(other) for other in taken + others):
                chosen = note
                break
            note.remove()
        if chosen is None:  # nowhere free: the first spot, drawn anyway
            dx, dy, ha, va = _LABEL_SPOTS[0]
            chosen = ax.annotate(text, point, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                 fontsize=fontsize)
        taken.append(_text_box(chosen, renderer))
        placed.append(chosen)
    return placed


def _text_box(note: Annotation, renderer: Any) -> Bbox:
    """The display box of an annotation's text alone (its leader line is allowed to cross things)."""
    note.update_positions(renderer)
    return Text.get_window_extent(note, renderer)
