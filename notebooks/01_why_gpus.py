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
# - explain why Tensor Cores and bf16 are what LLM training runs on.
#
# **Estimated time:** 40 min
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/01_why_gpus.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/01_why_gpus.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"

# %% [markdown]
# Conventions, as in every notebook: TFLOPS are **dense** (never the 2:4-sparse figure that
# datasheets print beside them), GB = 10⁹ bytes and GB/s = 10⁹ bytes/s, a multiply-add is 2 FLOP,
# and GeForce tensor rates are those with fp32 accumulate. Everything comes from `course_lib`:

# %%
import matplotlib.pyplot as plt

from course_lib import compute, formats, hardware, measure, units
from course_lib.widgets import why_gpus

H100, XEON, LAPTOP = "H100 SXM", "Xeon Platinum 8480+", "Ryzen 7 7840U"

# %% [markdown]
# ## 1. Latency versus throughput
#
# A **CPU core is built for latency**: it runs one stream of instructions as fast as it can, with a
# high clock, large caches, and logic that predicts branches and reorders instructions so that the
# stream rarely waits. A **GPU is built for throughput**: it spends its transistors on many simple
# arithmetic lanes and keeps tens of thousands of threads in flight; when one group of threads
# waits for memory, another one runs. A single GPU thread is slow; a million of them finish fast.
#
# Both apply one instruction to many numbers at once:
# - **SIMD** (single instruction, multiple data) on a CPU: one AVX-512 instruction adds 16 fp32
#   numbers. The program, or the compiler, has to work on vectors explicitly.
# - **SIMT** (single instruction, multiple threads) on an NVIDIA GPU: you write the code for *one*
#   thread, typically one output element, and the hardware runs threads in groups of 32, a *warp*,
#   that execute each instruction together (CUDA C++ Programming Guide, "SIMT architecture"). If
#   threads of a warp take different branches, the warp runs both paths one after the other.
#
# The catalog rows say how many lanes each chip has and how its peak follows from them:

# %%
for name in (XEON, H100):
    print(f"{name}: {hardware.get_gpu(name).notes}\n")

# %% [markdown]
# So the H100 runs 16,896 fp32 lanes at about 1.98 GHz; the 56-core Xeon does 64 fp32 FLOP per
# cycle per core at 2.0 GHz. Your own CPU, read from the operating system, with the FLOP per cycle
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
# core, no SIMD), and numpy's `@` in float64 and float32, which hands the work to a BLAS library
# (OpenBLAS, MKL or Accelerate) that uses SIMD on every core. This takes about a second.

# %%
loop_gflops = measure.python_loop_gflops(64)
blas64_gflops = measure.matmul_gflops(512, "float64")
blas32_gflops = measure.matmul_gflops(512, "float32")
print(f"Python loop {loop_gflops:.3f} | numpy float64 {blas64_gflops:.1f} | numpy float32 {blas32_gflops:.1f} GFLOPS")
print(f"numpy float32 is {blas32_gflops / loop_gflops:,.0f} times faster than the Python loop")

# %%
# extra code – bar chart of the measured rates, with the estimated peak when it is known
rates = {"Python loop": loop_gflops, "numpy float64": blas64_gflops, "numpy float32": blas32_gflops}
if peak_gflops:
    rates["fp32 peak (estimate)"] = peak_gflops
fig, ax = plt.subplots(figsize=(6.4, 3.2))
why_gpus.plot_rates(ax, rates, title="this machine, 2 n³ FLOP per n × n matmul")
plt.show()

# %% [markdown]
# Same CPU, same arithmetic, orders of magnitude apart: SIMD lanes and cores only pay off when the
# software keeps them busy, and that is what BLAS libraries (and, on GPUs, cuBLAS) are for. Your
# numbers depend on your CPU, its clock and whatever else is running, so the check is loose:

# %%
assert blas32_gflops > 10 * loop_gflops

# %% [markdown]
# ## 3. Amdahl's law: the serial part decides
#
# If a fraction *p* of a job's one-worker time can be spread over *n* workers and the rest cannot,
# the speed-up is 1 / ((1 − p) + p / n) (G. M. Amdahl, AFIPS conference, 1967). With 95 % parallel
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
# - Type 16896 (the H100's fp32 lanes) into the workers box and set p to 0.99: about 99×. Now
#   p = 0.999: about 944×. A GPU only pays off for work that is almost entirely parallel.
# - p = 0.5: never more than 2×, however many workers.
#
# A matrix product is that kind of work: each of its m × n outputs is a dot product that does not
# depend on the others.

# %%
assert round(compute.amdahl_speedup(0.95, 1000), 1) == 19.6
assert compute.amdahl_speedup(0.95, 10**9) < 20 and round(compute.amdahl_speedup(0.95, 100_000), 1) == 20.0
assert round(compute.amdahl_speedup(0.99, 16896)) == 99 and round(compute.amdahl_speedup(0.999, 16896)) == 944

# %% [markdown]
# ## 4. CPU versus GPU on paper
#
# The catalog holds datasheet numbers, each row with its source. A laptop CPU, a 56-core server
# CPU, a gaming GPU and two data-centre GPUs:

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
# - Switch to bf16: the Xeon's AMX matrix units reach 114.7 TFLOPS, so its gap shrinks to 8.6×.
# - Compare the laptop CPU (Ryzen 7 7840U) with the H100 in fp32: 79× the FLOP/s but only 28× the
#   bandwidth. In bf16 you get a message instead: the laptop has no bf16 matrix unit.
# - A100 SXM 80GB against H100 SXM in bf16: 3.17× the FLOP/s but only 1.64× the bandwidth.
#   Section 5 shows why that matters.

# %%
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
# ## 5. The roofline: compute-bound or memory-bound?
#
# Every number a chip computes on must come from memory. **Arithmetic intensity** is the FLOP a
# computation does per byte it moves. The roofline model (Williams, Waterman and Patterson,
# *Communications of the ACM*, 2009) says a chip attains min(peak FLOP/s, intensity × bandwidth):
# below the **ridge point** peak / bandwidth a computation is memory-bound, above it compute-bound.
#
# Three computations in bf16 (2 bytes per value): a 4096 × 4096 × 4096 matmul, the same weight
# matrix times a single token (batch-1 decoding), and an element-wise vector add:

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
# length) by d × d weight matrices. Move the number of tokens and watch the point cross the ridge.

# %%
why_gpus.roofline_view()

# %% [markdown]
# **Try this:**
# - 1 token (batch-1 decoding): memory-bound, 0.3 % of the H100's bf16 peak.
# - 256 tokens: still memory-bound on the H100 (228 FLOP/byte below the ridge of 295); 512 tokens:
#   compute-bound (410 FLOP/byte). Training and prompt processing push thousands of tokens through
#   each matrix, which is why they can use the Tensor Cores fully.
# - Switch to the A100 SXM 80GB: its ridge is 153, so 256 tokens are already compute-bound.

# %%
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
# Since the V100 (Volta), NVIDIA GPUs have **Tensor Cores**: units that multiply small matrix
# tiles in one instruction instead of one multiply-add per lane (AMD's equivalent are Matrix
# Cores). The catalog lists them separately from the vector (CUDA core) rates:

# %%
# extra code – fp32 vector rate vs bf16 Tensor Core rate per GPU, with the ratio on top
fig, ax = plt.subplots(figsize=(6.4, 3.4))
why_gpus.plot_tensor_vs_vector(ax)
plt.show()

# %% [markdown]
# On the H100 the bf16 Tensor Core rate is almost 15 times the fp32 vector rate:

# %%
h100 = hardware.get_gpu(H100)
h100.peak_tflops("bf16") / h100.peak_tflops("fp32")

# %% [markdown]
# Why bf16 and not fp16, which runs at the same rate? bf16 keeps fp32's 8 exponent bits, so it
# covers the same range; fp16 has 5: it overflows above 65,504, and its smallest positive number
# is 6 × 10⁻⁸, so tiny gradients round to zero. That is why fp16 training needs loss scaling
# (Micikevicius et al., "Mixed Precision Training", ICLR 2018; notebook 04 shows it). The Tensor
# Cores accumulate the products in fp32. And bf16 values are half the bytes of fp32, which halves
# the memory traffic: by the roofline, that counts as much as FLOP/s.

# %%
for name in ("fp32", "fp16", "bf16"):
    f = formats.format_info(name)
    print(f"{name}: {f.bits} bits, {f.exponent_bits} exponent, {f.mantissa_bits} mantissa, max {f.max:.4g}, "
          f"smallest positive {f.min_subnormal:.2g}")

# %%
assert round(h100.peak_tflops("bf16") / h100.peak_tflops("fp32"), 1) == 14.8
assert formats.format_info("bf16").exponent_bits == formats.format_info("fp32").exponent_bits == 8
assert formats.format_info("fp16").max == 65504 and formats.format_info("fp16").min_subnormal == 2**-24  # 6e-8

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
# live in CPU memory they must first cross PCIe. The laptop CPU is done in about 0.1 µs (less from
# its cache) before the GPU has started. **Verdict: false.** A GPU wins big on large, parallel,
# high-intensity work, exactly what an LLM's matrix products are; on small or serial work, and on
# memory-bound work, its advantage shrinks or vanishes.

# %%
assert round(speedups["4096³ matmul"]) == 79 and round(speedups["vector add"]) == 28
assert compute.roofline_seconds(1000, compute.vector_add_bytes(1000, 4), H100, "fp32") < 1e-8

# %% [markdown]
# ## Summary
#
# - A CPU core minimises the time of one instruction stream; a GPU maximises throughput with many
#   simple lanes (SIMT: warps of 32 threads executing together).
# - Amdahl's law: speed-up = 1 / ((1 − p) + p / n). With 95 % parallel work, 1000 workers give
#   19.6×, never more than 20×. GPUs need almost perfectly parallel work, like matrix products.
# - On paper an H100 has about 9× the fp32 FLOP/s and 11× the bandwidth of a 56-core server CPU;
#   its bf16 Tensor Cores add another factor of almost 15 over its own fp32 vector lanes.
# - The roofline: attainable FLOP/s = min(peak, intensity × bandwidth). A large matmul is
#   compute-bound; a one-token matmul (batch-1 decoding) and a vector add are memory-bound.
# - bf16 keeps fp32's range at half the bytes and runs on the Tensor Cores: that is why LLMs
#   train in it.
#
# ## What next
#
# [03 · FLOPS](03_flops.ipynb): what a datasheet's TFLOPS mean, how many FLOP training a model
# takes, and how long and how much that is. Practise this notebook first with
# [its exercises](../exercises/01_why_gpus_exercises.ipynb).
