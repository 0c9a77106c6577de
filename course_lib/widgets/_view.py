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
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib
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
        self._margins: dict | None = None  # subplot margins that kept the last figure inside its canvas
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
            self.figure.clear()  # also resets the margins: restore the ones that fitted last time
            if self._margins:
                self.figure.subplots_adjust(**self._margins)
            result.draw(self.figure)
            self.image.value = figure_png(self.figure)
            params = self.figure.subplotpars
            self._margins = {name: getattr(params, name) for name in ("left", "right", "bottom", "top", "wspace", "hspace")}

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def figure_png(figure: Figure, pad_inches: float = 0.1) -> bytes:
    """PNG bytes of ``figure`` cropped to its content, like ``savefig(bbox_inches="tight")`` but faster.

    savefig's tight mode lays the figure out twice (once to measure, once to render). Here the
    figure is drawn once and cropped to the pixels that differ from the background. If drawn pixels
    touch the canvas edge, something may stick out (a tick label, a legend beside the axes): the axes
    are moved in with ``tight_layout`` and the figure is drawn again. ``CalculatorView`` keeps those
    margins, so its next redraw needs a single draw.
    """
    canvas = FigureCanvasAgg(figure)
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
