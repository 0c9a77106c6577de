"""The one home of the controls every view is built from: sliders, menus, buttons and number boxes.

Each factory checks the starting value a view builder was given and raises ``ValueError`` naming that
argument (a value outside a slider's range is never clamped silently), and gives every control the same
layout: its description at its natural width and, for sliders, a track of usable width next to it
(browser review D2/D7). What the browser sends back is what the view computes with:

* :func:`choice_slider` (and :func:`log_slider`, :func:`powers_of_two`, :func:`percent_slider`) are
  ``SelectionSlider`` s over exact values. A ``FloatLogSlider`` computes ``base ** exponent`` in the
  browser (32.00000000000002, review D1) and snaps its start to its own grid (7.5 became 7.94, D5);
  a selection slider sends an index into values chosen here, and its readout shows the label of that value
  (percentages as "40%", never "0.40": D12, D16).
* :class:`NumberBox` is a text box parsed in the kernel: "1.5" for a whole number and "1e300" beyond
  the range are refused with a message naming the box (an ``IntText`` turned them into 15 and 1300, D10).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as widgets
import traitlets

from course_lib import _validate

STYLE = {"description_width": "initial"}  # descriptions at their natural width (ipywidgets 7 and 8)
SLIDER_WIDTH = "560px"  # widest a slider row gets: description + track + readout
MENU_WIDTH = "480px"  # widest a drop-down gets (long option labels)
BOX_WIDTH = "420px"  # a number box: description + a field for about 12 characters
# Mantissas of the "nice" values a log slider offers in each decade (1, 1.2, 1.5, ... 8, then 10, 12, ...).
NICE_MANTISSAS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8)


def layout(width: str) -> widgets.Layout:
    """A control as wide as the page allows, up to ``width`` (narrower on a phone)."""
    return widgets.Layout(width="100%", max_width=width)


def compact(value: float) -> str:
    """A slider label: integers with thousands separators ("16,896"), else 3 significant figures with a
    short exponent ("2e12", "1.5e11", "0.25")."""
    if float(value).is_integer() and abs(value) < 1e6:
        return f"{int(value):,}"
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def percent(value: float) -> str:
    """A fraction as a percentage label: 0.4 -> "40%", 0.005 -> "0.5%"."""
    return f"{100 * value:.3g}%"


# --------------------------------------------------------------------------- sliders


def choice_slider(name: str, value: Any, values: Sequence[Any], description: str,
                  fmt: Callable[[Any], str] = compact, *, continuous_update: bool = True) -> widgets.SelectionSlider:
    """A slider over exactly ``values`` (in order), each shown as ``fmt(value)``; starts at ``value``.

    ``name``: the view builder's argument, for the message when ``value`` is not one of ``values``.
    """
    values = list(values)
    if not values:
        raise ValueError(f"{name}: the slider needs at least one value")
    if not any(_same(value, v) for v in values):
        shown = ", ".join(map(fmt, values)) if len(values) <= 12 else f"{fmt(values[0])} to {fmt(values[-1])}"
        raise ValueError(f"{name} must be one of the slider's values ({shown}), got {_validate.describe(value)}")
    start = next(v for v in values if _same(value, v))
    labels = [fmt(v) for v in values]
    return widgets.SelectionSlider(options=list(zip(labels, values, strict=True)), value=start, description=description,
                                   style=STYLE, layout=layout(SLIDER_WIDTH), continuous_update=continuous_update)


def _same(a: Any, b: Any) -> bool:
    """Equal values, without numpy's or NaN's surprises (a bool is not the number 1)."""
    if _validate.is_bool(a) != _validate.is_bool(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # an array or an odd type: not one of the slider's values
        return False


def nice_values(low: float, high: float, mantissas: Sequence[float] = NICE_MANTISSAS) -> list[float]:
    """Every ``m x 10**k`` (``m`` in ``mantissas``) from ``low`` to ``high``, as the float of its decimal text
    (so 1.5e11 here equals the literal ``1.5e11``)."""
    low = _validate.positive("low", low)
    high = _validate.positive("high", high)
    if high < low:
        raise ValueError(f"high must be >= low ({low:g}), got {high:g}")
    values = {float(f"{m}e{k}") for k in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1)
              for m in mantissas}
    return sorted(v for v in values if low * (1 - 1e-12) <= v <= high * (1 + 1e-12))


def log_slider(name: str, value: float, low: float, high: float, description: str,
               fmt: Callable[[Any], str] = compact, *, marks: Iterable[float] = (), integer: bool = False,
               continuous_update: bool = True) -> widgets.SelectionSlider:
    """A slider over the nice values from ``low`` to ``high`` (:func:`nice_values`), plus ``value`` and ``marks``
    (values the lesson names, e.g. the H100's 16,896 fp32 lanes) where they are not on that grid.

    ``value`` outside ``[low, high]``: ValueError naming ``name``. ``integer``: whole numbers only.
    """
    number = _validate.positive(name, value)
    if not low <= number <= high:
        raise ValueError(f"{name} must be a number from {compact(low)} to {compact(high)}, got {_validate.describe(value)}")
    extra = [number, *(_validate.positive("marks", m) for m in marks)]
    values = sorted(set(nice_values(low, high)) | {m for m in extra if low <= m <= high})
    if integer:
        if not float(number).is_integer():
            raise ValueError(f"{name} must be a whole number, got {_validate.describe(value)}")
        values = sorted({int(round(v)) for v in values})
        number = int(number)
    return choice_slider(name, number, values, description, fmt, continuous_update=continuous_update)


def powers_of_two(name: str, value: int, low: int, high: int, description: str, *,
                  continuous_update: bool = True) -> widgets.SelectionSlider:
    """A slider over the powers of two from ``low`` to ``high`` (whole numbers: 1, 2, 4, ... exactly)."""
    values = [2**k for k in range(int(math.log2(low)), int(math.log2(high)) + 1) if low <= 2**k <= high]
    number = _validate.integer(name, value, low, high)
    if number not in values:
        raise ValueError(f"{name} must be a power of two from {low:,} to {high:,}, got {_validate.describe(value)}")
    return choice_slider(name, number, values, description, continuous_update=continuous_update)


def percent_slider(name: str, value: float, description: str, low: float = 0.01, high: float = 1.0,
                   step: float = 0.01, *, continuous_update: bool = True) -> widgets.SelectionSlider:
    """A fraction on a slider labelled in percent ("40%"): ``low`` to ``high`` in steps of ``step``, plus ``value``
    if it lies between grid points. The view computes with the fraction (0.4)."""
    number = _validate.real(name, value)
    if not low - 1e-12 <= number <= high + 1e-12:
        raise ValueError(f"{name} must be a fraction from {low:g} to {high:g} ({percent(low)} to {percent(high)}), "
                         f"got {_validate.describe(value)}")
    count = round((high - low) / step)
    grid = {round(low + k * step, 10) for k in range(count + 1)}
    values = sorted(grid | {number})
    return choice_slider(name, number, values, description, percent, continuous_update=continuous_update)


def int_slider(name: str, value: int, low: int, high: int, description: str, step: int = 1, *,
               continuous_update: bool = True) -> widgets.IntSlider:
    """An integer slider from ``low`` to ``high``; ``value`` outside: ValueError naming ``name``."""
    number = _validate.integer(name, value, low, high)
    if (number - low) % step:
        raise ValueError(f"{name} must be {low:,} plus a multiple of {step:,} (up to {high:,}), got {number:,}")
    return widgets.IntSlider(value=number, min=low, max=high, step=step, description=description, style=STYLE,
                             layout=layout(SLIDER_WIDTH), continuous_update=continuous_update)


def float_slider(name: str, value: float, low: float, high: float, step: float, description: str,
                 readout_format: str = ".2f", *, continuous_update: bool = True) -> widgets.FloatSlider:
    """A float slider from ``low`` to ``high``; ``value`` outside: ValueError naming ``name``."""
    number = _validate.real(name, value)
    if not low <= number <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}, got {_validate.describe(value)}")
    return widgets.FloatSlider(value=number, min=low, max=high, step=step, description=description,
                               readout_format=readout_format, style=STYLE, layout=layout(SLIDER_WIDTH),
                               continuous_update=continuous_update)


# --------------------------------------------------------------------------- menus, buttons, checkbox


def _option_values(options: Sequence[Any]) -> list[Any]:
    return [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in options]


def _start(name: str, value: Any, options: Sequence[Any]) -> Any:
    """The option value equal to ``value``; a string matches a string option case- and spacing-insensitively."""
    values = _option_values(options)
    for option in values:
        if _same(value, option):
            return option
    names = [v for v in values if isinstance(v, str)]
    if isinstance(value, str) and names:
        return _validate.choice(name, value, names)
    raise ValueError(_validate.unknown_message(name, value, [str(v) for v in values]))


def dropdown(name: str, value: Any, options: Sequence[Any], description: str, *,
             width: str | None = None) -> widgets.Dropdown:
    """A drop-down menu; ``options`` are values or ``(label, value)`` pairs. ``width``: for long labels."""
    options = list(options)
    kwargs = {"layout": layout(width)} if width else {}
    return widgets.Dropdown(options=options, value=_start(name, value, options), description=description, style=STYLE,
                            **kwargs)


def toggles(name: str, value: Any, options: Sequence[Any], description: str) -> widgets.ToggleButtons:
    """A row of toggle buttons, one per option (values or ``(label, value)`` pairs)."""
    options = list(options)
    return widgets.ToggleButtons(options=options, value=_start(name, value, options), description=description,
                                 style=STYLE)


def checkbox(name: str, value: bool, description: str) -> widgets.Checkbox:
    """A checkbox; ``value`` must be a real bool (``"False"`` is refused, not read as truth)."""
    return widgets.Checkbox(value=_validate.flag(name, value), description=description, style=STYLE,
                            layout=layout(MENU_WIDTH))


# --------------------------------------------------------------------------- number boxes


class _NumberText(traitlets.Unicode):
    """A text trait that also takes a number (``box.value = 16`` stores "16"), so code can set a box directly."""

    def validate(self, obj: Any, value: Any) -> Any:
        if _validate.is_real(value):
            value = _number_text(value)
        return super().validate(obj, value)


def _number_text(value: Any) -> str:
    """A number as a learner would type it: 16, 0.1, 1e+300 (15 significant figures, never "16.0")."""
    number = float(value)
    if math.isfinite(number) and number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.15g}"


class NumberBox(widgets.Text):
    """A text box for one number, parsed in the kernel by :meth:`parsed` (``CalculatorView`` calls it).

    Typed text that is not a number in range (or not whole, for ``integer``) is refused with a message
    naming the box's description; an empty box is refused too. Thousands separators ("1,024") and
    surrounding spaces are accepted.
    """

    value = _NumberText(help="the typed text").tag(sync=True)

    def __init__(self, *, integer: bool, minimum: float, maximum: float, open_minimum: bool = False, **kwargs: Any):
        self.integer, self.minimum, self.maximum, self.open_minimum = integer, minimum, maximum, open_minimum
        super().__init__(**kwargs)

    def allowed(self) -> str:
        """What the box accepts, in words: "a whole number from 1 to 100,000"."""
        kind = "a whole number" if self.integer else "a number"
        low = f"{self.minimum:,g}" if not self.integer else f"{int(self.minimum):,}"
        high = f"{self.maximum:,g}" if not self.integer else f"{int(self.maximum):,}"
        if self.open_minimum:
            return f"{kind} above {low} and up to {high}"
        return f"{kind} from {low} to {high}"

    def parsed(self) -> int | float:
        """The typed number (int for whole-number boxes); ValueError naming the box otherwise."""
        text = str(self.value).strip()
        cleaned = text.replace(",", "").replace("_", "").replace(" ", "")
        if not cleaned:
            raise ValueError(f"{self.description}: type {self.allowed()} and press Enter")
        try:
            number = float(cleaned)
        except ValueError:
            number = math.nan
        below = number <= self.minimum if self.open_minimum else number < self.minimum
        if not math.isfinite(number) or below or number > self.maximum or (self.integer and not number.is_integer()):
            raise ValueError(f"{self.description} must be {self.allowed()}, got {text!r}")
        return int(number) if self.integer else number + 0.0


def number_box(name: str, value: float, description: str, *, integer: bool = False, minimum: float = 0.0,
               maximum: float = 1e12, open_minimum: bool = False) -> NumberBox:
    """A :class:`NumberBox` starting at ``value``; ``value`` outside the range: ValueError naming ``name``."""
    box = NumberBox(integer=integer, minimum=minimum, maximum=maximum, open_minimum=open_minimum,
                    value=_number_text(_validate.real(name, value)), description=description, style=STYLE,
                    layout=layout(BOX_WIDTH), continuous_update=False)
    try:
        box.parsed()
    except ValueError:
        raise ValueError(f"{name} must be {box.allowed()}, got {_validate.describe(value)}") from None
    return box


def read(control: widgets.Widget) -> Any:
    """What a view computes with: a :class:`NumberBox`'s parsed number (None while the box is hidden), else the
    control's value.

    A number that is NaN or infinite (only code can set one; the browser cannot send it) raises ValueError
    naming the control's description.
    """
    if isinstance(control, NumberBox):
        # A hidden box does not apply to what the view shows (the planner's training boxes while it plans serving):
        # what it holds must not block the view.
        return None if control.layout.display == "none" else control.parsed()
    value = control.value
    if _validate.is_real(value):
        _validate.real(control.description or "a control", value)  # NaN, inf, 10**400: ValueError
    return value
