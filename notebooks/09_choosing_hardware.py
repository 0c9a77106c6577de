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
# # 09 · Choosing hardware: which GPU, how many, how long, how much
#
# The previous notebooks gave you the pieces: FLOP and MFU (03), memory per parameter and the KV
# cache (04), quantization (05), ZeRO and tensor parallelism (07). Here they come together in one
# decision: for *your* job (pre-train, fine-tune or serve a model), which GPUs can do it, how many
# you need, how long it takes, what it costs at *your* price and how much energy it draws. Then:
# rent or buy, power and cooling, the China-market A800/H800, AMD, Google and edge hardware, and
# one popular myth.
#
# **Learning objectives**
# - Read the catalog and say which number matters for which job: memory, bandwidth, dense TFLOPS, watts, links.
# - Size a job: the minimum number of GPUs from memory, more for a deadline or for traffic, then days, $ and kWh.
# - Decide rent vs buy with your own prices, and estimate the power and heat of an 8-GPU node.
# - Explain what the A800/H800 export variants cut, and where MI300X, TPU v5e and Jetson fit.
# - Show with numbers why more TFLOPS does not mean faster token generation.
#
# **Estimated time:** 40 min
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/09_choosing_hardware.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/09_choosing_hardware.ipynb)
#
# **Conventions** (the same in every notebook): TFLOPS are **dense** (never the 2:4-sparse figure);
# **GB = 10⁹ bytes**, **GiB = 2³⁰ bytes**; GeForce fp16/bf16 tensor rates are the ones **with fp32
# accumulate**; a multiply-add counts as **2 FLOP**.
#
# **Prices are yours.** The catalog has launch prices (MSRPs) for the three GeForce cards only, and
# no cloud rental prices at all: they change every month and differ by provider and contract. Every
# $ in this notebook comes from a price *you* set, shown as an editable assumption.

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"

# %% [markdown]
# Everything below comes from `course_lib`: the catalog, the model presets, the memory and compute
# calculators, and `planner`, which puts them together.

# %%
import matplotlib.pyplot as plt
from IPython.display import HTML

from course_lib import compute, hardware, memory, models, parallel, planner, units
from course_lib.widgets import choosing

# %% [markdown]
# ## 1. The catalog
#
# Nineteen accelerators: NVIDIA data-centre, China-market, GeForce and edge GPUs, AMD's
# MI300X and Google's TPU v5e (the two CPUs of notebook 01 are left out here). Every row links
# to its datasheet; hover a link to see the full source. "—" means the vendor publishes no such
# figure (no TDP for the TPU, no bf16 on V100/T4, no fp8 on NVIDIA cards before Ada/Hopper).

# %%
HTML(choosing.catalog_table_html())

# %% [markdown]
# The facts the rest of the notebook leans on: the catalog's size, two rows, and the missing prices.

# %%
gpus_and_tpu = hardware.list_gpus("gpu") + hardware.list_gpus("tpu")
assert len(gpus_and_tpu) == 19
assert hardware.get_gpu("H100 SXM").peak_tflops("bf16") == 989.5  # 1,979* sparse / 2
assert hardware.get_gpu("MI300X").memory_gb == 192
assert all(g.rent_usd_per_hour is None for g in hardware.list_gpus())
[(g.name, g.price_usd) for g in gpus_and_tpu if g.price_usd]

# %% [markdown]
# Three views of the same table. First, compute against memory, with the bubble area showing board
# power (TDP). The top right is where large-model training lives; note the log scales.

# %%
fig, ax = plt.subplots(figsize=(8, 5), dpi=80)
choosing.plot_tflops_vs_memory(ax)
plt.show()

# %% [markdown]
# Power is a running cost (section 5), so compute *per watt* matters too. The TPU is missing
# because Google publishes no per-chip power.

# %%
fig, ax = plt.subplots(figsize=(7, 4.5), dpi=80)
choosing.plot_tflops_per_watt(ax)
plt.show()

# %% [markdown]
# Generating tokens reads every weight once per step, so for serving the number that matters is
# memory **bandwidth** (notebook 04, and the myth check below). Bandwidth against capacity:

# %%
fig, ax = plt.subplots(figsize=(8, 5), dpi=80)
choosing.plot_bandwidth_vs_memory(ax)
plt.show()

# %% [markdown]
# ## 2. Sizing one job, step by step
#
# The planner answers four questions per GPU. **First: how many GPUs just to hold the job?**
# Full training keeps 16 bytes per parameter (mixed-precision Adam) that ZeRO stage 3 shards over
# the GPUs, plus activations that it does not shard. `planner.min_gpus` finds the smallest count
# for which `memory.fit_report` says it fits, with 10% on top for the CUDA context and fragmentation.

# %%
planner.min_gpus("pretrain", "Llama-2 7B", "H100 SXM"), planner.min_gpus("finetune", "Llama-2 70B", "H100 SXM")

# %% [markdown]
# A LoRA-style fine-tune freezes the weights: no gradients, no optimizer state for them, only the
# weights themselves (2 bytes in bf16) plus activations. The adapters are tiny (the LoRA paper
# trains 4.7M or 37.7M of GPT-3's 175B parameters, Hu et al. 2021, Table 4) and are ignored here.
# That shrinks Llama-2 70B from 16 H100s to 2, bytes per GPU with the same 10% on top:

# %%
planner.lora_memory("Llama-2 70B", n_gpus=2, overhead_fraction=0.1)

# %% [markdown]
# This is the planner's **approximation** of LoRA, and the paper supports it: training GPT-3 175B
# with LoRA took 350 GB of GPU memory instead of 1.2 TB (Hu et al. 2021, section 4.2), which is
# 175B weights × 2 bytes, in GB:

# %%
memory.weights_bytes(175e9, "fp16") / units.GB

# %% [markdown]
# Its compute model is rougher. Without weight gradients the backward pass does half its work, so
# the planner counts **4 N D** FLOP instead of 6 N D: 1.5× faster in theory. The paper measured
# 43.1 against 32.5 tokens/s per V100 on GPT-3 175B (section 4.2, footnote 5), 1.33× faster, so
# the planner's LoRA times are about 13% too short. Two GPUs are also only a floor: one
# 2,048-token sequence per GPU, no room for a bigger batch, so real recipes use more. In the other
# direction, 4-bit frozen weights (notebook 05) shrink it further: QLoRA fine-tunes a 65B model "on
# a single 48GB GPU" (Dettmers et al. 2023, arXiv:2305.14314, abstract); the planner does not model
# quantized weights.

# %% [markdown]
# Serving splits the weights with tensor parallelism, and the group size must divide the number of
# attention heads. vLLM refuses anything else: asked to split Llama-2 70B over 3 GPUs it stops with
# "Total number of attention heads (64) must be divisible by tensor parallel size (3)." (its
# `ModelConfig.verify_with_parallel_config`). Llama-2 70B has 64 heads, so the allowed group sizes
# are the divisors of 64; the smallest that holds its bf16 weights and one 2,048-token sequence is
# 2 H100s (exercise 1 asks how many 32 sequences of 4,096 tokens need):

# %%
planner.tensor_parallel_sizes("Llama-2 70B"), planner.min_gpus("serve", "Llama-2 70B", "H100 SXM")

# %% [markdown]
# **Second: how long?** FLOP over (GPUs × dense peak × MFU), notebook 02. With a deadline the
# planner adds GPUs until the run fits in it: pre-training Llama-2 7B on 2 trillion tokens in 30
# days at 40% MFU takes 79 H100s, not 2.

# %%
run = planner.plan("pretrain", "Llama-2 7B", "H100 SXM", n_tokens=2e12, deadline_days=30, usd_per_gpu_hour=2.0)
run.n_gpus, units.format_duration(run.seconds), round(run.gpu_hours)

# %% [markdown]
# **Third and fourth: how much money and energy?** GPU-hours × *your* price (here an assumed $2.00
# per GPU-hour), and every board at its TDP: `compute.training_cost`. GPU-hours, and so the bill,
# do not depend on how many GPUs share the work, if MFU stays the same.

# %%
round(run.usd), units.format_si(run.kwh * 1e3, "Wh")

# %% [markdown]
# Checks of the numbers this section quoted (silent unless `course_lib` drifts; then the notebook fails):

# %%
assert planner.min_gpus("pretrain", "Llama-2 7B", "H100 SXM") == 2
assert planner.min_gpus("finetune", "Llama-2 70B", "H100 SXM") == 16
assert planner.min_gpus("lora", "Llama-2 70B", "H100 SXM") == 2
h100_bytes = hardware.get_gpu("H100 SXM").memory_bytes
assert planner.lora_memory("Llama-2 70B", 2, overhead_fraction=0.1)["total"] <= h100_bytes
assert memory.weights_bytes(175e9, "fp16") == 350e9
lora_share = planner.task_flops("lora", "Llama-2 7B", 1e9) / planner.task_flops("finetune", "Llama-2 7B", 1e9)
assert abs(lora_share - 2 / 3) < 1e-12
assert planner.min_gpus("serve", "Llama-2 70B", "H100 SXM") == 2
assert run.n_gpus == 79 and 29 < run.seconds / units.SECONDS_PER_DAY <= 30

# %% [markdown]
# ## 3. Which GPU for my job? The planner
#
# Pick a **task** (pre-train, full fine-tune, LoRA-style fine-tune with frozen weights, or serve),
# a **model** and a **precision**. For training, give the **number of tokens** and a **deadline**;
# for serving, the **traffic** (requests per second × tokens per response) and how many days you
# serve. Then set **your budget** and **your price per GPU-hour**: one price for every GPU, or choose
# a GPU under "your price applies to" and type the price you were quoted for it. The **efficiency**
# slider is the MFU for training, and the fraction of the memory-bandwidth bound reached when serving.
#
# The table ranks every GPU and TPU by cost or by time: how many GPUs (the memory minimum and the
# number for the deadline or traffic), memory per GPU, time, GPU-hours, dollars at your price, and
# kWh with every board at its TDP. Green bars are within your budget. A ⚠ marks a caveat (hover it),
# e.g. cards without NVLink, for which the assumed efficiency is optimistic.

# %%
choosing.planner_view()

# %% [markdown]
# **Try this:**
# - Move the deadline from 30 to 90 days: the GPU counts drop about 3× (79 → 27 H100s), but GPU-hours
#   and dollars stay the same (perfect scaling).
# - Choose the H100 SXM under "your price applies to" and type $4 (every other GPU stays at $2): the
#   H100 SXM falls from third to sixth place. The ranking follows *your* prices, not the TFLOPS alone.
# - Choose *serve*, Llama-2 70B, fp16, 10 requests/s: 4 B200s (180 GB) or 4 MI300Xs (192 GB) carry the
#   traffic where the 80 GB cards need 8, because more memory per copy of the weights holds a
#   bigger batch, and the B200 also reads memory fastest.
# - Switch the precision to fp8: only Ada, Hopper, Blackwell and the MI300X have an fp8 rate; the
#   other rows drop out ("does not fit: no fp8 rate on this hardware").
# - Choose *LoRA-style fine-tune* for Llama-2 70B and 100 million training tokens: a pair of H100s
#   holds it (the "memory minimum") and finishes in about 10 hours (4 N D FLOP instead of 6 N D; an
#   approximation, see section 2).
#
# The same planner without the widget (on GitHub, where widgets do not render): pre-training
# Llama-2 7B on 2 trillion tokens in 30 days, at an assumed $2 per GPU-hour and a $500,000 budget.

# %%
plans = planner.rank_hardware("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30, usd_per_gpu_hour=2.0,
                              budget_usd=500_000)
HTML(choosing.plans_table_html(plans[:6]))

# %% [markdown]
# With one price for every GPU, the cost ranking is just the speed ranking. Put in the prices you
# were really quoted (in the widget, or as a dict of GPU name to price in code) before you trust it.

# %%
# extra code – the planner's bar chart without the widget
fig, ax = plt.subplots(figsize=(7, 4), dpi=80)
choosing.plot_plans(ax, plans, "cost", budget_usd=500_000)
plt.show()

# %% [markdown]
# Checks of the numbers in the "Try this" list (silent unless they drift):

# %%
def gpus(task, model, **kwargs):
    return {p.gpu: p.n_gpus for p in planner.rank_hardware(task, model, usd_per_gpu_hour=2.0, **kwargs)}


assert gpus("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=90)["H100 SXM"] == 27
h100_at_4 = planner.rank_hardware("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30, usd_per_gpu_hour={
    g.name: 4.0 if g.name == "H100 SXM" else 2.0 for g in gpus_and_tpu})
assert [p.gpu for p in plans].index("H100 SXM") == 2 and [p.gpu for p in h100_at_4].index("H100 SXM") == 5
serving = gpus("serve", "Llama-2 70B", precision="fp16", requests_per_s=10)
assert (serving["B200"], serving["MI300X"], serving["H100 SXM"], serving["A100 SXM 80GB"]) == (4, 4, 8, 8)
lora = planner.plan("lora", "Llama-2 70B", "H100 SXM", n_tokens=1e8, deadline_days=30)
assert lora.n_gpus == 2 and 9 < lora.seconds / units.SECONDS_PER_HOUR < 11

# %% [markdown]
# ## 4. Rent or buy?
#
# Owning costs the purchase price once plus electricity for every hour of use; renting costs the
# rent. Buying pays off after purchase / (rent − electricity per hour) hours. The worked example
# is the RTX 4090 at its launch MSRP of $1,599 (NVIDIA newsroom, 2022-09-20, in the catalog) and
# 450 W, with two prices that are **assumptions for you to change**: rent $0.50 per hour, and
# electricity $0.15 per kWh.

# %%
rtx4090 = hardware.get_gpu("RTX 4090")
RENT_USD_PER_HOUR = 0.50  # your assumption
USD_PER_KWH = 0.15  # your assumption
planner.break_even(rtx4090.price_usd, rtx4090.tdp_w, RENT_USD_PER_HOUR, USD_PER_KWH)

# %% [markdown]
# About 5 months of round-the-clock use. Not counted: the rest of the computer, resale value,
# interest, repairs, your time. The widget lets you change every price and the hours per day:

# %%
choosing.rent_vs_buy_view()

# %% [markdown]
# **Try this:**
# - Use the card 8 hours a day instead of 24: the break-even moves from about 5 to about 15 months.
# - Raise the electricity price to $0.40 per kWh: 450 W then costs $0.18 per hour, and the break-even
#   stretches by about a third.
# - Choose the RTX 3090 ($1,499 MSRP, 350 W): at the same rent it pays off sooner. Would a cloud
#   charge the same rent for it?
#
# The same numbers as a static figure:

# %%
# extra code – the rent-vs-buy chart without the widget
fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=80)
choosing.plot_rent_vs_buy(ax, rtx4090.price_usd, rtx4090.tdp_w, RENT_USD_PER_HOUR, USD_PER_KWH)
plt.show()

# %% [markdown]
# Checks of the worked example's 5.06 months and the "Try this" numbers (silent unless they drift):

# %%
assert abs(planner.break_even(1599, 450, 0.5, 0.15)["months"] - 5.06) < 0.01
assert round(planner.break_even(1599, 450, 0.5, 0.15, hours_per_day=8)["months"]) == 15
dearer = planner.break_even(1599, 450, 0.5, 0.40)
assert round(dearer["electricity_usd_per_hour"], 2) == 0.18
assert 1.3 < dearer["hours"] / planner.break_even(1599, 450, 0.5, 0.15)["hours"] < 1.4  # about a third longer
assert planner.break_even(1499, 350, 0.5, 0.15)["months"] < 5.06  # the RTX 3090 pays off sooner

# %% [markdown]
# ## 5. Power and cooling
#
# Nearly all the electricity a GPU draws ends up as heat that the room must remove. A data centre's
# **PUE** (power usage effectiveness) is total facility energy / IT equipment energy (The Green
# Grid, White Paper #49, 2012; standardized as ISO/IEC 30134-2), so PUE 2.0 means one extra watt
# of cooling and power conversion per watt of computing, and 1.0 would be none at all. Google
# trained PaLM in a data centre with a PUE of 1.08 (Chowdhery et al. 2022, appendix B).
# `compute.energy_kwh` multiplies it in. An 8-GPU node running all day, H100 SXM (700 W) against
# A100 SXM (400 W), GPU boards only, in kWh:

# %%
day = units.SECONDS_PER_DAY
{g: compute.energy_kwh(hardware.get_gpu(g).tdp_w, day, n_gpus=8) for g in ("H100 SXM", "A100 SXM 80GB")}

# %% [markdown]
# With your PUE and electricity price (both assumptions), dollars per node and day. The heat to
# remove is 8 × 700 W = 5.6 kW from the H100 boards alone (5.6 kWh every hour), before CPUs,
# memory, network and fans.

# %%
PUE = 1.3  # your assumption: 1.0 would be no cooling or conversion losses at all
{g: round(compute.energy_kwh(hardware.get_gpu(g).tdp_w, day, 8, PUE) * USD_PER_KWH, 2)
 for g in ("H100 SXM", "A100 SXM 80GB")}

# %% [markdown]
# Checks of the daily energy of the first cell, 134.4 kWh against 76.8 kWh (8 × 0.7 kW × 24 h and
# 8 × 0.4 kW × 24 h), and of the H100 node's 5.6 kW (silent unless they drift):

# %%
assert compute.energy_kwh(700, units.SECONDS_PER_DAY, 8) == 134.4
assert compute.energy_kwh(400, units.SECONDS_PER_DAY, 8) == 76.8
assert compute.energy_kwh(hardware.get_gpu("H100 SXM").tdp_w, units.SECONDS_PER_HOUR, 8) == 5.6

# %% [markdown]
# The H100 node draws 1.75× the A100 node's power, but its dense bf16 peak is 3.2× higher
# (989.5 vs 312 TFLOPS): 1.8× the FLOP per joule, so a job that keeps its MFU needs *less* energy.

# %%
h100_sxm, a100_sxm = hardware.get_gpu("H100 SXM"), hardware.get_gpu("A100 SXM 80GB")
assert h100_sxm.tdp_w / a100_sxm.tdp_w == 1.75
assert round(h100_sxm.peak_tflops("bf16") / a100_sxm.peak_tflops("bf16"), 1) == 3.2
assert round(compute.flops_per_watt("H100 SXM") / compute.flops_per_watt("A100 SXM 80GB"), 1) == 1.8

# %% [markdown]
# ## 6. China-market GPUs: A800 and H800
#
# US export rules of October 2022 restricted sales to China of GPUs that combine high compute with
# fast chip-to-chip links. NVIDIA's answer kept the chips and cut the links (Reuters, November 2022,
# in the catalog's sources): the A800 is an A100 with NVLink at 400 instead of 600 GB/s; the H800 is
# an H100 with NVLink at 400 instead of 900 GB/s and FP64 cut to about 1 TFLOPS. A year later new
# rules covered the A800 and H800 too (NVIDIA, Form 8-K of 17 October 2023). The catalog rows
# (with fp64 shown):

# %%
HTML(choosing.catalog_table_html(["A100 SXM 80GB", "A800 SXM 80GB", "H100 SXM", "H800 SXM"],
                                 precisions=("fp64", "bf16", "fp8")))

# %% [markdown]
# What does a slower link cost per training step? `parallel.data_parallel_step_seconds` (notebook 07)
# adds the ring all-reduce of the bf16 gradients to the compute. Llama-2 7B on one 8-GPU node,
# 4 sequences of 2,048 tokens per GPU per step, 40% MFU, first with no overlap of communication and
# compute (seconds):

# %%
n_params = models.get_model("Llama-2 7B").param_count()
tokens_per_step = 8 * 4 * 2048


def step(gpu, overlap=0.0):
    compute_s = compute.training_seconds(compute.training_flops(n_params, tokens_per_step), gpu, 8, 0.4)
    return parallel.data_parallel_step_seconds(n_params, 8, parallel.interconnect_per_direction_gbs(gpu), compute_s,
                                               overlap=overlap)


{g: {k: round(v, 3) for k, v in step(g).items() if k != "gradient_bytes"} for g in ("H100 SXM", "H800 SXM")}

# %% [markdown]
# The H800's all-reduce takes 2.25× as long (900/400), which makes this step 7% longer. PyTorch
# DDP overlaps the all-reduce with the backward pass (notebook 07); then it hides entirely, and
# both steps take the compute time alone:

# %%
{g: round(step(g, overlap=1.0)["total"], 3) for g in ("H100 SXM", "H800 SXM")}

# %% [markdown]
# (Plain data parallelism is a simplification here: Llama-2 7B's 16 bytes per parameter of training
# state, 108 GB, do not fit one 80 GB GPU. ZeRO stage 3, which fits, moves about 1.5× the bytes of
# an all-reduce (Rajbhandari et al. 2020, section 7); the ratio between the two links stays 2.25.)
#
# The cut hurts most where communication is frequent and hard to hide, such as tensor parallelism,
# which exchanges activations in every layer. DeepSeek-V3 was trained on 2,048 H800s "without using
# costly tensor parallelism", with pipeline, expert and ZeRO-1 data parallelism instead
# (DeepSeek-AI, [arXiv:2412.19437](https://arxiv.org/abs/2412.19437), introduction and sections 3.1
# and 3.2). The FP64 cut matters for scientific simulation, not for LLMs, which train in bf16/fp8.

# %%
assert hardware.get_gpu("A800").interconnect_gbs == 400 and hardware.get_gpu("A100").interconnect_gbs == 600
assert hardware.get_gpu("H800").peak_tflops("fp64") == 1 and hardware.get_gpu("H100").peak_tflops("fp64") == 34
assert step("H800 SXM")["communication"] / step("H100 SXM")["communication"] == 2.25
assert 0.07 < step("H800 SXM")["total"] / step("H100 SXM")["total"] - 1 < 0.08
hidden = [step(g, overlap=1.0)["total"] - step(g)["compute"] for g in ("H100 SXM", "H800 SXM")]
assert max(abs(h) for h in hidden) < 1e-12  # the whole all-reduce hides behind the backward pass
assert round(memory.training_memory(n_params)["total"] / units.GB) == 108

# %% [markdown]
# ## 7. Beyond NVIDIA, and at the edge
#
# **AMD MI300X: 192 GB of HBM3 on one card.** Which preset models fit on one MI300X in fp16 (weights
# + the KV cache of one 2,048-token sequence + 10%) but not on one H100?

# %%
def fits_one(model, gpu):
    return memory.fits(model, gpu, dtype="fp16", seq_len=2048, overhead_fraction=0.1)


[m.name for m in models.list_models() if fits_one(m, "MI300X") and not fits_one(m, "H100 SXM")]

# %% [markdown]
# One card instead of a tensor-parallel pair means no inter-GPU traffic per token. (The 180 GB B200
# holds all three too; the 141 GB H200 holds Mixtral 8x7B, but not a 70B model with this 10% margin.)
#
# **Google TPU v5e: 16 GB per chip**, 197 bf16 TFLOPS and 819 GB/s (Google Cloud documentation).
# With little memory per chip, models are spread over many: the tensor-parallel size for one copy
# of Llama-2 7B and of Llama-2 70B in bf16 is

# %%
planner.min_gpus("serve", "Llama-2 7B", "TPU v5e"), planner.min_gpus("serve", "Llama-2 70B", "TPU v5e")

# %% [markdown]
# **NVIDIA Jetson AGX Orin 64GB: a module of at most 60 W** with 204.8 GB/s of LPDDR5 shared by CPU
# and GPU. Llama-2 7B quantized to int4 (notebook 05) is 3.4 GB; each generated token reads all of
# it, so the bandwidth caps generation (tokens per second) at

# %%
compute.decode_tokens_per_second("Llama-2 7B", "Jetson AGX Orin 64GB", dtype="int4")  # tokens/s, upper bound

# %% [markdown]
# about 62 tokens per second for one user, and a quarter of that (15) in fp16. Fine for a robot or a
# kiosk; real kernels reach only part of the bound.

# %%
assert [m.name for m in models.list_models() if fits_one(m, "MI300X") and not fits_one(m, "H100 SXM")] == [
    "Llama-2 70B", "Llama-3 70B", "Mixtral 8x7B"]
assert [planner.min_gpus("serve", m, "TPU v5e") for m in ("Llama-2 7B", "Llama-2 70B")] == [2, 16]
assert 61.5 < compute.decode_tokens_per_second("Llama-2 7B", "Jetson AGX Orin 64GB", dtype="int4") < 62.5
assert round(compute.decode_tokens_per_second("Llama-2 7B", "Jetson AGX Orin 64GB", dtype="fp16")) == 15
assert round(memory.weights_bytes(n_params, "int4") / units.GB, 1) == 3.4
assert all(fits_one(m, "B200") for m in ("Llama-2 70B", "Llama-3 70B", "Mixtral 8x7B"))
assert fits_one("Mixtral 8x7B", "H200 SXM") and not fits_one("Llama-2 70B", "H200 SXM")
tpu = hardware.get_gpu("TPU v5e")
assert (tpu.memory_gb, tpu.peak_tflops("bf16"), tpu.memory_bandwidth_gbs) == (16, 197, 819)

# %% [markdown]
# ## 8. Myth check: "more TFLOPS means faster inference"
#
# The H100 PCIe has 2.4× the dense bf16 TFLOPS of the A100 SXM 80GB (756.5 vs 312). Is it 2.4×
# faster at generating tokens? For one user (batch 1) each token reads all the weights:
# Llama-2 13B in fp16 is 26 GB.

# %%
{g: round(compute.decode_tokens_per_second("Llama-2 13B", g, dtype="fp16"), 1) for g in ("A100 SXM 80GB", "H100 PCIe")}

# %% [markdown]
# No: the older card is slightly *faster*, because its HBM2e is slightly faster (2,039 vs 2,000 GB/s).
# Across the catalog, the course's decode bound lines up with bandwidth (right), not with TFLOPS (left):

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), dpi=80, sharey=True)
choosing.plot_decode_vs_specs(axes, "Llama-2 7B")
plt.show()

# %% [markdown]
# Read the right panel with care: it is a **model**, not evidence. The bound *is* bandwidth ÷ bytes per
# token, so plotted against bandwidth it can only be a straight line. The evidence is measurement.
# llama.cpp's developers published the batch-1 speed of Llama 7B in 16 bits (`llama-bench`, 128 tokens
# generated) on an RTX 4090 and an RTX 3090 (ggml-org/llama.cpp pull request #4766). Beside the bound
# (gray, one point per catalog GPU that holds the model):

# %%
# extra code – the model's bound per GPU and the two published measurements
from course_lib import serving  # noqa: E402 - the serving model of notebook 06
from course_lib.widgets import serving as serving_views  # noqa: E402

fig, ax = plt.subplots(figsize=(8, 4.5), dpi=80)
serving_views.plot_decode_model_vs_measured(ax, "Llama-2 7B")
plt.show()

# %% [markdown]
# Both measurements sit below the line, at 80% and 69% of their bounds: real kernels do not stream
# weights at the full datasheet bandwidth, and each token adds work the model leaves out (kernel
# launches, sampling). They do follow bandwidth: the 4090 has 8% more GB/s than the 3090 and measured
# 26% more tokens/s (two different builds on two machines, so the gap is not only hardware). The
# TFLOPS ratio of the two cards is 2.3×. Notebook 11 compares more measurements with the course's
# bounds (prefill, batches, tensor parallelism).
#
# TFLOPS matter for training and for prefill (reading a long prompt), where each weight is used by many
# tokens at once. For generating tokens at small batch, buy bandwidth.

# %% tags=["guard"] jupyter={"source_hidden": true}
_4090, _3090 = (serving.get_measurement(k) for k in ("llama.cpp-4090", "llama.cpp-3090"))
assert (round(_4090.achieved_fraction(), 2), round(_3090.achieved_fraction(), 2)) == (0.80, 0.69)
assert round(hardware.get_gpu("RTX 4090").peak_tflops("bf16") / hardware.get_gpu("RTX 3090").peak_tflops("bf16"), 1) == 2.3

# %%
a100, h100_pcie = (compute.decode_tokens_per_second("Llama-2 13B", g, dtype="fp16") for g in ("A100", "H100 PCIe"))
assert hardware.get_gpu("H100 PCIe").peak_tflops("bf16") / hardware.get_gpu("A100").peak_tflops("bf16") > 2.4
assert a100 > h100_pcie
assert round(memory.weights_bytes(models.get_model("Llama-2 13B").param_count(), "fp16") / units.GB) == 26

# %% [markdown]
# ## Summary
#
# - **Memory decides how many GPUs at least**; a deadline or traffic decides how many more. Full
#   training needs ~16 bytes per parameter (ZeRO-3 shards it), LoRA-style tuning ~2 (frozen bf16
#   weights; its 4 N D FLOP are an optimistic approximation), serving 2 plus the KV cache, with
#   tensor-parallel groups that divide the head count.
# - **GPU-hours decide the bill** at your price; with perfect scaling they do not depend on how many
#   GPUs you use. Energy = GPUs × TDP × hours × PUE.
# - **Rent vs buy:** purchase / (rent − electricity per hour); an RTX 4090 at $0.50/h rent pays off
#   after about 5 months of 24/7 use, three times longer at 8 h/day.
# - **A800/H800** keep the compute and cut the links (and the H800's FP64): 7% on our data-parallel
#   step, nothing once the all-reduce overlaps the backward pass, more for tensor parallelism.
# - **Serving is bandwidth-bound:** more TFLOPS does not make token generation faster; more GB/s does.
#   Big-memory cards (MI300X, H200, B200) hold a model on fewer GPUs.
#
# ## What next
#
# [11 · Reality check](11_reality_check.ipynb) compares the course's estimates with published
# training runs. Practise this notebook with
# [the exercises](../exercises/09_choosing_hardware_exercises.ipynb): the minimum number of H100s to
# serve Llama-2 70B, energy and cost of a run, rent vs buy, and which GPU decodes faster.
