"""The one widget pattern of the course: controls -> pure calculator -> text + figure.

A :class:`CalculatorView` observes its controls; on every change it calls ``compute`` with the
controls' values as keyword arguments. ``compute`` is a small function that calls course_lib
calculators and returns a :class:`ViewUpdate`. A ``ValueError`` from a calculator is shown as a
message in the view, never as a traceback.

The figure is drawn with matplotlib into one reused ``Figure`` and sent to an ``ipywidgets.Image``
as PNG bytes, so the view works the same in JupyterLab, Colab (ipywidgets 7.7), Voila and
headless tests (``view.image.value`` is the PNG).
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator


@dataclass
class ViewUpdate:
    """What a view shows after a change.

    headline: one line of plain text with the key result (shown in a ``Label``).
    details: optional HTML with more numbers (a small table, a sentence).
    draw: optional ``draw(fig)`` that draws on the view's cleared ``matplotlib.figure.Figure``.
    """

    headline: str
    details: str = ""
    draw: Callable[[Figure], None] | None = None


class CalculatorView:
    """Controls wired to a calculator; ``display(view)`` or ``view.widget`` shows it.

    Attributes used by tests: ``controls`` (name -> widget), ``headline`` (Label), ``details``
    (HTML), ``error`` (HTML, empty when inputs are valid), ``image`` (PNG Image or None),
    ``last`` (the last ViewUpdate, or None after an error).
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
        self.details = widgets.HTML()
        self.error = widgets.HTML()
        self.last: ViewUpdate | None = None
        self.figure = Figure(figsize=figsize, dpi=dpi) if figsize else None  # no pyplot: never shown twice
        # Natural size: stretched to the output's width the PNG would be blurry (seen in Voila).
        self.image = widgets.Image(format="png", layout=widgets.Layout(align_self="flex-start")) if figsize else None
        for control in self.controls.values():
            control.observe(self.update, names="value")
        parts = [widgets.VBox(list(self.controls.values())), self.headline, self.details, self.error]
        if self.image is not None:
            parts.append(self.image)
        self.widget = widgets.VBox(parts)
        self.update()

    def values(self) -> dict:
        """Current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, change=None) -> None:
        """Recompute and redraw; called by every control change."""
        try:
            result = self.compute(**self.values())
        except ValueError as exc:
            self.last = None
            self.headline.value = ""
            self.details.value = ""
            self.error.value = f'<span style="color:#b00020">⚠ {html.escape(str(exc))}</span>'
            return
        self.last = result
        self.error.value = ""
        self.headline.value = result.headline
        self.details.value = result.details
        if self.figure is not None and result.draw is not None:
            self.figure.clear()
            result.draw(self.figure)
            self.image.value = figure_png(self.figure)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def figure_png(figure: Figure, pad_inches: float = 0.1) -> bytes:
    """PNG bytes of ``figure`` cropped to its content, like ``savefig(bbox_inches="tight")`` but ~2x faster.

    savefig's tight mode draws the figure twice (once to measure, once to render). Here the figure is
    drawn once, measured with the layout that draw cached, and the pixels are cropped; only when some
    artist sticks out of the figure (e.g. a legend outside the axes) does it fall back to savefig.
    """
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    bbox = figure.get_tightbbox(canvas.get_renderer()).padded(pad_inches)
    width_in, height_in = figure.get_size_inches()
    buffer = io.BytesIO()
    if bbox.x0 < 0 or bbox.y0 < 0 or bbox.x1 > width_in or bbox.y1 > height_in:
        figure.savefig(buffer, format="png", bbox_inches="tight", pad_inches=pad_inches,
                       pil_kwargs={"compress_level": 1})
        return buffer.getvalue()
    dpi = figure.dpi
    width, height = canvas.get_width_height()
    left, right = int(bbox.x0 * dpi), min(math.ceil(bbox.x1 * dpi), width)
    bottom, top = int(bbox.y0 * dpi), min(math.ceil(bbox.y1 * dpi), height)
    pixels = np.asarray(canvas.buffer_rgba())[height - top:height - bottom, left:right]
    # zlib level 1: ~10 ms less per redraw than the default, for a slightly larger file.
    PIL.Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def html_table(rows, header=None) -> str:
    """An HTML table from rows of cells (each escaped); first column left, the others right-aligned."""

    def row_html(cells, tag):
        return "<tr>" + "".join(
            f"<{tag} style='text-align:{'left' if i == 0 else 'right'}'>{html.escape(str(c))}</{tag}>"
            for i, c in enumerate(cells)) + "</tr>"

    head = row_html(header, "th") if header else ""
    return "<table>" + head + "".join(row_html(r, "td") for r in rows) + "</table>"


def plain_log_axis(axis, base: float = 10, subs=(1.0,), fmt: str = "{:g}") -> None:
    """Log-axis major ticks at ``subs`` x ``base``**k labelled as plain numbers, no minor ticks.

    Mathtext labels ("10^3") and minor ticks take most of a redraw; this keeps a view's update fast.
    """
    axis.set_major_locator(LogLocator(base=base, subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda value, _: fmt.format(value)))
    axis.set_minor_locator(NullLocator())
