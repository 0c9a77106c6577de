"""Compute: FLOP counts, training time, MFU, cost and energy, the roofline, decode speed.

Units are SI: FLOP (an amount of work), FLOP/s (a rate), seconds, bytes, US dollars, kWh.
``gpu`` is a catalog name or a :class:`~course_lib.hardware.GPU`; ``model`` a preset name or a
:class:`~course_lib.models.ModelConfig`. Peaks are the catalog's dense rates for ``precision``.

Conventions (the same in every notebook):

* A multiply-add is 2 FLOP; a matmul (m x k) @ (k x n) is 2mnk FLOP.
* Forward pass per token ~ 2 FLOP per parameter used in a matmul, plus the attention
  score/value term of Kaplan et al. 2020 (arXiv 2001.08361, Table 1). Training = 3 x forward
  (the backward pass costs twice the forward), which gives the familiar 6 N D.
* Causal attention: a token at position i attends to i keys, so over a sequence of ``seq_len``
  tokens it sees ``seq_len / 2`` keys on average. For one token that sees ``n`` keys, QK^T and
  the attention-weighted sum of V cost 2 n d_model FLOP each per layer, 4 n d_model together;
  averaged over a causal sequence that is 2 seq_len d_model per layer, Kaplan's
  ``2 n_layer n_ctx d_attn``. (Megatron-LM counts the full, unmasked s x s matrices.)
* MFU (model FLOPs utilization, Chowdhery et al. 2022, PaLM, arXiv 2204.02311, appendix B) is
  the model's FLOP per second (6 N per token, not counting recomputation) over the peak.
"""

from __future__ import annotations

from typing import NamedTuple, TypedDict

from course_lib import _validate, formats, hardware, memory, models, units

DEFAULT_PRECISION = "bf16"
ROOFLINE_PRECISIONS = ("fp32", "bf16", "fp16", "fp8")  # precisions whose value size is also a storage dtype


class TrainingCost(TypedDict):
    """Time, GPU-hours, rental cost and energy of a training run (:func:`training_cost`)."""

    seconds: float
    gpu_hours: float
    usd: float
    kwh: float | None


class SpecRatio(NamedTuple):
    """One datasheet metric of two catalog entries (:func:`spec_comparison`): ``(first, second, ratio)``."""

    first: float
    second: float
    ratio: float


class MatmulTime(NamedTuple):
    """Roofline time of one matmul on one GPU (:func:`matmul_time`).

    ``compute_s``: the arithmetic alone at the chosen share of the dense peak; ``memory_s``: the
    memory traffic alone at full bandwidth; ``seconds``: the larger one; ``bound``: "compute" or
    "memory", whichever gives ``seconds``.
    """

    flops: int
    n_bytes: float
    intensity: float
    compute_s: float
    memory_s: float
    seconds: float
    bound: str


class MatmulRoofline(TypedDict):
    """Roofline of one LLM weight matmul (:func:`llm_matmul_roofline`)."""

    intensity: float
    ridge: float
    attainable_flops: float
    fraction_of_peak: float
    bound: str


def _peak_flops(gpu: hardware.GPULike, precision: str) -> float:
    return hardware.get_gpu(gpu).peak_flops(precision)


def matmul_flops(m: int, n: int, k: int) -> int:
    """FLOP of the matrix product (m x k) @ (k x n): 2mnk (one multiply and one add per term)."""
    m, n, k = (_validate.positive_int(name, v) for name, v in (("m", m), ("n", n), ("k", k)))
    return 2 * m * n * k


def matmul_params_per_token(model: models.ModelLike) -> int:
    """Parameters one token uses in matmuls: active parameters minus embedding lookups.

    The token-embedding lookup and learned position embeddings are table reads, not matmuls;
    the output head is a matmul (with tied embeddings the shared table counts once, as the head).
    Norm weights and biases are counted at 2 FLOP too (a few 0.01 % of the total).
    """
    return _matmul_params(models.get_model(model))


def _matmul_params(model: models.ModelConfig) -> int:
    lookups = (model.max_seq_len + model.position_offset) * model.d_model if model.learned_positions else 0
    if not model.tied_embeddings:
        lookups += model.vocab_size * model.d_model
    return model.active_param_count() - lookups


def attention_flops_per_token(n_layers: int, n_keys: float, width: int) -> float:
    """FLOP of QK^T and the attention-weighted sum of V for one token attending to ``n_keys`` keys:
    4 n_layers n_keys width, where ``width`` = query heads x head size (d_model for multi-head and
    grouped-query attention). A causal sequence of s tokens averages s/2 keys (module docstring)."""
    layers = _validate.positive_int("n_layers", n_layers)
    keys = _validate.non_negative("n_keys", n_keys)
    width = _validate.positive_int("width", width)
    return _validate.finite_result(4.0 * layers * keys * width, "n_keys")


def attention_flops(model: models.ModelLike, n_keys: int) -> int:
    """QK^T and attention-weighted V for one token that attends to ``n_keys`` keys, all layers.

    2 n_keys x n_heads x (qk_head_dim + value_head_dim) per layer: 4 n_layers n_keys d_model for
    standard attention (n_heads x head_dim = d_model). Multi-head latent attention is counted in
    its explicit form (per head a 192-wide key and a 128-wide value for DeepSeek-V3).
    """
    return _attention_flops(models.get_model(model), _validate.non_negative_int("n_keys", n_keys))


def _attention_flops(model: models.ModelConfig, n_keys: int) -> int:
    return 2 * model.n_layers * n_keys * model.n_heads * (model.qk_head_dim + model.value_head_dim)


def forward_flops_per_token(model: models.ModelLike, seq_len: int) -> float:
    """Forward-pass FLOP per token for sequences of ``seq_len`` tokens (causal average).

    2 x (active parameters used in matmuls, output head included, embedding lookups excluded)
    + 2 n_layers seq_len d_model (Kaplan et al. 2020, Table 1; causal convention in the module
    docstring). Mixture-of-experts models count the ``experts_per_token`` experts a token uses.
    With a sliding window w < seq_len a token sees on average w - w^2 / (2 seq_len) keys instead
    of seq_len / 2.
    """
    model = models.get_model(model)
    seq_len = _validate.positive_int("seq_len", seq_len)
    w = model.sliding_window
    if w and w < seq_len:
        return float(2 * _matmul_params(model) + _attention_flops(model, 1) * (w - w * w / (2 * seq_len)))
    return float(2 * _matmul_params(model) + _attention_flops(model, seq_len) // 2)


def training_flops_per_token(model: models.ModelLike, seq_len: int) -> float:
    """Training FLOP per token: forward + backward = 3 x :func:`forward_flops_per_token`."""
    return 3 * forward_flops_per_token(model, seq_len)


def training_flops(n_params: float, n_tokens: float) -> float:
    """Training FLOP ~ 6 N D for ``n_params`` parameters and ``n_tokens`` tokens (attention ignored)."""
    flops = 6 * _validate.positive("n_params", n_params) * _validate.positive("n_tokens", n_tokens)
    return _validate.finite_result(flops, "n_params, n_tokens")


def megatron_training_flops(model: models.ModelLike, n_tokens: float, seq_len: int, recompute: bool = True) -> float:
    """Training FLOP by Megatron-LM's count for a GPT-style model (4h MLP, multi-head, dense).

    With full activation recomputation (Narayanan et al. 2021, arXiv 2104.04473, section 5.1):
    96 B s l h^2 (1 + s/(6h) + V/(16 l h)) per iteration of B sequences of s tokens, i.e.
    96 l h^2 (1 + s/(6h) + V/(16 l h)) per token; l layers, h = d_model, V = vocab size.
    Without recomputation (Korthikanti et al. 2022, arXiv 2205.05198, appendix A):
    72 l h^2 (1 + s/(6h) + V/(12 l h)) per token. Attention is counted unmasked (full s x s).
    """
    model = models.get_model(model)
    n_tokens = _validate.positive("n_tokens", n_tokens)
    s = _validate.positive_int("seq_len", seq_len)
    recompute = _validate.flag("recompute", recompute)
    if model.gated_mlp or model.d_ff != 4 * model.d_model or model.n_kv_heads != model.n_heads or model.n_experts > 1:
        raise ValueError(f"model: {model.name} is not a GPT-style transformer (dense, multi-head attention, "
                         "d_ff = 4 d_model, no gated MLP); Megatron's formula does not apply")
    layers, h, v = model.n_layers, model.d_model, model.vocab_size
    if recompute:
        per_token = 96 * layers * h**2 * (1 + s / (6 * h) + v / (16 * layers * h))
    else:
        per_token = 72 * layers * h**2 * (1 + s / (6 * h) + v / (12 * layers * h))
    return _validate.finite_result(n_tokens * per_token, "n_tokens")


def training_seconds(total_flops: float, gpu: hardware.GPULike, n_gpus: int, mfu: float,
                     precision: str = DEFAULT_PRECISION) -> float:
    """Wall-clock seconds: total_flops / (n_gpus x dense peak FLOP/s x mfu)."""
    total_flops = _validate.positive("total_flops", total_flops)
    n_gpus = _validate.positive_int("n_gpus", n_gpus)
    mfu = _validate.fraction("mfu", mfu)
    return _validate.finite_result(total_flops / (n_gpus * _peak_flops(gpu, precision) * mfu), "total_flops, mfu")


def mfu(tokens_per_second: float, n_params: float, gpu: hardware.GPULike, n_gpus: int = 1,
        precision: str = DEFAULT_PRECISION) -> float:
    """Model FLOPs utilization: 6 N x tokens_per_second / (n_gpus x dense peak FLOP/s).

    ``tokens_per_second`` is the throughput of all ``n_gpus`` together. This is PaLM's definition
    without its attention term (PaLM adds 12 n_layers seq_len d_model per token). A result above
    1 is impossible, so it raises ValueError (often: per-GPU and total throughput mixed up).
    """
    tokens_per_second = _validate.positive("tokens_per_second", tokens_per_second)
    n_params = _validate.positive("n_params", n_params)
    n_gpus = _validate.positive_int("n_gpus", n_gpus)
    value = 6 * n_params * tokens_per_second / (n_gpus * _peak_flops(gpu, precision))
    if value > 1:
        raise ValueError(f"tokens_per_second, n_params: 6 x {n_params:g} parameters x {tokens_per_second:g} tokens/s "
                         f"would need {value:.3g}x the peak of {n_gpus} GPU(s); is the throughput the total over all "
                         "GPUs, and n_params the model's size?")
    return value


def energy_kwh(power_w: float, seconds: float, n_gpus: int = 1, pue: float = 1.0) -> float:
    """Energy in kWh drawn from the grid by ``n_gpus`` boards at ``power_w`` watts for ``seconds``.

    n_gpus x power_w x seconds x pue / 3.6e6 (1 kWh = 3.6e6 J). ``pue`` (power usage
    effectiveness, >= 1) is facility power / IT power: cooling and power conversion on top.
    An 8-GPU node of 700 W boards running a day at PUE 1: 8 x 700 x 86,400 / 3.6e6 = 134.4 kWh.
    """
    power_w = _validate.positive("power_w", power_w)
    seconds = _validate.non_negative("seconds", seconds)
    n_gpus = _validate.positive_int("n_gpus", n_gpus)
    return _validate.finite_result(n_gpus * power_w * seconds * _validate.pue("pue", pue) / 3.6e6,
                                   "power_w, seconds, n_gpus")


def training_cost(total_flops: float, gpu: hardware.GPULike, n_gpus: int, mfu: float, usd_per_gpu_hour: float,
                  precision: str = DEFAULT_PRECISION, pue: float = 1.0) -> TrainingCost:
    """Time, GPU-hours, rental cost and energy of a training run.

    Returns ``{"seconds", "gpu_hours", "usd", "kwh"}``. Energy (:func:`energy_kwh`) assumes every
    GPU draws its TDP the whole time (GPU boards only, no host or network), times the data
    centre's ``pue`` (>= 1); ``kwh`` is None for hardware without a published TDP (TPU v5e).
    """
    n_gpus = _validate.positive_int("n_gpus", n_gpus)
    usd_per_gpu_hour = _validate.non_negative("usd_per_gpu_hour", usd_per_gpu_hour)
    pue = _validate.pue("pue", pue)
    gpu = hardware.get_gpu(gpu)
    seconds = training_seconds(total_flops, gpu, n_gpus, mfu, precision)
    gpu_hours = n_gpus * seconds / units.SECONDS_PER_HOUR
    kwh = energy_kwh(gpu.tdp_w, seconds, n_gpus, pue) if gpu.tdp_w is not None else None
    usd = _validate.finite_result(gpu_hours * usd_per_gpu_hour, "usd_per_gpu_hour, total_flops")
    return {"seconds": seconds, "gpu_hours": gpu_hours, "usd": usd, "kwh": kwh}


def ridge_point(gpu: hardware.GPULike, precision: str = DEFAULT_PRECISION) -> float:
    """Arithmetic intensity (FLOP/byte) where the roofline bends: peak FLOP/s / memory bytes/s."""
    gpu = hardware.get_gpu(gpu)
    return gpu.peak_flops(precision) / gpu.memory_bandwidth_bytes_per_s


def roofline(arithmetic_intensity: float, gpu: hardware.GPULike, precision: str = DEFAULT_PRECISION) -> float:
    """Attainable FLOP/s at ``arithmetic_intensity`` FLOP/byte: min(peak, intensity x bandwidth)."""
    intensity = _validate.positive("arithmetic_intensity", arithmetic_intensity)
    gpu = hardware.get_gpu(gpu)
    return min(gpu.peak_flops(precision), intensity * gpu.memory_bandwidth_bytes_per_s)


def roofline_bound(arithmetic_intensity: float, gpu: hardware.GPULike, precision: str = DEFAULT_PRECISION) -> str:
    """"memory" if ``arithmetic_intensity`` (FLOP/byte) is below the ridge point of ``gpu``, else "compute"."""
    intensity = _validate.positive("arithmetic_intensity", arithmetic_intensity)
    return "memory" if intensity < ridge_point(gpu, precision) else "compute"


def matmul_bytes(m: int, n: int, k: int, bytes_per_element: float) -> float:
    """Memory traffic of (m x k) @ (k x n) reading A and B once and writing C once: b (mk + kn + mn) bytes.

    (4096 x 1) @ (1 x 4096) in bf16 (b = 2): 2 x (4096 + 4096 + 4096^2) = 33,570,816 bytes, almost all of
    it the 4096 x 4096 output.
    """
    m, n, k = (_validate.positive_int(name, v) for name, v in (("m", m), ("n", n), ("k", k)))
    b = _validate.positive("bytes_per_element", bytes_per_element)
    return _validate.finite_result(b * (m * k + k * n + m * n), "bytes_per_element")


def matmul_arithmetic_intensity(m: int, n: int, k: int, bytes_per_element: float) -> float:
    """FLOP/byte of (m x k) @ (k x n) reading A and B once and writing C once: 2mnk / (b (mk + kn + mn))."""
    n_bytes = matmul_bytes(m, n, k, bytes_per_element)
    return matmul_flops(m, n, k) / n_bytes


def vector_add_bytes(n_elements: int, bytes_per_element: float) -> float:
    """Memory traffic of z = x + y over ``n_elements``: read x and y, write z, 3 n b bytes. It costs n FLOP."""
    n = _validate.positive_int("n_elements", n_elements)
    return 3 * n * _validate.positive("bytes_per_element", bytes_per_element)


def vector_add_arithmetic_intensity(bytes_per_element: float) -> float:
    """FLOP/byte of z = x + y: 1 FLOP per element over 3 elements moved (read x, y; write z): 1 / (3 b)."""
    return 1 / vector_add_bytes(1, bytes_per_element)


def _roofline_parts(flops: float, n_bytes: float, gpu: hardware.GPULike, precision: str,
                    efficiency: float) -> tuple[float, float]:
    """(arithmetic seconds, memory seconds): flops / (peak x efficiency) and n_bytes / bandwidth."""
    flops = _validate.non_negative("flops", flops)
    n_bytes = _validate.non_negative("n_bytes", n_bytes)
    efficiency = _validate.fraction("efficiency", efficiency)
    gpu = hardware.get_gpu(gpu)
    return flops / (gpu.peak_flops(precision) * efficiency), n_bytes / gpu.memory_bandwidth_bytes_per_s


def roofline_seconds(flops: float, n_bytes: float, gpu: hardware.GPULike,
                     precision: str = DEFAULT_PRECISION, efficiency: float = 1.0) -> float:
    """Roofline lower bound on a kernel's time in seconds: max(flops / (peak FLOP/s x efficiency), n_bytes / bandwidth).

    ``n_bytes`` is the memory traffic (bytes read + written). ``efficiency`` (0 to 1, default 1) is
    the share of the dense peak the arithmetic reaches; the memory side runs at full bandwidth.
    Launch and synchronization overheads (microseconds per GPU operation) are not included, so
    tiny kernels take longer than this.
    """
    return max(_roofline_parts(flops, n_bytes, gpu, precision, efficiency))


def operand_bytes(precision: str) -> float:
    """Bytes of one stored operand for a matmul run at hardware rate ``precision``.

    The storage size of the format (:func:`course_lib.formats.bytes_per_value`): bf16/fp16 2, fp8/int8
    1, fp32 4; tf32 reads ordinary fp32 numbers (4 bytes); fp64 is 8 bytes.
    """
    precision = _validate.choice("precision", precision, hardware.PRECISIONS)
    return 8.0 if precision == "fp64" else formats.bytes_per_value(precision, "precision")


def matmul_time(m: int, n: int, k: int, gpu: hardware.GPULike, efficiency: float = 1.0,
                precision: str = DEFAULT_PRECISION) -> MatmulTime:
    """Roofline time of (m x k) @ (k x n) on one ``gpu``: the larger of the arithmetic and the memory time.

    FLOP = 2mnk (:func:`matmul_flops`) at ``efficiency`` x the dense ``precision`` peak; bytes =
    (mk + kn + mn) x :func:`operand_bytes` (:func:`matmul_bytes`: A and B read once, C written once)
    at full memory bandwidth (:func:`roofline_seconds`). An outer product (k = 1) does 2 FLOP per
    output value but must write every output value: it is memory-bound on every GPU.
    """
    flops = matmul_flops(m, n, k)
    b = operand_bytes(precision)
    n_bytes = matmul_bytes(m, n, k, b)
    compute_s, memory_s = _roofline_parts(flops, n_bytes, gpu, precision, efficiency)
    return MatmulTime(flops, n_bytes, matmul_arithmetic_intensity(m, n, k, b), compute_s, memory_s,
                      roofline_seconds(flops, n_bytes, gpu, precision, efficiency),
                      "memory" if memory_s > compute_s else "compute")


def flops_per_watt(gpu: hardware.GPULike, precision: str = DEFAULT_PRECISION) -> float:
    """Dense peak FLOP/s per watt of board power (TDP), i.e. FLOP per joule at peak.

    ValueError (naming ``gpu``) for a catalog row without a published TDP.
    """
    gpu = hardware.get_gpu(gpu)
    if gpu.tdp_w is None:
        raise ValueError(f"gpu: {gpu.name} has no published board power (TDP), so no FLOP/s per watt")
    return gpu.peak_flops(precision) / gpu.tdp_w


def amdahl_speedup(parallel_fraction: float, n_workers: int) -> float:
    """Amdahl's law: speed-up on ``n_workers`` of a job whose ``parallel_fraction`` of the 1-worker time parallelizes.

    1 / ((1 - p) + p / n) (G. M. Amdahl, AFIPS Spring Joint Computer Conference, 1967). However
    many workers, the speed-up stays below 1 / (1 - p): 20x for p = 0.95.
    """
    p = _validate.fraction("parallel_fraction", parallel_fraction, allow_zero=True)
    n = _validate.positive_int("n_workers", n_workers)
    return 1 / ((1 - p) + p / n)


def decode_tokens_per_second(model: models.ModelLike, gpu: hardware.GPULike, dtype: str = "fp16", batch: int = 1,
                             seq_len: int = 0, n_gpus: int = 1, kv_dtype: str | None = None) -> float:
    """Memory-bound upper bound on decode throughput (tokens/s summed over the batch).

    Each step produces one token per sequence. It reads every weight once, in ``dtype`` (embedding
    and head included, as :func:`course_lib.memory.weights_bytes` counts them), but only ``batch``
    rows of the input embedding and, for an MoE, only the experts the batch routes to; plus the KV
    cache of ``seq_len`` tokens per sequence (``kv_dtype`` defaults as in
    :func:`course_lib.memory.inference_memory`). ``n_gpus`` splits the weights (tensor parallel):
    more bandwidth, but two all-reduces per layer, which are added (priced on the intra-node link of
    the GPU's reference system whatever ``n_gpus``, ValueError for a GPU that no link joins;
    :func:`course_lib.serving.deployment` refuses what one server cannot hold). Computed by
    :func:`course_lib.serving.decode_step`, which also keeps the embeddings of quantized weights in
    16 bits (:func:`course_lib.serving.deployment`). Compare
    :func:`decode_compute_bound_tokens_per_second`: the smaller one binds.
    """
    from course_lib import serving  # serving builds on this module

    seq_len = _validate.non_negative_int("seq_len", seq_len)
    bits = 8 * memory.bytes_per_param(dtype)
    dep = serving.deployment(model, gpu, n_gpus=n_gpus, weight_bits=bits, embedding_bits=bits,
                             kv_dtype=memory.default_kv_dtype(dtype, kv_dtype), one_server=False)
    step = serving.decode_step(dep, batch, seq_len)
    return step.tokens / (step.memory_s + step.allreduce_s)


def decode_compute_bound_tokens_per_second(model: models.ModelLike, gpu: hardware.GPULike, precision: str = "fp16",
                                           seq_len: int = 0, n_gpus: int = 1) -> float:
    """Compute-bound ceiling on decode throughput (tokens/s, any batch): n_gpus x peak / FLOP per token.

    A decoded token costs 2 FLOP per active matmul parameter plus attention over the ``seq_len``
    cached tokens (:func:`attention_flops`, one token, all keys). Computed by
    :func:`course_lib.serving.decode_step`.
    """
    from course_lib import serving  # serving builds on this module

    seq_len = _validate.non_negative_int("seq_len", seq_len)
    precision = _validate.choice("precision", precision, hardware.PRECISIONS)
    dep = serving.deployment(model, gpu, n_gpus=n_gpus, precision=precision, one_server=False)
    step = serving.decode_step(dep, 1, seq_len)
    return step.tokens / step.compute_s


def spec_comparison(first: hardware.GPULike, second: hardware.GPULike, precision: str) -> dict[str, SpecRatio]:
    """Datasheet metrics of two catalog entries and their ratio (second / first).

    Returns ``{metric: SpecRatio(first, second, ratio)}`` for "peak FLOP/s" (dense, at ``precision``),
    "memory bandwidth (B/s)" and "FLOP/s per watt" (peak / TDP; left out when a row has no
    published TDP). ValueError (naming ``precision``) if either lacks that precision.
    """
    first, second = hardware.get_gpu(first, "first"), hardware.get_gpu(second, "second")
    metrics = {
        "peak FLOP/s": (first.peak_flops(precision), second.peak_flops(precision)),
        "memory bandwidth (B/s)": (first.memory_bandwidth_bytes_per_s, second.memory_bandwidth_bytes_per_s),
    }
    if first.tdp_w is not None and second.tdp_w is not None:
        metrics["FLOP/s per watt"] = (flops_per_watt(first, precision), flops_per_watt(second, precision))
    return {name: SpecRatio(a, b, b / a) for name, (a, b) in metrics.items()}


def llm_matmul_roofline(gpu: hardware.GPULike, precision: str, tokens: int, d: int) -> MatmulRoofline:
    """Roofline of (tokens x d) @ (d x d), the shape of an LLM layer's weight matmul, on ``gpu``.

    ``precision`` is both the hardware rate and the storage type of the operands (one of
    :data:`ROOFLINE_PRECISIONS`). Returns the arithmetic intensity (FLOP/byte, each operand moved
    once), the ridge point (FLOP/byte), the attainable FLOP/s, its fraction of the dense peak and the
    bound ("memory" or "compute").
    """
    precision = _validate.choice("precision", precision, ROOFLINE_PRECISIONS)
    tokens, d = _validate.positive_int("tokens", tokens), _validate.positive_int("d", d)
    intensity = matmul_arithmetic_intensity(tokens, d, d, memory.bytes_per_param(precision))
    gpu = hardware.get_gpu(gpu)
    ridge = ridge_point(gpu, precision)
    attainable = roofline(intensity, gpu, precision)
    return {"intensity": intensity, "ridge": ridge, "attainable_flops": attainable,
            "fraction_of_peak": attainable / gpu.peak_flops(precision),
            "bound": roofline_bound(intensity, gpu, precision)}
