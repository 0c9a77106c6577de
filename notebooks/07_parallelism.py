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
# # 07 · Parallelism: training on many GPUs
#
# A large model does not fit in one GPU, and training it on one GPU would take decades. This
# notebook splits the work in the three ways used in practice: **data parallelism** (every GPU
# gets different data and the gradients are summed by an *all-reduce*), **tensor parallelism**
# (every matrix is split across GPUs) and **pipeline parallelism** (the layers are split). Then
# **ZeRO** and its PyTorch name **FSDP**, which stop every GPU from keeping a full copy of the
# training state. Notebook 08 puts these together on real clusters.
#
# **Learning objectives**
# - Explain ring all-reduce step by step, and compute its time: 2(n−1)/n × bytes / bandwidth.
# - Say why GPUs come in servers of 8 and what changes when a group of GPUs spans several servers.
# - Use gradient accumulation to reach a large batch, and say why it makes data parallelism cheaper.
# - Split a matrix multiplication column-wise and row-wise, and say why tensor parallelism stays
#   inside one server.
# - Compute the pipeline bubble (p−1)/(m+p−1) and say what 1F1B changes (memory, not the bubble).
# - Compute per-GPU training memory for ZeRO stages 0–3, and recognise them in PyTorch FSDP.
#
# **Estimated time:** 55 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/07_parallelism.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/07_parallelism.ipynb)
#
# **Conventions** (the same in every notebook): TFLOPS are **dense** (never the 2:4-sparse figure);
# **GB = 10⁹ bytes**, **GiB = 2³⁰ bytes**. New here: a link bandwidth is **per GPU and per
# direction** (what a GPU can send while it receives as much). Datasheets add the two directions:
# the A100's "600 GB/s NVLink" is 300 GB/s each way.

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Every number below comes from `course_lib`: the GPU and system catalogs, the model presets and
# the formulas of `course_lib.parallel` and `course_lib.topology`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from course_lib import compute, hardware, layouts, memory, models, parallel, topology, units
from course_lib.units import format_duration, format_si
from course_lib.widgets import parallelism as par_widgets

# %% [markdown]
# ## 1. Why one GPU is not enough
#
# Training state with mixed-precision Adam is 16 bytes per parameter (notebook 04). For Llama-2
# 70B that is far more than the 80 GB of an H100:

# %%
llama70 = models.get_model("Llama-2 70B")
state = memory.training_memory(llama70.param_count())
format_si(state["total"], "B"), state["total"] / hardware.get_gpu("H100 SXM").memory_bytes

# %% [markdown]
# Nearly fourteen H100s' worth of memory, before a single activation. Time is the other wall: Llama-2
# 70B's 2 trillion training tokens (Touvron et al. 2023, Table 1) cost about 8e23 FLOP (6 N D), and a
# 1e24-FLOP run on one H100 at 40% [MFU](../docs/glossary.md#mfu) takes a lifetime:

# %%
f"{compute.training_flops(llama70.param_count(), 2e12):.2g} FLOP", \
    format_duration(compute.training_seconds(1e24, "H100 SXM", 1, 0.4))

# %% [markdown]
# With 8,192 GPUs the same run takes days, *if* the GPUs can work together without waiting for
# each other. That "if" is this notebook.

# %%
format_duration(compute.training_seconds(1e24, "H100 SXM", 8192, 0.4))

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert 13.5 < state["total"] / hardware.get_gpu("H100 SXM").memory_bytes < 14  # 16 bytes x 69.0e9 = 1.10 TB
assert 8e23 < compute.training_flops(llama70.param_count(), 2e12) < 8.5e23
assert 79 < compute.training_seconds(1e24, "H100 SXM", 1, 0.4) / units.SECONDS_PER_YEAR < 81
assert 3 < compute.training_seconds(1e24, "H100 SXM", 8192, 0.4) / units.SECONDS_PER_DAY < 4

# %% [markdown]
# ## 2. Data parallelism and the ring all-reduce
#
# In **[data parallelism](../docs/glossary.md#data-parallelism)** (DP) every GPU holds the whole
# model and processes different data. After the backward pass each GPU has its own gradients;
# before the optimizer step they must be **summed over all GPUs** so that every copy of the model
# stays identical. That collective operation is an **[all-reduce](../docs/glossary.md#all-reduce)**.
#
# The naive way sends every gradient to GPU 0, sums there and sends the result back: GPU 0's link
# carries 2(n−1) full buffers. The **ring all-reduce** (Patarasuk & Yuan 2009, used by NCCL) cuts
# each buffer into n chunks and passes chunks around a ring, so that every link carries the
# same, small share. Let us watch it on 4 "GPUs" whose buffers hold 4 numbers; GPU r holds
# [1, 2, 3, 4] × 10^r, so each digit of the sum shows which GPUs it came from.

# %%
arrays = [np.array([1, 2, 3, 4], dtype=np.int64) * 10**rank for rank in range(4)]
result = parallel.ring_allreduce(arrays, record_steps=True)
print("\n".join(par_widgets.ring_step_lines(result.steps)))

# %% [markdown]
# Each line is one step; all sends of a step happen at once, each GPU to its right neighbour.
# In the **reduce-scatter** steps the receiver *adds* the chunk to its own copy; after n−1 = 3
# steps each GPU holds one chunk's complete sum. In the **all-gather** steps those complete
# chunks are *copied* around the ring. The heat maps count how many GPUs' inputs each copy of each
# chunk contains (4 = complete):

# %%
# extra code – one panel per step of the log above
fig = plt.figure(figsize=(8, 4.6))
par_widgets.plot_ring_contributions(fig, result.steps)
fig.tight_layout()
plt.show()

# %% [markdown]
# Every GPU ends with the full sum, and each sent 2 × 3 chunks of 8 bytes (int64) = 48 bytes:
# 2(n−1)/n of its 32-byte buffer.

# %%
result.results[0], result.bytes_sent

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert all(np.array_equal(r, np.sum(arrays, axis=0)) for r in result.results)
assert result.results[0].tolist() == [1111, 2222, 3333, 4444]
assert result.bytes_sent == [parallel.ring_allreduce_bytes_sent(arrays[0].nbytes, 4)] * 4 == [48] * 4

# %% [markdown]
# ### The cost model
#
# Each GPU sends (and, at the same time, receives) 2(n−1)/n × the buffer, so with B bytes per
# second per direction:
#
# $$t_\text{all-reduce} = \frac{2(n-1)}{n} \cdot \frac{\text{bytes}}{B}$$
#
# The factor 2(n−1)/n approaches 2 as n grows: the ring's time barely depends on the number of
# GPUs. For a 7B model's bf16 gradients (14 GB) on 8 GPUs, at the A100's 300 GB/s per direction:

# %%
grad_bytes = memory.weights_bytes(7e9, "bf16")
format_si(grad_bytes, "B"), format_duration(parallel.allreduce_seconds(grad_bytes, 8, 300))

# %% [markdown]
# ### GPUs come in servers
#
# B depends on which GPUs talk. You do not buy 8 loose GPUs: you buy a **server** (NVIDIA's
# HGX/DGX boards hold 8 GPUs) or rent a cloud instance. Inside it, **[NVLink](../docs/glossary.md#nvlink)**
# through NVSwitch chips joins every GPU to every other; a server of PCIe cards uses the
# motherboard's PCIe instead. Between servers the traffic crosses the **network** (InfiniBand or
# Ethernet), typically one network card per GPU. `course_lib.topology` holds real systems with
# their sources; here are the links this notebook compares, each with how many GPUs it joins:

# %%
links = topology.reference_links()
{label: (round(link.bandwidth_gbs, 1), link.domain_size or "cluster") for label, link in links.items()}

# %% [markdown]
# The NVLink figures are half the datasheets' two-way totals (A100 600 → 300 GB/s, A800 400 → 200,
# H100 900 → 450); PCIe Gen4 x16 is 16 lanes × 16 GT/s × 128/130 / 8 = 31.5 GB/s each way;
# InfiniBand is in **bits**: a DGX A100 has one 200 Gb/s HDR port per GPU (25 GB/s), a DGX H100 one
# 400 Gb/s NDR port (50 GB/s). NVLink is 8 to 12 times faster than the server's network (A800:
# 200 ÷ 25, H100: 450 ÷ 50, A100: 300 ÷ 25), but only inside one server of 8.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert [links[k].bandwidth_gbs for k in ("NVLink A100", "NVLink A800", "NVLink H100")] == [300, 200, 450]
assert round(links["PCIe Gen4 x16"].bandwidth_gbs, 1) == 31.5 and round(parallel.pcie_bandwidth_gbs(5), 1) == 63.0
assert [links[k].bandwidth_gbs for k in ("InfiniBand HDR 200 Gb/s", "InfiniBand NDR 400 Gb/s")] == [25, 50]
assert all(links[k].domain_size == 8 for k in ("NVLink A100", "NVLink A800", "NVLink H100", "PCIe Gen4 x16"))
assert round(parallel.allreduce_seconds(14e9, 8, 300), 4) == 0.0817  # 2 x 7/8 x 14e9 / 300e9
_ib = {"A800": "InfiniBand HDR 200 Gb/s", "H100": "InfiniBand NDR 400 Gb/s", "A100": "InfiniBand HDR 200 Gb/s"}
assert [links[f"NVLink {g}"].bandwidth_gbs / links[ib].bandwidth_gbs for g, ib in _ib.items()] == [8, 9, 12]

# %% [markdown]
# So a group of 16 A100s is *not* "16 GPUs on NVLink": it is two DGX A100 servers. NCCL then
# all-reduces **hierarchically**: a reduce-scatter inside each server (NVLink), an all-reduce of
# each GPU's 1/8 share across servers (each GPU over its own network card), an all-gather inside
# each server. The same 14 GB on 8, 16 and 64 A100s:

# %%
{n: format_duration(topology.collective_time("all-reduce", grad_bytes, "DGX A100 (80GB)", n).seconds)
 for n in (8, 16, 64)}

# %% [markdown]
# From 8 to 16 GPUs the time nearly doubles (the network's 25 GB/s per GPU joins in); from 16 to 64
# it grows only a little more. One flat ring through all 64 GPUs would be paced by the network
# alone, 2 × 63/64 × 14 GB / 25 GB/s:

# %%
format_duration(topology.collective_time("all-reduce", grad_bytes, "DGX A100 (80GB)", 64, algorithm="ring").seconds)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_ar = {n: topology.collective_time("all-reduce", 14e9, "DGX A100 (80GB)", n).seconds for n in (8, 16, 64)}
assert [round(_ar[n] * 1e3) for n in (8, 16, 64)] == [82, 152, 204]  # + 70 ms, + 122.5 ms over 25 GB/s per GPU
assert round(topology.collective_time("all-reduce", 14e9, "DGX A100 (80GB)", 64, algorithm="ring").seconds, 2) == 1.10

# %% [markdown]
# The widget draws the all-reduce time against the number of GPUs on four systems; past the dotted
# line (the end of one server) the network takes part, and the headline says which network.

# %%
par_widgets.allreduce_view()

# %% [markdown]
# **Try this:**
# - Go from 8 to 64 GPUs on the DGX A100: 81.7 ms → 204 ms. Inside one server the ring's time
#   barely grows with n; past it, the network's share grows.
# - Switch to the DGX H100: 54.4 ms inside a node, 116 ms on 64 GPUs (faster NVLink, and twice the
#   network per GPU).
# - Switch to the 8 × L40S cloud instance (PCIe, no NVLink): 778 ms for one server, 9.5 × the DGX A100.
# - Set 70 billion parameters on 64 A100s: 140 GB of gradients take about 2 s per step. This is
#   why large runs do not use plain data parallelism alone.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_h100 = {n: topology.collective_time("all-reduce", 14e9, "DGX H100", n).seconds for n in (8, 64)}
assert [round(_h100[8] * 1e3, 1), round(_h100[64] * 1e3)] == [54.4, 116]
_l40s = topology.collective_time("all-reduce", 14e9, "AWS g6e.48xlarge (8x L40S)", 8).seconds
assert round(_l40s * 1e3) == 778 and round(_l40s / _ar[8], 1) == 9.5
assert round(topology.collective_time("all-reduce", 140e9, "DGX A100 (80GB)", 64).seconds, 1) == 2.0

# %% [markdown]
# ## 3. Gradient accumulation: big batches, one all-reduce
#
# A GPU's memory limits how many sequences it can push through the model at once: a
# **[micro-batch](../docs/glossary.md#micro-batch)**. **[Gradient accumulation](../docs/glossary.md#gradient-accumulation)**
# runs several micro-batches one after the other, *adds* their gradients, and only then all-reduces
# and steps the optimizer. The batch per step grows; the all-reduce does not. In PyTorch it is a
# loop of forward/backward passes inside `model.no_sync()` with one `optimizer.step()` at the end
# (Hugging Face: `gradient_accumulation_steps`).
#
# Llama-2 7B on 64 A100s (8 DGX A100), micro-batches of 4,096 tokens per GPU, at 40% MFU: with
# 1, 4 and 16 accumulation steps each GPU processes 4,096, 16,384 and 65,536 tokens per step.

# %%
{steps: round(layouts.dp_speedup("Llama-2 7B", "DGX A100 (80GB)", 64, 4096 * steps, 0.4)["efficiency"], 3)
 for steps in (1, 4, 16)}

# %% [markdown]
# The compute per step grows with the accumulation steps, the all-reduce stays the same, so the
# efficiency (speed-up / number of GPUs) climbs from 87% to 99%. The price is a larger batch per
# step, which changes the training itself (the optimizer takes fewer, larger steps).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_acc = [layouts.dp_speedup("Llama-2 7B", "DGX A100 (80GB)", 64, 4096 * k, 0.4)["efficiency"] for k in (1, 4, 16)]
assert [round(e, 2) for e in _acc] == [0.87, 0.96, 0.99] and _acc[0] < _acc[1] < _acc[2]

# %% [markdown]
# ## 4. Tensor parallelism: split every matrix
#
# When the model's weights do not fit in one GPU, **[tensor parallelism](../docs/glossary.md#tensor-parallelism)**
# (TP, Megatron-LM: Shoeybi et al. 2019) splits each weight matrix over t GPUs. For y = x @ w there
# are two ways:
#
# - **column-parallel**: GPU i holds a block of w's **columns** and computes those columns of y;
#   the blocks are concatenated (an all-gather), or simply kept split for the next layer.
# - **row-parallel**: GPU i holds a block of w's **rows** and the matching columns of x, and
#   computes a *partial* y; the partial results are **summed** (an all-reduce).
#
# A small example, 4 GPUs:

# %%
rng = np.random.default_rng(0)
x, w = rng.standard_normal((2, 8)), rng.standard_normal((8, 12))
[block.shape for block in np.split(w, 4, axis=1)], [block.shape for block in np.split(w, 4, axis=0)]

# %% [markdown]
# Both splits give the unsplit product, up to floating-point rounding (the largest differences are
# below 1e-14):

# %%
np.abs(parallel.column_parallel_matmul(x, w, 4) - x @ w).max(), np.abs(parallel.row_parallel_matmul(x, w, 4) - x @ w).max()

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert np.allclose(parallel.column_parallel_matmul(x, w, 4), x @ w)
assert np.allclose(parallel.row_parallel_matmul(x, w, 4), x @ w)

# %% [markdown]
# Megatron's MLP chains the two: w1 (d × 4d) **column**-parallel, so each GPU holds a slice of
# the hidden layer and can apply GeLU to it alone (GeLU of a sum is not the sum of GeLUs, so a
# row split here would need an all-reduce *before* the GeLU); then w2 **row**-parallel, and **one
# all-reduce** at the end. Split over 4 GPUs, it equals the same MLP on 1 GPU:

# %%
w1, w2 = rng.standard_normal((8, 32)), rng.standard_normal((32, 8))
np.abs(parallel.tensor_parallel_mlp(x, w1, w2, 4) - parallel.tensor_parallel_mlp(x, w1, w2, 1)).max()

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert np.allclose(parallel.tensor_parallel_mlp(x, w1, w2, 4), parallel.tensor_parallel_mlp(x, w1, w2, 1))

# %% [markdown]
# ### Why tensor parallelism stays inside a server
#
# Attention is split the same way (by heads). A transformer layer then needs **4 all-reduces per
# training step**, 2 in the forward pass and 2 in the backward pass (Shoeybi et al. 2019, sec. 3 and
# Fig. 4), each of the layer's whole activation tensor (tokens × d_model values). Data parallelism
# communicates once per step; TP communicates inside every layer, and the GPUs wait for it.
# One layer of Llama-2 70B (4096 tokens, TP = 8 on H100s at 50% MFU), on NVLink and, if the 8 GPUs
# sat in 8 different servers, over each GPU's 400 Gb/s InfiniBand port:

# %%
for label in ("NVLink H100", "InfiniBand NDR 400 Gb/s"):
    layer = parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, links[label].bandwidth_gbs,
                                                   "H100 SXM", 0.5)
    print(f"{label:>24}: compute {format_duration(layer['compute'])}, "
          f"all-reduces {format_duration(layer['communication'])}")

# %% [markdown]
# On NVLink the communication is a fifth of the compute (and can partly overlap with it); over
# InfiniBand it takes 1.7× *longer* than the compute, every layer. Both grow with the number of
# tokens, so a bigger batch does not help. That is why TP is used within the 8 NVLink-connected GPUs
# of a server, and data or pipeline parallelism across servers (Narayanan et al. 2021).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_tp = {label: parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, links[label].bandwidth_gbs,
                                                      "H100 SXM", 0.5) for label in ("NVLink H100", "InfiniBand NDR 400 Gb/s")}
assert round(_tp["NVLink H100"]["communication"] / _tp["NVLink H100"]["compute"], 1) == 0.2  # a fifth
assert round(_tp["InfiniBand NDR 400 Gb/s"]["communication"] / _tp["InfiniBand NDR 400 Gb/s"]["compute"], 1) == 1.7

# %% [markdown]
# ## 5. Pipeline parallelism: split the layers
#
# **[Pipeline parallelism](../docs/glossary.md#pipeline-parallelism)** (PP) gives each GPU a
# contiguous block of layers (a *stage*) and passes activations from stage to stage. To keep all
# stages busy, the batch is cut into m micro-batches. GPU 1 cannot start until GPU 0 has finished
# the first micro-batch, and at the end of the step the first stages wait for the backward passes to
# come back: the idle time is the **[bubble](../docs/glossary.md#pipeline-bubble)**. Two schedules,
# 4 stages and 8 micro-batches (blue: forward, orange: backward, white: idle):

# %%
# extra code – GPipe (Huang et al. 2019) and 1F1B (Narayanan et al. 2021) on the same grid
gpipe, one_f_one_b = parallel.pipeline_schedule(4, 8, "gpipe"), parallel.pipeline_schedule(4, 8, "1f1b")
fig, (ax_top, ax_bottom) = plt.subplots(2, 1, figsize=(8, 4.8), sharex=True)
par_widgets.plot_pipeline_schedule(ax_top, gpipe, title="GPipe: all forwards, then all backwards")
par_widgets.plot_pipeline_schedule(ax_bottom, one_f_one_b, title="1F1B: one forward, one backward")
fig.tight_layout()
plt.show()

# %% [markdown]
# Both have the same idle fraction, (p − 1)/(m + p − 1) = 3/11 = 27%: the pipeline fills and drains
# once per step, so each GPU is idle 2(p − 1) = 6 of its 2(m + p − 1) = 22 slots.

# %%
[parallel.pipeline_bubble_fraction(4, 8)] + [parallel.grid_bubble_fraction(g) for g in (gpipe, one_f_one_b)]

# %% [markdown]
# What 1F1B changes is **memory**: GPipe runs all m forwards before any backward, so GPU 0 keeps
# the activations of all 8 micro-batches; 1F1B starts backwards early and never keeps more than p = 4.

# %%
parallel.peak_activation_microbatches(4, 8, "gpipe"), parallel.peak_activation_microbatches(4, 8, "1f1b")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert parallel.pipeline_bubble_fraction(4, 8) == parallel.grid_bubble_fraction(gpipe) == 3 / 11
assert parallel.grid_bubble_fraction(one_f_one_b) == 3 / 11
assert [parallel.peak_activation_microbatches(4, 8, schedule) for schedule in ("gpipe", "1f1b")] == [8, 4]

# %% [markdown]
# The bubble shrinks as micro-batches are added (more gradient accumulation):
# (p − 1)/(m + p − 1) goes to zero as m grows.

# %%
{m: round(parallel.pipeline_bubble_fraction(4, m), 3) for m in (1, 4, 8, 32, 128)}

# %% [markdown]
# Explore stages, micro-batches, the schedule and the cost of a backward pass:

# %%
par_widgets.bubble_view()

# %% [markdown]
# **Try this:**
# - Set 1 micro-batch: the bubble is (p − 1)/p = 75%; only one GPU works at any time.
# - Keep 4 stages and raise m to 32: the bubble drops to 3/35 = 8.6%. The price: m micro-batches
#   per step means a big global batch, or small micro-batches that use the GPU less efficiently.
# - Switch between gpipe and 1f1b: the chart reorders, the bubble does not change, and the number
#   of micro-batches GPU 0 keeps in memory drops from m to min(p, m).
# - Set backward / forward time to 2 (closer to reality: a backward computes two gradients): the
#   chart stretches but the idle *fraction* stays the same.
#
# Notebook 08 shows schedules that shrink the bubble itself (interleaved, zero-bubble).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert parallel.pipeline_bubble_fraction(4, 1) == 0.75 and round(parallel.pipeline_bubble_fraction(4, 32), 3) == 0.086

# %% [markdown]
# ## 6. ZeRO and FSDP: stop storing n copies of the training state
#
# Plain data parallelism keeps the full 16 bytes per parameter on *every* GPU: n identical
# copies. **[ZeRO](../docs/glossary.md#zero)** (Rajbhandari et al. 2020) shards this state over the
# n data-parallel GPUs in three stages: **1** the optimizer states (12 bytes/param: fp32 master
# weights, momentum, variance), **2** also the gradients (2 bytes), **3** also the fp16/bf16 weights
# (2 bytes). The paper's Figure 1 uses a 7.5B-parameter model on 64 GPUs and finds 120 GB, 31.4 GB,
# 16.6 GB and 1.9 GB per GPU:

# %%
{stage: format_si(parallel.zero_memory_per_gpu(7.5e9, 64, stage)["total"], "B") for stage in range(4)}

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert [round(parallel.zero_memory_per_gpu(7.5e9, 64, s)["total"] / 1e9, 1) for s in range(4)] == [120, 31.4, 16.6, 1.9]

# %% [markdown]
# As stacked bars, with the 80 GB of an A100 for scale:

# %%
# extra code – the ZeRO widget's bars at the paper's example
fig, ax = plt.subplots(figsize=(7, 3.8))
par_widgets.plot_zero_stages(ax, 7.5e9, 64, stage=2, gpu="A100 SXM 80GB")
plt.show()

# %% [markdown]
# **Where you meet ZeRO.** In DeepSpeed it is the `zero_optimization.stage` setting (1, 2 or 3). In
# PyTorch it is **[FSDP](../docs/glossary.md#fsdp)**, `FullyShardedDataParallel`: its
# `ShardingStrategy.FULL_SHARD` is ZeRO-3 and `SHARD_GRAD_OP` is ZeRO-2; Hugging Face's Trainer
# exposes it as `--fsdp full_shard`.
#
# ZeRO-3 is not free: every layer's weights must be gathered before its forward and again before
# its backward. The paper counts 3Ψ of communication per GPU and step (Ψ = parameters: two weight
# all-gathers and one gradient reduce-scatter, sec. 7.2.2) against 2Ψ for the all-reduce of plain data
# parallelism (sec. 7.1): **1.5×**. Stages 1 and 2 communicate the same 2Ψ as plain DP (sec. 7.2.1).
#
# The ZeRO widget: parameters, GPUs, stage and the GPU whose memory is drawn as a dashed line.

# %%
par_widgets.zero_view()

# %% [markdown]
# **Try this:**
# - Step through stages 0 → 3 at 7.5B and 64 GPUs: 120 → 31.4 → 16.6 → 1.88 GB. Most of the win is
#   stage 1, because the optimizer states are 12 of the 16 bytes.
# - Set 70 billion parameters and stage 3 on the A100: how many GPUs before it fits in 80 GB? (The
#   exercises ask you to estimate it by hand.)
# - Set 1 GPU: every stage gives the same 16 bytes/param. ZeRO shards; it does not compress.
# - Pick the RTX 4090, 5 billion parameters and 4 GPUs (a workstation holds four, and is never
#   clustered): only stage 3 fits under its 24 GB, before any activations. Ask for 8: the view
#   refuses, because no server holds 8 of them.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(parallel.zero_memory_per_gpu(7.5e9, 64, 3)["total"] / 1e9, 2) == 1.88
assert len({parallel.zero_memory_per_gpu(7e9, 1, s)["total"] for s in range(4)}) == 1
assert [parallel.zero_memory_per_gpu(5e9, 4, s)["total"] <= 24e9 for s in range(4)] == [False, False, False, True]
assert topology.tensor_parallel_limit("RTX 4090") == 4 and not topology.reference_system("RTX 4090").clustered

# %% [markdown]
# ## Myth check: "8 GPUs = 8× faster"
#
# Each GPU computes as fast as before, but every step now ends with an all-reduce that one GPU
# never needed. The data-parallel widget: a model, a system, the number of GPUs (past 8 they are
# several servers), the tokens per GPU per step, the MFU, and how much of the all-reduce overlaps
# with the backward pass (PyTorch DDP starts reducing gradient buckets while the backward pass is
# still running: Li et al. 2020, "PyTorch Distributed", VLDB). One caution: Llama-2 7B's full
# training state, 16 bytes per parameter (108 GB), does not fit one 80 GB GPU. Real runs of this
# size shard it with ZeRO-1 or 2 (section 6); their reduce-scatter plus all-gather moves the same
# bytes as the all-reduce, so the times below hold.

# %%
par_widgets.dp_step_view()

# %% [markdown]
# **Try this:**
# - The default, Llama-2 7B on one DGX A100: 7.55× on 8 GPUs. Switch to the HGX A800 (NVLink cut to
#   400 GB/s for export to China): 7.35×.
# - Go to 64 A100s (8 servers): 55.7×, 87% efficiency: the all-reduce now crosses InfiniBand.
# - Pick the 8 × L40S instance (PCIe): 4.84× on 8 GPUs. On paper the GPUs are a little faster than
#   A100s (362 against 312 dense bf16 TFLOPS), but the all-reduce over PCIe takes 749 ms.
# - Lower the tokens per GPU to 512 on the DGX A100: the all-reduce does not shrink with the batch,
#   so 8 GPUs give 5.43×.
# - Set overlap to 1 (back to 4,096 tokens): the 78.6 ms all-reduce hides behind the 0.88 s backward
#   pass: 8×. Overlap can only use the backward pass, when the gradients appear.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
def _dp(system, n, tokens=4096, overlap=0.0):
    return layouts.dp_speedup("Llama-2 7B", system, n, tokens, 0.4, overlap)


assert [round(_dp(s, 8)["speedup"], 2) for s in ("DGX A100 (80GB)", "HGX A800 8-GPU")] == [7.55, 7.35]
assert round(_dp("DGX A100 (80GB)", 64)["speedup"], 1) == 55.7 and round(_dp("DGX A100 (80GB)", 64)["efficiency"], 2) == 0.87
assert round(_dp("AWS g6e.48xlarge (8x L40S)", 8)["speedup"], 2) == 4.84
assert round(_dp("AWS g6e.48xlarge (8x L40S)", 8)["communication"] * 1e3) == 749
assert [hardware.get_gpu(g).tflops["bf16"] for g in ("L40S", "A100 SXM 80GB")] == [362.05, 312]
assert round(_dp("DGX A100 (80GB)", 8, tokens=512)["speedup"], 2) == 5.43
assert _dp("DGX A100 (80GB)", 8, overlap=1.0)["speedup"] == 8
assert round(2 / 3 * _dp("DGX A100 (80GB)", 8)["compute"], 2) == 0.88
_n7 = models.get_model("Llama-2 7B").param_count()
assert round(16 * _n7 / 1e9) == 108 and parallel.zero_memory_per_gpu(_n7, 8, 2)["total"] < 48e9  # fits A100 and L40S

# %% [markdown]
# **Busted, in degrees.** The loss depends on the ratio of communication to compute, so it is worst
# for fast GPUs on slow links with little work per step; overlap hides it only while there is enough
# backward pass to hide behind, and gradient accumulation shrinks it by adding work per all-reduce.
# The chart shows the whole range up to 64 GPUs, without overlap:

# %%
# extra code – the data-parallel widget's plot at its default values
fig, ax = plt.subplots(figsize=(7, 4))
par_widgets.plot_dp_scaling(ax, "Llama-2 7B", 4096, 0.4, highlight=("DGX A100 (80GB)", 8))
plt.show()

# %% [markdown]
# A second myth, briefly: **"ZeRO-3 makes memory free."** It divides the training state by n, but
# the communication grows to 1.5× that of plain data parallelism (Rajbhandari et al. 2020,
# Sec. 7.2), and the activations are not sharded at all.

# %% [markdown]
# ## Summary
#
# - One GPU is not enough: Llama-2 70B needs 1.1 TB of training state (14 H100s' memory), and a
#   1e24-FLOP run would take 80 years on one H100.
# - **Data parallelism** sums gradients with an all-reduce. The **ring** sends 2(n−1)/n × the
#   buffer per GPU, so its time, 2(n−1)/n × bytes / B, barely grows with n.
# - GPUs come in **servers of 8**: NVLink (300 GB/s per direction on A100, 450 on H100) inside, one
#   network port per GPU between servers (25 GB/s HDR, 50 GB/s NDR). Past one server the all-reduce
#   is hierarchical and the network sets its pace.
# - **Gradient accumulation** adds micro-batches' gradients before one all-reduce: more work per
#   all-reduce, higher efficiency, a larger batch.
# - **Tensor parallelism** needs 4 all-reduces per layer per step: it stays inside the server.
# - **Pipeline parallelism** idles (p−1)/(m+p−1) of the time; 1F1B keeps the bubble and cuts the
#   activations held from m to p micro-batches.
# - **ZeRO** stages 1/2/3 shard optimizer states, gradients, weights: 120 → 31.4 → 16.6 → 1.9 GB per
#   GPU for 7.5B on 64 GPUs. PyTorch calls stage 3 **FSDP** (`FULL_SHARD`). Stage 3 costs 1.5× the
#   communication.
#
# ## What next
#
# - Practise with the exercises: [exercises/07_parallelism_exercises.ipynb](../exercises/07_parallelism_exercises.ipynb).
# - Next notebook: [08 · Parallel layouts on real clusters](08_parallel_layouts.ipynb): TP, PP, DP,
#   context and expert parallelism together, a layout search, and the layouts of GPT-3, Llama 3 and
#   DeepSeek-V3.
