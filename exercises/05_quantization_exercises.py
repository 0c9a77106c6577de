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
# # 05 · Quantization — exercises
#
# Six exercises on [notebook 05](../notebooks/05_quantization.ipynb): INT8 by hand, the memory of an
# INT4 model, a myth about GPT-3, outlier features, per-channel scales, and one estimate of your own.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for)
# and run the cell. `ex1.check(answer)` says ✅ *correct*, ❌ *not yet* (with what looks off) or ✏️ *not
# attempted*. Stuck? Uncomment `ex1.hint()` (run it again for a more specific hint) or
# `ex1.solution()`.
#
# **Conventions:** GB = 10⁹ bytes, GiB = 2³⁰ bytes; 1 byte = 8 bits, so INT4 is half a byte per weight;
# scales are fp16 (2 bytes) unless said otherwise.
#
# Exercises:
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/05_quantization_exercises.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/05_quantization_exercises.ipynb)
#

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"

# %%
import numpy as np

from course_lib import memory, models, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.quantization import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6
from course_lib.quantization import (dequantize, mixed_int8_matmul, quantization_error,  # noqa: F401
                                     quantize, quantized_bytes, quantized_serving, synthetic_weights)

# %% [markdown]
# ## Exercise 1 · Absmax INT8 by hand
#
# Quantize x = [0.5, -1.27, 0.254, 1.0] to INT8 with **absmax** (symmetric) scaling. What integer
# **code** q does 0.254 get? Try it with pen and paper first.
#
# *Self-check:* the scale is a round number, 0.01.

# %%
x = np.array([0.5, -1.27, 0.254, 1.0])
answer = ...  # your code here
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
answer = ...  # your code here
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
answer = ...  # your code here
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
answer = ...  # your code here
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
per_tensor = ...  # your code here
per_channel = ...  # your code here
answer = ...  # your code here
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Estimate it yourself: how much faster does INT4 decode?
#
# Llama-2 7B generates text one token at a time (batch 1) on an RTX 4090, first with fp16 weights,
# then with INT4 weights with one fp16 scale per 128 weights. Estimate the **speed-up** of the tokens
# per second. Any estimate within a **factor of 1.25** of the course's counts as correct.
#
# *Self-check:* at batch 1 a GPU reads every weight once per token; what limits it, FLOPs or bytes?
#

# %%
fp16 = ...  # your code here
int4 = ...  # your code here
answer = ...  # your code here
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)
