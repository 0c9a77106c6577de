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
# # 10 · Cost, energy and access — exercises
#
# Six exercises on [notebook 10](../notebooks/10_cost_and_energy.ipynb): the energy of a run with
# PUE, its bill at a dated price, rent or buy, an estimate of Llama-2 70B's energy, and two
# questions on cost per job and on the H800's slower links.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for,
# or an option in quotes where it asks you to choose) and run the cell. `ex1.check(answer)` says ✓
# *correct*, ✗ *not yet* (with what looks off) or ✎ *not attempted*. Stuck? Uncomment `ex1.hint()`
# (run it again for a more specific hint) or `ex1.solution()`.
#
# **Conventions:** power in watts (W), energy in kilowatt-hours (1 kWh = 3.6 × 10⁶ J); money in USD.
# **Prices** come from the course's dated snapshot (`course_lib.prices`), except the rent in
# exercise 3, which the question gives as a quote you received.
#
# **Estimated time:** 30 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/10_cost_and_energy_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/10_cost_and_energy_exercises.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
from course_lib import compute, hardware, models, parallel, planner, prices, topology, units  # noqa: F401
from course_lib.checks import progress
from course_lib.checks.cost_energy import EXERCISES, STEP_OPTIONS, ex1, ex2, ex3, ex4, ex5, ex6
from course_lib.planner import Job  # noqa: F401 - for your answers

# %% [markdown]
# ## Exercise 1 · Energy of a fine-tuning run
#
# A fine-tuning run uses **2 nodes of 8 H100 SXM** GPUs for **36 hours**. Each GPU draws its TDP the
# whole time, and the data centre's **PUE is 1.2**. How much energy does the run take from the grid,
# in **kWh**? (GPU boards only: ignore CPUs, network and storage.)
#
# *Self-check:* 16 boards of 700 W are 11.2 kW; the answer is a few hundred kWh.

# %%
answer = ...  # your code here
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · The bill for a pre-training run
#
# You pre-train **Llama-2 7B** (`models.get_model("Llama-2 7B").param_count()` parameters) on **10¹²
# tokens** on **8 DGX H100 nodes of 8 GPUs** at **40% MFU** (dense bf16 peak), renting at the
# **cheapest on-demand H100 SXM price in the snapshot** (`prices.reference_rent("H100 SXM")`). What
# does the run cost, in **USD**?
#
# *Self-check:* the wall-clock time is under three weeks; the bill is tens of thousands of USD.

# %%
price = ...  # your code here
flops = ...  # your code here
run = ...  # your code here
answer = ...  # your code here
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · Rent or buy an RTX 4090?
#
# You can buy an **RTX 4090** at its launch MSRP (`prices.purchase_price("RTX 4090")`, NVIDIA
# newsroom), which draws its **450 W** TDP whenever you use it, or rent a comparable GPU: a provider
# quotes you **USD 0.40 per hour**. You pay the 2023 average **California household** electricity price
# (`prices.electricity("California", "residential")`). You use the GPU **12 hours a day**. After how
# many **months** (of 365.25 / 12 days) has buying become the cheaper choice? Ignore the rest of the
# computer and resale value.
#
# *Self-check:* without electricity it would be 1,599 / 0.40 = 4,000 hours; electricity makes it longer.

# %%
card = ...  # your code here
usd_per_kwh = ...  # your code here
answer = ...  # your code here
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Estimate it yourself: the energy to pre-train Llama-2 70B
#
# Llama-2 70B was pre-trained on **2 × 10¹² tokens** on **A100 80GB** GPUs. Estimate the energy the GPU
# boards used, in **MWh**, with each GPU at its 400 W TDP the whole time (PUE 1). You choose the MFU; a
# realistic one (notebook 03) gives an answer the check accepts.
#
# *Self-check:* Meta published its GPU-hours and power for this run; `ex4.solution()` compares.
#

# %%
flops = ...  # your code here
answer = ...  # your code here
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · Cheaper per hour, cheaper per job?
#
# A LoRA-style fine-tune of **Llama-2 7B on 10⁹ tokens** fits on one **"L4"** or one **"H100 SXM"**.
# At the snapshot's on-demand prices (USD 0.80 and 2.99 per GPU-hour) and the same MFU, which job
# costs less? Give the name as a string. (Predict first.)

# %%
job = ...  # your code here
bills = ...  # your code here
answer = ...  # your code here
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · The H800's slower NVLink, with overlap
#
# An 8-GPU data-parallel step of Llama-2 7B (4 sequences of 2,048 tokens per GPU, 40% MFU) all-reduces
# its bf16 gradients over NVLink: 450 GB/s per direction in a DGX H100, 200 GB/s in an HGX H800. With
# PyTorch DDP overlapping the all-reduce with the backward pass, how much longer is the H800 step?
# Choose one of `STEP_OPTIONS`.

# %%
STEP_OPTIONS

# %%
n_params = ...  # your code here
compute_s = ...  # your code here
h800 = ...  # your code here
step = ...  # your code here
answer = ...  # your code here
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)
