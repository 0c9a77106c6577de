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
# # 08 · Parallel layouts on real clusters
#
# Notebook 07 split training three ways, one at a time. Real runs combine them on a real cluster:
# servers of 8 GPUs joined by NVLink, servers joined by a network, and a **layout** that says how many
# GPUs split each matrix (TP), hold each block of layers (PP), share each sequence (CP), each set of
# experts (EP) and each copy of the model (DP). This notebook builds layouts on the course's system
# catalog, searches for good ones, and puts the layouts of GPT-3, Llama 3 and DeepSeek-V3 next to the
# course's estimate of them.
#
# **Learning objectives**
# - Describe a GPU system as nodes, an NVLink (or PCIe) domain and a network, and say which link a
#   group of GPUs uses.
# - Compute memory per GPU and time per step of a TP × PP × DP layout with ZeRO, and read its breakdown.
# - Say what sequence, context and expert parallelism add, and what interleaved and zero-bubble
#   schedules change.
# - Use a layout search, edit a layout by hand, and judge the result against published runs.
# - Correct the claim "a 130B model needs 80 GB cards".
#
# **Estimated time:** 55 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/08_parallel_layouts.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/08_parallel_layouts.ipynb)
#
# **Conventions** (the same in every notebook): TFLOPS are **dense**; **GB = 10⁹ bytes**; link
# bandwidths are **per GPU and per direction**; network rates are quoted in bits (400 Gb/s = 50 GB/s).

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Every number comes from `course_lib`: `topology` (systems and collectives), `layouts` (memory and
# time of a layout, and the search) and `published_layouts` (the published runs, with sources).

# %%
import matplotlib.pyplot as plt

from course_lib import layouts, memory, published_layouts, topology, units
from course_lib.layouts import Layout
from course_lib.units import format_duration
from course_lib.widgets import layouts as layout_views

# %% [markdown]
# ## 1. Systems: nodes, NVLink domains, networks
#
# A **system** is what you buy or rent: a node of GPUs (an 8-GPU HGX/DGX server, a 72-GPU GB200 NVL72
# rack, a cloud instance, a workstation), the link inside it, and the network between nodes. The
# GPUs one set of NVSwitch chips connects form its **[NVSwitch domain](../docs/glossary.md#nvlink-domain)**.
# The catalog, with bandwidths per GPU and per direction:

# %%
# extra code – one line per system of course_lib/data/systems.json
for s in topology.list_systems():
    inside = f"{s.intra_link.bandwidth_gbs:6.1f} GB/s {s.intra_link.kind:<15}" if s.intra_link else " " * 27
    between = f"{s.inter_link.bandwidth_gbs:6.2f} GB/s {s.inter_link.kind}" if s.clustered else "never clustered"
    print(f"{s.name:<40} {s.gpus_per_node:3} x {s.gpu:<20} domain {s.domain_size:3}  {inside} {between}")

# %% [markdown]
# Three things to read off it. Inside a server NVLink gives each GPU 200–900 GB/s; between servers each
# GPU gets its share of the network: 50 GB/s on a DGX H100 (one 400 Gb/s
# **[InfiniBand](../docs/glossary.md#infiniband)** port per GPU), 6.25 GB/s on a cloud instance with
# 400 Gb/s for 8 GPUs. The GB200 NVL72 stretches one NVLink domain over 72 GPUs. And two systems are
# never clustered: the Jetson edge module and the RTX 4090 workstation (GeForce cards have no
# NVLink, and users report they cannot even send GPU-to-GPU over PCIe, NVIDIA/nccl-tests issue #117).
#
# Every number has a source (datasheet, NVIDIA's DGX documentation, a cloud provider's page, a paper):

# %%
topology.get_system("HGX H800 8-GPU").inter_link.source

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert topology.get_system("DGX H100").inter_link.bandwidth_gbs == 50
assert topology.get_system("AWS g6e.48xlarge (8x L40S)").inter_link.bandwidth_gbs == 6.25
assert topology.get_system("GB200 NVL72").domain_size == 72
assert [s.clustered for s in map(topology.get_system, ("jetson", "Workstation 4x RTX 4090"))] == [False, False]
assert min(s.intra_link.bandwidth_gbs for s in topology.list_systems() if s.intra_link and s.intra_link.kind == "nvlink") == 200
assert max(s.intra_link.bandwidth_gbs for s in topology.list_systems() if s.intra_link) == 900

# %% [markdown]
# GPUs are bought and rented in **whole nodes**: 79 H100s means 10 servers. A system that is never
# clustered refuses to be:

# %%
topology.nodes_for(79, "DGX H100")

# %%
try:
    topology.nodes_for(64, "Jetson AGX Orin 64GB Developer Kit")
except ValueError as error:
    print(error)

# %% [markdown]
# A group of GPUs talks over the slowest link it spans. `topology.group_link` says which, in words:

# %%
for n in (8, 16):
    print(n, "GPUs:", topology.group_link("DGX H100", n).note)

# %% [markdown]
# The A800 and H800 (the versions of the A100 and H100 made for export to China) keep the chip and cut
# NVLink: 400 GB/s in both directions, 200 each way. It costs little in data parallelism (notebook 07:
# 7.35× instead of 7.55× on 8 GPUs) and more where GPUs talk inside every layer: tensor parallelism.
# DeepSeek-V3, trained on H800s, used **no** tensor parallelism (section 8).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert topology.nodes_for(79, "DGX H100") == 10
assert topology.get_system("HGX A800 8-GPU").intra_link.bandwidth_gbs == 200
assert topology.get_system("HGX H800 8-GPU").intra_link.bandwidth_gbs == 200

# %% [markdown]
# ## 2. 3D parallelism: TP × PP × DP on one cluster
#
# **[3D parallelism](../docs/glossary.md#3d-parallelism)** (Narayanan et al. 2021) combines the three:
# TP inside a server (it talks every layer), PP across servers (it sends one activation per micro-batch
# and stage), DP across the rest (one gradient all-reduce per step). `Layout` holds the degrees;
# `layouts.evaluate` gives memory per GPU and time per step on a system. Llama-2 70B on 64 H100s
# (8 DGX H100), 512 sequences of 4,096 tokens per step, TP 8 × PP 2 × DP 4:

# %%
r = layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=2, dp=4), seq_len=4096, global_batch=512)
units.format_si(r.memory.total, "B"), format_duration(r.time.total), f"MFU {r.mfu:.0%}"

# %% [markdown]
# The result also says where each group sits:

# %%
r.notes

# %% [markdown]
# The time assumes the GPUs run at 60% of their dense peak *while computing* (`compute_efficiency`,
# an assumption you can change; the widgets call it "compute efficiency"); the model FLOP utilisation, **MFU**, is then an output: the bubble,
# the communication and the recomputation bring it down to 47%. The breakdown, memory on the left
# against the H100's 80 GB:

# %%
# extra code – the hand-edited layout widget's figure for this layout
fig, (memory_ax, time_ax) = plt.subplots(1, 2, figsize=(8, 2.8), gridspec_kw={"width_ratios": [1.2, 4]})
layout_views.plot_memory(memory_ax, r)
layout_views.plot_step_breakdown(time_ax, [r])
plt.show()

# %% [markdown]
# Other ways to split the same 64 GPUs. Pure data parallelism with ZeRO-3 (what PyTorch FSDP does
# alone) needs full recomputation to fit, and then spends a third more compute; ZeRO-3 *with* TP 8
# gathers the weights for every micro-batch and drowns in communication:

# %%
alternatives = [Layout(tp=8, pp=2, dp=4), Layout(tp=8, pp=8, dp=1), Layout(tp=8, dp=8, zero_stage=1),
                Layout(dp=64, zero_stage=3, recompute="full"), Layout(tp=8, dp=8, zero_stage=3)]
runs = [layouts.evaluate("Llama-2 70B", "DGX H100", lay, 4096, 512) for lay in alternatives]
[(run.layout.label, f"{run.memory.total / 1e9:.0f} GB", format_duration(run.time.total), f"{run.mfu:.0%}") for run in runs]

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert r.fits and round(r.memory.total / 1e9) == 46 and round(r.mfu, 2) == 0.47
assert any("TP 8: inside one 8-GPU domain" in n for n in r.notes) and any("PP 2: stages talk over InfiniBand" in n for n in r.notes)
assert [round(run.mfu, 2) for run in runs] == [0.47, 0.46, 0.48, 0.37, 0.2]
assert all(run.fits for run in runs)
assert not layouts.evaluate("Llama-2 70B", "DGX H100", Layout(dp=64, zero_stage=3), 4096, 512).fits

# %% [markdown]
# ## 3. Sequence and context parallelism
#
# Tensor parallelism splits the matmuls, but the layer norms and dropout between them still hold the
# whole activation on every TP GPU. **[Sequence parallelism](../docs/glossary.md#sequence-parallelism)**
# (Korthikanti et al. 2022) splits those along the sequence, for the same communication (an all-gather
# and a reduce-scatter replace each all-reduce). For the layout above it cuts the activations from 35 GB
# to 11 GB per GPU:

# %%
{sp: units.format_si(layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=2, dp=4, sequence_parallel=sp),
                                      4096, 512).memory.activations, "B") for sp in (False, True)}

# %% [markdown]
# Long sequences need more: **[context parallelism](../docs/glossary.md#context-parallelism)** (CP)
# gives each GPU a slice of every sequence, and attention gathers the keys and values of the others
# (Llama 3 does this for its 128K-token training, section 8). At 32,768 tokens, Llama-2 70B's
# activations do not fit until CP reaches 4, and the gathers cross the network:

# %%
for cp, dp in ((1, 4), (2, 2), (4, 1)):
    run = layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=2, dp=dp, cp=cp), 32768, 64)
    print(run.layout.label, f"{run.memory.total / 1e9:.0f} GB", "fits" if run.fits else "does not fit",
          f"CP gathers {format_duration(run.time.context_parallel)}")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_sp = [layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=2, dp=4, sequence_parallel=sp), 4096, 512)
       .memory.activations / 1e9 for sp in (False, True)]
assert [round(a) for a in _sp] == [35, 11]
_cp = [layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=2, dp=4 // c, cp=c), 32768, 64) for c in (1, 2, 4)]
assert [run.fits for run in _cp] == [False, False, True] and _cp[2].time.context_parallel > _cp[1].time.context_parallel

# %% [markdown]
# ## 4. Expert parallelism
#
# A mixture-of-experts model (Mixtral 8x7B: 8 expert MLPs per layer, 2 used per token) has far more
# parameters than a token uses. **[Expert parallelism](../docs/glossary.md#expert-parallelism)** (EP)
# puts different experts on different GPUs of the data-parallel group; each MoE layer then sends every
# token to the GPUs of its experts and back: an **[all-to-all](../docs/glossary.md#all-to-all)**.
# Mixtral on 16 H100s with FSDP, without and with EP 8:

# %%
for ep in (1, 8):
    run = layouts.evaluate("Mixtral 8x7B", "DGX H100", Layout(dp=16, ep=ep, zero_stage=3), 4096, 64)
    print(run.layout.label, format_duration(run.time.total), f"gradient sync {format_duration(run.time.data_parallel)}",
          f"all-to-all {format_duration(run.time.expert_parallel)}")

# %% [markdown]
# With EP 8 each GPU holds a single expert per layer instead of a shard of all eight: ZeRO-3 gathers
# and reduces far fewer expert weights, and the all-to-alls inside one server are cheap. At DeepSeek-V3's
# scale (EP 64 across 8 servers) the all-to-all over InfiniBand takes about as long as the computation,
# the 1:1 ratio DeepSeek reports; their DualPipe schedule hides it behind compute (section 8).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_ep = [layouts.evaluate("Mixtral 8x7B", "DGX H100", Layout(dp=16, ep=e, zero_stage=3), 4096, 64) for e in (1, 8)]
assert _ep[1].time.total < _ep[0].time.total and _ep[1].time.data_parallel < _ep[0].time.data_parallel / 2
assert _ep[1].time.expert_parallel < 0.1

# %% [markdown]
# ## 5. Smaller bubbles: interleaved and zero-bubble schedules
#
# With few micro-batches per pipeline the bubble is large. The
# **[interleaved schedule](../docs/glossary.md#interleaved-schedule)** (Narayanan et al. 2021) gives each
# GPU v smaller chunks of layers and divides the bubble by v, for v times the pipeline sends.
# **[Zero-bubble schedules](../docs/glossary.md#zero-bubble-schedule)** (Qi et al. 2023) split the backward
# pass into its input-gradient and weight-gradient halves and use the weight halves to fill the bubble:
# ZB-H1 leaves a third of 1F1B's bubble with the same memory, ZB-H2 almost none with about twice the
# activations. Llama-2 70B on TP 8 × PP 8, only 16 sequences per step (16 micro-batches for 8 stages):

# %%
for schedule, v in (("1f1b", 1), ("interleaved", 2), ("zb-h1", 1), ("zb-h2", 1)):
    run = layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=8, schedule=schedule, virtual_stages=v), 4096, 16)
    print(f"{run.layout.label:<48} bubble {format_duration(run.time.bubble):>8}  activations "
          f"{run.memory.activations / 1e9:.0f} GB  MFU {run.mfu:.0%}")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_sch = {s: layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=8, schedule=s, virtual_stages=v), 4096, 16)
        for s, v in (("1f1b", 1), ("interleaved", 2), ("zb-h1", 1), ("zb-h2", 1))}
assert _sch["interleaved"].time.bubble == _sch["1f1b"].time.bubble / 2
assert abs(_sch["zb-h1"].time.bubble - _sch["1f1b"].time.bubble / 3) < 1e-9 and _sch["zb-h2"].time.bubble == 0
assert _sch["zb-h2"].memory.activations > 1.8 * _sch["1f1b"].memory.activations

# %% [markdown]
# ## 6. Search for a layout
#
# `layouts.search` tries every TP (inside one server), PP, DP (and EP for MoE models), each ZeRO stage,
# micro-batch size and recomputation mode, drops the layouts that cannot run or do not fit, and ranks
# the rest by step time. The widget shows the fastest and their time breakdown:

# %%
layout_views.search_view()

# %% [markdown]
# **Try this:**
# - The default (Llama-2 70B, 64 H100s, 512 × 4,096 tokens): the fastest layouts use TP 2–4 and
#   pipeline stages, all inside 80 GB, at 53% MFU. Move the GPUs to 1,024: the fastest layout is TP 8 ×
#   DP 128 with no pipeline (no bubble), and the MFU drops to 41%. Each of the 128 copies now computes
#   only 4 sequences per step (1.5 s), but each step still ends with an all-reduce of the gradients,
#   whose size does not shrink with the batch: the half that is not hidden takes 0.34 s, and TP 8's
#   all-reduces another 0.33 s.
# - Switch the system to the HGX A800 8-GPU: same GPUs as the A100 but slower NVLink; compare the
#   DGX A100 (80GB).
# - Pick *Llama-3.1 405B* (the Llama 3 paper's 405B: the same architecture) on 64 GPUs: nothing fits
#   (405.9e9 parameters × 16 bytes = 6.5 TB of state, 101 GB per GPU). At 1,024 GPUs it does.
# - Lower "compute efficiency" (the share of peak while computing) to 0.4: every step slows, the
#   ranking barely changes.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_found = layouts.search("Llama-2 70B", "DGX H100", 64, 4096, 512, limit=8)
assert all(run.layout.tp in (2, 4) for run in _found.feasible[:3])
assert round(_found.best.mfu, 2) == 0.53
_best1024 = layouts.search("Llama-2 70B", "DGX H100", 1024, 4096, 512).best
assert (_best1024.layout.tp, _best1024.layout.pp, _best1024.layout.dp) == (8, 1, 128) and _best1024.time.bubble == 0
assert round(_best1024.mfu, 2) == 0.41 and 512 // _best1024.layout.dp == 4 and round(_best1024.time.compute, 1) == 1.5
assert round(_best1024.time.data_parallel - _best1024.time.data_parallel_hidden, 2) == 0.34
assert abs(_best1024.time.data_parallel_hidden - _best1024.time.data_parallel / 2) < 1e-12  # "the half"
assert round(_best1024.time.tensor_parallel, 2) == 0.33
assert not layouts.search(published_layouts.LLAMA3_405B, "DGX H100", 64, 4096, 512).feasible
_n405 = published_layouts.LLAMA3_405B.n_params
assert round(_n405 / 1e9, 1) == 405.9 and round(_n405 * 16 / 1e12, 1) == 6.5 and round(_n405 * 16 / 64 / 1e9) == 101
assert layouts.search(published_layouts.LLAMA3_405B, "DGX H100", 1024, 4096, 512).feasible

# %% [markdown]
# ## 7. Edit a layout by hand
#
# The second widget evaluates one layout you set yourself, and says why a layout cannot run (a TP degree
# that does not divide the heads, GPUs that are not whole servers, a workstation asked to cluster):

# %%
layout_views.layout_view()

# %% [markdown]
# **Try this:**
# - Set TP 16: TP now spans two servers, the note says it crosses InfiniBand, and TP's share of the
#   step jumps.
# - Back to TP 8, set PP 1 and ZeRO 0: 69e9 × 16 bytes / 8 = 138 GB of state per GPU, "DOES NOT FIT".
#   ZeRO 1 with DP 8 (64 GPUs) brings it back under 80 GB.
# - Set the schedule to gpipe: the activations of all micro-batches stay in memory.
# - Pick GPT-2 small: its 12 heads cannot be split 8 ways; the widget says so.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_hand = layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, zero_stage=0), 4096, 512)
assert not _hand.fits and round((_hand.memory.weights + _hand.memory.gradients + _hand.memory.optimizer_states) / 1e9) == 138
assert layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, dp=8, zero_stage=1), 4096, 512).fits
assert not layouts.evaluate("Llama-2 70B", "DGX H100", Layout(tp=8, pp=8, schedule="gpipe"), 4096, 512).fits

# %% [markdown]
# ## 8. Published layouts, next to the estimate
#
# Six published layouts from four papers, each evaluated on the matching system at one
# common assumption (GPUs at 60% of their dense bf16 peak while computing). "Implied efficiency" is the
# share of peak at which the estimate would match the paper exactly:

# %%
from IPython.display import HTML

HTML(layout_views.published_table())

# %% [markdown]
# Every estimate lands within ±25% of the published number (the course's stated tolerance is ±35%),
# and the implied efficiencies sit between 44% and 68% except one. What the paper did not say, and
# why the numbers differ, is stored with each run:

# %%
gpt3 = published_layouts.get_published("megatron-gpt3")
gpt3.source, gpt3.assumptions, gpt3.explanation

# %% [markdown]
# - **GPT-3 175B, Megatron-LM** (Narayanan et al. 2021, Table 2): TP 8 × PP 12 = 96 GPUs per model
#   copy, DP 16 on 1,536 A100s, 141 teraFLOP/s per GPU. The estimate is 8% optimistic. The paper's
#   famous "34 days on 1,024 A100s" is an estimate at 140 teraFLOP/s, not a layout: 1,024 is not a
#   multiple of 96.
# - **Llama 3 405B** (Llama 3 paper, Table 4): TP 8, PP 16, DP 64/128, and CP 16 for 128K-token
#   sequences, 38–43% MFU. The model is the course's *Llama-3.1 405B* preset: the paper's Table 3
#   describes the architecture released as Llama 3.1. Meta does not publish its interleaving depth; with 4 chunks the estimate is
#   4–9% low at 8K tokens and 24% low with CP, whose key/value gathers Meta partly overlaps. Our
#   activation formula puts all three Llama 3 runs above 80 GB (97 GB): a sign of its limits (Meta
#   balances memory by removing layers from the first and last stages).
# - **DeepSeek-V3** (DeepSeek-V3 report, Section 3): PP 16, EP 64 across 8 servers, ZeRO-1, no TP, on
#   2,048 H800s: 2.664M GPU-hours for 14.8T tokens. The estimate (2.05M) is 23% low with the all-to-all
#   fully hidden; it finds the all-to-all about as long as the compute, DeepSeek's 1:1. Its memory
#   estimate, 83 GB on an 80 GB card, is over for a similar reason: the course's activation formula
#   (a GPT layer with selective recomputation) knows neither DeepSeek's recomputation of its norms and
#   MLA up-projections nor its FP8 activations (Section 3.3). Notebook 11 prints this explanation.
# - **GLM-130B** (Zeng et al. 2022, Section 2.3 and Table 11): TP 4 × PP 8 × DP 24 with ZeRO-1 on
#   768 A100-40GB: MFU 32.5%. The estimate is 23% high: GLM's GPUs computed at a lower share of peak
#   (implied 48%).
#
# Notebook 11 repeats this table in its reality check.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_diffs = {p.key: p.difference() for p in published_layouts.PUBLISHED_LAYOUTS}
assert all(abs(d) <= 0.25 for d in _diffs.values())
assert round(_diffs["megatron-gpt3"], 2) == 0.08 and round(_diffs["llama3-128k-16384"], 2) == -0.24
assert [round(-_diffs[k], 2) for k in ("llama3-8k-8192", "llama3-8k-16384")] == [0.04, 0.09]
assert round(_diffs["deepseek-v3"], 2) == -0.23 and round(_diffs["glm-130b"], 2) == 0.23
_imp = {p.key: p.implied_efficiency() for p in published_layouts.PUBLISHED_LAYOUTS}
assert all(0.435 < v < 0.685 for k, v in _imp.items() if k != "llama3-128k-16384") and _imp["llama3-128k-16384"] > 0.9
assert round(published_layouts.get_published("deepseek-v3").predicted() / 1e6, 2) == 2.05
assert [p.result().fits for p in map(published_layouts.get_published, ("llama3-8k-8192", "llama3-8k-16384"))] == [False, False]
_llama3 = [p.result() for p in published_layouts.PUBLISHED_LAYOUTS if p.key.startswith("llama3")]
assert len(_llama3) == 3 and all(not m.fits and round(m.memory.total / 1e9) == 97 for m in _llama3)
_ds = published_layouts.get_published("deepseek-v3").result()
assert not _ds.fits and (round(_ds.memory.total / 1e9), round(_ds.memory.capacity / 1e9)) == (83, 80)
assert _ds.layout.recompute == "selective" and "FP8 activations" in published_layouts.get_published("deepseek-v3").explanation
assert len(published_layouts.PUBLISHED_LAYOUTS) == 6 and len({p.source.split(",")[0] for p in published_layouts.PUBLISHED_LAYOUTS}) == 4

# %% [markdown]
# ### A fine-tuning job
#
# Stanford Alpaca fine-tuned LLaMA-7B on "a machine with 4 A100 80G GPUs in FSDP `full_shard` mode",
# 4 sequences of up to 512 tokens per GPU (Alpaca README). In course terms: DP 4 with ZeRO-3. It fits:

# %%
alpaca = published_layouts.alpaca_finetune()
alpaca.layout.label, units.format_si(alpaca.memory.total, "B"), alpaca.fits

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert alpaca.fits and round(alpaca.memory.total / 1e9) == 46

# %% [markdown]
# ## Myth check: "training a 130B model needs 80 GB cards"
#
# One of the [source articles](../docs/source-article-errors.md) says a 130B-parameter model needs at
# least 80 GB per card. The training state of 130B parameters is 2,080 GB: no card holds it, 80 GB or
# not. What decides is how the state
# is split. GLM-130B was trained on 96 DGX A100 servers of 8 × **40 GB** A100s (Zeng et al. 2022,
# Section 2.3) with TP 4 × PP 8 × DP 24, ZeRO-1 and full recomputation (Table 11):

# %%
glm = published_layouts.get_published("glm-130b").result()
units.format_si(memory.training_memory(130e9)["total"], "B"), units.format_si(glm.memory.total, "B"), glm.memory.capacity / 1e9

# %% [markdown]
# 22 GB per GPU of a 40 GB card. Without ZeRO-1 the same layout needs 78 GB: the layout, not the card
# size, is what makes it fit. **Busted.**

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert memory.training_memory(130e9)["total"] == 2080e9 and glm.fits and round(glm.memory.total / 1e9) == 22
_glm0 = layouts.evaluate(published_layouts.GLM_130B, "DGX A100 (40GB)",
                         Layout(tp=4, pp=8, dp=24, zero_stage=0, recompute="full", sequence_parallel=False), 2048, 4224)
assert not _glm0.fits and round(_glm0.memory.total / 1e9) == 78

# %% [markdown]
# ## Summary
#
# - A cluster is **nodes** (8-GPU servers, 72-GPU NVL72 racks, instances) with an NVLink or PCIe
#   **domain** inside and a **network** between (25–50 GB/s per GPU on DGX systems, far less on some
#   cloud instances). GPUs come in whole nodes; edge modules and GeForce workstations are never
#   clustered.
# - A **layout** is TP × CP × PP × DP (× EP) with a ZeRO stage, micro-batch, schedule and recomputation.
#   TP stays in the NVLink domain; PP and DP cross the network.
# - Memory per GPU: the state divided by TP × PP (× EP for experts) and sharded by ZeRO over the data-
#   parallel copies, plus the activations of the micro-batches in flight.
# - Time per step: compute + bubble + the communication that is not hidden. MFU is what is left.
# - Sequence parallelism shrinks activations; context parallelism splits long sequences; expert
#   parallelism splits MoE experts with all-to-alls; interleaved and zero-bubble schedules shrink the bubble.
# - The estimates land within ±25% of Megatron-LM's GPT-3, Llama 3 405B, DeepSeek-V3 and GLM-130B,
#   each gap explained.
#
# ## What next
#
# - Practise: [exercises/08_parallel_layouts_exercises.ipynb](../exercises/08_parallel_layouts_exercises.ipynb),
#   including "design the layout".
# - Next notebook: [09 · Choosing hardware](09_choosing_hardware.ipynb): which GPU, how many, how
#   long and how much.
