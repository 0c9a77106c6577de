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
# # 06 · Serving LLMs
#
# Most GPU hours now go to *answering* requests, not to training. A chat server takes a prompt, reads
# it, then writes the answer one token at a time, for thousands of users at once. This notebook takes
# one request apart, then a whole server: what sets the wait for the first word, what sets the
# speed of the words after it, why servers batch users together, how the KV cache is managed, and
# how a small model can speed up a large one.
#
# **Learning objectives**
# - Split a request into prefill (time to first token) and decode (time per output token), and say
#   which one FLOPS limit and which one memory bandwidth limits.
# - Move the batch size along the throughput–latency curve; find where decoding turns compute-bound
#   and how many sequences the memory holds.
# - Size the KV cache for GQA, MQA, MLA, a sliding window and an 8-bit cache.
# - Run a server simulation and explain what continuous batching and PagedAttention buy.
# - Estimate the speed-up of speculative decoding, and when it disappears.
# - Test two claims: "more TFLOPS means faster chat" and "batch 1 is the fair benchmark".
#
# **Estimated time:** 60 min
#
# [Open in Colab](https://colab.research.google.com/github/gpu-llm-course/gpu-hardware-for-llms/blob/main/notebooks/06_serving.ipynb) · [Launch on Binder](https://mybinder.org/v2/gh/gpu-llm-course/gpu-hardware-for-llms/main?urlpath=lab/tree/notebooks/06_serving.ipynb)

# %% tags=["active-ipynb"]
# import sys
# if "google.colab" in sys.modules:  # Colab: install the course library (Colab already has ipywidgets)
#     %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms@main"

# %% [markdown]
# Every number below comes from `course_lib.serving`. Conventions: GB = 1e9 bytes, TFLOPS are dense
# bf16 Tensor Core rates (never 2:4 sparse), a multiply-add is 2 FLOP, and times are **roofline
# bounds**: each step takes the longer of *FLOP ÷ peak FLOP/s* and *bytes ÷ memory bandwidth*
# (notebook 01). Real software reaches a fraction of both; section 10 shows how much.

# %%
import dataclasses

from IPython.display import HTML

from course_lib import hardware, memory, models, serving, topology, units
from course_lib.widgets import serving as views

# %% [markdown]
# ## 1. One request, two phases
#
# A request is answered in two phases.
# - **[Prefill](../docs/glossary.md#prefill)**: the model reads the whole prompt in one pass, all
#   its tokens side by side, and produces the first output token. The wait until then is the
#   **[time to first token (TTFT)](../docs/glossary.md#ttft)**.
# - **[Decode](../docs/glossary.md#decode)**: the model writes the answer one token per step.
#   Each step runs the whole model again for one new token, so the speed a user sees is set by the
#   **[time per output token (TPOT)](../docs/glossary.md#tpot)**.
#
# Each decode step must attend to every earlier token. Instead of recomputing their keys and
# values, the server keeps them in GPU memory: the **[KV cache](../docs/glossary.md#kv-cache)**
# (notebook 04, section 6). Take Llama-2 7B in bf16 on one A100 and a 2,048-token prompt:

# %%
a100 = serving.deployment("Llama-2 7B", "A100 SXM 80GB")
first = serving.prefill(a100, prompt_tokens=2048)
step = serving.decode_step(a100, batch=1, context=2048)
print(f"prefill: {first.flops / 1e12:.1f} TFLOP, {(first.weight_bytes + first.kv_bytes) / 1e9:.1f} GB moved "
      f"-> {1000 * first.seconds:.1f} ms, {first.bound}-bound")
print(f"one decode step: {step.flops / 1e9:.1f} GFLOP, {(step.weight_bytes + step.kv_bytes) / 1e9:.1f} GB moved "
      f"-> {1000 * step.seconds:.2f} ms, {step.bound}-bound")

# %% [markdown]
# The prefill does about 1,900 FLOP per byte it moves: every weight read from memory is used by 2,048
# tokens. A decode step does 1 FLOP per byte: 2 FLOP per weight for one token, and 2 bytes per weight.
# The A100's ridge point (notebook 01) is 153 FLOP per byte, so the prefill waits for the Tensor
# Cores and the decode step waits for memory.

# %%
prefill_intensity = first.flops / (first.weight_bytes + first.kv_bytes)
decode_intensity = step.flops / (step.weight_bytes + step.kv_bytes)
round(prefill_intensity), round(decode_intensity, 2)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(first.flops / 1e12, 1) == 27.6 and round(1000 * first.seconds, 1) == 88.5 and first.bound == "compute"
assert round(1000 * step.seconds, 2) == 7.01 and step.bound == "memory"
assert 1900 < prefill_intensity < 2000 and round(decode_intensity) == 1

# %% [markdown]
# Drag the sliders: the prompt length moves the orange prefill, the output length the blue decode.
# The headline gives TTFT, TPOT and the time of the whole answer.

# %%
views.request_view(model="Llama-2 7B", gpu="A100 SXM 80GB", prompt_tokens=2048, output_tokens=256)

# %% [markdown]
# **Try this:**
# - Shrink the prompt to 128 tokens. The prefill turns **memory-bound**: it still reads all 13.2 GB
#   of weights, now for only 128 tokens, so TTFT stops shrinking at about 6.5 ms.
# - Grow the output to 2,048 tokens. Each step also reads the growing KV cache, so TPOT creeps up.
# - Pick Llama-2 70B: its 138 GB of bf16 weights do not fit on one 80 GB A100. Choose 2 GPUs
#   (tensor parallel, section 6) or 4-bit weights.

# %% [markdown]
# ## 2. Myth check: "more TFLOPS means faster chat"
#
# The H100 PCIe has 2.4× the dense bf16 TFLOPS of the A100 SXM (756.5 vs 312) and slightly *less*
# memory bandwidth (2,000 vs 2,039 GB/s). Serve the same request on both:

# %%
for name in ("A100 SXM 80GB", "H100 PCIe"):
    print(views.timeline_summary(serving.deployment("Llama-2 7B", name), prompt_tokens=2048, output_tokens=256))

# %% [markdown]
# The first token comes 2.4× sooner on the H100 PCIe: the prefill is compute-bound and follows
# TFLOPS. Every token after it comes slightly *later*: decode follows bandwidth. A chat user
# mostly watches the decode. **Verdict: false for the words after the first one.** More TFLOPS shorten
# the wait for the first token (and help large batches, section 3); faster chat at small batch
# needs more GB/s.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_a = serving.timeline(serving.deployment("Llama-2 7B", "A100 SXM 80GB"), 2048, 256)
_h = serving.timeline(serving.deployment("Llama-2 7B", "H100 PCIe"), 2048, 256)
assert round(_a.ttft_s / _h.ttft_s, 1) == 2.4 and _h.tpot_s > _a.tpot_s
assert hardware.get_gpu("H100 PCIe").peak_tflops("bf16") / hardware.get_gpu("A100 SXM 80GB").peak_tflops("bf16") > 2.4

# %% [markdown]
# ## 3. Batching: one weight read for many users
#
# A decode step reads every weight once, whether it makes one token or a hundred. A server
# therefore advances many sequences together, a **batch**: 64 users cost one read of the weights
# plus 64 small KV caches. Throughput (tokens per second, all users together) grows with the
# batch; each user's speed (1 / TPOT) falls a little. Once a step has enough work per byte it turns
# compute-bound, and from there more users only slow everyone down.
#
# The step is compute-bound once batch × FLOP per token ÷ peak ≥ bytes ÷ bandwidth. For Llama-2 7B
# with short caches on an A100 that is:

# %%
serving.crossover_batch(a100, context=0)

# %% [markdown]
# 154 sequences: about the A100's ridge point (153 FLOP per byte), because each sequence adds 2
# FLOP per weight while the weights are read once. With 4,096 cached tokens per sequence the answer
# is `None`: the KV cache, read once per sequence, grows as fast as the FLOP do, and memory (2.1 GB of
# cache per sequence) runs out first. How many such sequences fit beside the weights:

# %%
serving.crossover_batch(a100, context=4096), serving.max_batch(a100, tokens_per_sequence=4096)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert serving.crossover_batch(a100, 0) == 154 and serving.crossover_batch(a100, 4096) is None
assert serving.max_batch(a100, 4096) == 30

# %% [markdown]
# Move the batch along the curve: each point is one batch size, from 1 to 1,024. Hollow points do not
# fit in memory.

# %%
views.batch_view(model="Llama-2 7B", gpu="A100 SXM 80GB", batch=1, context=1024)

# %% [markdown]
# **Try this:**
# - Predict first: at batch 64, how much slower is each user than at batch 1? With 1,024 tokens
#   in every cache, about 70% slower (43 against 148 tokens/s), for 18× the total throughput: each
#   sequence reads its own cache. Set the cache to 128 tokens: now only about 24% slower, for 49×.
# - Switch to Llama-3 8B. [GQA](../docs/glossary.md#kv-heads) gives it a 4× smaller KV cache per token, so
#   far more sequences fit and the curve reaches higher throughput.
# - Set the cache to 128 tokens and find the batch where the step turns compute-bound.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_b = {ctx: {p.batch: p for p in serving.batch_curve(a100, ctx, [1, 64])} for ctx in (128, 1024)}
assert [round(_b[1024][b].per_user_tokens_per_second) for b in (1, 64)] == [148, 43]
assert round(_b[1024][64].tokens_per_second / _b[1024][1].tokens_per_second) == 18
assert round(1 - _b[128][64].per_user_tokens_per_second / _b[128][1].per_user_tokens_per_second, 2) == 0.24
assert round(_b[128][64].tokens_per_second / _b[128][1].tokens_per_second) == 49

# %% [markdown]
# ## 4. Myth check: "batch 1 is the fair benchmark"
#
# Reviews often compare GPUs on one user's tokens per second. Compare the A100 and the H100 PCIe on
# Llama-3 8B with 256 cached tokens, at batch 1 and at batch 512:

# %%
for name in ("A100 SXM 80GB", "H100 PCIe"):
    dep = serving.deployment("Llama-3 8B", name)
    one, many = (serving.decode_step(dep, batch, context=256) for batch in (1, 512))
    print(f"{name:14}: batch 1 {one.tokens_per_second:6,.0f} tokens/s ({one.bound}-bound), "
          f"batch 512 {many.tokens_per_second:7,.0f} tokens/s ({many.bound}-bound)")

# %% [markdown]
# At batch 1 the two are within 2% (the A100 ahead, by bandwidth). At batch 512 the A100 has hit its
# compute ceiling and the H100 PCIe serves 54% more. **Verdict: false.** Batch 1 measures one
# user's latency, not what a server earns; a fair benchmark states the batch (or the arrival rate)
# and the latency it kept, as MLPerf Inference's server scenario does with its TTFT and TPOT limits.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_rates = {g: [serving.decode_step(serving.deployment("Llama-3 8B", g), b, 256).tokens_per_second for b in (1, 512)]
          for g in ("A100 SXM 80GB", "H100 PCIe")}
assert 1 < _rates["A100 SXM 80GB"][0] / _rates["H100 PCIe"][0] < 1.02
assert round(_rates["H100 PCIe"][1] / _rates["A100 SXM 80GB"][1] - 1, 2) == 0.54
assert serving.max_batch(serving.deployment("Llama-3 8B", "A100 SXM 80GB"), 512) >= 512

# %% [markdown]
# ## 5. How big is the KV cache? GQA, MQA, MLA, windows, 8 bits
#
# Per token the cache holds a key and a value per layer and per KV head. Models shrink it in four
# ways: fewer KV heads ([GQA](../docs/glossary.md#kv-heads); one head is [MQA](../docs/glossary.md#mqa)),
# one compressed latent shared by all heads ([MLA](../docs/glossary.md#mla), DeepSeek-V2/V3),
# keeping only the last *w* tokens ([sliding window](../docs/glossary.md#sliding-window-attention),
# Mistral 7B: 4,096), or storing it in 8 bits. Bytes per token, and for a 32,768-token
# conversation:

# %%
llama70 = models.get_model("Llama-2 70B")
variants = {
    "Llama-2 70B with 64 KV heads (MHA)": (dataclasses.replace(llama70, n_kv_heads=64), "bf16"),
    "Llama-2 70B, 8 KV heads (GQA)": (llama70, "bf16"),
    "Llama-2 70B with 1 KV head (MQA)": (dataclasses.replace(llama70, n_kv_heads=1), "bf16"),
    "Llama-2 70B, GQA, fp8 cache": (llama70, "fp8"),
    "DeepSeek-V3 (MLA)": ("DeepSeek-V3", "bf16"),
    "Mistral 7B (window 4,096)": ("Mistral 7B", "bf16"),
}
for label, (model, kv_dtype) in variants.items():
    per_token = memory.kv_cache_bytes(model, 1, 1, kv_dtype)
    long = memory.kv_cache_bytes(model, 32_768, 1, kv_dtype)
    print(f"{label:36} {units.format_binary(per_token):>10} per token, {units.format_si(long, 'B'):>8} at 32K")

# %% [markdown]
# MLA keeps 576 numbers per token per layer (a 512-wide latent and a 64-wide rotary key) for all
# 128 heads of DeepSeek-V3; Mistral's window stops the cache at 4,096 tokens. These savings decide
# how many users a GPU serves at once.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert memory.kv_cache_bytes(llama70, 1, 1, "bf16") == 327_680 and memory.kv_cache_bytes("DeepSeek-V3", 1, 1) == 70_272
assert memory.kv_cache_bytes("Mistral 7B", 32_768, 1) == memory.kv_cache_bytes("Mistral 7B", 4096, 1)

# %% [markdown]
# The weights must fit too. DeepSeek-V3 has 671 B parameters (37 B used per token, a mixture of
# experts); in fp8 that is 671 GB, more than one 8-GPU H100 or H800 server holds (8 × 80 GB). DeepSeek
# serves it across many servers with expert parallelism: 18 servers of 8 H800s per decoding unit,
# averaging 14.8 k output tokens per second per server at 20–22 tokens per second per user
# (DeepSeek, *DeepSeek-V3/R1 Inference System Overview*, 2025,
# github.com/deepseek-ai/open-infra-index). The single-server model of this notebook cannot
# represent that deployment. Llama-3.1 405B in fp8 (406 GB) does fit one such server:

# %%
for name in ("DeepSeek-V3", "Llama-3.1 405B"):
    dep = serving.deployment(name, "H100 SXM", n_gpus=8, weight_bits=8)
    print(f"{name}: {serving.weight_bytes(dep) / 1e9:,.0f} GB in fp8 (16-bit embeddings) on 8 x 80 GB: "
          f"{'fits' if serving.fits(dep) else 'does not fit'}")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_ds = serving.deployment("DeepSeek-V3", "H100 SXM", n_gpus=8, weight_bits=8)
_ll = serving.deployment("Llama-3.1 405B", "H100 SXM", n_gpus=8, weight_bits=8)
assert not serving.fits(_ds) and serving.fits(_ll) and round(serving.weight_bytes(_ll) / 1e9) == 410
assert round(serving.weight_bytes(_ds) / 1e9) == 673

# %% [markdown]
# (The two sizes come out slightly above 671 GB and 406 GB because the embedding and the output
# head stay in 16 bits.)
#
# ## 6. Splitting one copy over GPUs: the all-reduce
#
# When the weights do not fit one GPU, a server splits every weight matrix over several GPUs of
# one server (**tensor parallelism**, notebook 07). Each GPU reads its slice in parallel, so the
# bandwidth adds up, but after the attention and after the MLP of every layer the GPUs must sum
# their partial results: an **all-reduce**, 160 of them per token for Llama-2 70B. Each costs a
# few microseconds of latency, priced here with NCCL's own latency model (6.6 µs plus 0.6 µs
# per ring step over NVLink). Batch-1 decode on H100s:

# %%
for n in (2, 4, 8):
    s = serving.decode_step(serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=n))
    print(f"{n} GPUs: {1000 * s.seconds:5.2f} ms per token, of which all-reduces {1000 * s.allreduce_s:.2f} ms "
          f"({s.allreduce_s / s.seconds:.0%})")

# %% [markdown]
# Eight GPUs read 4× faster than two, but the all-reduce share grows from 6% to 32%: at batch 1,
# tensor parallelism hits diminishing returns. It also stops at the edge of one link domain of the
# server the GPU comes in (8 H100s on NVLink in a DGX H100): `serving.deployment(..., n_gpus=16)`
# refuses, because beyond it every all-reduce would cross InfiniBand. The limit comes from each
# GPU's system in the course's data:

# %%
{gpu: topology.tensor_parallel_limit(gpu) for gpu in ("H100 SXM", "RTX 4090", "T4", "TPU v5e")}

# %% [markdown]
# Four RTX 4090s share a PCIe workstation. Servers with 4 or 8 T4s on PCIe exist (AWS g4dn.12xlarge
# and g4dn.metal), but the course's system data has none, so here a T4 runs alone: 16 T4s are not a
# tensor-parallel group. A TPU v5e pod joins 256 chips over its own links (ICI).

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_tp = {n: serving.decode_step(serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=n)) for n in (2, 8)}
assert round(_tp[2].allreduce_s / _tp[2].seconds, 2) == 0.06 and round(_tp[8].allreduce_s / _tp[8].seconds, 2) == 0.32
assert [topology.tensor_parallel_limit(g) for g in ("H100 SXM", "RTX 4090", "T4", "TPU v5e")] == [8, 4, 1, 256]
assert topology.reference_system("H100 SXM").network().kind == "infiniband"


def _refused(gpu: str, n: int) -> bool:
    try:
        serving.deployment("Llama-2 70B", gpu, n_gpus=n)
    except ValueError as error:
        return str(error).startswith("n_gpus")
    return False


assert all(_refused(gpu, n) for gpu, n in (("H100 SXM", 16), ("T4", 16), ("T4", 2))) and not _refused("RTX 4090", 4)

# %% [markdown]
# ## 7. A whole server: static vs continuous batching
#
# Real requests arrive at random moments ([Poisson arrivals](../docs/glossary.md#poisson-arrivals))
# with prompts and answers of very different lengths. Two ways to batch them:
# - **[Static batching](../docs/glossary.md#static-batching)**: collect a batch, run it until its
#   *longest* answer ends, then take the next. Short answers finish early and sit as padding;
#   new arrivals wait for the whole batch.
# - **[Continuous batching](../docs/glossary.md#continuous-batching)** (Orca, Yu et al., OSDI 2022):
#   before every decode step, finished sequences leave and waiting ones join.
#
# `serving.simulate` plays 1,000 requests (mean 512 prompt tokens, 256 output tokens, exponential
# lengths) through each policy, every step timed by the roofline above:

# %%
common = dict(arrival_rate=3.0, n_requests=1000, prompt_tokens=512, output_tokens=256, seed=0)
for policy in serving.POLICIES:
    r = serving.simulate(a100, policy=policy, **common)
    print(f"{policy:10}: TTFT p50 {r.ttft[50]:6.2f} s, p99 {r.ttft[99]:6.1f} s | TPOT p50 {1000 * r.tpot[50]:5.1f} ms"
          f" | {r.tokens_per_second:5,.0f} tokens/s | queue growing: {r.queue_growing}")

# %% [markdown]
# At 3 requests per second continuous batching answers in tens of milliseconds and keeps up; static
# batching makes users wait seconds for a batch to drain, its queue grows, and it serves fewer
# tokens per second. Now drive the server yourself. The plot shows every request's TTFT in arrival
# order: a flat band means the server keeps up, a ramp means the queue grows.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_cont, _stat = (serving.simulate(a100, policy=p, **common) for p in serving.POLICIES)
assert _cont.ttft[50] < 0.1 and _stat.ttft[50] > 1 and _stat.queue_growing and not _cont.queue_growing
assert _cont.tokens_per_second > _stat.tokens_per_second

# %%
views.server_view(model="Llama-2 7B", gpu="A100 SXM 80GB", arrival_rate=3.0)

# %% [markdown]
# **Try this:**
# - Raise the arrival rate until the continuous server's queue grows (near 20 requests per
#   second). Watch TPOT rise first: more users share each step.
# - Switch the KV cache to *contiguous* at 20 requests per second and compare the tokens per
#   second (next section explains why).
# - The widget plays 400 requests, not 1,000 as above, so that it answers quickly: at 3 requests
#   per second its tokens/s and latencies differ a little from the printed run.
# - Try Llama-3 8B, or 4-bit weights: less memory per token and per weight, more users.

# %% [markdown]
# ## 8. PagedAttention: reserve what you use
#
# Older servers reserved, for every request, one contiguous region of KV cache for the longest
# sequence it *might* reach (FasterTransformer; Orca). Most requests stop far earlier, so most of
# that memory stays empty and fewer requests fit. **[PagedAttention](../docs/glossary.md#pagedattention)**
# (vLLM, Kwon et al. 2023, arXiv:2309.06180) stores the cache in blocks of 16 tokens, allocated as
# a sequence grows, like pages of virtual memory: only the last block of each sequence is partly
# empty. For 1,000 sequences averaging 600 tokens against a 4,096-token reservation:

# %%
allocation = serving.kv_allocation(serving.sample_lengths(600), reserved_tokens=4096, block_size=16)
print(f"contiguous: {allocation.contiguous_waste:.0%} unused; paged: {allocation.paged_waste:.1%} unused; "
      f"{allocation.concurrency_gain:.1f}x as many sequences fit")

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(allocation.contiguous_waste, 2) == 0.85 and allocation.paged_waste < 0.02
assert round(allocation.concurrency_gain, 1) == 6.6

# %%
views.paged_view(block_size=16, mean_tokens=600, reserved_tokens=4096)

# %% [markdown]
# **Try this:** make the blocks 256 tokens long: waste creeps back, since the last block is half
# empty on average ((block − 1) / 2 tokens). Blocks of 1 waste nothing but cost bookkeeping and
# slower attention kernels; vLLM's default is 16. In the server above, paging lets more sequences
# join each step; the vLLM paper reports 2–4× the throughput of FasterTransformer and Orca at the
# same latency on its own benchmarks (abstract). Our simulator is not a model of those systems, so
# we do not compare the numbers.
#
# ## 9. Speculative decoding: a small model drafts, the big one checks
#
# At small batch a decode step of a large model is memory-bound: checking 5 tokens costs about
# as much as making 1. **[Speculative decoding](../docs/glossary.md#speculative-decoding)**
# (Leviathan, Kalman & Matias 2023, arXiv:2211.17192) lets a small draft model propose γ tokens;
# the large model checks them in one pass and keeps the prefix it agrees with, plus one token of
# its own, so the output is exactly what the large model alone would write. If each draft token is
# accepted with probability α (the [acceptance rate](../docs/glossary.md#acceptance-rate)), a check
# yields (1 − α^(γ+1)) / (1 − α) tokens on average (their Eq. 1). A Monte Carlo simulation of that
# process agrees:

# %%
closed = serving.speculative_expected_tokens(acceptance_rate=0.8, draft_tokens=4)
monte_carlo = serving.simulate_speculative(acceptance_rate=0.8, draft_tokens=4, iterations=100_000, seed=0)
round(closed, 4), round(monte_carlo, 4)

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(closed, 4) == 3.3616 and abs(monte_carlo - closed) < 0.02

# %% [markdown]
# The speed-up divides that by the cost of drafting: γ draft steps of relative cost c, plus one
# check (their Theorem 3.8). Move the three sliders:

# %%
views.speculative_view(acceptance_rate=0.8, draft_tokens=4, cost_ratio=0.1)

# %% [markdown]
# On hardware the cost ratio and the check come from the roofline. Llama-2 7B drafting for
# Llama-2 70B, α = 0.8, γ = 4. Both models must be in GPU memory: 138 GB of bf16 target weights
# plus the 13.5 GB draft do not fit one 141 GB H200, so the target is split over two H200s of one
# server (tensor parallel, section 6) and the draft sits beside one half:

# %%
target = serving.deployment("Llama-2 70B", "H200 SXM", n_gpus=2)
draft = serving.deployment("Llama-2 7B", "H200 SXM")
for batch in (1, 64, 256):
    spec = serving.speculative_decode(target, draft, acceptance_rate=0.8, draft_tokens=4, batch=batch)
    print(f"batch {batch:3}: draft/target cost {spec.cost_ratio:.2f}, speed-up {spec.speedup:.2f}x")

# %% [markdown]
# At batch 1 speculation gives 2.0×. At batch 256 checking 5 tokens per sequence makes the
# large model's pass compute-bound, five times the FLOP of a normal step, and speculation *slows*
# the server. It is a tool for latency at small batch, not for throughput.

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
_sp = {b: serving.speculative_decode(target, draft, 0.8, 4, batch=b).speedup for b in (1, 256)}
assert round(_sp[1], 1) == 2.0 and _sp[256] < 1
_h200 = hardware.get_gpu("H200 SXM").memory_bytes
assert round(serving.weight_bytes(target) / 1e9) == 138 and round(serving.weight_bytes(draft) / 1e9, 1) == 13.5
assert serving.weight_bytes(target) + serving.weight_bytes(draft) > _h200  # not on one H200
assert serving.weight_bytes(target) / 2 + serving.weight_bytes(draft) < _h200  # half the target + the draft fit

# %% [markdown]
# ## 10. Bounds vs measurements
#
# Every time above is a bound. Published measurements land below it: llama.cpp reaches about 80%
# of the decode bound on an RTX 4090; TensorRT-LLM's first token for a 2,048-token prompt on an A100
# takes 1.5× the compute bound. The full comparison, with sources and the reason for each gap, is
# in [11 · Reality check](11_reality_check.ipynb); here is the table:

# %%
HTML(views.measurements_table_html())

# %% tags=["guard"] jupyter={"source_hidden": true}
# (for maintainers) the numbers quoted above, checked against course_lib
assert round(serving.get_measurement("llama.cpp-4090").achieved_fraction(), 1) == 0.8
assert round(serving.get_measurement("trtllm-ttft-2048").published / serving.get_measurement("trtllm-ttft-2048")
             .estimated(), 1) == 1.5

# %% [markdown]
# ## Summary
#
# - **Prefill** reads the prompt in one pass: many tokens per weight read, compute-bound, and it
#   sets the **time to first token**. **Decode** makes one token per sequence per step: one weight
#   read per step, memory-bound at small batch, and it sets the **time per output token**.
# - More TFLOPS shorten the first token; more GB/s speed up the rest. Batch 1 shows latency, not
#   what a GPU serves.
# - **Batching** shares each weight read among users: throughput grows until the step turns
#   compute-bound (near the ridge point for short caches) or the KV cache fills the memory.
# - The KV cache shrinks with GQA, MQA, MLA, a sliding window or 8 bits. **Continuous batching**
#   keeps the batch full; **PagedAttention** reserves only what a sequence holds, so more fit.
# - **Speculative decoding** trades cheap draft steps for fewer large-model steps: worth it at
#   small batch, harmful at large batch.
# - Measured systems reach roughly 40–80% of these bounds.
#
# ## What next
#
# - Practise: [06 · Serving — exercises](../exercises/06_serving_exercises.ipynb).
# - Next notebook: [07 · Parallelism](07_parallelism.ipynb) — splitting work over many GPUs.
# - Published measurements beside these bounds: [11 · Reality check](11_reality_check.ipynb).
