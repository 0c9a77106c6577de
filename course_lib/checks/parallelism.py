"""Exercises of notebook 07 (parallelism): all-reduce time, pipeline bubble, ZeRO memory, a
tensor-parallel split, and an estimate of the GPUs a 70B model needs.

Expected values are computed with course_lib; the questions are in
``solutions/07_parallelism_solutions.ipynb`` (and, without answers, ``exercises/07_parallelism_exercises.ipynb``).
"""

from __future__ import annotations

import itertools

from course_lib import memory, parallel, units
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

EXERCISES = [ex1, ex2, ex3, ex4, ex5]
