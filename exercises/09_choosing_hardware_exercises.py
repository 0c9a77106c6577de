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
# # 09 · Choosing hardware — exercises
#
# Six exercises on [notebook 09](../notebooks/09_choosing_hardware.ipynb): how many GPUs to serve a
# 70B model, how many to rent for a deadline, which GPU generates tokens faster, and three questions
# on why the planner decides what it does.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for,
# or an option in quotes where it asks you to choose) and run the cell. `ex1.check(answer)` says ✓
# *correct*, ✗ *not yet* (with what looks off) or ✎ *not attempted*. Stuck? Uncomment `ex1.hint()`
# (run it again for a more specific hint) or `ex1.solution()`.
#
# **Conventions:** GB = 10⁹ bytes, GiB = 2³⁰ bytes; TFLOPS are dense; link bandwidths are per direction.
#
# **Estimated time:** 30 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/09_choosing_hardware_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/09_choosing_hardware_exercises.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
from course_lib import compute, hardware, memory, models, planner, prices, topology  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.choosing import DEADLINE_OPTIONS, EXERCISES, RANKING_OPTIONS, T4_OPTIONS, ex1, ex2, ex3, ex4, ex5, ex6
from course_lib.planner import Job  # noqa: F401 - for your answers

# %% [markdown]
# ## Exercise 1 · How many H100s to serve Llama-2 70B?
#
# You serve **Llama-2 70B in fp16** on **H100 SXM** GPUs (80 GB each) and want room for **32
# sequences of 4,096 tokens** at once (their KV cache, also fp16). Add **10%** to weights + KV cache
# for the CUDA context, workspace and fragmentation. Tensor parallelism splits the model's **64
# attention heads** evenly, so the number of GPUs must divide 64. What is the **smallest number of
# GPUs**?
#
# *Self-check:* the weights alone are about 140 GB, so the answer is more than 2.

# %%
need = ...  # your code here
gpus_for_bytes = ...  # your code here
answer = ...  # your code here
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · How many H100s do you rent for a deadline?
#
# You pre-train **Llama-2 13B** on **10¹² tokens** and must finish in **14 days**, on **H100 SXM**
# GPUs at **40% MFU** (dense bf16 peak). H100 SXM GPUs come in **DGX H100 servers of 8**, and a job
# larger than one server takes whole servers. How many **GPUs** do you rent?
#
# *Self-check:* one H100 would need about six years; the answer is a multiple of 8.

# %%
flops = ...  # your code here
one_gpu_seconds = ...  # your code here
needed = ...  # your code here
answer = ...  # your code here
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · Which GPU generates tokens faster?
#
# One user chats with **Llama-2 13B in fp16** (batch 1): each new token needs the whole model read from
# memory. Which card produces tokens faster, the **"L40S"** (362 dense bf16 TFLOPS) or the
# **"A100 PCIe 80GB"** (312 TFLOPS)? Give the name as a string.
#
# *Self-check:* compute both with `compute.decode_tokens_per_second(model, gpu, dtype="fp16")`.

# %%
speeds = ...  # your code here
answer = ...  # your code here
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Why no T4s for Llama-2 70B?
#
# Sixteen T4s have 256 GB between them, yet the planner says Llama-2 70B in fp16 does not fit on
# them. Which reason is right? Give one of the options as a string: `T4_OPTIONS[0]` to
# `T4_OPTIONS[3]`, printed below. (Predict first, then check in notebook 09's planner.)

# %%
T4_OPTIONS

# %%
answer = ...  # your code here
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · What does a cost ranking leave out?
#
# Rank the planner by **cost** for any training job: the TPU v5e is not ranked. Why? Choose one of
# `RANKING_OPTIONS`.

# %%
RANKING_OPTIONS

# %%
job = ...  # your code here
snapshot = ...  # your code here
left_out = ...  # your code here
answer = ...  # your code here
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Predict, then check: a longer deadline
#
# Pre-training Llama-2 7B on 2 trillion tokens in 30 days takes 80 H100s. You move the deadline to
# **90 days**. What happens to the **GPU-hours**? Predict, then check with the planner. Choose one of
# `DEADLINE_OPTIONS`.

# %%
DEADLINE_OPTIONS

# %%
hours = ...  # your code here
answer = ...  # your code here
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)
