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
# # 06 · Serving LLMs — solutions
#
# Nine exercises on [notebook 06](../notebooks/06_serving.ipynb): the time to the first token and
# between tokens, batching, how many users fit, the KV cache of latent attention, speculative
# decoding, and three predict-then-check questions.
#
# **How to use:** replace each `...` with your answer and run the cell. `ex1.check(answer)` says
# ✓ *correct*, ✗ *not yet* (with what looks off) or ✎ *not attempted*. Stuck? Uncomment
# `ex1.hint()` (run it again for a more specific hint) or `ex1.solution()`. For the multiple-choice
# questions, answer with one of the options as text, e.g. `"prefill"`.
#
# **Conventions:** GB = 10⁹ bytes; TFLOPS are dense bf16 Tensor Core rates; a multiply-add is 2 FLOP;
# 16-bit weights are 2 bytes. Times are roofline bounds, as in the notebook.
#
# Exercises:
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/06_serving_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/06_serving_exercises.ipynb)
# <!-- BEGIN SOLUTION -->
#
# Solutions (this notebook):
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/solutions/06_serving_solutions.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/solutions/06_serving_solutions.ipynb)
# <!-- END SOLUTION -->

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
from course_lib import hardware, memory, models, serving, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.serving import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8, ex9

# %% [markdown]
# ## Exercise 1 · Time to first token
#
# Llama-2 7B (6.74 × 10⁹ parameters) reads a **1,024-token prompt** on one **H100 SXM** (989.5
# dense bf16 TFLOPS, 3,350 GB/s). Estimate the **time to first token** in **ms**, assuming the
# prefill runs at the dense peak. Decide first: is the prefill limited by FLOPs or by bytes?
#
# *Self-check:* between 10 and 20 ms.

# %%
### BEGIN SOLUTION
flop = 2 * 6.74e9 * 1024  # 2 FLOP per parameter per prompt token
answer = 1000 * flop / 989.5e12  # 13.9 ms; reading the weights once would take only 4.0 ms
### END SOLUTION
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · One user's speed
#
# Llama-3 8B (8.03 × 10⁹ weights, 16-bit) generates tokens for **one user** on an **RTX 4090**
# (1,008 GB/s, 165 dense bf16 TFLOPS). Estimate its **tokens per second**.
#
# *Self-check:* tens of tokens per second, not thousands.

# %%
llama3 = models.get_model("Llama-3 8B")
### BEGIN SOLUTION
table = llama3.vocab_size * llama3.d_model  # the input embedding: looked up, one row per token
answer = 1008e9 / (2 * (llama3.param_count() - table))  # 67 tokens/s (63 if the whole table is counted)
### END SOLUTION
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · Predict, then check: when does batching stop being free?
#
# Llama-2 13B decodes on an **H100 SXM** with short caches. **Predict** the batch size at which a
# decode step turns compute-bound; then check with `serving.crossover_batch`. Any answer within 10%
# counts.
#
# *Self-check:* you met this number in notebook 01.

# %%
### BEGIN SOLUTION
h100 = hardware.get_gpu("H100 SXM")
answer = h100.peak_flops("bf16") / h100.memory_bandwidth_bytes_per_s  # the ridge point: 295
print(serving.crossover_batch(serving.deployment("Llama-2 13B", "H100 SXM"), context=0))  # 296
### END SOLUTION
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · How many conversations fit?
#
# Llama-2 70B is served in **4 bits** (4.125 bits per weight with its scales; embedding and output
# head in 16 bits) on **one H100 SXM** (80 GB). How many conversations of **4,096 tokens** fit their
# KV cache (16-bit) beside the weights? Activations and the CUDA context are ignored.
#
# *Self-check:* a few dozen.

# %%
dep = serving.deployment("Llama-2 70B", "H100 SXM", weight_bits=4.125)
### BEGIN SOLUTION
free = 80e9 - serving.weight_bytes(dep)  # 80 - 36.3 GB
per_conversation = 4096 * memory.kv_cache_bytes("Llama-2 70B", 1, 1)  # 4096 x 327,680 bytes (8 KV heads)
answer = int(free // per_conversation)  # 32
### END SOLUTION
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · The cache of latent attention
#
# DeepSeek-V3 uses multi-head latent attention: per layer and per token it caches one latent vector of
# 512 numbers and one rotary key of 64 numbers, shared by all 128 heads. It has 61 layers. How many
# **bytes** per token does its KV cache take in **bf16**?
#
# *Self-check:* under 100 KB.

# %%
### BEGIN SOLUTION
answer = 61 * (512 + 64) * 2  # 70,272 bytes
### END SOLUTION
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Speculative decoding
#
# A draft model proposes **3 tokens**; the large model accepts each with probability **α = 0.7**
# (independently), keeps the drafts up to the first rejection and adds one token of its own. How many
# **tokens** does one check produce on average?
#
# *Self-check:* between 1 and 4.

# %%
### BEGIN SOLUTION
answer = sum(0.7**k for k in range(4))  # 1 + 0.7 + 0.49 + 0.343 = 2.533
### END SOLUTION
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Exercise 7 · Predict: which phase gains from TFLOPS?
#
# The H100 PCIe has 2.4× the TFLOPS of the A100 SXM and 2% less memory bandwidth. For Llama-2 7B with
# a 2,048-token prompt, which phase does it speed up most: `"prefill"`, `"decode"` or
# `"both equally"`? Answer before you compute.

# %%
### BEGIN SOLUTION
answer = "prefill"  # compute-bound; decode is memory-bound and follows GB/s
### END SOLUTION
ex7.check(answer)

# %%
# ex7.hint()
# ex7.solution()

# %% [markdown]
# ## Exercise 8 · Predict: speculation at a large batch
#
# Llama-2 7B drafts 4 tokens for Llama-2 70B, split over two H200s (α = 0.8). At batch 1 this is 2.0×
# faster.
# Is it faster at **batch 256**? Answer `"yes"` or `"no"`, then check with `serving.speculative_decode`.

# %%
### BEGIN SOLUTION
answer = "no"  # the check of 5 tokens x 256 sequences is compute-bound: about 5 normal steps
target = serving.deployment("Llama-2 70B", "H200 SXM", n_gpus=2)
draft = serving.deployment("Llama-2 7B", "H200 SXM")
print(serving.speculative_decode(target, draft, 0.8, 4, batch=256).speedup)  # 0.62
### END SOLUTION
ex8.check(answer)

# %%
# ex8.hint()
# ex8.solution()

# %% [markdown]
# ## Exercise 9 · Predict: contiguous KV reservation
#
# A server reserves **4,096 tokens** of KV cache for every sequence; the sequences hold **600 tokens**
# on average. About what share of the reserved memory is wasted: `"15%"`, `"50%"` or `"85%"`?

# %%
### BEGIN SOLUTION
answer = "85%"  # 1 - 600 / 4096
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
