"""Exercises of notebook 04 (memory and precision): weights, training state, KV cache, fp16 range,
bf16 precision, an estimate with a physical limit, and three conceptual questions (predict a widget's
answer, which part of training memory dominates, what checkpointing stores).

Expected values are computed with course_lib; the questions are in
``solutions/04_memory_and_precision_solutions.ipynb`` (and, without answers,
``exercises/04_memory_and_precision_exercises.ipynb``).
"""

from __future__ import annotations

from course_lib import formats, hardware, memory, models, quantization, units
from course_lib.checks._base import Bound, Exercise, Trap

# Exercise 6: int4 weights on one 24 GB card.
CARD = "RTX 4090"
# Exercise 7: the fit widget's longest context, batch 1 and then 16.
FIT_MODEL, FIT_DTYPE, FIT_BATCH = "Llama-2 7B", "bf16", 16
# Exercise 8: full fine-tuning of Llama-2 7B on one GPU, one 4096-token sequence, no recomputation.
TRAIN_MODEL, TRAIN_SEQ_LEN = "Llama-2 7B", 4096


def _card_bytes() -> float:
    return hardware.get_gpu(CARD).memory_bytes


def _int4_weights_limit() -> float:
    """Billions of int4 weights (scales included) that fill the card, nothing else counted."""
    return _card_bytes() / memory.bytes_per_param("int4") / 1e9


def _int4_gb(model: str) -> float:
    return memory.weights_bytes(models.get_model(model).param_count(), "int4") / units.GB


_LIMIT = f"{_int4_weights_limit():.1f}"
_INT4_BYTES = f"{memory.bytes_per_param('int4'):.3g}"


ex1 = Exercise(
    "10B fp32 weights in GB",
    expected=lambda: memory.weights_bytes(10e9, "fp32") / units.GB,
    unit="GB",
    hints=[
        "fp32 is 32 bits. How many bytes is that per number?",
        "Multiply the number of parameters by the bytes per parameter, then count how many 1e9-byte GB that is.",
    ],
    explanation="10e9 x 4 B = 4e10 B = 40 GB (37.3 GiB). In fp16 it is 20 GB (one A100 or H100 holds it) and in "
                "INT8 10 GB (one RTX 4090 holds it): no model parallelism is needed.",
    traps=[
        Trap(lambda e: 10 * e, "400 GB is a famous slip: 10e9 x 4 B = 4e10 B, which is 40 GB, not 400 GB. Count the "
                               "zeros: 1e9 bytes per GB cancels the 1e9 of 'billion'."),
        Trap(lambda e: e / 2, "20 GB is 2 bytes per parameter (fp16/bf16); fp32 takes 4 bytes."),
        Trap(lambda e: 8 * e, "320 is in gigabits: 32 bits per parameter, but the question asks for bytes (8 bits)."),
    ],
)

ex2 = Exercise(
    "Full fine-tuning of a 7B model with mixed-precision Adam (GB, no activations)",
    expected=lambda: memory.training_memory(7e9, optimizer="adam", mixed_precision=True)["total"] / units.GB,
    unit="GB",
    hints=[
        "Training keeps more than the weights: the gradients, and what Adam remembers about every parameter.",
        "Mixed precision (ZeRO paper, Sec. 3.1): 16-bit weights and 16-bit gradients; Adam keeps an fp32 master "
        "copy of the weights, an fp32 momentum and an fp32 variance.",
        "Write down the bytes of each of those five numbers per parameter and add them up before multiplying by N.",
    ],
    explanation="7e9 x (2 + 2 + 4 + 4 + 4) B = 7e9 x 16 B = 112 GB, before activations: more than one 80 GB GPU.",
    traps=[
        Trap(lambda e: e * 4 / 16, "28 GB is 4 bytes per parameter: the fp32 weights alone, or the 16-bit weights + "
                                   "16-bit gradients (2 + 2 B). Either way Adam's fp32 master weights, momentum and "
                                   "variance (12 B per parameter) are missing."),
        Trap(lambda e: e * 14 / 16, "98 GB is 14 bytes per parameter: the 16-bit weights and Adam's 12 bytes, but no "
                                    "gradients. The backward pass writes a 16-bit gradient for every weight (2 B)."),
        Trap(lambda e: e * 2 / 16, "14 GB is the 16-bit weights alone: enough to run the model, not to train it."),
        Trap(lambda e: e * 8 / 16, "56 GB counts weights and gradients in fp32 (8 B/param) but forgets Adam's states."),
        Trap(lambda e: e * 12 / 16, "84 GB is the optimizer part alone (fp32 master + momentum + variance = 12 B); "
                                    "add the 16-bit weights and gradients (4 B)."),
        Trap(lambda e: e * 10 / 16, "70 GB = 10 B/param: you counted the fp32 values as 2 bytes. fp32 is 4 bytes "
                                    "(the 16-bit copies are 2)."),
    ],
)

ex3 = Exercise(
    "KV cache of Llama-2 70B: 8 sequences of 4096 tokens, fp16 (GB)",
    expected=lambda: memory.kv_cache_bytes("Llama-2 70B", 4096, 8, "fp16") / units.GB,
    unit="GB",
    hints=[
        "Per token and layer the cache keeps one key and one value vector per KV head.",
        "Llama-2 70B (config.json): 80 layers, 64 query heads but only 8 KV heads (grouped-query attention), "
        "head size 8192 / 64 = 128.",
        "Work out the bytes of one token first (K and V, every layer, every KV head), then scale by tokens and "
        "sequences.",
    ],
    explanation="2 x 80 x 1024 x 2 B = 327,680 B per token; x 4096 x 8 = 10.7 GB. Without GQA (64 KV heads) it "
                "would be 8x more, 85.9 GB: more than a whole 80 GB GPU.",
    traps=[
        Trap(lambda e: 8 * e, "85.9 GB is multi-head attention with 64 KV heads. Llama-2 70B uses grouped-query "
                              "attention: only 8 KV heads, shared by 8 query heads each."),
        Trap(lambda e: e / 2, "half the answer: the cache stores both K and V (the factor 2)."),
        Trap(lambda e: 2 * e, "twice the answer: fp16 is 2 bytes per value, not 4."),
        Trap(lambda e: e / 8, "that is one sequence; the batch has 8."),
    ],
)

ex4 = Exercise(
    "Largest finite fp16 number",
    expected=lambda: formats.format_info("fp16").max,
    rel_tol=1e-9,  # exact: 65536 is only 0.05% away but wrong
    hints=[
        "fp16 has 5 exponent bits (bias 15) and 10 mantissa bits. The all-ones exponent is reserved for inf and NaN.",
        "The largest normal number has exponent field 11110 (= 30, so 2**(30 - 15)) and mantissa all ones.",
        "What is 1.1111111111 in binary (ten ones after the point) as a decimal fraction?",
    ],
    explanation="(2 - 2**-10) x 2**15 = 65504. So 70000 overflows to inf in fp16 (`formats.decompose(70000, 'fp16')`)"
                " while bf16, with fp32's 8 exponent bits, reaches 3.4e38.",
    traps=[
        Trap(lambda e: 2.0**16, "65536 = 2**16 is not representable: the mantissa tops out at 1.1111111111b "
                                "(2 - 2**-10), and the all-ones exponent means inf/NaN."),
        Trap(lambda e: 2.0**16 - 1, "65535 is the largest uint16 integer; fp16 spends 5 bits on the exponent."),
        Trap(lambda e: formats.format_info("bf16").max, "3.4e38 is bf16's (and fp32's) range: 8 exponent bits. "
                                                        "fp16 has only 5."),
        Trap(lambda e: formats.format_info("fp8_e5m2").max, "57344 is fp8 E5M2: same exponent as fp16, 2 mantissa "
                                                            "bits."),
    ],
)

ex5 = Exercise(
    "70000 stored in bf16",
    expected=lambda: formats.decompose(70000, "bf16").stored,
    rel_tol=1e-9,  # exact: 70000 itself is only 0.2% away but not representable
    hints=[
        "bf16 keeps fp32's range (no overflow here) but only 8 significant bits (7 stored + the implicit 1).",
        "70000 lies between 2**16 = 65536 and 2**17; in that binade neighbouring bf16 numbers are 2**(16 - 7) = 512 "
        "apart.",
        "Which multiple of 512 is nearest to 70000?",
    ],
    explanation="70000 / 512 = 136.7, which rounds to 137; 137 x 512 = 70144 (0.2% error). Range is not precision.",
    traps=[
        Trap(lambda e: 70000.0, "70000 is not representable in bf16: with 8 significant bits the numbers near 70000 "
                                "are 512 apart."),
        Trap(lambda e: e - 512, "69632 = 136 x 512 rounds down; round to nearest: 70000 / 512 = 136.7 -> 137."),
        Trap(lambda e: formats.format_info("fp16").max, "65504 is fp16's largest value; bf16's range goes to 3.4e38."),
    ],
)

ex6 = Exercise(
    "Estimate: largest model (billions of parameters) to serve in int4 on a 24 GB RTX 4090",
    expected=_int4_weights_limit,
    unit="billion parameters",
    # at most the weights-only limit (+0.2% so that 46.6, the limit rounded, counts); down to 1/1.6 of it for the KV
    # cache and the runtime
    within_factor=(1.6, 1.002),
    trap_rel_tol=0.05,
    hints=[
        "int4 in this course is 4.125 bits per weight: 4-bit codes plus one 16-bit scale per group of 128 weights.",
        "The weights alone can use at most the card's 24e9 bytes; a server also needs room for the KV cache and the "
        "CUDA context. Decide how much you set aside.",
        "Bytes available for weights / bytes per weight = weights that fit. No answer can exceed the weights-only "
        "limit.",
    ],
    explanation=(f"24e9 B / {memory.bytes_per_param('int4')} B = {_LIMIT} billion parameters for the weights "
                 "alone: a hard ceiling. With a KV cache and a few GB of runtime, about 38-40B is realistic. "
                 f"Mixtral 8x7B needs {_int4_gb('Mixtral 8x7B'):.2f} GB for its int4 weights alone and does not fit; "
                 f"Llama-2 70B ({_int4_gb('Llama-2 70B'):.1f} GB) even less. Any estimate from 29 up to the ceiling "
                 "counts."),
    traps=[
        Trap(lambda e: _card_bytes() / memory.bytes_per_param("fp32") / 1e9, "{answer} billion is 4 bytes per parameter (fp32): int4 is 4 bits, "
                                                "about half a byte."),
        Trap(lambda e: _card_bytes() / memory.bytes_per_param("fp16") / 1e9, "{answer} billion is 2 bytes per parameter (fp16/bf16); int4 is "
                                                "about half a byte."),
        Trap(lambda e: _card_bytes() / memory.bytes_per_param("int8") / 1e9, "{answer} billion is 1 byte per parameter (int8); int4 is about "
                                                "half a byte."),
        Trap(lambda e: _card_bytes() / (quantization.bits_per_weight(4) / 8) / 1e9,
             "{answer} billion is above the limit: 4-bit codes alone would allow 48 billion, but every 128 weights "
             f"also store a 16-bit scale, so each weight takes 4.125 bits and at most {_LIMIT} billion fit."),
    ],
    bounds=[Bound(lambda: 1.002 * _int4_weights_limit(), "max",
                  f"{{answer}} billion is physically impossible: at 4.125 bits ({_INT4_BYTES} bytes) per weight a "
                  f"24 GB card holds at most {_LIMIT} billion weights, and that leaves nothing for the KV cache.")],
)


def _context_ratio_option() -> str:
    """The option matching how max_context changes from batch 1 to batch FIT_BATCH (computed, not typed)."""
    one = memory.max_context(FIT_MODEL, CARD, dtype=FIT_DTYPE, batch=1)
    many = memory.max_context(FIT_MODEL, CARD, dtype=FIT_DTYPE, batch=FIT_BATCH)
    if many == 0:
        return "D"
    ratio = one / many
    return min({"A": 1, "B": FIT_BATCH, "C": FIT_BATCH**0.5}.items(), key=lambda item: abs(item[1] - ratio))[0]


ex7 = Exercise(
    "Predict, then move the slider: longest context at batch 16",
    expected=_context_ratio_option,
    kind="choice",
    options=["A", "B", "C", "D"],
    hints=[
        "What is in memory besides the weights, and which part of it grows with the batch?",
        "The weights are read-only and shared by every sequence; each sequence keeps its own KV cache.",
    ],
    explanation="B: the memory left after the 13.5 GB of weights (10.5 GB) is shared by the KV caches of all 16 "
                "sequences, so each gets 1/16 of the tokens: 20,071 -> 1,254.",
    feedback={
        "A": "the weights are shared, but every sequence keeps its own KV cache, so 16 sequences share the same "
             "leftover memory.",
        "C": "nothing here grows with the square root: the KV cache is linear in tokens and in sequences.",
        "D": "batch 16 still fits: 16 x 1,254 tokens of KV cache (10.5 GB) fit beside the 13.5 GB of weights.",
    },
)


def _largest_training_part() -> str:
    config = models.get_model(TRAIN_MODEL)
    parts = memory.training_memory(config.param_count(),
                                   activations_bytes=memory.activation_bytes(config, TRAIN_SEQ_LEN, 1, "none"))
    sizes = {part: parts[part] for part in ("weights", "gradients", "optimizer_states", "activations")}
    return max(sizes, key=lambda part: sizes[part]).replace("_", " ")


ex8 = Exercise(
    "Which part of training memory is largest?",
    expected=_largest_training_part,
    kind="choice",
    options=["weights", "gradients", "optimizer states", "activations"],
    hints=[
        "Per parameter: 2 B of weights, 2 B of gradients, 12 B of optimizer states. Activations do not depend on the "
        "number of parameters but on tokens, width, layers and heads.",
        "Without recomputation every layer keeps the attention scores: heads x tokens x tokens values. How big is "
        "that at 4096 tokens and 32 heads, compared with 34 values per token and feature?",
    ],
    explanation="Activations: 104 GB (32 layers x 4096 tokens x 4096 x (34 + 5 x 32 heads x 4096 / 4096) bytes), "
                "more than the optimizer's 80.9 GB. The attention scores grow with the square of the sequence; "
                "selective recomputation or FlashAttention drops them (to 18.3 GB).",
    feedback={
        "weights": "16-bit weights are 2 bytes per parameter, 13.5 GB: one of the smallest parts.",
        "gradients": "16-bit gradients are 2 bytes per parameter, 13.5 GB, the same as the weights.",
        "optimizer states": "12 bytes per parameter, 80.9 GB, is the largest part of the state, but at 4096 tokens "
                            "without recomputation the activations are larger still.",
    },
)

ex9 = Exercise(
    "What does gradient checkpointing store?",
    expected=lambda: "B",
    kind="choice",
    options=["A", "B", "C", "D"],
    hints=[
        "The backward pass needs, for every layer, the inputs that layer saw in the forward pass.",
        "Checkpointing trades compute for memory: what does it compute a second time?",
    ],
    explanation="B (Chen et al. 2016, arXiv:1604.06174): keep the activations at a few checkpoints (e.g. each "
                "layer's input) and recompute the others from them during the backward pass, at the cost of an extra "
                "forward pass. For Llama-2 7B at 4096 tokens, full recomputation keeps 1.34 GB (each layer's input and the output logits) instead of 104 GB.",
    feedback={
        "A": "that is the source article's description, and it is wrong: gradients are produced in the backward pass "
             "and used at once; checkpointing is about the forward pass's activations.",
        "C": "moving optimizer states to CPU memory or disk is offloading (ZeRO-Offload), a different technique.",
        "D": "storing weights in 8 bits is quantization (notebook 05); checkpointing does not change the weights.",
    },
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8, ex9]
