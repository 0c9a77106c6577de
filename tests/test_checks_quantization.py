"""Exercises of notebook 05: right answers (hand-derived literals) pass, traps and slips are explained."""

import numpy as np
import pytest

from course_lib.checks import CORRECT, NOT_YET
from course_lib.checks import quantization as cq

# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # x = [0.5, -1.27, 0.254, 1.0]: scale = max|x| / 127 = 1.27 / 127 = 0.01; 0.254 / 0.01 = 25.4 -> 25
    "ex1": 25,
    # 70e9 x 0.5 byte = 35e9 bytes; 70e9 / 128 = 546,875,000 scales x 2 bytes = 1.09375e9 bytes -> 36.09375 GB
    "ex2": 36.09375,
    # GPT-3 175B (Table 2.1: d = 12288, 96 layers, vocab 50257, context 2048): per layer 12 d^2 + 13 d
    # = 1,812,099,072, x 96 = 173,961,510,912; embeddings (50257 + 2048) x 12288 = 642,723,840; final
    # norm 2 d = 24,576 -> 174,604,259,328 parameters x 1 byte = 174.604 GB
    "ex3": 174.604,
    # 0.5% of 512 columns = round(2.56) = 3 columns scaled 20-60x; in each, 16 entries with
    # P(|20 z| < 6) = P(|z| < 0.3) = 0.24, so all 3 cross the threshold; ordinary columns: P(|z| >= 6) = 2e-9
    "ex4": 3,
    # per tensor row 1's step is row 0's (10x its own); the error ~ step / sqrt(12) per value -> ratio ~ 10
    "ex5": 10.0,
    # memory-bound: speed-up = bytes ratio = 16 bits / (4 + 16 / 128 = 4.125 bits) = 3.879
    "ex6": 3.879,
    # outlier_channels: every row contains the large columns, so per-row scales barely help (numpy oracle below)
    "ex7": "B",
    # GPTQ updates the not-yet-quantized weights to cancel each rounding's effect on the layer outputs
    "ex8": "B",
    # Mixtral 8x7B: 46,702,792,704 weights (config.json, counted in test_models) x (4 + 16/128) bits / 8
    # = 24,081,127,488 bytes > 24e9 bytes of an RTX 4090
    "ex9": "does not fit",
}

# Each trap's value, derived by hand from the question, with a fragment of its message.
TRAPS = {
    # scale from max(x) = 1.0: 0.254 x 127 = 32.26 -> 32; unrounded 25.4; max|x| / 128: 0.254 / 0.0099219 = 25.6
    # -> 26; zero-point: scale 2.27 / 255 = 0.0089020, zero point round(1.27 / 0.0089020) = 143,
    # round(0.254 / 0.0089020 = 28.53) + 143 = 172
    "ex1": [(32, "largest *magnitude*"), (25.4, "before rounding"), (26, "127, the largest code"),
            (172, "zero-point")],
    # 4 bytes/weight: 280 GB; codes only: 35 GB; scales counted as 2 bits: 35 + 0.137 = 35.137 GB (within 1%
    # of 35, same message); fp16: 140 GB; one scale per weight: 35 + 140 = 175 GB
    "ex2": [(280, "4 *bits*"), (35, "codes only"), (35.137, "not 2 bits"), (140, "fp16"),
            (175, "one scale per weight")],
    # the myth: 16 GB; fp16: 349.2 GB; int4: 87.3 GB; bits instead of bytes: 1396.8
    "ex3": [(16, "claim being tested"), (349.2, "fp16"), (87.3, "INT4"), (1396.8, "bits instead of bytes")],
    "ex4": [(44, "*entries*"), (16, "rows"), (509, "stay in INT8")],  # counted with numpy in test_ex4_oracle
    "ex5": [(100, "*mean squared*"), (1, "inherits row 0"), (0.1, "upside down")],
    # 16 / 4 = 4 (forgot the scales), and anything above 16 / 4.125 x 1.01 = 3.918 is faster than the bytes allow
    "ex6": [(1, "memory-bound"), (2, "fp16 -> INT8"), (0.258, "upside down"), (8, "fp32"),
            (4, "4x counts 4 bits per weight and forgets the scales"), (3.95, "3.95x counts 4 bits"),
            (4.5, "4.5x is more than the bytes shrink"), (16, "16x is more than the bytes shrink")],
    "ex7": [("A", "heavy-tailed"), ("C", "never coarser"), ("D", "15 levels"), ("E", "not one of the options")],
    "ex8": [("A", "same 3 or 4-bit codes"), ("C", "LLM.int8()"), ("D", "post-training")],
    "ex9": [("fits", "24.08 GB"), ("yes", "not one of the options")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 127,  # the code of the largest value
    "ex2": 70,  # INT8 size
    "ex3": 175e9,  # bytes instead of GB
    "ex4": 5,  # 0.5% of 1024, the notebook's matrix
    "ex5": 3.16,  # sqrt(10)
    "ex6": 2.3,  # below 3.879 / 1.6 = 2.42: less than any measured kernel gets
}


def test_ex4_oracle():
    # count with numpy, independently of mixed_int8_matmul: columns, entries and rows with |x| >= 6
    outliers = np.abs(cq.X_OUTLIERS) >= 6.0
    assert np.count_nonzero(np.any(outliers, axis=0)) == 3
    assert np.count_nonzero(outliers) == 44 and np.count_nonzero(np.any(outliers, axis=1)) == 16


def test_ex5_oracle_and_tolerance():
    # numpy absmax, independent of course_lib.quantization: row 1 per tensor vs per row
    w = cq.W_TWO_ROWS
    per_tensor = np.rint(w / (np.abs(w).max() / 127)) * (np.abs(w).max() / 127)
    row_scale = np.abs(w).max(axis=1, keepdims=True) / 127
    per_row = np.rint(w / row_scale) * row_scale

    def row1_error(w_hat):
        return np.linalg.norm(w[1] - w_hat[1]) / np.linalg.norm(w[1])

    ratio = row1_error(per_tensor) / row1_error(per_row)
    assert 9.5 < ratio < 10.5
    assert cq.ex5.check(ratio).status == CORRECT
    assert cq.ex5.check(11.5).status == NOT_YET  # the tolerance is 5%, not a free pass


def test_ex6_estimate_window_is_one_sided():
    # from 3.879 / 1.6 = 2.42 (61% of the ratio, GPTQ's measured A100 speed-up share) up to the bytes ratio 3.879
    # (+1% so that 3.9 counts); never above: a memory-bound decode cannot gain more than its bytes shrink
    for estimate in (2.5, 3.24, 3.5, 3.88, 3.9):  # 3.24: GPTQ's measured A100 speed-up (arXiv 2210.17323, Table 6)
        assert cq.ex6.check(estimate).status == CORRECT
    for estimate in (2.3, 3.95, 4.0, 4.85):  # 4.85 was accepted by the old symmetric window
        assert cq.ex6.check(estimate).status == NOT_YET


def test_ex7_oracle():
    # numpy absmax at 4 bits (levels -7..7), independent of course_lib.quantization: per tensor vs per row
    w = cq.quantization.synthetic_weights(cq.EXPLORER_SHAPE, cq.EXPLORER_KIND)

    def relative_error(scale):
        return np.linalg.norm(w - np.clip(np.rint(w / scale), -7, 7) * scale) / np.linalg.norm(w)

    per_tensor = relative_error(np.abs(w).max() / 7)
    per_row = relative_error(np.abs(w).max(axis=1, keepdims=True) / 7)
    assert 1 < per_tensor / per_row < 1.5  # barely better: option B


@pytest.mark.parametrize("exercise", cq.EXERCISES, ids=lambda e: e.title)
def test_last_hint_nudges_without_a_library_call(exercise):
    assert "`" not in exercise.hints[-1]  # no code to copy: the last hint says what to do, not which call
