"""Exercises of notebook 05 (quantization): INT8 by hand, INT4 memory, the INT8 GPT-3 myth, outlier
features, per-channel scales, an estimate of the decode speed-up with its physical limit, and three conceptual
questions (predict the explorer, what GPTQ does, does Mixtral fit a 24 GB card).

Expected values are computed with course_lib; the questions are in
``solutions/05_quantization_solutions.ipynb`` (and, without answers, ``exercises/05_quantization_exercises.ipynb``).
"""

from __future__ import annotations

import numpy as np

from course_lib import _validate, hardware, memory, models, quantization, units
from course_lib.checks._base import Bound, Exercise, Trap

# Exercise 1: a vector small enough to quantize by hand (max |x| = 1.27, so the scale is 0.01).
X_HAND = np.array([0.5, -1.27, 0.254, 1.0])
# Exercise 2: a 70B-parameter model in 4 bits, one fp16 scale per group of 128 weights.
N_70B, GROUP = 70e9, 128
# Exercise 4: 16 tokens x 512 features of hidden states with a few outlier features, times a weight matrix.
X_OUTLIERS = quantization.synthetic_weights((16, 512), "outlier_channels", seed=0, std=1.0)
W_OUTLIERS = quantization.synthetic_weights((512, 64), seed=1)
THRESHOLD = 6.0
# Exercise 5: two channels (rows); row 1 is row 0 scaled by 0.1.
_ROW = quantization.synthetic_weights(1024, seed=0)
W_TWO_ROWS = np.vstack([_ROW, 0.1 * _ROW])
# Exercise 6: Llama-2 7B on an RTX 4090.
MODEL, GPU = "Llama-2 7B", "RTX 4090"
# Exercise 7: the explorer's outlier_channels matrix at 4 bits (the view quantizes this shape).
EXPLORER_SHAPE, EXPLORER_KIND = (256, 1024), "outlier_channels"
# Exercise 9: Mixtral 8x7B in int4 on one 24 GB card.
MOE_MODEL = "Mixtral 8x7B"


def _row1_relative_error(axis: int | None) -> float:
    """Relative error of row 1 of W_TWO_ROWS after INT8 absmax quantization per tensor (None) or per row (0)."""
    w_hat = quantization.dequantize(*quantization.quantize(W_TWO_ROWS, bits=8, axis=axis))
    return quantization.quantization_error(W_TWO_ROWS[1], w_hat[1])["relative"]


def _int8_code(x: float, scale: float) -> float:
    """A wrong-scale int8 code, for the traps of exercise 1."""
    return float(np.rint(x / scale))


ex1 = Exercise(
    "Absmax INT8 by hand",
    expected=lambda: int(quantization.quantize(X_HAND, bits=8, scheme="absmax")[0][2]),
    unit="(an integer code)",
    hints=[
        "Absmax INT8: scale = max|x| / 127, so that the largest |x| becomes code ±127.",
        "max|x| = 1.27 (the sign does not matter), so scale = 0.01. Then q = round(x / scale).",
        "Divide 0.254 by the scale and round to the nearest whole number.",
    ],
    explanation="scale = 1.27 / 127 = 0.01; 0.254 / 0.01 = 25.4, rounded to the nearest integer: 25. "
                "It stands for 25 x 0.01 = 0.25, an error of 0.004 (at most scale / 2 = 0.005).",
    traps=[
        Trap(lambda e: _int8_code(X_HAND[2], X_HAND.max() / 127),
             "32 comes from scale = max(x) / 127 = 1.0 / 127; absmax uses the largest *magnitude*, |-1.27| = 1.27."),
        Trap(lambda e: X_HAND[2] / (np.abs(X_HAND).max() / 127),
             "25.4 is x / scale before rounding; a code is an integer: round to the nearest one."),
        Trap(lambda e: _int8_code(X_HAND[2], np.abs(X_HAND).max() / 128),
             "26 comes from a scale of max|x| / 128 (or 2 max|x| / 255); absmax INT8 maps max|x| to 127, "
             "the largest code, so scale = max|x| / 127."),
        Trap(lambda e: 172.0, "172 is the zero-point (asymmetric, uint8) code; the question asks for absmax."),
    ],
)

ex2 = Exercise(
    "70B parameters in INT4 with groups of 128",
    expected=lambda: quantization.quantized_bytes(N_70B, 4, group_size=GROUP, scale_bytes=2) / units.GB,
    unit="GB",
    hints=[
        "4 bits is half a byte, not 4 bytes.",
        "Do not forget the scales: one fp16 scale (2 bytes) per group of 128 weights.",
        "Add two parts: the codes (how many bytes is 4 bits?) and the scales (how many groups of 128, and 2 bytes "
        "each).",
    ],
    explanation="70e9 x 4 bits = 35e9 bytes of codes; 70e9 / 128 = 546,875,000 scales x 2 bytes = 1.09 GB; "
                "total 36.09 GB, i.e. 4.125 bits per weight.",
    traps=[
        Trap(lambda e: N_70B * 4 / units.GB, "280 GB counts 4 *bytes* per weight; INT4 is 4 *bits* = 0.5 byte."),
        Trap(lambda e: N_70B * 0.5 / units.GB,
             "that is (about) the 4-bit codes only; add one fp16 scale per group of 128 weights, and an fp16 "
             "scale is 2 bytes (16 bits), not 2 bits."),
        Trap(lambda e: N_70B * 2 / units.GB, "140 GB is the fp16 size (2 bytes per weight)."),
        Trap(lambda e: (N_70B * 0.5 + N_70B * 2) / units.GB,
             "that counts one scale per weight; there is one per group of 128."),
    ],
)

ex3 = Exercise(
    "INT8 GPT-3: how many GB?",
    expected=lambda: memory.weights_bytes(models.get_model("GPT-3 175B").param_count(), "int8") / units.GB,
    unit="GB",
    hints=[
        "INT8 is 1 byte per weight. How many weights does GPT-3 have?",
        "GPT-3 has about 175e9 weights; `models.get_model('GPT-3 175B')` has the exact count.",
        "Weights x bytes per weight gives bytes; how many 1e9-byte GB is that?",
    ],
    explanation="174,604,259,328 parameters x 1 byte = 174.6 GB: at least three 80 GB GPUs (or eleven 16 GB "
                "ones) for the weights alone. The claim is off by a factor of 11.",
    traps=[
        Trap(lambda e: 16.0, "16 GB is the claim being tested. Multiply the parameter count by 1 byte."),
        Trap(lambda e: 2 * e, "that is fp16 (2 bytes per weight); INT8 is 1 byte."),
        Trap(lambda e: e / 2, "that is INT4 (half a byte per weight); INT8 is 1 byte."),
        Trap(lambda e: 8 * e, "that counts 8 bytes per weight, or gives bits instead of bytes: INT8 = 8 bits = 1 byte."),
    ],
)

ex4 = Exercise(
    "Outlier feature columns at threshold 6",
    expected=lambda: quantization.mixed_int8_matmul(X_OUTLIERS, W_OUTLIERS, threshold=THRESHOLD)[1],
    unit="columns",
    hints=[
        "LLM.int8() looks for feature dimensions (columns of X) in which *any* |value| >= 6.",
        "`np.abs(X) >= 6` marks the entries; `np.any(..., axis=0)` asks, per column, whether any row is marked.",
        "Count the columns for which that answer is True.",
    ],
    explanation="The ordinary features are ~N(0, 1), so |x| >= 6 essentially never happens there; 0.5% of the "
                "512 features (3 columns) are 20-60x larger and cross 6 in most tokens. Those 3 columns go "
                "through a 16-bit matmul, the other 509 through INT8.",
    traps=[
        Trap(lambda e: float(np.count_nonzero(np.abs(X_OUTLIERS) >= THRESHOLD)),
             "that counts outlier *entries*; the decomposition works on whole feature columns "
             "(any |x| >= 6 in a column sends the column to 16-bit)."),
        Trap(lambda e: float(np.count_nonzero(np.any(np.abs(X_OUTLIERS) >= THRESHOLD, axis=1))),
             "that counts rows (tokens) with an outlier; count feature columns: np.any(..., axis=0)."),
        Trap(lambda e: X_OUTLIERS.shape[1] - e, "that is the number of columns that stay in INT8."),
    ],
)

ex5 = Exercise(
    "Per-channel vs per-tensor: error ratio",
    expected=lambda: _row1_relative_error(axis=None) / _row1_relative_error(axis=0),
    unit="(a ratio)",
    rel_tol=0.05,
    hints=[
        "Per channel, row 1 gets its own scale, 0.1 x row 0's: the same codes, everything 10x smaller.",
        "Per tensor, row 1 shares row 0's scale (step), 10x too coarse for it. The rounding error is about "
        "step / sqrt(12) per value whatever the value; compare it with row 1's size in both cases.",
        "So the absolute errors of row 1 differ by the ratio of the two steps, while row 1 itself stays the same.",
    ],
    explanation="Per tensor the step is max|W| / 127, set by row 0; per channel row 1's step is 10x smaller. The "
                "absolute error scales with the step, the size of row 1 is the same, so the relative error is "
                "about 10x larger per tensor (10.06 here). The mean squared error is 100x larger.",
    traps=[
        Trap(lambda e: 100.0, "100 is the ratio of *mean squared* errors; the relative error is a ratio of norms "
                              "(square roots): 10."),
        Trap(lambda e: 1.0, "the relative error does not depend on a row's size only when each row has its own "
                            "scale; per tensor, row 1 inherits row 0's coarse step."),
        Trap(lambda e: 1 / e, "upside down: per-tensor is the *larger* error."),
    ],
)

def _speedup() -> float:
    """fp16 -> int4 decode speed-up with every weight in 4 bits (embeddings too): the ratio of the bytes."""
    int4 = quantization.quantized_serving(MODEL, GPU, 4, group_size=GROUP,
                                          embedding_bits=quantization.bits_per_weight(4, GROUP))
    fp16 = quantization.quantized_serving(MODEL, GPU, 16)
    return (_validate.present("decode_tokens_per_second", int4["decode_tokens_per_second"])
            / _validate.present("decode_tokens_per_second", fp16["decode_tokens_per_second"]))


ex6 = Exercise(
    "Estimate: decode speed-up from fp16 to INT4",
    expected=_speedup,
    unit="x (a speed-up factor)",
    within_factor=(1.6, 1.01),  # at most the ratio of the bytes (+1% for rounding 3.88 to 3.9); measured: 61-85%
    trap_rel_tol=0.05,
    hints=[
        "At batch 1 each token reads every weight once: tokens/s <= bandwidth / bytes of weights.",
        "The bandwidth is the same in both cases; only the bytes per weight change, and the scales count too.",
        "Bits per weight before / bits per weight after. Real kernels lose some of that to dequantizing: pick a "
        "fraction you can defend.",
    ],
    explanation=f"16 / 4.125 = {16 / quantization.bits_per_weight(4, GROUP):.2f}x is the ceiling: 75 -> 290 tokens/s "
                "for Llama-2 7B on an RTX 4090 (1,008 GB/s). Measured speed-ups stay below the ratio of the bytes, "
                "because dequantizing costs time and not every byte read is a weight: for OPT-175B at batch 1, "
                "GPTQ's 3-bit weights (about 16 / 3 = 5.3x fewer bytes than fp16) cut the time per token 3.24x on "
                "A100s and 4.53x on A6000s (Frantar et al. 2022, arXiv 2210.17323, Table 6), 61-85% of the ratio. "
                "Any estimate from 2.4x up to the ceiling counts.",
    traps=[
        Trap(lambda e: 1.0, "decoding at batch 1 is memory-bound, not compute-bound: fewer bytes per weight means "
                            "proportionally more tokens per second."),
        Trap(lambda e: 2.0, "2x is fp16 -> INT8; INT4 halves the bytes again."),
        Trap(lambda e: 1 / e, "upside down: the INT4 model is the faster one."),
        Trap(lambda e: 16 / quantization.bits_per_weight(4),
             "{answer}x counts 4 bits per weight and forgets the scales: one 16-bit scale per 128 weights makes "
             "it 4.125 bits, so the bytes shrink 3.88x at most."),
        Trap(lambda e: 8.0, "8x would be fp32 -> INT4; the baseline is fp16 (16 bits)."),
    ],
    bounds=[Bound(lambda: 1.01 * _speedup(), "max", "{answer}x is more than the bytes shrink (16 -> 4.125 bits per weight, 3.88x): a "
                                   "memory-bound decode cannot speed up by more than its bytes shrink.")],
)


def _explorer_option() -> str:
    """How the error moves from per-tensor to per-channel scales on the explorer's outlier matrix (computed)."""
    w = quantization.synthetic_weights(EXPLORER_SHAPE, EXPLORER_KIND)
    error = {g: quantization.quantization_error(w, quantization.quantize_matrix(w, 4, "absmax", g)[0])["relative"]
             for g in ("per-tensor", "per-channel")}
    ratio = error["per-tensor"] / error["per-channel"]
    return "C" if ratio < 1 else "B" if ratio < 1.5 else "A"


ex7 = Exercise(
    "Predict, then switch the scales: outlier channels, per-tensor -> per-channel",
    expected=_explorer_option,
    kind="choice",
    options=["A", "B", "C", "D"],
    hints=[
        "Per-channel means one scale per row. Where do the large values sit in this matrix: in a few rows, or in a "
        "few columns?",
        "If every row contains one of the large columns, what sets each row's scale?",
    ],
    explanation="B: 44% -> 40%. The outliers are whole columns, so every row contains some and each row's scale is "
                "still set by an outlier; the ordinary weights of the row keep rounding to the few levels near 0. "
                "Groups of 32 (12%) help because most groups contain no large column.",
    feedback={
        "A": "that is what happens to heavy-tailed weights (82% -> 33%), whose large values are scattered. Here the "
             "large values fill whole columns, so every row contains some.",
        "C": "one scale per row is never coarser than one for the whole matrix: each row's step is at most the "
             "tensor's.",
        "D": "4 bits give at most 15 levels per scale; only weights that already sit on those levels have no error.",
    },
)

ex8 = Exercise(
    "Why does GPTQ beat round-to-nearest at the same number of bits?",
    expected=lambda: "B",
    kind="choice",
    options=["A", "B", "C", "D"],
    hints=[
        "Both store the same codes and scales: the memory and the speed are the same. What differs is which code "
        "each weight gets.",
        "Rounding each weight on its own ignores what the layer computes. What could you do with the error one "
        "weight's rounding leaves behind?",
    ],
    explanation="B (Frantar et al. 2022, arXiv:2210.17323): GPTQ quantizes a layer's weights one column at a time "
                "and updates the columns not yet quantized to cancel the error on the layer's outputs, measured on a "
                "few calibration sentences. LLaMA-7B at 3 bits: WikiText-2 perplexity 25.54 with round-to-nearest, "
                "8.07 with GPTQ (fp16: 5.68; GPTQ README).",
    feedback={
        "A": "GPTQ checkpoints store the same 3 or 4-bit codes and scales as round-to-nearest; the bits are equal.",
        "C": "keeping outlier features in 16 bits is LLM.int8() (section 7), an 8-bit method for activations.",
        "D": "GPTQ is post-training quantization: a few GPU-hours on calibration data, no retraining (that would "
             "be quantization-aware training).",
    },
)


def _moe_fits_option() -> str:
    weights = memory.weights_bytes(models.get_model(MOE_MODEL).param_count(), "int4")
    return "fits" if weights <= hardware.get_gpu(GPU).memory_bytes else "does not fit"


ex9 = Exercise(
    "Mixtral 8x7B in int4: do its weights fit on a 24 GB RTX 4090?",
    expected=_moe_fits_option,
    kind="choice",
    options=["fits", "does not fit"],
    hints=[
        "Which weights must be in memory: the 2 experts a token uses, or all 8 of every layer?",
        "Count all 46.7 billion weights at the course's int4 size, scales included.",
    ],
    explanation="Does not fit: 46.7e9 weights x 4.125 bits = 24.08 GB > 24 GB, before any KV cache. The 4-bit "
                "codes alone would be 23.35 GB; the fp16 scale per 128 weights adds 0.73 GB. A token reads only "
                "its 2 experts (12.9B weights), but every expert must be in memory.",
    feedback={
        "fits": "4-bit codes alone (23.35 GB) would squeeze in, but one fp16 scale per 128 weights adds 0.73 GB: "
                "24.08 GB of weights, more than 24 GB before any KV cache. (And every expert must be in memory, "
                "not only the 2 a token uses.)",
    },
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8, ex9]
