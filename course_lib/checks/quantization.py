"""Exercises of notebook 05 (quantization): INT8 by hand, INT4 memory, the INT8 GPT-3 myth, outlier
features, per-channel scales, and an estimate of the decode speed-up.

Expected values are computed with course_lib; the questions are in
``solutions/05_quantization_solutions.ipynb`` (and, without answers, ``exercises/05_quantization_exercises.ipynb``).
"""

from __future__ import annotations

import numpy as np

from course_lib import memory, models, quantization, units
from course_lib.checks._base import Exercise, Trap

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


def _row1_relative_error(axis) -> float:
    """Relative error of row 1 of W_TWO_ROWS after INT8 absmax quantization per tensor (None) or per row (0)."""
    w_hat = quantization.dequantize(*quantization.quantize(W_TWO_ROWS, bits=8, axis=axis))
    return quantization.quantization_error(W_TWO_ROWS[1], w_hat[1])["relative"]


def _int8_code(x, scale):
    """A wrong-scale int8 code, for the traps of exercise 1."""
    return float(np.rint(x / scale))


ex1 = Exercise(
    "Absmax INT8 by hand",
    expected=lambda: int(quantization.quantize(X_HAND, bits=8, scheme="absmax")[0][2]),
    unit="(an integer code)",
    hints=[
        "Absmax INT8: scale = max|x| / 127, so that the largest |x| becomes code ±127.",
        "max|x| = 1.27 (the sign does not matter), so scale = 0.01. Then q = round(x / scale).",
        "`quantize(x, bits=8, scheme='absmax')` returns (q, scale, zero_point); take q[2].",
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
        "70e9 x 0.5 bytes + (70e9 / 128) x 2 bytes; `quantized_bytes(70e9, 4, group_size=128)` / 1e9.",
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
        "`models.get_model('GPT-3 175B').param_count()` (about 175e9) x 1 byte, in GB (1e9 bytes).",
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
        "`mixed_int8_matmul(X, W, threshold=6.0)` returns (output, number of outlier columns).",
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
        "Check: quantize W (axis=None, then axis=0), dequantize, and compare quantization_error(W[1], W_hat[1]).",
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

ex6 = Exercise(
    "Estimate: decode speed-up from fp16 to INT4",
    expected=lambda: (quantization.quantized_serving(MODEL, GPU, 4, group_size=GROUP,  # every weight in 4 bits
                                                     embedding_bits=quantization.bits_per_weight(4, GROUP))
                      ["decode_tokens_per_second"]
                      / quantization.quantized_serving(MODEL, GPU, 16)["decode_tokens_per_second"]),
    unit="x (a speed-up factor)",
    within_factor=1.25,
    hints=[
        "At batch 1 each token reads every weight once: tokens/s <= bandwidth / bytes of weights.",
        "The bandwidth is the same in both cases; only the bytes per weight change (scales included).",
        "16 bits vs 4 + 16/128 = 4.125 bits per weight; or use quantized_serving(..., 16) and (..., 4, group_size=128).",
    ],
    explanation="16 / 4.125 = 3.88x: 75 -> 290 tokens/s for Llama-2 7B on an RTX 4090 (1,008 GB/s). Measured "
                "speed-ups stay below the ratio of the bytes, because dequantizing costs time and not every byte "
                "read is a weight: for OPT-175B at batch 1, GPTQ's 3-bit weights (about 16 / 3 = 5.3x fewer bytes "
                "than fp16) cut the time per token 3.24x on A100s and 4.53x on A6000s (Frantar et al. 2022, "
                "arXiv 2210.17323, Table 6).",
    traps=[
        Trap(lambda e: 1.0, "decoding at batch 1 is memory-bound, not compute-bound: fewer bytes per weight means "
                            "proportionally more tokens per second."),
        Trap(lambda e: 2.0, "2x is fp16 -> INT8; INT4 halves the bytes again."),
        Trap(lambda e: 1 / e, "upside down: the INT4 model is the faster one."),
        Trap(lambda e: 8.0, "8x would be fp32 -> INT4; the baseline is fp16 (16 bits)."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6]
