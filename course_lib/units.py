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
from decimal import Decimal
from numbers import Real

from course_lib import _validate

SI_PREFIXES = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}
BINARY_PREFIXES = {"": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}

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


def _format(value: float, unit: str, prefixes: dict, digits: int) -> str:
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
    if not isinstance(value, Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    return _format(float(value), unit, SI_PREFIXES, _validate.positive_int("digits", digits))


def format_binary(n_bytes: float, digits: int = 3) -> str:
    """Format a byte count with a binary prefix: ``format_binary(80e9)`` -> ``"74.5 GiB"``."""
    _validate.non_negative("n_bytes", n_bytes)
    return _format(float(n_bytes), "B", BINARY_PREFIXES, _validate.positive_int("digits", digits))


_QUANTITY = re.compile(
    r"^\s*(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*"
    r"(?P<prefix>(?:[KkMGTPE]i)|[KkMGTPE])?(?P<unit>[A-Za-z/]*)\s*$"
)


def parse_quantity(text: str) -> float:
    """Parse ``"19.5 TFLOPS"`` -> ``1.95e13`` and ``"80 GiB"`` -> ``85899345920.0``.

    Decimal prefixes K, M, G, T, P, E (``k`` accepted for kilo) and binary prefixes Ki..Ei.
    The unit itself (FLOPS, B, W, ...) is not checked; only the prefix scales the number.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string such as '19.5 TFLOPS', got {text!r}")
    match = _QUANTITY.match(text)
    if not match:
        raise ValueError(f"text: cannot parse {text!r}; expected a number, a prefix and a unit, e.g. '80 GB'")
    prefix = match["prefix"] or ""
    if prefix.endswith("i"):
        value = float(match["number"]) * BINARY_PREFIXES[prefix[0].upper() + "i"]
    else:
        value = float(match["number"]) * SI_PREFIXES[prefix.upper()]
    if not math.isfinite(value):
        raise ValueError(f"text: {text!r} is out of the floating-point range")
    return value


def format_duration(seconds: float) -> str:
    """Human-readable duration: ``format_duration(2.9e6)`` -> ``"33.6 days"``."""
    seconds = _validate.non_negative("seconds", seconds)
    for unit, size in (("years", SECONDS_PER_YEAR), ("days", SECONDS_PER_DAY), ("hours", SECONDS_PER_HOUR),
                       ("min", 60.0), ("s", 1.0)):
        if seconds >= size:
            amount = _significant(seconds / size, 3)
            return f"{amount} {unit[:-1] if amount == '1' and unit.endswith('s') and unit != 's' else unit}"
    if seconds >= 1e-3:
        return f"{_significant(seconds * 1e3, 3)} ms"
    return f"{_significant(seconds * 1e6, 3)} µs"
