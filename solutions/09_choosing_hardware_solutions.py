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
# # 09 · Choosing hardware — solutions
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
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/solutions/09_choosing_hardware_solutions.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/solutions/09_choosing_hardware_solutions.ipynb)

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
### BEGIN SOLUTION
need = memory.inference_memory("Llama-2 70B", "fp16", seq_len=4096, batch=32, overhead_fraction=0.1)
gpus_for_bytes = need["total"] / hardware.get_gpu("H100 SXM").memory_bytes  # (137.95 + 42.95) x 1.1 / 80 = 2.49
answer = next(n for n in planner.tensor_parallel_sizes("Llama-2 70B") if n >= gpus_for_bytes)
### END SOLUTION
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
### BEGIN SOLUTION
flops = compute.training_flops(models.get_model("Llama-2 13B").param_count(), 1e12)
one_gpu_seconds = compute.training_seconds(flops, "H100 SXM", 1, 0.4)
needed = one_gpu_seconds / (14 * 86_400)  # 163.1 GPUs
answer = planner.rentable_gpus(int(-(-needed // 1)), topology.reference_system("H100 SXM"))[0]  # 164 -> 21 servers = 168
### END SOLUTION
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
### BEGIN SOLUTION
speeds = {gpu: compute.decode_tokens_per_second("Llama-2 13B", gpu, dtype="fp16") for gpu in ("L40S", "A100 PCIe 80GB")}
answer = max(speeds, key=speeds.get)  # 74 vs 33 tokens/s: bandwidth 1,935 vs 864 GB/s
### END SOLUTION
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
### BEGIN SOLUTION
answer = T4_OPTIONS[2]  # tensor-parallel groups stay inside one NVLink domain; T4s have none
### END SOLUTION
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
### BEGIN SOLUTION
job = Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30)
snapshot = prices.priced(prices.rent_prices([d.name for d in planner.devices()]))
left_out = [p.gpu for p in planner.rank_hardware(job, snapshot, rank_by="cost").left_out]  # includes the TPU v5e
answer = RANKING_OPTIONS[2]
### END SOLUTION
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
### BEGIN SOLUTION
hours = [planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=d), "H100").gpu_hours
         for d in (30, 90)]  # 56,749 both times (80 -> 32 GPUs, 3x the days)
answer = DEADLINE_OPTIONS[1]
### END SOLUTION
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)

# %%
### SOLUTION ONLY
from course_lib.checks import assert_all_correct

assert_all_correct(EXERCISES)
