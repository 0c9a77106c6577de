"""Memory of a transformer: weights, training state (ZeRO), activations, KV cache, and whether it fits.

All sizes are in bytes (GB = 1e9 bytes, as on GPU datasheets). Sources:

* training state: ZeRO, Rajbhandari et al. 2020, arXiv:1910.02054 (mixed-precision Adam = 16 bytes/param);
* activations: Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer
  Models", arXiv:2205.05198 (per-layer formulas for 16-bit activations);
* KV cache: 2 (K and V) x layers x kv heads x head size x tokens x bytes, as worked out for OPT-13B
  in the vLLM paper (Kwon et al. 2023, arXiv:2309.06180, Sec. 3).

Quantized weights are counted with their scales, one convention for the whole course: ``"int4"`` is
4-bit codes plus one fp16 scale per group of :data:`INT4_GROUP_SIZE` = 128 weights (the ``group_size``
of AWQ's examples and of most 4-bit GPTQ checkpoints), 4 + 16 / 128 = 4.125 bits = :data:`INT4_BYTES_PER_PARAM` bytes per weight,
as :func:`course_lib.quantization.bits_per_weight` computes. ``"int8"`` and ``"fp8"`` count 1 byte: their
scales (one per output channel, i.e. per row of thousands of weights, or one per tensor) add under 0.02
bits per weight.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from course_lib import _validate, formats, hardware, models

# Storage bytes per value, from the number-format registry (formats.bits / 8). int4 is its own named
# constant: what a 4-bit weight costs in memory is a convention, here with its group scales.
INT4_GROUP_SIZE = 128  # weights per fp16 scale: AWQ's --q_group_size 128, the group_size of most 4-bit GPTQ checkpoints
INT4_BYTES_PER_PARAM = (4 + 16 / INT4_GROUP_SIZE) / 8  # 4.125 bits = 0.515625 bytes: 4-bit code + its share of a scale
DTYPE_BYTES: dict[str, float] = {d: formats.bytes_per_value(d) for d in formats.DTYPES if d != "int4"}
DTYPE_BYTES["int4"] = INT4_BYTES_PER_PARAM
WEIGHT_DTYPES = ("fp32", "bf16", "fp8", "int8", "int4")  # the weight formats the course compares
OPTIMIZERS = ("adam", "adamw", "sgd", "sgd_momentum")
CHECKPOINTING = ("none", "selective", "full")
MODES = ("inference", "training")

# fp32 values the optimizer keeps per parameter besides the master weights: Adam/AdamW keep
# momentum and variance, SGD with momentum one buffer, plain SGD none.
_OPTIMIZER_STATE_VALUES = {"adam": 2, "adamw": 2, "sgd": 0, "sgd_momentum": 1}
_ACTIVATION_DTYPES = ("fp32", "fp16", "bf16")


class TrainingMemory(TypedDict):
    """Bytes per GPU of a training run (:func:`training_memory`)."""

    weights: float
    gradients: float
    optimizer_states: float
    activations: float
    total: float


class InferenceMemory(TypedDict):
    """Bytes to serve a model (:func:`inference_memory`)."""

    weights: float
    kv_cache: float
    overhead: float
    total: float


class FitReport(TypedDict):
    """Required vs available memory per GPU (:func:`fit_report`); ``breakdown`` is bytes per GPU by part."""

    fits: bool
    required_bytes: float
    available_bytes: float
    headroom_bytes: float
    headroom_fraction: float
    breakdown: dict[str, float]
    n_gpus: int
    mode: str


def bytes_per_param(dtype: str) -> float:
    """Bytes per value of ``dtype``: fp32 4, fp16/bf16 2, fp8/int8 1, int4 :data:`INT4_BYTES_PER_PARAM`
    (0.515625: 4.125 bits, scales included)."""
    return DTYPE_BYTES[formats.dtype(dtype)]


def weights_bytes(n_params: float, dtype: str) -> float:
    """Bytes to store ``n_params`` weights in ``dtype``: 10e9 params in fp32 = 40e9 bytes (40 GB)."""
    n = _validate.positive("n_params", n_params)
    return _validate.finite_result(n * bytes_per_param(dtype), "n_params")


def training_memory(n_params: float, *, optimizer: str = "adam", mixed_precision: bool = True, zero_stage: int = 0,
                    n_gpus: int = 1, activations_bytes: float = 0) -> TrainingMemory:
    """Bytes per GPU to train ``n_params`` parameters with data parallelism over ``n_gpus`` GPUs.

    Bytes per parameter (ZeRO paper, Sec. 3.1): mixed precision keeps fp16 weights (2) and fp16
    gradients (2), and the optimizer keeps an fp32 master copy (4) plus its fp32 states: Adam/AdamW
    momentum and variance (8, so 2 + 2 + 12 = 16), SGD with momentum one buffer (4), plain SGD
    none. Without mixed precision: fp32 weights (4) and gradients (4), and the optimizer states only
    (Adam 8: 4 + 4 + 8 = 16 as well).

    ZeRO-DP partitions over the ``n_gpus`` data-parallel GPUs: stage 1 the optimizer states, stage 2
    also the gradients, stage 3 also the weights. ``activations_bytes`` (per GPU, e.g. from
    :func:`activation_bytes`) is added as given. Not counted: temporary buffers, the gathered
    layer of stage 3, fragmentation, the CUDA context.

    Returns bytes per GPU: weights, gradients, optimizer_states, activations, total.
    """
    return _training_memory(_validate.positive("n_params", n_params),
                            _validate.choice("optimizer", optimizer, OPTIMIZERS),
                            _validate.flag("mixed_precision", mixed_precision),
                            _validate.zero_stage("zero_stage", zero_stage),
                            _validate.positive_int("n_gpus", n_gpus),
                            _validate.non_negative("activations_bytes", activations_bytes))


def _training_memory(n: float, optimizer: str, mixed_precision: bool, stage: int, gpus: int,
                     activations: float) -> TrainingMemory:
    states = 4 * _OPTIMIZER_STATE_VALUES[optimizer]
    if mixed_precision:
        weight_bytes, grad_bytes, optimizer_bytes = 2, 2, 4 + states
    else:
        weight_bytes, grad_bytes, optimizer_bytes = 4, 4, states
    weights = n * weight_bytes / (gpus if stage >= 3 else 1)
    gradients = n * grad_bytes / (gpus if stage >= 2 else 1)
    optimizer_states = n * optimizer_bytes / (gpus if stage >= 1 else 1)
    total = _validate.finite_result(weights + gradients + optimizer_states + activations,
                                    "n_params, activations_bytes")
    return {"weights": weights, "gradients": gradients, "optimizer_states": optimizer_states,
            "activations": activations, "total": total}


def activation_bytes(model: models.ModelLike, seq_len: int, micro_batch: int, checkpointing: str = "none",
                     tensor_parallel: int = 1, sequence_parallel: bool = False, dtype: str = "bf16",
                     include_logits: bool = True) -> float:
    """Bytes of activations one GPU stores for the backward pass of one micro-batch (Korthikanti et al.).

    With s = seq_len, b = micro_batch, h = d_model, a = n_heads, t = tensor_parallel, the paper's
    per-layer count (Sec. 4.1, 16-bit activations and 1-byte dropout masks) is:

    * no recomputation: s*b*h*(34 + 5*a*s/h); with tensor parallelism s*b*h*(10 + 24/t + 5*a*s/(h*t));
      with tensor + sequence parallelism s*b*h/t*(34 + 5*a*s/h);
    * ``"selective"`` recomputation (of the attention scores, softmax and its dropout) drops the
      5*a*s/h term; FlashAttention-style kernels likewise never store it;
    * ``"full"`` recomputation keeps only each layer's 16-bit input, 2*s*b*h (paper, Table 2).

    ``dtype`` is the type the activations are stored in ("bf16"/"fp16": the paper's 2 bytes; "fp32" for
    training without mixed precision). The paper's terms split into values and masks: of 34*s*b*h,
    16*s*b*h values (2 bytes each) and 2*s*b*h mask bytes; of 5*a*s*s*b, 2*a*s*s*b values and a*s*s*b mask
    bytes; with tensor parallelism 4 + 12/t values and 2 mask bytes per s*b*h. Values take ``dtype``'s
    bytes, masks stay 1 byte, so fp32 gives s*b*h*(66 + 9*a*s/h) per layer without recomputation.

    The total is n_layers times the per-layer value, plus (``include_logits``, default) the output
    logits the loss needs: vocab_size x s x b values in ``dtype``, 2 V s b bytes in 16-bit, split over
    the ``tensor_parallel`` GPUs (Megatron's vocabulary-parallel output layer); recomputation does not
    drop them. The paper's per-layer formulas leave them out, yet for a large vocabulary they are
    not small: Llama-3 8B at 8192 tokens, 128,256 x 8192 x 2 = 2.1 GB, as much as its 32 layer
    inputs under full recomputation (2 s h L = 2.1 GB). Frameworks that upcast the logits to fp32
    for the loss (Hugging Face transformers' ``ForCausalLMLoss``) briefly hold 4 more bytes per
    value. The per-layer formula is for GPT's transformer layer: standard multi-head attention and a 4h
    non-gated MLP with dropout. For other models (SwiGLU MLPs, GQA, MoE, no dropout) it is applied
    unchanged with their d_model and n_heads, as an estimate.
    """
    m = models.get_model(model)
    s = _validate.positive_int("seq_len", seq_len)
    b = _validate.positive_int("micro_batch", micro_batch)
    mode = _validate.choice("checkpointing", checkpointing, CHECKPOINTING)
    t = _validate.positive_int("tensor_parallel", tensor_parallel)
    sequence_parallel = _validate.flag("sequence_parallel", sequence_parallel)
    value_bytes = DTYPE_BYTES[_validate.choice("dtype", dtype, _ACTIVATION_DTYPES)]
    include_logits = _validate.flag("include_logits", include_logits)
    if m.n_heads % t:
        raise ValueError(f"tensor_parallel ({t}) must divide n_heads ({m.n_heads}) of {m.name}")
    return _activation_bytes(m, s, b, mode, t, sequence_parallel, value_bytes, include_logits)


def _activation_bytes(m: models.ModelConfig, s: int, b: int, mode: str, t: int = 1, sequence_parallel: bool = False,
                      value_bytes: float = 2, include_logits: bool = True) -> float:
    sbh = s * b * m.d_model
    logits = value_bytes * m.vocab_size * s * b / t if include_logits else 0
    if mode == "full":
        return _validate.finite_result(float(m.n_layers * value_bytes * sbh + logits), "seq_len, micro_batch")
    # (values, mask bytes) per s*b*h: the layer without the attention scores, and the scores (a*s/h each)
    scores_ratio = 0 if mode == "selective" else m.n_heads * s / m.d_model
    if sequence_parallel:
        values, masks = (16 + 2 * scores_ratio) / t, (2 + scores_ratio) / t
    else:
        values, masks = 4 + (12 + 2 * scores_ratio) / t, 2 + scores_ratio / t
    return _validate.finite_result(float(m.n_layers * sbh * (values * value_bytes + masks) + logits),
                                   "seq_len, micro_batch")


def kv_cache_bytes(model: models.ModelLike, seq_len: int, batch: int, dtype: str = "fp16") -> float:
    """KV-cache bytes for ``batch`` sequences of ``seq_len`` tokens, the cache stored in ``dtype``.

    2 (K and V) x n_layers x n_kv_heads x head_dim x seq_len x batch x bytes per value; grouped-query
    attention shrinks it by n_heads / n_kv_heads, multi-query attention (1 KV head) by n_heads.
    (OPT-13B in fp16: 819,200 bytes = 800 KiB per token.) Variants the model config selects:

    * multi-head latent attention (MLA, DeepSeek-V2/V3, ``model.is_mla``): one latent of
      ``kv_lora_rank`` values plus one rotary key of ``qk_rope_head_dim`` values per token per layer,
      shared by all heads: n_layers x (kv_lora_rank + qk_rope_head_dim) values per token;
    * a sliding window (``model.sliding_window``, Mistral 7B: 4096): at most that many tokens are kept.

    ``dtype`` "fp8" or "int8" is a quantized cache (1 byte per value; its per-tensor scales are ignored).
    """
    m = models.get_model(model)
    s = _validate.positive_int("seq_len", seq_len)
    b = _validate.positive_int("batch", batch)
    return _kv_cache_bytes(m, s, b, formats.dtype(dtype))


def _kv_cache_bytes(m: models.ModelConfig, s: int, b: int, dtype: str) -> float:
    kept = min(s, m.sliding_window) if m.sliding_window else s
    return _validate.finite_result(float(m.kv_values_per_token * kept * b * DTYPE_BYTES[dtype]), "seq_len, batch")


def default_kv_dtype(dtype: str, kv_dtype: str | None = None) -> str:
    """``kv_dtype``, or by default the activation type: ``dtype`` for fp32/fp16/bf16 weights, fp16 for
    8- and 4-bit weights (weight-only quantization keeps a 16-bit cache)."""
    if kv_dtype is not None:
        return formats.dtype(kv_dtype, "kv_dtype")
    dtype = formats.dtype(dtype)
    return dtype if dtype in _ACTIVATION_DTYPES else "fp16"


def inference_memory(model: models.ModelLike, dtype: str = "fp16", seq_len: int = 2048, batch: int = 1,
                     kv_dtype: str | None = None, overhead_fraction: float = 0.0) -> InferenceMemory:
    """Bytes to serve ``model``: all weights (every expert of an MoE) in ``dtype`` plus the KV cache.

    ``kv_dtype`` defaults to ``dtype`` for fp32/fp16/bf16 weights and to fp16 for fp8/int8/int4 weights.
    Not counted: activations and workspace of the forward pass, the CUDA context, allocator
    fragmentation; ``overhead_fraction`` adds that fraction of weights + KV cache to stand for them.
    Returns bytes: weights, kv_cache, overhead, total.
    """
    m = models.get_model(model)
    dtype = formats.dtype(dtype)
    return _inference_memory(m, dtype, _validate.positive_int("seq_len", seq_len),
                             _validate.positive_int("batch", batch), default_kv_dtype(dtype, kv_dtype),
                             _validate.non_negative("overhead_fraction", overhead_fraction))


def _inference_memory(m: models.ModelConfig, dtype: str, seq_len: int, batch: int, kv_dtype: str,
                      fraction: float) -> InferenceMemory:
    weights = m.param_count() * DTYPE_BYTES[dtype]
    kv = _kv_cache_bytes(m, seq_len, batch, kv_dtype)
    overhead = fraction * (weights + kv)
    total = _validate.finite_result(weights + kv + overhead, "overhead_fraction")
    return {"weights": weights, "kv_cache": kv, "overhead": overhead, "total": total}


def largest_fitting(estimate: int, fits: Callable[[int], bool], limit: int = _validate.MAX_EXACT_INT) -> int:
    """The largest n in [0, ``limit``] with ``fits(n)``, searched from ``estimate`` (``fits`` must be monotone).

    ``fits(0)`` is taken as true. Guards a closed-form estimate against floating-point rounding at the
    boundary: from the estimate it steps up (or down) in doubling steps until it brackets the
    boundary, then bisects, so a wrong estimate costs a few dozen calls, never a long loop.
    """
    n = _validate.integer("estimate", estimate, -_validate.MAX_EXACT_INT, _validate.MAX_EXACT_INT)
    if not callable(fits):
        raise ValueError(f"fits must be a function of n returning True or False, got {_validate.describe(fits)}")
    limit = _validate.non_negative_int("limit", limit)
    low, step = min(max(n, 0), limit), 1
    if low == 0 or fits(low):
        while low + step <= limit and fits(low + step):
            low, step = low + step, 2 * step
        high = min(low + step, limit + 1)  # the first count known not to fit (or beyond the limit)
    else:
        high = low
        while low > 0 and not fits(low):
            high, low, step = low, max(low - step, 0), 2 * step
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def max_context(model: models.ModelLike, gpu: hardware.GPULike, dtype: str = "fp16", batch: int = 1,
                kv_dtype: str | None = None, overhead_fraction: float = 0.0) -> int:
    """Longest ``seq_len`` whose :func:`inference_memory` fits in one GPU's memory (0 if the weights do not).

    Memory only: compare with the model's own limit, ``model.max_seq_len``. ``gpu`` is a name or a
    ``hardware.GPU``; its capacity is ``memory_gb`` x 1e9 bytes. At most 2**53 tokens. A sliding-window
    model whose cache of ``sliding_window`` tokens fits is not limited by memory at all: the answer is
    then its own ``max_seq_len``.
    """
    m = models.get_model(model)
    capacity = hardware.get_gpu(gpu).memory_bytes
    dtype = formats.dtype(dtype)
    kv_dtype = default_kv_dtype(dtype, kv_dtype)
    batch = _validate.positive_int("batch", batch)
    fraction = _validate.non_negative("overhead_fraction", overhead_fraction)

    def fits(seq_len: int) -> bool:
        return seq_len == 0 or _inference_memory(m, dtype, seq_len, batch, kv_dtype, fraction)["total"] <= capacity

    if m.sliding_window and fits(m.sliding_window):
        return max(m.max_seq_len, m.sliding_window)

    per_token = _kv_cache_bytes(m, 1, batch, kv_dtype)
    budget = capacity / (1 + fraction)
    estimate = min((budget - m.param_count() * DTYPE_BYTES[dtype]) / per_token, _validate.MAX_EXACT_INT)
    return largest_fitting(math.floor(estimate) if estimate > 0 else 0, fits, _validate.MAX_EXACT_INT)


def fit_report(model: models.ModelLike, gpu: hardware.GPULike, *, dtype: str = "fp16", seq_len: int = 2048,
               batch: int = 1, n_gpus: int = 1, mode: str = "inference", zero_stage: int = 0, optimizer: str = "adam",
               mixed_precision: bool = True, checkpointing: str = "none", kv_dtype: str | None = None,
               overhead_fraction: float = 0.0) -> FitReport:
    """Required vs available memory per GPU for serving or training ``model`` on ``n_gpus`` x ``gpu``.

    ``mode="inference"``: :func:`inference_memory` (weights in ``dtype`` + KV cache for ``batch``
    sequences of ``seq_len`` tokens) split evenly over the GPUs, as tensor parallelism would
    (replicated norms and communication buffers ignored).

    ``mode="training"``: :func:`training_memory` per GPU with ZeRO ``zero_stage`` over ``n_gpus``
    data-parallel GPUs (``optimizer``, ``mixed_precision``; ``dtype`` is not used), plus
    :func:`activation_bytes` for a micro-batch of ``batch`` sequences of ``seq_len`` tokens per GPU
    with ``checkpointing`` (no tensor parallelism), stored in 16 bits with mixed precision, in fp32 without.

    Every parameter is validated in both modes, so a typo in one the mode does not use still
    raises. In both modes ``overhead_fraction`` of the total is added for what is not modelled (CUDA
    context, workspace, fragmentation; default 0). Returns: fits, required_bytes, available_bytes,
    headroom_bytes (available - required, negative when it does not fit), headroom_fraction
    (headroom / available), breakdown (bytes per GPU by part), n_gpus, mode.
    """
    m = models.get_model(model)
    device = hardware.get_gpu(gpu)
    dtype = formats.dtype(dtype)
    seq_len = _validate.positive_int("seq_len", seq_len)
    batch = _validate.positive_int("batch", batch)
    gpus = _validate.positive_int("n_gpus", n_gpus)
    mode = _validate.choice("mode", mode, MODES)
    stage = _validate.zero_stage("zero_stage", zero_stage)
    optimizer = _validate.choice("optimizer", optimizer, OPTIMIZERS)
    mixed_precision = _validate.flag("mixed_precision", mixed_precision)
    checkpointing = _validate.choice("checkpointing", checkpointing, CHECKPOINTING)
    kv_dtype = default_kv_dtype(dtype, kv_dtype)
    fraction = _validate.non_negative("overhead_fraction", overhead_fraction)
    breakdown: dict[str, float]
    if mode == "inference":
        whole = _inference_memory(m, dtype, seq_len, batch, kv_dtype, fraction)
        breakdown = {part: whole[part] / gpus for part in ("weights", "kv_cache", "overhead", "total")}
    else:
        activations = _activation_bytes(m, seq_len, batch, checkpointing,
                                        value_bytes=DTYPE_BYTES[activation_dtype(mixed_precision)])
        breakdown = cast(dict[str, float], dict(_training_memory(m.param_count(), optimizer, mixed_precision, stage,
                                                                 gpus, activations)))
        breakdown["overhead"] = fraction * breakdown["total"]
        breakdown["total"] = _validate.finite_result(breakdown["total"] + breakdown["overhead"], "overhead_fraction")
    required = breakdown["total"]
    available = device.memory_bytes
    return {
        "fits": required <= available,
        "required_bytes": required,
        "available_bytes": available,
        "headroom_bytes": available - required,
        "headroom_fraction": (available - required) / available,
        "breakdown": breakdown,
        "n_gpus": gpus,
        "mode": mode,
    }


def fits(model: models.ModelLike, gpu: hardware.GPULike, **kwargs: Any) -> bool:
    """True if ``model`` fits in each of ``n_gpus`` x ``gpu``; keyword arguments and assumptions as :func:`fit_report`."""
    return fit_report(model, gpu, **kwargs)["fits"]


def training_memory_by_checkpointing(model: models.ModelLike, *, optimizer: str = "adam",
                                     mixed_precision: bool = True, seq_len: int = 4096,
                                     micro_batch: int = 1) -> dict[str, TrainingMemory]:
    """{checkpointing mode: :func:`training_memory` in bytes} for one GPU, with the activations of
    :func:`activation_bytes` for each mode ("none", "selective", "full"), stored in 16 bits with mixed
    precision and in fp32 without."""
    m = models.get_model(model)
    optimizer = _validate.choice("optimizer", optimizer, OPTIMIZERS)
    value_bytes = DTYPE_BYTES[activation_dtype(mixed_precision)]
    s = _validate.positive_int("seq_len", seq_len)
    b = _validate.positive_int("micro_batch", micro_batch)
    return {mode: _training_memory(m.param_count(), optimizer, mixed_precision, 0, 1,
                                   _activation_bytes(m, s, b, mode, value_bytes=value_bytes))
            for mode in CHECKPOINTING}


def activation_dtype(mixed_precision: bool) -> str:
    """The activations' storage type in training: "bf16" with mixed precision, "fp32" without."""
    return "bf16" if _validate.flag("mixed_precision", mixed_precision) else "fp32"


def fit_variants(model: models.ModelLike, gpu: hardware.GPULike, *, mode: str = "inference", dtype: str = "bf16",
                 zero_stage: int = 0, **kwargs: Any) -> dict[str, dict[str, float]]:
    """Per-GPU breakdowns of :func:`fit_report` for the alternatives worth comparing: {dtype: breakdown}
    over :data:`WEIGHT_DTYPES` for inference, {"ZeRO-s": breakdown} over stages 0-3 for training.
    ``kwargs`` (seq_len, batch, n_gpus, checkpointing, ...) go to ``fit_report``."""
    fit_report(model, gpu, mode=mode, dtype=dtype, zero_stage=zero_stage, **kwargs)  # validate once, name the culprit
    variants: dict[str, dict[str, Any]]
    if _validate.choice("mode", mode, MODES) == "inference":
        variants = {d: {"dtype": d, "zero_stage": zero_stage} for d in WEIGHT_DTYPES}
    else:
        variants = {f"ZeRO-{stage}": {"dtype": dtype, "zero_stage": stage} for stage in range(4)}
    return {label: fit_report(model, gpu, mode=mode, **kwargs, **kw)["breakdown"] for label, kw in variants.items()}


@dataclass(frozen=True)
class GpuCount:
    """How many GPUs :func:`fewest_gpus` found; None where no count up to its ``limit`` works.

    memory: fewest GPUs whose memory holds the model as :func:`fit_report` splits it (any count).
    weights_only: inference only, fewest GPUs whose memory holds the weights alone, ceil(weights / capacity)
        (the count of :func:`course_lib.quantization.quantized_serving`); None in training mode.
    tensor_parallel: inference only, fewest GPUs that fit *and* divide the model's attention heads, as a
        tensor-parallel split needs (vLLM refuses other counts), *and* stay inside one link domain of the
        GPU's system (:func:`course_lib.topology.tensor_parallel_limit`: a group never spans servers; a GPU
        with no multi-GPU system, such as the T4, has no split); None if no such count holds it, and in
        training mode, where data-parallel GPUs with ZeRO can be any number.
    """

    memory: int | None
    weights_only: int | None
    tensor_parallel: int | None


def fewest_gpus(model: models.ModelLike, gpu: hardware.GPULike, *, limit: int = 1024, **fit_kwargs: Any) -> GpuCount:
    """Fewest ``gpu`` that hold ``model`` with :func:`fit_report`'s assumptions (``fit_kwargs``: dtype, seq_len,
    batch, mode, zero_stage, optimizer, mixed_precision, checkpointing, kv_dtype, overhead_fraction).

    Memory per GPU never grows with more GPUs, so the smallest count is found by bisection up to ``limit``.
    """
    m = models.get_model(model)
    device = hardware.get_gpu(gpu)
    limit = _validate.positive_int("limit", limit)
    if "n_gpus" in fit_kwargs:
        raise ValueError("n_gpus: fewest_gpus searches the number of GPUs; do not pass it")
    fit_report(m, device, **fit_kwargs)  # validate every argument once, before the search
    mode = _validate.choice("mode", fit_kwargs.get("mode", "inference"), MODES)

    def fits_on(n: int) -> bool:
        return fit_report(m, device, n_gpus=n, **fit_kwargs)["fits"]

    enough = None
    if fits_on(limit):
        low, high = 0, limit  # invariant: high fits; low does not (or is 0)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if fits_on(middle) else (middle, high)
        enough = high
    if mode == "training":
        return GpuCount(enough, None, None)
    from course_lib import topology  # topology builds on this module (through parallel)

    weights = weights_bytes(m.param_count(), fit_kwargs.get("dtype", "fp16"))
    largest = min(limit, m.n_heads, topology.tensor_parallel_limit(device))
    split = None if enough is None else next((n for n in range(enough, largest + 1) if m.n_heads % n == 0), None)
    return GpuCount(enough, math.ceil(weights / device.memory_bytes), split)
