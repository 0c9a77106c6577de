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
# # 03 · FLOPS — exercises
#
# Eight exercises on [notebook 03](../notebooks/03_flops.ipynb): units, datasheets, the FLOP of a
# matmul and of a training run, training time, one estimate of your own, and two questions about
# ideas rather than arithmetic: predict what a widget will show, and order GPUs by their datasheets.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for,
# or for a multiple-choice question the letter as a string, e.g. `"A"`) and run the cell. `ex1.check(answer)` says ✓ *correct*, ✗ *not yet* (with what looks off) or ✎ *not
# attempted*. Stuck? Uncomment `ex1.hint()` (run it again for a more specific hint) or
# `ex1.solution()`.
#
# **Conventions:** dense TFLOPS (not 2:4 sparse); GB = 10⁹ bytes, GiB = 2³⁰ bytes; a multiply-add is 2 FLOP.
#
# **Estimated time:** 35 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/03_flops_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/03_flops_exercises.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
from course_lib import compute, hardware, models, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.flops import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8
from course_lib.widgets import flops as flops_widgets

# %% [markdown]
# ## Exercise 1 · GB or GiB?
#
# Hugging Face lists a checkpoint as **80 GB** (decimal: 80 × 10⁹ bytes). How many **GiB** will
# `du -h` (which counts in binary units) report? Give a number in GiB.
#
# *Self-check:* a GiB is bigger than a GB, so your number is smaller than 80.

# %%
checkpoint_bytes = units.parse_quantity("80 GB")
answer = ...  # your code here
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · Decode a datasheet
#
# The H100 SXM datasheet's headline reads "FP8: 3,958 TFLOPS\*", the asterisk meaning *with
# sparsity*. What **dense bf16** rate, in **TFLOPS**, can a bf16 training run count on at most?
#
# *Self-check:* it is below 1,000 TFLOPS.

# %%
headline_tflops = 3958  # datasheet: "FP8 3,958 TFLOPS*" (* = with 2:4 sparsity)
answer = ...  # your code here
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · One matmul
#
# Llama-2 7B's MLP up-projection multiplies the activations of a batch of 2048 tokens, a
# (2048 × 4096) matrix, by a (4096 × 11008) weight matrix. How many **GFLOP** is this one matmul?
#
# *Self-check:* more than 100 GFLOP.

# %%
m, k, n = 2048, 4096, 11008  # (m x k) @ (k x n)
answer = ...  # your code here
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Training FLOP
#
# A 7B-parameter model (take N = 7 × 10⁹) is trained on D = 2 × 10¹² tokens. How many **FLOP**
# does training take, forward and backward passes together?
#
# *Self-check:* of the order of 10²² to 10²³ FLOP.

# %%
n_params, n_tokens = 7e9, 2e12
answer = ...  # your code here
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · How many days?
#
# The run of exercise 4 (8.4 × 10²² FLOP) goes on **1024 A100 SXM 80GB** GPUs at **40% MFU** in
# bf16. The A100 datasheet prints "BF16 Tensor Core: 312 TFLOPS | 624 TFLOPS\*". How many **days**
# of wall-clock time does it take?
#
# *Self-check:* more than a week.

# %%
total_flop = 8.4e22
seconds = ...  # your code here
answer = ...  # your code here
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Estimate it yourself: GPU-hours of Llama-2 7B
#
# Meta pretrained Llama-2 7B on 2.0 trillion tokens on A100-80GB GPUs (Touvron et al. 2023,
# *Llama 2: Open Foundation and Fine-Tuned Chat Models*, Table 1). Estimate the total **GPU-hours**
# of that pretraining. You choose the MFU ([model FLOPs utilization](../docs/glossary.md#mfu): the
# fraction of the dense peak the run achieves): write down why. Any MFU you can defend counts, from
# 0.2 to 0.75; above 0.75 no whole training run has been published, and an MFU above 1 would be
# faster than the hardware. The solution compares your estimate with the figure Meta published.
#
# *Self-check:* GPU-hours do not depend on how many GPUs share the work.
#

# %%
mfu = ...  # your code here
total_flop = ...  # your code here
answer = ...  # your code here
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Exercise 7 · Predict, then move the control: twice the GPUs
#
# In the training-cost widget below (Llama-2 7B, 2 × 10¹² tokens, A100s at 40% MFU), the number of
# GPUs goes from **1024 to 2048**, everything else unchanged. **Before you touch it**, predict:
#
# - **A**: the days halve and the GPU-hours halve.
# - **B**: the days halve and the GPU-hours stay the same.
# - **C**: the days stay the same and the GPU-hours double.
# - **D**: the days and the GPU-hours both double.
#
# Answer with the letter, then set the number of GPUs in the widget to check yourself.

# %%
answer = ...  # your code here
ex7.check(answer)

# %%
flops_widgets.training_cost_view(n_gpus=1024, mfu=0.4)

# %%
# ex7.hint()
# ex7.solution()

# %% [markdown]
# ## Exercise 8 · Order four GPUs by their datasheets
#
# Order these by **dense fp16 Tensor Core TFLOPS** as used in training (GeForce cards: the rate
# **with fp32 accumulate**), slowest first:
#
# - **A**: V100 < RTX 4090 < A100 < H100
# - **B**: V100 < A100 < RTX 4090 < H100
# - **C**: RTX 4090 < V100 < A100 < H100
# - **D**: V100 < A100 < H100 < RTX 4090
#
# *Self-check:* the catalog (`hardware.get_gpu(name).peak_tflops("fp16")` and `.notes`) stores the
# dense rates; the notes quote what each datasheet prints.

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
