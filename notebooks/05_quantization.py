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
# # 05 · Quantization: fewer bits per weight
#
# Generating text reads every weight of the model from GPU memory once per token, so at small
# batch sizes the speed is set by bytes, not by FLOPs. Storing weights in 8 or 4 bits instead of 16
# makes a model smaller *and* faster to decode. In this notebook you quantize vectors by hand,
# compare scales per tensor, per channel and per group, see what the error does to a real model's
# quality (round-to-nearest against GPTQ), see why a few outlier features break naive INT8 and how
# LLM.int8() handles them, and work out what quantization buys for real models.
#
# **Learning objectives**
# - Explain why fewer bytes per weight means faster decoding on a memory-bound GPU.
# - Quantize a vector to INT8 by hand with absmax (symmetric) and zero-point (asymmetric) scaling.
# - Compare per-tensor, per-channel and group-wise scales, and count the memory the scales cost
#   (int4 = 4.125 bits per weight with a 16-bit scale per 128 weights).
# - Relate weight error to model quality (perplexity), and say what GPTQ and AWQ do beyond rounding.
# - Explain how outlier features break INT8 matmuls and how a mixed-precision decomposition fixes it.
# - Compute the memory and decode-speed bound of a quantized model, and test a popular claim.
#
# **Estimated time:** 75 min (reading and running about 45, the explorer and Try-this prompts about 30)
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/05_quantization.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/05_quantization.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Every calculation below comes from `course_lib`. Conventions: sizes in GB = 10⁹ bytes (GB vs GiB:
# [notebook 00](00_start_here.ipynb), section 3); fp16 = 2 bytes per weight; TFLOPS are dense (not
# 2:4 sparse). Terms in the [glossary](../docs/glossary.md) are linked at first use.

# %%
import matplotlib.pyplot as plt
import numpy as np

from course_lib import compute, hardware, memory, models, topology, units
from course_lib.quantization import (GPTQ_LLAMA_PERPLEXITY, bits_per_weight, dequantize, error_vs_bits, int8_matmul,
                                     mixed_int8_matmul, prune_2_4, quantization_error, quantize, quantize_matrix,
                                     quantized_serving, synthetic_weights, weights_per_scale)
from course_lib.widgets import quantization as qw

# %% [markdown]
# ## 1. Why quantize: bytes are time
#
# [Quantization](../docs/glossary.md#quantization) stores each weight as a small integer code plus
# a shared scale instead of a 16-bit float. Take Llama-2 7B. Its weights in fp16, int8 and int4. The
# course counts int4 as **4.125 bits** per weight: 4-bit codes plus one 16-bit scale per group of
# 128 weights ([int4 bits per weight](../docs/glossary.md#int4-bits-per-weight); section 4 shows
# where the scales come from):

# %%
llama = models.get_model("Llama-2 7B")
for dtype in ("fp16", "int8", "int4"):
    print(f"{dtype}: {memory.bytes_per_param(dtype) * 8:g} bits/weight, "
          f"{units.format_si(memory.weights_bytes(llama.param_count(), dtype), 'B')}")

# %% [markdown]
# At batch 1 each new token reads all weights once, so the speed limit is bandwidth / bytes
# (notebook 04). On an RTX 4090 (1,008 GB/s: NVIDIA Ada GPU Architecture whitepaper, appendix A):

# %%
for dtype in ("fp16", "int8", "int4"):
    print(f"{dtype}: ≤ {compute.decode_tokens_per_second(llama, 'RTX 4090', dtype):.0f} tokens/s")

# %% [markdown]
# The compute limit is far above that, so at batch 1 decoding is memory-bound: halving the bytes
# doubles the bound, and int4's 4.125 bits give 16 / 4.125 = 3.88 times the fp16 bound.

# %%
f"compute-bound ceiling: {compute.decode_compute_bound_tokens_per_second(llama, 'RTX 4090', 'fp16'):,.0f} tokens/s"

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert hardware.get_gpu("RTX 4090").memory_bandwidth_gbs == 1008
fp16_speed = compute.decode_tokens_per_second(llama, "RTX 4090", "fp16")
assert np.isclose(compute.decode_tokens_per_second(llama, "RTX 4090", "int4"), 16 / 4.125 * fp16_speed)
assert round(16 / 4.125, 2) == 3.88 and memory.bytes_per_param("int4") * 8 == 4.125
assert compute.decode_compute_bound_tokens_per_second(llama, "RTX 4090", "fp16") > 100 * fp16_speed

# %% [markdown]
# ## 2. INT8 by hand
#
# An integer code `q` stands for the real number `(q - zero_point) * scale`
# ([scale and zero point](../docs/glossary.md#scale-and-zero-point)). **Absmax** (symmetric)
# quantization uses zero_point = 0 and scale = max|x| / 127, so the largest value maps to ±127.
# Here is a small vector:

# %%
x = np.array([1.2, -0.5, -4.3, 1.2, -3.1, 0.8, 2.4, 5.4])
q, scale, zero_point = quantize(x, bits=8, scheme="absmax")
q, scale, zero_point

# %% [markdown]
# By hand: scale = 5.4 / 127 = 0.04252, and q = round(x / scale): 1.2 / 0.04252 = 28.2 → 28,
# -4.3 / 0.04252 = -101.1 → -101, 5.4 → 127. Dequantizing gives the values the model will use:

# %%
x_hat = dequantize(q, scale, zero_point)
x_hat

# %% [markdown]
# Rounding to the nearest code moves each value by at most half a step, scale / 2. The error
# measures: mean squared error, the largest error, the relative error ||x − x̂|| / ||x||, and the
# [SQNR](../docs/glossary.md#sqnr) (signal-to-quantization-noise ratio, 10 log₁₀ of the signal's
# energy over the error's, in dB: each extra bit adds about 6 dB):

# %%
quantization_error(x, x_hat)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert q.tolist() == [28, -12, -101, 28, -73, 19, 56, 127]
assert np.all(np.abs(x - x_hat) <= scale / 2)

# %% [markdown]
# **Zero-point** (asymmetric) quantization maps the range [min, max] (widened to contain 0) onto the
# unsigned codes 0..255: scale = (5.4 - (-4.3)) / 255 = 0.03804, and the code of 0.0 is the zero
# point, round(4.3 / 0.03804) = 113.

# %%
q_zp, scale_zp, zero_zp = quantize(x, bits=8, scheme="zeropoint")
q_zp, scale_zp, zero_zp

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert zero_zp == 113 and q_zp.tolist() == [145, 100, 0, 145, 32, 134, 176, 255]

# %% [markdown]
# Absmax spends codes on [-5.4, -4.3] where there is no data. For all-positive data, such as the
# output of a ReLU, it wastes the whole negative half; zero-point spreads all 256 codes over
# [0, max], a step half as large (5.4 / 127 against 5.4 / 255):

# %%
relu_out = np.abs(x)
for scheme in ("absmax", "zeropoint"):
    relu_q, relu_scale, relu_zero = quantize(relu_out, 8, scheme)
    relu_hat = dequantize(relu_q, relu_scale, relu_zero)
    print(f"{scheme:9} step {relu_scale:.4f}, relative error {quantization_error(relu_out, relu_hat)['relative']:.2e}")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert np.isclose(quantize(relu_out, 8, "zeropoint")[1] / quantize(relu_out, 8, "absmax")[1], 127 / 255)

# %% [markdown]
# ## 3. One scale for what? Per tensor, per channel, per group
#
# A real weight matrix has many values and one large value sets the scale for all of them. We use a
# 256 x 1024 matrix stored like PyTorch's [`nn.Linear`](../docs/glossary.md#nn-linear) layer stores
# its weight: out_features x in_features, one row per output channel. Its values follow a
# [Student-t](../docs/glossary.md#student-t-distribution) distribution (`synthetic_weights`): bell-shaped
# like a Gaussian but with heavier tails, more large values, as in trained weights. The matrix is
# illustrative, not taken from a real model:

# %%
W = synthetic_weights((256, 1024), "heavy_tailed")
W.std(), np.abs(W).max(), np.abs(W).max() / W.std()

# %% [markdown]
# The largest |w| is about 30 standard deviations out. Quantize to 4 bits with one scale for the whole
# matrix (per-tensor), one per row (per-channel), or one per group of 128 consecutive weights in a row
# ([group-wise](../docs/glossary.md#group-wise-quantization)). 4-bit GPTQ checkpoints store this choice
# as `"group_size"` in their `quantize_config.json`: 128 in the main branch of
# TheBloke/Llama-2-7B-Chat-GPTQ on Hugging Face, -1 (no groups: one scale per row) in the main branch
# of TheBloke/Llama-2-70B-Chat-GPTQ.

# %%
errors_4bit = {}
for granularity in ("per-tensor", "per-channel", "group 128", "group 32"):
    W_hat = quantize_matrix(W, 4, "absmax", granularity)[0]
    errors_4bit[granularity] = quantization_error(W, W_hat)["relative"]
    size = weights_per_scale(W.shape, granularity)
    print(f"{granularity:12} {W.size // size:6,} scales  relative error {errors_4bit[granularity]:.1%}")

# %% [markdown]
# Smaller blocks, smaller error: each block's step fits its own largest value. The histograms show why
# (grey lines: the 4-bit levels). With one scale for the whole matrix, 96% of the weights round to 0
# and all but 0.1% to one of the three levels around 0; a group of 128 gets its own, finer grid.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
q_tensor = quantize_matrix(W, 4, "absmax", "per-tensor")[1]
assert list(errors_4bit.values()) == sorted(errors_4bit.values(), reverse=True)
assert 0.95 < np.mean(q_tensor == 0) < 0.97 and np.mean(np.abs(q_tensor) <= 1) > 0.998
assert round(np.abs(W).max() / W.std()) == 30

# %%
# extra code – two histograms side by side
fig, axes = plt.subplots(1, 2, figsize=(10, 3), layout="constrained")
qw.plot_quantization_grid(axes[0], W, 4, "absmax", "per-tensor")
qw.plot_quantization_grid(axes[1], W, 4, "absmax", "group 128")
plt.show()

# %% [markdown]
# ## 4. INT4 and the cost of scales
#
# Every scale is stored too, usually in fp16 (2 bytes). One fp16 scale per 128 four-bit weights adds
# 16 / 128 = 0.125 bits per weight; a zero point per group adds 4 more bits per group. This is where
# the course's 4.125 bits per int4 weight come from:

# %%
for group in (32, 64, 128, 256):
    print(f"group {group:3}: {bits_per_weight(4, group):.4g} bits/weight, "
          f"with zero points {bits_per_weight(4, group, zero_point=True):.4g}")

# %% [markdown]
# QLoRA (Dettmers et al. 2023, arXiv 2305.14314, sec. 3, "Double Quantization") stores one 32-bit
# constant per block of 64 weights, "32/64 = 0.5 bits per parameter", and quantizes those constants
# again to cut that to 0.127 bits.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert bits_per_weight(4, 128) == 4.125 == memory.bytes_per_param("int4") * 8
assert bits_per_weight(4, 64, scale_bytes=4) == 4.5

# %% [markdown]
# Smaller groups cost bits but lower the error. The trade-off for our matrix at 4 bits:

# %%
for granularity in ("per-channel", "group 256", "group 128", "group 64", "group 32"):
    W_hat = quantize_matrix(W, 4, "absmax", granularity)[0]
    print(f"{granularity:12} {bits_per_weight(4, weights_per_scale(W.shape, granularity)):.3f} bits/weight  "
          f"relative error {quantization_error(W, W_hat)['relative']:.1%}")

# %% [markdown]
# ## 5. Error vs bits on three kinds of matrices
#
# Inside a transformer, every token is represented by a vector of d_model numbers, its
# [hidden state](../docs/glossary.md#hidden-states); each position of that vector is a *feature
# dimension*. `synthetic_weights` makes Gaussian weights, heavy-tailed weights, and weights with a few
# large input channels ("outlier_channels": 0.5% of the columns are 20-60x larger, the pattern
# LLM.int8() found in hidden states, section 7). For a 128 x 1024 matrix of each kind, the relative
# error ||W - Ŵ|| / ||W|| against bits (absmax):

# %%
kinds = ("gaussian", "heavy_tailed", "outlier_channels")
curves = {kind: {g: error_vs_bits(synthetic_weights((128, 1024), kind), "absmax", g) for g in qw.CURVE_GRANULARITIES}
          for kind in kinds}

# %%
# extra code – one panel per kind of matrix
fig, axes = plt.subplots(1, 3, figsize=(12, 3.2), sharey=True, layout="constrained")
for ax, kind in zip(axes, kinds, strict=True):
    qw.plot_error_vs_bits(ax, curves[kind]).set_title(kind)
plt.show()

# %% [markdown]
# Each extra bit doubles the number of levels and halves the step, so the error roughly halves per bit
# (the straight lines on the log axis). For Gaussian weights with per-channel scales, the ratio of the
# error at b + 1 bits to the error at b bits, for b = 2 ... 7:

# %%
gaussian_per_channel = curves["gaussian"]["per-channel"]
ratios = gaussian_per_channel[1:] / gaussian_per_channel[:-1]
ratios

# %% [markdown]
# From 4 bits on, every ratio is within 0.05 of 0.5, and INT8 per channel leaves under 1% error.
#
# Below 4 bits the rule breaks down: with 3 levels (2 bits) most weights round to 0, so the error is
# close to their whole size (87% here), and the first extra bit helps more than 2x. In the
# outlier_channels panel the per-tensor and per-channel curves flatten out between about 3 and 6 bits:
# the step is set by the large columns, so the ordinary weights round to 0. Every row contains the
# large columns, so one scale per row does not help much; groups without a large column get their own,
# fine scale, and keep improving. Section 7 solves the same problem differently.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert np.all(np.abs(ratios[2:] - 0.5) < 0.05)  # from 4 bits on, each bit halves the error
assert gaussian_per_channel[-1] < 0.01  # INT8 per channel: under 1% error
outliers = curves["outlier_channels"]  # errors at 2, 3, ..., 8 bits
assert 0.85 < gaussian_per_channel[0] < 0.9  # 2 bits
assert outliers["per-tensor"][4] > 0.85 * outliers["per-tensor"][2]  # 6 bits barely better than 4
assert outliers["group 32"][4] < 0.5 * outliers["group 32"][2]  # while groups of 32 keep halving

# %% [markdown]
# ## 6. Explore it yourself
#
# Pick the kind of weights, the bits, the scheme and the granularity. The headline gives the error,
# the SQNR and the storage per weight including fp16 scales; switch the plot between the histogram of
# one block and the error-vs-bits curves.

# %%
qw.quantization_explorer_view(kind="heavy_tailed", bits=4, granularity="per-channel")

# %% [markdown]
# **Try this:**
# - Gaussian weights, per-tensor, bits from 8 down to 2: the error roughly doubles per bit removed,
#   and at 2 bits (3 levels with absmax) it is large.
# - Heavy-tailed weights at 4 bits: go from per-tensor to per-channel to group 128 to group 32. The
#   histogram's grid tightens and the error falls from 82% to 33%, 19% and 13%; bits/weight rises
#   from 4.000 to 4.500.
# - Heavy-tailed weights, per-channel, 3 bits: switch the scheme to zeropoint. It uses 8 levels
#   instead of 7 and the error drops from 62% to 50%, for 3 more bits per group (the zero point) when
#   groups are used.
# - outlier_channels, error-vs-bits plot: per-tensor and per-channel flatten out between 3 and 6 bits
#   while group 32 keeps falling. Look at the histogram at 4 bits per-tensor: the grid spans the
#   outliers and nearly all weights sit on the middle level.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
explorer = {kind: synthetic_weights((256, 1024), kind) for kind in ("gaussian", "heavy_tailed")}  # the view's matrices
gaussian_tensor = error_vs_bits(explorer["gaussian"], "absmax", "per-tensor")  # 2, 3, ..., 8 bits
assert np.all((1.9 < gaussian_tensor[:-1] / gaussian_tensor[1:]) & (gaussian_tensor[:-1] / gaussian_tensor[1:] < 2.4))
assert gaussian_tensor[0] > 0.9  # 2 bits
assert round(bits_per_weight(4, 256 * 1024), 3) == 4.0 and bits_per_weight(4, 32) == 4.5
heavy_4bit = [error_vs_bits(explorer["heavy_tailed"], "absmax", g)[2] for g in ("per-tensor", "per-channel", "group 128", "group 32")]
assert [round(e, 2) for e in heavy_4bit] == [0.82, 0.33, 0.19, 0.13]
heavy_channel = {scheme: error_vs_bits(explorer["heavy_tailed"], scheme, "per-channel")[1] for scheme in ("absmax", "zeropoint")}
assert [round(e, 2) for e in heavy_channel.values()] == [0.62, 0.5]  # 3 bits

# %% [markdown]
# ### From weight error to model quality: round-to-nearest, GPTQ and AWQ
#
# Everything so far is [round-to-nearest](../docs/glossary.md#round-to-nearest) (RTN): each weight
# gets the nearest code of its grid, on its own. Is a model whose weights are off by 19% (our
# heavy-tailed matrix, 4 bits, groups of 128) still usable? The weight error cannot say: our matrices
# are synthetic, and what matters is what the whole network computes. Papers measure that with
# [perplexity](../docs/glossary.md#perplexity) on a held-out text: how surprised the model is by each
# next token, exp of the average negative log-likelihood (lower is better; fp16 is the baseline).
#
# Two methods improve on rounding, at the same number of bits and the same memory:
# - **[GPTQ](../docs/glossary.md#gptq)** (Frantar et al. 2022, arXiv:2210.17323) quantizes a layer's
#   weights one column at a time and, after each, adjusts the weights not yet quantized so that the
#   layer's *outputs* on a few calibration sentences change as little as possible: the rounding errors
#   partly cancel instead of adding up.
# - **[AWQ](../docs/glossary.md#awq)** (Lin et al. 2023, arXiv:2306.00978) observes that about 1% of
#   the weight channels matter most, those multiplied by large activations, and scales them up before
#   quantizing (dividing the activations by the same factor) so that they lose less precision.
#
# The GPTQ authors' repository publishes WikiText-2 perplexities of LLaMA (the first Llama) quantized
# with RTN and with GPTQ, one scale per output row unless a group size is given (g128: one per group
# of 128 weights):

# %%
settings = list(GPTQ_LLAMA_PERPLEXITY[0].quantized)
print(f"{'':>9} {'fp16':>5} " + "".join(f"{name:>17}" for name in settings))
for row in GPTQ_LLAMA_PERPLEXITY:
    print(f"{row.model:>9} {row.fp16:>5} " + "".join(
        f"{row.quantized[name]:>8} ({row.increase(name):+4.0%})".rjust(17) for name in settings))
print("source:", GPTQ_LLAMA_PERPLEXITY[0].source)

# %% [markdown]
# At 4 bits both keep the perplexity within about 11% of fp16, GPTQ a little closer. At 3 bits
# rounding breaks the model (LLaMA-7B: 5.68 → 25.54, 4.5 times worse) while GPTQ stays usable
# (8.07), and groups of 128 bring it to 6.61. So "19% weight error" does not translate into a
# quality number by itself: the same bits can give a good or a broken model depending on how the
# codes are chosen, and only a measurement on the model tells.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
llama7_ppl = GPTQ_LLAMA_PERPLEXITY[0]
assert llama7_ppl.model == "LLaMA-7B" and round(heavy_4bit[2], 2) == 0.19
assert all(row.increase("4-bit RTN") < 0.115 and row.increase("4-bit GPTQ") < row.increase("4-bit RTN")
           for row in GPTQ_LLAMA_PERPLEXITY)
assert (llama7_ppl.fp16, llama7_ppl.quantized["3-bit RTN"], llama7_ppl.quantized["3-bit GPTQ"]) == (5.68, 25.54, 8.07)
assert round(llama7_ppl.quantized["3-bit RTN"] / llama7_ppl.fp16, 1) == 4.5
assert llama7_ppl.quantized["3-bit GPTQ g128"] == 6.61

# %% [markdown]
# ## 7. Outliers and LLM.int8()
#
# Dettmers et al. ("LLM.int8()", 2022, arXiv 2208.07339, sec. 1 and 4) found that from about 6.7B
# parameters on, a few feature dimensions of the hidden states (6 of them in their 6.7B model) carry
# values up to 20x larger than the others, in every layer and in about 75% of the tokens: the
# [outlier features](../docs/glossary.md#outlier-features). A stand-in: 64 tokens x 1024 features,
# normal values ~N(0, 1) plus a few outlier features (20-60x larger here):

# %%
X = synthetic_weights((64, 1024), "outlier_channels", seed=1, std=1.0)
np.sort(np.abs(X).max(axis=0))[-8:]  # largest |value| of each feature: the 8 biggest

# %% [markdown]
# Multiply by a weight matrix (`nn.Linear` layout, so `X @ W.T`) and compare the exact product with
# quantized versions. `int8_matmul` quantizes each row of X and each column of W.T to INT8 with its own
# absmax scale ("vector-wise"); `mixed_int8_matmul`, [LLM.int8()](../docs/glossary.md#llm-int8), first
# moves the feature columns with any |x| ≥ 6 (the paper's threshold) to a 16-bit matmul:

# %%
W_lin = synthetic_weights((256, 1024), "gaussian", seed=2)
Y = X @ W_lin.T
Y_mixed, n_outliers = mixed_int8_matmul(X, W_lin.T, threshold=6.0)
errors = {
    "weights int8 per-channel (X exact)": X @ quantize_matrix(W_lin, 8, "absmax", "per-channel")[0].T,
    "weights int4 group 128 (X exact)": X @ quantize_matrix(W_lin, 4, "absmax", "group 128")[0].T,
    "int8 X and W, vector-wise": int8_matmul(X, W_lin.T),
    "LLM.int8(): outliers in 16-bit": Y_mixed,
}
for name, Y_hat in errors.items():
    print(f"{name:36} relative error of the output {quantization_error(Y, Y_hat)['relative']:.2%}")
print(f"outlier feature columns kept in 16-bit: {n_outliers} of {X.shape[1]}")

# %% [markdown]
# Quantizing X row by row fails because every row (token) contains outlier features, so the row's
# largest |x|, which sets its scale, is tens (the median over the rows is below), and the normal values
# (at most about 4.4 here) are rounded onto the ten or so codes nearest 0. Keeping the 5 outlier columns
# of 1024 (0.5%) in 16-bit fixes it; the paper reports that more than 99.9% of the values are still
# multiplied in 8-bit (abstract).

# %%
np.median(np.abs(X).max(axis=1))  # typical largest |x| of a token

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
error_int8 = quantization_error(Y, int8_matmul(X, W_lin.T))["relative"]
error_mixed = quantization_error(Y, Y_mixed)["relative"]
assert n_outliers == 5 and error_mixed < 0.01 and error_int8 > 10 * error_mixed
assert np.median(np.abs(X).max(axis=1)) > 20  # tens

# %% [markdown]
# ## 8. Memory and speed after quantization
#
# `quantized_serving` counts a model's weights at a number of bits (one fp16 scale per group
# included), how many GPUs hold them, and the batch-1 decode bound on those GPUs. Weight-only
# quantization keeps the input embedding and the output head in 16 bits, as GPTQ and AWQ checkpoints
# do (for Llama-2 70B they are 0.8% of the weights). Llama-2 70B on 80 GB A100s:

# %%
for bits in (16, 8, 4, 3):
    r = quantized_serving("Llama-2 70B", "A100 SXM 80GB", bits, group_size=128)
    print(f"{bits:2} bits: {units.format_si(r['weights_bytes'], 'B'):>8} on {r['tensor_parallel']} GPU(s), "
          f"≤ {r['decode_tokens_per_second']:.1f} tokens/s, all-reduces {r['allreduce_fraction']:.0%} of each step")

# %% [markdown]
# Why is 8 bits hardly faster than 16? In 16 bits the 138 GB do not fit one 80 GB GPU, so the model
# is split over **two** GPUs (tensor parallelism, notebook 07): each reads its half of the weights at
# the same time, twice the bandwidth for twice the bytes, which gives about the speed of 8 bits on one
# GPU. The split is not free: after the attention and after the MLP of every layer the two GPUs add up
# their partial results (an **all-reduce**), 160 times per token, which here costs 4% of each step.
# With 4-bit weights (4.2 bits per weight on average, embeddings included) one GPU reads 3.8× fewer
# bytes than fp16 and decodes about twice as fast as the two fp16 GPUs. More on decoding in
# notebook 06.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
fp16_70b = quantized_serving("Llama-2 70B", "A100 SXM 80GB", 16)
int8_70b = quantized_serving("Llama-2 70B", "A100 SXM 80GB", 8, group_size=128)
int4_70b = quantized_serving("Llama-2 70B", "A100 SXM 80GB", 4, group_size=128)
assert fp16_70b["n_gpus"] == fp16_70b["tensor_parallel"] == 2 and int4_70b["fits"]
assert round(16 / int4_70b["bits_per_weight"], 1) == 3.8 and round(int4_70b["bits_per_weight"], 1) == 4.2
assert round(fp16_70b["allreduce_fraction"], 2) == 0.04 and int8_70b["tensor_parallel"] == 1
assert 1 < int8_70b["decode_tokens_per_second"] / fp16_70b["decode_tokens_per_second"] < 1.05
assert 1.9 < int4_70b["decode_tokens_per_second"] / fp16_70b["decode_tokens_per_second"] < 2
assert round(2 * 2 * 32000 * 8192 / fp16_70b["weights_bytes"], 3) == 0.008  # embedding + head share

# %%
# extra code – weights at every bit width, one GPU's memory as a dashed line
fig, ax = plt.subplots(figsize=(8, 3.4))
qw.plot_serving(ax, "Llama-2 70B", "A100 SXM 80GB", group_size=128, highlight_bits=4)
plt.show()

# %% [markdown]
# Now choose the model, the bits, the group size and the GPU:

# %%
qw.serving_view(model="Llama-2 70B", bits=4, group_size=128, gpu="A100 SXM 80GB")

# %% [markdown]
# **Try this:**
# - Llama-2 70B on an RTX 4090 (24 GB): find the most bits whose weights still fit on one card. (At 2 bits
#   the weights are 19.2 GB with groups of 128 and 16-bit embeddings; 3 bits do not fit.)
# - Mixtral 8x7B at 4 bits: all 8 experts of every layer are stored (about 24 GB), but a token is routed
#   through only 2 of them, so it reads about 13B of the 47B weights and its decode bound is about 5x
#   Llama-2 70B's.
# - Group size 32 instead of 128: the weights grow by (0.5 - 0.125) bits per weight, about 9% at 4 bits.
# - Llama-2 70B on RTX 4090s: at 16 bits the weights need 6 cards, but the course's RTX 4090 machine is
#   a workstation of 4 cards on PCIe that is never clustered, so there is no split (the widget says
#   why). At 8 bits they need 3 cards; 64 heads do not split over 3, so all 4 decode, and over PCIe
#   the all-reduces take 11% of each step, against 4% for the two A100s on NVLink above.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
llama_4090 = {bits: quantized_serving("Llama-2 70B", "RTX 4090", bits, group_size=128) for bits in (2, 3)}
assert round(llama_4090[2]["weights_bytes"] / 1e9, 1) == 19.2 and llama_4090[2]["fits"] and not llama_4090[3]["fits"]
mixtral = quantized_serving("Mixtral 8x7B", "A100 SXM 80GB", 4, group_size=128)
assert round(mixtral["weights_bytes"] / 1e9) == 24
assert 5 < mixtral["decode_tokens_per_second"] / int4_70b["decode_tokens_per_second"] < 5.5
assert round(bits_per_weight(4, 32) / bits_per_weight(4, 128) - 1, 2) == 0.09
_4090_fp16 = quantized_serving("Llama-2 70B", "RTX 4090", 16)
assert (_4090_fp16["n_gpus"], _4090_fp16["max_tensor_parallel"], _4090_fp16["tensor_parallel"]) == (6, 4, None)
_4090_int8 = quantized_serving("Llama-2 70B", "RTX 4090", 8, group_size=128)
assert (_4090_int8["n_gpus"], _4090_int8["tensor_parallel"]) == (3, 4) and round(_4090_int8["allreduce_fraction"], 2) == 0.11
assert round(fp16_70b["allreduce_fraction"], 2) == 0.04

# %% [markdown]
# ## 9. Myth check: "INT8 GPT-3 fits in 16 GB"
#
# One byte per weight, and GPT-3 has 175 billion weights (Brown et al. 2020, Table 2.1):

# %%
gpt3 = models.get_model("GPT-3 175B")
int8_gpt3 = quantized_serving(gpt3, "A100 SXM 80GB", 8, embedding_bits=8)  # every weight in 1 byte, as claimed
f"{gpt3.param_count():,} parameters -> {units.format_si(int8_gpt3['weights_bytes'], 'B')}, {int8_gpt3['n_gpus']} x A100 80GB"

# %% [markdown]
# 175 GB: at least three 80 GB GPUs for the weights alone, before any KV cache. On a 16 GB GPU such as
# the T4 (free Colab) it takes 11 of them; even 2-bit weights (with a scale per 128) would not fit on one:

# %%
for bits, group_size in ((8, None), (4, 128), (2, 128)):
    r = quantized_serving(gpt3, "T4", bits, group_size)
    print(f"{bits} bits: {units.format_si(r['weights_bytes'], 'B')} -> {r['n_gpus']} x T4 (16 GB)")

# %% [markdown]
# These are counts for the weights alone. Notebook 04's fit widget adds the KV cache (13 T4s for one
# 4096-token sequence), and says why no tensor-parallel split of T4s exists: a split stays inside
# one server's link domain, and no T4 server holds 13 (the largest have 8; the course's data has
# no multi-GPU T4 server at all).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert not quantized_serving(gpt3, "T4", 8)["fits"] and int8_gpt3["n_gpus"] == 3
assert quantized_serving(gpt3, "T4", 8)["n_gpus"] == 11 and round(int8_gpt3["weights_bytes"] / 16e9, 1) == 10.9
assert not quantized_serving(gpt3, "T4", 2, group_size=128)["fits"]
assert memory.fewest_gpus(gpt3, "T4", dtype="int8", seq_len=4096) == memory.GpuCount(13, 11, None)
assert topology.tensor_parallel_limit("T4") == 1

# %% [markdown]
# What 16 GB does hold at 1 byte per weight: at most 16 billion weights. The presets whose INT8
# weights fit on a T4 (weights only; the KV cache needs more):

# %%
print(", ".join(m.name for m in models.list_models() if quantized_serving(m, "T4", 8)["fits"]))

# %% [markdown]
# So INT8 brings a 13B model, not a 175B one, onto a 16 GB card. **Verdict: false.** INT8 GPT-3 needs
# 174.6 GB / 16 GB = 10.9, i.e. 11 such cards for its weights alone.
#
# ## 10. Beyond the weights: the KV cache and fp8
#
# Weight-only quantization, everything above, shrinks what each token reads but computes in 16 bits:
# the codes are turned back into fp16 before each matmul. Two further steps quantize more:
# - the **KV cache** (notebook 04) in 8 bits: half the memory per token, so twice the context or batch.
#   For Llama-2 70B with 8 sequences of 4096 tokens:

# %%
{kv: units.format_si(memory.kv_cache_bytes("Llama-2 70B", 4096, 8, kv), "B") for kv in ("fp16", "fp8")}

# %% [markdown]
# - **[fp8](../docs/glossary.md#fp8)** weights *and* activations: the matmul itself runs in 8 bits.
#   Hopper's Tensor Cores do fp8 at twice their bf16 rate, which helps where the GPU is compute-bound
#   (long prompts, large batches), while 1 byte per weight halves the bytes read at batch 1:

# %%
h100 = hardware.get_gpu("H100 SXM")
h100.peak_tflops("fp8"), h100.peak_tflops("bf16")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert memory.kv_cache_bytes("Llama-2 70B", 4096, 8, "fp8") * 2 == memory.kv_cache_bytes("Llama-2 70B", 4096, 8, "fp16")
assert h100.peak_tflops("fp8") == 2 * h100.peak_tflops("bf16")

# %% [markdown]
# ## 11. Pruning, sparsity and distillation, briefly
#
# **[Pruning](../docs/glossary.md#pruning)** sets weights to zero. SparseGPT (Frantar & Alistarh
# 2023, arXiv 2301.00774, abstract) pruned OPT-175B and BLOOM-176B to 50-60% unstructured sparsity in
# one shot with little loss. But scattered zeros only save time with sparse kernels, so GPUs support
# one structured pattern: **2:4 sparsity**, at most 2 non-zeros in every 4 consecutive weights (A100
# onwards; Mishra et al. 2021, arXiv 2104.08378). The sparse tensor cores skip the zeros, so
# datasheets print a "sparse" rate twice the dense one: the H100 SXM datasheet's "FP8 Tensor Core
# 3,958 teraFLOPS*" (* with sparsity) is 2 x the dense rate in our catalog.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert 2 * h100.peak_tflops("fp8") == 3958

# %% [markdown]
# Those numbers assume every weight matrix is 2:4 sparse. Pruning a matrix to 2:4 by magnitude (keep
# the 2 largest |w| of every 4 along the input dimension):

# %%
W_24 = prune_2_4(W_lin)
W_24[0, :8], np.count_nonzero(W_24) / W_24.size

# %% [markdown]
# How far each approximation is from W_lin: 2:4 pruning against 4-bit groups of 128.

# %%
error_24 = quantization_error(W_lin, W_24)["relative"]
error_int4 = quantization_error(W_lin, quantize_matrix(W_lin, 4, "absmax", "group 128")[0])["relative"]
error_24_output = quantization_error(Y, X @ W_24.T)["relative"]
print(f"2:4 magnitude pruning: weight error {error_24:.1%}, output error {error_24_output:.1%}")
print(f"int4 group 128:        weight error {error_int4:.1%}")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert error_24 > 3 * error_int4

# %% [markdown]
# Dropping half the weights by magnitude alone changes the matrix far more than 4-bit quantization: that
# is why SparseGPT also updates the kept weights, and why NVIDIA's 2:4 recipe retrains the network after
# pruning (Mishra et al. 2021).
#
# **[Distillation](../docs/glossary.md#distillation)** trains a smaller "student" to match a larger
# "teacher"'s outputs (Hinton, Vinyals & Dean 2015, arXiv 1503.02531). DistilBERT kept 97% of BERT's
# language-understanding score with 40% fewer parameters, running 60% faster (Sanh et al. 2019,
# arXiv 1910.01108, abstract). Fewer parameters mean fewer bytes and FLOPs, but distillation costs a
# training run; quantization is applied after training.
#
# ## Summary
#
# - At batch 1, decoding reads every weight once per token: bytes per weight set the speed limit.
#   The course's int4 is 4.125 bits per weight (a 16-bit scale per 128), 3.88x the fp16 bound.
# - Absmax maps ±max|x| to ±127 (scale = max|x| / 127); zero-point maps [min, max] to 0..255 and
#   keeps 0 exact. Rounding moves each value by at most scale / 2.
# - One large value sets the step for everything that shares its scale: per-channel and group-wise
#   scales cut the error, at 16 / group-size extra bits per weight (0.125 for groups of 128).
# - From about 4 bits on, each extra bit halves the error. Weight error is not model quality: at 3
#   bits round-to-nearest breaks LLaMA-7B (perplexity 5.68 → 25.54) while GPTQ keeps it usable (8.07).
# - Outlier features break vector-wise INT8; LLM.int8() keeps those few columns in 16-bit.
# - INT8 GPT-3 is 175 GB, not 16 GB. 2:4 sparsity doubles peak tensor throughput only for matrices
#   pruned to that pattern.
#
# ## What next
#
# - Practise: [05 · Quantization — exercises](../exercises/05_quantization_exercises.ipynb).
# - Next notebook: [06 · Serving](06_serving.ipynb): prefill and decode, batching and the KV cache
#   when many users share a GPU.
