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
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Inside the GPU and the server — exercises
#
# Practice for [notebook 02](../notebooks/02_inside_the_gpu.ipynb): the peak rebuilt from the chip,
# tiles and arithmetic intensity, attention's memory traffic, why tensor parallelism stays in a
# server and why FlashAttention is fast, checkpoints and a rack's power.
#
# **How to use this notebook.** Replace each `...` with your answer (a number, or a letter in quotes
# for the two multiple-choice questions) and run the cell: `ex.check(answer)` says *correct*,
# *not yet* (and what looks off) or *not attempted*. Stuck? Uncomment `ex.hint()` (call it again for
# a more specific hint) or `ex.solution()`. You may compute with `course_lib`: that is what it is for.
#
# **Estimated time:** 30 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/02_inside_the_gpu_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/02_inside_the_gpu_exercises.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
import math  # noqa: F401 (for your answers)

from course_lib import attention, chip, server, storage, tiling  # noqa: F401 (for your answers)
from course_lib.checks import progress
from course_lib.checks.inside_gpu import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8

# %% [markdown]
# ## Exercise 1 · Rebuild a peak
#
# An H100 SXM has 132 SMs. Each SM has 4 Tensor Cores, and each Tensor Core does 512 dense bf16
# multiply-adds per clock. NVIDIA computes the Tensor Core peaks at a 1,830 MHz boost clock (its
# FP32 peak uses 1,980 MHz). What is the dense bf16 peak in TFLOPS? *Self-check:* the datasheet
# prints 1,979 TFLOPS "with sparsity", twice the dense figure.

# %%
answer = ...  # your code here
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · Reuse from tiles
#
# A kernel multiplies two bf16 matrices of 8192 × 8192, computing the output in 128 × 128 tiles.
# Every tile of A and B it needs is loaded from HBM (no cache), and C is written once. What is the
# arithmetic intensity in FLOP per HBM byte? *Self-check:* it is about the tile edge divided by the
# bytes per value.

# %%
hbm_bytes = ...  # your code here
answer = ...  # your code here
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · The compute-bound tile
#
# Same product on an H100 SXM in bf16. What is the smallest power-of-two tile edge (16, 32, ...,
# 8192) at which the kernel is compute-bound, i.e. its intensity reaches the ridge point (dense
# bf16 peak / HBM bandwidth)? *Predict first:* a bigger or a smaller tile than one SM's register
# file can hold (256 × 256 fp32 accumulators would fill all of it; real kernels stop at about
# 128 × 256)? Then check with `tiling.tile_on_roofline`.

# %%
answer = ...  # your code here
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Standard attention's traffic
#
# Standard attention for one head with N = 4096 tokens and head size d = 128, in bf16, writes the
# N × N scores S to HBM, reads them for the softmax, writes the probabilities P, reads them with V,
# and writes the output O (Dao et al. 2022, Algorithm 0). How many MB (10⁶ bytes) does it move
# through HBM? *Self-check:* almost all of it is the N × N matrices.

# %%
answer = ...  # your code here
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · Why does tensor parallelism stay inside one server?
#
# Give the letter of the best explanation, as a string (e.g. `"a"`):
# - **a** Inside a DGX H100 each GPU has 450 GB/s of NVLink each way, nine times its 50 GB/s network
#   card, and tensor parallelism all-reduces every layer's activations on the critical path.
# - **b** Tensor parallelism needs all GPUs to share one memory, which only exists inside a server.
# - **c** InfiniBand cannot perform all-reduce operations.
# - **d** A server has 8 GPUs and models have 8 attention heads, one per GPU.

# %%
answer = ...  # your code here
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Why is FlashAttention faster?
#
# Give the letter, as a string:
# - **a** It skips small attention scores, so it does fewer FLOP.
# - **b** It never writes the N × N score and probability matrices to HBM, so it moves far fewer bytes.
# - **c** It computes attention in fp8 instead of bf16.
# - **d** It spreads each attention head over several GPUs.
#
# *Predict, then check:* compare `attention.attention_io(4096, 128, 2, attention.sram_values("H100 SXM"))`'s
# `flops` and `bytes` for the three methods.

# %%
answer = ...  # your code here
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Exercise 7 · How often to checkpoint
#
# A 70B model trains with mixed-precision Adam on 4,096 GPUs. Its checkpoint (weights and optimizer
# states) is written to a file system at 50 GB/s. Assume the failure rate per GPU of the Llama 3
# snapshot (419 unexpected interruptions in 54 days on 16,384 GPUs). By Young's rule, how many
# minutes of training should separate two checkpoints? *Self-check:* between a few minutes and an
# hour, and far shorter than the mean time between failures.

# %%
delta = ...  # your code here
mtbf = ...  # your code here
answer = ...  # your code here
ex7.check(answer)

# %%
# ex7.hint()
# ex7.solution()

# %% [markdown]
# ## Exercise 8 · A rack's facility power
#
# A rack holds four DGX H100 servers running at their maximum power; the data centre's PUE is 1.3.
# How many kW does the rack cost the facility? *Self-check:* several times the ~10 kW of a typical
# rack.

# %%
answer = ...  # your code here
ex8.check(answer)

# %%
# ex8.hint()
# ex8.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)
