# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · Parallelism — solutions
#
# Eight exercises on [notebook 07](../notebooks/07_parallelism.ipynb): the time of a ring
# all-reduce, the pipeline bubble, ZeRO memory per GPU, a tensor-parallel split, one estimate
# of your own, which parallelism stays in a server, an all-reduce across two servers, and gradient
# accumulation.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for)
# and run the cell. `ex1.check(answer)` says ✓ *correct*, ✗ *not yet* (with what looks off) or ✎ *not
# attempted*. Stuck? Uncomment `ex1.hint()` (run it again for a more specific hint) or
# `ex1.solution()`.
#
# **Conventions:** GB = 10⁹ bytes, GiB = 2³⁰ bytes; link bandwidths are **per GPU, per direction**
# in GB/s (bytes); network rates such as InfiniBand's are quoted in Gb/s (bits).
#
# Exercises:
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/07_parallelism_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/07_parallelism_exercises.ipynb)
# <!-- BEGIN SOLUTION -->
#
# Solutions (this notebook):
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/solutions/07_parallelism_solutions.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/solutions/07_parallelism_solutions.ipynb)
# <!-- END SOLUTION -->

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
import numpy as np

from course_lib import layouts, memory, parallel, topology, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.parallelism import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8

# %% [markdown]
# ## Exercise 1 · All-reduce over InfiniBand
#
# A 7B-parameter model (7 × 10⁹ parameters) is trained with plain data parallelism on 8 GPUs in 8
# different servers. Each GPU has its own **InfiniBand NDR** port, rated **400 Gb/s**. How long, in
# **seconds**, does one ring all-reduce of the **bf16** gradients take (bandwidth term only, no
# latency)?
#
# *Self-check:* each GPU sends a little less than twice the gradient buffer; the answer is under a second.

# %%
### BEGIN SOLUTION
gradient_bytes = memory.weights_bytes(7e9, "bf16")  # 14 GB
bandwidth_gbs = parallel.network_bandwidth_gbs(400)  # 400 Gb/s / 8 = 50 GB/s
answer = parallel.allreduce_seconds(gradient_bytes, 8, bandwidth_gbs)
### END SOLUTION
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · The pipeline bubble
#
# A model is split into **p = 4** pipeline stages and each training step runs **m = 8**
# micro-batches. What **fraction** of the step (a number between 0 and 1) does a GPU spend idle?
# Assume forward and backward passes are balanced across stages.
#
# *Self-check:* draw it with `plot_pipeline_schedule` (course_lib.widgets.parallelism) and count the white cells.

# %%
### BEGIN SOLUTION
answer = parallel.pipeline_bubble_fraction(4, 8)
assert answer == parallel.grid_bubble_fraction(parallel.pipeline_schedule(4, 8))  # counted on the chart
### END SOLUTION
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · ZeRO-2 memory per GPU
#
# The ZeRO paper's example: a **7.5B**-parameter model trained with mixed-precision Adam on **64**
# data-parallel GPUs with **ZeRO stage 2**. How many **GB** of training state (weights, gradients,
# optimizer states; no activations) does **each GPU** hold?
#
# *Self-check:* the paper's Figure 1 shows it; it is between the stage-1 and stage-3 values.

# %%
### BEGIN SOLUTION
answer = parallel.zero_memory_per_gpu(7.5e9, 64, 2)["total"] / units.GB
### END SOLUTION
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Column-parallel by hand
#
# `w` below has shape (k, n) = (6, 8). In a **column-parallel** layer on 4 GPUs, each GPU holds one
# block of `w` and computes `x @ block` with the full `x`; the four results are concatenated along
# the last axis. Along which **numpy axis** of `w` do you split it (`np.split(w, 4, axis=?)`)?
# Give `0` or `1`.
#
# *Self-check:* concatenate your four `x @ block` results and compare with `x @ w` using
# `np.allclose` (and with `parallel.column_parallel_matmul(x, w, 4)`).

# %%
rng = np.random.default_rng(5)
x, w = rng.standard_normal((3, 6)), rng.standard_normal((6, 8))
### BEGIN SOLUTION
answer = 1
blocks = np.split(w, 4, axis=answer)  # four (6, 2) blocks: two columns each
assert np.allclose(np.concatenate([x @ block for block in blocks], axis=-1), x @ w)
assert np.allclose(parallel.column_parallel_matmul(x, w, 4), x @ w)
### END SOLUTION
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · Estimate it yourself: how many 80 GB GPUs for a 70B model?
#
# You want to train a **70B**-parameter model with mixed-precision Adam and **ZeRO-3** on GPUs with
# **80 GB** each. Ignoring activations, temporary buffers and the CUDA context, what is the
# **smallest number of GPUs** whose memory holds the training state? Any answer within a **factor
# of 1.5** of the course's counts as correct.
#
# *Self-check:* ZeRO-3 shards everything, so the per-GPU share is the whole state divided by the
# number of GPUs.
# <!-- BEGIN SOLUTION -->
#
# **Solution notes.** 16 bytes per parameter (2 weights + 2 gradients + 12 optimizer states) × 70e9
# = 1,120 GB, and 1,120 / 80 = 14. Real runs need more GPUs: activations are not sharded by ZeRO,
# and the 80 GB of a datasheet is not all usable. Large runs use far more GPUs anyway, for *time*
# rather than memory (notebook 03).
# <!-- END SOLUTION -->

# %%
### BEGIN SOLUTION
answer = next(n for n in range(1, 1000) if parallel.zero_memory_per_gpu(70e9, n, 3)["total"] <= 80e9)
### END SOLUTION
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Which parallelism stays inside the server? (think first)
#
# A cluster of DGX A100 servers: 8 GPUs per server on NVLink (300 GB/s each way), one 200 Gb/s
# InfiniBand port per GPU between servers. Which kind of parallelism must stay **inside one
# server**? Answer `"tensor"`, `"pipeline"` or `"data"`, *before* you look back at notebook 07.
#
# *Self-check:* how many times per training step does each kind communicate?

# %%
### BEGIN SOLUTION
answer = "tensor"  # 4 all-reduces per layer; pipeline: one send per micro-batch; data: one all-reduce per step
### END SOLUTION
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Exercise 7 · An all-reduce across two servers
#
# The bf16 gradients of a 7B model (**14 GB**) are all-reduced over **16 A100s**: two DGX A100
# servers. NCCL does it hierarchically: reduce-scatter inside each server, all-reduce of each GPU's
# 1/8 share across the two servers (each GPU over its own port), all-gather inside each server. How
# many **seconds** does it take (bandwidth terms only)?
#
# *Self-check:* more than on 8 GPUs of one server (81.7 ms), far less than one flat ring at the
# network's pace.

# %%
### BEGIN SOLUTION
inside = 2 * 7 / 8 * 14e9 / 300e9  # reduce-scatter + all-gather in each server: 81.7 ms
across = 2 * 1 / 2 * (14e9 / 8) / (200e9 / 8)  # the 1/8 share over 2 servers at 25 GB/s: 70 ms
answer = inside + across
assert abs(answer - topology.collective_time("all-reduce", 14e9, "DGX A100 (80GB)", 16).seconds) < 1e-12
### END SOLUTION
ex7.check(answer)

# %%
# ex7.hint()
# ex7.solution()

# %% [markdown]
# ## Exercise 8 · Gradient accumulation for 95 % efficiency
#
# Llama-2 7B is trained with plain data parallelism on **64 A100s** (8 DGX A100 servers) at **40%
# MFU**, micro-batches of **4,096 tokens** per GPU, no overlap. How many **accumulation steps** (micro-
# batches per optimizer step) does it take, at least, for the data-parallel efficiency (speed-up /
# 64) to reach **95%**?
#
# *Self-check:* with one step the efficiency is 87% (notebook 07, section 3).

# %%
### BEGIN SOLUTION
micro = 6 * 6_738_415_616 * 4096 / (312e12 * 0.4)  # compute of one micro-batch: 1.327 s
gradient_bytes = 2 * 6_738_415_616
allreduce = 2 * 7 / 8 * gradient_bytes / 300e9 + 2 * 7 / 8 * gradient_bytes / 8 / 25e9  # 8 servers: 196.5 ms
answer = next(k for k in range(1, 100) if k * micro / (k * micro + allreduce) >= 0.95)
assert answer == next(k for k in range(1, 100) if layouts.dp_speedup(
    "Llama-2 7B", "DGX A100 (80GB)", 64, 4096 * k, 0.4)["efficiency"] >= 0.95)
### END SOLUTION
ex8.check(answer)

# %%
# ex8.hint()
# ex8.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)

# %%
### SOLUTION ONLY
from course_lib.checks import assert_all_correct

assert_all_correct(EXERCISES)
