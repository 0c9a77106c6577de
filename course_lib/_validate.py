"""Input validation shared by every course_lib module: the only home of validators.

Each helper returns the value in canonical form (a float, an int, the canonical option, a real
bool) or raises ``ValueError`` whose message starts with the parameter name, so a learner (or a
widget showing the message) sees exactly which input is wrong. Validation never lets a raw
``OverflowError`` or ``TypeError`` through: huge integers (``10**400``), NaN, inf, bools, numpy
scalars and 0-d arrays are all handled here.

Public functions validate once, at their entry; internal helpers take the resolved values.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any, TypeVar

import numpy as np

# Largest integer a float64 holds exactly: whole-number parameters above it are absurd (a count of
# GPUs, tokens or layers beyond 9e15) and lose their meaning as floats.
MAX_EXACT_INT = 2**53
T = TypeVar("T")


def describe(value: Any, limit: int = 40) -> str:
    """``repr(value)`` shortened for messages: ``10**400`` is shown as its first digits and its length."""
    if isinstance(value, Integral) and not isinstance(value, bool) and abs(int(value)) >= 10**limit:
        digits = str(abs(int(value)))
        return f"{'-' if value < 0 else ''}{digits[:6]}... ({len(digits)} digits)"
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real message
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 2 * limit else text[: 2 * limit - 3] + "..."


def _scalar(value: Any) -> Any:
    """A 0-d numeric numpy array as its Python number; anything else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return value.item()
    return value


def is_bool(value: Any) -> bool:
    """True for ``True``/``False`` and numpy bools."""
    return isinstance(value, (bool, np.bool_))


def is_real(value: Any) -> bool:
    """True for an int or float (Python or numpy, or a 0-d numeric array), False for bools and the rest."""
    value = _scalar(value)
    return isinstance(value, Real) and not is_bool(value)


def real(name: str, value: Any) -> float:
    """``value`` as a finite float; ValueError naming ``name`` for NaN, inf, huge ints, bools, text, ...."""
    value = _scalar(value)
    if not is_real(value):
        raise ValueError(f"{name} must be a number, got {describe(value)}")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        raise ValueError(f"{name} must be a finite number, got {describe(value)} (beyond the float range)") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {describe(value)}")
    return number


def positive(name: str, value: Any) -> float:
    """Return ``value`` as float if it is a finite number > 0, else raise ValueError."""
    number = _finite_or_raise(name, value, "a finite number > 0")
    if number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {describe(value)}")
    return number


def non_negative(name: str, value: Any) -> float:
    """Return ``value`` as float if it is a finite number >= 0, else raise ValueError."""
    number = _finite_or_raise(name, value, "a finite number >= 0")
    if number < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {describe(value)}")
    return number + 0.0  # -0.0 -> 0.0


def _finite_or_raise(name: str, value: Any, what: str) -> float:
    try:
        return real(name, value)
    except ValueError:
        raise ValueError(f"{name} must be {what}, got {describe(value)}") from None


def integer(name: str, value: Any, low: int, high: int = MAX_EXACT_INT) -> int:
    """``value`` as an int in ``[low, high]``; integral floats (``8.0``) are accepted, 1e30 and 2.5 are not."""
    value = _scalar(value)
    if is_bool(value) or not is_real(value):
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {describe(value)}")
    if not isinstance(value, Integral):
        number = float(value)
        if not (math.isfinite(number) and number.is_integer()):
            raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {describe(value)}")
        if abs(number) > MAX_EXACT_INT:
            raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {describe(value)}")
        value = int(number)
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {describe(value)}")
    return value


def positive_int(name: str, value: Any, maximum: int = MAX_EXACT_INT) -> int:
    """Return ``value`` as int if it is a whole number from 1 to ``maximum``, else raise ValueError."""
    return integer(name, value, 1, maximum)


def non_negative_int(name: str, value: Any, maximum: int = MAX_EXACT_INT) -> int:
    """Return ``value`` as int if it is a whole number from 0 to ``maximum``, else raise ValueError."""
    return integer(name, value, 0, maximum)


def fraction(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Return ``value`` if it lies in (0, 1] (or [0, 1] with ``allow_zero``)."""
    interval = "[0, 1]" if allow_zero else "(0, 1]"
    number = _finite_or_raise(name, value, f"a number in {interval}")
    if number > 1 or number < 0 or (number == 0 and not allow_zero):
        raise ValueError(f"{name} must be a number in {interval}, got {describe(value)}")
    return number + 0.0


def flag(name: str, value: Any) -> bool:
    """``value`` if it is a real bool (``np.bool_`` counts); ``"False"``, 0, None are rejected, not read as truth."""
    if not is_bool(value):
        raise ValueError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def zero_stage(name: str, value: Any) -> int:
    """A ZeRO stage: 0 (plain data parallel), 1 (optimizer states), 2 (+ gradients) or 3 (+ weights)."""
    try:
        return integer(name, value, 0, 3)
    except ValueError:
        raise ValueError(f"{name} must be a ZeRO stage 0, 1, 2 or 3, got {describe(value)}") from None


def pue(name: str, value: Any) -> float:
    """Power usage effectiveness: facility power / IT power, a finite number >= 1."""
    number = _finite_or_raise(name, value, "a number >= 1 (facility power / IT power)")
    if number < 1:
        raise ValueError(f"{name} must be a number >= 1 (facility power / IT power), got {describe(value)}")
    return number


def present(name: str, value: T | None) -> T:
    """``value`` if it is not None; else ValueError naming ``name``: a figure the data does not publish
    (a TDP, an SM count, a price), needed by a calculation that cannot go on without it."""
    if value is None:
        raise ValueError(f"{name} is not published in the course's data, so this cannot be computed")
    return value


def text(name: str, value: Any) -> str:
    """``value`` if it is a string (numpy strings count), else ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text (a string), got {describe(value)}")
    return str(value)


def float_array(name: str, x: Any, *, allow_nonfinite: bool = False, max_size: int = 2**27) -> np.ndarray:
    """``x`` as a non-empty float64 array; ValueError naming ``name`` for non-numbers (and NaN/inf).

    Bools, complex numbers, strings and objects are rejected; so are arrays of more than
    ``max_size`` values (2**27 float64 = 1 GiB).
    """
    try:
        array = np.asarray(x)
        if array.dtype.kind not in "iuf":
            raise TypeError
        if array.size > max_size:
            raise ValueError(f"{name} has {array.size:,} values; at most {max_size:,} are supported")
        with np.errstate(over="ignore"):
            array = array.astype(np.float64)
    except ValueError as exc:
        if str(exc).startswith(name):
            raise
        raise ValueError(f"{name} must be a real number or an array of real numbers, got {describe(x)}") from None
    except (TypeError, OverflowError):
        raise ValueError(f"{name} must be a real number or an array of real numbers, got {describe(x)}") from None
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not allow_nonfinite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return array


def shape(name: str, value: Any, *, ndim: int | None = None, max_size: int = 2**25) -> tuple[int, ...]:
    """A shape: a positive int or a sequence of them, with at most ``max_size`` elements in all."""
    dims = (value,) if is_real(value) else value
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Iterable):
        raise ValueError(f"{name} must be a tuple of whole numbers >= 1, got {describe(value)}")
    result = tuple(positive_int(name, n) for n in dims)
    if not result or (ndim is not None and len(result) != ndim):
        wanted = f"{ndim} dimensions" if ndim is not None else "at least one dimension"
        raise ValueError(f"{name} must have {wanted}, got {describe(value)}")
    if math.prod(result) > max_size:
        raise ValueError(f"{name} {result} has {math.prod(result):,} values; at most {max_size:,} are supported")
    return result


def finite_result(value: float, names: str) -> float:
    """``value`` if it is finite; else ValueError naming the inputs ``names`` whose size overflowed it."""
    if not math.isfinite(value):
        raise ValueError(f"{names}: the result overflows the floating-point range (about 1.8e308); "
                         "use smaller values")
    return value


def normalize_key(text: str) -> str:
    """Lower-case ``text`` and drop spaces, dashes, underscores and dots ("A100-80GB" -> "a10080gb")."""
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def choice(name: str, value: Any, options: Iterable[str]) -> str:
    """Return the option equal to ``value`` (case/spacing-insensitive); else ValueError with close matches."""
    options = list(options)
    by_key = {normalize_key(o): o for o in options}
    if isinstance(value, str) and normalize_key(value) in by_key:
        return by_key[normalize_key(value)]
    raise ValueError(unknown_message(name, value, options))


def unknown_message(name: str, value: Any, options: Iterable[str], listed: Iterable[str] | None = None) -> str:
    """Message for an unknown name, listing close matches among ``options`` (or, if none is close, every
    one of ``listed``: by default the options themselves; a catalog lists its names, not every alias)."""
    options = list(options)
    shown = describe(value)
    close = difflib.get_close_matches(str(value).lower(), [o.lower() for o in options], n=3, cutoff=0.5) \
        if isinstance(value, str) else []
    lookup = {o.lower(): o for o in options}
    if close:
        hint = "did you mean " + ", ".join(repr(lookup[c]) for c in close) + "?"
    else:
        hint = "choose one of " + ", ".join(repr(o) for o in (options if listed is None else listed))
    return f"{name}: unknown value {shown}; {hint}"
