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
# # 02 · Inside the GPU and the server
#
# Notebook 01 treated a GPU as two numbers, FLOP/s and memory bandwidth. This one opens the box:
# the processor blocks and Tensor Cores that make the FLOP/s, the ladder of memories that feed them,
# why fast **[kernels](../docs/glossary.md#kernel)** (a kernel is a function that runs on the GPU,
# thousands of threads at once; not the notebook's Jupyter kernel) work on tiles, why FlashAttention
# is fast, and then the server around eight GPUs, its storage, its power and cooling, the software on
# top, and the chips that are not NVIDIA's.
# Every number is computed from cited data, and where a vendor publishes nothing, the notebook says so.
#
# **Learning objectives**
# - rebuild a GPU's peak TFLOPS from its SM count, its Tensor Core rate and its clock, and explain
#   when the datasheet disagrees;
# - name the levels of the memory hierarchy with their size and speed, and tell published from
#   derived figures;
# - explain with numbers why tiles make matrix multiplication compute-bound, and why FlashAttention
#   is faster than standard attention;
# - explain why tensor parallelism stays inside one server, and what a 72-GPU NVLink rack changes;
# - size a checkpoint, choose how often to write it, and estimate a rack's power and cooling;
# - place CUDA, NCCL, PyTorch, Megatron and vLLM (and their AMD and Huawei counterparts) in one map.
#
# **Estimated time:** 65 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/02_inside_the_gpu.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/02_inside_the_gpu.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Conventions, as in every notebook: TFLOPS are **dense** (not the 2:4-sparse figure), GB = 10⁹
# bytes, a multiply-add is 2 FLOP, and link bandwidths are **per direction** unless said otherwise.
# The whitepapers write on-chip sizes as "KB" and "MB" meaning 1024 and 1024² bytes; the course
# keeps them binary (KiB, MiB). Everything comes from `course_lib`:

# %%
import matplotlib.pyplot as plt
from IPython.display import HTML

from course_lib import attention, chip, hardware, memory_hierarchy, power, server, storage, tiling, units
from course_lib.widgets import inside_gpu

H100 = "H100 SXM"

# %% [markdown]
# ## 1. The chip: SMs, warps and Tensor Cores
#
# A GPU is many copies of one processor block, the **streaming multiprocessor**
# ([SM](../docs/glossary.md#sm)). Each SM has lanes for ordinary arithmetic (the "CUDA cores"),
# a few **[Tensor Cores](../docs/glossary.md#tensor-core)** that multiply small matrix tiles in one
# instruction, a **register file** and a **shared memory**. Threads run in groups of 32, a
# **[warp](../docs/glossary.md#warp)**, that execute each instruction together
# ([SIMT](../docs/glossary.md#simt)); an SM keeps dozens of warps resident and switches to another
# whenever one waits for memory. How much runs at once on an H100 SXM (Hopper whitepaper, CUDA
# programming guide):

# %%
h100 = chip.parallelism(H100)
print(f"{h100.sm_count} SMs | {h100.fp32_lanes:,} FP32 lanes | {h100.tensor_cores} Tensor Cores | "
      f"{h100.resident_warps:,} warps = {h100.resident_threads:,} threads resident at once")

# %% [markdown]
# The datasheet's peak is nothing more than **SMs × FLOP per clock per SM × clock**. The
# whitepapers give each factor; multiplied out and set beside the catalog's datasheet figure:

# %%
HTML(inside_gpu.peak_rebuild_table(precision="bf16"))

# %% [markdown]
# Where every factor is published, rebuilt and datasheet peaks agree to a fraction of a percent:
# the V100's 125, the A100's 312 and the H100's 989.5 TFLOPS are arithmetic, not magic. Three
# things the table shows on the way:
# - **Clocks differ by unit.** The H100 SXM's Tensor Core peaks use a 1,830 MHz boost clock; its
#   FP32 peak uses 1,980 MHz (Hopper whitepaper, Table 3 footnotes). Rebuild the bf16 peak at
#   1,980 MHz and you overshoot by 8 %.
# - **GeForce halves its FP32-accumulate rate.** The RTX 3090's Tensor Cores do 1,024 FLOP per clock
#   per SM with fp16 accumulate, but the card runs fp32 accumulate, which training needs, at half
#   that: 512 (GA102 whitepaper).
# - **Not everything is published.** NVIDIA gives no SM count or clock for the B200, and no per-SM
#   Tensor Core rate in the Ada and RTX Blackwell whitepapers: those rows stay "not published".

# %% [markdown]
# ### Widget: rebuild a peak
#
# Pick a GPU and a precision; the clock slider starts at the clock the vendor uses for its Tensor
# Core peak.

# %%
inside_gpu.peak_view()

# %% [markdown]
# **Try this:**
# - H100 SXM, bf16: slide the clock to 1,980 MHz (the FP32 boost clock). The rebuild says 1,070.5
#   TFLOPS, 8.2 % above the datasheet. Peaks scale with the clock, which is why a GPU that runs
#   hot and lowers its clock delivers less than its datasheet.
# - Switch to fp8: the H100's SM does twice the fp16 work per clock, 1,979 TFLOPS.
# - Pick the MI300X: 304 compute units × 2,048 FLOP per clock × 2,100 MHz = 1,307.4 TFLOPS, exactly
#   AMD's figure.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert (h100.sm_count, h100.fp32_lanes, h100.tensor_cores, h100.resident_threads) == (132, 16_896, 528, 270_336)
assert round(chip.rebuild_peak(H100, "bf16").rebuilt_tflops, 1) == 989.4 and chip.rebuild_peak(H100).agrees
for name, peak in (("V100 SXM2 32GB", 125), ("A100 SXM 80GB", 312)):
    assert chip.rebuild_peak(name, "fp16").agrees and chip.rebuild_peak(name, "fp16").datasheet_tflops == peak
overshoot = chip.rebuild_peak(H100, "bf16", 1980)
assert round(overshoot.rebuilt_tflops, 1) == 1070.5 and round(overshoot.difference_pct, 1) == 8.2
assert chip.get_arch("RTX 3090").rates["fp16"].value == 512 and chip.rebuild_peak("RTX 3090", "fp16").agrees
assert chip.rebuild_peak("B200").rebuilt_tflops is None and chip.rebuild_peak("RTX 4090").rebuilt_tflops is None
assert round(chip.rebuild_peak(H100, "fp8").rebuilt_tflops) == 1979
assert round(chip.rebuild_peak("MI300X", "bf16").rebuilt_tflops, 1) == 1307.4

# %% [markdown]
# ## 2. The memory hierarchy
#
# Arithmetic is cheap; moving data to it is not. Between the lanes and the data sit several
# memories, each bigger and slower than the last:
# - **[registers](../docs/glossary.md#register-file)**: each thread's own variables, in the SM;
# - **[shared memory](../docs/glossary.md#shared-memory)** / L1: on-chip memory one SM's threads
#   share;
# - **[L2 cache](../docs/glossary.md#l2-cache)**: on-chip, shared by all SMs;
# - **[HBM](../docs/glossary.md#hbm)**: the GPU memory, stacked DRAM beside the chip ("VRAM");
# - **CPU memory** over [PCIe](../docs/glossary.md#pcie), and **NVMe drives**
#   ([NVMe](../docs/glossary.md#nvme)), shown here as the GPU's own 8-GPU server shares them among
#   its GPUs (a DGX H100 for the H100 SXM, a DGX A100 for the A100). For a GPU that is in no server of
#   the course data, these rows show a DGX H100's host, marked "illustrative".
#
# Each bandwidth is marked **published** (a vendor figure), **derived** (computed from cited factors:
# shared memory = SMs × 128 bytes per clock × clock, from its 32 four-byte banks; L2 from the bytes
# per clock the A100 whitepaper gives for the A100 and V100) or **not published**. The H100 SXM:

# %%
HTML(inside_gpu.hierarchy_table(H100))

# %% [markdown]
# Each step down is a large drop in speed: shared memory (33 TB/s, an upper bound) is 10× HBM
# (3.35 TB/s), and HBM is 53× the PCIe link to CPU memory (63 GB/s). NVIDIA publishes no bandwidth
# for the registers or the H100's L2, so the course gives none. Note also that the register file
# (35 MB in total) is as big as all the L1/shared memory: the fastest memory is not the smallest.

# %% [markdown]
# ### Widget: where does a working set live?
#
# A working set is the data a computation touches over and over. Slide its size; the headline says
# the nearest level that holds it and how long reading it once takes there. On the plot, filled
# marks are published bandwidths, hollow ones derived.

# %%
inside_gpu.hierarchy_view()

# %% [markdown]
# **Try this:**
# - 10 MB (a few weight tiles) fits in shared memory: read in 0.3 µs at the derived 33 TB/s.
# - 40 MB fits in the L2, but the H100's L2 bandwidth is not published: the headline says so rather
#   than guess. Switch to the A100 SXM 80GB: its L2 reads 5,120 bytes per clock at 1,410 MHz,
#   7.2 TB/s, 3.5× its HBM. Its CPU memory and NVMe rows are now a DGX A100's, reached over
#   PCIe Gen4 at 31.5 GB/s, half the H100's link.
# - 100 GB (a 70B model in bf16 is 140 GB) spills out of the H100's 80 GB into CPU memory, where
#   every byte crosses PCIe at 63 GB/s: 1.6 s per pass, where HBM would take 30 ms.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
levels = {level.name: level for level in memory_hierarchy.memory_hierarchy(H100)}
smem, hbm, pcie = levels["shared memory / L1"], levels["GPU memory (HBM3)"], levels["CPU memory over PCIe"]
assert round(smem.bandwidth_bytes_per_s / 1e12) == 33 and smem.status == "derived"
assert round(smem.bandwidth_bytes_per_s / hbm.bandwidth_bytes_per_s) == 10
assert round(hbm.bandwidth_bytes_per_s / pcie.bandwidth_bytes_per_s) == 53 and round(pcie.bandwidth_bytes_per_s / 1e9) == 63
assert levels["registers"].bandwidth_bytes_per_s is None and levels["L2 cache"].bandwidth_bytes_per_s is None
assert round(levels["registers"].capacity_bytes / 1e6) == 35 == round(smem.capacity_bytes / 1e6)
assert memory_hierarchy.working_set_level(H100, 1e7).level.name == "shared memory / L1"
assert round(memory_hierarchy.working_set_level(H100, 1e7).read_seconds * 1e6, 1) == 0.3
a100_l2 = {lv.name: lv for lv in memory_hierarchy.memory_hierarchy("A100 SXM 80GB")}["L2 cache"]
assert round(a100_l2.bandwidth_bytes_per_s / 1e12, 1) == 7.2 and round(a100_l2.bandwidth_bytes_per_s / 2.039e12, 1) == 3.5
assert memory_hierarchy.working_set_level(H100, 1e11).level.name == "CPU memory over PCIe"
a100_host = {lv.name: lv for lv in memory_hierarchy.memory_hierarchy("A100 SXM 80GB")}["CPU memory over PCIe"]
assert a100_host.basis.startswith("DGX A100") and round(a100_host.bandwidth_bytes_per_s / 1e9, 1) == 31.5
assert round(pcie.bandwidth_bytes_per_s / a100_host.bandwidth_bytes_per_s) == 2 and pcie.basis.startswith("DGX H100")
assert "(illustrative)" in {lv.name: lv for lv in memory_hierarchy.memory_hierarchy("RTX 4090")}["NVMe drive"].basis
assert round(memory_hierarchy.working_set_level(H100, 1e11).read_seconds, 1) == 1.6

# %% [markdown]
# ## 3. Why tiles: data reuse
#
# A matrix product C = A @ B does 2 m n k FLOP on only m k + k n + m n values: each value is used
# many times. But the SMs can only reuse what is on chip. A kernel therefore computes C one
# **tile** at a time ([tiling](../docs/glossary.md#tiling)): it copies a tile of A and a tile of B
# from HBM into shared memory, multiplies them there, and adds into a tile of C held in registers.
# `tiling.tiled_matmul` does exactly that on numpy arrays and counts the bytes. First, it computes
# the right product:

# %%
import numpy as np

rng = np.random.default_rng(0)
a, b = rng.standard_normal((256, 256)), rng.standard_normal((256, 256))
c, traffic = tiling.tiled_matmul(a, b, tile=32)
print(f"largest difference from a @ b: {np.max(np.abs(c - a @ b)):.1e}")

# %% [markdown]
# Only the order of the additions differs, so the result equals `a @ b` to float64 rounding. Now the
# traffic of a bf16 8192 × 8192 × 8192 product for two tile sizes:

# %%
for tile in (16, 128):
    t = tiling.matmul_traffic(8192, 8192, 8192, tile, bytes_per_element=2)
    print(f"tile {tile:>3}: {units.format_si(t.hbm_bytes, 'B')} from/to HBM, each value used {t.reuse:,.0f} times "
          f"on chip, {t.intensity:.1f} FLOP per HBM byte")

# %% [markdown]
# Each value loaded from HBM is used about *tile* times, so the **arithmetic intensity** (FLOP per
# HBM byte, notebook 01's roofline) grows with the tile: about tile / 2 in bf16. The kernel becomes
# compute-bound once that passes the GPU's ridge point, 295 FLOP/byte on the H100.

# %% [markdown]
# ### Widget: find the tile that reaches the ridge
#
# Slide the tile edge; the red dot must climb above the dashed ridge line.

# %%
inside_gpu.tiling_view()

# %% [markdown]
# **Try this:**
# - Raise the tile from 128 to 1,024: the intensity goes from 63.5 to 482 FLOP/byte and the kernel
#   turns compute-bound between 512 and 1,024 (exactly at 613).
# - Read the details at 1,024: a 1,024² tile's fp32 accumulators (4 MiB) do not fit in one SM's
#   256 KiB register file. Even at 256 they fill the entire register file (256² × 4 bytes = 256 KiB):
#   no room is left for the operands, addresses and loop counters. Real Hopper kernels stop at about
#   128 × 256 per thread block, whose accumulators take half the register file. No single SM reaches
#   the H100's ridge on its own.
# - Switch to the A100 SXM 80GB: its lower ridge (153) is reached at 312.
#
# What closes the gap is the **L2 cache**: all 132 SMs work at once on neighbouring tiles, which
# load the same rows and columns of A and B, and the L2 serves those repeats. If the 132 SMs each
# take a 128 × 128 tile side by side, HBM sees one tile about 1,470 wide, 630 FLOP/byte, well above
# the ridge (an idealised model; real kernels order their tiles to get close to it).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert np.allclose(c, a @ b, rtol=1e-12, atol=1e-12) and np.max(np.abs(c - a @ b)) < 1e-12
small, big = (tiling.matmul_traffic(8192, 8192, 8192, t, 2) for t in (128, 1024))
assert round(small.intensity, 1) == 63.5 and round(big.intensity) == 482
assert round(tiling.compute_bound_tile(H100)) == 613 and round(tiling.compute_bound_tile("A100 SXM 80GB")) == 312
assert tiling.tile_on_roofline(H100, 512).bound == "memory" and tiling.tile_on_roofline(H100, 1024).bound == "compute"
assert tiling.tile_on_roofline(H100, 256).register_share == 1 and not tiling.tile_on_roofline(H100, 257).fits_one_sm
assert tiling.tile_on_roofline(H100, 256).accumulator_bytes == 256 * 2**10 == 256**2 * 4
assert tiling.REAL_KERNEL_TILE == (128, 256) and 128 * 256 * tiling.ACCUMULATOR_BYTES / (256 * 2**10) == 0.5
assert tiling.tile_on_roofline(H100, 1024).accumulator_bytes == 4 * 2**20
ridge = tiling.tile_on_roofline(H100, 128).ridge
assert round(ridge) == 295 and round(tiling.tile_on_roofline("A100 SXM 80GB", 128).ridge) == 153
assert tiling.chip_tile(H100, 128) == 1470 and round(tiling.tile_on_roofline(H100, 1470).traffic.intensity) == 630

# %% [markdown]
# ## 4. FlashAttention: attention that respects the memory hierarchy
#
# Attention computes softmax(Q Kᵀ / √d) V for N tokens with heads of size d. Done the obvious way
# (Dao et al. 2022, [arXiv:2205.14135](https://arxiv.org/abs/2205.14135), Algorithm 0), the N × N
# score matrix S = Q Kᵀ is written to HBM, read back for the softmax, written again as P, and read
# again to multiply V: 4 N² values of traffic, growing with the square of the context.
#
# **[FlashAttention](../docs/glossary.md#flashattention)** (their Algorithm 1) works on tiles of
# keys and queries that fit in shared memory and never stores S or P. The trick is the **online
# softmax**: for each row it keeps the running maximum and the running sum of exponentials, and
# rescales the partial output whenever a new tile raises the maximum, so the result is exact.
# `attention.tiled_attention` runs Algorithm 1 on numpy arrays:

# %%
q, k, v = (rng.standard_normal((512, 64)).astype(np.float32) for _ in range(3))
tiled, counts = attention.tiled_attention(q, k, v, sram_values=4096)
exact = attention.softmax_attention(q.astype(np.float64), k.astype(np.float64), v.astype(np.float64))
print(f"largest difference from softmax attention: {np.max(np.abs(tiled - exact)):.1e} "
      f"(float32 epsilon is {np.finfo(np.float32).eps:.1e})")

# %% [markdown]
# Same answer, to float32 rounding. The traffic per head at N = 8,192 and d = 128 in bf16, with the
# H100's 228 KiB of shared memory per SM:

# %%
io = attention.attention_io(8192, 128, 2, attention.sram_values(H100))
for method in attention.METHODS:
    print(f"{method:>8}: {units.format_si(io.bytes[method], 'B')} per head, {io.intensity(method):,.0f} FLOP/byte")

# %% [markdown]
# Standard attention moves 545 MB per head; Algorithm 1, counted exactly as the paper writes it
# (every block re-read from HBM), 235 MB, 2.3 times less; the **minimum**, Q, K and V read once and
# O written once, is 8.4 MB. Real kernels get near the minimum because the blocks they re-read are
# still in the L2 cache. And the intensity tells the story of speed: standard attention stays near
# d / 2 = 64 FLOP/byte whatever N, far below the H100's ridge of 295, so it is **memory-bound at every
# length**; at the minimum traffic the intensity is N / 2, compute-bound from about N = 600.

# %% [markdown]
# ### Widget: attention traffic as the context grows

# %%
inside_gpu.attention_view()

# %% [markdown]
# **Try this:**
# - Slide N from 256 to 131,072: standard and tiled traffic both grow as N², the minimum only as N.
# - At N = 256 even the minimum is memory-bound (128 FLOP/byte): short sequences leave the Tensor
#   Cores waiting whatever the kernel.
# - Back at N = 8,192, switch the head size to 64: the standard method's intensity halves, from 63.0
#   to 31.8 FLOP/byte (about d / 2 = 32).
#
# **Why is FlashAttention faster?** Not because it does fewer FLOP (it does the same matrix
# products, plus some rescaling) but because it moves far fewer bytes through HBM: the N × N matrices
# never leave the chip. Even in the paper's pessimistic count (every block from HBM) it moves 2.3
# times fewer bytes, so a memory-bound run is 2.3 times faster; when the L2 serves its re-reads, its
# traffic approaches the minimum and the Tensor Cores, not the memory, set the pace.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert np.max(np.abs(tiled - exact)) < 1e-5 and counts.total == attention.attention_io(512, 64, 1, 4096).bytes["tiled"]
assert round(io.bytes["standard"] / 1e6) == 545 and round(io.bytes["tiled"] / 1e6) == 235
assert round(io.bytes["standard"] / io.bytes["tiled"], 1) == 2.3 and round(io.bytes["minimum"] / 1e6, 1) == 8.4
assert round(io.intensity("standard")) == 63 and attention.compute_bound_seq_len(H100, "standard") is None
assert attention.sram_values(H100) == 228 * 1024 // 2 and round(2 * tiling.tile_on_roofline(H100, 128).ridge) == 591
assert attention.compute_bound_seq_len(H100, "minimum") == 1024
short = {r.method: r for r in attention.attention_on_roofline(H100, 256)}
assert short["minimum"].intensity == 128 and short["minimum"].bound == "memory"
assert round(attention.attention_io(8192, 64, 2, attention.sram_values(H100)).intensity("standard")) == 32
widget_std = {d: next(r for r in attention.attention_on_roofline(H100, 8192, d) if r.method == "standard")
              for d in (128, 64)}
assert (round(widget_std[128].intensity, 1), round(widget_std[64].intensity, 1)) == (63.0, 31.8)

# %% [markdown]
# ## 5. The server: eight GPUs, one NVLink domain
#
# Training GPUs come in servers of eight, such as NVIDIA's HGX/DGX H100 (not as single cards). The DGX H100, drawn
# from its user guide: eight GPUs joined by four **[NVSwitch](../docs/glossary.md#nvswitch)** chips,
# one 400 Gb/s **network card** ([NIC](../docs/glossary.md#nic)) per GPU towards the other servers
# over [InfiniBand](../docs/glossary.md#infiniband), PCIe Gen5 switches to two CPUs, 2 TB of CPU
# memory and eight NVMe drives.

# %%
# extra code – the DGX H100 drawn from course_lib/data/server_components.json
fig, ax = plt.subplots(figsize=(7.2, 3.6), dpi=80)
inside_gpu.plot_server(ax)
plt.show()

# %% [markdown]
# The bandwidth of each path, for one GPU and in one direction:

# %%
for path in server.node_paths("DGX H100"):
    print(f"{path.name:38} {path.gbs:>8,.1f} GB/s   ({path.between})")

# %% [markdown]
# Inside the server every GPU reaches every other over [NVLink](../docs/glossary.md#nvlink) at
# 450 GB/s each way. To a GPU in another server it has its own network card: 50 GB/s, nine times
# less. That gap decides where **tensor parallelism** goes (notebook 07): splitting each layer over
# GPUs needs four all-reduces of its activations for each micro-batch (two in the forward pass, two
# in the backward pass), on the critical path (an all-reduce sums a tensor across
# the GPUs and hands every GPU the result).

# %% [markdown]
# ### Widget: tensor parallelism inside vs across servers
#
# The widget times one transformer layer, forward and backward, for one
# **[micro-batch](../docs/glossary.md#micro-batch)**: the sequences one GPU pushes through one forward
# and backward pass (here one sequence; the slider sets its tokens). The compute time assumes 50 %
# **[MFU](../docs/glossary.md#mfu)** (model FLOPs utilization: the share of the peak FLOP/s a
# training run really uses; notebook 03 measures it) on H100s.

# %%
inside_gpu.tensor_parallel_view()

# %% [markdown]
# **Try this:**
# - Llama-2 70B over 8 GPUs: the all-reduces cost 19 % of the compute time on NVLink, but 170 % on
#   the network cards: across servers, the GPUs would wait more than they compute.
# - Only 2 GPUs: 3 % on NVLink, 24 % on the network. Each GPU computes a bigger share, and a ring
#   all-reduce sends 2 (n − 1) / n of the activations, 1× for 2 GPUs but 1.75× for 8.
# - More tokens change little: compute and traffic both grow with them.
#
# **Why does tensor parallelism stay inside one server?** Because its communication is frequent
# (every layer, forward and backward), cannot wait, and is large (whole activations), and only the
# **[NVLink domain](../docs/glossary.md#nvlink-domain)**, the 8 GPUs of one server, has the
# bandwidth for it. Between servers go the lighter patterns: pipeline stages and data-parallel
# gradient all-reduces that overlap with compute.
#
# **Rack scale.** NVIDIA's GB200 NVL72 makes the whole rack one NVLink domain:

# %%
for system in ("DGX H100", "GB200 NVL72"):
    domain = server.nvlink_domain(system)
    print(f"{system}: {domain['gpus']} GPUs on NVLink, {domain['gbs_per_direction']:,.0f} GB/s per GPU each way")

# %% [markdown]
# 72 GPUs with 900 GB/s each way between any two (GB200 NVL72 page): tensor parallelism can span
# up to 72 GPUs before touching a network card. It comes at a price in power and cooling
# (section 7).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
paths = {path.key: path.gbs for path in server.node_paths("DGX H100")}
assert (paths["nvlink"], paths["network"], round(paths["pcie"])) == (450, 50, 63) and paths["nvlink"] / paths["network"] == 9
inside_tp, across_tp = server.tensor_parallel_over_links("Llama-2 70B", 4096, 1, 8, 0.5)
assert round(100 * inside_tp.communication_share) == 19 and round(100 * across_tp.communication_share) == 170
two = server.tensor_parallel_over_links("Llama-2 70B", 4096, 1, 2, 0.5)
assert [round(100 * r.communication_share) for r in two] == [3, 24]
assert server.nvlink_domain("GB200 NVL72") == {"gpus": 72, "gbs_per_direction": 900}
assert server.node()["nvswitch_chips"].value == 4 and server.node()["system_memory_tb"].value == 2

# %% [markdown]
# ## 6. Storage and checkpoints
#
# ### Myth check: "training needs NVMe SSDs because they cut data-loading time"
#
# [Source article 000](../docs/source-article-errors.md) (one of the four articles this course
# corrects) lists fast NVMe storage among the needs of LLM training, "to reduce data loading time".
# How fast must data arrive? A GPU training Llama 3 405B at 40 % MFU (model FLOPs utilization: the
# share of the peak that training really uses, notebook 03) processes:

# %%
tokens_per_s = storage.training_tokens_per_second(405e9, H100, mfu=0.4)
print(f"{tokens_per_s:.0f} tokens/s per GPU -> {storage.data_loading_bytes_per_second(tokens_per_s):.0f} bytes/s "
      "of 4-byte token IDs")

# %% [markdown]
# A few hundred bytes per second: a text model's data would load from almost any disk. **Verdict:
# half true.** Fast storage does matter for LLM training, but not for loading text: for the
# **[checkpoints](../docs/glossary.md#checkpoint)**, copies of the weights and optimizer states
# written so that a failed job can restart. With mixed-precision Adam (notebook 04) that is 14 of the
# 16 bytes per parameter (the 2 bytes of gradients are not saved):

# %%
for n_params in (70e9, 405e9):
    print(f"{n_params / 1e9:.0f}B parameters: checkpoint {units.format_si(storage.checkpoint_bytes(n_params).total, 'B')}")

# %% [markdown]
# And jobs do fail. During a 54-day snapshot of Llama 3 pre-training on 16K H100s, Meta counted 466
# job interruptions, 419 of them unexpected (Llama 3 paper, section 3.3.4). Scaled per GPU, the
# **mean time between failures** ([MTBF](../docs/glossary.md#mtbf)) of a job shrinks as it grows:

# %%
for gpus in (1024, 16_384):
    print(f"{gpus:>6,} GPUs: an interruption every {units.format_duration(storage.job_mtbf_seconds(gpus))}")

# %% [markdown]
# Checkpoint too rarely and a failure throws away hours of work; too often and the job spends its
# time writing. Young's rule (1974) balances the two: write every √(2 δ M), for a checkpoint that
# takes δ seconds and an MTBF of M. Llama 3's file system (Tectonic, 240 PB on 7,500 SSD servers)
# sustains 2 TB/s (section 3.3.1), so the 405B checkpoint takes:

# %%
delta = storage.write_seconds(storage.checkpoint_bytes(405e9).total, shared_gbs=2000)
mtbf = storage.job_mtbf_seconds(16_384)
every = storage.young_interval_seconds(delta, mtbf)
print(f"write {delta:.1f} s, checkpoint every {units.format_duration(every)} "
      f"(Daly: {units.format_duration(storage.daly_interval_seconds(delta, mtbf))}), "
      f"losing {storage.lost_fraction(every, delta, mtbf):.1%} of the time")

# %% [markdown]
# ### Widget: checkpoint size, write time and interval

# %%
inside_gpu.checkpoint_view()

# %% [markdown]
# **Try this:**
# - Slide to 1e12 parameters: 14 TB per checkpoint, 7 s to write on Tectonic.
# - Choose "local NVMe": each server writes its shard to its own 8 drives (at most 8 × 5.6 GB/s for
#   the example drive), and the checkpoint takes milliseconds; it must still be copied off the
#   server to survive the server's failure.
# - Describe your own store at 10 GB/s in total: 70B takes 98 s to write, and the best interval
#   and the time lost grow with it.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(tokens_per_s) == 163 and round(storage.data_loading_bytes_per_second(tokens_per_s)) == 652
assert storage.checkpoint_bytes(70e9).total == 980e9 and storage.checkpoint_bytes(405e9).total == 5.67e12
assert round(storage.job_mtbf_seconds(16_384) / 3600, 2) == 3.09 and round(storage.job_mtbf_seconds(1024) / 86400, 2) == 2.06
assert round(delta, 1) == 2.8 and round(every / 60, 1) == 4.2 and round(storage.lost_fraction(every, delta, mtbf), 3) == 0.023
assert round(storage.write_seconds(storage.checkpoint_bytes(1e12).total, shared_gbs=2000)) == 7
assert round(storage.write_seconds(storage.checkpoint_bytes(70e9).total, shared_gbs=10)) == 98
assert storage.write_seconds(storage.checkpoint_bytes(405e9).total, 2048, per_node_gbs=storage.local_nvme_write_gbs()) < 0.1

# %% [markdown]
# ## 7. Power and cooling
#
# Each H100 SXM board is rated at 700 W ([TDP](../docs/glossary.md#tdp)); the DGX H100 user guide
# gives the whole server 10.2 kW at most. The GPUs take just over half; CPUs, NVSwitches, network
# cards, drives and fans take the rest:

# %%
dgx = power.node_power("DGX H100")
print(f"GPU boards {dgx.gpu_boards_w / 1e3:.1f} kW + the rest {dgx.rest_w / 1e3:.1f} kW = {dgx.node_max_w / 1e3:.1f} kW")

# %% [markdown]
# All of it ends up as heat, which the server's fans blow out at 1,105 cubic feet per minute (user
# guide). The same guide gives a heat output of 38,557 BTU/h, which is 11.3 kW: 10.8 % **more** than
# the power that goes in. Energy is conserved, so the two figures must rest on different bases (the
# guide does not say which); the course takes the power. From it and the airflow, the air leaves
# about 16 °C warmer than it enters (flow = power / (density × specific heat × temperature rise)):

# %%
print(f"heat output {38_557 * power.WATTS_PER_BTU_PER_HOUR / 1e3:.1f} kW, "
      f"air warms by {power.air_temperature_rise_k(dgx.node_max_w, 1105):.1f} K")

# %% [markdown]
# Typical racks in today's data centres draw around 10 kW (the most common density in the Uptime
# Institute's 2025 survey): one DGX H100 alone fills such a rack. A GB200 NVL72 rack draws about 120 kW (DGX GB200 user guide). Cooling it with air at the
# DGX's temperature rise would take 13,000 cubic feet per minute through one rack; water, which
# carries about 3,400 times more heat per litre and per degree, does it with under 3 litres per
# second. That is why rack-scale systems are **liquid-cooled**.
#
# ### Myth check: "high-end GPUs rely on heat-pipe cooling"
#
# [Source article 000](../docs/source-article-errors.md) names heat pipes as the cooling of the A100
# and H100. Whatever sits on the chip (a heat sink, a vapour chamber, a liquid cold plate), the heat
# still has to leave the rack, and at LLM scale that is the hard part: the DGX H100 moves 1,105 CFM
# of air; an NVL72 rack must use water. **Verdict: beside the point.** The cooling question for LLM
# hardware is air or liquid for the whole rack, not the part on the card.

# %% [markdown]
# ### Widget: a rack of DGX H100s
#
# Facility power adds cooling and power conversion on top of the IT load: it is IT power × **PUE**
# ([PUE](../docs/glossary.md#pue)), a value you set for your facility.

# %%
inside_gpu.power_view()

# %% [markdown]
# **Try this:**
# - 4 servers per rack: 40.8 kW, four times the typical rack. Set the PUE to 1.5: the facility draws
#   61.2 kW.
# - Compare the air and water columns: air at +10 K needs 7,145 CFM for 40.8 kW; water, under a
#   litre per second.
#
# The energy of training follows from the power and the throughput: eight H100s training a 70B
# model at 40 % MFU process 7,539 tokens per second, so each token costs

# %%
energy = power.energy_per_token(70e9, mfu=0.4)
print(f"{energy.gpu_boards_j:.2f} J (GPU boards at TDP) to {energy.whole_node_j:.2f} J (whole server at its maximum), "
      "times your PUE")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert (dgx.gpu_boards_w, dgx.rest_w, dgx.node_max_w) == (5600, 4600, 10_200)
heat = 38_557 * power.WATTS_PER_BTU_PER_HOUR
assert round(heat / 1e3, 1) == 11.3 and round(100 * (heat / dgx.node_max_w - 1), 1) == 10.8
assert round(power.air_temperature_rise_k(dgx.node_max_w, 1105)) == 16 and power.typical_rack_w() == 10_000
rise = power.air_temperature_rise_k(dgx.node_max_w, 1105)
assert round(power.coolant_flow_m3_per_s(120e3, rise) / power.M3_PER_S_PER_CFM) == 13_000
assert power.coolant_flow_m3_per_s(120e3, 10, "water") * 1e3 < 3
water_vs_air = power.coolant_flow_m3_per_s(1, 1, "air") / power.coolant_flow_m3_per_s(1, 1, "water")
assert 3400 < water_vs_air < 3500 and server.rack("GB200 NVL72")["rack_power_kw"].value == 120
assert power.rack_power_w(4) == 40_800 and round(power.facility_power_w(40_800, 1.5)) == 61_200
assert round(power.coolant_flow_m3_per_s(40_800, 10) / power.M3_PER_S_PER_CFM) == 7145
assert round(energy.tokens_per_second) == 7539 and (round(energy.gpu_boards_j, 2), round(energy.whole_node_j, 2)) == (0.74, 1.35)

# %% [markdown]
# ## 8. The software stack
#
# Between your model and the silicon sit layers of software, each with its counterpart on AMD and
# Huawei hardware: [CUDA](../docs/glossary.md#cuda) starts kernels and manages memory; cuBLAS and
# cuDNN are the tuned matrix kernels that use the Tensor Cores; [NCCL](../docs/glossary.md#nccl)
# runs all-reduces over NVLink and the network; PyTorch is where you write the model; Megatron-LM,
# DeepSpeed and FSDP split it over GPUs; vLLM and TensorRT-LLM serve it.

# %%
# extra code – the stack map from course_lib/data/software_stack.json
fig, ax = plt.subplots(figsize=(7.2, 3.4), dpi=80)
inside_gpu.plot_software_stack(ax)
plt.show()

# %% [markdown]
# What each layer does (every project links to its documentation in the data file):

# %%
HTML(inside_gpu.software_stack_table())

# %% [markdown]
# [Source article 003](../docs/source-article-errors.md) notes that drivers and CUDA versions are
# where newcomers trip. The map shows why: every layer above depends on the one below, and each
# vendor's column is its own ecosystem.

# %% [markdown]
# ## 9. Beyond NVIDIA
#
# [Source article 003](../docs/source-article-errors.md) names Google's TPUs and Huawei's Ascend as
# the alternatives. The catalog now holds TPU v5p and v6e and Intel's Gaudi 3 beside AMD's MI300X,
# each from its vendor's documents:

# %%
HTML(inside_gpu.accelerator_table())

# %% [markdown]
# Google publishes no per-chip power for its TPUs, and Intel no FP32 or FP16 matrix rate for Gaudi 3:
# those cells say so. Huawei's **Ascend 910B** is not in the catalog at all: Huawei publishes its
# memory (64 GB per NPU in the Atlas 800T A2 server) but neither its peak FLOPS nor its memory
# bandwidth, and third-party figures disagree. What is published:

# %%
for name, fields in chip.uncatalogued_accelerators().items():
    published = {field: item.value for field, item in fields.items() if hasattr(item, "value") and item.published}
    print(f"{name}: published {published}; {fields['why_not_in_catalog']}")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert (hardware.get_gpu("TPU v5p").tdp_w, hardware.get_gpu("Gaudi 3").peak_tflops("fp32")) == (None, None)
assert chip.uncatalogued_accelerators()["Ascend 910B"]["memory_gb"].value == 64
assert chip.uncatalogued_accelerators()["Ascend 910B"]["memory_bandwidth_gbs"].value is None

# %% [markdown]
# ## Summary
#
# - Peak TFLOPS = SMs × Tensor Core FLOP per clock per SM × clock: 132 × 4,096 × 1.83 GHz = 989 TFLOPS
#   on an H100 SXM. Tensor Core peaks use their own (lower) boost clock.
# - Memory is a ladder: registers (bandwidth not published), shared memory (about 33 TB/s, derived:
#   an upper bound), L2, HBM (3.35 TB/s), CPU memory over PCIe (63 GB/s), NVMe (GB/s). Vendors leave
#   some rungs unpublished.
# - Tiles turn reuse into intensity: about tile / 2 FLOP per HBM byte in bf16. One SM cannot hold a
#   tile big enough to reach the H100's ridge; the L2 shared by all SMs makes up the difference.
# - FlashAttention computes exact attention in tiles with an online softmax and never writes the
#   N × N matrices to HBM: standard attention is memory-bound at every length; tiled attention
#   moves 2.3× fewer bytes even counted pessimistically, and near the minimum it is compute-bound.
# - Inside a DGX H100 GPUs talk over NVLink at 450 GB/s each way; between servers at 50 GB/s per GPU.
#   Tensor parallelism stays inside that 8-GPU NVLink domain; a GB200 NVL72 makes it 72 GPUs.
# - Checkpoints (14 bytes per parameter with Adam) and failures (one every ~3 hours on 16K GPUs)
#   make storage matter; checkpoint every √(2 δ M).
# - A DGX H100 draws up to 10.2 kW, a typical rack's whole budget; a 120 kW NVL72 rack needs water.
#
# ## What next
#
# [03 · FLOPS](03_flops.ipynb): what those TFLOPS buy, how many FLOP training a model takes, and how
# long and how much that is. Practise this notebook with
# [its exercises](../exercises/02_inside_the_gpu_exercises.ipynb).
