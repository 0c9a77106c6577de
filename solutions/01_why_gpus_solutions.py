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
# # 01 · Why GPUs — solutions
#
# Practice for [notebook 01](../notebooks/01_why_gpus.ipynb): Amdahl's law, arithmetic intensity
# and the roofline, Tensor Cores, energy efficiency, an estimate with your own machine, and two
# predict-then-check questions with the notebook's widgets.
#
# **How to use this notebook.** Replace each `...` with your answer (a number, or a string where
# the question says so) and run the cell: `ex.check(answer)` says *correct*, *not yet* (and what
# looks off) or *not attempted*. Stuck? Uncomment `ex.hint()` (call it again for a more specific
# hint) or `ex.solution()`. You may compute with `course_lib`: that is what it is for.
#
# **Estimated time:** 35 min
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/solutions/01_why_gpus_solutions.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/solutions/01_why_gpus_solutions.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"

# %%
from course_lib import compute, hardware  # noqa: F401 (for your answers)
from course_lib.checks import progress
from course_lib.checks.why_gpus import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8
from course_lib.checks.why_gpus import my_cpu_gflops  # noqa: F401 (for exercise 6)
from course_lib.widgets import why_gpus

# %% [markdown]
# ## Exercise 1 · Amdahl on 1000 cores
#
# A job spends 95 % of its one-core time in work that parallelizes perfectly and 5 % in work that
# does not. How many times faster does it run on 1000 cores? Give the speed-up as a plain number
# (unit: ×). *Self-check:* the answer is well below 1000, and below 1 / 0.05.

# %%
### BEGIN SOLUTION
answer = compute.amdahl_speedup(0.95, 1000)
### END SOLUTION
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · Arithmetic intensity of a matmul
#
# What is the arithmetic intensity, in FLOP per byte, of the bf16 matrix product
# (4096 × 4096) @ (4096 × 4096), if A and B are read from memory once and C is written once?
# *Self-check:* for a square n × n × n product it grows in proportion to n, and here it is far above 1.

# %%
### BEGIN SOLUTION
answer = compute.matmul_arithmetic_intensity(4096, 4096, 4096, 2)
### END SOLUTION
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · Compute-bound or memory-bound?
#
# In batch-1 decoding, one token's activation vector (1 × 4096) multiplies each 4096 × 4096 weight
# matrix. On an H100 SXM in bf16, is that product `"compute-bound"` or `"memory-bound"`? Answer
# with one of those two strings, after comparing its intensity with the H100's ridge point.

# %%
### BEGIN SOLUTION
intensity = compute.matmul_arithmetic_intensity(1, 4096, 4096, 2)
ridge = compute.ridge_point("H100 SXM", "bf16")
answer = compute.roofline_bound(intensity, "H100 SXM", "bf16") + "-bound"
print(f"intensity {intensity:.3g} FLOP/byte, ridge {ridge:.3g} FLOP/byte")
### END SOLUTION
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Tensor Cores vs vector units
#
# On an H100 SXM, how many times larger is the dense bf16 Tensor Core rate than the fp32 vector
# (CUDA core) rate? (unit: ×). *Self-check:* the answer is between 10 and 20.

# %%
### BEGIN SOLUTION
h100 = hardware.get_gpu("H100 SXM")
answer = h100.peak_tflops("bf16") / h100.peak_tflops("fp32")
### END SOLUTION
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · FLOP per joule
#
# Energy is a large part of what training costs. At their dense bf16 peaks and board powers (TDP),
# how many times more FLOP per joule does an H100 SXM deliver than an A100 SXM 80GB? (unit: ×).
# *Self-check:* more than 1, and less than the ratio of their TFLOPS.

# %%
### BEGIN SOLUTION
answer = compute.flops_per_watt("H100 SXM", "bf16") / compute.flops_per_watt("A100 SXM 80GB", "bf16")
### END SOLUTION
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Estimate it yourself: your machine vs an H100
#
# `my_cpu_gflops()` is your CPU's numpy float32 matmul rate in GFLOPS: the median that notebook 01
# measured (`measure.cpu_report()` measures once and remembers it, so your answer, the check and the
# notebooks use the same measurement). How many CPUs like yours would match one H100 SXM at its dense bf16 peak?
# Any answer within a factor of 3 counts. (unit: CPUs). *Self-check:* mind the prefixes: GFLOPS are
# 10⁹ FLOP/s, TFLOPS 10¹² FLOP/s.

# %%
### BEGIN SOLUTION
my_gflops = my_cpu_gflops()
answer = hardware.get_gpu("H100 SXM").peak_flops("bf16") / (my_gflops * 1e9)
print(f"this machine: {my_gflops:.3g} GFLOPS -> {answer:,.0f} of them per H100")
### END SOLUTION
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Exercise 7 · Predict, then move the slider: Amdahl's limit
#
# A program is **99 % parallel**. On 1,000 cores it runs 91 times faster than on one. Predict its
# speed-up on **100,000 cores**, before you try it in the widget below:
#
# - **A**: about 100,000×
# - **B**: about 9,100× (100 times the 1,000-core result)
# - **C**: about 1,000×
# - **D**: about 100×
#
# Answer with the letter (a string), then set the widget to p = 0.99 and 100,000 workers.

# %%
### BEGIN SOLUTION
answer = "D"  # the serial 1 % caps it below 1 / 0.01 = 100x
### END SOLUTION
ex7.check(answer)

# %%
why_gpus.amdahl_view(parallel_fraction=0.99, n_workers=1000)

# %%
### SOLUTION ONLY
print(f"{compute.amdahl_speedup(0.99, 1000):.1f}x on 1,000 cores, {compute.amdahl_speedup(0.99, 100_000):.1f}x "
      "on 100,000")

# %%
# ex7.hint()
# ex7.solution()

# %% [markdown]
# ## Exercise 8 · Which GPU needs more tokens in flight?
#
# An LLM layer multiplies (tokens × 4096) by a 4096 × 4096 bf16 weight matrix. With few tokens the
# matmul is memory-bound; with enough it becomes compute-bound. Which GPU needs **more** tokens in
# flight before that happens: `"RTX 4090"`, `"H100 SXM"` or `"the same"`? Predict, then check it in
# the roofline widget below (switch the GPU and move the tokens slider).

# %%
### BEGIN SOLUTION
answer = "H100 SXM"  # ridge 295 FLOP/byte against the RTX 4090's 164
### END SOLUTION
ex8.check(answer)

# %%
why_gpus.roofline_view(gpu="RTX 4090", tokens=128)

# %%
### SOLUTION ONLY
print({name: round(compute.ridge_point(name, "bf16")) for name in ("RTX 4090", "H100 SXM")})

# %%
# ex8.hint()
# ex8.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)

# %%
### SOLUTION ONLY
from course_lib.checks import assert_all_correct

assert_all_correct(EXERCISES)
