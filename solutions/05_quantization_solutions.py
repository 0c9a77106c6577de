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
# # 05 · Quantization — solutions
#
# Nine exercises on [notebook 05](../notebooks/05_quantization.ipynb): INT8 by hand, the memory of an
# INT4 model, a myth about GPT-3, outlier features, per-channel scales, one estimate of your own, and
# three questions about ideas: predict what the explorer will show, what GPTQ does, and whether
# Mixtral fits a 24 GB card.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for,
# or for a multiple-choice question the option as a string, e.g. `"A"`) and run the cell. `ex1.check(answer)` says ✓ *correct*, ✗ *not yet* (with what looks off) or ✎ *not
# attempted*. Stuck? Uncomment `ex1.hint()` (run it again for a more specific hint) or
# `ex1.solution()`.
#
# **Conventions:** sizes in GB (10⁹ bytes; GB vs GiB is in [notebook 00](../notebooks/00_start_here.ipynb));
# 1 byte = 8 bits, so a 4-bit code is half a byte; scales are fp16 (2 bytes) unless said otherwise. The
# course's int4 (`memory.bytes_per_param("int4")`) is 4.125 bits per weight: 4-bit codes plus one fp16
# scale per group of 128.
#
# **Estimated time:** 40 min
#
# Exercises:
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/05_quantization_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/05_quantization_exercises.ipynb)
# <!-- BEGIN SOLUTION -->
#
# Solutions (this notebook):
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/solutions/05_quantization_solutions.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/solutions/05_quantization_solutions.ipynb)
# <!-- END SOLUTION -->

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
import numpy as np

from course_lib import memory, models, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.quantization import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8, ex9
from course_lib.quantization import (dequantize, mixed_int8_matmul, quantization_error,  # noqa: F401
                                     quantize, quantized_bytes, quantized_serving, synthetic_weights)
from course_lib.widgets import quantization as qw

# %% [markdown]
# ## Exercise 1 · Absmax INT8 by hand
#
# Quantize x = [0.5, -1.27, 0.254, 1.0] to INT8 with **absmax** (symmetric) scaling. What integer
# **code** q does 0.254 get? Try it with pen and paper first.
#
# *Self-check:* the scale is a round number, 0.01.

# %%
x = np.array([0.5, -1.27, 0.254, 1.0])
### BEGIN SOLUTION
q, scale, zero_point = quantize(x, bits=8, scheme="absmax")  # scale = 1.27 / 127 = 0.01
answer = int(q[2])  # round(0.254 / 0.01) = round(25.4) = 25
### END SOLUTION
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · A 70B model in INT4
#
# A model with **70 × 10⁹** parameters is quantized to **4 bits** per weight, with one **fp16 scale
# per group of 128 weights** (GPTQ-style). How many **GB** do its weights take?
#
# *Self-check:* a bit more than a quarter of the fp16 size (140 GB).

# %%
n_params = 70e9
### BEGIN SOLUTION
answer = quantized_bytes(n_params, bits=4, group_size=128, scale_bytes=2) / units.GB  # 35 + 1.09 GB of scales
### END SOLUTION
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · Myth check: "INT8 GPT-3 fits in 16 GB"
#
# How many **GB** do GPT-3 175B's weights take in **INT8** (1 byte each)? Use the preset
# `models.get_model("GPT-3 175B")`. Then, for yourself: how many 80 GB GPUs does that need, and what is
# the largest model whose INT8 weights fit in 16 GB?
#
# *Self-check:* far more than 16.

# %%
gpt3 = models.get_model("GPT-3 175B")
### BEGIN SOLUTION
answer = memory.weights_bytes(gpt3.param_count(), "int8") / units.GB
print(quantized_serving(gpt3, "A100 SXM 80GB", 8)["n_gpus"], "x 80 GB GPUs for the weights alone")
### END SOLUTION
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · Outlier features
#
# `X` holds the hidden states of 16 tokens (rows) x 512 features (columns), with a few outlier
# features; `W` is a 512 x 64 weight matrix. LLM.int8() multiplies in 16-bit every feature column of
# `X` in which **any |value| ≥ 6**, and the rest in INT8. How many **columns** go to 16-bit?
#
# *Self-check:* a handful, out of 512.

# %%
X = synthetic_weights((16, 512), "outlier_channels", seed=0, std=1.0)
W = synthetic_weights((512, 64), seed=1)
### BEGIN SOLUTION
answer = int(np.count_nonzero(np.any(np.abs(X) >= 6, axis=0)))
assert answer == mixed_int8_matmul(X, W, threshold=6.0)[1]  # the library counts the same columns
### END SOLUTION
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · One scale or two?
#
# `W` has two channels (rows); row 1 is row 0 multiplied by 0.1. Quantize `W` to INT8 (absmax) once
# **per tensor** (one scale) and once **per channel** (one scale per row, `axis=0`). By what **factor**
# is row 1's relative error, ||w₁ − ŵ₁|| / ||w₁||, larger per tensor than per channel? Reason first,
# then check with `quantize`, `dequantize` and `quantization_error`.
#
# *Self-check:* the two rows differ by a factor of 10 in size.

# %%
row = synthetic_weights(1024, seed=0)
W2 = np.vstack([row, 0.1 * row])
### BEGIN SOLUTION
per_tensor = dequantize(*quantize(W2, bits=8))
per_channel = dequantize(*quantize(W2, bits=8, axis=0))
answer = (quantization_error(W2[1], per_tensor[1])["relative"]
          / quantization_error(W2[1], per_channel[1])["relative"])  # about 10: the ratio of the steps
### END SOLUTION
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Estimate it yourself: how much faster does INT4 decode?
#
# Llama-2 7B generates text one token at a time (batch 1) on an RTX 4090, first with fp16 weights,
# then with INT4 weights with one fp16 scale per 128 weights. Estimate the **speed-up** of the tokens
# per second a real kernel would reach. Any estimate from the memory-bound ceiling down to 1/1.6 of
# it counts; nothing above the ceiling is possible.
#
# *Self-check:* at batch 1 a GPU reads every weight once per token; what limits it, FLOPs or bytes?
# <!-- BEGIN SOLUTION -->
#
# **Solution notes.** The bound is bandwidth / bytes, so the speed-up is the ratio of the bytes per
# weight: 16 / 4.125 = 3.88. Measured speed-ups stay below the ratio of the bytes (dequantizing costs
# time, and the KV cache and activations are read too): GPTQ's 3-bit OPT-175B, about 16 / 3 = 5.3x
# fewer bytes than fp16, cut the time per token at batch 1 by 3.24x on A100s and 4.53x on A6000s
# (Frantar et al. 2022, arXiv 2210.17323, Table 6; fp16 ran on 5 A100s or 8 A6000s, 3-bit on 1 or 2):
# 61 % and 85 % of the ratio of the bytes. Anything from 2.4x (61 % of 3.88) up to 3.88x counts.
# <!-- END SOLUTION -->

# %%
### BEGIN SOLUTION
fp16 = quantized_serving("Llama-2 7B", "RTX 4090", 16)["decode_tokens_per_second"]
int4 = quantized_serving("Llama-2 7B", "RTX 4090", 4, group_size=128)["decode_tokens_per_second"]
answer = int4 / fp16
### END SOLUTION
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Exercise 7 · Predict, then switch the scales: outlier channels
#
# In the explorer below, the weights are `outlier_channels` (a few whole **columns** 20-60 times
# larger than the rest), quantized to **4 bits** with absmax and **one scale for the whole tensor**.
# You switch the scales to **per-channel** (one per row). Predict what happens to the relative error:
#
# - **A**: it falls several-fold.
# - **B**: it barely changes.
# - **C**: it rises.
# - **D**: it becomes zero.
#
# Answer with the letter, then switch the widget's "scales" control (and try group 32 too).

# %%
### BEGIN SOLUTION
answer = "B"  # every row contains the large columns, so each row's scale is still set by an outlier
### END SOLUTION
ex7.check(answer)

# %%
qw.quantization_explorer_view(kind="outlier_channels", bits=4, granularity="per-tensor")

# %%
# ex7.hint()
# ex7.solution()

# %% [markdown]
# ## Exercise 8 · What does GPTQ do differently?
#
# At 3 bits, round-to-nearest leaves LLaMA-7B at a WikiText-2 perplexity of 25.54 and GPTQ at 8.07
# (fp16: 5.68; summary table of the GPTQ authors' repository, IST-DASLab/gptq). Both store the same
# codes and scales. Why is GPTQ so much better?
#
# - **A**: it stores more bits per weight.
# - **B**: it quantizes a layer's weights one column at a time and adjusts the weights not yet
#   quantized to cancel the error on the layer's outputs.
# - **C**: it keeps outlier features in 16 bits.
# - **D**: it retrains the model after quantizing.

# %%
### BEGIN SOLUTION
answer = "B"  # Frantar et al. 2022, arXiv:2210.17323
### END SOLUTION
ex8.check(answer)

# %%
# ex8.hint()
# ex8.solution()

# %% [markdown]
# ## Exercise 9 · Mixtral 8x7B in int4 on a 24 GB card
#
# Mixtral 8x7B routes each token through 2 of its 8 experts per layer. Quantized to the course's
# int4 (4.125 bits per weight), do its **weights** fit on one RTX 4090 (24 GB)? Answer `"fits"` or
# `"does not fit"`.

# %%
### BEGIN SOLUTION
mixtral_weights = memory.weights_bytes(models.get_model("Mixtral 8x7B").param_count(), "int4")
answer = "fits" if mixtral_weights <= 24e9 else "does not fit"  # 24.08 GB: every expert is stored
### END SOLUTION
ex9.check(answer)

# %%
# ex9.hint()
# ex9.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)

# %%
### SOLUTION ONLY
from course_lib.checks import assert_all_correct

assert_all_correct(EXERCISES)
