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
# # 01 · Why GPUs
#
# Training and running a large language model is, to a first approximation, one long sequence of
# matrix multiplications. This notebook shows why a GPU does that work so much faster than a CPU,
# and when it does not: you will measure your own machine, compare datasheet numbers from the
# course catalog, and meet the two models that explain most of GPU performance, Amdahl's law and
# the roofline.
#
# **Learning objectives**
# - explain the difference between a latency-oriented CPU and a throughput-oriented GPU, and
#   what SIMD and SIMT mean;
# - predict the speed-up of parallel hardware with Amdahl's law;
# - compare CPUs and GPUs on FLOP/s, memory bandwidth and FLOP/s per watt;
# - place a computation on the roofline from its arithmetic intensity and say whether it is
#   compute-bound or memory-bound;
# - explain why Tensor Cores and bf16 are what LLM training runs on, and why a GPU's CUDA-core
#   count says little about its training speed.
#
# **Estimated time:** 55 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/01_why_gpus.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/01_why_gpus.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Units as in [notebook 00](00_start_here.ipynb): GB = 10⁹ bytes and GB/s = 10⁹ bytes per
# second, a multiply-add is 2 FLOP, and a rate in TFLOPS is 10¹² FLOP per second. Every rate is
# the datasheet's [dense peak](../docs/glossary.md#dense-peak), the highest rate for ordinary
# matrices (notebook 03 shows the doubled "sparse" figure datasheets also print). Terms are
# linked to the [glossary](../docs/glossary.md). Everything comes from `course_lib`:

# %%
import matplotlib.pyplot as plt

from course_lib import compute, formats, hardware, measure, units
from course_lib.widgets import why_gpus

H100, XEON, LAPTOP = "H100 SXM", "Xeon Platinum 8480+", "Ryzen 7 7840U"

# %% [markdown]
# ## 1. Latency versus throughput
#
# A **CPU core is built for [latency](../docs/glossary.md#latency)**: it runs one stream of instructions as fast as it can, with a
# high clock, large caches, and logic that predicts branches and reorders instructions so that the
# stream rarely waits. A **GPU is built for [throughput](../docs/glossary.md#throughput)**: it spends its transistors on many simple
# arithmetic lanes and keeps tens of thousands of threads in flight; when one group of threads
# waits for memory, another one runs. A single GPU thread is slow; a million of them finish fast.
#
# Both apply one instruction to many numbers at once:
# - **[SIMD](../docs/glossary.md#simd)** (single instruction, multiple data) on a CPU: one
#   [AVX-512](../docs/glossary.md#avx-512) instruction (x86's 512-bit vector instructions) adds 16
#   fp32 numbers. The program, or the compiler, has to work on vectors explicitly.
# - **[SIMT](../docs/glossary.md#simt)** (single instruction, multiple threads) on an NVIDIA GPU:
#   you write the code for *one* thread, typically one output element, and the hardware runs
#   threads in groups of 32, a *[warp](../docs/glossary.md#warp)*, that execute each instruction
#   together (CUDA C++ Programming Guide, "SIMT architecture"). If threads of a warp take
#   different branches, the warp runs both paths one after the other.
#
# The catalog rows say how many lanes each chip has and how its peak follows from them. Three
# words in these notes: an **FMA** is a fused multiply-add unit; an NVIDIA GPU is built from
# **SMs** (streaming multiprocessors), blocks of lanes that share a scheduler, registers and
# Tensor Cores (section 6; notebook 02 opens one up); and **TDP** (thermal design power) is the
# power a chip or board is designed to draw, and its cooling to remove, at full load.

# %%
for name in (XEON, H100):
    print(f"{name}: {hardware.get_gpu(name).notes}\n")

# %% [markdown]
# So the H100 runs 16,896 fp32 lanes (NVIDIA calls each a [CUDA core](../docs/glossary.md#cuda-core))
# at about 1.98 GHz; the 56-core Xeon does 64 fp32 FLOP per cycle per core at 2.0 GHz. Your own CPU, read from the operating system, with the FLOP per cycle
# its SIMD flags allow (an estimate with stated assumptions, see `measure.flop_per_cycle`):

# %%
info = measure.cpu_info()
per_cycle = measure.flop_per_cycle(info["flags"], "float32", info["vendor"] or "", info["family"])
peak_gflops = measure.cpu_peak_gflops_estimate("float32", info)
print(info["model_name"], "|", info["physical_cores"] or info["logical_cores"], "cores |", info["flags"])
print("fp32 FLOP per cycle per core:", per_cycle, "| estimated peak:", peak_gflops and f"{peak_gflops:.0f} GFLOPS")

# %% [markdown]
# ## 2. Measured on your machine: a Python loop, numpy and BLAS
#
# The same matrix product three ways: a pure-Python triple loop (one multiply-add at a time, one
# core, no SIMD), and numpy's `@` in float64 and float32, which hands the work to a **BLAS**
# library ([BLAS](../docs/glossary.md#blas), Basic Linear Algebra Subprograms: tuned routines such as
# OpenBLAS, MKL or Accelerate) that uses SIMD on every core.
#
# A **kernel** is one function that runs on the GPU, e.g. one matrix multiplication; we use the
# word for such a routine on the CPU too. One timing of a millisecond-long kernel is mostly noise:
# the first call starts threads, the clock ramps up, another program takes a core. So
# `course_lib.measure` times every kernel the same way: a few untimed warm-up calls, then as many
# calls as fit in 0.3 s, and it reports the **median** with its spread. It measures once and
# remembers the result (also on disk), so notebooks 03 and 11 quote the same numbers. The first run
# takes a second or two:

# %%
cpu = measure.cpu_report()
print("Python loop  ", cpu.python_loop_gflops.describe())
print("numpy float64", cpu.matmul_gflops["float64"].describe())
print("numpy float32", cpu.matmul_gflops["float32"].describe())

# %% [markdown]
# All rates are in GFLOPS (10⁹ FLOP per second); numpy multiplied 1024 × 1024 matrices, the loop
# 64 × 64 ones. The *middle half* is the range in which half of the timed runs fell; *all runs*
# goes from the slowest to the fastest. A narrow middle half means a steady number; a wide one, a
# busy machine. How many times faster is numpy float32 than the loop (ratio of the medians)?

# %%
round(cpu.numpy_speedup)

# %%
# extra code – the medians as bars (thick line: middle half, thin line: all runs), and the estimated peak
fig, ax = plt.subplots(figsize=(6.4, 3.2))
why_gpus.plot_cpu_report(ax, cpu)
plt.show()

# %% [markdown]
# Same CPU, same arithmetic, orders of magnitude apart: SIMD lanes and cores only pay off when the
# software keeps them busy, and that is what BLAS libraries (and, on GPUs, cuBLAS) are for. How
# close does numpy come to the estimated peak of section 1?

# %%
print(cpu.peak_sentence("float32"))

# %% [markdown]
# **Above 100 %?** Then the estimate was too low, not the measurement too high. The estimate
# multiplies by the clock the operating system reports, which on most machines, and usually under
# the hypervisor of a cloud machine (Colab, Binder), is the **base clock**: the speed the CPU
# guarantees under full load. With few cores busy and room under its power and temperature
# limits, a CPU runs faster, at its **boost clock** (Intel Turbo Boost, AMD Precision Boost).
# **Below 100 %** is the usual case for real programs: starting threads, moving data from
# memory and other programs on the machine all take their share. Notebook 11 compares this with
# GPUs, which also never reach their datasheet peak.
#
# **Try this:** run `measure.cpu_report(refresh=True)` two or three times (each run replaces the
# remembered one). How far does the median move, compared with the "all runs" range?

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert cpu.matmul_gflops["float32"].median > 10 * cpu.python_loop_gflops.median
assert cpu.matmul_gflops["float32"].repeats >= measure.MIN_REPEATS
assert (cpu.matmul_n, cpu.python_loop_n) == (1024, 64)

# %% [markdown]
# ## 3. Amdahl's law: the serial part decides
#
# If a fraction *p* of a job's one-worker time can be spread over *n* workers and the rest cannot,
# the speed-up ([Amdahl's law](../docs/glossary.md#amdahl-s-law)) is 1 / ((1 − p) + p / n) (G. M. Amdahl, AFIPS conference, 1967). With 95 % parallel
# work, 1000 workers give:

# %%
compute.amdahl_speedup(0.95, 1000), compute.amdahl_speedup(0.95, 10**9)

# %% [markdown]
# Under 20× with a thousand workers, and still under 20× with a billion: the serial 5 % caps it.

# %%
# extra code – speed-up against the number of workers for p = 0.95
fig, ax = plt.subplots(figsize=(6.4, 3.2))
why_gpus.plot_amdahl(ax, 0.95, 1000)
plt.show()

# %% [markdown]
# ### Widget: Amdahl's law
#
# Move the parallel fraction and the number of workers; the red dot is your choice.

# %%
why_gpus.amdahl_view()

# %% [markdown]
# **Try this:**
# - Keep p = 0.95 and move the workers from 1000 to 100,000: the speed-up barely moves (19.6× to
#   about 20×), while each worker is busy a smaller and smaller fraction of the time.
# - Move the workers to 16,896 (the H100's fp32 lanes) and set p to 0.99: about 99×. Now
#   p = 0.999: about 944×. A GPU only pays off for work that is almost entirely parallel.
# - p = 0.5: never more than 2×, however many workers.
#
# A matrix product is that kind of work: each of its m × n outputs is a dot product that does not
# depend on the others.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(compute.amdahl_speedup(0.95, 1000), 1) == 19.6
assert compute.amdahl_speedup(0.95, 10**9) < 20 and round(compute.amdahl_speedup(0.95, 100_000), 1) == 20.0
assert round(compute.amdahl_speedup(0.99, 16896)) == 99 and round(compute.amdahl_speedup(0.999, 16896)) == 944

# %% [markdown]
# ## 4. CPU versus GPU on paper
#
# The catalog holds datasheet numbers, each row with its source. A laptop CPU, a 56-core server
# CPU, a gaming GPU and two data-centre GPUs, with each one's TDP in watts. "SXM" in a name is
# NVIDIA's module form of a data-centre GPU, mounted on a server board (the other form is a PCIe
# card):

# %%
# extra code – a small table from the catalog (dense TFLOPS, GB/s, W)
for name in (LAPTOP, XEON, "RTX 4090", "A100 SXM 80GB", H100):
    gpu = hardware.get_gpu(name)
    bf16 = gpu.peak_tflops("bf16")
    print(f"{name:20} fp32 {gpu.peak_tflops('fp32'):7.2f} | bf16 {f'{bf16:.1f}' if bf16 else '-':>6} TFLOPS | "
          f"{gpu.memory_bandwidth_gbs:6.0f} GB/s | {gpu.tdp_w:4.0f} W")

# %% [markdown]
# The H100 against the server CPU, as ratios (H100 / Xeon) of peak FLOP/s, memory bandwidth, and
# FLOP/s per watt of board power:

# %%
comparison = compute.spec_comparison(XEON, H100, "fp32")
{metric: round(ratio, 2) for metric, (_, _, ratio) in comparison.items()}

# %%
# extra code – the same ratios as bars
fig, ax = plt.subplots(figsize=(6.4, 3.2))
why_gpus.plot_comparison(ax, XEON, H100, "fp32")
plt.show()

# %% [markdown]
# ### Widget: compare two catalog entries
#
# Pick two rows and a precision; the headline gives the ratios (second / first).

# %%
why_gpus.compare_view()

# %% [markdown]
# **Try this:**
# - In fp32 the H100 has 9.35× the server CPU's FLOP/s and 10.9× its bandwidth, and does 4.67×
#   more FLOP per joule.
# - Switch to bf16: the Xeon's [AMX](../docs/glossary.md#amx) matrix units (Intel's counterpart
#   of Tensor Cores) reach 114.7 TFLOPS, so its gap shrinks to 8.6×.
# - Compare the laptop CPU (Ryzen 7 7840U) with the H100 in fp32: 79× the FLOP/s but only 28× the
#   bandwidth. In bf16 you get a message instead: the laptop has no bf16 matrix unit.
# - A100 SXM 80GB against H100 SXM in bf16: 3.17× the FLOP/s but only 1.64× the bandwidth.
#   Section 5 shows why that matters.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(comparison["peak FLOP/s"][2], 2) == 9.35 and round(comparison["memory bandwidth (B/s)"][2], 1) == 10.9
assert round(comparison["FLOP/s per watt"][2], 2) == 4.67
assert round(hardware.get_gpu(XEON).peak_tflops("bf16"), 1) == 114.7
assert round(compute.spec_comparison(XEON, H100, "bf16")["peak FLOP/s"][2], 1) == 8.6
laptop_vs_h100 = compute.spec_comparison(LAPTOP, H100, "fp32")
assert round(laptop_vs_h100["peak FLOP/s"][2]) == 79 and round(laptop_vs_h100["memory bandwidth (B/s)"][2]) == 28
assert hardware.get_gpu(LAPTOP).peak_tflops("bf16") is None
a100_vs_h100 = compute.spec_comparison("A100 SXM 80GB", H100, "bf16")
assert round(a100_vs_h100["peak FLOP/s"][2], 2) == 3.17 and round(a100_vs_h100["memory bandwidth (B/s)"][2], 2) == 1.64

# %% [markdown]
# ### Myth check: "an A100's 312 TFLOPS is tens of times a high-end CPU"
#
# A Chinese article on GPUs for large models, one of the [articles this course
# corrects](../docs/source-article-errors.md), says so. Compare the A100 with the same 56-core
# server CPU, at the *same* precision: fp32 on both sides, then bf16 on both sides (the Xeon's
# AMX units):

# %%
A100 = "A100 SXM 80GB"
same_precision = {precision: compute.spec_comparison(XEON, A100, precision) for precision in ("fp32", "bf16")}
{precision: {metric: round(ratio, 2) for metric, (_, _, ratio) in table.items()}
 for precision, table in same_precision.items()}

# %% [markdown]
# **Busted.** At the same precision the A100 has 2.7× the Xeon's peak FLOP/s, in fp32 and in
# bf16 alike, and 6.6× its memory bandwidth (the Xeon's peaks are at its 2.0 GHz base clock, an
# estimate from the datasheet; see the catalog note above). "Tens of times" appears only when the
# A100's 16-bit Tensor Core rate (312) is set against the CPU's fp32 vector rate, two different
# kinds of arithmetic:

# %%
hardware.get_gpu(A100).peak_flops("bf16") / hardware.get_gpu(XEON).peak_flops("fp32")

# %% [markdown]
# The GPU's real advantages are elsewhere: memory bandwidth (section 5 shows why that decides
# most of LLM inference), FLOP per watt, and that 8 GPUs share a server with fast links between
# them (notebooks 02 and 07). The H100 widens the gap again: 9.35× the Xeon in fp32.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert [round(same_precision[p]["peak FLOP/s"][2], 1) for p in ("fp32", "bf16")] == [2.7, 2.7]
assert round(same_precision["fp32"]["memory bandwidth (B/s)"][2], 1) == 6.6
assert round(hardware.get_gpu(A100).peak_flops("bf16") / hardware.get_gpu(XEON).peak_flops("fp32")) == 44
assert "2.0 GHz base clock" in hardware.get_gpu(XEON).notes

# %% [markdown]
# ## 5. The roofline: compute-bound or memory-bound?
#
# Every number a chip computes on must come from memory. **[Arithmetic
# intensity](../docs/glossary.md#arithmetic-intensity)** is the FLOP a computation does per byte it
# moves. The [roofline](../docs/glossary.md#roofline) model (Williams, Waterman and Patterson,
# *Communications of the ACM*, 2009) says a chip attains min(peak FLOP/s, intensity × bandwidth):
# below the **[ridge point](../docs/glossary.md#ridge-point)** peak / bandwidth a computation is
# [memory-bound](../docs/glossary.md#memory-bound) (it waits for data), above it
# [compute-bound](../docs/glossary.md#compute-bound) (it waits for arithmetic).
#
# Three computations in bf16 (a 16-bit number format, 2 bytes per value; section 6 says why LLMs
# use it): a 4096 × 4096 × 4096 matmul; the same weight matrix times a single token, which is
# what generating text one token at a time for one user does (decoding at batch 1); and an
# element-wise vector add:

# %%
matmul = compute.matmul_arithmetic_intensity(4096, 4096, 4096, 2)
one_token = compute.matmul_arithmetic_intensity(1, 4096, 4096, 2)
vector_add = compute.vector_add_arithmetic_intensity(2)
print(f"FLOP/byte: matmul {matmul:.0f}, one token {one_token:.2f}, vector add {vector_add:.3f}")
print(f"H100 ridge point (bf16): {compute.ridge_point(H100, 'bf16'):.0f} FLOP/byte")

# %%
# extra code – the rooflines of the H100 and the server CPU in bf16, with the three computations
fig, ax = plt.subplots(figsize=(6.4, 3.6))
why_gpus.plot_roofline(ax, [H100, XEON], "bf16",
                      points={"vector add": vector_add, "1 token": one_token, "4096³ matmul": matmul})
plt.show()

# %% [markdown]
# The big matmul does over a thousand FLOP per byte it moves and runs at the peak. The one-token
# product does about 1 FLOP per byte, so the H100 can use only a third of a percent of its bf16
# peak; the vector add even less. And the ridge point roughly doubled from the V100 to the H100
# (the B200 stays at the H100's level): FLOP/s grew faster than memory bandwidth, so work needs a
# higher intensity than before to use the chip:

# %%
ridges = {name: compute.ridge_point(name, precision)
          for name, precision in (("V100 SXM2 32GB", "fp16"), ("A100 SXM 80GB", "bf16"), (H100, "bf16"),
                                  ("B200", "bf16"))}
{name: round(ridge) for name, ridge in ridges.items()}

# %% [markdown]
# ### Widget: the roofline of an LLM layer
#
# A transformer layer multiplies the activations of all tokens in flight (batch × sequence
# length) by d × d weight matrices. Move the number of tokens and watch the red point climb the
# slope and cross the dotted ridge onto the flat roof.

# %%
why_gpus.roofline_view()

# %% [markdown]
# **Try this:**
# - 1 token (decoding at batch 1): memory-bound, 0.3 % of the H100's bf16 peak.
# - 256 tokens: still memory-bound on the H100 (228 FLOP/byte below the ridge of 295); 512 tokens:
#   compute-bound (410 FLOP/byte). Training, and reading a whole prompt before the first new
#   token, push thousands of tokens through each matrix, which is why they can use the Tensor
#   Cores fully.
# - Switch to the A100 SXM 80GB: its ridge is 153, so 256 tokens are already compute-bound.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert ridges["V100 SXM2 32GB"] < ridges["A100 SXM 80GB"] < ridges[H100] and ridges["B200"] > 2 * ridges["V100 SXM2 32GB"]
assert round(ridges["A100 SXM 80GB"]) == 153 and round(ridges[H100]) == 295 and round(ridges["B200"]) == 292
assert compute.roofline_bound(one_token, H100, "bf16") == "memory"
assert compute.roofline_bound(matmul, H100, "bf16") == "compute"
assert round(compute.llm_matmul_roofline(H100, "bf16", 1, 4096)["fraction_of_peak"], 4) == 0.0034  # a third of 1 %
tokens_256, tokens_512 = (compute.llm_matmul_roofline(H100, "bf16", t, 4096) for t in (256, 512))
assert tokens_256["bound"] == "memory" and round(tokens_256["intensity"]) == 228
assert tokens_512["bound"] == "compute" and round(tokens_512["intensity"]) == 410
assert compute.llm_matmul_roofline("A100 SXM 80GB", "bf16", 256, 4096)["bound"] == "compute"

# %% [markdown]
# ## 6. Tensor Cores, and why LLMs train in bf16
#
# Since the V100 (Volta), NVIDIA GPUs have **[Tensor Cores](../docs/glossary.md#tensor-core)**:
# matrix-multiply units inside each SM. A CUDA core does one multiply-add on one pair of numbers
# per clock; a Tensor Core takes two small tiles of matrices (4 × 4 on Volta, NVIDIA Tesla V100
# GPU Architecture whitepaper) and does all their multiply-adds in one instruction. Numbers
# loaded once feed many multiply-adds, which is how the chip reaches a much higher rate at 16
# bits (notebook 02 shows the tiles). The products are added up
# ("[accumulated](../docs/glossary.md#accumulate-precision)") in fp32, so long sums keep their
# precision. AMD calls its units Matrix Cores.
#
# The chart puts each GPU's fp32 vector (CUDA core) rate beside its 16-bit Tensor Core rate:
# bf16, or fp16 on the V100, whose Tensor Cores predate bf16 (hatched bar, "fp16" on its label).
# The number on top is the ratio:

# %%
# extra code – fp32 vector rate vs the 16-bit Tensor Core rate per GPU, with the ratio on top
fig, ax = plt.subplots(figsize=(6.4, 3.4))
why_gpus.plot_tensor_vs_vector(ax)
plt.show()

# %% [markdown]
# The A100's 16× is the "FP16 is 16 times FP32" that articles quote for that card: it compares two
# different units, the Tensor Cores and the vector lanes, not the same arithmetic sped up. On the
# H100 the bf16 Tensor Core rate is almost 15 times the fp32 vector rate:

# %%
h100 = hardware.get_gpu(H100)
h100.peak_tflops("bf16") / h100.peak_tflops("fp32")

# %% [markdown]
# Why bf16 and not fp16, which runs at the same rate? bf16 keeps fp32's 8 exponent bits, so it
# covers the same range; fp16 has 5: it overflows above 65,504, and its smallest positive number
# is 6 × 10⁻⁸, so tiny gradients round to zero. That is why fp16 training needs loss scaling
# (Micikevicius et al., "Mixed Precision Training", ICLR 2018; notebook 04 shows it). And bf16
# values are half the bytes of fp32, which halves the memory traffic: by the roofline, that counts
# as much as FLOP/s. (GeForce cards can also accumulate in fp16, at twice the fp32-accumulate
# rate; the catalog lists the fp32-accumulate rate, which is what training uses.)

# %%
for name in ("fp32", "fp16", "bf16"):
    f = formats.format_info(name)
    print(f"{name}: {f.bits} bits, {f.exponent_bits} exponent, {f.mantissa_bits} mantissa, max {f.max:.4g}, "
          f"smallest positive {f.min_subnormal:.2g}")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(h100.peak_tflops("bf16") / h100.peak_tflops("fp32"), 1) == 14.8
assert hardware.get_gpu(A100).peak_tflops("bf16") / hardware.get_gpu(A100).peak_tflops("fp32") == 16
v100 = hardware.get_gpu("V100 SXM2 32GB")
assert v100.peak_tflops("bf16") is None and round(v100.peak_tflops("fp16") / v100.peak_tflops("fp32"), 2) == 7.96
assert formats.format_info("bf16").exponent_bits == formats.format_info("fp32").exponent_bits == 8
assert formats.format_info("fp16").max == 65504 and formats.format_info("fp16").min_subnormal == 2**-24  # 6e-8
assert "with FP32 Accumulate" in hardware.get_gpu("RTX 4090").notes
tensor_over_vector = {g: hardware.get_gpu(g).peak_tflops("bf16") / hardware.get_gpu(g).peak_tflops("fp32")
                      for g in why_gpus.TENSOR_VS_VECTOR_GPUS if hardware.get_gpu(g).peak_tflops("bf16")}
assert (min(tensor_over_vector, key=tensor_over_vector.get), round(min(tensor_over_vector.values()))) == ("RTX 4090", 2)
assert (max(tensor_over_vector, key=tensor_over_vector.get), round(max(tensor_over_vector.values()))) == ("B200", 30)

# %% [markdown]
# ## Myth check: "the more CUDA cores, the faster a GPU trains an LLM"
#
# Another of [those articles](../docs/source-article-errors.md) advises picking the GPU with the
# most CUDA cores. The RTX 4090 has 16,384 of them, the A100 6,912 (catalog notes, from NVIDIA's
# Ada architecture whitepaper and the A100 datasheet). Their peak rates, 4090 / A100, for the fp32 vector lanes and for the bf16
# Tensor Cores:

# %%
rtx_vs_a100 = {precision: compute.spec_comparison(A100, "RTX 4090", precision) for precision in ("fp32", "bf16")}
{precision: round(table["peak FLOP/s"][2], 2) for precision, table in rtx_vs_a100.items()}

# %% [markdown]
# **Busted.** The CUDA cores set the fp32 vector rate, where the 4090 leads 4.2×. An LLM trains its
# matrix products in bf16 on the Tensor Cores, where the A100 is 1.9× faster, with 2× the memory
# bandwidth, 80 GB of memory instead of 24, and NVLink (NVIDIA's direct GPU-to-GPU links) between
# GPUs. Compare Tensor Core rates at
# the precision you will train in, and memory, not core counts.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert "16,384 CUDA cores" in hardware.get_gpu("RTX 4090").notes and "6,912 CUDA cores" in hardware.get_gpu(A100).notes
assert round(rtx_vs_a100["fp32"]["peak FLOP/s"][2], 1) == 4.2 and round(1 / rtx_vs_a100["bf16"]["peak FLOP/s"][2], 1) == 1.9
assert round(1 / rtx_vs_a100["bf16"]["memory bandwidth (B/s)"][2]) == 2
assert (hardware.get_gpu(A100).memory_gb, hardware.get_gpu("RTX 4090").memory_gb) == (80, 24)
assert hardware.get_gpu(A100).interconnect_gbs and hardware.get_gpu("RTX 4090").interconnect_gbs is None

# %% [markdown]
# ## 7. The race: your CPU against a GPU
#
# Datasheets say what a chip could do. Now race the same float32 matrix product on the CPU
# (numpy) and on a GPU, at sizes from 64 × 64 up. With a GPU, `course_lib.measure` measures it
# here with PyTorch (planned to take under half a minute on a T4) and puts it beside the catalog's peak:
# - matrix products per precision over a few sizes (the best size is the *achievable* maximum, the
#   idea of S. Bekman's "Maximum Achievable Matmul FLOPS" benchmark, ml-engineering);
# - the GPU's memory bandwidth, and how fast data crosses PCIe from the CPU's memory;
# - the **launch latency**: the fixed time it takes to start any work on the GPU.
#
# **No GPU here?** On Colab, choose *Runtime > Change runtime type > T4 GPU* (free), then
# *Runtime > Run all*. Without one, the GPU side below comes from published measurements, each with
# its GPU, software versions, date and source (`measure.reference_measurements()`).

# %%
from IPython.display import display

bar, progress = why_gpus.progress_bar("GPU")
display(bar)
gpu = measure.gpu_report(progress=progress)
print(measure.format_gpu_report(gpu))

# %% [markdown]
# ### Widget: the race
#
# Each point is the median time of one n × n matrix product. Red (with a GPU only): the product as
# a program that starts and ends on the CPU sees it: copy A and B to the GPU, multiply, copy the
# result back. Dashed: the copies alone, estimated from the PCIe link rate (an estimate, not a
# measurement). Move the size; switch the plot to TFLOPS for the rate each run achieved.

# %%
race = measure.race(progress=progress) if gpu.available else None
why_gpus.race_view(race)

# %% [markdown]
# **Try this:**
# - Set n = 64. With a GPU, the CPU wins: launching the kernel and copying the data in and out
#   take tens of microseconds, more than the CPU needs for the whole product. Without a GPU, the
#   published measurements start at n = 1024, so there is no verdict below it: the fixed costs are
#   what a live run on Colab shows you.
# - Move to n = 1024: the GPU wins by a wide margin, even with the copies counted. With a GPU of
#   your own, watch the margin grow with n.
# - Switch the plot to TFLOPS: the GPU's fp32 line levels off below its fp32 peak, and fp16 on the
#   Tensor Cores goes several times higher on the same GPU. In the published H100 run, fp16 reaches
#   760 TFLOPS at n = 4096 against 52 TFLOPS in fp32: 14.6×, close to the datasheet's
#   989.5 / 67 = 14.8×.
#
# The T4 of free Colab, in published runs on Colab: 41.9 TFLOPS fp16 (64 % of its 65 TFLOPS peak)
# and 4.2 TFLOPS fp32 (51 % of 8.1). Long runs can measure less: the T4 stays within 70 W by
# lowering its clock (NVIDIA's reply on its developer forum, "About GPU peak performance").

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
h100_run = {r.dtype: r for r in measure.reference_measurements("H100 SXM") if r.benchmark == "square-sweep"}
assert h100_run["fp16"].tflops_per_size[2] == 760.04 and round(h100_run["fp32"].tflops_per_size[2]) == 52
assert h100_run["fp16"].sizes[2] == 4096 and round(760.04 / 51.88, 1) == 14.6
assert round(h100.peak_tflops("fp16") / h100.peak_tflops("fp32"), 1) == 14.8
t4_colab = {r.dtype: r for r in measure.reference_measurements("T4") if r.where == "Google Colab"}
assert round(t4_colab["fp16"].tflops, 1) == 41.9 and round(t4_colab["fp16"].percent_of_peak) == 64
assert round(t4_colab["fp32"].tflops, 1) == 4.2 and round(t4_colab["fp32"].percent_of_peak) == 51
assert min(s for r in measure.reference_measurements() if r.sizes for s in r.sizes) == 1024
assert "70 W" in t4_colab["fp16"].notes

# %% [markdown]
# ## Myth check: "a GPU is faster than a CPU at everything"
#
# First, large work. The roofline speed-up of the H100 over the laptop CPU, in fp32, for a big
# matmul and for a vector add:

# %%
fp32_intensity = {"4096³ matmul": compute.matmul_arithmetic_intensity(4096, 4096, 4096, 4),
                  "vector add": compute.vector_add_arithmetic_intensity(4)}
speedups = {label: compute.roofline(x, H100, "fp32") / compute.roofline(x, LAPTOP, "fp32")
            for label, x in fp32_intensity.items()}
speedups

# %% [markdown]
# 79× for the compute-bound matmul (the FLOP/s ratio), but only 28× for the memory-bound vector
# add (the bandwidth ratio). Now a tiny problem: adding two vectors of 1000 fp32 numbers.

# %%
for name in (H100, LAPTOP):
    seconds = compute.roofline_seconds(1000, compute.vector_add_bytes(1000, 4), name, "fp32")
    print(f"{name:14} roofline time {units.format_duration(seconds)}")

# %% [markdown]
# The roofline gives the H100 a few nanoseconds, but it leaves out fixed costs: submitting each
# operation to a GPU has overheads "at the microsecond scale" (NVIDIA Technical Blog, "Getting
# Started with CUDA Graphs", 2019), hundreds of times longer than this work, and if the vectors
# live in CPU memory they must first cross PCIe, the bus between CPU and GPU. The laptop CPU is done in about 0.1 µs (less from
# its cache) before the GPU has started. **Verdict: false.** A GPU wins big on large, parallel,
# high-intensity work, exactly what an LLM's matrix products are; on small or serial work, and on
# memory-bound work, its advantage shrinks or vanishes.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(speedups["4096³ matmul"]) == 79 and round(speedups["vector add"]) == 28
assert compute.roofline_seconds(1000, compute.vector_add_bytes(1000, 4), H100, "fp32") < 1e-8
assert units.format_duration(compute.roofline_seconds(1000, compute.vector_add_bytes(1000, 4), LAPTOP, "fp32")) == "0.1 µs"

# %% [markdown]
# ## Summary
#
# - A CPU core minimises the time of one instruction stream; a GPU maximises throughput with many
#   simple lanes (SIMT: warps of 32 threads executing together).
# - Amdahl's law: speed-up = 1 / ((1 − p) + p / n). With 95 % parallel work, 1000 workers give
#   19.6×, never more than 20×. GPUs need almost perfectly parallel work, like matrix products.
# - On paper an H100 has about 9× the fp32 FLOP/s and 11× the bandwidth of a 56-core server CPU.
#   Compare at the same precision: an A100 has 2.7× such a CPU's peak, not "tens of times".
# - The roofline: attainable FLOP/s = min(peak, intensity × bandwidth). A large matmul is
#   compute-bound; a one-token matmul (decoding at batch 1) and a vector add are memory-bound.
# - Tensor Cores (since the V100, fp16 there; bf16 from the A100 on) multiply matrix tiles and
#   accumulate in fp32: from 2× (RTX 4090) to 30× (B200) a GPU's fp32 vector rate. CUDA-core
#   counts measure the vector lanes, not training speed.
# - bf16 keeps fp32's range at half the bytes and runs on the Tensor Cores: that is why LLMs
#   train in it.
#
# ## What next
#
# [02 · Inside the GPU and the server](02_inside_the_gpu.ipynb): what an SM, a Tensor Core tile and
# the memory hierarchy are, and how 8 GPUs make a server. Practise this notebook with
# [its exercises](../exercises/01_why_gpus_exercises.ipynb).
