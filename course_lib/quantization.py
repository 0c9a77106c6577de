"""Post-training weight quantization: absmax and zero-point, per tensor / channel / group.

Integer codes ``q`` stand for real numbers ``(q - zero_point) * scale``:

* ``scheme="absmax"`` (symmetric): ``scale = max|x| / (2**(bits-1) - 1)``, ``zero_point = 0``,
  ``q`` in ``[-(2**(bits-1) - 1), 2**(bits-1) - 1]`` (int8: -127..127; -128 is left unused so
  the grid is symmetric), stored as ``int8``.
* ``scheme="zeropoint"`` (asymmetric, "affine"): the range ``[lo, hi]`` is ``[min(x), max(x)]``
  widened to contain 0, ``scale = (hi - lo) / (2**bits - 1)``, ``zero_point = round(-lo / scale)``
  and ``q`` in ``[0, 2**bits - 1]``, stored as ``uint8``. Widening to contain 0 makes the real
  number 0 exactly representable (Jacob et al., "Quantization and Training of Neural Networks for
  Efficient Integer-Arithmetic-Only Inference", arXiv 1712.05877, sec. 2.1); GPTQ (AutoGPTQ)
  uses the same unsigned range ``[0, 2**bits - 1]``.

Rounding is to nearest, ties to even (``numpy.rint``). ``bits`` runs from 2 to 8 (int4 is
``bits=4``). A block of zeros gets ``scale = 1`` (its codes are 0, reproduced exactly).
Scales are kept in float64 here; real kernels store them in fp16/bf16 (see ``quantized_bytes``).

LLM.int8() (Dettmers et al. 2022, arXiv 2208.07339): ``int8_matmul`` and ``mixed_int8_matmul``.
What quantized weights need to serve a model: ``quantized_serving``. 2:4 structured sparsity: ``prune_2_4``.
What quantization does to model quality, as published (GPTQ vs round-to-nearest): ``GPTQ_LLAMA_PERPLEXITY``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral
from types import MappingProxyType
from typing import Any, TypedDict

import numpy as np
from numpy.typing import ArrayLike

from course_lib import _validate, hardware, models, topology

SCHEMES = ("absmax", "zeropoint")
KINDS = ("gaussian", "heavy_tailed", "outlier_channels")
BITS = tuple(range(2, 9))  # the integer code widths quantize() supports
# Named scale granularities for a weight matrix stored as nn.Linear stores it (out_features x in_features).
GRANULARITIES = ("per-tensor", "per-channel", "group 32", "group 64", "group 128", "group 256")


class QuantizationError(TypedDict):
    """Error of an approximation (:func:`quantization_error`)."""

    mse: float
    max_abs: float
    relative: float
    sqnr_db: float


def check_bits(bits: int) -> int:
    """``bits`` as an int if it is a code width :func:`quantize` supports (2 to 8; int4 is 4), else ValueError."""
    try:
        return _validate.integer("bits", bits, min(BITS), max(BITS))
    except ValueError:
        raise ValueError(f"bits must be between 2 and 8 (int4 is bits=4), got {_validate.describe(bits)}") from None


def _blocks(x: np.ndarray, axis: Any, group_size: Any) -> tuple[np.ndarray, tuple[int, ...]]:
    """(view of x, axes to reduce) for per-tensor, per-channel (axis) or per-group quantization."""
    if axis is not None and group_size is not None:
        raise ValueError("group_size: give either axis (per channel) or group_size (per group), not both")
    if group_size is not None:
        group_size = _validate.positive_int("group_size", group_size)
        if x.ndim == 0 or x.shape[-1] % group_size:
            raise ValueError(f"group_size ({group_size}) must divide the last dimension of x (shape {x.shape})")
        return x.reshape(*x.shape[:-1], x.shape[-1] // group_size, group_size), (x.ndim,)
    if axis is None:
        return x, tuple(range(x.ndim))
    if x.ndim == 0:
        raise ValueError("axis: x is a single number (0 dimensions); give axis=None")
    if isinstance(axis, bool) or not isinstance(axis, Integral) or not -x.ndim <= int(axis) < x.ndim:
        raise ValueError(f"axis must be None or an integer in [{-x.ndim}, {x.ndim}) for x of shape {x.shape}, "
                         f"got {_validate.describe(axis)}")
    axis = int(axis) % x.ndim
    return x, tuple(a for a in range(x.ndim) if a != axis)


def _nonzero(scale: np.ndarray) -> np.ndarray:
    """Replace zero scales (an all-zero block, or underflow) by 1 so nothing divides by zero."""
    return np.where(scale > 0, scale, 1.0)


def quantize(x: ArrayLike, bits: int = 8, scheme: str = "absmax", axis: int | None = None,
             group_size: int | None = None) -> tuple[np.ndarray, Any, Any]:
    """Quantize ``x`` to ``bits``-bit integer codes; returns ``(q, scale, zero_point)``.

    * ``axis=None``: per tensor, one scale (numpy scalar).
    * ``axis=k``: per channel, one scale per index along axis ``k``, computed over all other
      axes. For a matrix, ``axis=0`` means one scale per row, ``axis=1`` one per column. ``scale``
      keeps x's number of dimensions (size 1 except along ``k``), so it broadcasts against ``q``.
    * ``group_size=g``: groups of ``g`` consecutive values along the last axis (``g`` must divide
      it); ``scale`` has shape ``x.shape[:-1] + (x.shape[-1] // g,)``.

    ``q`` has x's shape (``int8`` for absmax, ``uint8`` for zeropoint); ``zero_point`` has the
    shape of ``scale`` (all 0 for absmax). ``dequantize(q, scale, zero_point, group_size=g)``
    inverts it up to half a step: ``|x - x_hat| <= scale / 2``.
    """
    x = _validate.float_array("x", x)
    bits = check_bits(bits)
    scheme = _validate.choice("scheme", scheme, SCHEMES)
    view, reduce_axes = _blocks(x, axis, group_size)
    dtype: type[np.integer[Any]]
    if scheme == "absmax":
        q_max = 2 ** (bits - 1) - 1
        scale = _nonzero(np.max(np.abs(view), axis=reduce_axes, keepdims=True) / q_max)
        zero_point = np.zeros(scale.shape)
        q = np.clip(np.rint(view / scale), -q_max, q_max)
        dtype = np.int8
    else:
        q_max = 2**bits - 1
        lo = np.minimum(np.min(view, axis=reduce_axes, keepdims=True), 0.0)
        hi = np.maximum(np.max(view, axis=reduce_axes, keepdims=True), 0.0)
        scale = _nonzero(hi / q_max - lo / q_max)  # hi - lo could overflow for huge |x|
        zero_point = np.clip(np.rint(-lo / scale), 0, q_max)
        q = np.clip(np.rint(view / scale) + zero_point, 0, q_max)
        dtype = np.uint8
    if group_size is not None:
        scale, zero_point = scale[..., 0], zero_point[..., 0]
    elif axis is None:
        scale, zero_point = scale.reshape(()), zero_point.reshape(())
    return q.reshape(x.shape).astype(dtype), scale[()], zero_point.astype(dtype)[()]


def dequantize(q: ArrayLike, scale: ArrayLike, zero_point: ArrayLike, *, group_size: int | None = None) -> np.ndarray:
    """Real values ``(q - zero_point) * scale`` as float64, in q's shape.

    Pass the ``scale`` and ``zero_point`` that ``quantize`` returned, and the same ``group_size``.
    """
    q, zero_point = _integer_array(q), _integer_array(zero_point)
    if q.dtype.kind not in "iu":
        raise ValueError(f"q must be an array of integer codes, got dtype {q.dtype}")
    if zero_point.dtype.kind not in "iu":
        raise ValueError(f"zero_point must be integer(s), got dtype {zero_point.dtype}")
    scale = _validate.float_array("scale", scale)
    if np.any(scale <= 0):
        raise ValueError("scale must be > 0")
    codes = q.astype(np.float64)
    if group_size is not None:
        group_size = _validate.positive_int("group_size", group_size)
        if q.ndim == 0 or scale.ndim == 0 or q.shape[-1] != scale.shape[-1] * group_size:
            raise ValueError(f"group_size ({group_size}) times the number of scales per row must equal the last "
                             f"dimension of q (q shape {q.shape}, scale shape {scale.shape})")
        codes = codes.reshape(*q.shape[:-1], scale.shape[-1], group_size)
        scale, zero_point = scale[..., None], zero_point[..., None]
    try:
        return ((codes - zero_point) * scale).reshape(q.shape)
    except ValueError:
        raise ValueError(f"scale (shape {scale.shape}) and zero_point (shape {zero_point.shape}) must broadcast "
                         f"against q (shape {q.shape})") from None


def _integer_array(value: Any) -> np.ndarray:
    """``np.asarray(value)``, or an object array (rejected by the caller's dtype check) for ragged input."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError):
        return np.asarray(None)


def granularity_kwargs(granularity: str) -> dict[str, int]:
    """Keyword arguments of :func:`quantize` for a :data:`GRANULARITIES` name, for a matrix (out x in).

    "per-tensor" -> {} (one scale), "per-channel" -> {"axis": 0} (one scale per row, i.e. per output
    channel), "group 128" -> {"group_size": 128} (one scale per 128 consecutive weights of a row, as
    GPTQ's ``group_size``).
    """
    granularity = _validate.choice("granularity", granularity, GRANULARITIES)
    if granularity == "per-tensor":
        return {}
    if granularity == "per-channel":
        return {"axis": 0}
    return {"group_size": int(granularity.split()[1])}


def weights_per_scale(shape: tuple[int, int], granularity: str) -> int:
    """How many weights of a matrix of ``shape`` (out x in) share one scale: all, one row, or one group."""
    rows, columns = _validate.shape("shape", shape, ndim=2, max_size=_validate.MAX_EXACT_INT)
    kwargs = granularity_kwargs(granularity)
    if "group_size" in kwargs:
        return kwargs["group_size"]
    return columns if kwargs else rows * columns


def quantize_matrix(w: ArrayLike, bits: int, scheme: str,
                    granularity: str) -> tuple[np.ndarray, np.ndarray, Any, Any]:
    """Quantize and dequantize a matrix ``w`` (out x in) with a :data:`GRANULARITIES` name.

    Returns ``(w_hat, q, scale, zero_point)``: the values the model computes with, and what
    :func:`quantize` returned.
    """
    w = _validate.float_array("w", w)
    if w.ndim != 2:
        raise ValueError(f"w must be a matrix (out_features x in_features), got shape {w.shape}")
    kwargs = granularity_kwargs(granularity)
    if "group_size" in kwargs and w.shape[1] % kwargs["group_size"]:
        raise ValueError(f"granularity: {granularity!r} needs rows of w whose length is a multiple of "
                         f"{kwargs['group_size']}; w has shape {w.shape}")
    q, scale, zero_point = quantize(w, bits=bits, scheme=scheme, **kwargs)
    w_hat = dequantize(q, scale, zero_point, group_size=kwargs.get("group_size"))
    return w_hat, q, scale, zero_point


def error_vs_bits(w: ArrayLike, scheme: str, granularity: str, bits: tuple[int, ...] = BITS) -> np.ndarray:
    """Relative error ||w - w_hat|| / ||w|| of ``w`` quantized with ``granularity`` at each of ``bits``."""
    if isinstance(bits, (str, bytes)) or not isinstance(bits, (tuple, list, range)) or not bits:
        raise ValueError(f"bits must be a non-empty sequence of code widths (2 to 8), got {_validate.describe(bits)}")
    bits = tuple(check_bits(b) for b in bits)
    return np.array([quantization_error(w, quantize_matrix(w, b, scheme, granularity)[0])["relative"] for b in bits])


def quantization_error(x: ArrayLike, x_hat: ArrayLike) -> QuantizationError:
    """Error of an approximation ``x_hat`` of ``x`` (same shape).

    Returns ``mse`` (mean squared error), ``max_abs`` (largest |error|), ``relative``
    (||x - x_hat|| / ||x||, Frobenius norms) and ``sqnr_db`` (signal-to-quantization-noise ratio,
    10 log10(sum x^2 / sum error^2) in dB; inf for a perfect copy).
    """
    x = _validate.float_array("x", x)
    x_hat = _validate.float_array("x_hat", x_hat)
    if x.shape != x_hat.shape:
        raise ValueError(f"x_hat must have the shape of x {x.shape}, got {x_hat.shape}")
    error = x - x_hat
    noise, signal = float(np.sum(error**2)), float(np.sum(x**2))
    if noise == 0:
        relative, sqnr_db = 0.0, math.inf
    elif signal == 0:
        relative, sqnr_db = math.inf, -math.inf
    else:
        relative, sqnr_db = math.sqrt(noise / signal), 10 * math.log10(signal / noise)
    return {"mse": noise / x.size, "max_abs": float(np.max(np.abs(error))), "relative": relative,
            "sqnr_db": sqnr_db}


def quantized_bytes(n_params: float, bits: int, group_size: int | None = None, scale_bytes: float = 2,
                    zero_point: bool = False) -> float:
    """Storage in bytes of ``n_params`` weights at ``bits`` bits, plus per-group metadata.

    Each group of ``group_size`` weights (``None``: all ``n_params`` form one group, i.e. per
    tensor) stores one scale of ``scale_bytes`` bytes (2 = fp16) and, with ``zero_point=True``, one
    zero point of ``bits`` bits, packed like the weights as in GPTQ's ``qzeros``.
    Example: 7e9 weights, 4 bits, groups of 128, fp16 scales -> 3.5e9 + 7e9 / 128 * 2 bytes.
    """
    n_params = _validate.positive("n_params", n_params)
    bits = _validate.positive_int("bits", bits, 64)
    scale_bytes = _validate.positive("scale_bytes", scale_bytes)
    zero_point = _validate.flag("zero_point", zero_point)
    n_groups = 1 if group_size is None else math.ceil(n_params / _validate.positive_int("group_size", group_size))
    per_group = scale_bytes + (bits / 8 if zero_point else 0.0)
    return _validate.finite_result(n_params * bits / 8 + n_groups * per_group, "n_params, scale_bytes")


def bits_per_weight(bits: int, group_size: int | None = None, scale_bytes: float = 2,
                    zero_point: bool = False) -> float:
    """Average storage in bits per weight, group metadata included (the bits of :func:`quantized_bytes` per weight).

    4-bit weights in groups of 128 with fp16 scales: 4 + 16 / 128 = 4.125 bits. ``group_size=None``
    (one scale for a whole tensor) gives ``bits``: a single scale over millions of weights adds nothing
    measurable.
    """
    bits = _validate.positive_int("bits", bits, 64)
    _validate.positive("scale_bytes", scale_bytes)
    _validate.flag("zero_point", zero_point)
    if group_size is None:
        return float(bits)
    group_size = _validate.positive_int("group_size", group_size)
    return 8 * quantized_bytes(group_size, bits, group_size, scale_bytes, zero_point) / group_size


class QuantizedServing(TypedDict):
    """What :func:`quantized_serving` returns (a dict, so ``report["fits"]`` works)."""

    n_params: int
    weights_bytes: float
    bits_per_weight: float
    fits: bool
    n_gpus: int
    max_tensor_parallel: int
    tensor_parallel: int | None
    decode_tokens_per_second: float | None
    allreduce_fraction: float


def quantized_serving(model: models.ModelLike, gpu: hardware.GPULike, bits: int, group_size: int | None = None,
                      scale_bytes: float = 2, embedding_bits: float = 16) -> QuantizedServing:
    """Memory and a decode-speed bound for serving ``model``'s weights at ``bits`` bits on ``gpu`` (names or objects).

    ``bits`` is 2-8 (integer codes plus one ``scale_bytes`` scale per group of ``group_size`` weights,
    as in :func:`quantized_bytes`) or 16 (unquantized fp16/bf16: 2 bytes per weight, no scales,
    ``group_size`` ignored). Weight-only quantization keeps the input embedding and the output head
    in ``embedding_bits`` (16 unless stated), as GPTQ/AWQ checkpoints do. Only weights are counted:
    no KV cache, activations or CUDA context (:func:`course_lib.memory.fit_report` adds those).

    Returns a :class:`QuantizedServing` dict: ``n_params``; ``weights_bytes``; ``bits_per_weight``
    (average over all weights, scales and 16-bit embeddings included); ``fits`` (in one GPU);
    ``n_gpus`` (fewest GPUs whose memory holds the weights); ``max_tensor_parallel``: the most GPUs one
    copy may be split over, one link domain of the GPU's system
    (:func:`course_lib.topology.tensor_parallel_limit`: 8 in an HGX server, 4 RTX 4090s in a workstation,
    1 for a GPU with no multi-GPU system); ``tensor_parallel``: the GPUs one copy is split over to decode
    (``n_gpus`` rounded up to a divisor of the head count, at most ``max_tensor_parallel``; None if the
    weights need more); ``decode_tokens_per_second``: batch-1 bound of
    :func:`course_lib.serving.decode_step` on those GPUs, the tensor-parallel all-reduces included
    (None without a single-server split); ``allreduce_fraction``: their share of the step time.
    """
    from course_lib import serving  # serving builds on this module

    m = models.get_model(model)
    device = hardware.get_gpu(gpu)
    bits = _validate.positive_int("bits", bits)
    if bits == 16:
        weight_bits = 16.0
    elif 2 <= bits <= 8:
        weight_bits = bits_per_weight(bits, group_size, scale_bytes)
    else:
        raise ValueError(f"bits must be 2 to 8 (quantized) or 16 (fp16/bf16 weights), got {bits!r}")
    embedding_bits = _validate.positive("embedding_bits", embedding_bits)
    one = serving.deployment(m, device, weight_bits=weight_bits, embedding_bits=embedding_bits)
    weights = serving.weight_bytes(one)
    n_gpus = math.ceil(weights / device.memory_bytes)
    domain = topology.tensor_parallel_limit(device)
    split = next((n for n in range(n_gpus, domain + 1) if m.n_heads % n == 0), None)
    speed, allreduce = None, 0.0
    if split is not None:
        step = serving.decode_step(serving.deployment(m, device, n_gpus=split, weight_bits=weight_bits,
                                                      embedding_bits=embedding_bits), 1, 0)
        speed, allreduce = step.tokens_per_second, step.allreduce_s / step.seconds
    return QuantizedServing(n_params=m.param_count(), weights_bytes=weights, bits_per_weight=8 * weights / m.param_count(),
                            fits=weights <= device.memory_bytes, n_gpus=n_gpus, max_tensor_parallel=domain,
                            tensor_parallel=split,
                            decode_tokens_per_second=speed, allreduce_fraction=allreduce)


def synthetic_weights(shape: int | tuple[int, ...], kind: str = "gaussian", seed: int = 0,
                      std: float = 0.02) -> np.ndarray:
    """A reproducible random matrix (float64) that looks like LLM weights or activations.

    * ``"gaussian"``: normal with standard deviation ``std`` (0.02 is GPT-2's
      ``initializer_range`` in its config.json).
    * ``"heavy_tailed"``: Student-t with 4 degrees of freedom, rescaled to standard deviation
      ``std``: more large values than a Gaussian, as in trained weights (4 is illustrative, not fitted).
    * ``"outlier_channels"``: Gaussian, but a few columns (last axis = feature dimensions;
      0.5% of them, at least one) are 20-60x larger. Dettmers et al., "LLM.int8()" (arXiv 2208.07339)
      found such systematic large-magnitude features in the hidden states of transformers from
      6.7B parameters on; Hugging Face's ``llm_int8_threshold`` docs describe values usually in
      [-3.5, 3.5] but up to about 60 in magnitude for large models. Use ``std=1`` to model
      layer-normed activations, the input ``x`` of ``mixed_int8_matmul``.
    """
    shape = _validate.shape("shape", shape)
    kind = _validate.choice("kind", kind, KINDS)
    seed = _validate.non_negative_int("seed", seed)
    std = _validate.positive("std", std)
    rng = np.random.default_rng(seed)
    if kind == "heavy_tailed":
        dof = 4
        return rng.standard_t(dof, size=shape) * std / math.sqrt(dof / (dof - 2))
    weights = rng.normal(0.0, std, size=shape)
    if kind == "outlier_channels":
        n_features = shape[-1]
        columns = rng.choice(n_features, size=max(1, round(0.005 * n_features)), replace=False)
        weights[..., columns] *= rng.uniform(20.0, 60.0, size=columns.size)
    return weights


def _check_matmul(x: ArrayLike, w: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x = _validate.float_array("x", x)
    w = _validate.float_array("w", w)
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[0]:
        raise ValueError(f"w must be a matrix whose row count equals x's column count, got x {x.shape}, w {w.shape}")
    return x, w


def int8_matmul(x: ArrayLike, w: ArrayLike) -> np.ndarray:
    """``x @ w`` with LLM.int8()'s vector-wise int8 quantization (x: tokens x features, w: features x out).

    Every row of ``x`` and every column of ``w`` gets its own absmax scale, so each inner product
    has its own pair of scales. The int8 codes are multiplied with int32-style exact integer
    accumulation (done in float64, exact while k * 127**2 < 2**53), then rescaled by
    ``scale_x[i] * scale_w[j]``.
    """
    x, w = _check_matmul(x, w)
    qx, scale_x, _ = quantize(x, bits=8, scheme="absmax", axis=0)  # one scale per row of x
    qw, scale_w, _ = quantize(w, bits=8, scheme="absmax", axis=1)  # one scale per column of w
    accumulated = qx.astype(np.float64) @ qw.astype(np.float64)
    return accumulated * scale_x * scale_w


def mixed_int8_matmul(x: ArrayLike, w: ArrayLike, threshold: float = 6.0) -> tuple[np.ndarray, int]:
    """LLM.int8() mixed-precision decomposition of ``x @ w``; returns ``(output, n_outlier_columns)``.

    Feature dimensions (columns of ``x``, rows of ``w``) in which any ``|x| >= threshold`` are
    multiplied in floating point (fp16 on GPUs, float64 here); all others go through
    ``int8_matmul``. 6.0 is the paper's threshold alpha and the default of Hugging Face transformers'
    ``BitsAndBytesConfig(llm_int8_threshold=...)``.
    """
    x, w = _check_matmul(x, w)
    threshold = _validate.positive("threshold", threshold)
    outliers = np.any(np.abs(x) >= threshold, axis=0)
    output = x[:, outliers] @ w[outliers, :]
    if not np.all(outliers):
        output = output + int8_matmul(x[:, ~outliers], w[~outliers, :])
    return output, int(np.count_nonzero(outliers))


def prune_2_4(w: ArrayLike, axis: int = -1) -> np.ndarray:
    """2:4 structured sparsity by magnitude: in every 4 consecutive values along ``axis``, zero the 2 smallest |w|.

    Returns a float64 copy with exactly half of its entries set to 0 (ties keep the earlier value);
    ``w.shape[axis]`` must be a multiple of 4. This is the pattern NVIDIA's sparse tensor cores (A100
    onwards) accept, along the reduction dimension of a matmul: for ``x @ w`` with ``w`` of shape
    (features x out) that is ``axis=0`` (Mishra et al. 2021, "Accelerating Sparse Deep Neural
    Networks", arXiv 2104.08378). Their "sparse" TFLOPS assume every weight matrix has this pattern.
    Keeping the largest magnitudes is the simplest rule; SparseGPT (arXiv 2301.00774) also updates the
    kept weights to compensate.
    """
    w = _validate.float_array("w", w)
    if w.ndim == 0:
        raise ValueError("w must be an array with at least one dimension")
    if isinstance(axis, bool) or not isinstance(axis, Integral) or not -w.ndim <= axis < w.ndim:
        raise ValueError(f"axis must be an integer in [{-w.ndim}, {w.ndim}) for w of shape {w.shape}, got {axis!r}")
    if w.shape[axis] % 4:
        raise ValueError(f"axis: w's dimension along axis {axis} ({w.shape[axis]}) must be a multiple of 4")
    moved = np.moveaxis(w, axis, -1)
    groups = moved.reshape(*moved.shape[:-1], moved.shape[-1] // 4, 4)
    order = np.argsort(-np.abs(groups), axis=-1, kind="stable")  # largest first; ties: earlier first
    keep = np.zeros(groups.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :2], True, axis=-1)
    pruned = np.where(keep, groups, 0.0).reshape(moved.shape)
    return np.moveaxis(pruned, -1, axis)


@dataclass(frozen=True)
class PublishedPerplexity:
    """One model's WikiText-2 perplexity in fp16 and after weight quantization, as published.

    ``quantized`` maps a setting ("4-bit RTN", "3-bit GPTQ", "3-bit GPTQ g128" = groups of 128, ...) to the
    perplexity; lower is better.
    RTN (round-to-nearest) is what :func:`quantize` does; GPTQ also corrects each layer's output error.
    Without a group size both use one scale and zero point per output row (asymmetric, on the min-max grid:
    ``perchannel=True, sym=False``, ``--groupsize`` default -1 in the repository's llama.py).
    """

    model: str
    fp16: float
    quantized: Mapping[str, float]
    source: str

    def increase(self, setting: str) -> float:
        """Relative perplexity increase over fp16 for ``setting`` (0.07 = 7 % higher)."""
        setting = _validate.choice("setting", setting, self.quantized)
        return self.quantized[setting] / self.fp16 - 1


_GPTQ_README = ("IST-DASLab/gptq README.md (the GPTQ authors' repository, commit 2d65066), 'summary of LLaMa "
                "results', Wiki2 PPL; method: Frantar et al. 2022, arXiv:2210.17323")
GPTQ_LLAMA_PERPLEXITY = tuple(
    PublishedPerplexity(model, fp16, MappingProxyType(dict(zip(
        ("4-bit RTN", "4-bit GPTQ", "3-bit RTN", "3-bit GPTQ", "3-bit GPTQ g128"), values, strict=True))),
        _GPTQ_README)
    for model, fp16, values in (
        ("LLaMA-7B", 5.68, (6.29, 6.09, 25.54, 8.07, 6.61)),
        ("LLaMA-13B", 5.09, (5.53, 5.36, 11.40, 6.63, 5.62)),
        ("LLaMA-30B", 4.10, (4.54, 4.45, 14.89, 5.69, 4.80)),
        ("LLaMA-65B", 3.53, (3.92, 3.84, 10.59, 5.04, 4.17)),
    )
)
