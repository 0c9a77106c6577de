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
# # 04 · Memory and precision
#
# A GPU's memory decides which models it can run at all, and its memory bandwidth decides how fast
# it generates text. Both depend on how many bytes each number takes. This notebook opens the
# number formats bit by bit (fp32, tf32, fp16, bf16, fp8, int8), shows what is gained and lost
# when bits are dropped, and then counts the bytes: weights, training state, activations and the
# KV cache. It ends with a calculator that tells you whether a model fits on a GPU.
#
# **Learning objectives**
# - Read a floating-point number as sign, exponent and mantissa, and tell **range** (exponent bits)
#   from **precision** (mantissa bits).
# - Explain why fp16 training needs loss scaling and bf16 training does not.
# - Compute the memory of weights per dtype, and of full training with mixed-precision Adam
#   (16 bytes per parameter, plus activations).
# - Size a KV cache, with and without grouped-query attention, and explain why decoding is
#   limited by memory bandwidth.
# - Decide whether a model fits on a given GPU, in GB and GiB.
#
# **Estimated time:** 50 min
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/04_memory_and_precision.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/04_memory_and_precision.ipynb)
#
# **Conventions** (the same in every notebook): **GB = 10⁹ bytes** (datasheets), **GiB = 2³⁰
# bytes** (`nvidia-smi`, operating systems); TFLOPS are **dense**; GeForce fp16/bf16 tensor rates
# are the ones **with fp32 accumulate**.

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"

# %% [markdown]
# Every number below comes from `course_lib`: the formats module decodes bit patterns, the memory
# module counts bytes, and the widgets are thin views over both.

# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np

from course_lib import compute, formats, hardware, memory, models, units
from course_lib.units import format_binary, format_si
from course_lib.widgets import memory_precision as mp

# %% [markdown]
# ## 1. A number, bit by bit
#
# A binary float is stored as **sign | exponent | mantissa**. With E exponent bits and M mantissa
# bits, a normal number is (−1)^sign × 2^(exponent − bias) × (1 + mantissa / 2^M), with bias
# 2^(E−1) − 1 (IEEE 754). Here is 0.1 in fp32 (8 exponent bits, 23 mantissa bits):

# %%
tenth = formats.decompose(0.1, "fp32")
tenth.bit_string, tenth.stored

# %% [markdown]
# 0.1 has no finite binary expansion, so fp32 keeps the nearest value it can. With fewer mantissa
# bits the stored value moves further away:

# %%
for name in mp.FORMAT_OPTIONS[:-1]:
    d = formats.decompose(0.1, name)
    print(f"{name:>9}  {d.bit_string:<36} stored {d.stored!r:<22} relative error {d.rel_error:.1e}")

# %% [markdown]
# The explorer below does the same for any value and format. The boxes are the bits (sign red,
# exponent blue, mantissa green); the plot shows each format's **relative gap** between
# neighbouring numbers (its precision, the height) across the magnitudes it can hold (its range,
# the width: each line ends at the format's largest finite value).

# %%
mp.format_explorer_view()

# %% [markdown]
# **Try this:**
# - fp16, value 65504: stored exactly, the largest finite fp16 number. Then 65519 (rounds down to
#   65504) and 65520 (rounds up to 2¹⁶, which fp16 cannot hold: **inf**).
# - Value 0.333333 in fp32, fp16, bf16 and fp8_e4m3: the relative error grows from 4 × 10⁻⁸ to
#   3 × 10⁻² as the mantissa shrinks from 23 to 3 bits (each bit removed roughly doubles it).
# - Value 1e-8: fp16 stores 0 (underflow), bf16 keeps it with a 0.1% error. Remember this for
#   section 3.
# - Value 300: fp8_e4m3 stores 288, fp8_e5m2 stores 320: one more exponent bit, one less
#   mantissa bit.
# - int8, value -1: all eight bits are 1 (two's complement). Value 200: saturated to 127.

# %%
assert formats.decompose(65519, "fp16").stored == 65504 and formats.decompose(65520, "fp16").overflow
third = {name: formats.decompose(0.333333, name).rel_error for name in ("fp32", "fp16", "bf16", "fp8_e4m3")}
assert f"{third['fp32']:.0e}" == "4e-08" and f"{third['fp8_e4m3']:.0e}" == "3e-02"
assert list(third.values()) == sorted(third.values())
assert formats.decompose(1e-8, "fp16").stored == 0 and round(formats.decompose(1e-8, "bf16").rel_error, 3) == 0.001
assert formats.decompose(300, "fp8_e4m3").stored == 288 and formats.decompose(300, "fp8_e5m2").stored == 320
assert formats.decompose(-1, "int8").bit_string.replace(" ", "") == "11111111"
assert formats.decompose(200, "int8").stored == 127

# %% [markdown]
# ## 2. Range versus precision
#
# The exponent bits set the **range**; the mantissa bits set the **precision** (`eps` is the gap
# after 1.0). `formats.format_info` lists both for every format:

# %%
print(f"{'format':>9} {'bits':>4} {'exp':>3} {'mant':>4} {'largest':>10} {'smallest normal':>15} {'eps':>9}")
for name in mp.FORMAT_OPTIONS:
    i = formats.format_info(name)
    print(f"{name:>9} {i.bits:>4} {i.exponent_bits:>3} {i.mantissa_bits:>4} {i.max:>10.4g} {i.min_normal:>15.3g}"
          f" {i.eps:>9.3g}")

# %% [markdown]
# The same in one picture: fp32 and bf16 span the same magnitudes (both have 8 exponent bits), but
# bf16's gaps are 2¹⁶ times coarser. fp16 is more precise than bf16 but ends at 65504. tf32 is
# the format in which Tensor Cores since Ampere run "fp32" matmuls when the framework allows it
# (NVIDIA A100 whitepaper): fp32's range with fp16's 10 mantissa bits.

# %%
# extra code – the explorer's plot for all formats at once
fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=80)
mp.plot_format_spacing(ax)
plt.show()

# %% [markdown]
# fp16 has 5 exponent bits. Its largest finite number is 65504, so 70000 **overflows** to inf.
# bf16 stores it without trouble, but only to 8 significant bits: 70144.

# %%
fp16_70k = formats.decompose(70000, "fp16")
fp16_70k.bit_string, fp16_70k.stored, fp16_70k.overflow, formats.decompose(70000, "bf16").stored

# %% [markdown]
# The two fp8 formats make the same trade in 8 bits: E4M3 (max 448) for weights and activations,
# E5M2 (max 57344) for gradients (Micikevicius et al. 2022, "FP8 Formats for Deep Learning",
# arXiv:2209.05433). The facts this section relies on:

# %%
assert formats.format_info("fp16").max == 65504
assert fp16_70k.overflow and fp16_70k.stored == np.inf and fp16_70k.bit_string == "0 11111 0000000000"
assert formats.decompose(70000, "bf16").stored == 70144
assert formats.format_info("bf16").min_normal == formats.format_info("fp32").min_normal  # same range
assert formats.format_info("bf16").eps == 2**-7 and formats.format_info("fp16").eps == 2**-10
assert formats.format_info("fp8_e4m3").max == 448 and formats.format_info("fp8_e5m2").max == 57344

# %% [markdown]
# ## 3. Loss scaling: why fp16 training needs it and bf16 does not
#
# Gradients can be tiny. fp16's smallest positive number is 2⁻²⁴ ≈ 6 × 10⁻⁸; anything below
# about half of it **underflows** to 0 and stops the weight from learning. bf16 reaches 10⁻³⁸.

# %%
small = np.array([1e-3, 1e-6, 1e-8, 1e-10])
formats.round_to(small, "fp16"), formats.round_to(small, "bf16")

# %% [markdown]
# **Loss scaling** (Micikevicius et al. 2018, "Mixed Precision Training", arXiv:1710.03740)
# multiplies the loss by a factor S; by the chain rule every gradient is multiplied by S too. The
# fp32 master weights are updated with the gradients divided by S again. With S = 2¹⁶:

# %%
scale = 2.0**16
formats.round_to(small * scale, "fp16") / scale

# %% [markdown]
# All four survive. Now a whole (synthetic, illustrative) set of gradients, with magnitudes spread
# evenly in log scale from 2⁻⁴⁰ to 2⁻⁶. The fraction of them that becomes 0: without scaling fp16
# loses 44 %, with the 2¹⁶ scale none, and bf16 none:

# %%
rng = np.random.default_rng(0)
grads = rng.choice([-1.0, 1.0], 100_000) * 2.0 ** rng.uniform(-40, -6, 100_000)
lost = {"fp16": formats.underflow_fraction(grads, "fp16"),
        "fp16 x 2**16": formats.underflow_fraction(grads, "fp16", scale),
        "bf16": formats.underflow_fraction(grads, "bf16")}
lost

# %% [markdown]
# Grey: the gradients; blue: the same gradients × 2¹⁶, now inside fp16's range (dashed lines).

# %%
# extra code – histogram of log2 |gradient| against fp16's range
fig, ax = plt.subplots(figsize=(6.4, 3.0), dpi=80)
mp.plot_gradient_underflow(ax, grads, scale, "fp16")
plt.show()

# %% [markdown]
# Too large a scale overflows instead: × 2²⁴ pushes the largest gradients past 65504, to inf.
# That is why frameworks scale *dynamically*: PyTorch's `GradScaler` starts at 2¹⁶, halves the
# scale and skips the step when it finds inf/NaN, and doubles it after 2000 clean steps (its
# defaults `init_scale=2.0**16, backoff_factor=0.5, growth_interval=2000`).

# %%
np.isinf(formats.round_to(grads * 2.0**24, "fp16")).mean()

# %% [markdown]
# bf16 has fp32's exponent, so none of this is needed. Tensor Cores support bf16 since the A100
# (NVIDIA A100 Tensor Core GPU Architecture whitepaper); on older GPUs (V100, T4) fp16 with loss
# scaling is the 16-bit option.

# %%
assert round(lost["fp16"], 2) == 0.44 and lost["fp16 x 2**16"] == 0 and lost["bf16"] == 0
assert np.isinf(formats.round_to(grads * 2.0**24, "fp16")).any()
assert hardware.get_gpu("V100 SXM2 32GB").peak_tflops("bf16") is None and hardware.get_gpu("T4").peak_tflops("bf16") is None

# %% [markdown]
# ## 4. Memory of the weights
#
# Now count bytes. The weights alone take (number of parameters) × (bytes per value). For
# Llama-2 70B (68.98 billion parameters, counted from its `config.json`):

# %%
llama70 = models.get_model("Llama-2 70B")
n70 = llama70.param_count()
print(f"{n70:,} parameters")
for dtype in memory.WEIGHT_DTYPES:
    size = memory.weights_bytes(n70, dtype)
    print(f"{dtype:>5}: {memory.bytes_per_param(dtype):>4} B/param  {format_si(size, 'B'):>8}  {format_binary(size):>9}")

# %% [markdown]
# An H100 has 80 GB. In bf16 the 70B model needs two of them for the weights alone; in int4 it
# fits on one (notebook 05 shows what quantization costs in accuracy).

# %%
h100 = hardware.get_gpu("H100 SXM")
assert round(n70 / 1e9, 2) == 68.98
assert memory.weights_bytes(n70, "bf16") > h100.memory_bytes > memory.weights_bytes(n70, "int4")
assert memory.weights_bytes(n70, "int4") == memory.weights_bytes(n70, "fp32") / 8

# %% [markdown]
# ## 5. Training memory: 16 bytes per parameter, plus activations
#
# Training keeps much more than the weights. With mixed precision and Adam (ZeRO paper,
# Rajbhandari et al. 2020, arXiv:1910.02054, Sec. 3.1), per parameter:
# 16-bit weights (2 B) + 16-bit gradients (2 B) + an fp32 master copy, fp32 momentum and fp32
# variance (4 + 4 + 4 B) = **16 bytes**. The example of the paper's Figure 1, a 7.5B-parameter model
# without sharding:

# %%
zero_example = memory.training_memory(7.5e9, optimizer="adam", mixed_precision=True)
{part: format_si(value, "B") for part, value in zero_example.items()}

# %%
assert zero_example["total"] == 120e9  # ZeRO paper, Figure 1: baseline "120GB" for 7.5B parameters

# %% [markdown]
# Then come the **activations** that the backward pass needs, which grow with sequence length and
# batch. `memory.activation_bytes` uses the per-layer formulas of Korthikanti et al. 2022
# (arXiv:2205.05198). Without recomputation the attention scores (heads × tokens² per layer)
# dominate; *selective* recomputation drops them (FlashAttention-style kernels never store them
# either); *full* recomputation keeps only each layer's input. For Llama-2 7B, one sequence of
# 4096 tokens:

# %%
{mode: format_si(memory.activation_bytes("Llama-2 7B", 4096, 1, mode), "B") for mode in memory.CHECKPOINTING}

# %% [markdown]
# Stacked per checkpointing mode, against one 80 GB H100: even with full recomputation, full
# fine-tuning of a 7B model with Adam does not fit on one GPU without sharding (notebook 07).

# %%
# extra code – the training-memory widget's chart at its defaults
fig, ax = plt.subplots(figsize=(6.0, 3.4), dpi=80)
mp.plot_memory_breakdown(ax, memory.training_memory_by_checkpointing("Llama-2 7B"), h100.memory_bytes,
                         "one H100 SXM (80 GB)", "selective")
plt.show()

# %% [markdown]
# Change the model, optimizer and settings yourself:

# %%
mp.training_memory_view()

# %% [markdown]
# **Try this:**
# - Checkpointing *none* → *selective* → *full*: only the purple activations change (212 → 126 →
#   109 GB in total for the defaults); weights, gradients and optimizer states stay at 108 GB.
# - Optimizer *sgd*: 8 bytes/param instead of 16. *sgd_momentum*: 12.
# - Untick mixed precision with Adam: still 16 bytes/param (fp32 weights 4 + gradients 4 +
#   momentum and variance 8). Mixed precision saves time and activation memory, not optimizer
#   state. (This calculator assumes 16-bit activations in both cases.)
# - Checkpointing *none*, micro batch 8: the activations dwarf everything else.
# - GPT-2 small: about 3 GB at the defaults; small models are easy.

# %%
llama7_bars = memory.training_memory_by_checkpointing("Llama-2 7B")
assert [round(bar["total"] / 1e9) for bar in llama7_bars.values()] == [212, 126, 109]  # none, selective, full
assert round((llama7_bars["full"]["total"] - llama7_bars["full"]["activations"]) / 1e9) == 108
assert round(llama7_bars["selective"]["activations"] / 1e9) == 18  # used in the myth check below
assert [memory.training_memory(1, optimizer=o)["total"] for o in ("sgd", "sgd_momentum")] == [8, 12]
assert memory.training_memory(1, mixed_precision=False)["total"] == 16
assert round(memory.training_memory_by_checkpointing("GPT-2 small")["selective"]["total"] / 1e9) == 3

# %% [markdown]
# ## 6. The KV cache and grouped-query attention
#
# When a model generates text it keeps, for every past token, one key and one value vector per KV
# head in every layer: 2 × layers × KV heads × head size × bytes. For Llama-2 13B in fp16:

# %%
kv13 = memory.kv_cache_bytes("Llama-2 13B", seq_len=1, batch=1, dtype="fp16")
kv13, format_binary(kv13)

# %% [markdown]
# 819,200 bytes = 800 KiB per token. The vLLM paper (Kwon et al. 2023, arXiv:2309.06180, Sec. 3)
# computes the same "800 KB" for OPT-13B, which has the same width (5120) and depth (40 layers).
# Llama-2 70B uses **grouped-query attention** (GQA): its 64 query heads share 8 KV heads, so its
# cache per token is smaller than the 13B model's. A variant with one KV head per query head (MHA)
# shows what GQA saves:

# %%
llama70_mha = dataclasses.replace(llama70, name="Llama-2 70B without GQA", n_kv_heads=llama70.n_heads)
kv70 = memory.kv_cache_bytes(llama70, 1, 1)
kv70_mha = memory.kv_cache_bytes(llama70_mha, 1, 1)
format_binary(kv70), format_binary(kv70_mha)

# %% [markdown]
# For a batch of 8 sequences of 4096 tokens: about 11 GB with GQA, 86 GB without, more than a
# whole H100.

# %%
format_si(memory.kv_cache_bytes(llama70, 4096, 8), "B"), format_si(memory.kv_cache_bytes(llama70_mha, 4096, 8), "B")

# %%
assert kv13 == 800 * 2**10  # vLLM paper: 800 KB (KiB) per token for a 5120-wide, 40-layer model
assert kv70 == 320 * 2**10 and kv70_mha == 8 * kv70
assert memory.kv_cache_bytes(llama70_mha, 4096, 8) > h100.memory_bytes
assert round(memory.kv_cache_bytes(llama70, 4096, 8) / 1e9) == 11 and round(memory.kv_cache_bytes(llama70_mha, 4096, 8) / 1e9) == 86

# %% [markdown]
# ## 7. Memory bandwidth: why decoding is memory-bound
#
# Generating one token runs the whole model, so **every weight is read from memory once per
# step**. At batch 1 that is 2 FLOP per weight for 2 bytes read (bf16): far too little arithmetic
# per byte to keep the Tensor Cores busy (the roofline of notebook 01). The upper bound is
# bandwidth / bytes read. For Llama-2 7B in bf16 on an H100 (3.35 TB/s):

# %%
compute.decode_tokens_per_second("Llama-2 7B", "H100 SXM", "bf16", batch=1)

# %% [markdown]
# About 250 tokens/s, however many TFLOPS the GPU has. **Batching** helps: one read of the weights
# serves every sequence in the batch. But each sequence also reads its own KV cache, which does not
# shrink with batching, and it must fit in memory too. Tokens/s summed over the batch, without and
# with a 4096-token context, whether that context fits on one H100, and the compute-bound ceiling:

# %%
for batch in (1, 8, 64, 256):
    short = compute.decode_tokens_per_second("Llama-2 7B", "H100 SXM", "bf16", batch=batch)
    long = compute.decode_tokens_per_second("Llama-2 7B", "H100 SXM", "bf16", batch=batch, seq_len=4096)
    fit = memory.fits("Llama-2 7B", "H100 SXM", dtype="bf16", seq_len=4096, batch=batch)
    print(f"batch {batch:>3}: {short:>8,.0f} tokens/s (short context)  {long:>6,.0f} tokens/s (4096 tokens, "
          f"{'fits' if fit else 'does not fit'})")
print(f"compute-bound ceiling: {compute.decode_compute_bound_tokens_per_second('Llama-2 7B', 'H100 SXM', 'bf16'):,.0f}")

# %% [markdown]
# Short sequences scale almost linearly with the batch until the compute ceiling. With long
# contexts the KV-cache reads take over, and beyond 30 sequences of 4096 tokens (2.1 GB of cache
# each) the cache no longer fits on the GPU at all: capacity, not FLOPS, caps the batch.

# %%
per_step = compute.decode_tokens_per_second("Llama-2 7B", "H100 SXM", "bf16")
assert 240 < per_step < 260  # 13.5 GB of weights / 3.35 TB/s = 4.0 ms per step
assert np.isclose(compute.decode_tokens_per_second("Llama-2 7B", "H100 SXM", "bf16", batch=8), 8 * per_step)
assert round(memory.kv_cache_bytes("Llama-2 7B", 4096, 1, "bf16") / 1e9, 1) == 2.1
assert memory.fits("Llama-2 7B", h100, dtype="bf16", seq_len=4096, batch=30)
assert not memory.fits("Llama-2 7B", h100, dtype="bf16", seq_len=4096, batch=31)

# %% [markdown]
# ## 8. Will it fit?
#
# Put it together: weights in the chosen dtype plus the KV cache for inference; weights, gradients,
# optimizer states and activations for training (with ZeRO sharding over several GPUs). Sizes per
# GPU in GB (datasheet) and GiB (what `nvidia-smi` counts in). The bars compare dtypes
# (inference) or ZeRO stages (training); the dashed line is one GPU.

# %%
mp.fit_view()

# %% [markdown]
# **Try this:**
# - The default, Llama-2 70B in bf16 on one H100: does not fit (139 GB). Two GPUs: 70 GB each, fits.
#   int4 on one GPU: fits.
# - Llama-2 7B in bf16 on an RTX 4090 (24 GB): fits; the details give the longest context a batch
#   of 1 can hold. Raise the batch to 16 and watch it shrink.
# - Mode *training*, Llama-2 7B on 8 H100s: ZeRO-0 does not fit (each GPU holds all 16 bytes/param).
#   ZeRO-3 with full checkpointing: about 15 GB per GPU.
# - GB vs GiB: an "80 GB" H100 is 74.5 GiB. A checkpoint listed as "75 GiB" is 80.5 GB, more than
#   the datasheet's 80 GB: compare like with like.

# %% [markdown]
# The same chart at the widget's defaults:

# %%
# extra code – the fit widget's chart at its defaults
fig, ax = plt.subplots(figsize=(6.0, 3.4), dpi=80)
mp.plot_memory_breakdown(ax, memory.fit_variants(llama70, h100, dtype="bf16", seq_len=4096, batch=1),
                         h100.memory_bytes, "one H100 SXM (80 GB)", "bf16")
plt.show()

# %%
assert not memory.fits(llama70, h100, dtype="bf16") and memory.fits(llama70, h100, dtype="bf16", n_gpus=2)
assert memory.fits(llama70, h100, dtype="int4")
assert format_binary(h100.memory_bytes) == "74.5 GiB"
assert round(memory.fit_report(llama70, h100, dtype="bf16", seq_len=4096)["required_bytes"] / 1e9) == 139
assert round(memory.fit_report(llama70, h100, dtype="bf16", seq_len=4096, n_gpus=2)["required_bytes"] / 1e9) == 70
assert memory.fits("Llama-2 7B", "RTX 4090", dtype="bf16")
training_7b = {"mode": "training", "n_gpus": 8, "seq_len": 4096}
assert not memory.fits("Llama-2 7B", h100, zero_stage=0, **training_7b)
assert round(memory.fit_report("Llama-2 7B", h100, zero_stage=3, checkpointing="full", **training_7b)["required_bytes"]
             / 1e9) == 15
assert format_si(units.parse_quantity("75 GiB"), "B") == "80.5 GB"

# %% [markdown]
# ## Myth check
#
# **"A 10B-parameter model in fp32 takes 10B × 4 bytes = 400 GB."** Compute it:

# %%
format_si(memory.weights_bytes(10e9, "fp32"), "B")

# %% [markdown]
# **Busted: 40 GB.** 10 × 10⁹ × 4 bytes = 4 × 10¹⁰ bytes, and a GB is 10⁹ bytes.
#
# **"A 7B model needs 28 GB to fine-tune."** 28 GB is 7 × 10⁹ × 4 bytes: the fp32 weights and
# nothing else. Full fine-tuning with mixed-precision Adam:

# %%
full_ft = memory.training_memory(7e9, optimizer="adam", mixed_precision=True)
format_si(memory.weights_bytes(7e9, "fp32"), "B"), format_si(full_ft["total"], "B")

# %% [markdown]
# **Busted: 112 GB** (16 bytes/param) before activations, which add about 18 GB for one 4096-token
# sequence with selective recomputation (section 5). Fitting a 7B fine-tune on one 24 GB card takes
# other methods: freezing the weights and training small adapters (LoRA), quantized weights, or
# sharding the state over many GPUs.

# %%
assert memory.weights_bytes(10e9, "fp32") == 40e9
assert memory.weights_bytes(7e9, "fp32") == 28e9 and full_ft["total"] == 112e9

# %% [markdown]
# ## Summary
#
# - A float is **sign | exponent | mantissa**: exponent bits give **range**, mantissa bits
#   **precision**. fp16 tops out at **65504** (70000 → inf); bf16 keeps fp32's range with 8
#   significant bits (70000 → 70144).
# - Small gradients **underflow** in fp16; **loss scaling** by 2^k moves them into range (dynamic
#   scaling backs off on overflow). bf16 needs no scaling.
# - Weights: **params × bytes per value** (10B in fp32 = 40 GB). Training with mixed-precision
#   Adam: **16 bytes/param** (ZeRO paper) **plus activations**, which checkpointing trades for
#   recomputation.
# - KV cache: **2 × layers × KV heads × head size × bytes per token**; Llama-2 13B 800 KiB/token,
#   GQA cuts Llama-2 70B's by 8×.
# - Decoding reads every weight per step: it is **memory-bound** (≈ 250 tokens/s for Llama-2 7B
#   bf16 on an H100 at batch 1); batching amortizes the weight reads.
#
# ## What next
#
# - Practise with the exercises: [exercises/04_memory_and_precision_exercises.ipynb](../exercises/04_memory_and_precision_exercises.ipynb).
# - Next notebook: [05 · Quantization](05_quantization.ipynb): storing weights in int8 and int4,
#   and what it costs in accuracy.
