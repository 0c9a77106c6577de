"""Exercises of notebook 07 (parallelism): all-reduce time, pipeline bubble, ZeRO memory, a
tensor-parallel split, an estimate of the GPUs a 70B model needs, and three on real systems: which
parallelism stays inside a server, an all-reduce across two servers, and gradient accumulation.

Expected values are computed with course_lib; the questions are in
``solutions/07_parallelism_solutions.ipynb`` (and, without answers, ``exercises/07_parallelism_exercises.ipynb``).
"""

from __future__ import annotations

import itertools

from course_lib import layouts, memory, parallel, topology, units
from course_lib.checks._base import Exercise, Trap

# Exercise 1: a 7B model's bf16 gradients, 8 GPUs in 8 servers, one InfiniBand NDR port per GPU.
ALLREDUCE_PARAMS, ALLREDUCE_GPUS, INFINIBAND_GBIT = 7e9, 8, 400
# Exercise 2: pipeline stages and micro-batches.
STAGES, MICROBATCHES = 4, 8
# Exercise 3: the ZeRO paper's example (Rajbhandari et al. 2020, Figure 1).
ZERO_PARAMS, ZERO_GPUS = 7.5e9, 64
# Exercise 5: a 70B model on 80 GB GPUs with ZeRO-3.
BIG_PARAMS, GPU_MEMORY_GB = 70e9, 80


def _allreduce_seconds() -> float:
    gradient_bytes = memory.weights_bytes(ALLREDUCE_PARAMS, "bf16")
    return parallel.allreduce_seconds(gradient_bytes, ALLREDUCE_GPUS, parallel.network_bandwidth_gbs(INFINIBAND_GBIT))


def _min_gpus_zero3() -> int:
    """Fewest GPUs whose ZeRO-3 share of the training state fits in GPU_MEMORY_GB (activations ignored)."""
    return next(n for n in itertools.count(1)
                if parallel.zero_memory_per_gpu(BIG_PARAMS, n, 3)["total"] <= GPU_MEMORY_GB * units.GB)


_RING_FACTOR = parallel.ring_allreduce_bytes_sent(1, ALLREDUCE_GPUS)  # 2(n-1)/n = 1.75 buffers per GPU

ex1 = Exercise(
    "Ring all-reduce of 7B bf16 gradients over InfiniBand",
    expected=_allreduce_seconds,
    unit="s",
    hints=[
        "Bytes first: 7e9 gradients in bf16 (2 bytes each). Then the link: InfiniBand rates are in *bits* per second.",
        "A ring all-reduce makes every GPU send 2(n-1)/n times the buffer (reduce-scatter, then all-gather).",
        "`parallel.allreduce_seconds(memory.weights_bytes(7e9, 'bf16'), 8, parallel.network_bandwidth_gbs(400))`.",
    ],
    explanation="14 GB of gradients; each GPU sends 2 x 7/8 x 14 GB = 24.5 GB at 400 / 8 = 50 GB/s: 0.49 s.",
    traps=[
        Trap(lambda e: e / _RING_FACTOR, "that is bytes / bandwidth, one buffer sent once. In a ring all-reduce "
                                         "each GPU sends 2(n-1)/n = 1.75 buffers (reduce-scatter + all-gather)."),
        Trap(lambda e: e / 8, "you read 400 Gb/s as 400 GB/s. Network rates are in bits: 400 Gb/s / 8 = 50 GB/s."),
        Trap(lambda e: e / 8 / _RING_FACTOR, "two slips: 400 Gb/s is 50 GB/s (bits, not bytes), and the ring "
                                             "sends 2(n-1)/n = 1.75 buffers per GPU."),
        Trap(lambda e: e * 2 / _RING_FACTOR, "that uses a factor 2; for n = 8 GPUs the factor is 2(n-1)/n = 1.75."),
        Trap(lambda e: e * 2, "that is fp32 gradients (4 bytes each); the question says bf16 (2 bytes)."),
        Trap(lambda e: e * ALLREDUCE_GPUS, "that is the naive scheme (every buffer through one GPU, 2(n-1) "
                                           "buffers on its link); the ring spreads the traffic over all links."),
    ],
)

ex2 = Exercise(
    "Pipeline bubble with 4 stages and 8 micro-batches",
    expected=lambda: parallel.pipeline_bubble_fraction(STAGES, MICROBATCHES),
    unit="(fraction of the step)",
    hints=[
        "Each stage idles while the pipeline fills and while it drains: p - 1 slots each way, "
        "out of m + p - 1 slots per pass.",
        "Idle fraction = (p - 1) / (m + p - 1) with p = 4 stages and m = 8 micro-batches.",
        "`parallel.pipeline_bubble_fraction(4, 8)`; check it on the chart `parallel.pipeline_schedule(4, 8)`.",
    ],
    explanation="(4 - 1) / (8 + 4 - 1) = 3/11 = 0.273 of the step is idle, for GPipe and 1F1B alike.",
    traps=[
        Trap(lambda e: (STAGES - 1) / MICROBATCHES,
             "that is (p-1)/m: the idle time divided by the *busy* time (how Narayanan et al. 2021 quote it). "
             "The share of the whole step is (p-1)/(m+p-1)."),
        Trap(lambda e: 100 * e, "give a fraction between 0 and 1, not a percentage."),
        Trap(lambda e: 1 - e, "that is the busy share; the bubble is the idle share."),
        Trap(lambda e: (STAGES - 1) / STAGES, "that is the bubble with a single micro-batch, (p-1)/p; "
                                              "8 micro-batches fill the pipeline much better."),
    ],
)

ex3 = Exercise(
    "Per-GPU memory with ZeRO-2: 7.5B parameters on 64 GPUs",
    expected=lambda: parallel.zero_memory_per_gpu(ZERO_PARAMS, ZERO_GPUS, 2)["total"] / units.GB,
    unit="GB",
    hints=[
        "Mixed-precision Adam: 2 bytes of fp16 weights, 2 of gradients, 12 of optimizer state per parameter.",
        "Stage 2 shards the optimizer states and the gradients over the 64 GPUs; every GPU keeps all the weights.",
        "`parallel.zero_memory_per_gpu(7.5e9, 64, 2)['total'] / 1e9`.",
    ],
    explanation="2 x 7.5 GB (weights) + (2 + 12) x 7.5 GB / 64 = 15 + 1.64 = 16.6 GB per GPU "
                "(ZeRO paper, Figure 1).",
    traps=[
        Trap(lambda e: parallel.zero_memory_per_gpu(ZERO_PARAMS, ZERO_GPUS, 0)["total"] / units.GB,
             "that is plain data parallelism (16 bytes/param on every GPU): nothing is sharded."),
        Trap(lambda e: parallel.zero_memory_per_gpu(ZERO_PARAMS, ZERO_GPUS, 1)["total"] / units.GB,
             "that is stage 1 (optimizer states sharded); stage 2 also shards the gradients."),
        Trap(lambda e: parallel.zero_memory_per_gpu(ZERO_PARAMS, ZERO_GPUS, 3)["total"] / units.GB,
             "that is stage 3 (weights sharded too); with stage 2 every GPU keeps a full copy of the weights."),
        Trap(lambda e: ZERO_GPUS * e, "that is the total over all 64 GPUs; the question asks for one GPU."),
        Trap(lambda e: memory.training_memory(ZERO_PARAMS, optimizer="sgd_momentum", zero_stage=2,
                                              n_gpus=ZERO_GPUS)["total"] / units.GB,
             "the optimizer state is 12 bytes/param: fp32 master weights (4) + momentum (4) + variance (4). "
             "It looks like one of the three is missing."),
    ],
)

ex4 = Exercise(
    "Column-parallel: which axis of w to split",
    expected=lambda: 1,
    unit="(numpy axis)",
    hints=[
        "Column-parallel: each GPU computes some *columns* of y = x @ w, using the full x.",
        "Column j of y depends only on column j of w. w has shape (k, n): rows are axis 0, columns axis 1.",
        "`np.split(w, 4, axis=1)`, then concatenate the four x @ block results along the last axis and compare "
        "with `x @ w` (or with `parallel.column_parallel_matmul(x, w, 4)`).",
    ],
    explanation="Axis 1: GPU i holds w[:, i*n/4:(i+1)*n/4] and computes those columns of y with the full x; "
                "concatenating the blocks gives x @ w. Splitting axis 0 (rows) is row-parallel: x must be split "
                "too and the partial products summed (an all-reduce).",
    traps=[
        Trap(lambda e: 0, "axis 0 splits w's rows (the k dimension): that is row-parallel, where each GPU gets a "
                          "partial sum that must be all-reduced. Try it: x @ block fails, each block has only "
                          "k/4 rows."),
        Trap(lambda e: -1, "-1 is numpy's last axis, which for a 2-D w is the same as axis 1: right idea. "
                           "Give it as 1."),
    ],
)

ex5 = Exercise(
    "Estimate: 80 GB GPUs to train a 70B model with ZeRO-3",
    expected=_min_gpus_zero3,
    unit="GPUs",
    within_factor=1.5,
    hints=[
        "Mixed-precision Adam needs 16 bytes per parameter in total: weights, gradients and optimizer states.",
        "ZeRO-3 shards all of it evenly over the GPUs, so each GPU holds 16 x N / n bytes.",
        "Find the smallest n with 16 x 70e9 / n <= 80e9, or try n in `parallel.zero_memory_per_gpu(70e9, n, 3)`.",
    ],
    explanation="16 bytes x 70e9 = 1,120 GB of training state; / 80 GB per GPU = 14 GPUs, with nothing left for "
                "activations, buffers or the CUDA context, so a real run needs more (and ZeRO-3 communicates 1.5x "
                "as much as plain data parallelism).",
    traps=[
        Trap(lambda e: memory.weights_bytes(BIG_PARAMS, "bf16") / (GPU_MEMORY_GB * units.GB),
             "that counts only the bf16 weights (140 GB); training also stores gradients and Adam's states, "
             "16 bytes per parameter in all."),
        Trap(lambda e: 2 * memory.weights_bytes(BIG_PARAMS, "bf16") / (GPU_MEMORY_GB * units.GB),
             "that counts weights and gradients (280 GB) but not the optimizer states (12 bytes per parameter)."),
        Trap(lambda e: memory.training_memory(BIG_PARAMS)["total"] / units.GB,
             "that is the training state in GB (1,120); the question asks how many 80 GB GPUs hold it."),
    ],
)



ex6 = Exercise(
    "Which parallelism must stay inside one 8-GPU server?",
    expected=lambda: "tensor",
    kind="choice",
    options=("tensor", "pipeline", "data"),
    hints=[
        "Count how often each kind talks: once per step, once per micro-batch and stage, or inside every layer?",
        "Inside a server NVLink gives each GPU 300-450 GB/s; between servers its network port gives 25-50 GB/s.",
    ],
    explanation="Tensor parallelism all-reduces the layer's activations 4 times per layer (notebook 07 section "
                "4): over InfiniBand it takes longer than the layer's compute. Pipeline parallelism sends one "
                "activation per micro-batch between stages, data parallelism one all-reduce per step: both cross "
                "servers in every large run.",
    feedback={
        "pipeline": "pipeline stages send one activation per micro-batch and stage boundary: little traffic, "
                    "which is why PP is the dimension that usually crosses servers.",
        "data": "data parallelism all-reduces the gradients once per step (and can overlap it with the backward "
                "pass); large runs spread it over hundreds of servers.",
    },
)

TWO_SERVERS_BYTES, TWO_SERVERS_GPUS, TWO_SERVERS_SYSTEM = 14e9, 16, "DGX A100 (80GB)"
_A100_NVLINK = topology.get_system(TWO_SERVERS_SYSTEM).link_inside().bandwidth_gbs * 1e9  # 300 GB/s
_A100_NIC = topology.get_system(TWO_SERVERS_SYSTEM).network().bandwidth_gbs * 1e9  # 25 GB/s

ex7 = Exercise(
    "All-reduce of 14 GB over 16 A100s in two DGX A100 servers",
    expected=lambda: topology.collective_time("all-reduce", TWO_SERVERS_BYTES, TWO_SERVERS_SYSTEM,
                                              TWO_SERVERS_GPUS).seconds,
    unit="s",
    hints=[
        "16 GPUs are two servers of 8: NVLink (300 GB/s each way) inside each, one 200 Gb/s InfiniBand port per "
        "GPU between them.",
        "Hierarchical: reduce-scatter inside each server, all-reduce each GPU's 1/8 share across the 2 servers over "
        "its own port, all-gather inside each server.",
        "Inside: 2 x 7/8 x 14 GB / 300 GB/s. Across: 2 x 1/2 x (14 GB / 8) / 25 GB/s. Add them.",
    ],
    explanation="2 x 7/8 x 14 GB / 300 GB/s = 81.7 ms inside the servers, plus 2 x 1/2 x 1.75 GB / 25 GB/s = 70 ms "
                "across them: 152 ms. NVLink alone would give 87.5 ms; one flat ring paced by the network 1.05 s.",
    traps=[
        Trap(lambda e: 2 * 15 / 16 * TWO_SERVERS_BYTES / _A100_NVLINK,
             "that puts all 16 GPUs on NVLink. A DGX A100's NVLink joins its own 8 GPUs; the two servers talk "
             "over InfiniBand."),
        Trap(lambda e: 2 * 15 / 16 * TWO_SERVERS_BYTES / _A100_NIC,
             "that is one flat ring through all 16 GPUs at the network's pace. NCCL reduces inside each server "
             "first, so only a 1/8 share crosses the network."),
        Trap(lambda e: TWO_SERVERS_BYTES / 8 / _A100_NIC,
             "that is only the network part. The reduce-scatter and all-gather inside each server take time too."),
        Trap(lambda e: 2 * 7 / 8 * TWO_SERVERS_BYTES / _A100_NVLINK + TWO_SERVERS_BYTES / 8 / (8 * _A100_NIC),
             "you read 200 Gb/s as 200 GB/s: network rates are in bits, 200 Gb/s = 25 GB/s."),
    ],
)

ACCUMULATION_MODEL, ACCUMULATION_SYSTEM, ACCUMULATION_GPUS, MICROBATCH_TOKENS = "Llama-2 7B", "DGX A100 (80GB)", 64, 4096


def _accumulation_steps() -> int:
    """Fewest accumulation steps that give 64 A100s at least 95 % data-parallel efficiency."""
    return next(k for k in range(1, 1000)
                if layouts.dp_speedup(ACCUMULATION_MODEL, ACCUMULATION_SYSTEM, ACCUMULATION_GPUS,
                                      MICROBATCH_TOKENS * k, 0.4)["efficiency"] >= 0.95)


ex8 = Exercise(
    "Gradient accumulation steps for 95 % efficiency on 64 A100s",
    expected=_accumulation_steps,
    unit="accumulation steps",
    hints=[
        "Accumulating k micro-batches multiplies the compute per step by k; the all-reduce stays the same.",
        "Efficiency = compute / (compute + all-reduce) without overlap. Find the compute of one micro-batch and "
        "the all-reduce of 8 servers, then solve for k.",
        "One micro-batch: 6 x 6.74e9 x 4096 / (312e12 x 0.4) s. All-reduce: reduce-scatter and all-gather in the "
        "server over NVLink, the 1/8 share across 8 servers over 25 GB/s per GPU.",
    ],
    explanation="Compute 1.327 s per micro-batch; all-reduce 78.6 ms (NVLink) + 117.9 ms (InfiniBand) = 196.5 ms. "
                "k x 1.327 / (k x 1.327 + 0.1965) >= 0.95 gives k >= 2.81: 3 steps (95.3 %; 2 give 93.1 %).",
    traps=[
        Trap(lambda e: 1, "one step (no accumulation) gives 87 %: the all-reduce is 13 % of the step."),
        Trap(lambda e: 2, "two steps give 93.1 %, not yet 95 %."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8]
