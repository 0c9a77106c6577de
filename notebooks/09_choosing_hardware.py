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
# # 09 · Choosing hardware: which GPU, how many, how long
#
# The previous notebooks gave you the pieces: FLOP and MFU (03), memory per parameter and the KV
# cache (04), quantization (05), serving (06), and how a job is split over the GPUs of a cluster
# (07, 08). Here they come together in one decision: for *your* job (pre-train, fine-tune or serve
# a model), which GPUs can do it, how many you need, in which servers, how long it takes and how
# much energy it draws. Notebook 10 adds the money: dated prices, rent or buy, power and export rules.
#
# **Learning objectives**
# - Read the catalog and say which number matters for which job: memory, bandwidth, dense TFLOPS, watts, links.
# - Say what a GPU comes in: an 8-GPU server, a rack, a cloud instance, a workstation or a module, and which are
#   never clustered.
# - Size a job: the fewest GPUs that hold it, more for a deadline or for traffic, rounded to whole servers.
# - Rank the catalog for a job by time, by energy and by cost, and say which GPUs a ranking leaves out.
# - Place AMD's MI300X, Google's TPU v5e and NVIDIA's Jetson, and show why more TFLOPS does not mean faster
#   token generation.
#
# **Estimated time:** 45 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/09_choosing_hardware.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/09_choosing_hardware.ipynb)
#
# **Conventions** (the same in every notebook): TFLOPS are **dense** (never the 2:4-sparse figure);
# **GB = 10⁹ bytes**, **GiB = 2³⁰ bytes**; link bandwidths are **per direction**; GeForce fp16/bf16
# tensor rates are the ones **with fp32 accumulate**; a multiply-add counts as **2 FLOP**.

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Everything below comes from `course_lib`: the catalog, the systems GPUs come in, the model
# presets, the memory and compute calculators, and `planner`, which puts them together.

# %%
import matplotlib.pyplot as plt
from IPython.display import HTML

from course_lib import compute, hardware, memory, models, planner, prices, topology, units
from course_lib.planner import Job
from course_lib.widgets import choosing

# %% [markdown]
# ## 1. The catalog
#
# Twenty-one accelerators: 18 GPUs (NVIDIA data-centre, China-market, GeForce and edge GPUs, and
# AMD's MI300X) and Google's TPU v5e, v5p and v6e (the two CPUs of notebook 01 are left out here).
# Every row links to its datasheet; hover a link to see the full source. "—" means the vendor
# publishes no such figure (no [TDP](../docs/glossary.md#tdp), the board's rated power, for the
# TPUs; no bf16 on V100/T4; no fp8 on NVIDIA cards before Ada/Hopper). The catalog has no prices:
# notebook 10 keeps them, each with its date and page.

# %%
HTML(choosing.catalog_table_html())

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
gpus_and_tpu = hardware.list_gpus("gpu") + hardware.list_gpus("tpu")
assert len(gpus_and_tpu) == 21 and len(hardware.list_gpus("gpu")) == 18
assert [g.name for g in hardware.list_gpus("tpu")] == ["TPU v5e", "TPU v5p", "TPU v6e"]
assert "MI300X" in [g.name for g in hardware.list_gpus("gpu")]
assert [g.name for g in gpus_and_tpu if g.tdp_w is None] == ["TPU v5e", "TPU v5p", "TPU v6e"]
assert [g.name for g in gpus_and_tpu if g.peak_tflops("bf16") is None] == ["V100 SXM2 32GB", "T4"]
assert hardware.get_gpu("H100 SXM").peak_tflops("bf16") == 989.5  # 1,979* sparse / 2
assert hardware.get_gpu("MI300X").memory_gb == 192

# %% [markdown]
# Three views of the same table. First, compute against memory, with the bubble area showing board
# power (TDP). The top right is where large-model training lives; note the log scales.

# %%
fig, ax = plt.subplots(figsize=(8, 5), dpi=80)
choosing.plot_tflops_vs_memory(ax)
plt.show()

# %% [markdown]
# Power is a running cost (notebook 10), so compute *per watt* matters too. The three TPUs are
# missing because Google publishes no per-chip power, and the V100 and T4 because they have no bf16
# rate.

# %%
fig, ax = plt.subplots(figsize=(7, 4.5), dpi=80)
choosing.plot_tflops_per_watt(ax)
plt.show()

# %% [markdown]
# Generating tokens reads every weight once per step, so for serving the number that matters is
# memory **bandwidth** (notebook 04, and the myth check in section 6). Bandwidth against capacity:

# %%
fig, ax = plt.subplots(figsize=(8, 5), dpi=80)
choosing.plot_bandwidth_vs_memory(ax)
plt.show()

# %% [markdown]
# ## 2. What a GPU comes in
#
# You never rent or buy "79 H100s". Data-centre GPUs come in **servers** (nodes) of 8, joined
# inside by NVLink through NVSwitch chips, one NVLink **domain** of 8 GPUs (notebook 08); a larger
# job takes whole servers, joined by an InfiniBand or Ethernet network that is about ten times
# slower per GPU. A GB200 NVL72 rack makes one domain of 72. PCIe boxes and workstations have no
# NVLink. An edge module such as the Jetson is one GPU and is never clustered. The planner runs each
# GPU in its *reference system*, the first one the course's system data lists for it:

# %%
HTML(choosing.systems_table_html())

# %% [markdown]
# GPUs with "single cards" have no multi-GPU server in the data, so the planner never puts two of
# them in one job's tensor-parallel group or training run. Inside a node the planner may take a
# *slice* whose size divides the node (1, 2, 4 or 8 GPUs of an 8-GPU server), the way clouds rent
# them; beyond one node it takes whole nodes.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
h100_system = topology.reference_system("H100 SXM")
assert (h100_system.name, h100_system.gpus_per_node, h100_system.domain_size) == ("DGX H100", 8, 8)
assert h100_system.intra_link.bandwidth_gbs / h100_system.inter_link.bandwidth_gbs == 9  # 450 vs 50 GB/s
assert topology.reference_system("B200").name == "DGX B200"
assert topology.reference_system("Jetson AGX Orin 64GB").clustered is False
assert planner.rentable_gpus(79, h100_system) == (80, 10) and planner.rentable_gpus(3, h100_system) == (4, 1)

# %% [markdown]
# ## 3. Sizing one job, step by step
#
# A job is one `planner.Job`: the task, the model, the precision, and the task's own numbers
# (tokens and a deadline for training; traffic for serving). It is validated when you make it: a
# negative deadline or an unknown model stops here, with a message naming the input.
#
# **First: how many GPUs just to hold the job?** Full training keeps 16 bytes per parameter
# (mixed-precision Adam) that [ZeRO](../docs/glossary.md#zero) stage 3 shards over the GPUs, plus
# activations that it does not shard. `planner.min_gpus` finds the smallest count for which
# `memory.fit_report` says it fits, with 10% on top for the CUDA context and fragmentation.

# %%
pretrain_7b = Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30)
finetune_70b = Job("finetune", "Llama-2 70B", n_tokens=1e9)
planner.min_gpus(pretrain_7b, "H100 SXM"), planner.min_gpus(finetune_70b, "H100 SXM")

# %% [markdown]
# A LoRA-style fine-tune freezes the weights: no gradients and no optimizer state for them, only
# the weights themselves (2 bytes in bf16) plus activations. The adapters are tiny (the LoRA paper
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
# the planner's LoRA times are (4/6) × 1.33 = 0.88 of the measured ones: about 12% too short. In
# the other direction, 4-bit frozen weights (notebook 05) shrink the memory further: QLoRA
# fine-tunes a 65B model "on a single 48GB GPU" (Dettmers et al. 2023, arXiv:2305.14314, abstract);
# the planner does not model quantized weights.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert planner.min_gpus(pretrain_7b, "H100 SXM") == 2
assert planner.min_gpus(finetune_70b, "H100 SXM") == 16
assert planner.min_gpus(Job("lora", "Llama-2 70B", n_tokens=1e9), "H100 SXM") == 2
assert planner.lora_memory("Llama-2 70B", 2, overhead_fraction=0.1)["total"] <= hardware.get_gpu("H100").memory_bytes
assert memory.weights_bytes(175e9, "fp16") == 350e9
lora_share = Job("lora", "Llama-2 7B", n_tokens=1e9).flops / Job("finetune", "Llama-2 7B", n_tokens=1e9).flops
assert abs(lora_share - 2 / 3) < 1e-12
assert round(43.1 / 32.5, 2) == 1.33 and round(lora_share * 43.1 / 32.5, 2) == 0.88
assert round(100 * (1 - lora_share * 43.1 / 32.5)) == 12

# %% [markdown]
# Serving splits the weights with tensor parallelism (notebook 07), and the group size must divide
# the number of attention heads. vLLM refuses anything else: asked to split Llama-2 70B over 3 GPUs
# it stops with "Total number of attention heads (64) must be divisible by tensor parallel size
# (3)." (its `ModelConfig.verify_with_parallel_config`). The group must also stay inside one NVLink
# domain: tensor parallelism exchanges activations in every layer, too often for the network.
# Llama-2 70B has 64 heads; the smallest allowed group that holds its bf16 weights and one
# 2,048-token sequence is 2 H100s (exercise 1 asks how many 32 sequences of 4,096 tokens need):

# %%
planner.tensor_parallel_sizes("Llama-2 70B"), planner.min_gpus(Job("serve", "Llama-2 70B"), "H100 SXM")

# %% [markdown]
# **Second: how long?** FLOP over (GPUs × dense peak × [MFU](../docs/glossary.md#mfu)), notebook 03.
# With a deadline the planner adds GPUs until the run fits in it: pre-training Llama-2 7B on 2
# trillion tokens in 30 days at 40% MFU needs 79 H100s. They come in servers of 8, so the plan is
# 10 DGX H100 nodes, 80 GPUs, done in a little under 30 days:

# %%
run = planner.plan(pretrain_7b, "H100 SXM")
run.n_gpus, run.nodes, units.format_duration(run.seconds), run.link

# %% [markdown]
# **Third: how much energy?** Every board at its TDP for the whole run: GPU-hours × 0.7 kW for the
# H100. [GPU-hours](../docs/glossary.md#gpu-hour), and so the energy and the bill, do not depend
# on how many GPUs share the work, if MFU stays the same (it drops in practice as the cluster grows,
# notebook 08).

# %%
round(run.gpu_hours), units.format_si(run.kwh * 1e3, "Wh")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert planner.tensor_parallel_sizes("Llama-2 70B") == [1, 2, 4, 8, 16, 32, 64]
assert planner.min_gpus(Job("serve", "Llama-2 70B"), "H100 SXM") == 2
assert (run.n_gpus, run.nodes, run.min_gpus) == (80, 10, 2) and 29.5 < run.seconds / units.SECONDS_PER_DAY < 30
assert round(run.gpu_hours) == 56_749 and round(run.kwh / 1e3, 1) == 39.7

# %% [markdown]
# ## 4. Which GPU for my job? The planner
#
# Pick a **task** (pre-train, full fine-tune, LoRA-style fine-tune with frozen weights, or serve), a
# **model** and a **precision**. Only the controls of that task are shown: for training, the number
# of **tokens**, a **deadline** and the MFU; for serving, the **traffic** (requests per second ×
# tokens per response), how many days you serve, and the **decode efficiency** (the fraction of the
# memory-bandwidth bound reached, notebook 06).
#
# Then choose what to **rank by**: the fastest, the least energy, or the cheapest. Each ranking
# says which GPUs it leaves out and why: no TDP for energy; no price for cost. Prices come from
# notebook 10's dated snapshot, labelled with provider and date, until you type the price you were
# quoted under **your price for** (per GPU; empty = the snapshot's). The table lists every GPU:
# how many and in which servers, memory per GPU, time, GPU-hours, energy, price and cost, the links
# the GPUs talk over, and any caveat in words.

# %%
choosing.planner_view()

# %% [markdown]
# **Try this:**
# - Move the deadline from 30 to 90 days: the H100 count drops from 80 (10 nodes) to 32 (4 nodes),
#   but GPU-hours, energy and cost stay the same (perfect scaling).
# - Rank by **cost**: only the GPUs with a price are ranked, and the MI300X (USD 1.50 per GPU-hour
#   in the snapshot) comes first although the B200 is the fastest. Then choose the H800 SXM under
#   "your price for" and type 1: it jumps to first place. The ranking follows the prices, not the TFLOPS.
# - Choose *serve*, Llama-2 70B, fp16, 10 requests/s: 4 B200s (180 GB each), 4 H200s (141 GB) or
#   4 MI300Xs (192 GB) carry the traffic where the 80 GB H100, H800 and A100 SXM need 8, because
#   more memory per copy of the weights holds a bigger batch. The A800 needs 12: on its cut NVLink
#   one copy on 8 GPUs falls just short of the 5,000 tokens/s, so it takes three copies of 4. The
#   A100 PCIe needs 16: its cloud instance holds 4 GPUs, so four copies of 4. The V100, H100 PCIe,
#   L4, T4, the three RTX cards and the Jetson drop out: one copy would need more GPUs than one of
#   their systems holds (or than one card, where the data has no multi-GPU system). The three TPUs
#   drop out too: Google publishes no fp16 rate for them.
# - Switch the precision to fp8: the rows with an fp8 rate are the Ada cards (L4, L40S, RTX 4090),
#   Hopper (H100, H800, H200), Blackwell (B200, RTX 5090), the MI300X and the TPU v5p (459 TFLOPS,
#   its bf16 rate, so no faster). The other rows drop out ("does not fit: no fp8 rate on this
#   hardware"), and so do the H100 PCIe, L4, RTX 4090 and RTX 5090: the job needs more of them than
#   one of their systems (or one card) holds.
# - Choose *LoRA-style fine-tune* for Llama-2 70B and 100 million training tokens: a pair of H100s
#   holds it and finishes in about 10 hours (4 N D FLOP instead of 6 N D; an approximation, section 3).
#
# The same planner without the widget (on GitHub, where widgets do not render): pre-training
# Llama-2 7B on 2 trillion tokens in 30 days, ranked by time (the finish date, after the planner
# has given each kind of GPU just enough of them for the deadline), the six fastest:

# %%
ranking = planner.rank_hardware(pretrain_7b)
HTML(choosing.plans_table_html(planner.Ranking("time", ranking.ranked[:6])))

# %% [markdown]
# Every row finishes within the 30 days, and the order mostly reflects the rounding up to whole
# servers: 256 A100s (32 servers) finish in 29.3 days and rank above 80 H100s, which finish in 29.6.
# To compare the hardware, compare the GPU-hours or the cost: 179,979 GPU-hours for the A100s
# against 56,749 for the H100s.
#
# And by cost, with the snapshot's on-demand prices: the GPUs without a price in the snapshot are
# not ranked but listed.

# %%
snapshot = prices.rent_prices([d.name for d in planner.devices()])
by_cost = planner.rank_hardware(pretrain_7b, prices.priced(snapshot), rank_by="cost")
[(p.gpu, round(p.usd)) for p in by_cost.ranked], [p.gpu for p in by_cost.left_out]

# %%
# extra code – the cost ranking as bars
fig, ax = plt.subplots(figsize=(7, 3.5), dpi=80)
choosing.plot_ranking(ax, by_cost)
plt.show()

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
def n_gpus(job, **kwargs):
    return {p.gpu: p.n_gpus for p in planner.rank_hardware(job, **kwargs).ranked}


slow = Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=90)
assert (n_gpus(slow)["H100 SXM"], planner.plan(slow, "H100").nodes) == (32, 4)
assert abs(planner.plan(slow, "H100").gpu_hours / run.gpu_hours - 1) < 1e-12
assert by_cost.ranked[0].gpu == "MI300X" and ranking.ranked[0].gpu == "B200"
assert prices.reference_rent("MI300X").usd_per_gpu_hour == 1.5
h800_typed = prices.priced(prices.rent_prices([d.name for d in planner.devices()], {"H800 SXM": 1.0}))
assert planner.rank_hardware(pretrain_7b, h800_typed, rank_by="cost").ranked[0].gpu == "H800 SXM"
serving = n_gpus(Job("serve", "Llama-2 70B", "fp16", requests_per_s=10))
assert (serving["B200"], serving["MI300X"], serving["H100 SXM"], serving["A100 SXM 80GB"]) == (4, 4, 8, 8)
assert not {"Jetson AGX Orin 64GB", "T4", "RTX 4090", "RTX 3090", "RTX 5090"} & set(serving)
assert (serving["H200 SXM"], serving["H800 SXM"], serving["A800 SXM 80GB"], serving["A100 PCIe 80GB"]) == (4, 8, 12, 16)
assert [hardware.get_gpu(g).memory_gb for g in ("B200", "H200 SXM", "MI300X")] == [180, 141, 192]
serve_plans = planner.rank_hardware(Job("serve", "Llama-2 70B", "fp16", requests_per_s=10)).plans
serve_a800 = next(p for p in serve_plans if p.gpu == "A800 SXM 80GB")
assert (serve_a800.group, serve_a800.n_gpus // serve_a800.group) == (4, 3)
serve_job = Job("serve", "Llama-2 70B", "fp16", requests_per_s=10)
assert serve_job.traffic_tokens_per_s == 5000
assert planner.replica_throughput(serve_job, "A800 SXM 80GB", 8)["tokens_per_s"] < 5000
serve_pcie = next(p for p in serve_plans if p.gpu == "A100 PCIe 80GB")
assert (serve_pcie.group, serve_pcie.n_gpus // serve_pcie.group) == (4, 4)
assert topology.reference_system("A100 PCIe 80GB").gpus_per_node == 4
serve_out = {p.gpu: p.note for p in serve_plans if not p.fits}
assert set(serve_out) == {"V100 SXM2 32GB", "H100 PCIe", "L4", "T4", "RTX 3090", "RTX 4090", "RTX 5090",
                          "Jetson AGX Orin 64GB", "TPU v5e", "TPU v5p", "TPU v6e"}
assert all(serve_out[t] == "no fp16 rate on this hardware" for t in ("TPU v5e", "TPU v5p", "TPU v6e"))
assert all("tensor parallelism is not run" in note for g, note in serve_out.items() if not g.startswith("TPU"))
fp8 = planner.rank_hardware(Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30, precision="fp8"))
assert "no fp8 rate" in next(p.note for p in fp8.not_fitting if p.gpu == "A100 SXM 80GB")
with_fp8 = {g.name for g in planner.devices() if g.peak_tflops("fp8")}
assert with_fp8 == {"L4", "L40S", "RTX 4090", "H100 SXM", "H100 PCIe", "H800 SXM", "H200 SXM", "B200", "RTX 5090",
                    "MI300X", "TPU v5p"}
assert hardware.get_gpu("TPU v5p").peak_tflops("fp8") == hardware.get_gpu("TPU v5p").peak_tflops("bf16") == 459
assert {p.gpu for p in fp8.not_fitting if "no fp8 rate" in p.note} == {g.name for g in planner.devices()} - with_fp8
assert {p.gpu for p in fp8.not_fitting if "no fp8 rate" not in p.note} == {"H100 PCIe", "L4", "RTX 4090", "RTX 5090"}
assert {p.gpu for p in fp8.ranked} == with_fp8 - {"H100 PCIe", "L4", "RTX 4090", "RTX 5090"}
lora = planner.plan(Job("lora", "Llama-2 70B", n_tokens=1e8, deadline_days=30), "H100 SXM")
assert lora.n_gpus == 2 and 9 < lora.seconds / units.SECONDS_PER_HOUR < 11
assert [p.gpu for p in by_cost.ranked] == ["MI300X", "B200", "H100 SXM", "A100 SXM 40GB", "L40S"]
by_time = {p.gpu: p for p in ranking.ranked}
assert all(p.seconds <= 30 * units.SECONDS_PER_DAY for p in ranking.ranked)
assert "A100 SXM 80GB" in [p.gpu for p in ranking.ranked[:6]] and "H100 SXM" not in [p.gpu for p in ranking.ranked[:6]]
a100_run, h100_run = by_time["A100 SXM 80GB"], by_time["H100 SXM"]
assert (a100_run.n_gpus, a100_run.nodes, h100_run.n_gpus) == (256, 32, 80)
assert [round(p.seconds / units.SECONDS_PER_DAY, 1) for p in (a100_run, h100_run)] == [29.3, 29.6]
assert [round(p.gpu_hours) for p in (a100_run, h100_run)] == [179_979, 56_749]

# %% [markdown]
# ## 5. Beyond NVIDIA, and at the edge
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
# Its chips sit 8 to a host, but the chip-to-chip link (ICI) joins a whole pod of 256 chips, so a
# tensor-parallel group may span hosts. With little memory per chip, models are spread over many:
# the group size for one copy of Llama-2 7B and of Llama-2 70B in bf16 is

# %%
planner.min_gpus(Job("serve", "Llama-2 7B"), "TPU v5e"), planner.min_gpus(Job("serve", "Llama-2 70B"), "TPU v5e")

# %% [markdown]
# **NVIDIA Jetson AGX Orin 64GB: a module of at most 60 W** with 204.8 GB/s of LPDDR5 shared by CPU
# and GPU. It is built into robots and kiosks one at a time, never into clusters: the planner gives
# it jobs that fit in one module. Each generated token reads the weights once: 3.41 GB for Llama-2 7B
# quantized to int4 (notebook 05), all of it except the input embedding, of which it reads one row.
# So the bandwidth caps generation (tokens per second) at 204.8 ÷ 3.41 =

# %%
compute.decode_tokens_per_second("Llama-2 7B", "Jetson AGX Orin 64GB", dtype="int4")  # tokens/s, upper bound

# %% [markdown]
# about 60 tokens per second for one user, and a quarter of that (15) in fp16. Fine for a robot or a
# kiosk; real kernels reach only part of the bound.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert [m.name for m in models.list_models() if fits_one(m, "MI300X") and not fits_one(m, "H100 SXM")] == [
    "Llama-2 70B", "Llama-3 70B", "Mixtral 8x7B"]
assert [planner.min_gpus(Job("serve", m), "TPU v5e") for m in ("Llama-2 7B", "Llama-2 70B")] == [2, 16]
assert topology.reference_system("TPU v5e").domain_size == 256
assert 59.5 < compute.decode_tokens_per_second("Llama-2 7B", "Jetson AGX Orin 64GB", dtype="int4") < 60.5
assert round(compute.decode_tokens_per_second("Llama-2 7B", "Jetson AGX Orin 64GB", dtype="fp16")) == 15
jetson = hardware.get_gpu("Jetson AGX Orin 64GB")
jetson_int4 = compute.decode_tokens_per_second("Llama-2 7B", jetson, dtype="int4")
assert jetson.memory_bandwidth_gbs == 204.8 and round(jetson.memory_bandwidth_gbs / jetson_int4, 2) == 3.41
assert memory.weights_bytes(models.get_model("Llama-2 7B").param_count(), "int4") / units.GB > 3.41  # the embedding
assert all(fits_one(m, "B200") for m in ("Llama-2 70B", "Llama-3 70B", "Mixtral 8x7B"))
assert fits_one("Mixtral 8x7B", "H200 SXM") and not fits_one("Llama-2 70B", "H200 SXM")
tpu = hardware.get_gpu("TPU v5e")
assert (tpu.memory_gb, tpu.peak_tflops("bf16"), tpu.memory_bandwidth_gbs) == (16, 197, 819)

# %% [markdown]
# ## 6. Myth check: "more TFLOPS means faster inference"
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
# (for maintainers) the numbers quoted above, checked against course_lib
_4090, _3090 = (serving.get_measurement(k) for k in ("llama.cpp-4090", "llama.cpp-3090"))
assert (round(_4090.achieved_fraction(), 2), round(_3090.achieved_fraction(), 2)) == (0.80, 0.69)
assert round(hardware.get_gpu("RTX 4090").peak_tflops("bf16") / hardware.get_gpu("RTX 3090").peak_tflops("bf16"), 1) == 2.3
a100, h100_pcie = (compute.decode_tokens_per_second("Llama-2 13B", g, dtype="fp16") for g in ("A100", "H100 PCIe"))
assert hardware.get_gpu("H100 PCIe").peak_tflops("bf16") / hardware.get_gpu("A100").peak_tflops("bf16") > 2.4
assert a100 > h100_pcie
assert round(memory.weights_bytes(models.get_model("Llama-2 13B").param_count(), "fp16") / units.GB) == 26

# %% [markdown]
# ## Summary
#
# - **GPUs come in systems.** Beyond one 8-GPU server a job takes whole servers joined by a network
#   about ten times slower per GPU; edge modules and workstations are never clustered, and
#   tensor-parallel groups stay inside one NVLink domain.
# - **Memory decides how many GPUs at least**; a deadline or traffic decides how many more. Full
#   training needs ~16 bytes per parameter (ZeRO-3 shards it), LoRA-style tuning ~2 (frozen bf16
#   weights; its 4 N D FLOP are an optimistic approximation), serving 2 plus the KV cache, with
#   tensor-parallel groups that divide the head count.
# - **GPU-hours decide the energy and the bill**; with perfect scaling they do not depend on how many
#   GPUs you use. Energy = GPUs × TDP × hours (× PUE, notebook 10).
# - **Time, energy and cost are different rankings.** A cost ranking covers only the GPUs with a
#   price and says which it left out.
# - **Serving is bandwidth-bound:** more TFLOPS does not make token generation faster; more GB/s does.
#   Big-memory cards (MI300X, H200, B200) hold a model on fewer GPUs.
#
# ## What next
#
# [10 · Cost, energy and access](10_cost_and_energy.ipynb): dated prices, rent or buy, power and
# cooling, and the A800/H800 export variants. Practise this notebook with
# [the exercises](../exercises/09_choosing_hardware_exercises.ipynb): the H100s to serve Llama-2 70B,
# whole servers for a deadline, which ranking leaves which GPU out, and which GPU decodes faster.
# The planner also runs as a stand-alone dashboard: `voila apps/planner.ipynb` (README).
