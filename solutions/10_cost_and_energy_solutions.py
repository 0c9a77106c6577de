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
# # 10 · Cost, energy and access — solutions
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
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/solutions/10_cost_and_energy_solutions.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/solutions/10_cost_and_energy_solutions.ipynb)

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
### BEGIN SOLUTION
answer = compute.energy_kwh(hardware.get_gpu("H100 SXM").tdp_w, 36 * units.SECONDS_PER_HOUR, n_gpus=16, pue=1.2)
### END SOLUTION
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
### BEGIN SOLUTION
price = prices.reference_rent("H100 SXM")  # USD 2.99, Lambda on demand, 2026-05-18
flops = compute.training_flops(models.get_model("Llama-2 7B").param_count(), 1e12)
run = compute.training_cost(flops, "H100 SXM", n_gpus=8 * 8, mfu=0.4, usd_per_gpu_hour=price.usd_per_gpu_hour)
answer = run["usd"]  # 28,375 GPU-hours x USD 2.99
### END SOLUTION
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
### BEGIN SOLUTION
card = hardware.get_gpu("RTX 4090")
usd_per_kwh = prices.electricity("California", "residential").usd_per_kwh
answer = planner.break_even(prices.purchase_price(card).usd, card.tdp_w, 0.40, usd_per_kwh, hours_per_day=12)["months"]
### END SOLUTION
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
# <!-- BEGIN SOLUTION -->
#
# **Solution notes.** 6 N D = 8.28e23 FLOP; at 40% of 312 TFLOPS that is 1.84 million GPU-hours and,
# at 0.4 kW each, 737 MWh. Meta's Table 2 (Touvron et al. 2023) gives 1,720,320 GPU-hours at 400 W:
# 688 MWh, so the run reached about 43% MFU. Meta's 400 W is each GPU's peak power "adjusted for
# power usage efficiency" (the table's caption), so its estimate already stands for the grid's
# side; one of its two clusters even capped the GPUs at 350 W (section 2.2.1).
# <!-- END SOLUTION -->

# %%
### BEGIN SOLUTION
flops = compute.training_flops(models.get_model("Llama-2 70B").param_count(), 2e12)
answer = compute.training_cost(flops, "A100 SXM 80GB", n_gpus=1, mfu=0.4, usd_per_gpu_hour=0)["kwh"] / 1e3
### END SOLUTION
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
### BEGIN SOLUTION
job = Job("lora", "Llama-2 7B", n_tokens=1e9)
bills = {g: planner.plan(job, g, prices.rent_price(g).usd).usd for g in ("L4", "H100 SXM")}  # USD 124 vs 57
answer = min(bills, key=bills.get)
### END SOLUTION
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
### BEGIN SOLUTION
n_params = models.get_model("Llama-2 7B").param_count()
compute_s = compute.training_seconds(compute.training_flops(n_params, 8 * 4 * 2048), "H800 SXM", 8, 0.4)  # 0.837 s
h800 = topology.get_system("HGX H800 8-GPU").intra_link.bandwidth_gbs
step = parallel.data_parallel_step_seconds(n_params, 8, h800, compute_s, overlap=1.0)  # all 0.118 s hidden
answer = STEP_OPTIONS[2]
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
