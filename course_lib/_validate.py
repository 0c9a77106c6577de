"""Input validation shared by every course_lib module.

Each helper raises ``ValueError`` whose message starts with the parameter name, so a
learner (or a widget showing the message) sees exactly which input is wrong.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from numbers import Integral, Real


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def positive(name: str, value) -> float:
    """Return ``value`` as float if it is a finite number > 0, else raise ValueError."""
    if not _is_number(value) or math.isnan(value) or math.isinf(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def non_negative(name: str, value) -> float:
    """Return ``value`` as float if it is a finite number >= 0, else raise ValueError."""
    if not _is_number(value) or math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def positive_int(name: str, value) -> int:
    """Return ``value`` as int if it is a whole number >= 1, else raise ValueError."""
    if isinstance(value, bool) or not (
        isinstance(value, Integral) or (_is_number(value) and math.isfinite(value) and float(value).is_integer())
    ) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


def non_negative_int(name: str, value) -> int:
    """Return ``value`` as int if it is a whole number >= 0, else raise ValueError."""
    if isinstance(value, bool) or not (
        isinstance(value, Integral) or (_is_number(value) and math.isfinite(value) and float(value).is_integer())
    ) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)


def fraction(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` if it lies in (0, 1] (or [0, 1] with ``allow_zero``)."""
    low_ok = (lambda v: v >= 0) if allow_zero else (lambda v: v > 0)
    if not _is_number(value) or math.isnan(value) or not low_ok(value) or value > 1:
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return float(value)


def normalize_key(text: str) -> str:
    """Lower-case ``text`` and drop spaces, dashes, underscores and dots ("A100-80GB" -> "a10080gb")."""
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def choice(name: str, value, options: Iterable[str]) -> str:
    """Return the option equal to ``value`` (case/spacing-insensitive); else ValueError with close matches."""
    options = list(options)
    by_key = {normalize_key(o): o for o in options}
    if isinstance(value, str) and normalize_key(value) in by_key:
        return by_key[normalize_key(value)]
    raise ValueError(unknown_message(name, value, options))


def unknown_message(name: str, value, options: Iterable[str]) -> str:
    """Message for an unknown name, listing close matches (or all options if none are close)."""
    options = list(options)
    close = difflib.get_close_matches(str(value).lower(), [o.lower() for o in options], n=3, cutoff=0.5)
    lookup = {o.lower(): o for o in options}
    if close:
        hint = "did you mean " + ", ".join(repr(lookup[c]) for c in close) + "?"
    else:
        hint = "choose one of " + ", ".join(repr(o) for o in options)
    return f"{name}: unknown value {value!r}; {hint}"
