"""Number formats at the bit level: fp32, tf32, fp16, bf16, fp8 (E4M3, E5M2), int8, int4.

A float is stored as ``sign | exponent field e | mantissa field m``. With ``E`` exponent bits,
``M`` mantissa bits and bias ``2**(E-1) - 1`` its value is

* normal (``0 < e < all ones``): ``(-1)**sign * 2**(e - bias) * (1 + m / 2**M)``,
* subnormal (``e == 0``): ``(-1)**sign * 2**(1 - bias) * (m / 2**M)`` (``m == 0``: signed zero),
* ``e == all ones``: inf (``m == 0``) or NaN in the IEEE-style formats (fp32, tf32, fp16, bf16,
  fp8_e5m2). fp8_e4m3 is the "fn" (finite) variant of the OCP FP8 specification and NVIDIA
  Hopper/Blackwell: no inf, only ``S.1111.111`` is NaN, so the top binade is usable and the
  maximum is 448 (ml_dtypes.float8_e4m3fn).

``value_from_bits`` decodes patterns with exactly these formulas (written out here, not taken
from a library). Rounding a real number to a format (value -> bit pattern) is done by numpy /
ml_dtypes casts (round to nearest, ties to even), except tf32, which has no library type: its
rounding is done on float32 bit patterns.

Sources: IEEE 754-2019; OCP 8-bit Floating Point Specification (OFP8) rev. 1.0 (2023);
Micikevicius et al., "FP8 Formats for Deep Learning", arXiv 2209.05433 (E4M3 for weights and
activations, E5M2 for gradients); NVIDIA A100 Tensor Core GPU Architecture whitepaper (TF32);
PTX ISA, ``cvt`` instruction (``cvt.rna.tf32.f32`` sm_80+, ``cvt.rn.tf32.f32`` sm_90+,
``cvt.rn.satfinite`` for fp8), https://docs.nvidia.com/cuda/parallel-thread-execution/.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ml_dtypes
import numpy as np
from numpy.typing import ArrayLike

from course_lib import _validate
from course_lib._registry import Registry


@dataclass(frozen=True)
class FormatInfo:
    """Bit layout and range of one number format. Values are plain numbers (no unit).

    ``bits`` is the storage size. tf32 keeps 19 significant bits (1 sign, 8 exponent,
    10 mantissa) in a 32-bit register, so ``bits == 32`` but ``pattern_bits == 19``.
    ``eps`` is the gap between 1.0 and the next larger value. ``min`` is the most negative
    finite value. Integer formats (two's complement) report ``exponent_bits = 0``,
    ``mantissa_bits = bits - 1`` (the value bits after the sign), ``bias = 0`` and
    ``eps = min_normal = min_subnormal = 1`` (the step between neighbouring integers).
    """

    name: str
    bits: int
    exponent_bits: int
    mantissa_bits: int
    bias: int
    max: float
    min: float
    min_normal: float
    min_subnormal: float
    eps: float
    is_float: bool
    has_inf: bool
    description: str

    @property
    def pattern_bits(self) -> int:
        """Number of bits in a bit pattern accepted by ``value_from_bits`` (19 for tf32)."""
        return 1 + self.exponent_bits + self.mantissa_bits


def _float_info(name: str, bits: int, exponent_bits: int, mantissa_bits: int, has_inf: bool,
                description: str) -> FormatInfo:
    """FormatInfo of a binary float, derived from its layout (see module docstring)."""
    bias = 2 ** (exponent_bits - 1) - 1
    if has_inf:  # top exponent field reserved for inf/NaN; largest significand 2 - 2**-M
        max_value = (2.0 - 2.0**-mantissa_bits) * 2.0 ** (2**exponent_bits - 2 - bias)
    else:  # "fn": top exponent usable, only mantissa all ones is NaN; largest significand 2 - 2 * 2**-M
        max_value = (2.0 - 2.0 ** (1 - mantissa_bits)) * 2.0 ** (2**exponent_bits - 1 - bias)
    return FormatInfo(name=name, bits=bits, exponent_bits=exponent_bits, mantissa_bits=mantissa_bits, bias=bias,
                      max=max_value, min=-max_value, min_normal=2.0 ** (1 - bias),
                      min_subnormal=2.0 ** (1 - bias - mantissa_bits), eps=2.0**-mantissa_bits, is_float=True,
                      has_inf=has_inf, description=description)


def _int_info(name: str, bits: int, description: str) -> FormatInfo:
    """FormatInfo of a two's complement integer."""
    return FormatInfo(name=name, bits=bits, exponent_bits=0, mantissa_bits=bits - 1, bias=0,
                      max=float(2 ** (bits - 1) - 1), min=float(-(2 ** (bits - 1))), min_normal=1.0,
                      min_subnormal=1.0, eps=1.0, is_float=False, has_inf=False, description=description)


_INFO = {
    "fp32": _float_info("fp32", 32, 8, 23, True,
                        "IEEE 754 binary32 (single): 8 exponent, 23 mantissa bits; ~7 significant digits."),
    "tf32": _float_info("tf32", 32, 8, 10, True,
                        "NVIDIA TensorFloat-32: fp32's 8-bit exponent with fp16's 10-bit mantissa, 19 bits used "
                        "of a 32-bit register; Tensor Core input format since Ampere."),
    "fp16": _float_info("fp16", 16, 5, 10, True,
                        "IEEE 754 binary16 (half): 5 exponent, 10 mantissa bits; max 65504, so training needs "
                        "loss scaling."),
    "bf16": _float_info("bf16", 16, 8, 7, True,
                        "bfloat16: fp32's 8-bit exponent (same range) with 7 mantissa bits (~2-3 significant "
                        "digits)."),
    "fp8_e4m3": _float_info("fp8_e4m3", 8, 4, 3, False,
                            "OCP FP8 E4M3 'fn' (finite, no inf): 4 exponent, 3 mantissa bits, max 448; for weights "
                            "and activations."),
    "fp8_e5m2": _float_info("fp8_e5m2", 8, 5, 2, True,
                            "OCP FP8 E5M2: 5 exponent, 2 mantissa bits, max 57344, has inf; for gradients."),
    "int8": _int_info("int8", 8, "8-bit two's complement integer, -128..127; used with a scale (quantization)."),
    "int4": _int_info("int4", 4, "4-bit two's complement integer, -8..7; weight-only quantization (GPTQ, AWQ)."),
}

FORMATS = tuple(_INFO)

_ALIASES = {
    "fp32": ("float32", "f32", "single", "binary32"),
    "tf32": ("tensorfloat32",),
    "fp16": ("float16", "f16", "half", "binary16"),
    "bf16": ("bfloat16",),
    # "fp8" alone means E4M3, the format for weights and activations (Micikevicius et al. 2022).
    "fp8_e4m3": ("fp8", "e4m3", "e4m3fn", "fp8_e4m3fn", "float8_e4m3fn", "float8_e4m3"),
    "fp8_e5m2": ("e5m2", "float8_e5m2"),
    "int8": ("i8",),
    "int4": ("i4",),
}
_REGISTRY: Registry[FormatInfo] = Registry(_INFO, {alias: name for name, aliases in _ALIASES.items()
                                                   for alias in aliases}, what="formats")

# The two vocabularies of the course (docs/CONTRIBUTING.md):
# * ``dtype``: how values are *stored*; bytes per value come from this registry (``bytes_per_value``).
#   "fp8" is either 8-bit float (both are one byte).
DTYPES = ("fp32", "fp16", "bf16", "fp8", "int8", "int4")
# * ``precision``: which *hardware rate* a calculation runs at, a key of ``hardware.GPU.tflops``.
#   fp64/fp32 are vector rates, the others matrix-unit rates; "fp8" covers E4M3 and E5M2 (same rate).
PRECISIONS = ("fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "int8")

# The numpy / ml_dtypes type that does the rounding and the unsigned type of the same width.
_DTYPES = {
    "fp32": (np.float32, np.uint32),
    "fp16": (np.float16, np.uint16),
    "bf16": (ml_dtypes.bfloat16, np.uint16),
    "fp8_e4m3": (ml_dtypes.float8_e4m3fn, np.uint8),
    "fp8_e5m2": (ml_dtypes.float8_e5m2, np.uint8),
}
_TF32_DROPPED_BITS = 23 - 10  # float32 mantissa bits that tf32 drops


def resolve(name: str, param: str = "name") -> str:
    """Canonical format name of ``name`` or an alias ("float16" -> "fp16", "fp8" -> "fp8_e4m3")."""
    return _REGISTRY.resolve(name, param)


def format_info(name: str) -> FormatInfo:
    """Layout and range of a format: ``format_info("fp16").max`` -> ``65504.0``. Aliases accepted."""
    return _REGISTRY.get(name)


def dtype(name: str, param: str = "dtype") -> str:
    """The :data:`DTYPES` key of a storage type, ignoring case ("BF16" -> "bf16"); ValueError naming ``param``."""
    return _validate.choice(param, name, DTYPES)


def bytes_per_value(name: str, param: str = "dtype") -> float:
    """Bytes one value of format ``name`` occupies in memory: its storage ``bits`` / 8 (int4: 0.5; tf32: 4)."""
    return _REGISTRY.get(name, param).bits / 8


def format_spacing(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Gap between neighbouring representable numbers as a staircase: (magnitudes, gaps), both ascending.

    ``gaps[i]`` is the distance from one positive representable number to the next, for every
    magnitude from ``magnitudes[i]`` up to ``magnitudes[i + 1]``; the last point is the format's
    largest finite value. Floats: one step for the subnormals, then one per binade; integers: gap 1
    from 1 to max. Decoded from bit patterns with :func:`value_from_bits`.
    """
    info = format_info(name)
    if info.is_float:
        starts = np.concatenate([[1], np.arange(1, 2**info.exponent_bits) << info.mantissa_bits])
    else:
        starts = np.array([1])
    low = np.asarray(value_from_bits(starts, info.name))
    gap = np.asarray(value_from_bits(starts + 1, info.name)) - low
    finite = np.isfinite(low) & np.isfinite(gap)
    low, gap = low[finite], gap[finite]
    return np.append(low, info.max), np.append(gap, gap[-1])


def _tf32_as_f32_bits(x: np.ndarray) -> np.ndarray:
    """float32 bit patterns of ``x`` rounded to tf32 (round to nearest, ties to even); low 13 bits zero.

    ``x`` is first rounded to float32, as Tensor Cores take fp32 operands. Then the 13 dropped
    mantissa bits are rounded with the classic integer trick: add 0x0FFF plus the lowest kept bit
    (so an exact half rounds to the even neighbour), then clear the dropped bits. A carry out of
    the mantissa correctly bumps the exponent (up to inf). NaNs are passed through unchanged.
    """
    with np.errstate(over="ignore"):
        f32 = x.astype(np.float32)
    bits = f32.view(np.uint32)
    lowest_kept = (bits >> _TF32_DROPPED_BITS) & 1
    half_minus_one = np.uint32((1 << (_TF32_DROPPED_BITS - 1)) - 1)
    mask = np.uint32(~((1 << _TF32_DROPPED_BITS) - 1) & 0xFFFFFFFF)
    rounded = (bits + half_minus_one + lowest_kept) & mask
    return np.where(np.isnan(f32), bits, rounded).astype(np.uint32)


def _round_int(x: np.ndarray, info: FormatInfo) -> np.ndarray:
    """Round to the nearest integer (ties to even) and saturate to [min, max]."""
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x must be finite to round to {info.name} (integers have no NaN or inf)")
    return np.clip(np.rint(x), info.min, info.max)


def _encode(x: np.ndarray, name: str) -> np.ndarray:
    """Bit patterns (int64) of float64 ``x`` rounded to format ``name``."""
    if name == "tf32":
        return (_tf32_as_f32_bits(x) >> _TF32_DROPPED_BITS).astype(np.int64)
    info = _INFO[name]
    if not info.is_float:
        return _round_int(x, info).astype(np.int64) & ((1 << info.bits) - 1)
    dtype, unsigned = _DTYPES[name]
    with np.errstate(over="ignore", invalid="ignore"):
        return x.astype(dtype).view(unsigned).astype(np.int64)


def round_to(x: ArrayLike, name: str) -> np.ndarray:
    """``x`` rounded to format ``name``, returned as float64 (same shape as ``x``).

    Floats round to nearest, ties to even (numpy / ml_dtypes casts). Beyond the range:
    fp32/tf32/fp16/bf16/fp8_e5m2 give +-inf; fp8_e4m3 (no inf) gives NaN in ml_dtypes for
    ``|x| > 464`` (464 is the tie between 448 and the missing next value 480 and rounds to 448);
    NVIDIA's hardware conversion ``cvt.rn.satfinite`` would saturate to +-448 instead.
    tf32: ``x`` is rounded to float32 first (Tensor Cores take fp32 inputs), then to 10 mantissa
    bits with ties to even, like PTX ``cvt.rn.tf32.f32`` (sm_90+); Ampere's ``cvt.rna`` rounds ties
    away from zero, so exact ties can differ by one tf32 step.
    int8/int4: round to the nearest integer (ties to even), saturate to [min, max]; NaN/inf rejected.
    """
    name = resolve(name)
    array = _validate.float_array("x", x, allow_nonfinite=True)
    if name == "tf32":
        return _tf32_as_f32_bits(array).view(np.float32).astype(np.float64)
    info = _INFO[name]
    if not info.is_float:
        return _round_int(array, info)
    with np.errstate(over="ignore", invalid="ignore"):
        return array.astype(_DTYPES[name][0]).astype(np.float64)


def underflow_fraction(x: ArrayLike, name: str, loss_scale: float = 1.0) -> float:
    """Fraction of the non-zero values of ``x`` that become 0 when ``loss_scale * x`` is rounded to ``name``.

    Uses :func:`round_to`. ``loss_scale`` (a positive number, usually 2**k) multiplies before
    rounding, as loss scaling does to the gradients (Micikevicius et al. 2018, arXiv 1710.03740).
    Zeros in ``x`` are ignored; ValueError if there is no non-zero value.
    """
    scale = _validate.positive("loss_scale", loss_scale)
    values = _validate.float_array("x", x)
    nonzero = values[values != 0]
    if nonzero.size == 0:
        raise ValueError("x must contain at least one non-zero value")
    return float(np.mean(round_to(nonzero * scale, name) == 0))


def _fields(pattern: Any, info: FormatInfo) -> tuple[Any, Any, Any]:
    """(sign, exponent field, mantissa field) of integer bit pattern(s)."""
    m_bits = info.mantissa_bits
    sign = (pattern >> (info.exponent_bits + m_bits)) & 1
    exponent = (pattern >> m_bits) & ((1 << info.exponent_bits) - 1)
    mantissa = pattern & ((1 << m_bits) - 1)
    return sign, exponent, mantissa


def value_from_bits(bits: int | np.ndarray, name: str) -> float | np.ndarray:
    """Decode bit pattern(s) of format ``name`` by hand: float for an int, float64 array for an array.

    ``bits`` are unsigned patterns in ``[0, 2**pattern_bits)``: e.g. ``0x3C00`` is 1.0 in fp16.
    tf32 patterns are its 19 bits (the top 19 bits of the float32 word). Integer formats are
    two's complement: ``value_from_bits(0xFF, "int8")`` -> ``-1.0``.
    """
    name = resolve(name)
    info = _INFO[name]
    try:
        array = np.asarray(bits)
    except (ValueError, TypeError):
        array = np.asarray(None)
    if array.dtype.kind not in "iu":
        raise ValueError(f"bits must be an integer bit pattern (or array of them), got {bits!r}")
    pattern = array.astype(np.int64)
    if np.any(pattern < 0) or np.any(pattern >= 1 << info.pattern_bits):
        raise ValueError(f"bits must lie in [0, 2**{info.pattern_bits}) for {name}, got {bits!r}")
    if not info.is_float:
        value = np.where(pattern >= 1 << (info.bits - 1), pattern - (1 << info.bits), pattern).astype(np.float64)
    else:
        sign, exponent, mantissa = _fields(pattern, info)
        m_bits = info.mantissa_bits
        top_exponent = (1 << info.exponent_bits) - 1
        # Integer significand (implicit leading 1 for normals) times a power of two: exact in float64.
        significand = np.where(exponent > 0, mantissa + (1 << m_bits), mantissa).astype(np.float64)
        magnitude = np.ldexp(significand, np.maximum(exponent, 1) - info.bias - m_bits)
        if info.has_inf:
            special = np.where(mantissa == 0, np.inf, np.nan)
            magnitude = np.where(exponent == top_exponent, special, magnitude)
        else:
            magnitude = np.where((exponent == top_exponent) & (mantissa == (1 << m_bits) - 1), np.nan, magnitude)
        value = np.where(sign == 1, -magnitude, magnitude)
    return float(value) if value.ndim == 0 else value


def _category(sign_exponent_mantissa: tuple[Any, Any, Any], info: FormatInfo) -> str:
    _, exponent, mantissa = sign_exponent_mantissa
    top_exponent = (1 << info.exponent_bits) - 1
    if exponent == 0:
        return "zero" if mantissa == 0 else "subnormal"
    if exponent == top_exponent and info.has_inf:
        return "inf" if mantissa == 0 else "nan"
    if exponent == top_exponent and mantissa == (1 << info.mantissa_bits) - 1:
        return "nan"
    return "normal"


@dataclass(frozen=True)
class Decomposition:
    """How one real number is stored in a format.

    ``pattern`` is the bit pattern as an unsigned int; ``exponent_bits``/``mantissa_bits`` are
    its fields as strings of 0/1 (for integers: ``""`` and the bits after the sign).
    ``exponent`` is the unbiased exponent (``1 - bias`` for subnormals; None for zero, inf, NaN
    and integers). ``category`` is "zero", "subnormal", "normal", "inf", "nan" (floats) or
    "zero", "integer" (int8/int4). ``stored`` is the value actually kept; ``abs_error`` and
    ``rel_error`` compare it with ``value``. ``overflow`` is True when a finite ``value`` became
    inf/NaN (floats) or was saturated to the integer range.
    """

    value: float
    name: str
    pattern: int
    sign: int
    exponent_bits: str
    mantissa_bits: str
    exponent: int | None
    category: str
    stored: float
    abs_error: float
    rel_error: float
    overflow: bool

    @property
    def bit_string(self) -> str:
        """The pattern as "sign exponent mantissa", e.g. ``"0 01111 0000000000"`` for fp16 1.0."""
        return " ".join(part for part in (str(self.sign), self.exponent_bits, self.mantissa_bits) if part)


def decompose(value: float, name: str) -> Decomposition:
    """Store the real number ``value`` in format ``name`` and take the result apart.

    ``decompose(70000, "fp16")``: overflow to inf; ``decompose(0.1, "fp32").stored`` ->
    0.100000001490116... NaN and +-inf are accepted for float formats. See ``round_to`` for the
    rounding rules and what happens beyond the range.
    """
    name = resolve(name)
    info = _INFO[name]
    if not _validate.is_real(value):
        raise ValueError(f"value must be a real number, got {_validate.describe(value)}")
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(f"value {_validate.describe(value)} is beyond the float64 range") from None
    if not info.is_float and not math.isfinite(value):
        raise ValueError(f"value must be finite for {name}, got {value!r}")
    pattern = int(_encode(np.array([value]), name)[0])
    stored = float(value_from_bits(pattern, name))
    if info.is_float:
        fields = _fields(pattern, info)
        category = _category(fields, info)
        exponent = {"normal": fields[1] - info.bias, "subnormal": 1 - info.bias}.get(category)
        exponent_text = format(fields[1], f"0{info.exponent_bits}b")
        mantissa_text = format(fields[2], f"0{info.mantissa_bits}b")
        overflow = math.isfinite(value) and not math.isfinite(stored)
    else:
        category, exponent, exponent_text = ("zero" if stored == 0 else "integer"), None, ""
        mantissa_text = format(pattern & ((1 << info.mantissa_bits) - 1), f"0{info.mantissa_bits}b")
        overflow = not info.min <= round(value) <= info.max
    abs_error = 0.0 if stored == value else abs(stored - value)
    rel_error = abs_error / abs(value) if value != 0 else (0.0 if abs_error == 0 else math.inf)
    return Decomposition(value=value, name=name, pattern=pattern, sign=pattern >> (info.pattern_bits - 1),
                         exponent_bits=exponent_text, mantissa_bits=mantissa_text, exponent=exponent,
                         category=category, stored=stored, abs_error=abs_error, rel_error=rel_error,
                         overflow=overflow)
