"""course_lib.formats against independent oracles: numpy / ml_dtypes bit views, exhaustive bit
patterns, and values derived by hand in the comments."""

import math

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import formats
from course_lib.formats import decompose, format_info, round_to, value_from_bits

FLOAT_DTYPES = {
    "fp32": (np.float32, np.uint32),
    "fp16": (np.float16, np.uint16),
    "bf16": (ml_dtypes.bfloat16, np.uint16),
    "fp8_e4m3": (ml_dtypes.float8_e4m3fn, np.uint8),
    "fp8_e5m2": (ml_dtypes.float8_e5m2, np.uint8),
}


def assert_same_floats(actual, expected):
    """Equal values, NaN where NaN, and the same sign on zeros."""
    np.testing.assert_array_equal(actual, expected)
    np.testing.assert_array_equal(np.signbit(actual), np.signbit(expected))


# --- the hand-written decoder, exhaustively --------------------------------------------------

@pytest.mark.parametrize("name", ["fp16", "bf16", "fp8_e4m3", "fp8_e5m2"])
def test_decoder_matches_library_for_every_bit_pattern(name):
    dtype, unsigned = FLOAT_DTYPES[name]
    patterns = np.arange(2 ** (8 * np.dtype(unsigned).itemsize), dtype=np.int64)
    with np.errstate(invalid="ignore"):  # casting NaN patterns
        expected = patterns.astype(unsigned).view(dtype).astype(np.float64)
    assert_same_floats(value_from_bits(patterns, name), expected)


def test_tf32_decoder_matches_float32_with_the_low_13_bits_zero():
    # tf32 pattern p is the top 19 bits of the float32 word p << 13 (all 2**19 patterns).
    patterns = np.arange(2**19, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        expected = (patterns << 13).astype(np.uint32).view(np.float32).astype(np.float64)
    assert_same_floats(value_from_bits(patterns, "tf32"), expected)


@given(st.integers(0, 2**32 - 1))
def test_fp32_decoder_matches_numpy(pattern):
    expected = float(np.array([pattern], dtype=np.uint32).view(np.float32)[0])
    assert_same_floats(np.array(value_from_bits(pattern, "fp32")), np.array(expected))


def test_integer_decoder_is_twos_complement():
    np.testing.assert_array_equal(value_from_bits(np.arange(256), "int8"),
                                  np.arange(256, dtype=np.uint8).view(np.int8))
    # int4 written out: 0..7 then 1000 = -8 ... 1111 = -1
    np.testing.assert_array_equal(value_from_bits(np.arange(16), "int4"),
                                  [0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1])
    assert value_from_bits(0xFF, "int8") == -1.0


def test_decoder_hand_examples():
    assert value_from_bits(0x3C00, "fp16") == 1.0  # 0 01111 0000000000 = 2**(15-15)
    assert value_from_bits(0x0001, "fp16") == 2.0**-24  # smallest subnormal: 2**(1-15) * 2**-10
    assert value_from_bits(0x7BFF, "fp16") == 65504.0  # 2**15 * (2 - 2**-10)
    assert value_from_bits(0x7E, "fp8_e4m3") == 448.0  # 0 1111 110 = 2**(15-7) * 1.75
    assert math.isnan(value_from_bits(0x7F, "fp8_e4m3"))  # 0 1111 111: the only NaN
    assert value_from_bits(0x7C, "fp8_e5m2") == math.inf  # 0 11111 00
    assert value_from_bits(0x3F80, "bf16") == 1.0


# --- format_info ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(FLOAT_DTYPES))
def test_format_info_matches_finfo(name):
    dtype = FLOAT_DTYPES[name][0]
    finfo = ml_dtypes.finfo(dtype)
    info = format_info(name)
    assert info.bits == finfo.bits
    assert info.exponent_bits == finfo.nexp
    assert info.mantissa_bits == finfo.nmant
    assert info.bias == 1 - finfo.minexp
    assert info.max == float(finfo.max)
    assert info.min == float(finfo.min)
    assert info.min_normal == float(finfo.smallest_normal)
    assert info.min_subnormal == float(finfo.smallest_subnormal)
    assert info.eps == float(finfo.eps)
    assert info.is_float
    assert info.has_inf == bool(np.isinf(np.array([np.inf]).astype(dtype))[0])


@pytest.mark.parametrize("name, iinfo", [("int8", np.iinfo(np.int8)), ("int4", ml_dtypes.iinfo(ml_dtypes.int4))])
def test_integer_format_info_matches_iinfo(name, iinfo):
    info = format_info(name)
    assert (info.bits, info.max, info.min) == (iinfo.bits, iinfo.max, iinfo.min)
    assert (info.exponent_bits, info.eps, info.min_normal, info.min_subnormal) == (0, 1, 1, 1)
    assert not info.is_float and not info.has_inf


def test_tf32_info_by_hand():
    info = format_info("tf32")
    assert info.bits == 32 and info.pattern_bits == 19  # 1 + 8 + 10 bits used, stored in 32
    assert info.max == (2 - 2**-10) * 2.0**127
    assert info.eps == 2.0**-10
    assert info.min_normal == 2.0**-126  # same exponent range as fp32
    assert info.min_subnormal == 2.0**-136  # 2**(1 - 127 - 10)


def test_published_values():
    assert format_info("fp16").max == 65504
    assert format_info("bf16").max == pytest.approx(3.39e38, rel=1e-3)
    assert format_info("fp8_e4m3").max == 448
    assert format_info("fp8_e5m2").max == 57344
    assert format_info("fp16").eps == 2.0**-10
    assert format_info("bf16").eps == 2.0**-7
    assert format_info("int8").max == 127 and format_info("int4").min == -8


def test_aliases():
    assert format_info("float16").name == "fp16"
    assert format_info("E4M3").name == "fp8_e4m3"
    assert format_info("float8_e4m3fn").name == "fp8_e4m3"
    assert format_info("BFloat16").name == "bf16"
    assert format_info("fp8-e5m2").name == "fp8_e5m2"
    assert set(formats.FORMATS) == {"fp32", "tf32", "fp16", "bf16", "fp8_e4m3", "fp8_e5m2", "int8", "int4"}


# --- decompose -----------------------------------------------------------------------------

def test_fp32_tenth():
    # 0.1 = 1.6 * 2**-4; 0.1 * 2**27 = 13421772.8 rounds to 13421773 = 0b1_10011001100110011001101.
    d = decompose(0.1, "fp32")
    assert (d.sign, d.exponent_bits, d.mantissa_bits) == (0, "01111011", "10011001100110011001101")
    assert d.exponent == -4 and d.pattern == 0x3DCCCCCD and d.category == "normal"
    assert d.stored == 13421773 / 2**27
    assert d.abs_error == pytest.approx(0.2 / 2**27, rel=1e-9)  # 0.2 of a 2**-27 step
    assert not d.overflow


def test_fp16_overflow_and_the_edge_of_the_range():
    d = decompose(70000, "fp16")
    assert d.overflow and d.category == "inf" and d.stored == math.inf
    # Next value after 65504 would be 65536; the tie 65520 rounds to the "even" 65536 = inf.
    assert decompose(65519, "fp16").stored == 65504 and not decompose(65519, "fp16").overflow
    assert decompose(65520, "fp16").overflow


def test_bf16_range_versus_precision():
    big = decompose(1e38, "bf16")
    assert not big.overflow and big.category == "normal"
    assert big.rel_error <= 2.0**-8  # half of eps = 2**-7
    assert decompose(1.001, "bf16").stored == 1.0  # 1.001 - 1 < eps / 2 = 2**-8


def test_fp8_beyond_max():
    assert decompose(464, "fp8_e4m3").stored == 448  # tie between 448 (mantissa 110) and 480: even
    beyond = decompose(500, "fp8_e4m3")
    assert beyond.overflow and beyond.category == "nan"  # ml_dtypes: NaN, no saturation
    assert decompose(1e6, "fp8_e5m2").stored == math.inf


def test_fp16_bit_strings_and_subnormals():
    assert decompose(1.0, "fp16").bit_string == "0 01111 0000000000"
    tiny = decompose(2.0**-24, "fp16")
    assert (tiny.category, tiny.exponent, tiny.pattern) == ("subnormal", -14, 1)
    negative_zero = decompose(-0.0, "fp16")
    assert (negative_zero.sign, negative_zero.category, negative_zero.exponent) == (1, "zero", None)
    assert decompose(float("nan"), "fp16").category == "nan"
    assert decompose(-math.inf, "fp16").bit_string == "1 11111 0000000000"


def test_integer_decompose():
    d = decompose(-1, "int8")
    assert (d.pattern, d.sign, d.mantissa_bits, d.category) == (0xFF, 1, "1111111", "integer")
    saturated = decompose(300, "int8")
    assert saturated.stored == 127 and saturated.overflow
    assert decompose(2.5, "int4").stored == 2  # ties to even
    assert decompose(0.2, "int4").category == "zero"


@given(st.integers(0, 2**16 - 1))
def test_fp16_representable_values_round_trip(pattern):
    value = float(np.array([pattern], dtype=np.uint16).view(np.float16)[0])
    d = decompose(value, "fp16")
    if math.isnan(value):
        assert d.category == "nan"
        return
    assert d.pattern == pattern and d.stored == value and d.abs_error == 0
    expected = ("zero" if value == 0 else "inf" if math.isinf(value)
                else "subnormal" if abs(value) < 2.0**-14 else "normal")
    assert d.category == expected


# --- round_to ------------------------------------------------------------------------------

def test_tf32_ties_by_hand():
    step = 2.0**-10  # tf32 spacing just above 1.0
    cases = {
        1 + step / 2: 1.0,  # exact tie: keep even mantissa ...0
        1 + 3 * step / 2: 1 + 2 * step,  # tie between mantissa 1 (odd) and 2 (even)
        1 + step / 2 + 2.0**-20: 1 + step,  # just above the tie
        1 + step / 2 - 2.0**-20: 1.0,  # just below
        -(1 + 3 * step / 2): -(1 + 2 * step),  # symmetric for negatives
        2 - step / 2: 2.0,  # 1.1111111111|1 carries into the exponent
        (2 - 2.0**-11) * 2.0**127: math.inf,  # tie above tf32 max rounds to "even" 2**128 = inf
    }
    x = np.array(list(cases))
    np.testing.assert_array_equal(round_to(x, "tf32"), list(cases.values()))
    assert decompose(1 + step, "tf32").mantissa_bits == "0000000001"
    specials = round_to([np.nan, np.inf, -np.inf, 0.0], "tf32")
    assert np.isnan(specials[0]) and list(specials[1:]) == [np.inf, -np.inf, 0.0]


def test_round_to_keeps_shape_and_returns_float64():
    result = round_to(np.full((3, 4), 0.1), "bf16")
    assert result.shape == (3, 4) and result.dtype == np.float64
    np.testing.assert_array_equal(round_to([-3.5, 2.5, 200.0, -200.0], "int8"), [-4, 2, 127, -128])


@pytest.mark.parametrize("name", ["fp16", "bf16", "fp8_e4m3", "fp8_e5m2"])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_to_picks_the_nearest_value(name, data):
    """Oracle: the sorted table of all non-negative finite values, from numpy views of patterns."""
    dtype, unsigned = FLOAT_DTYPES[name]
    info = format_info(name)
    table = np.arange(2 ** (8 * np.dtype(unsigned).itemsize - 1), dtype=np.int64)  # sign bit 0
    with np.errstate(invalid="ignore"):
        table = table.astype(unsigned).view(dtype).astype(np.float64)
    table = table[np.isfinite(table)]  # positive patterns in increasing order: index == pattern
    x = np.array(data.draw(st.lists(st.floats(-info.max, info.max), min_size=1, max_size=20)))
    a = np.abs(x)
    hi = np.clip(np.searchsorted(table, a), 1, table.size - 1)
    lo = hi - 1
    d_lo, d_hi = a - table[lo], table[hi] - a
    pick = np.where(d_lo < d_hi, lo, np.where(d_hi < d_lo, hi, np.where(lo % 2 == 0, lo, hi)))
    expected = np.copysign(table[pick], x)
    np.testing.assert_array_equal(round_to(x, name), expected)


@pytest.mark.parametrize("name", formats.FORMATS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_round_to_is_idempotent_and_monotone(name, data):
    info = format_info(name)
    limit = max(abs(info.min), info.max)
    x = np.sort(np.array(data.draw(st.lists(st.floats(-limit, limit), min_size=1, max_size=30))))
    once = round_to(x, name)
    np.testing.assert_array_equal(round_to(once, name), once)
    assert np.all(np.diff(once) >= 0)


@pytest.mark.parametrize("name", [n for n in formats.FORMATS if format_info(n).is_float])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_relative_error_at_most_half_eps_in_normal_range(name, data):
    info = format_info(name)
    # tf32 rounds via float32 first, so feed it float32 values (one rounding, as on hardware).
    width = 32 if name == "tf32" else 64
    magnitude = data.draw(st.floats(info.min_normal, info.max, width=width))
    x = magnitude * data.draw(st.sampled_from([-1.0, 1.0]))
    stored = round_to([x], name)[0]
    assert abs(x - stored) <= info.eps * abs(x) / 2


# --- bad input -----------------------------------------------------------------------------

def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match=r"^name: .*'fp16'"):
        format_info("fp17")
    with pytest.raises(ValueError, match="^name"):
        round_to([1.0], None)
    with pytest.raises(ValueError, match="^value"):
        decompose("1.0", "fp16")
    with pytest.raises(ValueError, match="^value"):
        decompose(float("nan"), "int8")
    with pytest.raises(ValueError, match="^x"):
        round_to(["a"], "fp16")
    with pytest.raises(ValueError, match="^x"):
        round_to([np.nan], "int4")
    with pytest.raises(ValueError, match="^x"):
        round_to([], "fp16")
    with pytest.raises(ValueError, match="^bits"):
        value_from_bits(2**16, "fp16")
    with pytest.raises(ValueError, match="^bits"):
        value_from_bits(-1, "fp8_e4m3")
    with pytest.raises(ValueError, match="^bits"):
        value_from_bits(1.5, "fp16")


# -- underflow and loss scaling --------------------------------------------------------------------------------------

def test_underflow_fraction_by_hand():
    # fp16's smallest subnormal is 2**-24 = 5.96e-8; anything at most 2**-25 rounds to 0 (ties to even).
    grads = [1e-8, 2.0**-26, 2.0**-24, 1e-3]
    assert formats.underflow_fraction(grads, "fp16") == 0.5  # 1e-8 and 2**-26 are lost
    assert formats.underflow_fraction(grads, "fp16", loss_scale=2**10) == 0.0  # 1e-8 * 1024 = 1e-5: survives
    assert formats.underflow_fraction(grads, "bf16") == 0.0  # bf16 goes down to 2**-133
    assert formats.underflow_fraction([0.0, 2.0**-25], "fp16") == 1.0  # zeros are ignored; 2**-25 is the tie -> 0


@pytest.mark.parametrize("kwargs, name", [({"x": [0.0, 0.0], "name": "fp16"}, "x"),
                                          ({"x": [1e-8], "name": "fp16", "loss_scale": 0}, "loss_scale"),
                                          ({"x": [1e-8], "name": "fp17"}, "name")])
def test_underflow_fraction_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        formats.underflow_fraction(**kwargs)


# ---------------------------------------------------------------- format_spacing against numpy / ml_dtypes

_ML_DTYPES = {"fp16": (np.float16, np.uint16), "fp32": (np.float32, np.uint32),
              "bf16": (ml_dtypes.bfloat16, np.uint16), "fp8_e4m3": (ml_dtypes.float8_e4m3fn, np.uint8),
              "fp8_e5m2": (ml_dtypes.float8_e5m2, np.uint8)}


@pytest.mark.parametrize("name", list(_ML_DTYPES))
def test_spacing_matches_the_next_bit_pattern_in_numpy(name):
    dtype, unsigned = _ML_DTYPES[name]
    x, gap = formats.format_spacing(name)
    assert np.all(np.diff(x) > 0)
    for low, step in zip(x[:-1], gap[:-1], strict=True):
        stored = np.array([low]).astype(dtype)
        assert float(stored[0]) == low  # each step starts on a representable number
        following = (stored.view(unsigned) + 1).view(dtype)  # next pattern up = next number up
        assert float(following[0]) - low == step
    assert x[-1] == float(ml_dtypes.finfo(dtype).max)


def test_spacing_by_hand():
    x, gap = formats.format_spacing("fp16")
    # 1 subnormal step (from 2**-24) + 30 binades (exponent fields 1..30) + the end point 65504.
    assert len(x) == 32
    assert (x[0], gap[0]) == (2.0**-24, 2.0**-24)
    assert gap[list(x).index(1.0)] == 2.0**-10  # 1.0 to 1.0009765625
    assert (x[-2], gap[-2], x[-1]) == (32768.0, 32.0, 65504.0)
    x, gap = formats.format_spacing("tf32")  # 8-bit exponent, 10-bit mantissa
    assert (x[0], gap[0]) == (2.0**-136, 2.0**-136)  # smallest subnormal 2**(1 - 127 - 10)
    assert gap[list(x).index(2.0**100)] == 2.0**90
    assert x[-1] == (2 - 2.0**-10) * 2.0**127
    x, gap = formats.format_spacing("fp8_e4m3")  # no inf: the top binade [256, 448] is usable, gap 32
    assert (x[-2], gap[-2], x[-1]) == (256.0, 32.0, 448.0)
    x, gap = formats.format_spacing("int8")
    assert list(x) == [1.0, 127.0] and list(gap) == [1.0, 1.0]
