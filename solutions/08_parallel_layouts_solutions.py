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
# # 08 · Parallel layouts — solutions
#
# Four exercises on [notebook 08](../notebooks/08_parallel_layouts.ipynb): the training state of a
# 3D layout, the interleaved schedule's bubble, why DeepSeek-V3 used no tensor parallelism, and
# **design the layout**: any layout that fits and runs close to the best one counts.
#
# **How to use:** replace each `...` with your answer and run the cell. `ex1.check(answer)` says ✓
# *correct*, ✗ *not yet* (with what looks off) or ✎ *not attempted*. Stuck? Uncomment `ex1.hint()`
# (run it again for a more specific hint) or `ex1.solution()`.
#
# **Conventions:** GB = 10⁹ bytes; link bandwidths are **per GPU, per direction**; mixed-precision
# Adam keeps 16 bytes per parameter (2 weights, 2 gradients, 12 optimizer states).
#
# Exercises:
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/08_parallel_layouts_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/08_parallel_layouts_exercises.ipynb)
# <!-- BEGIN SOLUTION -->
#
# Solutions (this notebook):
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/solutions/08_parallel_layouts_solutions.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/solutions/08_parallel_layouts_solutions.ipynb)
# <!-- END SOLUTION -->

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
from course_lib import layouts, models, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.layouts import EXERCISES, ex1, ex2, ex3, ex4
from course_lib.layouts import Layout  # noqa: F401 - for your answer to exercise 4

# %% [markdown]
# ## Exercise 1 · Training state of a 3D layout
#
# Llama-2 70B (68.98 × 10⁹ parameters) is trained on 64 H100s with **TP 8 × PP 2 × DP 4** and
# **ZeRO-1**, mixed-precision Adam. How many **GB** of training state (weights, gradients, optimizer
# states; no activations) does **each GPU** hold? Assume the layers split evenly over the stages.
#
# *Self-check:* less than an H100's 80 GB, more than the 1.1 TB total / 64.

# %%
### BEGIN SOLUTION
per_gpu = models.get_model("Llama-2 70B").param_count() / (8 * 2)  # TP x PP split the parameters
answer = (2 + 2) * per_gpu / units.GB + 12 * per_gpu / 4 / units.GB  # ZeRO-1 shards the 12 bytes over DP 4
### END SOLUTION
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · The interleaved bubble
#
# A pipeline of **8 stages** runs **16 micro-batches** per step with the **interleaved** schedule,
# **2 chunks** of layers per GPU. What **fraction** of the pipeline's time (work + bubble) is idle?
#
# *Self-check:* less than 1F1B's (p−1)/(m+p−1) = 7/23.

# %%
### BEGIN SOLUTION
bubble = (8 - 1) / 2  # micro-batch times idle: 1F1B's p - 1, divided by the 2 chunks
answer = bubble / (16 + bubble)
### END SOLUTION
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · DeepSeek-V3 without tensor parallelism (think first)
#
# DeepSeek-V3 trained on 2,048 H800s with pipeline, expert and data parallelism, and **no tensor
# parallelism**. Why? Answer `"NVLink"` (the H800's NVLink is cut), `"MoE"` (tensor parallelism does
# not work for mixture-of-experts models) or `"memory"` (the H800 has too little memory).

# %%
### BEGIN SOLUTION
answer = "NVLink"
### END SOLUTION
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Design the layout
#
# You have **64 H100s** (8 DGX H100 servers) to train **Llama-2 70B** with **512 sequences of 4,096
# tokens** per step. Give a `Layout(...)` (TP, PP, DP, ZeRO stage, micro-batch, schedule,
# recomputation; see notebook 08) that **fits** in 80 GB per GPU (the check adds the usual 10%) and
# whose step is within **15%** of the fastest layout the course finds. Many answers pass.
#
# *Self-check:* `layouts.evaluate("Llama-2 70B", "DGX H100", your_layout, 4096, 512)` shows its memory
# and time; keep `memory.fits` True and make `time.total` small.

# %%
### BEGIN SOLUTION
candidates = [Layout(tp=8, pp=2, dp=4), Layout(tp=4, pp=2, dp=8), Layout(tp=8, pp=8)]
results = [layouts.evaluate("Llama-2 70B", "DGX H100", c, 4096, 512) for c in candidates]
answer = min((r for r in results if r.fits), key=lambda r: r.time.total).layout  # TP 4 x PP 2 x DP 8
### END SOLUTION
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)

# %%
### SOLUTION ONLY
from course_lib.checks import assert_all_correct

assert_all_correct(EXERCISES)
