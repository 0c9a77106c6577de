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
# 70B model, the energy and the cost of a run, rent vs buy, which GPU generates tokens faster, and
# one estimate of your own.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for,
# or a name in quotes where it asks you to choose) and run the cell. `ex1.check(answer)` says ✅
# *correct*, ❌ *not yet* (with what looks off) or ✏️ *not attempted*. Stuck? Uncomment `ex1.hint()`
# (run it again for a more specific hint) or `ex1.solution()`.
#
# **Conventions:** GB = 10⁹ bytes, GiB = 2³⁰ bytes; TFLOPS are dense; power in watts (W), energy in
# kilowatt-hours (1 kWh = 3.6 × 10⁶ J). **Prices in the questions are assumptions** for the exercise,
# not market data.
#
# **Estimated time:** 30 min
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/09_choosing_hardware_exercises.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/09_choosing_hardware_exercises.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"

# %%
from course_lib import compute, hardware, memory, models, planner, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.choosing import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6

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
# ## Exercise 2 · Energy of a fine-tuning run
#
# A fine-tuning run uses **2 nodes of 8 H100 SXM** GPUs for **36 hours**. Each GPU draws its TDP the
# whole time, and the data centre's **PUE is 1.2**. How much energy does the run take from the grid,
# in **kWh**? (GPU boards only: ignore CPUs, network and storage.)
#
# *Self-check:* 16 boards of 700 W are 11.2 kW; the answer is a few hundred kWh.

# %%
answer = ...  # your code here
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · The bill for a pre-training run
#
# You pre-train **Llama-2 7B** (`models.get_model("Llama-2 7B").param_count()` parameters) on **10¹²
# tokens** on **8 nodes of 8 H100 SXM** GPUs at **40% MFU** (dense bf16 peak). The provider bills
# **$2.50 per GPU-hour** (an assumed price). What does the run cost, in **$**?
#
# *Self-check:* the wall-clock time is under three weeks; the bill is tens of thousands of dollars.

# %%
flops = ...  # your code here
run = ...  # your code here
answer = ...  # your code here
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Rent or buy an RTX 4090?
#
# You can buy an **RTX 4090** at its launch MSRP (`hardware.get_gpu("RTX 4090").price_usd`), which draws
# its **450 W** TDP whenever you use it, or rent a comparable GPU for **$0.40 per hour**. Electricity costs
# **$0.25 per kWh**. You use the GPU **12 hours a day**. After how many **months** (of 365.25 / 12 days)
# has buying become the cheaper choice? Ignore the rest of the computer and resale value.
#
# *Self-check:* without electricity it would be 1,599 / 0.40 = 4,000 hours; electricity makes it longer.

# %%
card = ...  # your code here
answer = ...  # your code here
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · Which GPU generates tokens faster?
#
# One user chats with **Llama-2 13B in fp16** (batch 1): each new token needs the whole model read from
# memory. Which card produces tokens faster, the **"L40S"** (362 dense bf16 TFLOPS) or the
# **"A100 PCIe 80GB"** (312 TFLOPS)? Give the name as a string.
#
# *Self-check:* compute both with `compute.decode_tokens_per_second(model, gpu, dtype="fp16")`.

# %%
speeds = ...  # your code here
answer = ...  # your code here
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Estimate it yourself: the energy to pre-train Llama-2 70B
#
# Llama-2 70B was pre-trained on **2 × 10¹² tokens** on **A100 80GB** GPUs. Estimate the energy the GPU
# boards used, in **MWh**, with each GPU at its 400 W TDP the whole time (PUE 1). You choose the MFU.
# Any answer within a **factor of 2** of the course's counts as correct.
#
# *Self-check:* Meta published its GPU-hours and power for this run; `ex6.solution()` compares.
#

# %%
flops = ...  # your code here
answer = ...  # your code here
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)
