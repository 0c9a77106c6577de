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
# # 04 · Memory and precision — exercises
#
# Nine exercises on [notebook 04](../notebooks/04_memory_and_precision.ipynb): the memory of
# weights, of full fine-tuning and of a KV cache, the range and precision of 16-bit floats, one
# estimate of your own, and three questions about ideas: predict what the fit widget will show,
# which part of training memory dominates, and what gradient checkpointing stores.
#
# **How to use:** replace each `...` with your answer (a number in the unit the question asks for,
# or for a multiple-choice question the option as a string, e.g. `"A"`) and run the cell. `ex1.check(answer)` says ✓ *correct*, ✗ *not yet* (with what looks off) or ✎ *not
# attempted*. Stuck? Uncomment `ex1.hint()` (run it again for a more specific hint) or
# `ex1.solution()`.
#
# **Conventions:** sizes are asked in GB (10⁹ bytes; GB vs GiB is in
# [notebook 00](../notebooks/00_start_here.ipynb)). int4 weights take 4.125 bits each: 4-bit codes plus
# one 16-bit scale per group of 128 weights (notebook 05).
#
# **Estimated time:** 40 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/exercises/04_memory_and_precision_exercises.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/exercises/04_memory_and_precision_exercises.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %%
from course_lib import formats, hardware, memory, models, units  # noqa: F401 - the modules your answers use
from course_lib.checks import progress
from course_lib.checks.memory_precision import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8, ex9
from course_lib.widgets import memory_precision as mp

# %% [markdown]
# ## Exercise 1 · Weights of a 10B model
#
# A model has 10 billion parameters stored in **fp32**. How many **GB** do its weights take?
#
# *Self-check:* less than one H100's 80 GB. Then halve it for fp16 and again for INT8: which single
# GPUs hold those?

# %%
n_params = 10e9
answer = ...  # your code here
ex1.check(answer)

# %%
# ex1.hint()
# ex1.solution()

# %% [markdown]
# ## Exercise 2 · Full fine-tuning of a 7B model
#
# You fine-tune **all** weights of a 7B-parameter model (take N = 7 × 10⁹) with **Adam** and
# **mixed precision** (16-bit weights and gradients, fp32 optimizer states), on one GPU without
# sharding. How many **GB** do the weights, gradients and optimizer states take together? Leave
# out the activations.
#
# *Self-check:* more than 80 GB, so it does not fit on one H100 even before activations.

# %%
n_params = 7e9
state = ...  # your code here
answer = ...  # your code here
ex2.check(answer)

# %%
# ex2.hint()
# ex2.solution()

# %% [markdown]
# ## Exercise 3 · The KV cache of Llama-2 70B
#
# A server runs Llama-2 70B with a batch of **8 sequences of 4096 tokens** each and keeps the KV
# cache in **fp16**. How many **GB** does the cache take? The model's shape is in
# `models.get_model("Llama-2 70B")` (look at `n_layers`, `n_heads`, `n_kv_heads`, `head_dim`).
#
# *Self-check:* Llama-2 70B uses grouped-query attention; the answer is between 5 and 20 GB.

# %%
llama70 = models.get_model("Llama-2 70B")
answer = ...  # your code here
ex3.check(answer)

# %%
# ex3.hint()
# ex3.solution()

# %% [markdown]
# ## Exercise 4 · The largest fp16 number
#
# What is the **largest finite number** fp16 can store (a plain number, exact)? With it, decide
# whether an activation of 70000 survives a cast to fp16.
#
# *Self-check:* it is below 2¹⁶ = 65536. `formats.decompose(70000, "fp16")` shows what happens to
# 70000.

# %%
answer = ...  # your code here
ex4.check(answer)

# %%
# ex4.hint()
# ex4.solution()

# %% [markdown]
# ## Exercise 5 · Range is not precision
#
# bf16 has the range of fp32, so 70000 does not overflow. Which number does **bf16 actually
# store** for 70000 (exact)?
#
# *Self-check:* bf16 keeps 8 significant bits; the answer is a multiple of 512 and within 1% of
# 70000.

# %%
answer = ...  # your code here
ex5.check(answer)

# %%
# ex5.hint()
# ex5.solution()

# %% [markdown]
# ## Exercise 6 · Estimate it yourself: the largest model for a 24 GB card
#
# You have one **RTX 4090 (24 GB)** and quantize the weights to **int4** (4.125 bits per weight,
# scales included). Estimate the largest model, in **billions of parameters**, you could serve.
# Decide how much to set aside for the KV cache and the runtime, and write down why. Any estimate
# from the weights-only limit down to 1/1.6 of it counts; nothing above the limit can fit.
#
# *Self-check:* 24 GB / about half a byte per weight; your answer is below 48.
#

# %%
reserve_gb = ...  # your code here
answer = ...  # your code here
ex6.check(answer)

# %%
# ex6.hint()
# ex6.solution()

# %% [markdown]
# ## Exercise 7 · Predict, then move the slider: the longest context at batch 16
#
# The fit widget below shows Llama-2 7B in bf16 on one RTX 4090 (24 GB) at batch 1: the details
# give the longest context that fits, about 20,000 tokens. You raise the batch to **16
# sequences**. Predict the longest context:
#
# - **A**: about the same: the weights did not change.
# - **B**: about 16 times shorter.
# - **C**: about 4 times shorter (the square root of 16).
# - **D**: zero: batch 16 does not fit at all.
#
# Answer with the letter, then type 16 into the widget's batch box.

# %%
answer = ...  # your code here
ex7.check(answer)

# %%
mp.fit_view(model="Llama-2 7B", gpu="RTX 4090", dtype="bf16")

# %%
# ex7.hint()
# ex7.solution()

# %% [markdown]
# ## Exercise 8 · Which part of training memory is largest?
#
# Full fine-tuning of Llama-2 7B with mixed-precision Adam on one GPU, one sequence of **4096
# tokens**, **no** activation recomputation. Which part takes the most memory: `"weights"`,
# `"gradients"`, `"optimizer states"` or `"activations"`? Reason it out, then check with the
# training-memory widget below (checkpointing *none*).

# %%
answer = ...  # your code here
ex8.check(answer)

# %%
mp.training_memory_view(checkpointing="none")

# %%
# ex8.hint()
# ex8.solution()

# %% [markdown]
# ## Exercise 9 · What does gradient checkpointing store?
#
# A source article says gradient checkpointing (梯度检查点) "only saves the necessary gradient
# information". Which description is right?
#
# - **A**: it keeps only a subset of the gradients and drops the others.
# - **B**: it keeps a subset of the forward pass's activations and recomputes the others during the
#   backward pass.
# - **C**: it moves the optimizer states to CPU memory or disk.
# - **D**: it stores the weights in 8 bits during training.

# %%
answer = ...  # your code here
ex9.check(answer)

# %%
# ex9.hint()
# ex9.solution()

# %% [markdown]
# ## Your progress

# %%
progress(EXERCISES)
