"""Choosing hardware: which catalog GPUs can run a job, how many, how long, how much energy and money.

A job is one typed, validated :class:`Job` (task, model, precision, tokens or traffic, deadline,
assumptions), shared by the notebooks, the widgets and the exercise checks. Prices are not part
of the job: :func:`plan` and :func:`rank_hardware` take a price per GPU-hour for the GPUs that
have one (from :mod:`course_lib.prices` or typed by the learner); GPUs without a price are left
out of a cost ranking and named.

Tasks:

* ``"pretrain"`` and ``"finetune"``: full training, 6 N D FLOP (N = parameters a token uses) with
  mixed-precision Adam state sharded by ZeRO stage 3 over data-parallel GPUs
  (:func:`course_lib.memory.fit_report`, Rajbhandari et al. 2020). They differ only in the tokens.
* ``"lora"``: a weights-frozen approximation of LoRA-style fine-tuning (Hu et al. 2021,
  arXiv:2106.09685): the frozen weights in the compute precision's dtype, sharded over the GPUs,
  plus the activations (:func:`course_lib.memory.weights_bytes`,
  :func:`course_lib.memory.activation_bytes`); the adapters and their optimizer state are ignored
  (the paper trains 4.7M or 37.7M of GPT-3's 175B parameters, Table 4). The paper's own memory
  figure matches: training GPT-3 175B took 350 GB of VRAM with LoRA instead of 1.2 TB (Section
  4.2), i.e. 2 bytes per weight. FLOP = 4 N D: the forward pass (2 N D) and the backward pass
  through the activations (2 N D), but no weight gradients (the other 2 N D). That is an ideal
  1.5x over 6 N D; the LoRA paper measured 43.1 vs 32.5 tokens/s per V100 on GPT-3 175B
  (Section 4.2, footnote 5: 1.33x), so 4 N D times are optimistic: (4/6) x 1.326 = 0.88 of the
  measured time, about 12 % too short.
* ``"serve"``: decode steps on the roofline from :mod:`course_lib.serving` (the memory-bandwidth and
  compute bounds of one step, the tensor-parallel all-reduces added), every weight and the
  computation in the job's precision. The weights are split by
  tensor parallelism over a group whose size divides the attention-head count (vLLM refuses
  other sizes: "Total number of attention heads must be divisible by tensor parallel size",
  ``ModelConfig.verify_with_parallel_config``) and that stays inside one link domain of the system
  (8 GPUs of an HGX server, 256 chips of a TPU v5e pod): tensor parallelism exchanges activations
  in every layer and is not run over the network. Of the allowed sizes, the one needing the fewest
  GPUs in all is chosen (a bigger group holds more KV cache, so a bigger batch); groups are
  replicated to carry the traffic. The KV heads are split over the group, and replicated when the
  group is larger than their number (e.g. 16 chips for Llama-2 70B's 8), as vLLM does
  (:func:`course_lib.serving.kv_bytes_per_gpu`). Prefill (reading the prompts) is not counted.

Physical systems (:mod:`course_lib.topology`, ``data/systems.json``): each GPU runs in its
reference system (:func:`course_lib.topology.reference_system`: the first listed, an 8-GPU server where
one exists). A job needing more GPUs than one node takes whole nodes (79 H100s -> 10 nodes of 8 =
80); within one node, a slice whose size divides the node (1, 2, 4 or 8 of an 8-GPU server, as
clouds rent them).
Systems that are never clustered (an edge module, a workstation) stop at one node for training; a
GPU with no system in the data is planned as a single card. Serving copies are independent (a load
balancer spreads the requests), so they may sit in separate nodes or cards, except on edge modules.

Times assume perfect scaling: ``mfu`` (training) or ``decode_efficiency`` (serving) is the
fraction of the bound reached, the same on 1 or 1,000 GPUs. Energy is every board at its TDP
(:func:`course_lib.compute.energy_kwh`), None where no TDP is published (TPU v5e).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
from numpy.typing import ArrayLike

from course_lib import _validate, compute, hardware, memory, models, serving, topology, units

TASKS = ("pretrain", "finetune", "lora", "serve")
TRAINING_TASKS = ("pretrain", "finetune", "lora")
RANK_BY = ("time", "energy", "cost")
PRECISIONS = ("bf16", "fp16", "fp8")  # compute precisions the planner offers (weights in this dtype when serving)
DAYS_PER_MONTH = units.SECONDS_PER_YEAR / 12 / units.SECONDS_PER_DAY  # 30.44 days
MAX_GPUS = 2**24  # a job needing more GPUs than this "does not fit" (the largest clusters hold ~1e5)
DEFAULT_OVERHEAD = 0.1  # memory on top for the CUDA context, workspace and fragmentation
DEFAULT_MFU = 0.4
DEFAULT_DECODE_EFFICIENCY = 0.4
ZERO_STAGE = 3  # full training shards weights, gradients and optimizer state (ZeRO-3 / FSDP)
# Upper bounds that keep every number finite (a learner typing 1e300 gets a message, not "inf").
_LIMITS = {"n_tokens": 1e16, "deadline_days": 36_525.0, "requests_per_s": 1e9, "tokens_per_request": 1e6,
           "serve_days": 36_525.0, "budget_usd": 1e15, "batch": 1e6}


def _at_most(name: str, value: float) -> float:
    if value > _LIMITS[name]:
        raise ValueError(f"{name} must be at most {_LIMITS[name]:g}, got {value!r}")
    return value


@dataclass(frozen=True)
class Job:
    """What to run; every field is validated when the job is made, whatever the task.

    task: "pretrain", "finetune", "lora" or "serve". model: a preset name or ModelConfig (stored
    resolved). precision: the compute rate (bf16, fp16, fp8; also the weights' dtype for lora and
    serve). Training: ``n_tokens`` (required), ``deadline_days`` (GPUs are added until the run
    fits; None = the memory minimum), ``mfu``, ``batch`` sequences of ``seq_len`` tokens per GPU,
    ``checkpointing``. Serving: ``requests_per_s`` x ``tokens_per_request`` output tokens per
    second for ``serve_days``, ``decode_efficiency`` (fraction of the decode bound reached),
    contexts of ``seq_len`` tokens. Both: ``overhead_fraction`` of memory on top, ``pue`` on the
    energy, optional ``budget_usd``.
    """

    task: str
    model: models.ModelLike
    precision: str = "bf16"
    n_tokens: float | None = None
    deadline_days: float | None = None
    mfu: float = DEFAULT_MFU
    requests_per_s: float = 1.0
    tokens_per_request: int = 500
    serve_days: float = 30.0
    decode_efficiency: float = DEFAULT_DECODE_EFFICIENCY
    seq_len: int = 2048
    batch: int = 1
    checkpointing: str = "full"
    overhead_fraction: float = DEFAULT_OVERHEAD
    pue: float = 1.0
    budget_usd: float | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("task", _validate.choice("task", self.task, TASKS))
        put("model", models.get_model(self.model))
        put("precision", _validate.choice("precision", self.precision, PRECISIONS))
        if self.n_tokens is None:
            if self.task in TRAINING_TASKS:
                raise ValueError(f"n_tokens: give the number of training tokens for task {self.task!r}")
        else:
            put("n_tokens", _at_most("n_tokens", _validate.positive("n_tokens", self.n_tokens)))
        if self.deadline_days is not None:
            put("deadline_days", _at_most("deadline_days", _validate.positive("deadline_days", self.deadline_days)))
        put("mfu", _validate.fraction("mfu", self.mfu))
        put("requests_per_s", _at_most("requests_per_s", _validate.positive("requests_per_s", self.requests_per_s)))
        put("tokens_per_request", int(_at_most("tokens_per_request",
                                               _validate.positive_int("tokens_per_request", self.tokens_per_request))))
        put("serve_days", _at_most("serve_days", _validate.positive("serve_days", self.serve_days)))
        put("decode_efficiency", _validate.fraction("decode_efficiency", self.decode_efficiency))
        seq_len = _validate.positive_int("seq_len", self.seq_len)
        if seq_len > self.config.max_seq_len:
            raise ValueError(f"seq_len: {self.config.name} handles at most {self.config.max_seq_len:,} tokens, "
                             f"got {seq_len:,}")
        put("seq_len", seq_len)
        put("batch", int(_at_most("batch", _validate.positive_int("batch", self.batch))))
        put("checkpointing", _validate.choice("checkpointing", self.checkpointing, memory.CHECKPOINTING))
        put("overhead_fraction", _validate.non_negative("overhead_fraction", self.overhead_fraction))
        put("pue", _validate.pue("pue", self.pue))
        if self.budget_usd is not None:
            put("budget_usd", _at_most("budget_usd", _validate.non_negative("budget_usd", self.budget_usd)))

    @property
    def config(self) -> models.ModelConfig:
        """The model as a :class:`~course_lib.models.ModelConfig` (``model`` is stored resolved)."""
        return models.get_model(self.model)

    @property
    def training(self) -> bool:
        """True for the training tasks (pretrain, finetune, lora)."""
        return self.task in TRAINING_TASKS

    @property
    def flops(self) -> float | None:
        """Training FLOP of the job (:func:`task_flops`); None when serving."""
        return task_flops(self) if self.training else None

    @property
    def traffic_tokens_per_s(self) -> float:
        """Output tokens per second to serve: requests_per_s x tokens_per_request."""
        return self.requests_per_s * self.tokens_per_request


def assumptions(job: Job) -> list[str]:
    """The planner's assumptions for ``job``, as sentences built from its fields and the module's constants."""
    job = _job(job)
    common = [f"memory per GPU includes {job.overhead_fraction:.0%} on top for the CUDA context, workspace and "
              "fragmentation",
              "GPUs come in their systems: whole nodes beyond one node (8-GPU servers), a slice of 1, 2, 4 or 8 "
              "within one; edge modules and workstations are never clustered"]
    if job.task == "serve":
        return common + [
            "the weights are split by tensor parallelism over a group inside one link domain of the system (8 GPUs of "
            "an HGX server) whose size divides the attention heads; copies of a group are added to carry the traffic",
            f"every sequence holds {job.seq_len:,} tokens of context; prefill (reading the prompts) is not counted",
            f"decoding reaches {job.decode_efficiency:.0%} of the memory-bandwidth bound",
        ]
    state = ("frozen weights sharded over the GPUs, no optimizer state (LoRA-style)" if job.task == "lora" else
             f"weights, gradients and Adam state sharded by ZeRO stage {ZERO_STAGE}")
    return common + [
        state,
        f"{job.batch} sequence(s) of {job.seq_len:,} tokens per GPU, activation checkpointing: {job.checkpointing}",
        f"{job.mfu:.0%} MFU on any number of GPUs (perfect scaling)",
        "GPUs are added until the run meets the deadline" if job.deadline_days else
        "no deadline: the fewest GPUs that hold the job",
    ]


@dataclass(frozen=True)
class Plan:
    """One catalog GPU's answer to a job (units in the names; None where it does not apply or fit).

    fits: the job fits (memory at some GPU count, the precision exists, the system can be built that large).
    note: why it does not fit, or a caveat (e.g. PCIe inside the node), shown as text.
    system: the system the GPUs come in (:func:`course_lib.topology.reference_system`; None for a GPU planned as a
        single card).
    nodes: whole nodes of that system (1 for a slice of one node). link: the links used, in words.
    n_gpus: GPUs to rent or buy (memory minimum, raised to meet a deadline or carry the traffic, then
        rounded to what the system sells: whole nodes, or a slice of one).
    min_gpus: the memory minimum (ZeRO-3 ranks for training; smallest tensor-parallel group for serving).
    memory_per_gpu_bytes: bytes each GPU needs at ``n_gpus`` (serving: at the planned batch).
    seconds: wall-clock seconds of the job (training run, or the serving period).
    time_s: the ranking time: training run seconds; serving, seconds to generate one response of
        ``tokens_per_request`` tokens at the planned batch (what each user waits).
    gpu_hours, usd, kwh: for the whole job (``usd`` None without a price, ``kwh`` without a TDP).
    usd_per_gpu_hour: the price used (None without one).
    within_budget: usd <= budget (None without a budget or a price).
    group, batch, tokens_per_s, usd_per_million_tokens: serving only: GPUs per copy of the model
        (the tensor-parallel size), sequences per copy, output tokens per second all GPUs produce,
        and the cost per million generated tokens.
    """

    gpu: str
    task: str
    fits: bool
    note: str = ""
    system: str | None = None
    nodes: int | None = None
    link: str = ""
    n_gpus: int | None = None
    min_gpus: int | None = None
    memory_per_gpu_bytes: float | None = None
    seconds: float | None = None
    time_s: float | None = None
    gpu_hours: float | None = None
    usd: float | None = None
    usd_per_gpu_hour: float | None = None
    kwh: float | None = None
    within_budget: bool | None = None
    group: int | None = None
    batch: int | None = None
    tokens_per_s: float | None = None
    usd_per_million_tokens: float | None = None


@dataclass(frozen=True)
class Ranking:
    """Plans ranked by one quantity ("time", "energy" or "cost"), best first.

    ranked: plans that fit and have the quantity. left_out: plans that fit but lack it (no price;
    no published TDP), in catalog order. not_fitting: plans that do not fit, in catalog order.
    """

    rank_by: str
    ranked: tuple[Plan, ...]
    left_out: tuple[Plan, ...] = ()
    not_fitting: tuple[Plan, ...] = ()
    plans: tuple[Plan, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plans", self.ranked + self.left_out + self.not_fitting)

    def left_out_reason(self) -> str:
        """Why ``left_out`` plans are not ranked: no price, or no published TDP."""
        return {"cost": "no price (none in the snapshot and none typed)",
                "energy": "no published TDP"}.get(self.rank_by, "")


class ReplicaThroughput(TypedDict):
    """One serving copy (:func:`replica_throughput`): the planned ``batch``, output tokens/s of all its sequences,
    of a lone sequence at batch 1, and whether the step is "memory"- or "compute"-bound."""

    batch: int
    tokens_per_s: float
    single_tokens_per_s: float
    bound: str


# --------------------------------------------------------------------------- small pieces


def _job(job: object) -> Job:
    if not isinstance(job, Job):
        raise TypeError(f"job must be a planner.Job, got {type(job).__name__}")
    return job


def _smallest(fits: Callable[[int], bool], estimate: float, limit: int = MAX_GPUS) -> int | None:
    """Smallest n in [1, limit] with fits(n) (fits monotone in n), starting near ``estimate``; None if none."""
    n = min(max(1, math.ceil(estimate)) if math.isfinite(estimate) else limit, limit)
    while n > 1 and fits(n - 1):  # the estimate's rounding may overshoot ...
        n -= 1
    while not fits(n):  # ... or undershoot
        if n >= limit:
            return None
        n += 1
    return n


def _n_gpus(value: Any) -> int:
    n = _validate.positive_int("n_gpus", value)
    if n > MAX_GPUS:
        raise ValueError(f"n_gpus must be at most {MAX_GPUS:,}, got {value!r}")
    return n


def task_flops(job: Job) -> float:
    """Training FLOP of ``job``: 6 N D (pretrain, finetune) or 4 N D (lora), D = ``job.n_tokens``.

    N is the number of parameters a token uses (``active_param_count``: all of them for dense
    models). "lora" skips the weight gradients, a third of 6 N D (module docstring).
    """
    job = _job(job)
    if not job.training:
        raise ValueError(f"task: {job.task!r} is not a training task; choose one of {', '.join(TRAINING_TASKS)}")
    n_tokens = job.n_tokens
    if n_tokens is None:  # Job requires it for training tasks
        raise ValueError(f"n_tokens: give the number of training tokens for task {job.task!r}")
    full = compute.training_flops(job.config.active_param_count(), n_tokens)
    return full * 2 / 3 if job.task == "lora" else full


class LoraMemory(TypedDict):
    """Bytes per GPU of weights-frozen fine-tuning (:func:`lora_memory`)."""

    weights: float
    activations: float
    overhead: float
    total: float


def lora_memory(model: models.ModelLike, n_gpus: int = 1, *, dtype: str = "bf16", seq_len: int = 2048,
                batch: int = 1, checkpointing: str = "full", overhead_fraction: float = 0.0) -> LoraMemory:
    """Bytes per GPU for weights-frozen (LoRA-style) fine-tuning on ``n_gpus`` GPUs.

    The frozen weights in ``dtype`` sharded over the GPUs (:func:`course_lib.memory.weights_bytes`
    / n_gpus) plus one micro-batch of ``batch`` sequences' activations per GPU
    (:func:`course_lib.memory.activation_bytes`), plus ``overhead_fraction`` of that. Adapters and
    their optimizer state (well under 1% of the parameters) are ignored. Returns a dict of bytes:
    weights, activations, overhead, total.
    """
    m = models.get_model(model)
    n = _n_gpus(n_gpus)
    fraction = _validate.non_negative("overhead_fraction", overhead_fraction)
    weights = memory.weights_bytes(m.param_count(), dtype) / n
    activations = memory.activation_bytes(m, seq_len, batch, checkpointing)
    overhead = fraction * (weights + activations)
    total = _validate.finite_result(weights + activations + overhead, "overhead_fraction")
    return {"weights": weights, "activations": activations, "overhead": overhead, "total": total}


def memory_per_gpu(job: Job, gpu: hardware.GPULike, n_gpus: int, *, batch: int | None = None) -> float:
    """Bytes each of ``n_gpus`` GPUs needs for ``job`` (the assumptions of the module docstring).

    pretrain/finetune: :func:`course_lib.memory.fit_report` in training mode with ZeRO stage 3,
    ``job.batch`` sequences per GPU and ``job.checkpointing``; lora: :func:`lora_memory` with the
    weights in ``job.precision``; serve: :func:`course_lib.serving.memory_per_gpu` of the tensor-parallel
    deployment (:func:`serving_deployment`), the KV cache of ``batch`` (default ``job.batch``) sequences of
    ``job.seq_len`` tokens.
    """
    job = _job(job)
    n = _n_gpus(n_gpus)
    sequences = job.batch if batch is None else _validate.positive_int("batch", batch)
    if job.task == "lora":
        return lora_memory(job.model, n, dtype=job.precision, seq_len=job.seq_len, batch=sequences,
                           checkpointing=job.checkpointing, overhead_fraction=job.overhead_fraction)["total"]
    if job.task == "serve":
        return serving.memory_per_gpu(_deployment(job, gpu, n), job.seq_len, sequences, job.overhead_fraction)
    else:
        report = memory.fit_report(job.model, gpu, seq_len=job.seq_len, batch=sequences, n_gpus=n, mode="training",
                                   zero_stage=ZERO_STAGE, checkpointing=job.checkpointing,
                                   overhead_fraction=job.overhead_fraction)
    return report["required_bytes"]


def tensor_parallel_sizes(model: models.ModelLike) -> list[int]:
    """Tensor-parallel group sizes a model allows: the divisors of its attention-head count."""
    heads = models.get_model(model).n_heads
    return [t for t in range(1, heads + 1) if heads % t == 0]


def min_gpus(job: Job, gpu: hardware.GPULike) -> int | None:
    """Fewest GPUs of type ``gpu`` whose memory holds ``job`` (None if no count up to MAX_GPUS does).

    Training tasks: any count (ZeRO-3 / sharded frozen weights shrink with n; the activations do
    not, so a model whose activations alone overflow one GPU never fits). Serving: the smallest
    tensor-parallel size (a divisor of the head count) that holds the weights and ``job.batch``
    sequences' KV cache.
    """
    job = _job(job)
    capacity = hardware.get_gpu(gpu).memory_bytes

    def fits(n: int) -> bool:
        return memory_per_gpu(job, gpu, n) <= capacity

    if job.task == "serve":
        return next((t for t in tensor_parallel_sizes(job.model) if fits(t)), None)
    # Sharded part / (capacity - unsharded part): the sharded part is what shrinks from n = 1 to n = 2.
    one, two = memory_per_gpu(job, gpu, 1), memory_per_gpu(job, gpu, 2)
    sharded, unsharded = 2 * (one - two), 2 * two - one
    if unsharded >= capacity:
        return None
    return _smallest(fits, sharded / (capacity - unsharded))


def serving_deployment(job: Job, gpu: hardware.GPULike, n_gpus: int) -> serving.Deployment:
    """The :func:`course_lib.serving.deployment` a serving job runs on: ``n_gpus`` x ``gpu`` in tensor parallel,
    every weight (embeddings included) in ``job.precision``, computing at that rate, the KV cache in the
    activation type (:func:`course_lib.memory.default_kv_dtype`). The group's size is the planner's to check
    against the system (``one_server=False``)."""
    return _deployment(_job(job), gpu, _n_gpus(n_gpus))


def _deployment(job: Job, gpu: hardware.GPULike, n: int) -> serving.Deployment:
    bits = 8 * memory.bytes_per_param(job.precision)
    return serving.deployment(job.model, gpu, n_gpus=n, weight_bits=bits, embedding_bits=bits,
                              kv_dtype=memory.default_kv_dtype(job.precision), precision=job.precision,
                              one_server=False)


def replica_throughput(job: Job, gpu: hardware.GPULike, n_gpus: int) -> ReplicaThroughput:
    """Decode throughput of one tensor-parallel group of ``n_gpus`` GPUs serving ``job``'s model.

    The batch is the smallest at which a decode step turns compute-bound
    (:func:`course_lib.serving.crossover_batch`), or the largest that fits
    (:func:`course_lib.serving.max_batch` with ``job.overhead_fraction``) if that comes first: a larger
    batch would add latency without adding throughput. Throughput = ``job.decode_efficiency`` x the
    :func:`course_lib.serving.decode_step` bound at that batch (tensor-parallel all-reduces included), every
    sequence at ``job.seq_len`` tokens of context (the worst case). ValueError naming ``n_gpus`` if the model
    does not fit at batch 1.
    """
    job = _job(job)
    if job.task != "serve":
        raise ValueError(f"job: replica_throughput is for a serving job, got task {job.task!r}")
    dep = _deployment(job, gpu, _n_gpus(n_gpus))
    largest = serving.max_batch(dep, job.seq_len, job.overhead_fraction)
    if largest == 0:
        raise ValueError(f"n_gpus: {job.config.name} does not fit on {dep.n_gpus} x {dep.gpu.name} in {job.precision}")
    crossover = serving.crossover_batch(dep, job.seq_len)
    batch = largest if crossover is None else min(crossover, largest)
    step, single = serving.decode_step(dep, batch, job.seq_len), serving.decode_step(dep, 1, job.seq_len)
    return ReplicaThroughput(batch=batch, tokens_per_s=job.decode_efficiency * step.tokens_per_second,
                             single_tokens_per_s=job.decode_efficiency * single.tokens_per_second, bound=step.bound)


def rentable_gpus(n_gpus: int, system: str | topology.System | None,
                  gpu: hardware.GPULike | None = None) -> tuple[int, int]:
    """(GPUs, nodes) you can actually rent or buy to have at least ``n_gpus`` GPUs of ``system``.

    More than one node: whole nodes (:func:`course_lib.topology.nodes_for`). Within one node: the
    smallest slice whose size divides the node (1, 2, 4, 8 of an 8-GPU server). ValueError naming
    ``n_gpus`` when the system is never clustered and one node is too small, or when ``system`` (a name or
    :class:`~course_lib.topology.System`) is None (no system of ``gpu`` in the data: one card only) and
    ``n_gpus`` > 1.
    """
    n = _n_gpus(n_gpus)
    if gpu is not None:
        gpu = hardware.get_gpu(gpu)
    if system is None:
        if n > 1:
            name = hardware.get_gpu(gpu).name if gpu is not None else "this GPU"
            raise ValueError(f"n_gpus: needs {n:,} GPUs, but the course's system data has no multi-GPU server of the "
                             f"{name}: one card at most")
        return 1, 1
    system = topology.get_system(system)
    per_node = system.gpus_per_node
    if n > per_node and not system.clustered:
        raise ValueError(f"n_gpus: needs {n:,} GPUs, but the {system.name} is never clustered: it holds at most "
                         f"{per_node}")
    if n <= per_node:
        return next(d for d in range(n, per_node + 1) if per_node % d == 0), 1
    nodes = topology.nodes_for(n, system)
    return nodes * per_node, nodes


def _links_text(system: topology.System | None, n_gpus: int, nodes: int) -> str:
    """The links ``n_gpus`` GPUs of ``system`` in ``nodes`` nodes talk over, in words."""
    if system is None or n_gpus == 1:
        return "one GPU: no GPU-to-GPU traffic"
    if system.node_is_host_in_pod:  # the ICI joins the hosts of a pod; the network joins its slices
        ici = f"{system.link_inside().name}, joining the hosts"
        if n_gpus <= system.domain_size:
            return ici
        slices = math.ceil(n_gpus / system.domain_size)
        return (f"{slices:,} slices of up to {system.domain_size:,} chips: {system.link_inside().name} inside each, "
                f"{system.network().name} between them")
    inside = f"{system.link_inside().name} inside the {'node' if nodes == 1 else 'nodes'}"
    if n_gpus <= system.domain_size:
        return inside
    return f"{nodes:,} nodes of {system.gpus_per_node}: {inside}, {system.network().name} between them"


def _caveat(system: topology.System | None, n_gpus: int) -> str:
    if system is not None and n_gpus > 1 and system.link_inside().kind == "pcie":
        return "PCIe inside the node (no NVLink): gradient and activation exchanges are slower, so the assumed " \
               "efficiency is optimistic"
    if system is None:
        return "no multi-GPU system of this GPU in the course's data: single cards only"
    return ""


def _price(prices: Mapping[str, float] | None, gpu: hardware.GPU) -> float | None:
    if prices is None:
        return None
    price = prices.get(gpu.name)
    return None if price is None else _validate.non_negative(f"usd_per_gpu_hour for {gpu.name}", price)


def _prices(usd_per_gpu_hour: Any) -> dict[str, float] | None:
    """GPU name -> price, names resolved (aliases allowed) and values validated; None for no prices."""
    if usd_per_gpu_hour is None:
        return None
    if not isinstance(usd_per_gpu_hour, Mapping):
        raise ValueError("usd_per_gpu_hour must map GPU names to prices per GPU-hour, e.g. {'H100 SXM': 2.99}, "
                         f"got {usd_per_gpu_hour!r}")
    resolved = {}
    for name, price in usd_per_gpu_hour.items():
        device = hardware.get_gpu(name)
        resolved[device.name] = _validate.non_negative(f"usd_per_gpu_hour for {device.name}", price)
    return resolved


# --------------------------------------------------------------------------- one GPU, all GPUs


def plan(job: Job, gpu: hardware.GPULike, usd_per_gpu_hour: float | None = None,
         system: str | topology.System | None = None) -> Plan:
    """How ``gpu`` would run ``job``: a :class:`Plan`; ``usd_per_gpu_hour`` None = no price (usd None).

    ``system``: a :mod:`course_lib.topology` system name or System of that GPU (default
    :func:`course_lib.topology.reference_system`).
    """
    job = _job(job)
    device = hardware.get_gpu(gpu)
    price = None if usd_per_gpu_hour is None else _validate.non_negative(f"usd_per_gpu_hour for {device.name}",
                                                                         usd_per_gpu_hour)
    chosen = topology.reference_system(device) if system is None else topology.get_system(system)
    if chosen is not None and chosen.gpu != device.name:
        raise ValueError(f"system: {chosen.name} holds {chosen.gpu}, not {device.name}")
    if device.peak_tflops(job.precision) is None:
        return Plan(device.name, job.task, False, note=f"no {job.precision} rate on this hardware",
                    system=None if chosen is None else chosen.name)
    if job.task == "serve":
        return _serving_plan(job, device, price, chosen)
    return _training_plan(job, device, price, chosen)


def _budget(job: Job, usd: float | None) -> bool | None:
    return None if job.budget_usd is None or usd is None else usd <= job.budget_usd


def _not_built(device: hardware.GPU, job: Job, system: topology.System | None, error: ValueError,
               **fields: Any) -> Plan:
    """A plan that does not fit because the system cannot be built that large (the reason from ``error``)."""
    reason = str(error).removeprefix("n_gpus: ")
    return Plan(device.name, job.task, False, note=reason, system=None if system is None else system.name, **fields)


def _training_plan(job: Job, device: hardware.GPU, price: float | None, system: topology.System | None) -> Plan:
    flops = task_flops(job)
    name = None if system is None else system.name
    smallest = min_gpus(job, device)
    if smallest is None:
        return Plan(device.name, job.task, False, system=name,
                    note=f"the activations of one micro-batch of {job.batch} x {job.seq_len:,} tokens do not fit in "
                         f"{device.memory_gb:g} GB")
    n = smallest
    if job.deadline_days is not None:
        deadline = job.deadline_days * units.SECONDS_PER_DAY
        one = compute.training_seconds(flops, device, 1, job.mfu, job.precision)
        needed = _smallest(lambda k: compute.training_seconds(flops, device, k, job.mfu, job.precision) <= deadline,
                           one / deadline)
        if needed is None:
            return Plan(device.name, job.task, False, min_gpus=smallest, system=name,
                        note=f"the deadline would need more than {MAX_GPUS:,} GPUs")
        n = max(n, needed)
    try:
        n, nodes = rentable_gpus(n, system, device)
    except ValueError as error:
        return _not_built(device, job, system, error, min_gpus=smallest)
    cost = compute.training_cost(flops, device, n, job.mfu, price or 0.0, job.precision, job.pue)
    usd = None if price is None else cost["usd"]
    return Plan(device.name, job.task, True, note=_caveat(system, n), system=name, nodes=nodes,
                link=_links_text(system, n, nodes), n_gpus=n, min_gpus=smallest,
                memory_per_gpu_bytes=memory_per_gpu(job, device, n), seconds=cost["seconds"], time_s=cost["seconds"],
                gpu_hours=cost["gpu_hours"], usd=usd, usd_per_gpu_hour=price, kwh=cost["kwh"],
                within_budget=_budget(job, usd))


def _serving_plan(job: Job, device: hardware.GPU, price: float | None, system: topology.System | None) -> Plan:
    m = job.config
    name = None if system is None else system.name
    seconds = job.serve_days * units.SECONDS_PER_DAY
    smallest = min_gpus(job, device)
    if smallest is None:
        return Plan(device.name, "serve", False, system=name,
                    note=f"{m.name} does not fit even split over {m.n_heads} GPUs")
    domain = 1 if system is None else system.domain_size
    if smallest > domain:
        if system is None:
            where = "one card (no multi-GPU system of it in the course's data)"
        elif system.intra_link is None:
            where = f"the one GPU of the {system.name}"
        else:
            where = f"one {domain}-GPU {system.intra_link.name} domain of the {system.name}"
        return Plan(device.name, "serve", False, system=name, min_gpus=smallest,
                    note=f"one copy of {m.name} needs {smallest} GPUs, more than {where}: tensor parallelism is not "
                         "run across the network")
    # A bigger group holds more KV cache per copy of the weights, so a bigger batch: try the allowed sizes inside one
    # link domain and keep the one that needs the fewest GPUs. Copies are independent: each is a slice of a node
    # (or whole nodes, for a group larger than a node), rented as such.
    best: tuple[int, int, int, int, ReplicaThroughput] | None = None
    for size in (t for t in tensor_parallel_sizes(m) if smallest <= t <= domain):
        candidate = replica_throughput(job, device, size)
        per_copy, copy_nodes = rentable_gpus(size, system, device)
        copies = math.ceil(job.traffic_tokens_per_s / candidate["tokens_per_s"])
        if best is None or copies * per_copy < best[0] * best[1]:
            best = (copies, per_copy, copy_nodes, size, candidate)
    if best is None:  # smallest <= domain, so at least the smallest group was tried
        raise AssertionError("no tensor-parallel group was tried")
    copies, per_copy, copy_nodes, group, replica = best
    n = copies * per_copy
    if n > MAX_GPUS:
        return Plan(device.name, "serve", False, min_gpus=smallest, system=name,
                    note=f"the traffic would need more than {MAX_GPUS:,} GPUs")
    if system is not None and system.kind == "edge module" and n > system.gpus_per_node:
        return Plan(device.name, "serve", False, min_gpus=smallest, system=name,
                    note=f"the traffic needs {n:,} GPUs, but the {system.name} is an edge module, never clustered: it "
                         f"holds at most {system.gpus_per_node}")
    # Copies are independent (a load balancer spreads the requests): slices of nodes are packed into whole nodes.
    nodes = copies * copy_nodes if system is None or per_copy >= system.gpus_per_node else \
        math.ceil(n / system.gpus_per_node)
    replicas = copies * (per_copy // group)  # a slice larger than the group holds several copies
    gpu_hours = n * seconds / units.SECONDS_PER_HOUR
    usd = None if price is None else gpu_hours * price
    kwh = None if device.tdp_w is None else compute.energy_kwh(device.tdp_w, seconds, n, job.pue)
    per_sequence = replica["tokens_per_s"] / replica["batch"]  # tokens/s each user gets at the planned batch
    return Plan(device.name, "serve", True, note=_caveat(system, group), system=name, nodes=nodes,
                link=_links_text(system, group, copy_nodes), n_gpus=n, min_gpus=smallest,
                memory_per_gpu_bytes=memory_per_gpu(job, device, group, batch=replica["batch"]), seconds=seconds,
                time_s=job.tokens_per_request / per_sequence, gpu_hours=gpu_hours, usd=usd, usd_per_gpu_hour=price,
                kwh=kwh, within_budget=_budget(job, usd), group=group, batch=replica["batch"],
                tokens_per_s=replicas * replica["tokens_per_s"],
                usd_per_million_tokens=None if usd is None else usd / (job.traffic_tokens_per_s * seconds / 1e6))


def devices(gpus: Iterable[hardware.GPULike] | None = None) -> list[hardware.GPU]:
    """Catalog rows the planner compares: ``gpus`` (names) or every GPU and TPU of the catalog (no CPUs)."""
    if gpus is None:
        return hardware.list_gpus("gpu") + hardware.list_gpus("tpu")
    if isinstance(gpus, (str, hardware.GPU)) or not isinstance(gpus, Iterable):
        raise ValueError(f"gpus must be a list of GPU names, got {_validate.describe(gpus)}")
    return [hardware.get_gpu(g, "gpus") for g in gpus]


def _key(rank_by: str) -> Callable[[Plan], float | None]:
    return {"time": lambda p: p.time_s, "energy": lambda p: p.kwh, "cost": lambda p: p.usd}[rank_by]


def rank_hardware(job: Job, usd_per_gpu_hour: Mapping[str, float] | None = None, *, rank_by: str = "time",
                  gpus: Iterable[hardware.GPULike] | None = None, systems: Mapping[str, str] | None = None) -> Ranking:
    """One :class:`Plan` per GPU for ``job``, ranked by ``rank_by`` ("time", "energy" or "cost").

    ``usd_per_gpu_hour`` maps GPU names (aliases allowed) to prices per GPU-hour; GPUs missing
    from it have no price (:func:`course_lib.prices.priced` builds it from the snapshot and typed
    prices). ``gpus``: names to compare (default: every GPU and TPU). Plans that fit but lack the
    ranked quantity (no price for "cost", no TDP for "energy") are ``left_out``; ties are broken by
    time, then catalog order. ``systems`` maps GPU names to the system to use (default
    :func:`course_lib.topology.reference_system`), e.g. ``{"B200": "GB200 NVL72"}``.
    """
    rank_by = _validate.choice("rank_by", rank_by, RANK_BY)
    prices = _prices(usd_per_gpu_hour)
    chosen = {hardware.get_gpu(g).name: s for g, s in (systems or {}).items()}
    plans = [plan(job, device, _price(prices, device), chosen.get(device.name)) for device in devices(gpus)]
    key = _key(rank_by)
    fitting = [p for p in plans if p.fits]
    ranked = sorted((p for p in fitting if key(p) is not None), key=lambda p: (key(p), p.time_s))
    return Ranking(rank_by, tuple(ranked), tuple(p for p in fitting if key(p) is None),
                   tuple(p for p in plans if not p.fits))


# --------------------------------------------------------------------------- rent vs buy


class BreakEven(TypedDict):
    """When owning beats renting (:func:`break_even`): hours, days and months of use, and USD per hour."""

    hours: float
    days: float
    months: float
    electricity_usd_per_hour: float
    net_usd_per_hour: float


class CumulativeUSD(TypedDict):
    """USD spent after some months of use (:func:`cumulative_usd`): numpy arrays (0-d for one number)."""

    hours: np.ndarray
    buy_usd: np.ndarray
    rent_usd: np.ndarray


def break_even(purchase_usd: float, power_w: float, rent_usd_per_hour: float, usd_per_kwh: float, *,
               pue: float = 1.0, hours_per_day: float = 24.0) -> BreakEven:
    """When owning a GPU becomes cheaper than renting one.

    Owning costs ``purchase_usd`` once plus electricity for every hour of use:
    :func:`course_lib.compute.energy_kwh` (``power_w`` for an hour, times ``pue``) x ``usd_per_kwh``.
    Renting costs ``rent_usd_per_hour``. Break-even after purchase / (rent - electricity per hour)
    hours of use; in days and months (of 365.25 / 12 days) at ``hours_per_day`` hours of use a day.
    math.inf if renting costs no more than the electricity. Not counted: the host computer,
    resale value, interest, maintenance, your time.

    Returns hours, days, months, electricity_usd_per_hour, net_usd_per_hour (rent minus electricity:
    what each hour of use on your own card saves).
    """
    purchase = _validate.non_negative("purchase_usd", purchase_usd)
    rent = _validate.non_negative("rent_usd_per_hour", rent_usd_per_hour)
    price = _validate.non_negative("usd_per_kwh", usd_per_kwh)
    per_day = _validate.positive("hours_per_day", hours_per_day)
    if per_day > 24:
        raise ValueError(f"hours_per_day must be at most 24, got {hours_per_day!r}")
    electricity = _validate.finite_result(compute.energy_kwh(power_w, units.SECONDS_PER_HOUR, 1, pue) * price,
                                          "power_w, usd_per_kwh")
    net = rent - electricity
    hours = purchase / net if net > 0 else math.inf
    days = hours / per_day
    return {"hours": hours, "days": days, "months": days / DAYS_PER_MONTH, "electricity_usd_per_hour": electricity,
            "net_usd_per_hour": net}


def cumulative_usd(purchase_usd: float, power_w: float, rent_usd_per_hour: float, usd_per_kwh: float,
                   months: ArrayLike, *, pue: float = 1.0, hours_per_day: float = 24.0) -> CumulativeUSD:
    """Total USD spent after ``months`` (a number or array, months of 365.25 / 12 days) of use, owning vs renting.

    Hours of use = months x :data:`DAYS_PER_MONTH` x ``hours_per_day``. Owning: ``purchase_usd`` plus
    electricity for those hours (:func:`break_even`'s ``electricity_usd_per_hour``); renting:
    ``rent_usd_per_hour`` x hours. The two lines cross at :func:`break_even`. Returns numpy arrays
    (0-d for a number): hours, buy_usd, rent_usd.
    """
    per_hour = break_even(purchase_usd, power_w, rent_usd_per_hour, usd_per_kwh, pue=pue,
                          hours_per_day=hours_per_day)["electricity_usd_per_hour"]
    months_of_use = _validate.float_array("months", months)
    if np.any(months_of_use < 0) or np.any(months_of_use > 1e6):
        raise ValueError(f"months must be from 0 to 1e6 (months of use), got {_validate.describe(months)}")
    hours = months_of_use * DAYS_PER_MONTH * float(hours_per_day)
    with np.errstate(over="ignore"):
        buy, rent = float(purchase_usd) + per_hour * hours, float(rent_usd_per_hour) * hours
    if not (np.all(np.isfinite(buy)) and np.all(np.isfinite(rent))):
        raise ValueError("purchase_usd, rent_usd_per_hour, months: the totals overflow the floating-point range")
    return {"hours": hours, "buy_usd": buy, "rent_usd": rent}
