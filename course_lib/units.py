"""SI (decimal) and IEC (binary) units.

Conventions used everywhere in the course:

* ``GB`` = 1e9 bytes, ``TB`` = 1e12 bytes (decimal, as on GPU datasheets);
  ``GiB`` = 2**30 bytes (binary, as ``nvidia-smi`` and most operating systems report).
* ``FLOP`` is an amount of work (floating-point operations); ``FLOPS`` is a rate, FLOP per second.
* A multiply-add counts as 2 FLOP.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal

from course_lib import _validate

SI_PREFIXES: dict[str, float] = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}
BINARY_PREFIXES: dict[str, float] = {"": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50,
                                     "Ei": 2**60}

GB = SI_PREFIXES["G"]
GiB = BINARY_PREFIXES["Gi"]
TFLOPS = SI_PREFIXES["T"]

SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY


def _significant(x: float, digits: int) -> str:
    """``x`` rounded to ``digits`` significant figures, without trailing zeros or exponent."""
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:  # x >= 10**digits or x < 1e-4: write it out positionally ("1000", "0.00001")
        text = format(Decimal(text), "f")
    return text


def _format(value: float, unit: str, prefixes: Mapping[str, float], digits: int) -> str:
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    items = list(prefixes.items())
    index = max((i for i, (_, scale) in enumerate(items) if magnitude >= scale), default=0)
    # Rounding may carry into the next prefix: 999_999 B is "1 MB", not "1000 KB".
    if index + 1 < len(items) and float(_significant(magnitude / items[index][1], digits)) >= items[index + 1][1] / items[index][1]:
        index += 1
    chosen, factor = items[index]
    return f"{sign}{_significant(magnitude / factor, digits)} {chosen}{unit}"


def format_si(value: float, unit: str = "", digits: int = 3) -> str:
    """Format with a decimal prefix: ``format_si(3.12e14, "FLOPS")`` -> ``"312 TFLOPS"``.

    ``digits`` is the number of significant figures (default 3).
    """
    value = _validate.real("value", value)
    unit = _validate.text("unit", unit)
    return _format(value, unit, SI_PREFIXES, _validate.positive_int("digits", digits, 17))


def format_binary(n_bytes: float, digits: int = 3) -> str:
    """Format a byte count with a binary prefix: ``format_binary(80e9)`` -> ``"74.5 GiB"``."""
    n_bytes = _validate.non_negative("n_bytes", n_bytes)
    return _format(n_bytes, "B", BINARY_PREFIXES, _validate.positive_int("digits", digits, 17))


# Units parse_quantity reads without being told (case-sensitive, as SI requires: "Gb" is gigabits,
# "GB" gigabytes, "m" would be milli or metres). Any other unit can be named with ``unit=``.
KNOWN_UNITS = ("", "B", "B/s", "bit", "bit/s", "FLOP", "FLOPS", "FLOP/s", "OPS", "W", "Wh", "J", "s", "Hz",
               "tokens", "tokens/s", "params")
_PREFIXES = {**{p: float(v) for p, v in SI_PREFIXES.items() if p}, "k": 1e3,
             **{p: float(v) for p, v in BINARY_PREFIXES.items() if p}}

_QUANTITY = re.compile(r"^\s*(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<suffix>[^\s\d]*)\s*$")


def _readings(suffix: str, units: tuple[str, ...]) -> set[tuple[str, str]]:
    """Every way to read ``suffix`` as (prefix, unit) with a unit from ``units`` (case-sensitive)."""
    found = {("", suffix)} if suffix in units else set()
    found |= {(p, suffix[len(p):]) for p in _PREFIXES if suffix.startswith(p) and suffix[len(p):] in units}
    return found


def parse_quantity(text: str, unit: str | None = None) -> float:
    """Parse ``"19.5 TFLOPS"`` -> ``1.95e13`` and ``"80 GiB"`` -> ``85899345920.0``, in the base unit.

    Prefixes: decimal K (or k), M, G, T, P, E and binary Ki, Mi, Gi, Ti, Pi, Ei. Units are
    case-sensitive, as in SI: ``"80 gb"``, ``"80 GIB"`` and ``"1.5 m"`` are rejected with a message
    instead of being misread. Without ``unit`` the unit must be one of :data:`KNOWN_UNITS` (or none);
    with ``unit`` (any text, e.g. ``"Tokens"`` or ``"kWh"``) the text must be a number, an optional
    prefix and exactly that unit, so ``parse_quantity(format_si(x, u), unit=u)`` gives ``x`` back.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string such as '19.5 TFLOPS', got {_validate.describe(text)}")
    units = KNOWN_UNITS if unit is None else (_validate.text("unit", unit),)
    match = _QUANTITY.match(text)
    if not match:
        raise ValueError(f"text: cannot parse {text!r}; expected a number, a prefix and a unit, e.g. '80 GB'")
    suffix = match["suffix"]
    readings = _readings(suffix, units)
    if len(readings) != 1:
        raise ValueError(_unit_message(text, suffix, units, ambiguous=len(readings) > 1))
    ((prefix, _),) = readings
    value = float(match["number"]) * _PREFIXES.get(prefix, 1.0)
    if not math.isfinite(value):
        raise ValueError(f"text: {text!r} is out of the floating-point range")
    return value


def _unit_message(text: str, suffix: str, units: tuple[str, ...], ambiguous: bool) -> str:
    if ambiguous:
        return f"text: the unit of {text!r} can be read in more than one way; give it with unit=..."
    spellings = [p + u for p in ("", *_PREFIXES) for u in units if u or p]
    close = sorted({s for s in spellings if s.lower() == suffix.lower()})
    hint = f"did you mean {' or '.join(map(repr, close))}?" if close else \
        f"expected a prefix ({', '.join(_PREFIXES)}) and one of {', '.join(repr(u) for u in units if u)}"
    return (f"text: cannot read the unit {suffix!r} of {text!r}; units are case-sensitive "
            f"as in SI: M is mega, m would be milli; GB is bytes, Gbit bits: {hint}")


def _grouped(amount: str) -> str:
    """A positional number with thousands separators in its whole part: "185000" -> "185,000"."""
    whole, dot, fraction = amount.partition(".")
    return f"{int(whole):,}{dot}{fraction}"


def format_duration(seconds: float) -> str:
    """Human-readable duration: ``format_duration(2.9e6)`` -> ``"33.6 days"``.

    Three significant figures, thousands separated by commas: ``format_duration(5.838e12)`` ->
    ``"185,000 years"`` (Julian years of 365.25 days).
    """
    seconds = _validate.non_negative("seconds", seconds)
    for unit, size in (("years", SECONDS_PER_YEAR), ("days", SECONDS_PER_DAY), ("hours", SECONDS_PER_HOUR),
                       ("min", 60.0), ("s", 1.0), ("ms", 1e-3)):
        rounded = _significant(seconds / size, 3)
        if float(rounded) >= 1:  # judged after rounding: 0.9999999 s is "1 s", not "1,000 ms"
            amount = _grouped(rounded)
            return f"{amount} {unit[:-1] if amount == '1' and unit.endswith('s') and len(unit) > 2 else unit}"
    return f"{_grouped(_significant(seconds * 1e6, 3))} µs"


def format_duration_range(seconds: float, low: float, high: float) -> str:
    """``seconds`` with the range from ``low`` to ``high`` in brackets, each by :func:`format_duration`.

    ``format_duration_range(4.2e9, 4e9, 4.4e9)`` -> ``"133 years (127 years to 139 years)"``. When both ends
    read the same (equal, or rounded to the same text) the bracket is left out: ``"132 years"``.
    """
    text = format_duration(seconds)
    ends = sorted((_validate.non_negative("low", low), _validate.non_negative("high", high)))
    first, last = (format_duration(end) for end in ends)
    return text if first == last else f"{text} ({first} to {last})"
