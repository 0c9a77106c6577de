"""Tests for course_lib.units: hand-worked examples, prefix boundaries, round trips, bad input."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib.units import (
    GB,
    SECONDS_PER_YEAR,
    TFLOPS,
    GiB,
    format_binary,
    format_duration,
    format_duration_range,
    format_si,
    parse_quantity,
)


def test_unit_constants():
    assert GB == 1_000_000_000
    assert GiB == 1_073_741_824  # 1024**3
    assert TFLOPS == 1_000_000_000_000


@pytest.mark.parametrize(
    ("value", "unit", "digits", "expected"),
    [
        (3.12e14, "FLOPS", 3, "312 TFLOPS"),  # A100 dense FP16 tensor peak
        (19.5e12, "FLOPS", 3, "19.5 TFLOPS"),
        (1e9, "B", 3, "1 GB"),
        (2.5e18, "FLOP", 3, "2.5 EFLOP"),
        (1234.5678, "B", 5, "1.2346 KB"),
        (12_345, "", 2, "12 K"),
        (0, "B", 3, "0 B"),
        (0.5, "s", 3, "0.5 s"),
        (-1500, "W", 3, "-1.5 KW"),
        (1e21, "B", 3, "1000 EB"),  # past the largest prefix the mantissa grows
        (1e-5, "s", 3, "0.00001 s"),  # small values are written out, not rounded to "0"
        (1.25e-7, "s", 2, "0.00000012 s"),
    ],
)
def test_format_si_examples(value, unit, digits, expected):
    assert format_si(value, unit, digits=digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (999, "999 B"),
        (999.4, "999 B"),
        (999.5, "1 KB"),  # rounds up across the prefix boundary
        (999_999, "1 MB"),  # not "1000 KB"
        (1_000_000, "1 MB"),
        (999_499_999, "999 MB"),
        (999_500_000, "1 GB"),
    ],
)
def test_format_si_prefix_boundaries(value, expected):
    assert format_si(value, "B") == expected


@pytest.mark.parametrize(
    ("n_bytes", "expected"),
    [
        (80e9, "74.5 GiB"),  # 80e9 / 2**30 = 74.505...: an "80 GB" card shows as 74.5 GiB in nvidia-smi
        (2**30, "1 GiB"),
        (1024, "1 KiB"),
        (1536, "1.5 KiB"),
        (2**40, "1 TiB"),
        (1000, "1000 B"),  # below 1 KiB
        (0, "0 B"),
    ],
)
def test_format_binary_examples(n_bytes, expected):
    assert format_binary(n_bytes) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19.5 TFLOPS", 1.95e13),
        ("80 GiB", 85_899_345_920),  # 80 * 1024**3
        ("80 GB", 8e10),
        ("80GB", 8e10),
        ("  3 kB ", 3000),
        ("1.5e3 MB/s", 1.5e9),
        ("2 Ti", 2 * 1024**4),
        (".5 GB", 5e8),
        ("-5 GB", -5e9),
        ("7 W", 7),
        ("100", 100),
    ],
)
def test_parse_quantity_examples(text, expected):
    assert parse_quantity(text) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (2.9e6, "33.6 days"),  # 2.9e6 / 86400 = 33.56
        (90, "1.5 min"),
        (45, "45 s"),
        (0.5, "500 ms"),
        (5e-6, "5 µs"),
        (7200, "2 hours"),
        (3600, "1 hour"),  # singular
        (86400, "1 day"),
        (365.25 * 86400 * 2, "2 years"),  # Julian years
        # learner review: thousands separated. 5.838e12 s / 31,557,600 s per year = 184,993 -> 185,000 years
        (5.838e12, "185,000 years"),
        (365.25 * 86400 * 1234, "1,230 years"),  # 3 significant figures of 1234
        (365.25 * 86400 * 999, "999 years"),
        # the unit is chosen after rounding to 3 figures: 0.9999999 s rounds to 1 s, not "1,000 ms"
        (0.9999999, "1 s"),
        (3599.99, "1 hour"),  # 0.999997 hours
        (0.00099999, "1 ms"),
    ],
)
def test_format_duration_examples(seconds, expected):
    assert format_duration(seconds) == expected


def test_format_duration_range_leaves_out_a_bracket_that_says_nothing():
    year = 365.25 * 86400
    assert SECONDS_PER_YEAR == year
    # learner review: "132 years (132 years to 132 years)" -> "132 years"; 131.9 and 132.1 both round to 132
    assert format_duration_range(132 * year, 131.9 * year, 132.1 * year) == "132 years"
    assert format_duration_range(132 * year, 132 * year, 132 * year) == "132 years"
    # 4.2e9 s = 133.1 years; 4e9 s = 126.8; 4.4e9 s = 139.4 (the ends in either order)
    assert format_duration_range(4.2e9, 4e9, 4.4e9) == "133 years (127 years to 139 years)"
    assert format_duration_range(4.2e9, 4.4e9, 4e9) == "133 years (127 years to 139 years)"
    assert format_duration_range(5.838e12, 5.5e12, 6e12) == "185,000 years (174,000 years to 190,000 years)"
    with pytest.raises(ValueError, match="^low"):
        format_duration_range(1, -1, 2)
    with pytest.raises(ValueError, match="^high"):
        format_duration_range(1, 1, math.nan)


def _rounding_bound(digits: int) -> float:
    """Largest relative error of rounding to ``digits`` significant figures (half a unit in the last place)."""
    return 0.5 * 10.0 ** (1 - digits) * (1 + 1e-9)


@given(
    x=st.floats(min_value=1e-6, max_value=1e24, allow_nan=False, allow_infinity=False),
    negative=st.booleans(),
    digits=st.integers(min_value=1, max_value=8),
)
def test_parse_inverts_format_si_within_rounding(x, negative, digits):
    x = -x if negative else x
    back = parse_quantity(format_si(x, "B", digits=digits))
    assert abs(back - x) <= _rounding_bound(digits) * abs(x)


@given(
    n_bytes=st.floats(min_value=0.001, max_value=2.0**70, allow_nan=False, allow_infinity=False),
    digits=st.integers(min_value=1, max_value=8),
)
def test_parse_inverts_format_binary_within_rounding(n_bytes, digits):
    back = parse_quantity(format_binary(n_bytes, digits=digits))
    assert abs(back - n_bytes) <= _rounding_bound(digits) * n_bytes


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "1000", None, True, [1]])
def test_format_si_rejects_non_finite_or_non_numbers(value):
    with pytest.raises(ValueError, match="^value"):
        format_si(value, "B")


@pytest.mark.parametrize("digits", [0, -1, 2.5, "3", True])
def test_format_si_rejects_bad_digits(digits):
    with pytest.raises(ValueError, match="^digits"):
        format_si(1.0, "B", digits=digits)


@pytest.mark.parametrize("n_bytes", [-1, -1e9, math.nan, math.inf, "80", None, False])
def test_format_binary_rejects_bad_byte_counts(n_bytes):
    with pytest.raises(ValueError, match="^n_bytes"):
        format_binary(n_bytes)


@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "GB", "nan GB", "inf B", "1..2 GB", "1 2 GB", "12 G B", "1e999 B", "1e308 EB"]
)
def test_parse_quantity_rejects_garbage(text):
    with pytest.raises(ValueError, match="^text"):
        parse_quantity(text)


@pytest.mark.parametrize("text", [12, 1.5, None, b"80 GB"])
def test_parse_quantity_rejects_non_strings(text):
    with pytest.raises(ValueError, match="^text"):
        parse_quantity(text)


@pytest.mark.parametrize("seconds", [-1, math.nan, math.inf, "60", None])
def test_format_duration_rejects_bad_input(seconds):
    with pytest.raises(ValueError, match="^seconds"):
        format_duration(seconds)
