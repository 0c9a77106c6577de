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
# # 03 · FLOPS: counting the work of training an LLM
#
# GPU datasheets sell *FLOPS*; papers report training runs in *FLOP*; cloud bills come in *GPU-hours*.
# This notebook connects the three. You will decode a datasheet, count the operations of a matrix
# multiplication, scale that up to a whole transformer, check the count against GPT-3's published
# figure, and turn it into days, GPU-hours, money and energy, including how long your own computer
# would need.
#
# **Learning objectives**
# - Use FLOP (an amount of work) and FLOPS (a rate) with the prefixes K…E, and PF-days.
# - Decode a datasheet: dense vs 2:4-sparse rates, and which precision a figure is for.
# - Count the FLOP of a matrix multiplication (2mnk) and of training a transformer (≈ 6 N D).
# - Estimate training time, GPU-hours and cost from FLOP, GPU count and MFU.
#
# **Estimated time:** 50 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/03_flops.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/03_flops.ipynb)
#
# Units as in [notebook 00](00_start_here.ipynb) (GB = 10⁹ bytes; a multiply-add is 2 FLOP);
# Tensor Cores and their fp32 [accumulate](../docs/glossary.md#accumulate-precision) as in
# [notebook 01](01_why_gpus.ipynb). Terms are linked to the [glossary](../docs/glossary.md).

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Everything below comes from `course_lib`: the units, the GPU catalog, the model presets and the
# FLOP formulas.

# %%
import matplotlib.pyplot as plt
import numpy as np

from course_lib import compute, formats, hardware, measure, models, prices, units
from course_lib.units import format_duration, format_si, parse_quantity
from course_lib.widgets import flops as flops_widgets

# %% [markdown]
# ## 1. FLOP is work, FLOPS is speed
#
# A **[FLOP](../docs/glossary.md#flop)** is one floating-point operation: one addition or one
# multiplication. **[FLOPS](../docs/glossary.md#flops)** (FLOP per second, also written FLOP/s) is
# a rate. Papers often write "FLOPs" for an *amount*; in this course an amount is always "FLOP"
# and a rate "FLOPS". The decimal prefixes:

# %%
for prefix, scale in units.SI_PREFIXES.items():
    print(f"{prefix or '(none)':>6}  {scale:.0e}")

# %% [markdown]
# `format_si` picks the prefix for you, and `parse_quantity` reads a number with its prefix back.

# %%
format_si(312e12, "FLOPS"), parse_quantity("19.5 TFLOPS")

# %% [markdown]
# Work divided by a rate is a time. One PFLOP (10¹⁵ FLOP) of work at 312 TFLOPS takes:

# %%
parse_quantity("1 PFLOP") / parse_quantity("312 TFLOPS")  # seconds

# %% [markdown]
# Training runs are far bigger than the largest prefix here, E (10¹⁸; the larger SI prefixes Z, Y,
# R, Q are rarely used). Papers write them in scientific notation, 3.14e23 FLOP for GPT-3, or in
# **[PF-days](../docs/glossary.md#pf-day)**: one PFLOPS sustained for a day, this many FLOP:

# %%
pf_day = units.SI_PREFIXES["P"] * units.SECONDS_PER_DAY  # FLOP in one PF-day
pf_day

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert pf_day == 8.64e19
assert parse_quantity("1 PFLOP") / parse_quantity("312 TFLOPS") < 3.3

# %% [markdown]
# ## 2. Reading a datasheet: dense, sparse, and which precision
#
# The A100 datasheet prints "BF16 Tensor Core: 312 TFLOPS | 624 TFLOPS\*", where the asterisk says
# *with sparsity*. That is **[2:4 structured sparsity](../docs/glossary.md#2-4-sparsity)**: in
# every group of 4 weights, 2 are zero and the Tensor Cores skip them. Only matrices pruned to that
# pattern get the doubled rate; LLM training multiplies dense matrices. The catalog stores the
# **[dense peak](../docs/glossary.md#dense-peak)**, and each row's notes say what the datasheet
# printed:

# %%
a100 = hardware.get_gpu("A100 SXM 80GB")
print(a100.notes)
print("source:", a100.source)

# %% [markdown]
# The same row has one rate per precision. Lower precision is faster on the Tensor Cores; fp64 and
# fp32 are the ordinary (CUDA-core) vector rates; tf32 is a Tensor Core mode that reads fp32
# numbers and multiplies them with a shorter mantissa; int8 counts integer operations (OPS), not
# FLOP. Here is the H100 SXM, dense:

# %%
h100 = hardware.get_gpu("H100 SXM")
for precision in hardware.PRECISIONS:
    if h100.peak_tflops(precision):
        unit = "OPS" if precision == "int8" else "FLOPS"  # int8 is integer operations
        print(f"{precision:>5}: {format_si(h100.peak_flops(precision), unit, digits=4)}")

# %% [markdown]
# The H100 datasheet prints BF16 "1,979 TFLOPS\*" and FP8 "3,958 TFLOPS\*" (with sparsity), the A100
# datasheet BF16 "624 TFLOPS\*": exactly twice the catalog's dense values. The H100 row's notes:

# %%
print(h100.notes)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(2 * a100.peak_tflops("bf16")) == 624
assert round(2 * h100.peak_tflops("bf16")) == 1979
assert round(2 * h100.peak_tflops("fp8")) == 3958

# %% [markdown]
# ### Myth check: "TF32 saves memory, like FP16"
#
# One of the [articles this course corrects](../docs/source-article-errors.md) lists FP16 and TF32
# together as ways to "speed up computation and reduce memory use". Look at how each format is
# stored:

# %%
{name: formats.format_info(name).bits for name in ("fp32", "tf32", "fp16", "bf16")}

# %% [markdown]
# **Half busted.** fp16 and bf16 values take 16 bits, half of fp32. A tf32 value sits in a full
# 32-bit register: the Tensor Cores read ordinary fp32 numbers and use only 19 of their bits (8
# exponent, 10 mantissa, the sign) for the multiplication (NVIDIA A100 Tensor Core GPU
# Architecture whitepaper). TF32 speeds up the matrix products of an fp32 program, 8× the A100's
# fp32 vector rate, but saves no memory: weights, gradients and activations stay 4 bytes each.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert formats.format_info("tf32").bits == formats.format_info("fp32").bits == 32
assert formats.format_info("fp16").bits == formats.format_info("bf16").bits == 16
assert 1 + formats.format_info("tf32").exponent_bits + formats.format_info("tf32").mantissa_bits == 19
assert a100.peak_tflops("tf32") / a100.peak_tflops("fp32") == 8

# %% [markdown]
# ### Myth check: "RTX 3090: 70 TFLOPS FP32"
#
# Another of [those articles](../docs/source-article-errors.md) has a table of GPUs that gives the
# RTX 3090 "70 FP32" (and the H100 ">500 FP16", the RTX 4090 "165 FP16", the A100 "312 FP16").
# Read the catalog rows, taken from NVIDIA's whitepapers and datasheets:

# %%
rtx3090 = hardware.get_gpu("RTX 3090")
{name: {p: hardware.get_gpu(name).peak_tflops(p) for p in ("fp32", "fp16")}
 for name in ("RTX 3090", "RTX 4090", "A100 SXM 80GB", "H100 SXM")}

# %%
print(rtx3090.notes)
print("source:", rtx3090.source)

# %% [markdown]
# **Busted.** The RTX 3090's FP32 rate is 35.6 TFLOPS (NVIDIA Ampere GA102 GPU Architecture
# whitepaper, appendix A). 71 is its FP16/BF16 *Tensor Core* rate with FP32 accumulate, twice
# the FP32 figure and computed by different units; with FP16 accumulate the card does 142. The
# other rows of that table are dense 16-bit Tensor Core rates and match the catalog, except that
# ">500" undersells the H100 SXM by half: 989.5 dense, 1,979 with sparsity. Always ask of a
# rate: which precision, which units (vector or Tensor Core), dense or sparse, which accumulate?

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert (rtx3090.peak_tflops("fp32"), rtx3090.peak_tflops("fp16"), rtx3090.peak_tflops("bf16")) == (35.6, 71, 71)
assert "with FP16 accumulate the card does 142 dense" in rtx3090.notes and "GA102" in rtx3090.source
assert hardware.get_gpu("RTX 4090").peak_tflops("fp16") == 165.2 and a100.peak_tflops("fp16") == 312
assert h100.peak_tflops("fp16") == 989.5 and round(2 * h100.peak_tflops("fp16")) == 1979

# %% [markdown]
# ## 3. Counting the FLOP of a matrix multiplication
#
# For C = A @ B with A of shape m × k and B of shape k × n, each of the m·n entries of C is a dot
# product of length k: k multiplications and k additions (accumulating into 0). That is
# **2·m·n·k FLOP**, or m·n·k multiply-adds at 2 FLOP each. Let's count it by hand on a tiny example.

# %%
m, k, n = 2, 3, 4
rng = np.random.default_rng(0)
A, B = rng.standard_normal((m, k)), rng.standard_normal((k, n))

# %% [markdown]
# A triple loop that counts every multiplication and every addition it performs:

# %%
C = np.zeros((m, n))
multiplies = adds = 0
for i in range(m):
    for j in range(n):
        for p in range(k):
            C[i, j] += A[i, p] * B[p, j]
            multiplies, adds = multiplies + 1, adds + 1
multiplies, adds

# %% [markdown]
# 24 multiplications and 24 additions: 48 FLOP, which is 2 × 2 × 4 × 3. The loop's C equals
# numpy's `A @ B`, and `compute.matmul_flops` gives the same count:

# %%
np.allclose(C, A @ B), compute.matmul_flops(m, n, k)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert np.allclose(C, A @ B)
assert multiplies + adds == compute.matmul_flops(m, n, k) == 48  # 2 x 2 x 4 x 3

# %% [markdown]
# Real layers are bigger. One 4096 × 4096 by 4096 × 4096 product:

# %%
format_si(compute.matmul_flops(4096, 4096, 4096), "FLOP")

# %% [markdown]
# Counting FLOP is half of the story. The GPU must also read A and B from its memory and write C
# back: (m·k + k·n + m·n) values, 2 bytes each in bf16. Moving them takes bytes / memory bandwidth,
# and the matmul takes at least the larger of the two times, the
# [roofline](../docs/glossary.md#roofline) of notebook 01. If the arithmetic takes longer, the
# matmul is [compute-bound](../docs/glossary.md#compute-bound); if moving the data takes longer, it
# is [memory-bound](../docs/glossary.md#memory-bound). `compute.matmul_time` gives both times for
# the 4096³ product on one H100 SXM, its arithmetic at 70% of the dense peak:

# %%
square = compute.matmul_time(4096, 4096, 4096, "H100 SXM", efficiency=0.7)
print(f"{format_si(square.n_bytes, 'B')} to move: arithmetic {format_duration(square.compute_s)}, "
      f"memory {format_duration(square.memory_s)} -> {square.bound}-bound")

# %% [markdown]
# The **matmul FLOP counter** below does the same for any sizes: it multiplies the count out,
# divides by a GPU's dense peak times an efficiency (the fraction of the peak the kernel reaches),
# divides the bytes by the memory bandwidth, and shows the larger time and which bound applies.
# The bars compare every GPU in the catalog on the same matmul.

# %%
flops_widgets.matmul_view()

# %% [markdown]
# **Try this:**
# - Set **k = 1**: the FLOP fall 4096-fold (each output is a single product), but the time does not.
#   The 4096 × 4096 output still has to be written: 33.6 MB, about 10 µs at the H100's 3.35 TB/s,
#   some 200× longer than the arithmetic. This outer product is memory-bound on every GPU.
# - Set k back to 4096. Double **m**: the FLOP and the time double; double m, n and k together: ×8.
# - Switch **precision** to fp8 on the H100: the time halves. Switch to fp32: about 15× slower, the
#   ratio of 67 to 989.5 TFLOPS in the table above.
# - Choose the **V100**: an error says it has no bf16; switch precision to fp16, the rate Volta has.
# - Make all three sizes 64: now the widget says memory-bound, because moving the 24.6 KB takes
#   about 10× longer than the arithmetic. Even that time is too short: starting a kernel on the GPU
#   takes longer still (notebook 01 measures these fixed costs).
#
# For GitHub, where widgets do not render, the same bars for a 4096³ bf16 matmul at 70% of peak:

# %%
# extra code – the widget's bar chart at its default values
fig, ax = plt.subplots(figsize=(6.4, 4.6), dpi=80)
flops_widgets.plot_matmul_times(ax, square.flops, "H100 SXM", 0.7, "bf16", square.n_bytes)
plt.show()

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert compute.matmul_flops(4096, 4096, 1) * 4096 == compute.matmul_flops(4096, 4096, 4096)
assert square.bound == "compute" and compute.operand_bytes("bf16") == 2
outer = compute.matmul_time(4096, 4096, 1, "H100 SXM", efficiency=0.7)
assert outer.bound == "memory" and format_si(outer.n_bytes, "B") == "33.6 MB"
assert format_duration(outer.seconds) == "10 µs" and h100.memory_bandwidth_bytes_per_s == 3.35e12
assert round(outer.memory_s / outer.compute_s, -2) == 200
assert all(compute.matmul_time(4096, 4096, 1, g, 0.7, "fp16").bound == "memory"
           for g in hardware.list_gpus("gpu") if g.peak_tflops("fp16"))  # "memory-bound on every GPU"
assert round(compute.matmul_time(8192, 4096, 4096, "H100 SXM", 0.7).seconds / square.seconds, 6) == 2  # double m
tiny = compute.matmul_time(64, 64, 64, "H100 SXM", efficiency=0.7)
assert tiny.bound == "memory" and format_si(tiny.n_bytes, "B") == "24.6 KB"
assert round(tiny.memory_s / tiny.compute_s) == 10
for p in ("fp8", "fp32"):
    assert compute.matmul_time(4096, 4096, 4096, "H100 SXM", 0.7, p).bound == "compute"  # times follow the peaks
assert round(h100.peak_tflops("bf16") / h100.peak_tflops("fp32")) == 15
assert h100.peak_tflops("fp8") == 2 * h100.peak_tflops("bf16")

# %% [markdown]
# ## 4. From matmuls to a transformer: 2N per token forward, 6N training
#
# Almost all of a transformer's work is matmuls of activations (one row per token) with weight
# matrices. Each weight takes part in exactly one multiply-add per token, so the
# **[forward pass](../docs/glossary.md#forward-pass)** (running the tokens through the model)
# **costs about 2 FLOP per parameter per token**. Attention adds the QK<sup>T</sup> and
# attention-times-V products, which have no weights and grow with the sequence length.
# `compute.forward_flops_per_token` counts both (Kaplan et al. 2020, Table 1):

# %%
gpt2 = models.get_model("GPT-2 small")
gpt2_forward = compute.forward_flops_per_token(gpt2, seq_len=1024)
print(f"{gpt2.param_count():,} parameters, {gpt2_forward:,.0f} FLOP per token forward")
print(f"{gpt2_forward / gpt2.param_count():.2f} FLOP per parameter per token")

# %% [markdown]
# So "2 per parameter" is within 7% for GPT-2 small at 1024 tokens. The difference is the attention
# term, less a little for the position-embedding table, which is looked up rather than multiplied.
# Training adds the **[backward pass](../docs/glossary.md#backward-pass)**, which computes the
# gradients: for every forward matmul it does two of the same size, one for the gradient with
# respect to the input (passed back to the layer below) and one for the gradient with respect to
# the weights. Backward = 2 × forward, so training = 3 × forward ≈ **6N per token**, and a whole
# run ≈ **[6 N D](../docs/glossary.md#6nd)** for D training tokens. Training FLOP per token over
# forward FLOP per token:

# %%
compute.training_flops_per_token(gpt2, 1024) / gpt2_forward

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(gpt2_forward / gpt2.param_count(), 2) == 2.14
assert compute.training_flops_per_token(gpt2, 1024) / gpt2_forward == 3

# %% [markdown]
# ### GPT-3, against the paper
#
# Brown et al. (2020, *Language Models are Few-Shot Learners*, Table D.1) report **3.14e23 FLOP**
# (3.64e3 PF-days) to train GPT-3 175B on 300 billion tokens. `compute.training_flops` is 6 N D:

# %%
gpt3 = models.get_model("GPT-3 175B")
gpt3_flop = compute.training_flops(gpt3.param_count(), 300e9)
print(f"N = {gpt3.param_count():,}  ->  {gpt3_flop:.3g} FLOP")

# %% [markdown]
# In PF-days that is the paper's 3.64e3 too:

# %%
gpt3_pf_days = gpt3_flop / pf_day
gpt3_pf_days

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert f"{gpt3_flop:.3g}" == "3.14e+23"
assert round(gpt3_pf_days, -1) == 3640

# %% [markdown]
# ## 5. From FLOP to days, GPU-hours and money
#
# No training run reaches the dense peak: data loading, communication between GPUs, memory-bound
# layers and GPUs idling while they wait for one another all eat into it. **[MFU](../docs/glossary.md#mfu)**
# (model FLOPs utilization, Chowdhery et al. 2022, PaLM, appendix B) is the fraction of the peak
# that the model's 6N FLOP per token actually achieve. PaLM 540B reached 46.2% on TPU v4 (Table 3
# of that paper), a record at the time. Here we assume 40%; notebook 11 reads the MFU of published
# runs backwards from their reports.
#
# time = FLOP / (number of GPUs × dense peak × MFU). GPT-3 on 1024 A100s at 40% MFU, renting each GPU
# at an assumed USD 2 per [GPU-hour](../docs/glossary.md#gpu-hour) (a round number, not a quote:
# put in your provider's price; notebooks 09 and 10 compare prices):

# %%
gpt3_run = compute.training_cost(gpt3_flop, "A100 SXM 80GB", n_gpus=1024, mfu=0.4, usd_per_gpu_hour=2.0)
print("wall clock:", format_duration(gpt3_run["seconds"]))
print(f"GPU-hours: {gpt3_run['gpu_hours']:,.0f}   cost at USD 2 per GPU-hour: USD {gpt3_run['usd']:,.0f}")
print("energy (GPUs at TDP):", format_si(gpt3_run["kwh"] * 1e3, "Wh"))

# %% [markdown]
# Narayanan et al. (2021, *Efficient Large-Scale Language Model Training on GPU Clusters Using
# Megatron-LM*, section 5.1) estimate 34 days for the same run on 1024 A100s with their software.
# The 28.5 days here are 16 % less because 40 % MFU is more than their run implies: their measured
# 140 TFLOPS per GPU include recomputed activations and attention, FLOP that 6 N D does not count.
# Counted the 6 N D way, their throughput is 33 % MFU; notebook 11 reproduces their 34 days.
#
# More GPUs shorten the wall-clock time but not the GPU-hours (with perfect scaling: in practice MFU
# drops as the cluster grows and communication grows with it, notebook 07). Days against the number of GPUs for this run:

# %%
# extra code – days vs number of GPUs for GPT-3 on A100s at 40% MFU
fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=80)
flops_widgets.plot_training_days(ax, gpt3_flop, "A100 SXM 80GB", 1024, 0.4)
plt.show()

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert format_duration(gpt3_run["seconds"]) == "28.5 days"
assert round(100 * (gpt3_run["seconds"] / units.SECONDS_PER_DAY / 34 - 1)) == -16
from course_lib import reality
assert round(reality.megatron_mfu(), 2) == 0.33 and reality.MEGATRON_TFLOPS_PER_GPU == 140

# %% [markdown]
# The **training-time and cost calculator** does this for any preset model, token count, GPU, GPU
# count, MFU and price. Training FLOP = 6 N D with N the parameters a token uses (the active ones
# for Mixtral, a mixture-of-experts model that sends each token through only 2 of its 8 expert
# blocks per layer).

# %%
flops_widgets.training_cost_view()

# %% [markdown]
# **Try this:** the course's price snapshot has no A100 price, so the cost stays empty until you
# type one. First type **2** into **your price**: the USD 2 per GPU-hour assumed above.
# - Double the **number of GPUs**: the days halve, the GPU-hours and the cost stay.
# - Switch the **GPU** to the H100 SXM: about 3.2× faster, the ratio of its 989.5 dense bf16 TFLOPS to
#   the A100's 312 (the cost now uses the snapshot's H100 price). Then set **precision** to fp8 (if
#   your training recipe supports it): another 2×. Switch back to the A100 SXM 80GB and bf16, and
#   type 2 again: a typed price belongs to the GPU it was typed for, so a new GPU empties the box.
# - Look at **tokens per parameter**: Llama-2 7B's 2T tokens are about 300 per parameter. Hoffmann et al.
#   (2022, *Training Compute-Optimal Large Language Models*) found about 20 tokens per parameter
#   [compute-optimal](../docs/glossary.md#compute-optimal). Training a small model far longer
#   costs more compute but gives a better model that is cheap to serve, the argument of the LLaMA
#   paper (Touvron et al. 2023a, introduction). Set the tokens to 1.5e11 (about 20 × 6.74e9 =
#   1.35e11) and watch the cost (at the price of 2 you typed).
# - Set **MFU** to 100%: the best case that no real run reaches. Type 0 GPUs: the calculator explains
#   what is wrong instead of crashing.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert prices.rent_price("A100 SXM 80GB").usd is None and prices.rent_price("H100 SXM").usd is not None
llama2_7b = models.get_model("Llama-2 7B")
assert round(h100.peak_tflops("bf16") / a100.peak_tflops("bf16"), 1) == 3.2
assert round(llama2_7b.param_count() / 1e9, 2) == 6.74 and round(2e12 / llama2_7b.param_count(), -1) == 300
mixtral = models.get_model("Mixtral 8x7B")
assert (mixtral.experts_per_token, mixtral.n_experts) == (2, 8)

# %% [markdown]
# ## 6. How long on your computer?
#
# Notebook 01 measured numpy's matrix multiplication on *this* machine: a 1024 × 1024 float32
# product, timed many times after a warm-up, as the median and its spread (`measure.cpu_report()`
# reads that measurement back, or makes it now if 01 has not run here). numpy hands the product to
# an optimized BLAS library, so this is close to the best your CPU does:

# %%
cpu = measure.cpu_report()
rate = cpu.matmul_gflops["float32"]
print(f"this machine: {rate.describe()} (float32 matmul, measured {cpu.measured_at[:16]} UTC)")
my_rate = rate.median * units.SI_PREFIXES["G"]  # FLOP per second

# %% [markdown]
# GPT-2 small has GPT-3 Small's size, and GPT-3 Small was trained on 300 billion tokens (Brown et al.
# 2020, Table 2.1 and section 2.3: all GPT-3 models saw 300B tokens). At your machine's median
# matmul rate, with nothing else slowing it down, training them would take (in brackets: at the
# rates of the middle half of the runs, left out when they give the same time):

# %%
gpt2_flop = compute.training_flops(gpt2.param_count(), 300e9)
for name, flop in (("GPT-2 small", gpt2_flop), ("GPT-3 175B", gpt3_flop)):
    fast, slow = flop / (rate.q3 * units.SI_PREFIXES["G"]), flop / (rate.q1 * units.SI_PREFIXES["G"])
    print(f"{name:12} {units.format_duration_range(flop / my_rate, fast, slow)}")

# %% [markdown]
# One A100 at 40% MFU does GPT-2 small in about three weeks:

# %%
gpt2_on_a100 = compute.training_seconds(gpt2_flop, "A100 SXM 80GB", 1, 0.4)
format_duration(gpt2_on_a100)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert format_duration(gpt2_on_a100) == "20.8 days"

# %% [markdown]
# ## Myth check: "an H100 does 4,000 TFLOPS"
#
# Slides and articles quote the H100 at "3,958 TFLOPS" or "4 petaFLOPS". Test it against what a
# bf16 training run can use:

# %%
headline_flops = parse_quantity("3958 TFLOPS")  # H100 SXM datasheet: "FP8 3,958 TFLOPS*"
headline_flops / h100.peak_flops("bf16")

# %% [markdown]
# **Busted (for training): a factor of 4.** The 3,958 is FP8 *with 2:4 sparsity*. Remove the
# sparsity (÷2) and you have dense FP8, 1,979; bf16 runs at half the FP8 rate, 989.5. A GPT-3 run
# planned with the headline number would take four times longer than planned. On 1024 H100s at
# 40% MFU: the real time at the dense bf16 rate, and the plan at the headline rate:

# %%
gpt3_on_h100 = compute.training_seconds(gpt3_flop, "H100 SXM", 1024, 0.4)
planned = gpt3_on_h100 * h100.peak_flops("bf16") / headline_flops  # the same FLOP at the headline rate
format_duration(gpt3_on_h100), format_duration(planned)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(headline_flops / h100.peak_flops("bf16")) == 4
assert round(headline_flops / h100.peak_flops("fp8"), 2) == 2  # sparsity
assert round(h100.peak_flops("fp8") / h100.peak_flops("bf16"), 2) == 2  # fp8 vs bf16
assert format_duration(gpt3_on_h100) == "8.98 days" and format_duration(planned) == "2.24 days"

# %% [markdown]
# ## Summary
#
# - **FLOP** is work, **FLOPS** a rate; time = FLOP / FLOPS. Big runs are counted in scientific
#   notation or PF-days.
# - An asterisk on a datasheet rate means **2:4 sparsity = 2× the dense rate**. The course uses dense
#   rates, at the precision the job really uses. Ask of every rate: which precision, vector or
#   Tensor Core, dense or sparse, which accumulate (the RTX 3090 does 35.6 TFLOPS in fp32, not 70).
# - TF32 speeds up fp32 matrix products but keeps 4 bytes per value; fp16 and bf16 halve memory.
# - A matmul costs **2mnk FLOP**; a transformer **≈ 2N per token forward** (plus attention) and
#   **≈ 6N per token to train**, so a run costs **≈ 6 N D** (GPT-3: 3.14e23 FLOP).
# - **time = FLOP / (GPUs × dense peak × MFU)**; MFU stays well below 1 (PaLM's record: 46.2%).
#   GPU-hours do not depend on the number of GPUs.
#
# ## What next
#
# - Practise with the exercises: [exercises/03_flops_exercises.ipynb](../exercises/03_flops_exercises.ipynb).
# - Next notebook: [04 · Memory and precision](04_memory_and_precision.ipynb): what those bf16 and
#   fp8 numbers are, bit by bit, and whether a model fits in a GPU's memory.
