"""Parallel layouts on a real system: memory per GPU and time per step, and a search over layouts.

A :class:`Layout` splits training over tp x cp x pp x dp GPUs:

* **TP** (tensor parallel, Shoeybi et al. 2019) splits every weight matrix over ``tp`` GPUs;
  4 all-reduces of the layer's activations per layer and micro-batch (6 with full recomputation);
  ``sequence_parallel`` (Korthikanti et al. 2022) also splits the activations outside the matmuls,
  with the same communication volume (all-gather + reduce-scatter instead of all-reduce).
* **CP** (context parallel, Llama 3: Llama Team 2024, arXiv:2407.21783, Section 3.3.2) splits every
  sequence over ``cp`` GPUs; attention all-gathers the keys and values in the forward pass and
  reduce-scatters their gradients in the backward pass (multi-head latent attention: the latent K and V
  are rebuilt from, ``ModelShape.kv_width``).
* **PP** (pipeline parallel) gives each of ``pp`` stages ceil(L / pp) layers; the step is cut into m
  micro-batches per pipeline (gradient accumulation), and the pipeline idles (the bubble)
  (p-1) micro-batch times for GPipe and 1F1B, (p-1)/v with v interleaved chunks per GPU (Narayanan et
  al. 2021, arXiv:2104.04473, Section 2.2.2), (p-1)/3 for zero-bubble ZB-H1 and ~0 for ZB-H2 (Qi et
  al. 2023, Zero Bubble Pipeline Parallelism, arXiv:2401.10241, Table 1: bubbles (p-1)(F+B+W),
  (p-1)(F+B-W), (p-1)(F+B-2W) with F = B = W, and peak activations p, p, 2p-1 micro-batches);
  DeepSeek-V3's DualPipe (arXiv:2412.19437, Section 3.2.1, Table 2) idles (p/2-1)(F&B+B-3W), ~0 with
  F = B = W and F&B = F + B, holds p+1 micro-batches and two copies of the weights.
* **DP** (data parallel) replicates the rest ``dp`` times; ZeRO stage 1/2/3 (3 = PyTorch FSDP's full
  sharding) shards optimizer states, gradients, weights over the dp x cp replicas (Rajbhandari et
  al. 2020). Gradients are reduced once per step (stages 0-2); stage 3 gathers the weights twice and
  reduce-scatters the gradients for every micro-batch (FSDP's default).
* **EP** (expert parallel) spreads a mixture-of-experts model's routed experts over ``ep`` GPUs of
  the data-parallel group; each MoE layer sends every token to its experts and back with all-to-alls
  (4 per layer and micro-batch, 6 with full recomputation).

Groups are placed like Megatron-LM's default order: TP innermost, then CP, then DP (EP inside it),
PP outermost, so TP stays inside a node when it fits and PP crosses nodes. Every collective costs
what :func:`course_lib.topology.collective_time` says on the system's links.

Memory per GPU reuses :func:`course_lib.memory.training_memory` (mixed-precision Adam, 16 bytes per
parameter before sharding) and :func:`course_lib.memory.activation_bytes` (Korthikanti et al. 2022,
16-bit activations; its GPT-layer formula is applied to every model, as an estimate). Activations
held: one micro-batch of the stage's layers times the micro-batches in flight (m for GPipe, min(p, m)
for 1F1B and ZB-H1, x (1 + (p-1)/(p v)) interleaved (Korthikanti et al. 2022, Section 4.2.3), 2p-1
for ZB-H2). ``overhead_fraction`` of the total is added for the CUDA context, buffers and
fragmentation. Not counted: the gathered layer of ZeRO-3, embedding/head imbalance between stages.

Time per step = compute + bubble + TP + CP + pipeline sends + (DP - hidden) + (EP - hidden).
Compute is the model FLOP (6 N D with N the parameters a token uses, plus causal attention,
:func:`course_lib.compute.attention_flops_per_token`) plus recomputation (full: the forward pass
again, 8 N D in all; selective: the attention forward again), at ``compute_efficiency`` x the dense
peak: the fraction of peak the GPUs reach *while computing*, an assumption the caller states. MFU
(PaLM's model FLOPs utilization) is then an output: model FLOP / (GPUs x peak x step time). DP
communication hides behind the backward pass (:func:`course_lib.parallel.hidden_behind_backward`);
EP all-to-alls hide behind compute up to ``ep_overlap``; TP, CP and pipeline sends are not hidden.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from course_lib import _validate, compute, hardware, memory, models, parallel, topology

SCHEDULES = ("gpipe", "1f1b", "interleaved", "zb-h1", "zb-h2", "dualpipe")
RECOMPUTE = memory.CHECKPOINTING  # "none", "selective", "full"
ACTIVATION_BYTES = 2  # 16-bit activations and gradients on the wire (bf16)
TP_EXTRA_WITH_FULL_RECOMPUTE = 2  # the recomputed forward repeats its 2 all-reduces
EP_ALLTOALLS_PER_LAYER = 4  # dispatch and combine, forward and backward
DEFAULT_OVERHEAD = 0.1  # share of memory added for what is not modelled (as the planner)

# Bubble, in micro-batch times per step, and activations in flight, in micro-batches, per schedule.
_BUBBLE_SLOTS = {"gpipe": lambda p, v: p - 1, "1f1b": lambda p, v: p - 1, "interleaved": lambda p, v: (p - 1) / v,
                 "zb-h1": lambda p, v: (p - 1) / 3, "zb-h2": lambda p, v: 0.0, "dualpipe": lambda p, v: 0.0}


def _in_flight(schedule: str, p: int, m: int, v: int) -> float:
    if schedule == "gpipe":
        return m
    if schedule == "interleaved":
        return min(p, m) * (1 + (p - 1) / (p * v))
    if schedule == "zb-h2":
        return min(2 * p - 1, m)
    if schedule == "dualpipe":
        return min(p + 1, m)
    return min(p, m)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class ModelShape:
    """What the layout maths needs of a model. Counts, not bytes.

    expert_params: the routed experts' parameters (sharded by EP; 0 for a dense model); the rest is
    dense (attention, shared experts, routers, dense layers, embeddings). moe_layers: layers with routed
    experts. attention_width: the ``width`` of :func:`course_lib.compute.attention_flops_per_token`,
    query heads x (query/key head size + value head size) / 2 (d_model for multi-head and grouped-query
    attention). kv_width: numbers one token keeps per layer in the KV cache, what context parallelism
    all-gathers: K and V, 2 x key/value heads x head size, or for multi-head latent attention (MLA) one
    latent of kv_lora_rank plus a rotary key of qk_rope_head_dim, from which every GPU rebuilds K and V.
    """

    name: str
    n_params: float
    active_params: float
    n_layers: int
    d_model: int
    n_heads: int
    kv_width: int
    attention_width: int
    expert_params: float = 0.0
    n_experts: int = 1
    experts_per_token: int = 1
    moe_layers: int = 0
    source: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        for name in ("n_layers", "d_model", "n_heads", "kv_width", "attention_width", "n_experts", "experts_per_token"):
            _validate.positive_int(name, getattr(self, name))
        _validate.positive("n_params", self.n_params)
        _validate.positive("active_params", self.active_params)
        _validate.non_negative("expert_params", self.expert_params)
        _validate.non_negative_int("moe_layers", self.moe_layers)
        if self.expert_params >= self.n_params or self.active_params > self.n_params:
            raise ValueError(f"n_params: {self.name}'s total must exceed its experts and its active parameters")
        if (self.n_experts > 1) != (self.expert_params > 0 and self.moe_layers > 0):
            raise ValueError(f"n_experts: {self.name} needs expert_params and moe_layers exactly when n_experts > 1")

    @property
    def dense_params(self) -> float:
        """Parameters every GPU of a tensor/pipeline slice holds: all but the routed experts."""
        return self.n_params - self.expert_params


ShapeLike = models.ModelLike | ModelShape  # a preset name, a ModelConfig or a ModelShape


def model_shape(model: ShapeLike) -> ModelShape:
    """The :class:`ModelShape` of a preset name or ``ModelConfig`` (a ``ModelShape`` is returned unchanged).

    Everything comes from the config: the exact total and active counts; routed experts = MoE layers
    (layers minus the dense first ones) x experts x one expert's MLP, so shared experts, routers and the
    dense layers count as dense parameters; the KV-cache width per layer
    (:attr:`course_lib.models.ModelConfig.kv_values_per_token` / layers: 2 x n_kv_heads x head size, or
    kv_lora_rank + qk_rope_head_dim for MLA); the attention width from the query/key and value head sizes
    (:func:`course_lib.compute.attention_flops` of one key / (4 x layers); exact whenever heads x (query/key
    + value head size) is even, as in every preset).
    """
    if isinstance(model, ModelShape):
        return model
    m = models.get_model(model)
    return ModelShape(name=m.name, n_params=m.param_count(), active_params=m.active_param_count(),
                      n_layers=m.n_layers, d_model=m.d_model, n_heads=m.n_heads,
                      kv_width=m.kv_values_per_token // m.n_layers,
                      attention_width=compute.attention_flops(m, 1) // (4 * m.n_layers),
                      expert_params=m.n_moe_layers * m.n_experts * m.mlp_params_per_expert(),
                      n_experts=m.n_experts if m.n_moe_layers else 1,
                      experts_per_token=m.experts_per_token if m.n_moe_layers else 1, moe_layers=m.n_moe_layers,
                      source=m.source)


# Most GPUs (and the largest degree of any one parallelism) a layout may use: far beyond any cluster built.
MAX_DEGREE = 2**20


@dataclass(frozen=True)
class Layout:
    """How one training step is split: degrees, ZeRO stage, micro-batch and pipeline schedule.

    micro_batch: sequences per micro-batch per pipeline. virtual_stages: layer chunks per GPU of the
    interleaved schedule (1 otherwise). recompute: "none", "selective" or "full" activation
    recomputation (checkpointing).
    """

    tp: int = 1
    pp: int = 1
    dp: int = 1
    cp: int = 1
    ep: int = 1
    zero_stage: int = 1
    micro_batch: int = 1
    schedule: str = "1f1b"
    virtual_stages: int = 1
    recompute: str = "selective"
    sequence_parallel: bool = True

    def __post_init__(self) -> None:
        canonical: dict[str, Any] = {name: _validate.positive_int(name, getattr(self, name), MAX_DEGREE)
                                     for name in ("tp", "pp", "dp", "cp", "ep", "micro_batch", "virtual_stages")}
        canonical["zero_stage"] = _validate.zero_stage("zero_stage", self.zero_stage)
        canonical["schedule"] = _validate.choice("schedule", self.schedule, SCHEDULES)
        canonical["recompute"] = _validate.choice("recompute", self.recompute, RECOMPUTE)
        canonical["sequence_parallel"] = _validate.flag("sequence_parallel", self.sequence_parallel)
        for name, value in canonical.items():  # stored in canonical form: schedule="1F1B" -> "1f1b", tp=8.0 -> 8
            object.__setattr__(self, name, value)
        if self.n_gpus > MAX_DEGREE:
            raise ValueError(f"tp: tp x cp x pp x dp = {self.n_gpus:,} GPUs; at most {MAX_DEGREE:,} are modelled")
        if self.dp % self.ep:
            raise ValueError(f"ep: expert parallelism ({self.ep}) must divide data parallelism ({self.dp})")
        if (self.schedule == "interleaved") != (self.virtual_stages > 1):
            raise ValueError("virtual_stages: the interleaved schedule needs 2 or more chunks per GPU, "
                             f"the others 1; got {self.virtual_stages} with {self.schedule}")

    @property
    def n_gpus(self) -> int:
        """tp x cp x pp x dp."""
        return self.tp * self.cp * self.pp * self.dp

    @property
    def label(self) -> str:
        """Short name: "TP8 PP16 DP128 ZeRO-1 mb1 1f1b"."""
        parts = [f"TP{self.tp}", f"PP{self.pp}", f"DP{self.dp}"]
        parts += [f"CP{self.cp}"] if self.cp > 1 else []
        parts += [f"EP{self.ep}"] if self.ep > 1 else []
        schedule = f"{self.schedule} v{self.virtual_stages}" if self.virtual_stages > 1 else self.schedule
        return " ".join(parts + [f"ZeRO-{self.zero_stage}", f"mb{self.micro_batch}", schedule, self.recompute])


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MemoryPerGPU:
    """Bytes per GPU on the busiest pipeline stage; ``capacity`` is the GPU's memory (datasheet GB)."""

    weights: float
    gradients: float
    optimizer_states: float
    activations: float
    overhead: float
    total: float
    capacity: float

    @property
    def fits(self) -> bool:
        return self.total <= self.capacity


@dataclass(frozen=True)
class StepTime:
    """Seconds per training step, by part; ``total`` = compute + bubble + tensor_parallel +
    context_parallel + pipeline_sends + (data_parallel - data_parallel_hidden) + (expert_parallel -
    expert_parallel_hidden)."""

    compute: float
    bubble: float
    tensor_parallel: float
    context_parallel: float
    pipeline_sends: float
    data_parallel: float
    data_parallel_hidden: float
    expert_parallel: float
    expert_parallel_hidden: float
    total: float


@dataclass(frozen=True)
class LayoutResult:
    """One layout of ``model`` on ``n_nodes`` nodes of ``system``: memory, time, throughput, MFU.

    microbatches: per pipeline per step (gradient accumulation steps). mfu: model FLOP per step /
    (GPUs x dense peak x step time). notes: where each group sits (inside a node or across the network).
    """

    model: str
    system: str
    layout: Layout
    seq_len: int
    global_batch: int
    n_gpus: int
    n_nodes: int
    microbatches: int
    memory: MemoryPerGPU
    time: StepTime
    tokens_per_step: int
    tokens_per_second: float
    model_flops_per_step: float
    mfu: float
    notes: tuple[str, ...]

    @property
    def fits(self) -> bool:
        return self.memory.fits


# --------------------------------------------------------------------------- the calculation


@lru_cache(maxsize=64)
def _activation_model(shape: ModelShape) -> models.ModelConfig:
    """A stand-in ModelConfig with the shape's layers, width and heads: all that
    :func:`course_lib.memory.activation_bytes` reads (its other fields do not enter the formula)."""
    return models.ModelConfig(f"{shape.name} (attention shape)", vocab_size=1, d_model=shape.d_model,
                              n_layers=shape.n_layers, n_heads=shape.n_heads, n_kv_heads=shape.n_heads,
                              d_ff=4 * shape.d_model, gated_mlp=False, tied_embeddings=True,
                              learned_positions=False, max_seq_len=1)


@lru_cache(maxsize=4096)
def _activations(shape: ModelShape, local_seq: int, micro_batch: int, recompute: str, tp: int, sp: bool) -> float:
    """:func:`course_lib.memory.activation_bytes` of one micro-batch, all layers (cached: the search asks often).

    The output logits are left out: they live only on the last pipeline stage and the stand-in model has no
    vocabulary (a stage's share of the layers is what the layout multiplies)."""
    return memory.activation_bytes(_activation_model(shape), local_seq, micro_batch, recompute, tp, sp,
                                   include_logits=False)


@lru_cache(maxsize=4096)
def _state(params: float, zero_stage: int, replicas: int) -> tuple[float, float, float]:
    """(weights, gradients, optimizer_states) bytes of :func:`course_lib.memory.training_memory` (cached)."""
    parts = memory.training_memory(params, zero_stage=zero_stage, n_gpus=replicas)
    return parts["weights"], parts["gradients"], parts["optimizer_states"]


@lru_cache(maxsize=16384)
def _collective(op: str, n_bytes: float, system: topology.System, size: int, per: int) -> topology.CollectiveTime:
    """:func:`course_lib.topology.collective_time` (hierarchical), cached: layouts repeat the same collectives."""
    return topology.collective_time(op, n_bytes, system, size, per)


def _per_domain(inner: int, degree: int, domain: int) -> int:
    """Members of a group that share one link domain when ``inner`` GPUs separate consecutive members."""
    if inner >= domain:
        return 1
    g = min(degree, domain // inner)
    while degree % g:
        g -= 1
    return g


def _check(shape: ModelShape, system: topology.System, layout: Layout, seq_len: int, global_batch: int) -> None:
    """ValueError, naming the parameter, for a layout that cannot be run at all (memory aside)."""
    n = layout.n_gpus
    if shape.n_heads % layout.tp or shape.d_model % layout.tp:
        raise ValueError(f"tp: {layout.tp} must divide the {shape.n_heads} attention heads of {shape.name}")
    if layout.pp > shape.n_layers or layout.pp * layout.virtual_stages > shape.n_layers:
        raise ValueError(f"pp: {layout.pp} stages x {layout.virtual_stages} chunk(s) exceed the {shape.n_layers} "
                         f"layers of {shape.name}")
    if seq_len % layout.cp:
        raise ValueError(f"cp: {layout.cp} must divide the sequence length ({seq_len})")
    if layout.ep > 1 and (shape.n_experts == 1 or shape.n_experts % layout.ep):
        raise ValueError(f"ep: {layout.ep} must divide the number of experts ({shape.n_experts}) of {shape.name}")
    if global_batch % (layout.dp * layout.micro_batch):
        raise ValueError(f"global_batch: {global_batch} sequences must split into dp ({layout.dp}) x micro_batch "
                         f"({layout.micro_batch}) evenly")
    m = global_batch // (layout.dp * layout.micro_batch)
    if layout.schedule == "interleaved" and m % layout.pp:
        raise ValueError(f"global_batch: the interleaved schedule needs the {m} micro-batches per pipeline to be a "
                         f"multiple of pp ({layout.pp})")
    if n > system.gpus_per_node and n % system.gpus_per_node:
        raise ValueError(f"layout: {n} GPUs do not fill whole {system.gpus_per_node}-GPU nodes of {system.name}")
    topology.nodes_for(n, system)  # refuses clusters of systems that are never clustered


def _evaluate(shape: ModelShape, system: topology.System, gpu: hardware.GPU, layout: Layout, seq_len: int,
              global_batch: int, compute_efficiency: float, dp_overlap: float, ep_overlap: float, precision: str,
              overhead_fraction: float) -> LayoutResult:
    """The calculation, on checked inputs (see the module docstring for every term)."""
    tp, pp, dp, cp, ep, v = layout.tp, layout.pp, layout.dp, layout.cp, layout.ep, layout.virtual_stages
    n = layout.n_gpus
    domain = system.domain_size
    m = global_batch // (dp * layout.micro_batch)
    tokens = global_batch * seq_len
    layers_on_stage = math.ceil(shape.n_layers / pp)
    imbalance = layers_on_stage * pp / shape.n_layers  # the busiest stage sets the pace
    local_seq = seq_len // cp

    # memory: the busiest stage's share of the parameters, sharded by TP (and EP for experts), ZeRO over replicas
    dense = shape.dense_params * imbalance / (tp * pp)
    replicas = dp * cp
    weights, grads, states = _state(dense, layout.zero_stage, replicas)
    if shape.expert_params:
        experts = _state(shape.expert_params * imbalance / (tp * pp * ep), layout.zero_stage, max(replicas // ep, 1))
        weights, grads, states = weights + experts[0], grads + experts[1], states + experts[2]
    weights *= 2 if layout.schedule == "dualpipe" else 1  # DualPipe keeps two copies of the weights
    one_microbatch = _activations(shape, local_seq, layout.micro_batch, layout.recompute, tp,
                                  layout.sequence_parallel and tp > 1)
    activations = one_microbatch * layers_on_stage / shape.n_layers * _in_flight(layout.schedule, pp, m, v)
    subtotal = weights + grads + states + activations
    mem = MemoryPerGPU(weights, grads, states, activations, overhead_fraction * subtotal,
                       (1 + overhead_fraction) * subtotal, gpu.memory_bytes)

    # compute: model FLOP (6 N D + causal attention) plus recomputation, at compute_efficiency x peak
    attention_forward = compute.attention_flops_per_token(shape.n_layers, seq_len / 2, shape.attention_width) * tokens
    model_flops = compute.training_flops(shape.active_params, tokens) + 3 * attention_forward
    extra = {"none": 0.0, "selective": attention_forward, "full": model_flops / 3}[layout.recompute]
    compute_s = (model_flops + extra) * imbalance / (n * gpu.peak_flops(precision) * compute_efficiency)

    # tensor parallel: all-reduces of the layer's activations, per layer on the stage and micro-batch
    notes = []
    act_bytes = local_seq * layout.micro_batch * shape.d_model * ACTIVATION_BYTES
    tp_s = 0.0
    if tp > 1:
        per = _per_domain(1, tp, domain)
        one = _collective("all-reduce", act_bytes, system, tp, per)
        count = parallel.TP_ALLREDUCES_PER_LAYER + (TP_EXTRA_WITH_FULL_RECOMPUTE if layout.recompute == "full" else 0)
        tp_s = layers_on_stage * m * count * one.seconds
        notes.append(f"TP {tp}: {one.group.note}")
    cp_s = 0.0
    if cp > 1:  # forward all-gather of K and V (MLA: their latent), backward reduce-scatter of the gradients
        per = _per_domain(tp, cp, domain)
        kv_bytes = seq_len * layout.micro_batch * shape.kv_width * ACTIVATION_BYTES
        gather = _collective("all-gather", kv_bytes, system, cp, per)
        scatter = _collective("reduce-scatter", kv_bytes, system, cp, per)
        gathers = 2 if layout.recompute == "full" else 1
        cp_s = layers_on_stage * m * (gathers * gather.seconds + scatter.seconds)
        notes.append(f"CP {cp}: {gather.group.note}")
    pp_s = 0.0
    if pp > 1:  # one activation forward and one gradient backward per micro-batch and chunk boundary
        link = system.link_inside() if n <= domain else system.network()  # the slowest stage boundary sets the pace
        pp_s = 2 * m * v * act_bytes / (link.bandwidth_gbs * 1e9)
        notes.append(f"PP {pp}: stages talk over {link.name}")
    per_microbatch = (compute_s + tp_s + cp_s) / m
    bubble_s = _BUBBLE_SLOTS[layout.schedule](pp, v) * per_microbatch

    # data parallel: gradients (and ZeRO-3's weight gathers) over the dp x cp replicas
    dp_s = 0.0
    groups = [(shape.dense_params * imbalance / (tp * pp), replicas, _per_domain(tp, replicas, domain))]
    if shape.expert_params and replicas // ep > 1:
        groups.append((shape.expert_params * imbalance / (tp * pp * ep), replicas // ep,
                       _per_domain(tp * ep, replicas // ep, domain)))
    for params, size, per in groups:
        if size == 1:
            continue
        grad_bytes = params * ACTIVATION_BYTES
        if layout.zero_stage == 3:
            gather_s = _collective("all-gather", grad_bytes, system, size, per).seconds
            scatter_s = _collective("reduce-scatter", grad_bytes, system, size, per).seconds
            dp_s += m * (2 * gather_s + scatter_s)
        else:
            dp_s += _collective("all-reduce", grad_bytes, system, size, per).seconds
    if replicas > 1:
        notes.append(f"DP {replicas}: " + _collective("all-reduce", 1.0, system, replicas,
                                                       _per_domain(tp, replicas, domain)).group.note)
    dp_hidden = parallel.hidden_behind_backward(dp_s, compute_s, dp_overlap)

    # expert parallel: all-to-alls of the routed tokens, per MoE layer on the stage and micro-batch
    ep_s = 0.0
    if ep > 1:
        per = _per_domain(tp * cp, ep, domain)
        send = local_seq * layout.micro_batch * shape.experts_per_token * shape.d_model * ACTIVATION_BYTES
        one = _collective("all-to-all", send, system, ep, per)
        count = EP_ALLTOALLS_PER_LAYER + (2 if layout.recompute == "full" else 0)
        ep_s = shape.moe_layers * layers_on_stage / shape.n_layers * m * count * one.seconds
        notes.append(f"EP {ep}: {one.group.note}")
    ep_hidden = min(ep_overlap * ep_s, compute_s)

    total = compute_s + bubble_s + tp_s + cp_s + pp_s + dp_s - dp_hidden + ep_s - ep_hidden
    time = StepTime(compute_s, bubble_s, tp_s, cp_s, pp_s, dp_s, dp_hidden, ep_s, ep_hidden, total)
    return LayoutResult(model=shape.name, system=system.name, layout=layout, seq_len=seq_len,
                        global_batch=global_batch, n_gpus=n, n_nodes=topology.nodes_for(n, system), microbatches=m,
                        memory=mem, time=time, tokens_per_step=tokens, tokens_per_second=tokens / total,
                        model_flops_per_step=model_flops,
                        mfu=model_flops / (n * gpu.peak_flops(precision) * total), notes=tuple(notes))


@dataclass(frozen=True)
class _Settings:
    compute_efficiency: float
    dp_overlap: float
    ep_overlap: float
    precision: str
    overhead_fraction: float


def _settings(compute_efficiency: float, dp_overlap: float, ep_overlap: float, precision: str,
              overhead_fraction: float, gpu: hardware.GPU) -> _Settings:
    s = _Settings(_validate.fraction("compute_efficiency", compute_efficiency),
                  _validate.fraction("dp_overlap", dp_overlap, allow_zero=True),
                  _validate.fraction("ep_overlap", ep_overlap, allow_zero=True),
                  _validate.choice("precision", precision, hardware.PRECISIONS),
                  _validate.non_negative("overhead_fraction", overhead_fraction))
    gpu.peak_flops(s.precision)  # ValueError naming precision if the GPU lacks that rate
    return s


def evaluate(model: ShapeLike, system: str | topology.System, layout: Layout, seq_len: int, global_batch: int, *, compute_efficiency: float = 0.6,
             dp_overlap: float = 0.5, ep_overlap: float = 0.0, precision: str = "bf16",
             overhead_fraction: float = DEFAULT_OVERHEAD) -> LayoutResult:
    """Memory per GPU and time per step of ``layout`` training ``model`` on ``system``.

    ``model``: a preset name, ``ModelConfig`` or :class:`ModelShape`; ``system``: a
    :mod:`course_lib.topology` name or System; ``seq_len`` tokens per sequence; ``global_batch``
    sequences per step. ``compute_efficiency``: fraction of the dense ``precision`` peak the GPUs reach
    while computing (an assumption: state it). ``dp_overlap``: share of the DP communication that may
    run during the backward pass; ``ep_overlap``: share of the EP all-to-alls hidden behind compute.
    ValueError, naming the parameter, for a layout that cannot run (a TP degree that does not divide the
    heads, GPUs that do not fill whole nodes, a cluster of a system that is never clustered, ...); a
    layout that runs out of memory is returned with ``fits`` False.
    """
    shape = model_shape(model)
    sys_ = topology.get_system(system)
    if not isinstance(layout, Layout):
        raise TypeError(f"layout must be a layouts.Layout, got {type(layout).__name__}")
    seq_len = _validate.positive_int("seq_len", seq_len)
    global_batch = _validate.positive_int("global_batch", global_batch)
    gpu = sys_.gpu_spec()
    s = _settings(compute_efficiency, dp_overlap, ep_overlap, precision, overhead_fraction, gpu)
    _check(shape, sys_, layout, seq_len, global_batch)
    return _evaluate(shape, sys_, gpu, layout, seq_len, global_batch, s.compute_efficiency, s.dp_overlap,
                     s.ep_overlap, s.precision, s.overhead_fraction)


# --------------------------------------------------------------------------- plain data parallelism on a system


class SystemSpeedup(parallel.DataParallelSpeedup):
    """:func:`course_lib.parallel.data_parallel_speedup`'s result plus ``note``: where the all-reduce runs."""

    note: str


def dp_speedup(model: models.ModelLike, system: str | topology.System, n_gpus: int, tokens_per_gpu: int, mfu: float,
               overlap: float = 0.0) -> SystemSpeedup:
    """Notebook 07's data-parallel model on a real system: :func:`course_lib.parallel.data_parallel_speedup`
    of ``n_gpus`` GPUs of ``system`` (its GPU, every GPU holding the whole model), with the bf16 gradient
    all-reduce timed on the system's links (:func:`course_lib.topology.collective_time`; passed on as its bus
    bandwidth so that the two agree). Adds ``note``: where the all-reduce runs."""
    s = topology.get_system(system)
    m = models.get_model(model)
    n = _validate.positive_int("n_gpus", n_gpus)
    t = topology.collective_time("all-reduce", memory.weights_bytes(m.param_count(), "bf16"), s, n)
    bandwidth = t.bus_bandwidth_gbs if n > 1 else 1.0  # one GPU sends nothing: any bandwidth gives 0 s
    result = parallel.data_parallel_speedup(m, s.gpu, bandwidth, n, tokens_per_gpu, mfu, overlap)
    return SystemSpeedup(**result, note=t.group.note)


# --------------------------------------------------------------------------- the search


@dataclass(frozen=True)
class SearchResult:
    """Feasible layouts (they fit in memory), fastest first (at most ``limit``), and how many candidates were
    dropped: n_candidates = n_feasible + n_out_of_memory + n_invalid."""

    feasible: tuple[LayoutResult, ...]
    n_candidates: int
    n_out_of_memory: int
    n_invalid: int
    n_feasible: int  # before ``limit``

    @property
    def best(self) -> LayoutResult | None:
        return self.feasible[0] if self.feasible else None


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def search(model: ShapeLike, system: str | topology.System, n_gpus: int, seq_len: int, global_batch: int, *,
           schedule: str = "1f1b", zero_stages: Sequence[int] = (1, 3), micro_batches: Sequence[int] = (1, 2, 4),
           recompute: Sequence[str] = ("selective", "full"), context_parallel: Sequence[int] = (1,),
           max_tp: int | None = None, compute_efficiency: float = 0.6, dp_overlap: float = 0.5,
           ep_overlap: float = 0.0, precision: str = "bf16", overhead_fraction: float = DEFAULT_OVERHEAD,
           limit: int | None = None) -> SearchResult:
    """Every layout of ``n_gpus`` GPUs of ``system`` for ``model``, the feasible ones ranked by step time.

    Tried: TP over the divisors of n_gpus that divide the heads (up to ``max_tp``, default the system's
    link domain: TP across the network is legal but never wins), PP over the divisors that fit the
    layers, each CP in ``context_parallel``, DP = the rest; EP over the divisors of DP that divide the
    experts (MoE models); each ZeRO stage, micro-batch and recomputation mode given; the interleaved
    schedule with 2 chunks per GPU. Candidates that cannot run are counted in ``n_invalid``, those that
    do not fit in ``n_out_of_memory``. ``limit`` keeps only the fastest ones. Other parameters as
    :func:`evaluate`.
    """
    shape = model_shape(model)
    sys_ = topology.get_system(system)
    n = _validate.positive_int("n_gpus", n_gpus)
    seq_len = _validate.positive_int("seq_len", seq_len)
    global_batch = _validate.positive_int("global_batch", global_batch)
    schedule = _validate.choice("schedule", schedule, SCHEDULES)
    stages = [_validate.non_negative_int("zero_stages", z) for z in zero_stages]
    batches = [_validate.positive_int("micro_batches", b) for b in micro_batches]
    modes = [_validate.choice("recompute", r, RECOMPUTE) for r in recompute]
    cps = [_validate.positive_int("context_parallel", c) for c in context_parallel]
    max_tp = sys_.domain_size if max_tp is None else _validate.positive_int("max_tp", max_tp)
    if not stages or not batches or not modes or not cps:
        raise ValueError("zero_stages: give at least one ZeRO stage, micro-batch size, recomputation mode and CP degree")
    gpu = sys_.gpu_spec()
    s = _settings(compute_efficiency, dp_overlap, ep_overlap, precision, overhead_fraction, gpu)
    topology.nodes_for(n, sys_)
    if n > sys_.gpus_per_node and n % sys_.gpus_per_node:
        raise ValueError(f"n_gpus: {n} GPUs do not fill whole {sys_.gpus_per_node}-GPU nodes of {sys_.name}")
    v = 2 if schedule == "interleaved" else 1
    results, n_candidates, n_oom, n_invalid = [], 0, 0, 0
    for tp in (d for d in _divisors(n) if d <= max_tp and shape.n_heads % d == 0):
        for pp in (d for d in _divisors(n // tp) if d * v <= shape.n_layers):
            for cp in (c for c in cps if (n // (tp * pp)) % c == 0):
                dp = n // (tp * pp * cp)
                eps = [e for e in _divisors(dp) if shape.n_experts % e == 0] if shape.n_experts > 1 else [1]
                for ep in eps:
                    for zero in (stages if dp * cp > 1 else stages[:1]):  # ZeRO needs replicas to shard over
                        for mb in batches:
                            for mode in modes:
                                n_candidates += 1
                                try:
                                    layout = Layout(tp=tp, pp=pp, dp=dp, cp=cp, ep=ep, zero_stage=zero, micro_batch=mb,
                                                    schedule=schedule, virtual_stages=v, recompute=mode)
                                    _check(shape, sys_, layout, seq_len, global_batch)
                                except ValueError:
                                    n_invalid += 1
                                    continue
                                result = _evaluate(shape, sys_, gpu, layout, seq_len, global_batch,
                                                   s.compute_efficiency, s.dp_overlap, s.ep_overlap, s.precision,
                                                   s.overhead_fraction)
                                if result.fits:
                                    results.append(result)
                                else:
                                    n_oom += 1
    results.sort(key=lambda r: (r.time.total, r.memory.total))
    n_feasible = len(results)
    if limit is not None:
        results = results[:_validate.positive_int("limit", limit)]
    return SearchResult(tuple(results), n_candidates, n_oom, n_invalid, n_feasible)
