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
# KV cache. It ends with a calculator that tells you whether a model fits on a GPU, and with three
# claims from the source articles, put to the test.
#
# **Learning objectives**
# - Read a floating-point number as sign, exponent and mantissa, and tell **range** (exponent bits)
#   from **precision** (mantissa bits).
# - Explain why fp16 training needs loss scaling and bf16 training does not.
# - Compute the memory of weights per dtype, and of full training with mixed-precision Adam
#   (16 bytes per parameter, plus activations), and say what activation checkpointing trades.
# - Size a KV cache, with and without grouped-query attention, and explain why decoding is
#   limited by memory bandwidth.
# - Decide whether a model fits on a given GPU, and how many GPUs it takes.
#
# **Estimated time:** 75 min (reading and running about 40, the widgets and Try-this prompts about 35)
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/04_memory_and_precision.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/04_memory_and_precision.ipynb)
#
# **Conventions** (the same in every notebook): sizes in **GB = 10⁹ bytes** as on datasheets, next
# to GiB = 2³⁰ bytes where `nvidia-smi` matters; [notebook 00](00_start_here.ipynb), section 3,
# explains the difference. Terms in the [glossary](../docs/glossary.md) are linked at first use.

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Every number below comes from `course_lib`: the formats module decodes bit patterns, the memory
# module counts bytes, and the widgets are thin views over both.

# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np

from course_lib import compute, formats, hardware, memory, models, quantization
from course_lib.units import format_binary, format_si
from course_lib.widgets import memory_precision as mp

# %% [markdown]
# ## 1. A number, bit by bit
#
# A binary float is stored as **sign | exponent | mantissa**
# ([exponent and mantissa](../docs/glossary.md#exponent-and-mantissa)). Think of scientific notation
# in base 2: the exponent says where the binary point goes (how large the number is), the mantissa
# holds the significant digits. With E exponent bits and M mantissa bits, a normal number is
# (−1)^sign × 2^(exponent − bias) × (1 + mantissa / 2^M), with bias 2^(E−1) − 1 (IEEE 754). Here is
# 0.1 in fp32 (8 exponent bits, 23 mantissa bits):

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
# - Value 1e-8: fp16 stores 0 ([underflow](../docs/glossary.md#underflow-and-overflow)), bf16 keeps it
#   with a 0.1% error. Remember this for section 3.
# - Value 300: fp8_e4m3 stores 288, fp8_e5m2 stores 320: one more exponent bit, one less
#   mantissa bit.
# - int8, value -1: all eight bits are 1 (two's complement). Value 200: saturated to 127.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
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
# The same in one picture: fp32 and [bf16](../docs/glossary.md#bf16) span the same magnitudes (both
# have 8 exponent bits), but bf16's gaps are 2¹⁶ times coarser. [fp16](../docs/glossary.md#fp16) is
# more precise than bf16 but ends at 65504. [tf32](../docs/glossary.md#tf32) is the format in which
# Tensor Cores since Ampere run "fp32" matmuls when the framework allows it (NVIDIA A100
# whitepaper): fp32's range with fp16's 10 mantissa bits.

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
# The two [fp8](../docs/glossary.md#fp8) formats make the same trade in 8 bits: E4M3 (max 448) for
# weights and activations, E5M2 (max 57344) for gradients (Micikevicius et al. 2022, "FP8 Formats for
# Deep Learning", arXiv:2209.05433).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert formats.format_info("fp16").max == 65504
assert fp16_70k.overflow and fp16_70k.stored == np.inf and fp16_70k.bit_string == "0 11111 0000000000"
assert formats.decompose(70000, "bf16").stored == 70144
assert formats.format_info("bf16").min_normal == formats.format_info("fp32").min_normal  # same range
assert formats.format_info("bf16").eps == 2**-7 and formats.format_info("fp16").eps == 2**-10
assert formats.format_info("fp8_e4m3").max == 448 and formats.format_info("fp8_e5m2").max == 57344

# %% [markdown]
# ## 3. Loss scaling: why fp16 training needs it and bf16 does not
#
# Training computes a **gradient** for every weight: how much the loss would change if that weight
# moved a little. Gradients can be tiny. fp16's smallest positive number is 2⁻²⁴ ≈ 6 × 10⁻⁸; anything
# below about half of it underflows to 0 and stops the weight from learning. bf16 reaches 10⁻³⁸.

# %%
small = np.array([1e-3, 1e-6, 1e-8, 1e-10])
formats.round_to(small, "fp16"), formats.round_to(small, "bf16")

# %% [markdown]
# **[Loss scaling](../docs/glossary.md#loss-scaling)** (Micikevicius et al. 2018, "Mixed Precision
# Training", arXiv:1710.03740) multiplies the loss by a factor S; by the chain rule every gradient is
# multiplied by S too. The optimizer keeps an fp32 copy of the weights, the *master weights*, and
# updates it with the gradients divided by S again. Training this way, with 16-bit numbers for speed
# and fp32 where precision matters, is [mixed precision](../docs/glossary.md#mixed-precision). With
# S = 2¹⁶:

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

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
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
    print(f"{dtype:>5}: {memory.bytes_per_param(dtype):>8.4g} B/param  {format_si(size, 'B'):>8}  {format_binary(size):>9}")

# %% [markdown]
# int4 is not exactly half a byte. A 4-bit code alone cannot say how large a weight is, so every
# group of 128 weights also stores one 16-bit **scale** (notebook 05 shows why): 4 + 16 / 128 =
# **4.125 bits** per weight. The whole course counts int4 this way
# ([int4 bits per weight](../docs/glossary.md#int4-bits-per-weight)):

# %%
memory.bytes_per_param("int4") * 8, memory.INT4_GROUP_SIZE

# %% [markdown]
# An H100 has 80 GB. In bf16 the 70B model needs two of them for the weights alone; in int4 it
# fits on one (notebook 05 shows what quantization costs in accuracy). Counted this way, every
# weight in int4, Llama-2 70B is 35.6 GB. Notebook 05's serving counts keep the input embedding and
# the output head in 16 bits, as GPTQ and AWQ checkpoints do: 36.3 GB.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
h100 = hardware.get_gpu("H100 SXM")
assert round(n70 / 1e9, 2) == 68.98 and memory.bytes_per_param("int4") * 8 == 4.125
assert round(memory.weights_bytes(n70, "int4") / 1e9, 1) == 35.6
assert round(quantization.quantized_serving("Llama-2 70B", "H100 SXM", 4, group_size=128)["weights_bytes"] / 1e9, 1) == 36.3
assert memory.weights_bytes(n70, "bf16") > h100.memory_bytes > memory.weights_bytes(n70, "int4")

# %% [markdown]
# ## 5. Training memory: 16 bytes per parameter, plus activations
#
# Training keeps much more than the weights. The **Adam** optimizer remembers two numbers for every
# parameter between steps, a running mean of its gradients (momentum) and of their squares
# (variance): these are its [optimizer states](../docs/glossary.md#optimizer-states). With mixed
# precision and Adam (ZeRO paper, Rajbhandari et al. 2020, arXiv:1910.02054, Sec. 3.1), per
# parameter: 16-bit weights (2 B) + 16-bit gradients (2 B) + an fp32 master copy, fp32 momentum and
# fp32 variance (4 + 4 + 4 B) = **16 bytes**. The example of the paper's Figure 1, a
# 7.5B-parameter model on one GPU:

# %%
zero_example = memory.training_memory(7.5e9, optimizer="adam", mixed_precision=True)
{part: format_si(value, "B") for part, value in zero_example.items()}

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert zero_example["total"] == 120e9  # ZeRO paper, Figure 1: baseline "120GB" for 7.5B parameters
assert models.get_model("Llama-2 7B").gated_mlp and models.get_model("Llama-2 7B").d_ff == 11008

# %% [markdown]
# Then come the **[activations](../docs/glossary.md#activations)**: every layer's intermediate
# results from the forward pass, which the backward pass needs to compute the gradients. They grow
# with the number of tokens: the sequence length times the
# [micro-batch](../docs/glossary.md#micro-batch), the sequences one GPU pushes through one forward and
# backward pass.
#
# `memory.activation_bytes` uses the per-layer count of Korthikanti et al. 2022 (arXiv:2205.05198,
# Sec. 4.1). That count is for **GPT's layer**: standard attention, an MLP of two matrices 4 × d_model
# wide with a GeLU, and dropout. Llama has a SwiGLU MLP (three matrices 11,008 wide, a gate
# multiplying another branch) and no dropout, so it keeps somewhat different tensors; the course
# applies the GPT count with Llama's width, depth and heads, **as an estimate**, not an exact count.
#
# Without recomputation the attention scores (heads × tokens² per layer) dominate. **Activation
# checkpointing** ([glossary](../docs/glossary.md#activation-checkpointing)) keeps only some
# activations, the *checkpoints*, and recomputes the rest during the backward pass, trading about
# one extra forward pass for memory (Chen et al. 2016, "Training Deep Nets with Sublinear Memory
# Cost", arXiv:1604.06174). *Selective* recomputation redoes only the attention scores;
# [FlashAttention](../docs/glossary.md#flashattention), an attention kernel that works tile by tile
# in on-chip memory, never stores them either. *Full* recomputation keeps only each layer's input.
# For Llama-2 7B, one sequence of 4096 tokens:

# %%
{mode: format_si(memory.activation_bytes("Llama-2 7B", 4096, 1, mode), "B") for mode in memory.CHECKPOINTING}

# %% [markdown]
# Stacked per checkpointing mode, against one 80 GB H100: even with full recomputation, full
# fine-tuning of a 7B model with Adam does not fit on one GPU without sharding the state over
# several GPUs (notebook 07).

# %%
# extra code – the training-memory widget's chart at its defaults
h100 = hardware.get_gpu("H100 SXM")
llama7_bars = memory.training_memory_by_checkpointing("Llama-2 7B")
fig, ax = plt.subplots(figsize=(6.0, 3.4), dpi=80)
mp.plot_memory_breakdown(ax, llama7_bars, h100.memory_bytes,
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
#   momentum and variance 8; no master copy needed), but the activations are now stored in fp32:
#   18.5 → 36.0 GB, 144 GB in total. Mixed precision saves activation memory and time, not optimizer
#   state.
# - Checkpointing *none*, micro batch 8: the activations dwarf everything else.
# - GPT-2 small: about 3.7 GB at the defaults; small models are easy.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert [round(bar["total"] / 1e9) for bar in llama7_bars.values()] == [212, 126, 109]  # none, selective, full
assert round((llama7_bars["full"]["total"] - llama7_bars["full"]["activations"]) / 1e9) == 108
assert round(llama7_bars["selective"]["activations"] / 1e9, 1) == 18.5  # used in the myth check below (logits included)
assert [memory.training_memory(1, optimizer=o)["total"] for o in ("sgd", "sgd_momentum")] == [8, 12]
assert memory.training_memory(1, mixed_precision=False)["total"] == 16
fp32_bars = memory.training_memory_by_checkpointing("Llama-2 7B", mixed_precision=False)
assert round(fp32_bars["selective"]["activations"] / 1e9, 1) == 36.0 and round(fp32_bars["selective"]["total"] / 1e9) == 144
assert round(memory.training_memory_by_checkpointing("GPT-2 small")["selective"]["total"] / 1e9, 1) == 3.7

# %% [markdown]
# ## 6. The KV cache and grouped-query attention
#
# In attention, every token's hidden state is projected to three vectors: a **query** (what this
# token looks for), a **key** (what it offers to be found by) and a **value** (what it passes on).
# Each new token compares its query with the keys of all earlier tokens and mixes their values
# according to the match. When a model generates text one token at a time, the keys and values of
# the earlier tokens never change, so it keeps them: the **[KV cache](../docs/glossary.md#kv-cache)**.
# Each layer has several attention heads; a head with its own key and value projections is a
# [KV head](../docs/glossary.md#kv-heads). Per token the cache holds one key and one value vector per
# KV head in every layer: 2 × layers × KV heads × head size × bytes. For Llama-2 13B in fp16:

# %%
kv13 = memory.kv_cache_bytes("Llama-2 13B", seq_len=1, batch=1, dtype="fp16")
kv13, format_binary(kv13)

# %% [markdown]
# 819,200 bytes = 800 KiB per token. The vLLM paper (Kwon et al. 2023, arXiv:2309.06180, Sec. 3)
# computes the same "800 KB" for OPT-13B, which has the same width (5120) and depth (40 layers).
# Llama-2 70B uses **grouped-query attention** (GQA): its 64 query heads share 8 KV heads, 8 query
# heads per KV head, so its cache per token is smaller than the 13B model's. A variant with one KV
# head per query head (standard multi-head attention) shows what GQA saves:

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

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
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
# About 250 tokens/s, however many TFLOPS the GPU has. (By hand, 3.35 TB/s ÷ 13.5 GB gives 249;
# the function reads 13.2 GB per step, because the input embedding table is not read whole: each
# token looks up one row of it.) **Batching** helps: one read of the weights
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
# each) the cache no longer fits on the GPU at all: capacity, not FLOPS, caps the batch. Notebook 06
# (serving) takes this further.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
per_step = compute.decode_tokens_per_second("Llama-2 7B", "H100 SXM", "bf16")
assert 240 < per_step < 260  # 13.5 GB of weights / 3.35 TB/s = 4.0 ms per step
_llama7 = models.get_model("Llama-2 7B")
assert round(2 * _llama7.param_count() / 1e9, 1) == 13.5 and round(3.35e12 / 13.48e9) == 249
_input_table = _llama7.vocab_size * _llama7.d_model  # 32,000 x 4,096 input embedding, looked up row by row
assert round(3.35e12 / per_step / 1e9, 1) == 13.2 and round(2 * (_llama7.param_count() - _input_table) / 1e9, 1) == 13.2
assert np.isclose(compute.decode_tokens_per_second("Llama-2 7B", "H100 SXM", "bf16", batch=8), 8 * per_step)
assert round(memory.kv_cache_bytes("Llama-2 7B", 4096, 1, "bf16") / 1e9, 1) == 2.1
assert memory.fits("Llama-2 7B", h100, dtype="bf16", seq_len=4096, batch=30)
assert not memory.fits("Llama-2 7B", h100, dtype="bf16", seq_len=4096, batch=31)

# %% [markdown]
# ## 8. Will it fit?
#
# Put it together: weights in the chosen dtype plus the KV cache for inference; weights, gradients,
# optimizer states and activations for training. Several GPUs can share the load:
# - **inference**: the weights and the cache are split evenly, as *tensor parallelism* does (each
#   GPU holds a slice of every layer's matrices and of its attention heads; notebook 07);
# - **training**: **ZeRO** (Zero Redundancy Optimizer, Rajbhandari et al. 2020) splits the optimizer
#   states over the data-parallel GPUs (stage 1), then also the gradients (stage 2) and the weights
#   (stage 3), instead of keeping a full copy on every GPU (stage 0).
#
# Sizes are per GPU, in GB and GiB. The bars compare dtypes (inference) or ZeRO stages (training);
# the dashed line is one GPU. The details say how many GPUs it takes, and the longest context one
# GPU can hold.

# %%
mp.fit_view()

# %% [markdown]
# **Try this:**
# - The default, Llama-2 70B in bf16 on one H100: does not fit (139 GB), and the details say the
#   weights alone do not fit, so no context length helps. Two GPUs: 70 GB each, fits. int4 on one
#   GPU: fits (37 GB).
# - Llama-2 7B in bf16 on an RTX 4090 (24 GB): fits; the longest context at batch 1 is about
#   20,000 tokens. Raise the batch to 16: each sequence keeps its own KV cache, so it drops to
#   1,254.
# - GPT-3 175B in int8 on a T4 (16 GB): three counts, each explained. The weights alone need **11**
#   GPUs (the count notebook 05 uses); with the KV cache of one 4096-token sequence, **13**; and a
#   tensor-parallel split has to divide the model's 96 attention heads evenly *and* stay inside one
#   server's link domain. Servers with 4 or 8 T4s on PCIe exist (AWS g4dn.12xlarge and g4dn.metal),
#   but the course's system data has none, so the widget treats a T4 as a single card; and 13 GPUs
#   are more than any T4 server holds. There is **no** split: 16 T4s are not a tensor-parallel group. On 80 GB A100s, 8 to a DGX A100:
#   **3** GPUs, and 3 divides 96.
# - Mode *training*, Llama-2 7B on 8 H100s: ZeRO-0 does not fit (each GPU holds all 16 bytes per
#   parameter). ZeRO-3 with full checkpointing: about 15 GB per GPU.

# %% [markdown]
# The same chart at the widget's defaults:

# %%
# extra code – the fit widget's chart at its defaults
fig, ax = plt.subplots(figsize=(6.0, 3.4), dpi=80)
mp.plot_memory_breakdown(ax, memory.fit_variants(llama70, h100, dtype="bf16", seq_len=4096, batch=1),
                         h100.memory_bytes, "one H100 SXM (80 GB)", "bf16")
plt.show()

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert not memory.fits(llama70, h100, dtype="bf16") and memory.fits(llama70, h100, dtype="bf16", n_gpus=2)
assert memory.weights_bytes(n70, "bf16") > h100.memory_bytes  # the weights alone do not fit
assert round(memory.fit_report(llama70, h100, dtype="int4", seq_len=4096)["required_bytes"] / 1e9) == 37
assert round(memory.fit_report(llama70, h100, dtype="bf16", seq_len=4096)["required_bytes"] / 1e9) == 139
assert round(memory.fit_report(llama70, h100, dtype="bf16", seq_len=4096, n_gpus=2)["required_bytes"] / 1e9) == 70
assert [memory.max_context("Llama-2 7B", "RTX 4090", dtype="bf16", batch=b) for b in (1, 16)] == [20_071, 1_254]
assert memory.fewest_gpus("GPT-3 175B", "T4", dtype="int8", seq_len=4096) == memory.GpuCount(13, 11, None)
assert memory.fewest_gpus("GPT-3 175B", "A100 SXM 80GB", dtype="int8", seq_len=4096) == memory.GpuCount(3, 3, 3)
training_7b = {"mode": "training", "n_gpus": 8, "seq_len": 4096}
assert not memory.fits("Llama-2 7B", h100, zero_stage=0, **training_7b)
assert round(memory.fit_report("Llama-2 7B", h100, zero_stage=3, checkpointing="full", **training_7b)["required_bytes"]
             / 1e9) == 15

# %% [markdown]
# ## Myth checks
#
# The source articles of this course make three claims about memory. Each is tested here with
# `course_lib`.
#
# **"A 10B-parameter model takes 10B × 4 bytes = 400 GB in fp32, 200 GB in fp16 and 100 GB in INT8,
# all more than an A100's 80 GB, so it needs model parallelism."** Compute the three sizes, and which
# single GPUs hold each:

# %%
for dtype in ("fp32", "fp16", "int8"):
    size = memory.weights_bytes(10e9, dtype)
    holders = [name for name in ("T4", "RTX 4090", "A100 SXM 40GB", "A100 SXM 80GB", "H100 SXM")
               if size < hardware.get_gpu(name).memory_bytes]  # with some memory left over
    print(f"{dtype}: {format_si(size, 'B'):>6}  fits on one {', '.join(holders)}")

# %% [markdown]
# **Busted: 40 GB, 20 GB and 10 GB.** 10 × 10⁹ × 4 bytes = 4 × 10¹⁰ bytes, and a GB is 10⁹
# bytes: the article is off by a factor of 10 at the first step, and every conclusion built on it
# falls. Even in fp32 the weights fit on one 80 GB A100 or H100; in fp16 on one A100 or H100 with
# room to spare (or, just, a 24 GB RTX 4090); in INT8 on one RTX 4090 or even a 16 GB T4. No model
# parallelism is needed to run a 10B model (a KV cache comes on top, notebook 06).
#
# **"A 7B model needs 28 GB to fine-tune."** 28 GB is 7 × 10⁹ × 4 bytes: the fp32 weights and
# nothing else. Full fine-tuning with mixed-precision Adam:

# %%
full_ft = memory.training_memory(7e9, optimizer="adam", mixed_precision=True)
format_si(memory.weights_bytes(7e9, "fp32"), "B"), format_si(full_ft["total"], "B")

# %% [markdown]
# **Busted: 112 GB** (16 bytes/param) before activations, which add about 18.5 GB for one 4096-token
# sequence with selective recomputation (section 5). Fitting a 7B fine-tune on one 24 GB card takes
# other methods: freezing the weights and training small added matrices instead (LoRA, notebook 09),
# quantized weights, or sharding the state over many GPUs (ZeRO).
#
# **"Gradient checkpointing (梯度检查点) saves only the necessary gradient information."** Compare the
# gradients and the activations of Llama-2 7B (one 4096-token sequence) under each checkpointing
# mode:

# %%
for mode, parts in llama7_bars.items():
    print(f"{mode:>9}: gradients {format_si(parts['gradients'], 'B'):>7}, activations {format_si(parts['activations'], 'B'):>7}")

# %% [markdown]
# **Busted.** The gradients are the same 13.5 GB in every mode: one per weight, written by the
# backward pass. What checkpointing changes is the **activations**: it keeps a subset of them (each
# layer's input and the output logits, with full recomputation: 1.34 GB instead of 104 GB) and recomputes the rest during
# the backward pass (Chen et al. 2016, arXiv:1604.06174; Korthikanti et al. 2022). The price is
# compute, about one extra forward pass, not gradients.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert memory.weights_bytes(10e9, "fp32") == 40e9 and memory.weights_bytes(10e9, "fp16") == 20e9
assert memory.weights_bytes(10e9, "int8") == 10e9
assert memory.weights_bytes(10e9, "fp32") < hardware.get_gpu("A100 SXM 80GB").memory_bytes
assert memory.weights_bytes(10e9, "fp16") < hardware.get_gpu("RTX 4090").memory_bytes
assert memory.weights_bytes(10e9, "int8") < hardware.get_gpu("T4").memory_bytes
assert memory.weights_bytes(7e9, "fp32") == 28e9 and full_ft["total"] == 112e9
assert len({round(parts["gradients"]) for parts in llama7_bars.values()}) == 1
assert round(llama7_bars["none"]["gradients"] / 1e9, 1) == 13.5
assert round(llama7_bars["full"]["activations"] / 1e9, 2) == 1.34 and round(llama7_bars["none"]["activations"] / 1e9) == 104

# %% [markdown]
# ## Summary
#
# - A float is **sign | exponent | mantissa**: exponent bits give **range**, mantissa bits
#   **precision**. fp16 tops out at **65504** (70000 → inf); bf16 keeps fp32's range with 8
#   significant bits (70000 → 70144).
# - Small gradients **underflow** in fp16; **loss scaling** by 2^k moves them into range (dynamic
#   scaling backs off on overflow). bf16 needs no scaling.
# - Weights: **params × bytes per value** (10B: 40 GB in fp32, 20 GB in fp16, 10 GB in INT8, each on
#   one GPU). int4 counts **4.125 bits** per weight, scales included.
# - Training with mixed-precision Adam: **16 bytes/param** (ZeRO paper) **plus activations**, which
#   checkpointing trades for recomputation; it keeps fewer activations, not fewer gradients.
# - KV cache: **2 × layers × KV heads × head size × bytes per token**; Llama-2 13B 800 KiB/token,
#   GQA cuts Llama-2 70B's by 8×.
# - Decoding reads every weight per step: it is **memory-bound** (≈ 250 tokens/s for Llama-2 7B
#   bf16 on an H100 at batch 1); batching amortizes the weight reads.
# - How many GPUs: the memory count, the weights-only count and a tensor-parallel count that divides
#   the attention heads can differ; the fit widget shows all three.
#
# ## What next
#
# - Practise with the exercises: [exercises/04_memory_and_precision_exercises.ipynb](../exercises/04_memory_and_precision_exercises.ipynb).
# - Next notebook: [05 · Quantization](05_quantization.ipynb): storing weights in int8 and int4,
#   and what it costs in accuracy.
