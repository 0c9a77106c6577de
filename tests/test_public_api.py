"""Property test over the whole public API (tests/public_api.py lists it): bad input never escapes as a raw error.

For every public function and record class, and for each of its parameters:

* a bad value of the parameter's kind (NaN, inf, 10**400, bools for numbers, "False" for flags,
  unknown names, ragged or text arrays, ...) raises only ValueError or TypeError, and the message
  names that parameter (before its first ':' or ' must');
* any number at all (huge, tiny, negative, zero, integral or not) in a numeric parameter either
  works, with a result free of NaN, or raises ValueError/TypeError: never OverflowError,
  ZeroDivisionError, IndexError or a hang.

Reliability review 2026-12 (shared/reviews/reliability-review-2026-12.md): D6, D8, D10, D11, D13, D15.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from public_api import MODULES, NON_FINITE_OK, Target, targets

TARGETS = targets()

_BAD_NUMBERS = [math.nan, math.inf, -math.inf, 10**400, -(10**400), "7", [1.0, 2.0], True, np.bool_(True),
                np.array([1.0, 2.0]), 1 + 2j, {"a": 1}, b"7", np.float64("nan"), np.array(np.inf)]
BAD: dict[str, list[Any]] = {
    "number": [*_BAD_NUMBERS, None],
    "int": [*_BAD_NUMBERS, None, 2.5, 1e30, -1, np.float64(0.5), 2**60],
    "int_any_sign": [*_BAD_NUMBERS, None, 2.5, 1e30, 2**60],
    "flag": ["False", "True", 0, 1, 1.0, None, math.nan, [], np.array([True])],
    "name": ["xyzzy-unknown", "", "   ", None, 7, True, ["bf16"], math.nan, b"bf16"],
    "lookup": ["gpt-5 ultra", "", None, 7, True, ["H100 SXM"], math.nan],
    "text": [None, 7, True, ["x"], b"x"],
    "array": ["abc", None, [], [[1.0, 2.0], [3.0]], np.array(["a", "b"]), {"a": 1}, np.array([1 + 2j]),
              np.array([True, False]), np.array([], dtype=float), [10**400], object()],
    "object": [7.5, "x", object()],
}
# Arrays where NaN and inf are legitimate inputs get no NaN-array case; the others do.
_NAN_ARRAY = np.array([np.nan, 1.0])


def _cases() -> list[tuple[Target, str]]:
    return [(t, p) for t in TARGETS for p in t.kinds if p in t.valid or t.kinds[p] != "object"]


def _named(message: str, target: Target, param: str) -> bool:
    """True if the message's subject (before the first ':' or ' must') names ``param`` (or the caller's name)."""
    subject = message.split(":")[0].split(" must")[0]
    names = {param} | ({target.message_name} if target.message_name else set())
    return any(name in subject for name in names)


def _bad_values(target: Target, param: str) -> list[Any]:
    values = [v for v in BAD[target.kinds[param]] if not (v is None and param in target.optional)]
    if target.kinds[param] == "array" and param not in NON_FINITE_OK.get(target.qualname, set()):
        values.append(_NAN_ARRAY)
    if target.kinds[param] == "number" and param in NON_FINITE_OK.get(target.qualname, set()):
        values = [v for v in values if not _non_finite_number(v)]
    return values


def _non_finite_number(value: Any) -> bool:
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def test_the_registry_covers_the_library():
    names = {t.qualname for t in TARGETS}
    assert len(TARGETS) > 80
    for expected in ("course_lib.memory.fit_report", "course_lib.units.parse_quantity", "course_lib.hardware.get_gpu",
                     "course_lib.parallel.pipeline_schedule", "course_lib.checks._base.Trap"):
        assert expected in names


def test_every_module_is_listed():
    # every public module of course_lib (widgets are views, tested by tests/test_widgets_*.py; checks topics by
    # the checks contract); a new module that is missing here fails until it is added to public_api.MODULES
    package = Path(__file__).parents[1] / "course_lib"
    modules = {f"course_lib.{p.stem}" for p in package.glob("*.py") if not p.stem.startswith("_")}
    assert modules - set(MODULES) == set()


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.qualname)
def test_valid_baseline_call_works(target):
    target.call(**target.valid)


@pytest.mark.parametrize(("target", "param"), _cases(), ids=lambda v: getattr(v, "qualname", v))
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bad_input_raises_value_or_type_error_naming_the_parameter(target, param, data):
    bad = data.draw(st.sampled_from(_bad_values(target, param)), label=param)
    with pytest.raises((ValueError, TypeError)) as caught:
        target.call(**{**target.valid, param: bad})
    assert _named(str(caught.value), target, param), f"{target.qualname}({param}={bad!r}): {caught.value}"


_NUMERIC = [(t, p) for t in TARGETS for p, kind in t.kinds.items() if kind in ("number", "int", "int_any_sign")]
_ANY_NUMBER = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 0.0, -0.0, 1, 2**53, 2**53 + 1, 5e-324, 1e308, -1e308, 1e-300]),
)


def _has_nan(result: Any) -> bool:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):  # result records: every field
        result = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    values = result.values() if isinstance(result, dict) else result if isinstance(result, (tuple, list)) else [result]
    for value in values:
        if isinstance(value, (dict, tuple, list)) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
            if _has_nan(value):
                return True
        elif isinstance(value, (float, np.floating, np.ndarray)) and np.any(np.isnan(value)):
            return True
    return False


@pytest.mark.parametrize(("target", "param"), _NUMERIC, ids=lambda v: getattr(v, "qualname", v))
@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_number_works_or_raises_a_clean_error(target, param, data):
    number = data.draw(_ANY_NUMBER, label=param)
    try:
        result = target.call(**{**target.valid, param: number})
    except (ValueError, TypeError) as exc:
        assert str(exc), f"{target.qualname}({param}={number!r}) raised {type(exc).__name__} without a message"
        return
    if target.qualname not in NON_FINITE_OK:
        assert not _has_nan(result), f"{target.qualname}({param}={number!r}) returned NaN: {result!r}"
