"""Exercises of notebook 06 (serving): time to first token and per output token, the batch where decode turns
compute-bound, how many sequences fit, the MLA cache, speculative decoding, and three predict-then-check questions.

Expected values are computed with course_lib; the questions are in ``solutions/06_serving_solutions.ipynb`` (and,
without answers, ``exercises/06_serving_exercises.ipynb``).
"""

from __future__ import annotations

from course_lib import memory, serving
from course_lib.checks._base import Exercise, Trap

# Exercise 1: a 1,024-token prompt for Llama-2 7B on one H100 SXM.
PROMPT = 1024
# Exercise 7: the phase the H100 PCIe speeds up over the A100 SXM.
PHASES = ("prefill", "decode", "both equally")
# Exercise 8: speculative decoding at batch 256.
YES_NO = ("yes", "no")
# Exercise 9: the waste of contiguous reservation, 1,000 sequences of mean 600 tokens, 4,096 reserved each.
WASTE_OPTIONS = ("15%", "50%", "85%")


def _h100_prefill_ms() -> float:
    return 1000 * serving.prefill(serving.deployment("Llama-2 7B", "H100 SXM"), PROMPT).seconds


def _tokens_per_second_4090() -> float:
    return serving.decode_step(serving.deployment("Llama-3 8B", "RTX 4090"), batch=1, context=0).tokens_per_second


def _faster_phase() -> str:
    a100, h100 = (serving.timeline(serving.deployment("Llama-2 7B", g), 2048, 256) for g in ("A100 SXM 80GB",
                                                                                             "H100 PCIe"))
    prefill, decode = a100.ttft_s / h100.ttft_s, a100.tpot_s / h100.tpot_s
    return "prefill" if prefill > 1.5 * decode else "decode" if decode > 1.5 * prefill else "both equally"


def _speculation_helps_at_256() -> str:
    # the 70B target's 138 GB of bf16 weights and the 13.5 GB draft do not fit one 141 GB H200: two H200s
    target, draft = serving.deployment("Llama-2 70B", "H200 SXM", n_gpus=2), serving.deployment("Llama-2 7B", "H200 SXM")
    return "yes" if serving.speculative_decode(target, draft, 0.8, 4, batch=256).speedup > 1 else "no"


def _contiguous_waste_option() -> str:
    waste = serving.kv_allocation(serving.sample_lengths(600), reserved_tokens=4096).contiguous_waste
    return min(WASTE_OPTIONS, key=lambda option: abs(float(option.rstrip("%")) / 100 - waste))


ex1 = Exercise(
    "Time to first token of a 1,024-token prompt",
    expected=_h100_prefill_ms,
    unit="ms",
    rel_tol=0.05,
    hints=[
        "A prefill is compute-bound: time ≈ FLOP / dense peak FLOP/s.",
        "FLOP ≈ 2 FLOP per parameter per prompt token (a multiply-add is 2 FLOP); the H100 SXM's dense bf16 peak "
        "is 989.5 TFLOPS.",
        "2 x 6.74e9 x 1024 ≈ 1.38e13 FLOP; divide by 989.5e12 FLOP/s and give milliseconds.",
    ],
    explanation="2 x 6.74e9 x 1024 / 989.5e12 = 13.9 ms; serving.prefill counts more exactly (no FLOP for the "
                "embedding lookup, the output head only for the last token, causal attention): 13.7 ms. Reading the "
                "weights would take only 13.5 GB / 3,350 GB/s = 4.0 ms, so compute sets the time.",
    traps=[
        Trap(lambda e: e / 2, "that counts 1 FLOP per parameter per token; a multiply-add is 2 FLOP."),
        Trap(lambda e: 2 * e, "twice too long: did you use the sparse 1,979 TFLOPS halved, or fp32 rates? The dense "
                              "bf16 peak is 989.5 TFLOPS."),
        Trap(lambda e: 1000 * 2 * 6_738_415_616 / 3350e9,
             "that is the time to read the weights once (memory-bound); a 1,024-token prefill does 1,024 tokens "
             "of work per weight read, so compute takes longer."),
        Trap(lambda e: e / PROMPT, "that is the time for one token; the prefill processes all 1,024 prompt tokens."),
    ],
)

ex2 = Exercise(
    "One user's decode speed: Llama-3 8B on an RTX 4090",
    expected=_tokens_per_second_4090,
    unit="tokens/s",
    rel_tol=0.08,
    hints=[
        "At batch 1 each new token reads every weight once: decoding is memory-bound.",
        "tokens/s ≈ bandwidth / bytes per token; the RTX 4090 has 1,008 GB/s, the model 8.03e9 weights of 2 bytes.",
        "1008e9 / (2 x 8.03e9); the embedding table (1 in 16 of the weights) is only looked up, one row per token.",
    ],
    explanation="1,008e9 / (2 x 8.03e9) = 62.8 tokens/s counting every weight; a step reads only one row of the "
                "525 million-weight input embedding, so 1,008e9 / (2 x 7.50e9) = 67.2 tokens/s. Either estimate "
                "passes. The compute ceiling (165 TFLOPS / 15 GFLOP per token = 11,000 tokens/s) is far away.",
    traps=[
        Trap(lambda e: 165.2e12 / (2 * 7_504_924_672), "that is the compute ceiling (FLOPS / FLOP per token); at batch "
                                                      "1 the GPU waits for memory, not for its Tensor Cores."),
        Trap(lambda e: e / 2, "that is 4 bytes per weight (fp32); the model is served in 16-bit, 2 bytes."),
        Trap(lambda e: 2 * e, "that is 1 byte per weight (8-bit); the question is about 16-bit weights."),
    ],
)

ex3 = Exercise(
    "Predict, then check: the batch where Llama-2 13B decode turns compute-bound on an H100 SXM",
    expected=lambda: serving.crossover_batch(serving.deployment("Llama-2 13B", "H100 SXM"), 0),
    unit="sequences",
    within_factor=1.1,
    hints=[
        "Each sequence in the batch adds 2 FLOP per weight, but the weights are read once for the whole batch.",
        "Compute catches up with memory when batch x 2 FLOP per weight / peak = 2 bytes per weight / bandwidth.",
        "So the batch is about peak FLOP/s / bandwidth in bytes/s: the ridge point of notebook 01.",
    ],
    explanation="batch ≈ 989.5e12 / 3.35e12 = 295, the H100's ridge point in FLOP per byte (2 FLOP per 2-byte "
                "weight per sequence). serving.crossover_batch, with short caches, gives 296. Long caches push it "
                "up, or make it never happen (the KV reads grow with the batch too).",
    traps=[
        Trap(lambda e: 153, "153 is the A100's ridge point; the H100 SXM has 989.5 TFLOPS and 3,350 GB/s."),
        Trap(lambda e: 3.35e12 / 989.5e12, "upside down: bandwidth / FLOPS is bytes per FLOP."),
        Trap(lambda e: 1, "at batch 1 decode is memory-bound: one token does 2 FLOP per 2-byte weight, far below "
                          "the ridge."),
    ],
)

ex4 = Exercise(
    "How many 4,096-token conversations fit: Llama-2 70B in 4 bits on one H100",
    expected=lambda: serving.max_batch(serving.deployment("Llama-2 70B", "H100 SXM", weight_bits=4.125), 4096),
    unit="sequences",
    hints=[
        "Memory left for the KV cache = 80 GB - the weights. Weights: 4.125 bits per weight (4-bit codes, one "
        "fp16 scale per 128), with the embedding and head in 16 bits: serving.weight_bytes.",
        "KV cache per token: 2 (K and V) x 80 layers x 8 KV heads x 128 x 2 bytes (grouped-query attention).",
        "Divide the free memory by 4,096 x the KV bytes per token and round down.",
    ],
    explanation="Weights 36.3 GB, free 43.7 GB; 327,680 bytes per token x 4,096 = 1.34 GB per conversation; "
                "43.7 / 1.34 = 32.5 -> 32 (activations and the CUDA context, not counted, take a little more).",
    traps=[
        Trap(lambda e: 4, "that counts 64 KV heads; Llama-2 70B's grouped-query attention has 8 (8x less cache)."),
        Trap(lambda e: 59, "that forgets the 36 GB of weights; they share the same 80 GB."),
        Trap(lambda e: 33, "33 rounds up; 32.5 conversations fit, so 32 whole ones."),
    ],
)

ex5 = Exercise(
    "DeepSeek-V3's KV cache per token (MLA), in bf16",
    expected=lambda: memory.kv_cache_bytes("DeepSeek-V3", 1, 1, "bf16"),
    unit="bytes",
    hints=[
        "MLA caches, per layer, one latent vector of kv_lora_rank = 512 numbers plus one rotary key of "
        "qk_rope_head_dim = 64 numbers, shared by all 128 heads.",
        "61 layers; bf16 is 2 bytes per number.",
    ],
    explanation="61 x (512 + 64) x 2 = 70,272 bytes (68.6 KiB) per token. With a key (192) and a value (128) per "
                "head, 128 heads would cache 61 x 128 x 320 x 2 = 4,997,120 bytes: 71x more.",
    traps=[
        Trap(lambda e: 61 * 128 * (192 + 128) * 2, "that is standard multi-head attention; MLA caches one 576-wide "
                                                     "latent per layer for all heads."),
        Trap(lambda e: 61 * 512 * 2, "the rotary key (64 numbers per layer) is cached too."),
        Trap(lambda e: 2 * e, "that counts K and V separately; the latent replaces both."),
        Trap(lambda e: e / 61, "that is one layer; the cache has 61."),
    ],
)

ex6 = Exercise(
    "Speculative decoding: tokens per check with alpha = 0.7 and 3 drafted tokens",
    expected=lambda: serving.speculative_expected_tokens(0.7, 3),
    unit="tokens",
    hints=[
        "The check keeps the drafted tokens up to the first rejection, then adds one token of its own.",
        "P(at least k drafts accepted) = alpha^k; expected tokens = 1 + alpha + alpha^2 + alpha^3.",
    ],
    explanation="1 + 0.7 + 0.49 + 0.343 = 2.533 = (1 - 0.7^4) / (1 - 0.7) (Leviathan et al. 2023, Eq. 1).",
    traps=[
        Trap(lambda e: 3 * 0.7, "that treats every draft independently; after the first rejection the rest are "
                                "thrown away, and the big model adds one token of its own."),
        Trap(lambda e: e - 1, "add the one token the big model always contributes (a correction or a bonus)."),
        Trap(lambda e: 1 / (1 - 0.7), "that is for unlimited drafts; with 3 the sum stops at alpha^3."),
        Trap(lambda e: 4, "4 would need every draft accepted (alpha = 1)."),
    ],
)

ex7 = Exercise(
    "Predict: which phase does the H100 PCIe speed up most over the A100 SXM (Llama-2 7B, 2,048-token prompt)?",
    expected=_faster_phase,
    kind="choice",
    options=list(PHASES),
    hints=["Which phase is compute-bound and which memory-bound? Compare the two cards' TFLOPS and GB/s.",
           "A100 SXM: 312 dense bf16 TFLOPS and 2,039 GB/s; H100 PCIe: 756.5 TFLOPS and 2,000 GB/s. Which ratio is "
           "far from 1?"],
    explanation="The prefill (compute-bound) follows TFLOPS: 756.5 vs 312, 2.4x sooner. Decode (memory-bound) "
                "follows bandwidth: 2,000 vs 2,039 GB/s, slightly slower on the H100 PCIe.",
    feedback={
        "decode": "decode reads every weight for one token per sequence: it is memory-bound, and the H100 PCIe has "
                  "slightly less bandwidth (2,000 vs 2,039 GB/s).",
        "both equally": "the two phases have different bottlenecks: FLOPS for the prefill, bandwidth for decode.",
    },
)

ex8 = Exercise(
    "Predict: does speculative decoding (alpha 0.8, 4 drafts, Llama-2 7B drafting for 70B on two H200s) speed up a "
    "batch of 256?",
    expected=_speculation_helps_at_256,
    kind="choice",
    options=list(YES_NO),
    hints=["What bounds the big model's check of 5 tokens per sequence when 256 sequences are checked at once?",
           "256 x 5 = 1,280 tokens per check. With 16-bit weights a step is compute-bound once it processes more "
           "tokens than the ridge point in FLOP/byte: about 206 on an H200 (989.5 TFLOPS / 4.8 TB/s)."],
    explanation="At batch 256 the check processes 1,280 tokens per step: compute-bound, about five times the time "
                "of a normal step. serving.speculative_decode gives 0.62x: slower. At batch 1 the same setup "
                "gives 1.97x.",
    feedback={"yes": "at batch 1 it would (2.0x): the check of 5 tokens costs about one memory-bound step. At batch "
                    "256 the check is compute-bound and costs about 5 steps."},
)

ex9 = Exercise(
    "Predict: reserving 4,096 tokens per sequence for sequences of 600 tokens on average wastes about ...",
    expected=_contiguous_waste_option,
    kind="choice",
    options=list(WASTE_OPTIONS),
    hints=["Each sequence reserves 4,096 slots up front, whatever its length; how many does it fill?",
           "Waste = 1 - tokens held / tokens reserved; on average 600 of 4,096 are held."],
    explanation="1 - 600 / 4096 = 85%: six sequences' worth of reserved memory hold one sequence's tokens. Paging "
                "in blocks of 16 wastes about 7.5 tokens per sequence instead (1.2%).",
    feedback={"15%": "15% is about the share that is *used*: 600 / 4,096.",
             "50%": "a sequence averages 600 tokens, much less than half of its 4,096 reserved slots."},
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8, ex9]
