"""Training on many GPUs: all-reduce, pipeline schedules, tensor parallelism, ZeRO.

Bandwidth convention (used by every function here): ``bandwidth_gbs`` is the **per-GPU,
unidirectional** bandwidth B in GB/s (1e9 bytes/s): what one GPU can send while it receives as
much at the same time. It is the quantity nccl-tests calls the bus bandwidth ("busbw"; NVIDIA
nccl-tests, doc/PERFORMANCE.md). Datasheets and the catalog's ``GPU.interconnect_gbs`` give the
**total bidirectional** figure, twice as large: A100 NVLink "600 GB/s" is 12 links x 25 GB/s in
each direction = 300 GB/s each way (NVIDIA A100 Tensor Core GPU Architecture whitepaper, 2020).
:func:`interconnect_per_direction_gbs` does that halving. A link also has a *domain*: NVLink joins the
8 GPUs of an HGX/DGX server (72 in a GB200 NVL72 rack), and traffic between servers crosses the
network. :mod:`course_lib.topology` knows the systems, their links and domains, and which link a
collective over a group of GPUs runs on; the functions here take one bandwidth and trust the caller.

Sources: ring all-reduce, Patarasuk & Yuan, "Bandwidth optimal all-reduce algorithms for
clusters of workstations", J. Parallel Distrib. Comput. 69(2), 2009; pipeline bubbles, Huang
et al., "GPipe", NeurIPS 2019, and Narayanan et al., "Efficient Large-Scale Language Model
Training on GPU Clusters Using Megatron-LM", SC 2021; tensor parallelism, Shoeybi et al.,
"Megatron-LM", 2019; ZeRO, Rajbhandari et al., SC 2020.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from course_lib import _validate, compute, formats, hardware, memory, models

ALLREDUCE_ALGORITHMS = ("ring", "naive")
MAX_RANKS = 1024  # ring_allreduce simulates every send of every step
PIPELINE_SCHEDULES = ("gpipe", "1f1b")
ACTIVATIONS = ("gelu", "relu")
# Share of a training step's compute spent in the backward pass: backward = 2 x forward FLOP, so
# 2 / (1 + 2) (the 6 N D convention of course_lib.compute). Only this part can overlap the gradient
# all-reduce: gradients exist only once the backward pass has produced them.
BACKWARD_SHARE = 2 / 3
# All-reduces of the layer's activations per transformer layer and training step under Megatron tensor
# parallelism: 2 in the forward pass, 2 in the backward pass (Shoeybi et al. 2019, Fig. 4).
TP_ALLREDUCES_PER_LAYER = 4

# PCIe transfer rate per lane in GT/s by generation (PCI-SIG, PCI Express Base Specification
# revisions 3.0, 4.0 and 5.0); all three use 128b/130b encoding.
PCIE_GTS = {3: 8.0, 4: 16.0, 5: 32.0}
# Pipeline grids are built slot by slot in Python: these bounds keep pipeline_schedule under a second
# (published runs use at most a few dozen stages and a few hundred micro-batches per step).
MAX_PIPELINE_STAGES = 64
MAX_MICROBATCHES = 512
MAX_BACKWARD_RATIO = 4

Cell = tuple[str, int] | None  # one slot of a pipeline grid: ("F" or "B", micro-batch) or idle


class TensorParallelLayerSeconds(TypedDict):
    """Compute vs communication of one layer under tensor parallelism (:func:`tensor_parallel_layer_seconds`)."""

    compute: float
    communication: float
    allreduce_bytes: float


class DataParallelStep(TypedDict):
    """Seconds of one data-parallel step (:func:`data_parallel_step_seconds`) and the gradient bytes."""

    compute: float
    communication: float
    hidden: float
    total: float
    gradient_bytes: float


class DataParallelSpeedup(DataParallelStep):
    """A data-parallel step plus its speed-up over one GPU (:func:`data_parallel_speedup`)."""

    speedup: float
    efficiency: float


# --------------------------------------------------------------------------- all-reduce


def interconnect_per_direction_gbs(gpu: hardware.GPULike) -> float:
    """Per-direction GPU-to-GPU bandwidth in GB/s: half the catalog's bidirectional total.

    ``interconnect_per_direction_gbs("A100")`` -> 300.0 (NVLink 600 GB/s total). ValueError for
    cards without NVLink / Infinity Fabric (PCIe only).
    """
    gpu = hardware.get_gpu(gpu)
    if gpu.interconnect_gbs is None:
        raise ValueError(f"gpu: {gpu.name} has no GPU-to-GPU link (PCIe only); pass bandwidth_gbs yourself")
    return gpu.interconnect_gbs / 2


def pcie_bandwidth_gbs(gen: int, lanes: int = 16) -> float:
    """Per-direction PCIe bandwidth in GB/s: lanes x GT/s x 128/130 (line code) / 8 bits per byte.

    Gen3 8, Gen4 16, Gen5 32 GT/s per lane (:data:`PCIE_GTS`): a Gen4 x16 slot carries 31.5 GB/s
    each way, Gen5 x16 63.0 GB/s (datasheets print the two directions together: "64 GB/s",
    "128 GB/s"). Packet (TLP) overheads, which lower what software sees, are not subtracted.
    """
    try:
        gen = _validate.integer("gen", gen, min(PCIE_GTS), max(PCIE_GTS))
    except ValueError:
        raise ValueError(f"gen must be one of {sorted(PCIE_GTS)} (PCIe generation), got {_validate.describe(gen)}") \
            from None
    lanes = _validate.integer("lanes", lanes, 1, 32)
    return lanes * PCIE_GTS[gen] * 128 / 130 / 8


def network_bandwidth_gbs(link_gbit_per_s: float) -> float:
    """GB/s (bytes) from a network link rate in Gb/s (bits), per direction: divide by 8.

    InfiniBand NDR: 400 Gb/s per port = 50 GB/s each way (NVIDIA ConnectX-7; a DGX H100 has eight
    single-port ConnectX-7 NICs, one per GPU, NVIDIA DGX BasePOD reference architecture,
    https://docs.nvidia.com/dgx-basepod/reference-architecture-infrastructure-foundation-enterprise-ai/latest/core-components.html).
    """
    return _validate.positive("link_gbit_per_s", link_gbit_per_s) / 8


def ring_allreduce_bytes_sent(n_bytes: float, n_gpus: int) -> float:
    """Bytes each GPU sends in a ring all-reduce of ``n_bytes``: 2(n-1)/n x n_bytes.

    n-1 reduce-scatter steps plus n-1 all-gather steps, each moving one n-th of the buffer
    (Patarasuk & Yuan 2009; the 2(n-1)/n "busbw" factor of nccl-tests' PERFORMANCE.md).
    """
    n_bytes = _validate.non_negative("n_bytes", n_bytes)
    n = _validate.positive_int("n_gpus", n_gpus)
    return 2 * (n - 1) / n * n_bytes


def allreduce_seconds(n_bytes: float, n_gpus: int, bandwidth_gbs: float, algorithm: str = "ring",
                      latency_s: float = 0.0) -> float:
    """Time in seconds to all-reduce (sum) ``n_bytes`` held by each of ``n_gpus`` GPUs.

    ``bandwidth_gbs`` is per-GPU unidirectional (see the module docstring). ``latency_s`` is the
    fixed cost of one message.

    * ``"ring"``: 2(n-1)/n x n_bytes / B + 2(n-1) x latency. Each GPU sends (and receives) about
      twice the buffer, whatever n: bandwidth-optimal (Patarasuk & Yuan 2009).
    * ``"naive"``: every GPU sends its whole buffer to GPU 0, which sums and sends the result
      back to each. GPU 0's link carries (n-1) x n_bytes in and then (n-1) x n_bytes out:
      2(n-1) x n_bytes / B + 2 x latency (the messages of each phase overlap, so latency counts
      once per phase). Grows linearly with n.

    One GPU needs no communication: 0.0.
    """
    n_bytes = _validate.non_negative("n_bytes", n_bytes)
    n = _validate.positive_int("n_gpus", n_gpus)
    bytes_per_s = _validate.positive("bandwidth_gbs", bandwidth_gbs) * 1e9
    algorithm = _validate.choice("algorithm", algorithm, ALLREDUCE_ALGORITHMS)
    latency_s = _validate.non_negative("latency_s", latency_s)
    if n == 1:
        return 0.0
    if algorithm == "ring":
        seconds = ring_allreduce_bytes_sent(n_bytes, n) / bytes_per_s + 2 * (n - 1) * latency_s
    else:
        seconds = 2 * (n - 1) * n_bytes / bytes_per_s + 2 * latency_s
    return _validate.finite_result(seconds, "n_bytes, bandwidth_gbs, latency_s")


@dataclass
class RingAllReduceResult:
    """Outcome of :func:`ring_allreduce`.

    results: one array per rank, each the elementwise sum of all inputs.
    bytes_sent: bytes each rank sent to its right neighbour, over both phases.
    steps: None, or one dict per step (``record_steps=True``) with ``phase``
    ("reduce-scatter" / "all-gather"), ``step`` (0-based within the phase), ``sends``
    (``sends[r]`` = chunk index rank r sends to rank (r+1) % n in this step) and ``contributions``
    (n x n int array after the step: ``[r, c]`` = how many ranks' inputs are summed in rank r's copy
    of chunk c; n means complete).
    """

    results: list[np.ndarray]
    bytes_sent: list[int]
    steps: list[dict[str, Any]] | None = None


def ring_allreduce(arrays: list[Any] | tuple[Any, ...], record_steps: bool = False) -> RingAllReduceResult:
    """Simulate a ring all-reduce (sum) of one numpy array per rank, chunk by chunk.

    Each buffer is split into n chunks (``numpy.array_split`` of the flattened array). In each of
    n-1 reduce-scatter steps rank r sends chunk (r - step) mod n to rank r+1, which adds it to its
    own copy; afterwards rank r holds the complete sum of chunk (r+1) mod n. In each of n-1
    all-gather steps rank r forwards chunk (r + 1 - step) mod n, which the receiver stores.
    All sends of one step happen at the same time. Sums use the inputs' dtype, as NCCL does.
    """
    if not isinstance(arrays, (list, tuple)) or not arrays:
        raise ValueError(f"arrays must be a non-empty list of numpy arrays (one per rank), got {arrays!r}")
    record_steps = _validate.flag("record_steps", record_steps)
    if len(arrays) > MAX_RANKS:
        raise ValueError(f"arrays: at most {MAX_RANKS} ranks are simulated, got {len(arrays)}")
    try:
        arrays = [np.asarray(a) for a in arrays]
    except (ValueError, TypeError):
        raise ValueError("arrays: each rank's input must be a numeric array") from None
    if any(a.dtype.kind not in "iuf" for a in arrays):
        raise ValueError("arrays: each rank's input must be an array of numbers (int or float), got "
                         + ", ".join(str(a.dtype) for a in arrays))
    if any(a.shape != arrays[0].shape or a.dtype != arrays[0].dtype for a in arrays):
        raise ValueError("arrays: every rank's array must have the same shape and dtype, got "
                         + ", ".join(f"{a.shape} {a.dtype}" for a in arrays))
    n = len(arrays)
    buffers = [np.array_split(a.ravel().copy(), n) for a in arrays]  # buffers[rank][chunk]
    contributions = np.ones((n, n), dtype=int)
    bytes_sent = [0] * n
    steps: list[dict[str, Any]] | None = [] if record_steps else None

    def run_phase(phase: str, chunk_of: Any, reduce: bool) -> None:
        for step in range(n - 1):
            sends = [chunk_of(rank, step) for rank in range(n)]
            outgoing = [(buffers[r][c].copy(), contributions[r, c]) for r, c in enumerate(sends)]
            for rank, chunk in enumerate(sends):
                data, count = outgoing[rank]
                right = (rank + 1) % n
                bytes_sent[rank] += data.nbytes
                if reduce:
                    buffers[right][chunk] += data
                    contributions[right, chunk] += count
                else:
                    buffers[right][chunk] = data
                    contributions[right, chunk] = count
            if steps is not None:
                steps.append({"phase": phase, "step": step, "sends": tuple(sends),
                              "contributions": contributions.copy()})

    run_phase("reduce-scatter", lambda rank, step: (rank - step) % n, reduce=True)
    run_phase("all-gather", lambda rank, step: (rank + 1 - step) % n, reduce=False)
    shape = arrays[0].shape
    results = [np.concatenate(chunks).reshape(shape) for chunks in buffers]
    return RingAllReduceResult(results=results, bytes_sent=bytes_sent, steps=steps)


# --------------------------------------------------------------------------- pipeline parallelism


def _stage_order(stage: int, n_stages: int, n_microbatches: int, schedule: str) -> list[tuple[str, int]]:
    """The order in which one stage runs its forward ("F") and backward ("B") passes."""
    m = n_microbatches
    if schedule == "gpipe":  # all forwards, then all backwards (Huang et al. 2019)
        return [("F", i) for i in range(m)] + [("B", i) for i in range(m)]
    # 1F1B (PipeDream-Flush, Narayanan et al. 2021): warm up with p - stage - 1 forwards, then
    # alternate one forward and one backward, then drain the remaining backwards.
    warmup = min(n_stages - stage - 1, m)
    order = [("F", i) for i in range(warmup)]
    for i in range(m - warmup):
        order += [("F", warmup + i), ("B", i)]
    return order + [("B", i) for i in range(m - warmup, m)]


def pipeline_schedule(n_stages: int, n_microbatches: int, schedule: str = "gpipe",
                      backward_ratio: int = 1) -> list[list[Cell]]:
    """Time-slot grid ``grid[stage][slot]`` of a pipeline-parallel training step.

    A cell holds ``("F", mb)`` (forward of micro-batch mb), ``("B", mb)`` or ``None`` (idle: the
    bubble). A forward takes 1 slot, a backward ``backward_ratio`` slots (default 1, i.e. the
    same time as a forward; about 2 is realistic, since backward computes gradients for both
    activations and weights). Communication time is ignored. Each stage runs its passes in the
    schedule's order as soon as their input is ready: F(mb) on stage s needs F(mb) on s-1,
    B(mb) on s needs B(mb) on s+1 (on the last stage, its own F(mb)). At most
    :data:`MAX_PIPELINE_STAGES` stages, :data:`MAX_MICROBATCHES` micro-batches, backward ratio 4.
    """
    p = _validate.positive_int("n_stages", n_stages, MAX_PIPELINE_STAGES)
    m = _validate.positive_int("n_microbatches", n_microbatches, MAX_MICROBATCHES)
    schedule = _validate.choice("schedule", schedule, PIPELINE_SCHEDULES)
    duration = {"F": 1, "B": _validate.positive_int("backward_ratio", backward_ratio, MAX_BACKWARD_RATIO)}
    orders = [_stage_order(s, p, m, schedule) for s in range(p)]
    finish: dict[tuple[str, int, int], int] = {}  # (kind, mb, stage) -> end slot
    placed: list[list[tuple[int, str, int]]] = [[] for _ in range(p)]  # (start, kind, mb)
    stage_free = [0] * p
    position = [0] * p
    while any(position[s] < len(orders[s]) for s in range(p)):
        progressed = False
        for s in range(p):
            while position[s] < len(orders[s]):
                kind, mb = orders[s][position[s]]
                if kind == "F":
                    dep = ("F", mb, s - 1) if s > 0 else None
                else:
                    dep = ("B", mb, s + 1) if s < p - 1 else ("F", mb, s)
                if dep is not None and dep not in finish:
                    break
                start = max(stage_free[s], finish[dep] if dep else 0)
                stage_free[s] = finish[(kind, mb, s)] = start + duration[kind]
                placed[s].append((start, kind, mb))
                position[s] += 1
                progressed = True
        if not progressed:  # cannot happen for the two schedules above; guards future edits
            raise RuntimeError("pipeline_schedule: dependency deadlock")
    n_slots = max(stage_free)
    grid: list[list[Cell]] = [[None] * n_slots for _ in range(p)]
    for s, ops in enumerate(placed):
        for start, kind, mb in ops:
            for t in range(start, start + duration[kind]):
                grid[s][t] = (kind, mb)
    return grid


def check_grid(grid: Any) -> list[list[Cell]]:
    """``grid`` if it is a :func:`pipeline_schedule` grid (rows of None or ("F"/"B", micro-batch)), else ValueError."""
    if isinstance(grid, (str, bytes)) or not isinstance(grid, (list, tuple)) or not grid or any(
            isinstance(row, (str, bytes)) or not isinstance(row, (list, tuple)) for row in grid):
        raise ValueError(f"grid must be a list of rows of time slots, as pipeline_schedule returns, got "
                         f"{_validate.describe(grid)}")
    for row in grid:
        for cell in row:
            if cell is not None and not (isinstance(cell, tuple) and len(cell) == 2 and cell[0] in ("F", "B")):
                raise ValueError(f"grid: a slot must be None or ('F' or 'B', micro-batch), got {_validate.describe(cell)}")
    if not any(grid):
        raise ValueError("grid must contain at least one time slot")
    return [list(row) for row in grid]


def grid_bubble_fraction(grid: list[list[Cell]]) -> float:
    """Idle slots / all slots of a :func:`pipeline_schedule` grid (0 = no bubble)."""
    cells = [cell for row in check_grid(grid) for cell in row]
    return sum(cell is None for cell in cells) / len(cells)


def pipeline_bubble_fraction(n_stages: int, n_microbatches: int, schedule: str = "gpipe") -> float:
    """Fraction of a pipeline step spent idle: (p - 1) / (m + p - 1).

    p stages, m micro-batches, forward and backward balanced across stages. GPipe's bubble
    (Huang et al. 2019, "O((K-1)/(M+K-1))"); 1F1B has the same bubble, and reorders work only to
    bound the activations kept alive (Narayanan et al. 2021, who quote bubble/ideal time =
    (p-1)/m, the same idle time measured against the busy time instead of the total).
    """
    p = _validate.positive_int("n_stages", n_stages)
    m = _validate.positive_int("n_microbatches", n_microbatches)
    _validate.choice("schedule", schedule, PIPELINE_SCHEDULES)
    return (p - 1) / (m + p - 1)


def peak_activation_microbatches(n_stages: int, n_microbatches: int, schedule: str = "gpipe") -> int:
    """Most micro-batches whose activations stage 0 holds at once (forward done, backward not).

    GPipe runs all m forwards first: m. 1F1B starts a backward after at most p forwards:
    min(p, m) (Narayanan et al. 2021).
    """
    p = _validate.positive_int("n_stages", n_stages)
    m = _validate.positive_int("n_microbatches", n_microbatches)
    schedule = _validate.choice("schedule", schedule, PIPELINE_SCHEDULES)
    return m if schedule == "gpipe" else min(p, m)


# --------------------------------------------------------------------------- tensor parallelism


def _gelu(x: np.ndarray) -> np.ndarray:
    # tanh approximation of GeLU, as used by GPT-2 and Megatron-LM
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def _activation(name: str) -> Any:
    name = _validate.choice("activation", name, ACTIVATIONS)
    return _gelu if name == "gelu" else (lambda x: np.maximum(x, 0))


def _operands(x: Any, w: Any, w_name: str = "w") -> tuple[np.ndarray, np.ndarray]:
    x, w = _validate.float_array("x", x), _validate.float_array(w_name, w)
    if x.ndim < 1:
        raise ValueError(f"x must be an array with at least one dimension (..., k), got shape {x.shape}")
    if x.ndim < 1 or w.ndim != 2 or x.shape[-1] != w.shape[0]:
        raise ValueError(f"{w_name}: shape {w.shape} does not fit x of shape {x.shape}; "
                         f"need x (..., k) and {w_name} (k, n)")
    return x, w


def _split(a: np.ndarray, n_parts: int, axis: int, what: str) -> list[np.ndarray]:
    n = _validate.positive_int("n_parts", n_parts, a.shape[axis] if a.ndim else 1)
    if a.shape[axis] % n:
        raise ValueError(f"n_parts ({n}) must divide the number of {what} ({a.shape[axis]})")
    return np.split(a, n, axis=axis)


def column_parallel_matmul(x: Any, w: Any, n_parts: int) -> np.ndarray:
    """x @ w with w's columns split over ``n_parts`` GPUs, outputs gathered.

    GPU i computes x @ w[:, block i] (the full x on every GPU); concatenating the blocks
    (an all-gather) gives the same result as the unsplit product.
    """
    x, w = _operands(x, w)
    return np.concatenate([x @ w_i for w_i in _split(w, n_parts, 1, "columns of w")], axis=-1)


def row_parallel_matmul(x: Any, w: Any, n_parts: int) -> np.ndarray:
    """x @ w with w's rows (and x's last dimension) split over ``n_parts`` GPUs.

    GPU i computes the partial product x[..., block i] @ w[block i, :]; the all-reduce sums the
    partial products into the unsplit result.
    """
    x, w = _operands(x, w)
    x_parts = _split(x, n_parts, -1, "columns of x")
    w_parts = _split(w, n_parts, 0, "rows of w")
    return np.sum([x_i @ w_i for x_i, w_i in zip(x_parts, w_parts, strict=True)], axis=0)  # the all-reduce


def tensor_parallel_mlp(x: Any, w1: Any, w2: Any, n_parts: int, activation: str = "gelu") -> np.ndarray:
    """Megatron-LM MLP act(x @ w1) @ w2 on ``n_parts`` GPUs with a single all-reduce.

    w1 (d, f) is split by columns, w2 (f, d) by rows, so GPU i holds a slice of the hidden layer
    and applies the activation ("gelu", tanh approximation, or "relu") locally without talking
    to the others; its partial output act(x @ w1_i) @ w2_i is summed over GPUs (Shoeybi et al.
    2019, section 3). Biases are omitted.
    """
    act = _activation(activation)
    x, w1 = _operands(x, w1, "w1")
    w2 = _validate.float_array("w2", w2)
    if w2.ndim != 2 or w2.shape[0] != w1.shape[1]:
        raise ValueError(f"w2: shape {w2.shape} does not fit w1 of shape {w1.shape}; need w2 ({w1.shape[1]}, d)")
    w1_parts = _split(w1, n_parts, 1, "columns of w1 (hidden units)")
    w2_parts = _split(w2, n_parts, 0, "rows of w2 (hidden units)")
    return np.sum([act(x @ a) @ b for a, b in zip(w1_parts, w2_parts, strict=True)], axis=0)  # one all-reduce


def tensor_parallel_layer_seconds(model: models.ModelLike, seq_len: int, micro_batch: int, n_gpus: int,
                                  bandwidth_gbs: float, gpu: hardware.GPULike, mfu: float,
                                  dtype: str = "bf16") -> TensorParallelLayerSeconds:
    """Compute vs communication time of one transformer layer (forward + backward) under Megatron
    tensor parallelism over ``n_gpus`` GPUs.

    Communication: 4 ring all-reduces per layer (forward: after attention and after the MLP;
    backward: two more; Shoeybi et al. 2019, Fig. 4), each of the layer's activations,
    seq_len x micro_batch x d_model values of ``dtype``, at ``bandwidth_gbs`` (per GPU, per
    direction). Compute: :func:`course_lib.compute.training_flops_per_token` / n_layers (the
    output head's share spread over the layers) for seq_len x micro_batch tokens, split over the
    GPUs, at ``mfu`` x the dense bf16 peak of ``gpu``. Both grow with the tokens, so their ratio
    depends on d_model, the GPU and the link, not on the batch.

    Returns seconds ``compute`` and ``communication``, and ``allreduce_bytes`` (one all-reduce's buffer).
    """
    m = models.get_model(model)
    tokens = _validate.positive_int("seq_len", seq_len) * _validate.positive_int("micro_batch", micro_batch)
    n = _validate.positive_int("n_gpus", n_gpus)
    buffer = tokens * m.d_model * memory.bytes_per_param(dtype)
    layer_flops = compute.training_flops_per_token(m, seq_len) / m.n_layers * tokens
    return {
        "compute": compute.training_seconds(layer_flops, gpu, n, mfu),
        "communication": TP_ALLREDUCES_PER_LAYER * allreduce_seconds(buffer, n, bandwidth_gbs),
        "allreduce_bytes": buffer,
    }


# --------------------------------------------------------------------------- ZeRO and data parallelism


def zero_memory_per_gpu(n_params: float, n_gpus: int, stage: int) -> memory.TrainingMemory:
    """Per-GPU training memory in bytes with mixed-precision Adam and ZeRO ``stage`` 0-3.

    The dict of :func:`course_lib.memory.training_memory` (weights, gradients, optimizer_states,
    activations, total); activations are not included (0). Stage 1 shards the optimizer states,
    2 also the gradients, 3 also the weights over ``n_gpus`` (Rajbhandari et al. 2020).
    """
    stage = _validate.zero_stage("stage", stage)
    return memory.training_memory(n_params, optimizer="adam", mixed_precision=True, zero_stage=stage,
                                  n_gpus=n_gpus)


def hidden_behind_backward(communication_seconds: float, compute_seconds: float, overlap: float) -> float:
    """Seconds of gradient communication hidden behind the backward pass: ``overlap`` of it, at most the
    backward pass itself, :data:`BACKWARD_SHARE` (2/3) of the compute (the forward pass has no gradients
    to send yet)."""
    return _hidden(_validate.non_negative("communication_seconds", communication_seconds),
                   _validate.non_negative("compute_seconds", compute_seconds),
                   _validate.fraction("overlap", overlap, allow_zero=True))


def _hidden(communication_s: float, compute_s: float, overlap: float) -> float:
    return min(overlap * communication_s, BACKWARD_SHARE * compute_s)


def data_parallel_step_seconds(n_params: float, n_gpus: int, bandwidth_gbs: float, compute_seconds: float,
                               grad_dtype: str = "bf16", overlap: float = 0.0) -> DataParallelStep:
    """Time of one data-parallel training step: compute plus the gradient all-reduce.

    Every GPU holds ``n_params`` gradients in ``grad_dtype`` and all-reduces them with a ring at
    ``bandwidth_gbs`` (per-GPU, unidirectional). ``overlap`` in [0, 1] is the fraction of the
    all-reduce that runs while the backward pass is still computing (PyTorch DDP reduces gradient
    buckets as soon as they are ready). The time hidden is at most the backward pass,
    :data:`BACKWARD_SHARE` (2/3) of ``compute_seconds``: the forward pass has no gradients to send.
    Returns seconds: ``compute``, ``communication`` (the whole all-reduce), ``hidden`` (the part of it
    that overlaps the backward pass), ``total`` (compute + communication - hidden), and ``gradient_bytes``.
    """
    compute_s = _validate.non_negative("compute_seconds", compute_seconds)
    overlap = _validate.fraction("overlap", overlap, allow_zero=True)
    grad_dtype = formats.dtype(grad_dtype, "grad_dtype")
    gradient_bytes = _validate.finite_result(_validate.positive("n_params", n_params)
                                             * memory.bytes_per_param(grad_dtype), "n_params")
    communication = allreduce_seconds(gradient_bytes, n_gpus, bandwidth_gbs)
    hidden = _hidden(communication, compute_s, overlap)
    total = _validate.finite_result(compute_s + communication - hidden, "compute_seconds")
    return {"compute": compute_s, "communication": communication, "hidden": hidden, "total": total,
            "gradient_bytes": gradient_bytes}


def data_parallel_speedup(model: models.ModelLike, gpu: hardware.GPULike, bandwidth_gbs: float, n_gpus: int,
                          tokens_per_gpu: int, mfu: float, overlap: float = 0.0,
                          grad_dtype: str = "bf16") -> DataParallelSpeedup:
    """Throughput of ``n_gpus`` data-parallel GPUs relative to one GPU (weak scaling: each GPU
    processes ``tokens_per_gpu`` tokens per step, as one GPU alone would).

    Compute per step: :func:`course_lib.compute.training_seconds` of 6 N x ``tokens_per_gpu`` FLOP
    (:func:`course_lib.compute.training_flops`) on one ``gpu`` at ``mfu``; communication and overlap:
    :func:`data_parallel_step_seconds` at ``bandwidth_gbs`` (per GPU, per direction). The speed-up is
    n_gpus x compute / step time (ideal: n_gpus). Returns the step dict plus ``speedup`` and
    ``efficiency`` (speed-up / n_gpus).
    """
    n_params = models.get_model(model).param_count()
    tokens = _validate.positive_int("tokens_per_gpu", tokens_per_gpu)
    n = _validate.positive_int("n_gpus", n_gpus)
    seconds = compute.training_seconds(compute.training_flops(n_params, tokens), gpu, 1, mfu)
    step = data_parallel_step_seconds(n_params, n, bandwidth_gbs, seconds, grad_dtype, overlap)
    speedup = n * step["compute"] / step["total"]
    return {**step, "speedup": speedup, "efficiency": speedup / n}
