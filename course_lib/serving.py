"""Serving an LLM: prefill and decode, batching, the KV cache, speculative decoding.

This module is the one home of the serving maths; :func:`course_lib.compute.decode_tokens_per_second`,
:func:`course_lib.compute.decode_compute_bound_tokens_per_second` and
:func:`course_lib.quantization.quantized_serving` call it. Units: bytes, FLOP, seconds, tokens.

**A deployment** (:func:`deployment`) is one copy of a model on ``n_gpus`` GPUs of one server that
split every weight matrix (tensor parallelism as in Megatron-LM, Shoeybi et al. 2019,
arXiv:1909.08053, Sec. 3): each layer then ends its attention and its MLP with an all-reduce of the
activations, two per layer. Tensor parallelism stays inside one link domain of the system the GPU
ships in (:func:`course_lib.topology.tensor_parallel_limit`: 8 GPUs on NVLink in an HGX / DGX A100,
H100, H200 or B200 server, 4 RTX 4090s over PCIe in a workstation) and talks over that system's
link; a GPU with no multi-GPU system in the data (the T4, a Jetson module) runs alone.

**Weights** are ``weight_bits`` bits per weight *including* quantization scales: 16 for bf16/fp16,
8 for int8/fp8, 4.125 for 4-bit codes in groups of 128 with one fp16 scale each
(:func:`course_lib.quantization.bits_per_weight`, ``bits_per_weight(4, 128)``). Weight-only
quantization keeps the input embedding and the output head in 16 bits (``embedding_bits``) unless
told otherwise, as GPTQ and AWQ checkpoints do. The KV cache has its own ``kv_dtype``.

**One decode step** makes one new token for each of ``batch`` sequences. It reads every weight once
for the whole batch (for a mixture of experts only the experts the batch's tokens are routed to,
:func:`expected_experts`), one input-embedding row per token (not the whole table) and the output
head, plus each sequence's KV cache. It computes 2 FLOP per matmul parameter per token plus
attention over the cached tokens (:func:`course_lib.compute.attention_flops`). **Prefill** runs a
whole prompt at once: the same weights read once, 2 FLOP per matmul parameter for every prompt token
(the output head only for the last one: servers compute logits only where a token is sampled),
causal attention (token i attends to i tokens).

**Time** of a step on the roofline (notebook 01): max(bytes / memory bandwidth, FLOP / dense peak)
on each GPU, plus the all-reduces, which are not overlapped. These are *bounds*: real kernels reach
a fraction of the peaks, and :data:`MEASUREMENTS` puts published measurements beside them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from course_lib import _validate, compute, hardware, memory, models, parallel, quantization, topology

# Bits per weight of the formats the widgets offer, scales included (4-bit: groups of 128, fp16 scales).
WEIGHT_BITS = {"16-bit (bf16)": 16.0, "8-bit (int8 / fp8)": float(quantization.bits_per_weight(8)),
               "4-bit, groups of 128": quantization.bits_per_weight(4, 128)}
KV_DTYPES = tuple(memory.DTYPE_BYTES)  # fp32, fp16, bf16, fp8, int8, int4
POLICIES = ("continuous", "static")
KV_ALLOCATIONS = ("paged", "contiguous")
LENGTH_DISTRIBUTIONS = ("fixed", "exponential")

# Deployment.link: the name of each kind of intra-node link of course_lib.topology.
LINK_NAMES = {"nvlink": "NVLink", "pcie": "PCIe", "infinity_fabric": "Infinity Fabric", "ici": "ICI"}
# NCCL's own cost model of a ring all-reduce with its low-latency (LL) protocol inside one node: a base latency
# plus one per ring step, 2(n - 1) steps (NCCL src/graph/tuning.cc, ncclTunerConstantsDefaults, v2.30:
# baseLatencies Ring/LL 6.6 us; hwLatencies Ring/LL 0.6 us over NVLink, 1.0 us over PCIe). A model, not a
# measurement; custom all-reduce kernels in TensorRT-LLM and vLLM do better on small messages. NCCL has no
# constant for AMD's Infinity Fabric (RCCL) or TPU ICI: they take the NVLink one, as the direct GPU-to-GPU
# link they are (an assumption).
NCCL_RING_LL_BASE_S = 6.6e-6
NCCL_RING_LL_STEP_S = {"NVLink": 0.6e-6, "PCIe": 1.0e-6}
_STEP_LATENCY_AS = {"Infinity Fabric": "NVLink", "ICI": "NVLink"}
ACTIVATION_BYTES = 2  # 16-bit activations in the all-reduces
# Bounds on the sizes the step-by-step functions loop or allocate over (a learner typing 1e9 gets a message,
# not minutes of computing or gigabytes of arrays): tokens of one request, requests simulated, Monte Carlo draws.
MAX_REQUEST_TOKENS = 2**20  # longer than any model's context (DeepSeek-V3: 163,840)
MAX_REQUESTS = 100_000
MAX_DRAWS = 10_000_000
MAX_DRAFT_TOKENS = 64

ModelLike = str | models.ModelConfig  # a preset name or a config
GPULike = str | hardware.GPU  # a catalog name or a row
Tokens = int | float | np.ndarray  # a token count, or an array of them


@dataclass(frozen=True)
class Deployment:
    """One copy of ``model`` on ``n_gpus`` x ``gpu`` (tensor parallel), built and checked by :func:`deployment`.

    weight_bits / embedding_bits: bits per weight of the matrices / of the input embedding and output
    head (scales included). kv_dtype: the KV cache's storage type. precision: the dense Tensor Core
    rate the matmuls run at. link: the tensor-parallel group's link (a :data:`LINK_NAMES` value: the
    intra-node link of the GPU's reference system), "none" for one GPU (or GPUs no link joins, built with
    ``one_server=False``); link_gbs: its per-direction GB/s.
    """

    model: models.ModelConfig
    gpu: hardware.GPU
    n_gpus: int
    weight_bits: float
    embedding_bits: float
    kv_dtype: str
    precision: str
    link: str
    link_gbs: float

    @property
    def label(self) -> str:
        gpus = f"{self.n_gpus} x {self.gpu.name}" if self.n_gpus > 1 else self.gpu.name
        return f"{self.model.name}, {self.weight_bits:g}-bit weights, {gpus}"


def deployment(model: ModelLike, gpu: GPULike, *, n_gpus: int = 1, weight_bits: float = 16.0, embedding_bits: float | None = None,
               kv_dtype: str = "fp16", precision: str | None = None, one_server: bool = True) -> Deployment:
    """Check and bundle what a serving estimate needs. ``model`` / ``gpu``: names or objects.

    ``weight_bits``: bits per weight of the weight matrices, scales included (2 to 32; 4.125 = int4
    in groups of 128). ``embedding_bits``: the input embedding and output head, 16 by default (32 if
    the weights are fp32). ``precision``: the Tensor Core rate, "bf16" by default ("fp16" on GPUs
    without bf16); "fp8" for fp8 weights and activations (W8A8). ``n_gpus``: tensor-parallel GPUs
    in one server, joined by the intra-node link of the GPU's reference system
    (:func:`course_lib.topology.reference_system`). ValueError naming ``n_gpus`` if it does not divide the
    attention heads, if the GPU has no multi-GPU system in the course's data (the T4, an edge module) and, with ``one_server`` (the default), beyond that system's link domain
    (:func:`course_lib.topology.tensor_parallel_limit`: 8 in an HGX/DGX server). ``one_server=False``
    is for callers that size clusters themselves (the planner, which may choose another system of the
    GPU; :func:`course_lib.compute.decode_tokens_per_second`): a larger count is priced on the same link,
    an optimistic bound, and GPUs that no link joins get link "none": their memory can be counted
    (the planner says how many a copy would need), their step times raise ValueError.
    """
    m = models.get_model(model)
    device = hardware.get_gpu(gpu)
    n = _validate.positive_int("n_gpus", n_gpus)
    one_server = _validate.flag("one_server", one_server)
    bits = _bits("weight_bits", weight_bits)
    emb = _bits("embedding_bits", embedding_bits) if embedding_bits is not None else max(16.0, bits)
    kv_dtype = _validate.choice("kv_dtype", kv_dtype, KV_DTYPES)
    if precision is None:
        precision = "bf16" if device.peak_tflops("bf16") else "fp16"
    device.peak_flops(precision)  # ValueError naming precision if the GPU has no such rate
    precision = _validate.choice("precision", precision, hardware.PRECISIONS)
    if device.kind == "cpu":
        raise ValueError(f"gpu: {device.name} is a CPU; choose a GPU or TPU")
    link, link_gbs = "none", 0.0
    if n > 1:
        inside = _tensor_parallel_link(device, n, one_server)
        if m.n_heads % n:
            raise ValueError(f"n_gpus ({n}) must divide the {m.n_heads} attention heads of {m.name}")
        if inside is not None:
            link, link_gbs = LINK_NAMES[inside.kind], inside.bandwidth_gbs
    return Deployment(m, device, n, bits, emb, kv_dtype, precision, link, link_gbs)


def _tensor_parallel_link(device: hardware.GPU, n: int, one_server: bool) -> topology.Link | None:
    """The intra-node link ``n`` > 1 GPUs of ``device`` split a model over: its reference system's; ValueError
    naming ``n_gpus`` (and saying why) where no such group can be built, or, with ``one_server`` False, None
    where no link joins two of them."""
    system = topology.reference_system(device)
    if system is None or system.intra_link is None:
        if not one_server:
            return None
        if system is None:
            raise ValueError(f"n_gpus: the course's system data (topology, systems.json) has no multi-GPU server of "
                             f"the {device.name}, so it is a single card here, and "
                             "tensor parallelism needs GPUs joined by a link inside one server; use 1")
        raise ValueError(f"n_gpus: {system.name} ({system.kind}) holds one {device.name} and is never clustered; "
                         "use 1")
    domain = system.domain_size
    if one_server and n > domain:
        beyond = (f"{n} would cross {system.network().name} between nodes in every layer" if system.clustered else
                  f"it is never clustered, so {n} cannot be joined")
        raise ValueError(f"n_gpus: tensor parallelism stays inside one link domain, {domain} x {device.name} on "
                         f"{system.intra_link.name} in one {system.name}; {beyond}")
    return system.intra_link


def _bits(name: str, value: object) -> float:
    bits = _validate.positive(name, value)
    if not 2 <= bits <= 32:
        raise ValueError(f"{name} must be between 2 and 32 bits per weight, got {value!r}")
    return bits


def _as(dep: object, name: str = "dep") -> Deployment:
    if not isinstance(dep, Deployment):
        raise TypeError(f"{name} must be a Deployment from serving.deployment(...), got {type(dep).__name__}")
    return dep


def _tokens(name: str, tokens: Tokens) -> float | np.ndarray:
    """Token counts: a number >= 0 or an array of them (finite, not too large)."""
    array = _validate.float_array(name, tokens)
    if np.any(array < 0):
        raise ValueError(f"{name} must be token counts >= 0, got {_validate.describe(tokens)}")
    return float(array) if array.ndim == 0 else array


# --------------------------------------------------------------------------- bytes

def expected_experts(model: ModelLike, tokens: Tokens) -> float | np.ndarray:
    """Expected number of different routed experts, per MoE layer, that ``tokens`` tokens use together.

    Each token picks ``experts_per_token`` of the ``n_experts`` (k of E). If tokens pick uniformly and
    independently, a given expert is missed by one token with probability 1 - k/E and by all T tokens
    with (1 - k/E)^T, so E (1 - (1 - k/E)^T) experts are used: k for one token, about all E once
    T >> E/k. Real routers are not uniform (popular experts are used more), so fewer experts are
    touched. A dense model has one "expert", always used. ``tokens`` may be a numpy array.
    """
    m = models.get_model(model)
    e, k = m.n_experts, m.experts_per_token
    t = np.asarray(_tokens("tokens", tokens))
    used = e * (1 - (1 - k / e) ** t) if e > 1 else np.ones_like(t)
    return float(used) if used.ndim == 0 else used


@dataclass(frozen=True)
class _Costs:
    """The numbers a step time needs, for one deployment (all its GPUs together)."""

    head_bytes: float            # output head (or, tied, the shared table), read once per step
    row_bytes: float             # input-embedding (+ learned position) row of one token
    dense_bytes: float           # every other non-expert weight: attention, dense MLPs, shared experts, routers
    expert_bytes: float          # one routed expert of one layer
    n_moe_layers: int
    kv_token_bytes: float        # one token's KV cache, all layers, summed over the GPUs that hold copies
    window: int
    body_flops: float            # 2 x matmul parameters per token, output head excluded
    head_flops: float            # 2 x output-head parameters
    flops_per_key: float         # attention FLOP per token per attended key, all layers
    bandwidth: float             # bytes/s of all GPUs
    peak: float                  # FLOP/s of all GPUs
    allreduce_fixed_s: float     # latency of the 2 x n_layers all-reduces of a step
    allreduce_per_token_s: float  # their bandwidth term per token in the step
    unlinked: bool               # several GPUs that no link joins: memory counts, step times cannot be priced


def _costs(dep: Deployment) -> _Costs:
    m, n = dep.model, dep.n_gpus
    d = m.d_model
    wb, eb = dep.weight_bits / 8, dep.embedding_bits / 8
    head_params = m.vocab_size * d
    row_params = d * ((0 if m.tied_embeddings else 1) + (1 if m.learned_positions else 0))
    expert_params = m.mlp_params_per_expert()
    dense_params = m.param_count() - m.embedding_params() - m.n_moe_layers * m.n_experts * expert_params
    kv_shards = 1 if m.is_mla else min(n, m.n_kv_heads)  # MLA's latent is shared by all heads: every GPU keeps it
    kv_token = memory.kv_cache_bytes(m, 1, 1, dep.kv_dtype) * n / kv_shards
    allreduce_fixed = allreduce_per_token = 0.0
    if n > 1 and dep.link != "none":
        steps = 2 * (n - 1)
        one = NCCL_RING_LL_BASE_S + steps * NCCL_RING_LL_STEP_S[_STEP_LATENCY_AS.get(dep.link, dep.link)]
        per_token = parallel.ring_allreduce_bytes_sent(d * ACTIVATION_BYTES, n) / (dep.link_gbs * 1e9)
        allreduce_fixed, allreduce_per_token = 2 * m.n_layers * one, 2 * m.n_layers * per_token
    return _Costs(
        head_bytes=head_params * eb, row_bytes=row_params * eb, dense_bytes=dense_params * wb,
        expert_bytes=expert_params * wb, n_moe_layers=m.n_moe_layers, kv_token_bytes=kv_token,
        window=m.sliding_window, body_flops=2.0 * (compute.matmul_params_per_token(m) - head_params),
        head_flops=2.0 * head_params, flops_per_key=float(compute.attention_flops(m, 1)),
        bandwidth=n * dep.gpu.memory_bandwidth_bytes_per_s, peak=n * dep.gpu.peak_flops(dep.precision),
        allreduce_fixed_s=allreduce_fixed, allreduce_per_token_s=allreduce_per_token,
        unlinked=n > 1 and dep.link == "none")


def weight_bytes(dep: Deployment) -> float:
    """Bytes of all the weights of one copy (every expert), embeddings and head at ``embedding_bits``."""
    dep = _as(dep)
    m = dep.model
    return (m.embedding_params() * dep.embedding_bits + (m.param_count() - m.embedding_params()) * dep.weight_bits) / 8


def weight_bytes_read(dep: Deployment, tokens: Tokens) -> float | np.ndarray:
    """Bytes of weights one forward pass over ``tokens`` tokens reads, all GPUs together.

    The output head and every non-expert weight once, one input-embedding row per token, and for a
    mixture of experts the :func:`expected_experts` of each MoE layer. ``tokens`` may be an array.
    """
    c = _costs(_as(dep))
    return _weights_read(c, dep.model, _tokens("tokens", tokens))


def _weights_read(c: _Costs, model: models.ModelConfig, tokens: Tokens) -> float | np.ndarray:
    experts = expected_experts(model, tokens) if c.n_moe_layers else 0.0
    return c.head_bytes + c.dense_bytes + np.asarray(tokens) * c.row_bytes + c.n_moe_layers * experts * c.expert_bytes


def kv_bytes_per_gpu(dep: Deployment, tokens: int, batch: int = 1) -> float:
    """KV-cache bytes on each GPU for ``batch`` sequences of ``tokens`` tokens (window and MLA included).

    Tensor parallelism splits the KV heads over the GPUs; with fewer KV heads than GPUs (multi-query
    attention) or with MLA's shared latent, every GPU keeps its own copy.
    """
    dep = _as(dep)
    tokens = _validate.positive_int("tokens", tokens)
    batch = _validate.positive_int("batch", batch)
    kept = min(tokens, dep.model.sliding_window) if dep.model.sliding_window else tokens
    return _costs(dep).kv_token_bytes * kept * batch / dep.n_gpus


# --------------------------------------------------------------------------- one step

@dataclass(frozen=True)
class Step:
    """One forward pass (a decode step or a prefill), all GPUs of the deployment together.

    tokens: new tokens processed. weight_bytes: weight bytes read. kv_bytes: KV cache read (decode) or
    written (prefill); the few bytes of the new token's K and V in a decode step are left out.
    flops: FLOP computed. memory_s / compute_s: time at full bandwidth / at the dense peak, per GPU.
    allreduce_s: the tensor-parallel all-reduces. seconds = max(memory_s, compute_s) + allreduce_s.
    bound: "memory" or "compute", whichever is larger.
    """

    tokens: int
    weight_bytes: float
    kv_bytes: float
    flops: float
    memory_s: float
    compute_s: float
    allreduce_s: float
    seconds: float
    bound: str

    @property
    def tokens_per_second(self) -> float:
        """New tokens per second of this step: tokens / seconds."""
        return self.tokens / self.seconds


def _step_parts(c: _Costs, model: models.ModelConfig, new_tokens: Tokens, head_tokens: Tokens, kv_tokens: Tokens,
                keys: Tokens) -> tuple:
    """(weight bytes, kv bytes, flops, memory_s, compute_s, allreduce_s, seconds); numpy arrays welcome."""
    if c.unlinked:
        raise ValueError("n_gpus: no link joins these GPUs in the course's systems (topology.reference_system): "
                         "their memory can be counted, but not the time of the all-reduces a step needs")
    weights = _weights_read(c, model, new_tokens)
    kv = c.kv_token_bytes * np.asarray(kv_tokens)
    flops = new_tokens * c.body_flops + head_tokens * c.head_flops + c.flops_per_key * np.asarray(keys)
    memory_s = (weights + kv) / c.bandwidth
    compute_s = flops / c.peak
    allreduce_s = c.allreduce_fixed_s + c.allreduce_per_token_s * np.asarray(new_tokens) if c.allreduce_fixed_s else \
        0.0 * memory_s
    return weights, kv, flops, memory_s, compute_s, allreduce_s, np.maximum(memory_s, compute_s) + allreduce_s


def _make_step(c: _Costs, model: models.ModelConfig, new_tokens: int, head_tokens: int, kv_tokens: Tokens,
               keys: Tokens) -> Step:
    weights, kv, flops, memory_s, compute_s, allreduce_s, seconds = _step_parts(c, model, new_tokens, head_tokens,
                                                                                 kv_tokens, keys)
    return Step(int(new_tokens), float(weights), float(kv), float(flops), float(memory_s), float(compute_s),
                float(allreduce_s), float(seconds), "memory" if memory_s >= compute_s else "compute")


def _kept(c: _Costs, context: Tokens) -> Tokens:
    return np.minimum(context, c.window) if c.window else context


def decode_step(dep: Deployment, batch: int = 1, context: int = 0) -> Step:
    """One decode step: ``batch`` sequences that each already hold ``context`` tokens make one token each.

    Bytes: weights once (:func:`weight_bytes_read` for ``batch`` tokens) + every sequence's KV cache
    (min(context, window) tokens). FLOP: ``batch`` x (2 x
    matmul parameters) + attention of each new token over its cached tokens.
    """
    dep = _as(dep)
    batch = _validate.positive_int("batch", batch)
    context = _validate.non_negative_int("context", context)
    c = _costs(dep)
    kept = _kept(c, context)
    return _make_step(c, dep.model, batch, batch, batch * kept, batch * kept)


def causal_keys(model: ModelLike, prompt_tokens: int) -> int:
    """Keys attended, summed over the tokens of a causal prompt: token i sees i tokens (itself included).

    p (p + 1) / 2 for a prompt of p tokens; with a sliding window w < p:
    w (w + 1) / 2 + (p - w) w.
    """
    m = models.get_model(model)
    p = _validate.positive_int("prompt_tokens", prompt_tokens)
    w = m.sliding_window
    if w and w < p:
        return w * (w + 1) // 2 + (p - w) * w
    return p * (p + 1) // 2


def prefill(dep: Deployment, prompt_tokens: int, n_prompts: int = 1) -> Step:
    """Prefill of ``n_prompts`` prompts of ``prompt_tokens`` tokens each, in one pass (no cache yet).

    FLOP: every prompt token x (2 x matmul parameters, output head excluded) + 2 x head parameters
    per prompt (logits only for the last token) + causal attention (:func:`causal_keys`). Bytes: the
    weights read once (for an MoE, the experts all the prompt tokens route to) and the prompts' K
    and V written. Its time is the time to first token (TTFT) of a request that does not wait.
    """
    dep = _as(dep)
    p = _validate.positive_int("prompt_tokens", prompt_tokens)
    k = _validate.positive_int("n_prompts", n_prompts)
    c = _costs(dep)
    kept = min(p, c.window) if c.window else p
    return _make_step(c, dep.model, p * k, k, k * kept, k * causal_keys(dep.model, p))


# --------------------------------------------------------------------------- one request, a batch

@dataclass(frozen=True)
class Timeline:
    """A static batch of ``batch`` identical requests, from prompt to last token, without queueing.

    ttft_s: prefill time (all prompts together). tpot_s: mean time per output token after the first.
    decode_s: time of the output_tokens - 1 decode steps. total_s = ttft_s + decode_s.
    tokens_per_second: output tokens of the whole batch / total_s. prefill / first_decode /
    last_decode: the steps (the KV cache grows from the first decode step to the last).
    """

    batch: int
    prompt_tokens: int
    output_tokens: int
    ttft_s: float
    tpot_s: float
    decode_s: float
    total_s: float
    tokens_per_second: float
    prefill: Step
    first_decode: Step
    last_decode: Step


def timeline(dep: Deployment, prompt_tokens: int, output_tokens: int, batch: int = 1) -> Timeline:
    """Prefill then decode for ``batch`` requests of ``prompt_tokens`` in and ``output_tokens`` out.

    The prefill makes the first token; decode step i (i = 1 .. output_tokens - 1) runs with a cache
    of prompt_tokens + i - 1 tokens per sequence. This is how a static-batching benchmark (for
    example TensorRT-LLM's gptSessionBenchmark) runs a fixed batch.
    """
    dep = _as(dep)
    p = _validate.positive_int("prompt_tokens", prompt_tokens, MAX_REQUEST_TOKENS)
    o = _validate.positive_int("output_tokens", output_tokens, MAX_REQUEST_TOKENS)
    b = _validate.positive_int("batch", batch)
    c = _costs(dep)
    first = prefill(dep, p, b)
    contexts = p + np.arange(max(o - 1, 1))
    kept = b * _kept(c, contexts)
    steps = _step_parts(c, dep.model, b, b, kept, kept)[-1]
    decode_s = float(np.sum(steps)) if o > 1 else 0.0
    tpot = decode_s / (o - 1) if o > 1 else 0.0
    total = first.seconds + decode_s
    return Timeline(b, p, o, first.seconds, tpot, decode_s, total, b * o / total, first,
                    decode_step(dep, b, p), decode_step(dep, b, p + max(o - 2, 0)))


# --------------------------------------------------------------------------- batching

@dataclass(frozen=True)
class BatchPoint:
    """One point of the throughput-latency curve: ``batch`` sequences at ``context`` cached tokens each.

    tpot_s: time per output token (one decode step). tokens_per_second: batch / tpot_s, all users.
    per_user_tokens_per_second: 1 / tpot_s. fits: the weights and the batch's KV cache fit in memory.
    """

    batch: int
    context: int
    tpot_s: float
    tokens_per_second: float
    per_user_tokens_per_second: float
    bound: str
    fits: bool


def batch_curve(dep: Deployment, context: int, batches: Sequence[int]) -> list[BatchPoint]:
    """The throughput-latency trade-off: one :class:`BatchPoint` per batch size in ``batches``."""
    dep = _as(dep)
    context = _validate.non_negative_int("context", context)
    if isinstance(batches, (str, bytes)) or not isinstance(batches, (Sequence, np.ndarray)) or len(batches) == 0:
        raise ValueError(f"batches must be a non-empty list of batch sizes, got {_validate.describe(batches)}")
    batches = [_validate.positive_int("batches", b) for b in batches]
    largest = max_batch(dep, max(context, 1))
    points = []
    for b in batches:
        step = decode_step(dep, b, context)
        points.append(BatchPoint(int(b), context, step.seconds, step.tokens_per_second, 1 / step.seconds, step.bound,
                                 b <= largest))
    return points


def crossover_batch(dep: Deployment, context: int = 0) -> int | None:
    """Smallest batch at which a decode step turns compute-bound (compute_s >= memory_s), or None.

    For a dense model the step's bytes are W + b K and its FLOP b F (W: weights, K: KV bytes per
    sequence, F: FLOP per sequence), so compute wins once b (F / peak - K / bandwidth) >= W / bandwidth:
    b* = W / bandwidth / (F / peak - K / bandwidth). If attention over the cache costs more time
    in reading than in computing (long contexts with multi-head attention), the step never turns
    compute-bound: None. An MoE reads more experts as the batch grows, so it is found by search.
    """
    dep = _as(dep)
    context = _validate.non_negative_int("context", context)
    c = _costs(dep)

    def excess(b: int) -> float:
        parts = _step_parts(c, dep.model, b, b, b * _kept(c, context), b * _kept(c, context))
        return float(parts[4] - parts[3])

    if excess(1) >= 0:
        return 1
    high = 2
    while excess(high) < 0:
        if high > 2**40:
            return None
        high *= 2
    low = high // 2  # excess(low) < 0 <= excess(high)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if excess(mid) < 0 else (low, mid)
    return high


def memory_per_gpu(dep: Deployment, tokens_per_sequence: int, batch: int = 1, overhead_fraction: float = 0.0) -> float:
    """Bytes each GPU of the deployment holds: its share of the weights and the KV cache of ``batch`` sequences of
    ``tokens_per_sequence`` tokens (:func:`kv_bytes_per_gpu`), plus ``overhead_fraction`` of that for what is
    not modelled (activations, workspace, the CUDA context, fragmentation)."""
    dep = _as(dep)
    tokens = _validate.positive_int("tokens_per_sequence", tokens_per_sequence)
    fraction = _validate.non_negative("overhead_fraction", overhead_fraction)
    need = weight_bytes(dep) / dep.n_gpus + kv_bytes_per_gpu(dep, tokens, batch)
    return _validate.finite_result(need * (1 + fraction), "overhead_fraction")


def max_batch(dep: Deployment, tokens_per_sequence: int, overhead_fraction: float = 0.0) -> int:
    """Most sequences of ``tokens_per_sequence`` tokens whose KV cache fits beside the weights (0 if none):
    the largest batch whose :func:`memory_per_gpu` fits in one GPU's memory.

    Per GPU: (memory / (1 + overhead_fraction) - weights / n_gpus) / (KV bytes of one sequence on that GPU).
    With the default ``overhead_fraction`` 0, activations, workspace and the CUDA context are not counted,
    so real servers fit somewhat fewer.
    """
    dep = _as(dep)
    tokens = _validate.positive_int("tokens_per_sequence", tokens_per_sequence)
    fraction = _validate.non_negative("overhead_fraction", overhead_fraction)
    free = dep.gpu.memory_bytes / (1 + fraction) - weight_bytes(dep) / dep.n_gpus
    if free <= 0:
        return 0
    return int(free // kv_bytes_per_gpu(dep, tokens))


def kv_capacity_tokens(dep: Deployment) -> int:
    """Tokens of KV cache that fit beside the weights, all sequences together (0 if the weights do not fit)."""
    dep = _as(dep)
    free = dep.gpu.memory_bytes - weight_bytes(dep) / dep.n_gpus
    return max(0, int(free // (_costs(dep).kv_token_bytes / dep.n_gpus)))


def fits(dep: Deployment) -> bool:
    """True if the weights of one copy fit in the memory of its GPUs (each holds 1 / n_gpus of them)."""
    dep = _as(dep)
    return weight_bytes(dep) / dep.n_gpus <= dep.gpu.memory_bytes


def decode_bound_tokens_per_second(dep: Deployment, batch: int = 1, context: int = 0,
                                   include_allreduce: bool = True) -> float:
    """Tokens per second of one decode step (summed over the batch), the roofline bound.

    ``include_allreduce=False`` leaves out the tensor-parallel all-reduces (as if they were free).
    """
    include_allreduce = _validate.flag("include_allreduce", include_allreduce)
    step = decode_step(dep, batch, context)
    if not include_allreduce:
        return step.tokens / max(step.memory_s, step.compute_s)
    return step.tokens_per_second


# --------------------------------------------------------------------------- paged KV cache

@dataclass(frozen=True)
class KVAllocation:
    """KV-cache memory of a set of sequences under two allocation schemes, in tokens.

    used: tokens the sequences actually hold. contiguous: tokens reserved when each sequence gets
    ``reserved_tokens`` contiguous slots up front (its maximum length). paged: tokens in fixed blocks
    of ``block_size``, allocated as a sequence grows (PagedAttention). *_waste: the unused fraction.
    """

    n_sequences: int
    block_size: int
    reserved_tokens: int
    used: int
    contiguous: int
    paged: int

    @property
    def contiguous_waste(self) -> float:
        return 1 - self.used / self.contiguous

    @property
    def paged_waste(self) -> float:
        return 1 - self.used / self.paged

    @property
    def concurrency_gain(self) -> float:
        """How many times more of these sequences fit in the same memory with paging: contiguous / paged."""
        return self.contiguous / self.paged


def kv_allocation(lengths: Sequence[int] | np.ndarray, reserved_tokens: int, block_size: int = 16) -> KVAllocation:
    """Compare contiguous pre-allocation and paging for sequences of the given ``lengths`` (tokens).

    Contiguous (FasterTransformer, Orca-style): every sequence reserves ``reserved_tokens`` slots,
    its maximum possible length. Paged (vLLM, Kwon et al. 2023, arXiv:2309.06180, Sec. 4.1):
    ceil(length / block_size) blocks of ``block_size`` tokens (16 is vLLM's default), so only the
    last block is partly empty: on average (block_size - 1) / 2 tokens per sequence when lengths
    are spread evenly over the remainders (:func:`expected_block_waste_tokens`).
    """
    values = _validate.float_array("lengths", lengths)
    if values.ndim != 1 or np.any(values < 1) or np.any(values != np.round(values)) or np.any(values > 2**53):
        raise ValueError("lengths must be a non-empty list of whole numbers >= 1 (tokens per sequence)")
    lengths = values.astype(np.int64)
    reserved = _validate.positive_int("reserved_tokens", reserved_tokens)
    block = _validate.positive_int("block_size", block_size)
    if lengths.max() > reserved:
        raise ValueError(f"reserved_tokens ({reserved}) must be at least the longest sequence ({lengths.max()})")
    paged = int(np.sum(-(-lengths // block)) * block)
    return KVAllocation(int(lengths.size), block, reserved, int(lengths.sum()), int(lengths.size * reserved), paged)


def expected_block_waste_tokens(block_size: int) -> float:
    """Mean empty slots in the last block of a sequence whose length is uniform over the remainders: (B - 1) / 2."""
    return (_validate.positive_int("block_size", block_size) - 1) / 2


# --------------------------------------------------------------------------- speculative decoding

def speculative_expected_tokens(acceptance_rate: float, draft_tokens: int) -> float:
    """Expected tokens per target-model pass with ``draft_tokens`` (gamma) drafted, acceptance rate alpha.

    Leviathan, Kalman & Matias 2023, "Fast Inference from Transformers via Speculative Decoding"
    (arXiv:2211.17192), Eq. 1: (1 - alpha^(gamma + 1)) / (1 - alpha): the accepted prefix of the
    drafts plus the one token the target adds (a correction or a bonus token). alpha = 1: gamma + 1.
    Acceptances are assumed independent with the same probability alpha.
    """
    alpha = _validate.fraction("acceptance_rate", acceptance_rate, allow_zero=True)
    gamma = _validate.non_negative_int("draft_tokens", draft_tokens)
    if alpha == 1:
        return float(gamma + 1)
    return (1 - alpha ** (gamma + 1)) / (1 - alpha)


def speculative_speedup(acceptance_rate: float, draft_tokens: int, cost_ratio: float) -> float:
    """Expected wall-time speed-up of speculative decoding over plain decoding (Leviathan et al., Thm. 3.8).

    (1 - alpha^(gamma+1)) / ((1 - alpha)(gamma c + 1)), with c = ``cost_ratio``: the time of one draft
    step over one target step. It assumes the target checks gamma + 1 tokens in the time of one
    step, true while decoding is memory-bound (small batches); see :func:`speculative_decode`.
    """
    c = _validate.non_negative("cost_ratio", cost_ratio)
    return speculative_expected_tokens(acceptance_rate, draft_tokens) / (draft_tokens * c + 1)


def simulate_speculative(acceptance_rate: float, draft_tokens: int, iterations: int = 100_000,
                         seed: int = 0) -> float:
    """Monte Carlo estimate of :func:`speculative_expected_tokens`: mean tokens per target pass.

    Each pass draws gamma acceptances (each True with probability alpha); the accepted tokens are
    those before the first rejection, plus one token from the target.
    """
    alpha = _validate.fraction("acceptance_rate", acceptance_rate, allow_zero=True)
    gamma = _validate.non_negative_int("draft_tokens", draft_tokens, MAX_DRAFT_TOKENS)
    n = _validate.positive_int("iterations", iterations, MAX_DRAWS // max(gamma, 1))
    rng = np.random.default_rng(_validate.non_negative_int("seed", seed))
    accepted = rng.random((n, gamma)) < alpha
    prefix = np.where(accepted.all(axis=1), gamma, np.argmin(accepted, axis=1)) if gamma else np.zeros(n)
    return float(np.mean(prefix + 1))


@dataclass(frozen=True)
class Speculation:
    """Speculative decoding on hardware: a draft deployment proposes, the target checks.

    cost_ratio: draft step time / target step time. iteration_s: gamma draft steps plus one target
    pass over gamma + 1 tokens per sequence. expected_tokens: per sequence per iteration.
    speedup: (expected_tokens / iteration_s) / (1 / target step time).
    """

    draft_tokens: int
    acceptance_rate: float
    cost_ratio: float
    target_step_s: float
    verify_s: float
    iteration_s: float
    expected_tokens: float
    speedup: float


def speculative_decode(target: Deployment, draft: Deployment, acceptance_rate: float, draft_tokens: int,
                       batch: int = 1, context: int = 0) -> Speculation:
    """Speed-up of speculative decoding with real step times from the roofline.

    The target's check of gamma + 1 tokens per sequence is a forward pass over batch x (gamma + 1)
    tokens: the same weight bytes as one decode step, but gamma + 1 times the FLOP. At batch 1 it
    costs about one step (memory-bound), as Leviathan et al. assume; at large batch it becomes
    compute-bound and speculation stops paying.
    """
    target, draft = _as(target, "target"), _as(draft, "draft")
    gamma = _validate.non_negative_int("draft_tokens", draft_tokens)
    batch = _validate.positive_int("batch", batch)
    context = _validate.non_negative_int("context", context)
    expected = speculative_expected_tokens(acceptance_rate, gamma)
    base = decode_step(target, batch, context).seconds
    draft_s = decode_step(draft, batch, context).seconds
    c = _costs(target)
    kept = _kept(c, context)
    tokens = batch * (gamma + 1)
    verify = float(_step_parts(c, target.model, tokens, tokens, batch * kept, tokens * kept)[-1])
    iteration = gamma * draft_s + verify
    return Speculation(gamma, acceptance_rate, draft_s / base, base, verify, iteration, expected,
                       expected * base / iteration)


# --------------------------------------------------------------------------- the server simulator

@dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate` measured. Times in seconds, percentiles over requests.

    ttft: time to first token (waiting + prefill); tpot: time per output token after the first;
    latency: arrival to last token. tokens_per_second: output tokens / makespan (first arrival to
    last token). busy_fraction: share of the makespan the GPUs were running a step.
    flops_utilization: FLOP computed / (dense peak x makespan), all GPUs (padding included for
    static batching). mean_batch: sequences per decode step, weighted by step time.
    offered_tokens_per_second: output tokens asked for per second (all outputs / span of the arrivals);
    served well below it means the queue grows. kv_capacity_tokens: KV-cache tokens that fit.
    ttft_by_arrival: every request's TTFT, in arrival order. queue_growing: the last quarter of the
    requests waited, at the median, over twice as long for their first token as the first quarter and
    over half a second: arrivals outpace the server (a diagnostic, not a proof).
    """

    policy: str
    kv_allocation: str
    n_requests: int
    arrival_rate: float
    ttft: dict
    tpot: dict
    latency: dict
    tokens_per_second: float
    offered_tokens_per_second: float
    requests_per_second: float
    busy_fraction: float
    flops_utilization: float
    mean_batch: float
    kv_capacity_tokens: int
    makespan_s: float
    ttft_by_arrival: tuple
    queue_growing: bool


PERCENTILES = (50, 90, 99)


def _lengths(rng: np.random.Generator, mean: int, n: int, distribution: str, limit: int) -> np.ndarray:
    if distribution == "fixed":
        return np.full(n, mean, dtype=np.int64)
    return np.minimum(rng.geometric(1 / mean, size=n), limit).astype(np.int64)


def sample_lengths(mean_tokens: int, n: int = 1000, limit: int = 4096, seed: int = 0,
                   distribution: str = "exponential") -> np.ndarray:
    """``n`` sequence lengths in tokens: geometric ("exponential", the discrete exponential) with mean
    ``mean_tokens``, capped at ``limit``, or all equal ("fixed"). Seeded: the same sample every time."""
    mean = _validate.positive_int("mean_tokens", mean_tokens, MAX_REQUEST_TOKENS)
    n = _validate.positive_int("n", n, MAX_DRAWS)
    limit = _validate.positive_int("limit", limit, MAX_REQUEST_TOKENS)
    distribution = _validate.choice("distribution", distribution, LENGTH_DISTRIBUTIONS)
    rng = np.random.default_rng(_validate.non_negative_int("seed", seed))
    return np.minimum(_lengths(rng, mean, n, distribution, limit), limit)


def simulate(dep: Deployment, *, arrival_rate: float, n_requests: int = 1000, prompt_tokens: int = 512,
             output_tokens: int = 256, lengths: str = "exponential", policy: str = "continuous",
             max_batch_size: int = 256, kv_allocation: str = "paged", block_size: int = 16,
             max_tokens: int | None = None, seed: int = 0) -> SimulationResult:
    """Simulate a server: Poisson arrivals, a batching policy, a KV-cache allocator; step times from the roofline.

    Requests arrive at ``arrival_rate`` per second (exponential gaps), with prompt and output lengths
    either ``"fixed"`` or ``"exponential"`` (geometric, those means, capped at ``max_tokens``, by
    default the smaller of 4096 and the model's context). Every step takes :func:`decode_step` /
    :func:`prefill` time.

    * ``policy="static"``: when the GPUs are idle, up to ``max_batch_size`` waiting requests form a
      batch; it runs until its longest request ends (finished ones stay as padding) and new
      arrivals wait for the next batch.
    * ``policy="continuous"`` (iteration-level scheduling, Yu et al. 2022, Orca, OSDI): before every
      step, waiting requests join while slots and KV memory allow; their prefill runs first (the
      running ones pause for it, as in vLLM's first scheduler); finished ones leave at once.
    * ``kv_allocation="contiguous"`` reserves ``max_tokens`` tokens of cache per request;
      ``"paged"`` reserves blocks of ``block_size`` for the tokens the request will hold (the
      simulator knows its length; vLLM instead adds blocks as a sequence grows and pre-empts a
      sequence if memory runs out).

    Deterministic for a ``seed``; a few thousand requests take well under a second.
    """
    dep = _as(dep)
    rate = _validate.positive("arrival_rate", arrival_rate)
    n = _validate.integer("n_requests", n_requests, 2, MAX_REQUESTS)  # a rate needs two arrivals
    if not 1e-9 <= rate <= 1e9:
        raise ValueError(f"arrival_rate must be from 1e-9 to 1e9 requests per second, got {arrival_rate!r}")
    p_mean = _validate.positive_int("prompt_tokens", prompt_tokens, MAX_REQUEST_TOKENS)
    o_mean = _validate.integer("output_tokens", output_tokens, 2, MAX_REQUEST_TOKENS)  # a TPOT needs two tokens
    lengths = _validate.choice("lengths", lengths, LENGTH_DISTRIBUTIONS)
    policy = _validate.choice("policy", policy, POLICIES)
    slots = _validate.positive_int("max_batch_size", max_batch_size)
    allocation = _validate.choice("kv_allocation", kv_allocation, KV_ALLOCATIONS)
    block = _validate.positive_int("block_size", block_size)
    limit = _validate.positive_int("max_tokens", max_tokens) if max_tokens is not None else \
        min(4096, dep.model.max_seq_len)
    if not 2 <= limit <= dep.model.max_seq_len:
        raise ValueError(f"max_tokens must be between 2 and {dep.model.name}'s context of {dep.model.max_seq_len:,} "
                         f"tokens, got {limit!r}")
    rng = np.random.default_rng(_validate.non_negative_int("seed", seed))
    if not fits(dep):
        raise ValueError(f"model: the weights of {dep.model.name} ({weight_bytes(dep) / 1e9:.1f} GB) do not fit "
                         f"on {dep.n_gpus} x {dep.gpu.name}")

    arrival = np.cumsum(rng.exponential(1 / rate, size=n))
    prompt = np.minimum(_lengths(rng, p_mean, n, lengths, limit), limit - 1)
    output = np.minimum(_lengths(rng, o_mean, n, lengths, limit), limit - prompt)
    c = _costs(dep)
    window = dep.model.sliding_window or limit
    if allocation == "contiguous":
        reserve = np.full(n, min(limit, window), dtype=np.int64)
    else:
        reserve = -(-np.minimum(prompt + output, window) // block) * block
    capacity = kv_capacity_tokens(dep)
    if capacity < reserve.max():
        raise ValueError(f"max_tokens: one request needs up to {reserve.max()} tokens of KV cache but only {capacity} "
                         f"fit beside the weights; choose shorter requests or more memory")

    first = np.full(n, np.nan)
    finish = np.full(n, np.nan)
    waiting: deque = deque()
    run_ids = np.empty(0, dtype=np.int64)
    run_ctx = np.empty(0, dtype=np.int64)
    run_left = np.empty(0, dtype=np.int64)
    t, next_arrival, used, done = 0.0, 0, 0, 0
    busy = flops = batch_time = decode_time = 0.0

    def admit_arrivals() -> None:
        nonlocal next_arrival
        while next_arrival < n and arrival[next_arrival] <= t:
            waiting.append(next_arrival)
            next_arrival += 1

    while done < n:
        admit_arrivals()
        joined: list[int] = []
        if policy == "continuous" or run_ids.size == 0:
            while waiting and run_ids.size + len(joined) < slots and used + reserve[waiting[0]] <= capacity:
                i = waiting.popleft()
                joined.append(i)
                used += reserve[i]
        if joined:
            ids = np.array(joined, dtype=np.int64)
            tokens = int(prompt[ids].sum())
            keys = sum(causal_keys(dep.model, int(p)) for p in prompt[ids])
            parts = _step_parts(c, dep.model, tokens, ids.size, int(np.minimum(prompt[ids], window).sum()), keys)
            t += float(parts[-1])
            busy += float(parts[-1])
            flops += float(parts[2])
            first[ids] = t
            left = output[ids] - 1
            ended = ids[left == 0]
            finish[ended] = t
            done += ended.size
            if policy == "continuous":
                used -= int(reserve[ended].sum())
                keep = left > 0
                ids, left = ids[keep], left[keep]
            run_ids = np.concatenate([run_ids, ids])
            run_ctx = np.concatenate([run_ctx, prompt[ids]])
            run_left = np.concatenate([run_left, left])
            if policy == "continuous":
                continue
        if run_ids.size == 0 or (policy == "static" and run_left.max() <= 0):
            if policy == "static" and run_ids.size:
                used, run_ids, run_ctx, run_left = 0, run_ids[:0], run_ctx[:0], run_left[:0]
                continue
            if next_arrival >= n:
                break
            t = max(t, float(arrival[next_arrival]))
            continue
        b = run_ids.size
        steps = int(run_left.max() if policy == "static" else run_left.min())
        i = np.arange(steps)
        ctx = np.sort(run_ctx)
        if dep.model.sliding_window:
            below = np.searchsorted(ctx, dep.model.sliding_window - i, side="left")
            prefix = np.concatenate([[0], np.cumsum(ctx)])
            kept = prefix[below] + below * i + (b - below) * dep.model.sliding_window
        else:
            kept = ctx.sum() + b * i
        parts = _step_parts(c, dep.model, b, b, kept, kept)
        cum = np.cumsum(parts[-1])
        if policy == "continuous" and next_arrival < n and not waiting and b < slots \
                and used + reserve[next_arrival] <= capacity:
            steps = min(steps, int(np.searchsorted(cum, arrival[next_arrival] - t, side="left")) + 1)
        elapsed = float(cum[steps - 1])
        flops += float(np.sum(parts[2][:steps]))
        batch_time += b * elapsed
        decode_time += elapsed
        if policy == "static":
            mine = run_left > 0
            finish[run_ids[mine]] = t + cum[run_left[mine] - 1]
            done += int(mine.sum())
            run_left = np.zeros_like(run_left)
        else:
            run_left = run_left - steps
            run_ctx = run_ctx + steps
            ended = run_left == 0
            finish[run_ids[ended]] = t + elapsed
            done += int(ended.sum())
            used -= int(reserve[run_ids[ended]].sum())
            run_ids, run_ctx, run_left = run_ids[~ended], run_ctx[~ended], run_left[~ended]
        t += elapsed
        busy += elapsed

    makespan = float(np.nanmax(finish) - arrival[0])
    ttft = first - arrival
    many = output > 1
    tpot = (finish[many] - first[many]) / (output[many] - 1)
    latency = finish - arrival
    return SimulationResult(
        policy=policy, kv_allocation=allocation, n_requests=n, arrival_rate=rate,
        ttft=_percentiles(ttft), tpot=_percentiles(tpot), latency=_percentiles(latency),
        tokens_per_second=float(output.sum() / makespan),
        offered_tokens_per_second=float(output.sum() / (arrival[-1] - arrival[0])),
        requests_per_second=n / makespan,
        busy_fraction=min(1.0, busy / makespan), flops_utilization=flops / (c.peak * makespan),
        mean_batch=batch_time / decode_time if decode_time else 0.0, kv_capacity_tokens=capacity,
        makespan_s=makespan, ttft_by_arrival=tuple(ttft.tolist()), queue_growing=_growing(ttft))


def _growing(ttft: np.ndarray) -> bool:
    quarter = max(1, ttft.size // 4)
    early, late = np.median(ttft[:quarter]), np.median(ttft[-quarter:])
    return bool(late > 2 * early and late > 0.5)


def _percentiles(values: np.ndarray) -> dict:
    if values.size == 0:
        return {p: float("nan") for p in PERCENTILES} | {"mean": float("nan")}
    return {p: float(np.percentile(values, p)) for p in PERCENTILES} | {"mean": float(np.mean(values))}


# --------------------------------------------------------------------------- published measurements

@dataclass(frozen=True)
class Measurement:
    """A published serving measurement and the course's estimate of it (same unit).

    setup: what was measured (hardware, software, model, batch, lengths, precision). estimate:
    no-argument function returning the course's roofline estimate. explanation: why they differ.
    """

    key: str
    title: str
    published: float
    unit: str
    source: str
    setup: str
    estimate: Callable[[], float] = field(repr=False)
    explanation: str

    def estimated(self) -> float:
        """The course's estimate, in ``unit``."""
        return self.estimate()

    def difference(self) -> float:
        """(estimate - published) / published, a fraction: positive when the bound is above the measurement."""
        return self.estimated() / self.published - 1

    def achieved_fraction(self) -> float:
        """How much of the roofline bound was reached: published / estimate for rates, estimate / published for times."""
        return self.estimated() / self.published if self.unit == "ms" else self.published / self.estimated()


def _tg128(gpu: str) -> float:
    """llama-bench's tg128: 128 tokens generated one at a time from an empty prompt, tokens per second."""
    dep = deployment("Llama-2 7B", gpu, precision="fp16")
    return 128 / sum(decode_step(dep, 1, c).seconds for c in range(128))


_LLAMA_CPP = ("ggml-org/llama.cpp pull request #4766 (llama: ggml-backend integration), "
              "https://github.com/ggml-org/llama.cpp/pull/4766")
_TRT_PERF = ("NVIDIA TensorRT-LLM, docs/source/performance.md (A100 and H100 SXM 80GB, per "
             "https://github.com/NVIDIA/TensorRT-LLM/issues/281), "
             "https://github.com/NVIDIA/TensorRT-LLM/blob/v0.6.1/docs/source/performance.md")
_A100_FP16 = "fp16"  # the A100 measurements ran in fp16 (TensorRT-LLM's "A100 GPUs (FP16)")

MEASUREMENTS = [
    Measurement(
        "llama.cpp-4090", "llama.cpp decode on an RTX 4090, Llama 7B fp16, one user", 61.03, "tokens/s",
        f"{_LLAMA_CPP}, comment by ggerganov, 2024-01-10: llama-bench, CodeLlama-7B F16 (12.55 GiB, 6.74 B), "
        "tg 128 = 61.03 ± 0.07 t/s",
        "RTX 4090 (1,008 GB/s), 16-bit weights, batch 1, 128 tokens generated from an empty prompt",
        lambda: _tg128("RTX 4090"),
        "Decoding one sequence is memory-bound: the bound is bandwidth / bytes per token. llama.cpp reaches about 80% "
        "of it; the rest is kernels that do not stream at the full 1,008 GB/s and per-token work the model leaves out "
        "(kernel launches, sampling). CodeLlama-7B has the shape of Llama-2 7B (16 more vocabulary rows)."),
    Measurement(
        "llama.cpp-3090", "llama.cpp decode on an RTX 3090, Llama 7B fp16, one user", 48.52, "tokens/s",
        f"{_LLAMA_CPP}, comment by JohannesGaessler: table of llama-bench results, RTX 3090, llama 7B F16, "
        "tg128, 48.52 t/s on master",
        "RTX 3090 (936 GB/s), 16-bit weights, batch 1, 128 tokens generated from an empty prompt",
        lambda: _tg128("RTX 3090"),
        "The same memory-bound bound; here llama.cpp reaches about 69% of it. The two GeForce cards differ by 8% in "
        "bandwidth and by 26% in measured speed: the fraction of the bandwidth a kernel achieves differs between "
        "cards (and these two runs were different builds on different machines)."),
    Measurement(
        "trtllm-ttft-2048", "Time to first token, Llama-2 7B on an A100, 2048-token prompt", 133, "ms",
        f"{_TRT_PERF}: Low Latency, A100 GPUs (FP16), LLaMA 7B, batch 1, TP 1, input 2048: 133 ms (data from "
        "TensorRT-LLM v0.5; the methodology section names the model Llama2-7b)",
        "A100 SXM 80GB, fp16, one request, prefill of 2048 tokens",
        lambda: 1000 * prefill(deployment("Llama-2 7B", "A100 SXM 80GB", precision=_A100_FP16), 2048).seconds,
        "A long prompt is compute-bound: 27.6 TFLOP at the 312 TFLOPS dense peak take 88.5 ms. TensorRT-LLM reached "
        "about two thirds of the peak; no real kernel runs at the datasheet peak (notebook 11's MFU)."),
    Measurement(
        "trtllm-ttft-128", "Time to first token, Llama-2 7B on an A100, 128-token prompt", 16, "ms",
        f"{_TRT_PERF}: Low Latency, A100 GPUs (FP16), LLaMA 7B, batch 1, TP 1, input 128: 16 ms (v0.5)",
        "A100 SXM 80GB, fp16, one request, prefill of 128 tokens",
        lambda: 1000 * prefill(deployment("Llama-2 7B", "A100 SXM 80GB", precision=_A100_FP16), 128).seconds,
        "A short prompt is memory-bound: all 13.2 GB of weights are read for only 128 tokens (6.5 ms at 2,039 GB/s; "
        "the FLOP alone would take 5.3 ms). The measurement is 2.5x longer: with little work per kernel, fixed costs "
        "per kernel (launch, synchronisation, the first token's sampling) weigh more than in a long prefill."),
    Measurement(
        "trtllm-a100-bs384", "Throughput, Llama-2 7B on an A100, batch 384, 128 in / 128 out", 5586, "tokens/s",
        f"{_TRT_PERF}: Peak Throughput, A100 GPUs (FP16), LLaMA 7B, batch 384, TP 1, input 128, output 128: "
        "5,586 output tokens/s (gptSessionBenchmark: one static batch)",
        "A100 SXM 80GB, fp16 weights and KV cache, a static batch of 384 requests",
        lambda: timeline(deployment("Llama-2 7B", "A100 SXM 80GB", precision=_A100_FP16), 128, 128, 384).tokens_per_second,
        "The estimate adds a 49,152-token prefill at the dense peak (2.0 s) and 127 memory-bound decode steps at "
        "batch 384 (3.2 s). The measurement reached 60% of that: neither phase runs at its datasheet peak, and "
        "attention over 384 caches at once is less efficient than streaming one weight matrix."),
    Measurement(
        "trtllm-h100-70b-fp8", "Throughput, Llama-2 70B on 2 H100s in fp8, batch 96, 2048 in / 128 out", 306,
        "tokens/s per GPU",
        f"{_TRT_PERF}: Peak Throughput, H100 GPUs (FP8), LLaMA 70B, batch 96, TP 2, input 2048, output 128: "
        "306 output tokens/s per GPU (engines built with --enable_fp8 --fp8_kv_cache; v0.6.1)",
        "2 x H100 SXM over NVLink (tensor parallel), fp8 weights, activations and KV cache, a static batch of 96",
        lambda: timeline(deployment("Llama-2 70B", "H100 SXM", n_gpus=2, weight_bits=8, kv_dtype="fp8",
                                    precision="fp8"), 2048, 128, 96).tokens_per_second / 2,
        "80% of the estimated time is the prefill of 196,608 prompt tokens, compute-bound at the fp8 peak "
        "(1,979 TFLOPS). The measurement reached half of the bound: fp8 matmuls run well below the dense peak, "
        "attention in the model is priced at the fp8 rate although its kernels work in 16 bits, and the "
        "all-reduces are priced by NCCL's latency model."),
]


def get_measurement(key: str) -> Measurement:
    """A :data:`MEASUREMENTS` entry by key (close matches listed on a miss)."""
    key = _validate.choice("key", key, [m.key for m in MEASUREMENTS])
    return next(m for m in MEASUREMENTS if m.key == key)
