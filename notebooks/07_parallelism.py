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
# **ZeRO**, which stops every data-parallel GPU from keeping a full copy of the training state,
# and the links between GPUs: what NVLink buys over PCIe, what the export-control A800 loses,
# and why a box of gaming cards is fine for serving and poor for training.
#
# **Learning objectives**
# - Explain ring all-reduce step by step, and compute its time: 2(n−1)/n × bytes / bandwidth.
# - Split a matrix multiplication column-wise and row-wise, and say why tensor parallelism stays
#   inside one NVLink domain.
# - Compute the pipeline bubble (p−1)/(m+p−1) and say what 1F1B changes (memory, not the bubble).
# - Compute per-GPU training memory for ZeRO stages 0–3.
# - Compare NVLink, PCIe and InfiniBand in seconds per training step.
#
# **Estimated time:** 50 min
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/07_parallelism.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/07_parallelism.ipynb)
#
# **Conventions** (the same in every notebook): TFLOPS are **dense** (never the 2:4-sparse figure);
# **GB = 10⁹ bytes**, **GiB = 2³⁰ bytes**; GeForce fp16/bf16 tensor rates are the ones **with fp32
# accumulate**. New here: a link bandwidth is **per GPU and per direction** (what a GPU can send
# while it receives as much). Datasheets add the two directions: the A100's "600 GB/s NVLink" is
# 300 GB/s each way.

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"

# %% [markdown]
# Every number below comes from `course_lib`: the GPU catalog, the model presets and the
# formulas of `course_lib.parallel`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from course_lib import compute, hardware, memory, models, parallel, units
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
# 1e24-FLOP run on one H100 at 40% MFU takes a lifetime:

# %%
f"{compute.training_flops(llama70.param_count(), 2e12):.2g} FLOP", \
    format_duration(compute.training_seconds(1e24, "H100 SXM", 1, 0.4))

# %% [markdown]
# With 8,192 GPUs the same run takes days, *if* the GPUs can work together without waiting for
# each other. That "if" is this notebook.

# %%
format_duration(compute.training_seconds(1e24, "H100 SXM", 8192, 0.4))

# %% [markdown]
# The two walls, as checks (the notebook fails if `course_lib` drifts):

# %%
assert 13.5 < state["total"] / hardware.get_gpu("H100 SXM").memory_bytes < 14  # 16 bytes x 69.0e9 = 1.10 TB
assert 8e23 < compute.training_flops(llama70.param_count(), 2e12) < 8.5e23
assert 79 < compute.training_seconds(1e24, "H100 SXM", 1, 0.4) / units.SECONDS_PER_YEAR < 81
assert 3 < compute.training_seconds(1e24, "H100 SXM", 8192, 0.4) / units.SECONDS_PER_DAY < 4

# %% [markdown]
# ## 2. Data parallelism and the ring all-reduce
#
# In **data parallelism** (DP) every GPU holds the whole model and processes different data.
# After the backward pass each GPU has its own gradients; before the optimizer step they must be
# **summed over all GPUs** so that every copy of the model stays identical. That collective
# operation is an **all-reduce**.
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

# %% [markdown]
# Checked for every GPU, against numpy's sum and the byte count of the cost model below:

# %%
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
# ### The links, with their sources
#
# B depends on the path between GPUs. The numbers the notebook compares, all **per GPU, per
# direction**:
#
# - **NVLink** (GPU-to-GPU inside a server): half the catalog's `interconnect_gbs`, which is the
#   datasheets' two-way total: A100 600 → 300 GB/s, A800 400 → 200, H100 900 → 450.
# - **PCIe** (through the motherboard): PCI-SIG's base specifications give 16 GT/s per lane for
#   Gen4 and 32 GT/s for Gen5, with 128b/130b encoding, so an x16 slot carries 31.5 GB/s (Gen4)
#   or 63.0 GB/s (Gen5) each way, before packet overheads.
# - **InfiniBand NDR** (between servers): 400 Gb/s per port, i.e. 50 GB/s; a DGX H100 has eight
#   single-port ConnectX-7 NICs, one per GPU (NVIDIA DGX BasePOD reference architecture).
#   Network rates are in **bits**: divide by 8.

# %%
links = parallel.link_bandwidths_gbs()
{name: round(gbs, 1) for name, gbs in links.items()}

# %% [markdown]
# The NVLink figures come from the catalog rows, each with its datasheet:

# %%
a100, a800 = hardware.get_gpu("A100 SXM 80GB"), hardware.get_gpu("A800 SXM 80GB")
a100.interconnect_gbs, a800.interconnect_gbs, a800.source[:80]

# %% [markdown]
# The bandwidths and the 14 GB example, as checks:

# %%
assert parallel.interconnect_per_direction_gbs("A100") == 300
assert round(parallel.pcie_bandwidth_gbs(4), 1) == 31.5 and round(parallel.pcie_bandwidth_gbs(5), 1) == 63.0
assert parallel.network_bandwidth_gbs(400) == 50
assert round(parallel.allreduce_seconds(14e9, 8, 300), 4) == 0.0817  # 2 x 7/8 x 14e9 / 300e9

# %% [markdown]
# The same 14 GB over every link, from 2 to 64 GPUs. The ring curves flatten (the factor tends to
# 2); the naive scheme grows with n:

# %%
# extra code – the all-reduce widget's plot at its default values
fig, ax = plt.subplots(figsize=(7, 4))
par_widgets.plot_allreduce_vs_gpus(ax, grad_bytes, 8, "NVLink A100")
plt.show()

# %% [markdown]
# Now vary it yourself: model size, number of GPUs, link and gradient precision.

# %%
par_widgets.allreduce_view()

# %% [markdown]
# **Try this:**
# - Go from 8 to 64 GPUs on NVLink A100: the time rises only from 81.7 ms to 91.9 ms (factor
#   1.75 → 1.97). More GPUs do not make the ring slower; they make the *step* shorter, so the
#   all-reduce becomes a bigger share of it (section 6).
# - Switch to PCIe Gen4 x16: about 9.5× slower than NVLink A100 (300 / 31.5).
# - Set 70 billion parameters on InfiniBand: 140 GB of gradients take about 5 s per step. This is
#   why large runs do not use plain data parallelism alone.
# - Switch the gradients to fp32: twice the bytes, twice the time.
#
# The numbers in these prompts, checked:

# %%
assert [round(parallel.allreduce_seconds(14e9, n, links["NVLink A100"]) * 1e3, 1) for n in (8, 64)] == [81.7, 91.9]
assert round(links["NVLink A100"] / links["PCIe Gen4 x16"], 1) == 9.5
assert round(parallel.allreduce_seconds(memory.weights_bytes(70e9, "bf16"), 8, links["InfiniBand NDR 400 Gb/s"]), 1) == 4.9

# %% [markdown]
# ## 3. Tensor parallelism: split every matrix
#
# When the model's weights do not fit in one GPU, **tensor parallelism** (TP, Megatron-LM:
# Shoeybi et al. 2019) splits each weight matrix over t GPUs. For y = x @ w there are two ways:
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
# Both splits give the unsplit product (up to floating-point rounding):

# %%
assert np.allclose(parallel.column_parallel_matmul(x, w, 4), x @ w)
assert np.allclose(parallel.row_parallel_matmul(x, w, 4), x @ w)

# %% [markdown]
# Megatron's MLP chains the two: w1 (d × 4d) **column**-parallel, so each GPU holds a slice of
# the hidden layer and can apply GeLU to it alone (GeLU of a sum is not the sum of GeLUs, so a
# row split here would need an all-reduce *before* the GeLU); then w2 **row**-parallel, and **one
# all-reduce** at the end. Split over 4 GPUs, it equals the same MLP on 1 GPU:

# %%
w1, w2 = rng.standard_normal((8, 32)), rng.standard_normal((32, 8))
assert np.allclose(parallel.tensor_parallel_mlp(x, w1, w2, 4), parallel.tensor_parallel_mlp(x, w1, w2, 1))

# %% [markdown]
# ### Why tensor parallelism stays inside a server
#
# Attention is split the same way (by heads). A transformer layer then needs **4 all-reduces per
# training step**, 2 in the forward pass and 2 in the backward pass (Shoeybi et al. 2019, sec. 3 and
# Fig. 4), each of the layer's whole activation tensor (tokens × d_model values); recomputing
# activations adds 2 more (Rajbhandari et al. 2020, sec. 8), which we leave out. Data parallelism
# communicates once per step; TP communicates inside every layer, and the GPUs wait for it.
# Compare one layer of Llama-2 70B (4096 tokens, TP = 8 on H100s at 50% MFU):

# %%
for link in ("NVLink H100", "PCIe Gen5 x16", "InfiniBand NDR 400 Gb/s"):
    layer = parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, links[link], "H100 SXM", 0.5)
    print(f"{link:>24}: compute {format_duration(layer['compute'])}, "
          f"all-reduces {format_duration(layer['communication'])}")

# %% [markdown]
# On NVLink the communication is a fifth of the compute (and can partly overlap with it); over
# InfiniBand it takes 1.7× *longer* than the compute, every layer. Both grow with the number of
# tokens, so a bigger batch does not help. That is why TP is used within the 8 NVLink-connected GPUs
# of a server, and data or pipeline parallelism across servers (Narayanan et al. 2021).

# %%
tp = {link: parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, links[link], "H100 SXM", 0.5)
      for link in ("NVLink H100", "InfiniBand NDR 400 Gb/s")}
assert round(tp["NVLink H100"]["communication"] / tp["NVLink H100"]["compute"], 1) == 0.2  # a fifth
assert round(tp["InfiniBand NDR 400 Gb/s"]["communication"] / tp["InfiniBand NDR 400 Gb/s"]["compute"], 1) == 1.7

# %% [markdown]
# ## 4. Pipeline parallelism: split the layers
#
# **Pipeline parallelism** (PP) gives each GPU a contiguous block of layers (a *stage*) and
# passes activations from stage to stage. To keep all stages busy, the batch is cut into m
# **micro-batches**. GPU 1 cannot start until GPU 0 has finished the first micro-batch, and at
# the end of the step the first stages wait for the backward passes to come back: the idle time
# is the **bubble**. Two schedules, 4 stages and 8 micro-batches (blue: forward, orange: backward,
# white: idle):

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

# %% [markdown]
# The formula agrees with the idle cells counted on both charts:

# %%
assert parallel.pipeline_bubble_fraction(4, 8) == parallel.grid_bubble_fraction(gpipe) == 3 / 11
assert parallel.grid_bubble_fraction(one_f_one_b) == 3 / 11
assert [parallel.peak_activation_microbatches(4, 8, schedule) for schedule in ("gpipe", "1f1b")] == [8, 4]

# %% [markdown]
# The bubble shrinks as micro-batches are added: (p − 1)/(m + p − 1) goes to zero as m grows.

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

# %% [markdown]
# ## 5. ZeRO: stop storing n copies of the training state
#
# Plain data parallelism keeps the full 16 bytes per parameter on *every* GPU: n identical
# copies. **ZeRO** (Rajbhandari et al. 2020) shards this state over the n data-parallel GPUs in
# three stages: **1** the optimizer states (12 bytes/param: fp32 master weights, momentum,
# variance), **2** also the gradients (2 bytes), **3** also the fp16/bf16 weights (2 bytes). The
# paper's Figure 1 uses a 7.5B-parameter model on 64 GPUs and finds 120 GB, 31.4 GB, 16.6 GB and
# 1.9 GB per GPU:

# %%
{stage: format_si(parallel.zero_memory_per_gpu(7.5e9, 64, stage)["total"], "B") for stage in range(4)}

# %% [markdown]
# The same four numbers as the paper, to one decimal:

# %%
assert [round(parallel.zero_memory_per_gpu(7.5e9, 64, s)["total"] / 1e9, 1) for s in range(4)] == [120, 31.4, 16.6, 1.9]

# %% [markdown]
# As stacked bars, with the 80 GB of an A100 for scale:

# %%
# extra code – the ZeRO widget's bars at the paper's example
fig, ax = plt.subplots(figsize=(7, 3.8))
par_widgets.plot_zero_stages(ax, 7.5e9, 64, stage=2, gpu="A100 SXM 80GB")
plt.show()

# %% [markdown]
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
# - Pick the RTX 4090 with about 7 billion parameters (the slider's 7.08) and 8 GPUs: only stage 3
#   fits under its 24 GB (next section).

# %% [markdown]
# ## 6. NVLink vs PCIe: what the link costs per step
#
# ### A100 vs A800
#
# The A800 is the China-market variant of the A100 made to meet the October 2022 US export rule:
# same chip, same FLOPS and memory, NVLink cut from 600 to 400 GB/s (catalog rows, with their
# datasheets). What does that cost a data-parallel step? Take Llama-2 7B on 8 GPUs, each GPU
# processing 4096 tokens per step at 40% MFU:

# %%
step = {}
for gpu, link in (("A100 SXM 80GB", "NVLink A100"), ("A800 SXM 80GB", "NVLink A800")):
    step[gpu] = parallel.data_parallel_speedup("Llama-2 7B", gpu, links[link], 8, 4096, 0.4)
    print(f"{gpu}: compute {format_duration(step[gpu]['compute'])}, all-reduce "
          f"{format_duration(step[gpu]['communication'])}, step {format_duration(step[gpu]['total'])}")

# %% [markdown]
# The all-reduce takes 50% longer, but it is a small part of the step: the A800 step is about 3%
# slower. (`data_parallel_speedup` calls `parallel.data_parallel_step_seconds` with the compute time
# from `compute.training_seconds`.) For tensor parallelism, with its 4 all-reduces per layer, the cut
# weighs more: Llama-2 70B with TP = 8:

# %%
tp_a100 = parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, links["NVLink A100"], "A100", 0.5)
tp_a800 = parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, links["NVLink A800"], "A800", 0.5)
[f"{r['communication'] / r['compute']:.0%} of compute" for r in (tp_a100, tp_a800)]

# %% [markdown]
# Checks: the A800 step is 2–4% slower, its TP all-reduces exactly 1.5× longer (300 / 200):

# %%
assert 1.02 < step["A800 SXM 80GB"]["total"] / step["A100 SXM 80GB"]["total"] < 1.04
assert round(tp_a800["communication"] / tp_a100["communication"], 2) == 1.5

# %% [markdown]
# ### A box of RTX 4090s
#
# The RTX 4090 is fast for its price (165 TFLOPS dense bf16 with fp32 accumulate) but has 24 GB of
# memory and **no NVLink**: its catalog row has no `interconnect_gbs`, so GPU-to-GPU traffic goes
# over PCIe Gen4.

# %%
rtx = hardware.get_gpu("RTX 4090")
rtx.memory_gb, rtx.interconnect_gbs, rtx.pcie_gen, rtx.peak_tflops("bf16")

# %% [markdown]
# **Training** Llama-2 7B on 8 of them: the full state (108 GB) must be sharded, and only ZeRO-3
# gets under 24 GB per card, before any activations:

# %%
llama7 = models.get_model("Llama-2 7B").param_count()
{stage: format_si(parallel.zero_memory_per_gpu(llama7, 8, stage)["total"], "B") for stage in range(4)}

# %% [markdown]
# ZeRO-3 communicates 1.5× as much as plain DP, and over PCIe. Even the plain-DP all-reduce of the
# bf16 gradients is 9.5× slower than on A100 NVLink:

# %%
grads7 = memory.weights_bytes(llama7, "bf16")
format_duration(parallel.allreduce_seconds(grads7, 8, links["PCIe Gen4 x16"])), \
    format_duration(parallel.allreduce_seconds(grads7, 8, links["NVLink A100"]))

# %% [markdown]
# That is the best case, with a full Gen4 x16 link for every card; users also report that the 4090
# cannot send GPU-to-GPU over PCIe directly (peer-to-peer), so the traffic is staged through CPU
# memory (NVIDIA/nccl-tests issue #117). And 7B is the largest Llama-2 this box can train without
# offloading to CPU memory: 13B needs 26 GB per card even with ZeRO-3.
# **Serving** is a different job: one card holds a whole model and needs no GPU-to-GPU traffic.
# Llama-2 7B in fp16 and Llama-2 13B quantized to int4 (notebook 05) fit in one 4090 with a
# 4096-token KV cache; 13B in fp16 does not:

# %%
{(name, dtype): memory.fits(name, "RTX 4090", dtype=dtype, seq_len=4096)
 for name, dtype in (("Llama-2 7B", "fp16"), ("Llama-2 13B", "int4"), ("Llama-2 13B", "fp16"))}

# %% [markdown]
# The 4090 facts this section relies on:

# %%
assert round(rtx.peak_tflops("bf16")) == 165 and rtx.interconnect_gbs is None
assert round(memory.training_memory(llama7)["total"] / 1e9) == 108
fits_4090 = [parallel.zero_memory_per_gpu(llama7, 8, s)["total"] <= rtx.memory_bytes for s in range(4)]
assert fits_4090 == [False, False, False, True]  # only ZeRO-3
assert round(parallel.allreduce_seconds(grads7, 8, links["PCIe Gen4 x16"])
             / parallel.allreduce_seconds(grads7, 8, links["NVLink A100"]), 1) == 9.5
zero3_13b = parallel.zero_memory_per_gpu(models.get_model("Llama-2 13B").param_count(), 8, 3)["total"]
assert zero3_13b > rtx.memory_bytes and round(zero3_13b / 1e9) == 26
assert memory.fits("Llama-2 7B", "RTX 4090", dtype="fp16", seq_len=4096)
assert memory.fits("Llama-2 13B", "RTX 4090", dtype="int4", seq_len=4096)
assert not memory.fits("Llama-2 13B", "RTX 4090", dtype="fp16", seq_len=4096)

# %% [markdown]
# The data-parallel step, interactively: pick the model, GPU, link, GPU count, tokens per GPU,
# MFU, and how much of the all-reduce overlaps with the backward pass (PyTorch DDP starts reducing
# gradient buckets while the backward pass is still running: Li et al. 2020, "PyTorch Distributed",
# VLDB).

# %%
par_widgets.dp_step_view()

# %% [markdown]
# **Try this:**
# - Switch the link from NVLink A100 to NVLink A800: the speed-up drops from 7.55× to 7.35×.
# - Pick RTX 4090 with PCIe Gen4 x16: 6.16×. The 4090's slower compute makes the link look
#   *better*; an H100 SXM over PCIe Gen4 would fare much worse (try it: 2.87×).
# - Lower the tokens per GPU to 512 (A100): the all-reduce does not shrink with the batch, so it
#   becomes 32% of the step on NVLink (5.43×) and 82% over PCIe Gen4 (1.45×).
# - Set overlap to 1 (back to 4096 tokens, NVLink A100): the 78.6 ms all-reduce hides completely
#   behind the backward pass, 2/3 of the 1.33 s of compute: 8×. Overlap can only use the backward
#   pass, when the gradients appear; the forward pass has nothing to send.
# - Keep overlap at 1 and go to 512 tokens over PCIe Gen4: 0.11 s of backward pass cannot hide a
#   0.75 s all-reduce, so even full overlap gives only 1.65×.
#
# The numbers in these prompts, checked:

# %%
def dp_speedup(gpu, link, tokens, overlap=0.0):
    """Speed-up of 8 data-parallel GPUs training Llama-2 7B at 40% MFU (the widget's defaults)."""
    return parallel.data_parallel_speedup("Llama-2 7B", gpu, links[link], 8, tokens, 0.4, overlap)["speedup"]


assert [round(dp_speedup("A100", link, 4096), 2) for link in ("NVLink A100", "NVLink A800")] == [7.55, 7.35]
assert round(dp_speedup("RTX 4090", "PCIe Gen4 x16", 4096), 2) == 6.16
assert round(dp_speedup("H100 SXM", "PCIe Gen4 x16", 4096), 2) == 2.87
assert [round(dp_speedup("A100", link, 512), 2) for link in ("NVLink A100", "PCIe Gen4 x16")] == [5.43, 1.45]
short = parallel.data_parallel_speedup("Llama-2 7B", "A100", links["PCIe Gen4 x16"], 8, 512, 0.4)
assert round(short["communication"] / short["total"], 2) == 0.82
assert dp_speedup("A100", "NVLink A100", 4096, overlap=1) == 8
assert round(dp_speedup("A100", "PCIe Gen4 x16", 512, overlap=1), 2) == 1.65

# %% [markdown]
# ## Myth check: "8 GPUs = 8× faster"
#
# Each GPU computes as fast as before, but every step now ends with an all-reduce that one GPU
# never needed. With Llama-2 7B on A100s, 4096 tokens per GPU per step and no overlap, 8 GPUs give:

# %%
{link: round(parallel.data_parallel_speedup("Llama-2 7B", "A100", bw, 8, 4096, 0.4)["speedup"], 2)
 for link, bw in links.items()}

# %% [markdown]
# Over NVLink, 7.3–7.7× (92–96% efficiency); over PCIe Gen4, 5.1× (Gen5: 6.2×); over one 400 Gb/s
# InfiniBand port per GPU, 5.9×. Overlapping the all-reduce with the backward pass (PyTorch DDP does
# it) can win the rest back, but only while the backward pass is longer than the all-reduce: with full
# overlap, every link reaches 8× at 4096 tokens per GPU in this model, while at 1024 tokens per GPU
# PCIe Gen4 stays at 3.1× and InfiniBand at 4.6×:

# %%
{link: round(parallel.data_parallel_speedup("Llama-2 7B", "A100", bw, 8, 1024, 0.4, overlap=1)["speedup"], 1)
 for link, bw in links.items()}

# %% [markdown]
# **Busted, in degrees.** The loss depends on the ratio of communication to compute, so it is worst
# for fast GPUs on slow links with little work per step; overlap hides it only when there is enough
# backward pass to hide behind (and real overlap is partial: the last gradients appear at the very end
# of the backward pass). The chart shows the whole range up to 64 GPUs, without overlap:

# %%
# extra code – the data-parallel widget's plot at its default values
fig, ax = plt.subplots(figsize=(7, 4))
par_widgets.plot_dp_scaling(ax, "Llama-2 7B", "A100", 4096, 0.4, highlight=("NVLink A100", 8))
plt.show()

# %% [markdown]
# Checked: without overlap no link reaches 8× (the speed-ups as the prose gives them, in the order of
# `links`); with full overlap all do at 4096 tokens per GPU, and PCIe Gen4 and InfiniBand do not at 1024:

# %%
speedups = {link: dp_speedup("A100", link, 4096) for link in links}
assert all(s < 8 for s in speedups.values())
assert [round(s, 1) for s in speedups.values()] == [7.6, 7.3, 7.7, 5.1, 6.2, 5.9]
assert 0.91 < speedups["NVLink A800"] / 8 and speedups["NVLink H100"] / 8 < 0.97
assert all(dp_speedup("A100", link, 4096, overlap=1) == 8 for link in links)
assert round(dp_speedup("A100", "PCIe Gen4 x16", 1024, overlap=1), 1) == 3.1
assert round(dp_speedup("A100", "InfiniBand NDR 400 Gb/s", 1024, overlap=1), 1) == 4.6

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
# - Link bandwidths, per direction: NVLink 300 (A100) / 200 (A800) / 450 (H100) GB/s; PCIe Gen4 x16
#   31.5, Gen5 x16 63.0 GB/s; InfiniBand NDR 400 Gb/s = **50 GB/s** (bits ÷ 8).
# - **Tensor parallelism** splits matrices by columns then rows (one all-reduce per MLP) and needs
#   4 all-reduces per layer per step: it stays inside the NVLink domain.
# - **Pipeline parallelism** idles (p−1)/(m+p−1) of the time; 1F1B keeps the bubble and cuts the
#   activations held from m to p micro-batches.
# - **ZeRO** stages 1/2/3 shard optimizer states, gradients, weights: 120 → 31.4 → 16.6 → 1.9 GB per
#   GPU for 7.5B on 64 GPUs; stage 3 costs 1.5× the communication.
# - Data parallelism loses speed to the all-reduce unless it hides behind the backward pass; the
#   A800's NVLink cut costs ~3% of a data-parallel step for a 7B model; a PCIe-only RTX 4090 box
#   serves quantized 7B/13B models well but trains only up to 7B, with ZeRO-3 over PCIe.
#
# ## What next
#
# - Practise with the exercises: [exercises/07_parallelism_exercises.ipynb](../exercises/07_parallelism_exercises.ipynb).
# - Next notebook: [09 · Choosing hardware](09_choosing_hardware.ipynb): which GPU, how many, how
#   long and how much, for a model and a budget.
