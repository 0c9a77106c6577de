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
# # 10 · Cost, energy and access: prices, rent or buy, power, export rules
#
# Notebook 09 chose GPUs by what they can do. This one adds what they cost and what they need:
# prices that are dated and cited (or typed by you), the choice between renting and buying, the
# electricity and cooling a node draws, and why China-market GPUs have slower links.
#
# **Learning objectives**
# - Read a price as an observation: who charged it, for what kind of offer, on what date, and why the
#   same GPU has several prices.
# - Compare jobs by cost per job, not cost per hour.
# - Work out when buying beats renting, and what that leaves out.
# - Compute the energy and electricity bill of a node, with PUE.
# - Explain what the A800/H800 export variants cut, and what it costs a training step.
#
# **Estimated time:** 35 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/10_cost_and_energy.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/10_cost_and_energy.ipynb)
#
# **Conventions** (the same in every notebook): TFLOPS are **dense**; **GB = 10⁹ bytes**; link
# bandwidths are **per direction**; money is in US dollars, written USD.

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# The prices come from `course_lib.prices`; the rest from the catalog, the systems and the planner.

# %%
import matplotlib.pyplot as plt
from IPython.display import HTML

from course_lib import compute, hardware, models, parallel, planner, prices, topology, units
from course_lib.planner import Job
from course_lib.widgets import choosing

# %% [markdown]
# ## 1. A price is an observation, with a date
#
# Cloud providers publish **on-demand** prices per GPU-hour: pay by the hour, no commitment, stop
# when you like (see the [glossary](../docs/glossary.md#on-demand-price)). They change every few
# months and differ by provider, region and instance size, so the course keeps a **snapshot**:
# each price with the page it was read on and its date. This is what the snapshot says about itself:

# %%
prices.snapshot_note()

# %% [markdown]
# Every rental price in it, cheapest first for each GPU. "Capacity block" is AWS's other offer: a
# block of 1 to 14 days reserved ahead, shown for comparison and never used as a default.

# %%
HTML(choosing.rent_table_html())

# %% [markdown]
# The same H100 SXM has three on-demand prices in the snapshot, 2.99 to 3.78 USD per GPU-hour, two
# of them from the same provider a few days apart (one for a one-GPU instance, one with the
# instance size not stated). The highest is 26% above the lowest:

# %%
h100 = [r.usd_per_gpu_hour for r in prices.rent_observations("H100 SXM", "on-demand")]
h100, round(max(h100) / min(h100) - 1, 2)

# %% [markdown]
# More than half the catalog, 13 of its 21 rows, has no on-demand price at all: no page in the stored
# corpus gave one for the V100, the A100 80GB (SXM and PCIe), the A800/H800 (sold in China), the H200,
# the three TPUs (v5e, v5p, v6e), the three RTX cards or the Jetson. The course does not guess them.
# Where a calculation needs one, you type it, and it is shown as "your price". Purchase prices are
# rarer still: NVIDIA publishes launch prices (MSRPs) for GeForce cards only, and the one data-centre
# price the course found is a whole 8-GPU server at its 2020 launch:

# %%
HTML(choosing.purchase_table_html())

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert h100 == [2.99, 3.49, 3.78] and round(3.78 / 2.99 - 1, 2) == 0.26
assert prices.rent_observations("H100 SXM", "capacity block")[0].usd_per_gpu_hour == 4.916
unpriced = [d.name for d in planner.devices() if prices.reference_rent(d) is None]
assert len(unpriced) == 13 and len(unpriced) > len(planner.devices()) / 2 and len(planner.devices()) == 21
assert set(unpriced) == {"V100 SXM2 32GB", "A100 SXM 80GB", "A100 PCIe 80GB", "A800 SXM 80GB", "H800 SXM", "H200 SXM",
                         "TPU v5e", "TPU v5p", "TPU v6e", "RTX 3090", "RTX 4090", "RTX 5090", "Jetson AGX Orin 64GB"}
assert prices.purchase_observations("A100 SXM 40GB")[0].usd_per_gpu == 24_875

# %% [markdown]
# **Myth check: "the GPU with the lowest price per hour gives the cheapest job".** What you pay is
# GPU-hours × price, and a faster GPU needs fewer GPU-hours. A LoRA-style fine-tune of Llama-2 7B on
# a billion tokens (notebook 09) fits on one L4 or one H100. With the snapshot's prices, USD 0.80
# per hour for the L4 and USD 2.99 for the H100:

# %%
lora_7b = Job("lora", "Llama-2 7B", n_tokens=1e9)
{g: (round(planner.plan(lora_7b, g).gpu_hours, 1), round(planner.plan(lora_7b, g, prices.rent_price(g).usd).usd))
 for g in ("L4", "H100 SXM")}  # (GPU-hours, USD)

# %% [markdown]
# The H100 costs 3.7× more per hour but finishes in an eighth of the GPU-hours (989.5 vs 121 dense
# bf16 TFLOPS at the same MFU): the job is about half the price on the H100. Compare jobs, not hours.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
l4, h100_plan = (planner.plan(lora_7b, g, prices.rent_price(g).usd) for g in ("L4", "H100 SXM"))
assert (l4.n_gpus, h100_plan.n_gpus) == (1, 1)
assert round(prices.rent_price("H100 SXM").usd / prices.rent_price("L4").usd, 1) == 3.7
assert round(l4.gpu_hours / h100_plan.gpu_hours, 1) == 8.2
assert 0.4 < h100_plan.usd / l4.usd < 0.5

# %% [markdown]
# ## 2. Rent or buy?
#
# Owning costs the purchase price once plus electricity for every hour of use; renting costs the
# rent. Buying pays off after purchase / (rent − electricity per hour) hours of use
# (`planner.break_even`; see the [glossary](../docs/glossary.md#break-even)). The worked example uses
# only dated prices: an A100 40GB as one eighth of a DGX A100 server at its May 2020 launch price
# (USD 199,000 / 8 = USD 24,875, including the GPU's share of the CPUs, network and storage), rented
# at Lambda's USD 1.48 per GPU-hour (May 2026), with electricity at the 2023 average commercial price
# in Texas from the US Energy Information Administration (EIA), 8.82 cents per kWh, for the GPU
# board's 400 W:

# %%
a100 = hardware.get_gpu("A100 SXM 40GB")
buy, rent = prices.purchase_price(a100), prices.rent_price(a100)
power = prices.electricity("Texas", "commercial")
result = planner.break_even(buy.usd, a100.tdp_w, rent.usd, power.usd_per_kwh)
buy.label("per GPU"), rent.label(), round(result["hours"]), round(result["months"], 1)

# %% [markdown]
# About two years of round-the-clock use. The two prices are six years apart, so this shows the
# method, not today's market. Not counted: the rest of the server's power, the data centre, resale
# value, interest, repairs, your time. The widget lets you pick a GPU and type what the snapshot
# lacks: an RTX 4090 has a launch price but no rent in it, an H100 a rent but no purchase price.

# %%
choosing.rent_vs_buy_view()

# %% [markdown]
# **Try this:**
# - Use the A100 8 hours a day instead of 24: the break-even moves from about 24 months to about 71.
# - Switch the electricity to California, residential (29.51 cents per kWh): the A100's 400 W then
#   costs USD 0.12 per hour instead of USD 0.035, and the break-even grows by 6%.
# - Choose the RTX 4090 and type the rent you would pay for one. With USD 0.50 per hour, its launch
#   price (USD 1,599) pays off after about 5 months of round-the-clock use.
#
# The worked example as a static figure:

# %%
# extra code – the rent-vs-buy chart without the widget
fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=80)
choosing.plot_rent_vs_buy(ax, buy.usd, a100.tdp_w, rent.usd, power.usd_per_kwh)
plt.show()

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert (buy.usd, rent.usd, round(power.usd_per_kwh, 4)) == (24_875, 1.48, 0.0882)
assert round(result["hours"]) == 17_218 and round(result["months"], 1) == 23.6
assert round(planner.break_even(buy.usd, 400, 1.48, 0.0882, hours_per_day=8)["months"]) == 71
california = prices.electricity("California", "residential").usd_per_kwh
dearer = planner.break_even(buy.usd, 400, 1.48, california)
assert round(dearer["electricity_usd_per_hour"], 2) == 0.12 and round(dearer["hours"] / result["hours"] - 1, 2) == 0.06
rtx = planner.break_even(1599, 450, 0.5, 0.0882)
assert round(rtx["months"]) == 5

# %% [markdown]
# ## 3. Power and cooling
#
# Nearly all the electricity a GPU draws ends up as heat that the room must remove. A data centre's
# **PUE** (power usage effectiveness; [glossary](../docs/glossary.md#pue)) is total facility energy
# / IT equipment energy (The Green Grid, White Paper #49, 2012; standardized as ISO/IEC 30134-2), so
# PUE 2.0 means one extra watt of cooling and power conversion per watt of computing, and 1.0 would
# be none at all. Google trained PaLM in a data centre with a PUE of 1.08 (Chowdhery et al. 2022,
# appendix B). `compute.energy_kwh` multiplies it in. An 8-GPU node running all day, H100 SXM
# (700 W) against A100 SXM (400 W), GPU boards only, in kWh:

# %%
day = units.SECONDS_PER_DAY
{g: compute.energy_kwh(hardware.get_gpu(g).tdp_w, day, n_gpus=8) for g in ("H100 SXM", "A100 SXM 80GB")}

# %% [markdown]
# At PaLM's PUE and the Texas commercial average, in USD per node and day. The heat to remove is
# 8 × 700 W = 5.6 kW from the H100 boards alone, before CPUs, memory, network and fans.

# %%
PALM_PUE = 1.08  # Chowdhery et al. 2022, appendix B
{g: round(compute.energy_kwh(hardware.get_gpu(g).tdp_w, day, 8, PALM_PUE) * power.usd_per_kwh, 2)
 for g in ("H100 SXM", "A100 SXM 80GB")}

# %% [markdown]
# The H100 node draws 1.75× the A100 node's power, but its dense bf16 peak is 3.2× higher
# (989.5 vs 312 TFLOPS): 1.8× the FLOP per joule, so a job that keeps its MFU needs *less* energy.
# Exercise 6 checks this against Meta's reported energy for Llama 2.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert compute.energy_kwh(700, units.SECONDS_PER_DAY, 8) == 134.4
assert compute.energy_kwh(400, units.SECONDS_PER_DAY, 8) == 76.8
assert compute.energy_kwh(hardware.get_gpu("H100 SXM").tdp_w, units.SECONDS_PER_HOUR, 8) == 5.6
assert round(134.4 * 1.08 * 0.0882, 2) == 12.80 and round(76.8 * 1.08 * 0.0882, 2) == 7.32
h100_sxm, a100_sxm = hardware.get_gpu("H100 SXM"), hardware.get_gpu("A100 SXM 80GB")
assert h100_sxm.tdp_w / a100_sxm.tdp_w == 1.75
assert round(h100_sxm.peak_tflops("bf16") / a100_sxm.peak_tflops("bf16"), 1) == 3.2
assert round(compute.flops_per_watt("H100 SXM") / compute.flops_per_watt("A100 SXM 80GB"), 1) == 1.8

# %% [markdown]
# ## 4. China-market GPUs: A800 and H800
#
# US export rules of October 2022 restricted sales to China of GPUs that combine high compute with
# fast chip-to-chip links. NVIDIA's answer kept the chips and cut the links. The A800 is an A100 with
# NVLink at 400 instead of 600 GB/s (Reuters, November 2022, in the A800 row's sources). The H800 is
# an H100 with NVLink at 400 instead of 900 GB/s and FP64 cut to about 1 TFLOPS (NVIDIA's H800
# datasheet, and Zhao et al. 2025, *Insights into DeepSeek-V3*, ISCA 2025, in the H800 row's sources).
# The link rates are totals over both directions. A year later new rules covered the A800 and H800
# too (NVIDIA, Form 8-K of 17 October 2023). The catalog rows (with fp64 shown):

# %%
HTML(choosing.catalog_table_html(["A100 SXM 80GB", "A800 SXM 80GB", "H100 SXM", "H800 SXM"],
                                 precisions=("fp64", "bf16", "fp8")))

# %% [markdown]
# What does a slower link cost per training step? Inside one 8-GPU server (a DGX H100 against an
# HGX H800), `parallel.data_parallel_step_seconds` (notebook 07) adds the ring all-reduce of the bf16
# gradients to the compute, at each server's NVLink bandwidth per direction. Llama-2 7B, 4 sequences
# of 2,048 tokens per GPU per step, 40% MFU, first with no overlap of communication and compute
# (seconds):

# %%
n_params = models.get_model("Llama-2 7B").param_count()
tokens_per_step = 8 * 4 * 2048


def step(system, overlap=0.0):
    node = topology.get_system(system)
    compute_s = compute.training_seconds(compute.training_flops(n_params, tokens_per_step), node.gpu, 8, 0.4)
    return parallel.data_parallel_step_seconds(n_params, 8, node.intra_link.bandwidth_gbs, compute_s, overlap=overlap)


{s: {k: round(v, 3) for k, v in step(s).items() if k != "gradient_bytes"} for s in ("DGX H100", "HGX H800 8-GPU")}

# %% [markdown]
# The H800's all-reduce takes 2.25× as long (450 vs 200 GB/s per direction), which makes this step
# 7% longer. PyTorch DDP overlaps the all-reduce with the backward pass (notebook 07); then it hides
# entirely, and both steps take the compute time alone:

# %%
{s: round(step(s, overlap=1.0)["total"], 3) for s in ("DGX H100", "HGX H800 8-GPU")}

# %% [markdown]
# (Plain data parallelism is a simplification here: Llama-2 7B's 16 bytes per parameter of training
# state, 108 GB, do not fit one 80 GB GPU. ZeRO stage 3, which fits, moves about 1.5× the bytes of
# an all-reduce (Rajbhandari et al. 2020, section 7); the ratio between the two links stays 2.25.)
# Between servers both use the same InfiniBand, so the cut matters only inside a node.
#
# The cut hurts most where communication is frequent and hard to hide, such as tensor parallelism,
# which exchanges activations in every layer. DeepSeek-V3 was trained on 2,048 H800s "without using
# costly tensor parallelism", with pipeline, expert and ZeRO-1 data parallelism instead
# (DeepSeek-AI, [arXiv:2412.19437](https://arxiv.org/abs/2412.19437), introduction and sections 3.1
# and 3.2; notebook 08 works through its layout). The FP64 cut matters for scientific simulation,
# not for LLMs, which train in bf16/fp8.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert hardware.get_gpu("A800").interconnect_gbs == 400 and hardware.get_gpu("A100").interconnect_gbs == 600
assert "Reuters, Nov 2022" in hardware.get_gpu("A800").source and "Reuters" not in hardware.get_gpu("H800").source
assert all(ref in hardware.get_gpu("H800").source for ref in ("nvidia.cn/data-center/h800", "Zhao et al.", "ISCA 2025"))
assert hardware.get_gpu("H800").interconnect_gbs == 400 and hardware.get_gpu("H100").interconnect_gbs == 900
assert hardware.get_gpu("H800").peak_tflops("fp64") == 1 and hardware.get_gpu("H100").peak_tflops("fp64") == 34
assert step("HGX H800 8-GPU")["communication"] / step("DGX H100")["communication"] == 2.25
assert 0.07 < step("HGX H800 8-GPU")["total"] / step("DGX H100")["total"] - 1 < 0.08
hidden = [step(s, overlap=1.0)["total"] - step(s)["compute"] for s in ("DGX H100", "HGX H800 8-GPU")]
assert max(abs(h) for h in hidden) < 1e-12  # the whole all-reduce hides behind the backward pass
assert topology.get_system("DGX H100").inter_link.bandwidth_gbs == topology.get_system("HGX H800").inter_link.bandwidth_gbs

# %% [markdown]
# ## Summary
#
# - **A price is an observation**: a provider, an offer (on demand or reserved), a date and a page.
#   The same H100 has on-demand prices 26% apart in one month; many GPUs have none in the snapshot,
#   and then the price is yours to type.
# - **Compare jobs, not hours:** cost = GPU-hours × price, and a faster GPU needs fewer GPU-hours.
# - **Rent vs buy:** purchase / (rent − electricity per hour); an A100 as an eighth of a 2020 DGX
#   A100 against a 2026 rent pays off after about two years of round-the-clock use.
# - **Energy = GPUs × TDP × hours × PUE.** An 8 × H100 node draws 5.6 kW from its GPU boards alone,
#   but does 1.8× the FLOP per joule of an A100 node.
# - **A800/H800** keep the compute and cut the links (and the H800's FP64): 7% on our data-parallel
#   step, nothing once the all-reduce overlaps the backward pass, more for tensor parallelism.
#
# ## What next
#
# [11 · Reality check](11_reality_check.ipynb) compares the course's estimates with published
# training runs. Practise this notebook with
# [the exercises](../exercises/10_cost_and_energy_exercises.ipynb): energy of a run with PUE, cost
# per job from dated prices, rent vs buy, and why the H800's cut matters less with overlap.
