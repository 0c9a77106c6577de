"""Exercises of notebook 06: right answers (hand-derived literals) pass, traps and wrong options are explained."""


from course_lib.checks import CORRECT, NOT_YET
from course_lib.checks import serving as cs

# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # 2 x 6.74e9 x 1024 / 989.5e12 = 13.95 ms (the exact count, 13.68 ms, is within 5%)
    "ex1": 13.95,
    # 1008e9 / (2 x (8,030,261,248 - 128,256 x 4,096 = 7,504,924,672)) = 67.16 tokens/s
    "ex2": 67.16,
    # the H100 SXM's ridge point: 989.5e12 / 3.35e12 = 295.4
    "ex3": 295.4,
    # weights: 68,452,360,192 x 4.125 / 8 + 524,288,000 x 2 = 36,344,324,224 B; free 43,655,675,776 B;
    # / (4096 x 327,680 = 1,342,177,280) = 32.53 -> 32
    "ex4": 32,
    # 61 x (512 + 64) x 2 = 70,272
    "ex5": 70_272,
    # 1 + 0.7 + 0.49 + 0.343
    "ex6": 2.533,
    "ex7": "prefill",  # 756.5 / 312 = 2.4x the FLOPS; 2,000 vs 2,039 GB/s
    "ex8": "no",       # batch 256 x 5 checked tokens: compute-bound
    "ex9": "85%",      # 1 - 600 / 4096 = 0.854
}

# Each trap's value, derived by hand, with a fragment of its message.
TRAPS = {
    # 1 FLOP per parameter: 6.84 ms; doubled 27.4 ms; weights read once 2 x 6,738,415,616 / 3.35e12 = 4.02 ms;
    # per token: 13.68 / 1024 = 0.01336 ms
    "ex1": [(6.84, "2 FLOP"), (27.4, "dense bf16"), (4.02, "memory-bound"), (0.01336, "one token")],
    # compute ceiling 165.2e12 / 15,009,849,344 = 11,006; fp32: 33.6; 8-bit: 134.3
    "ex2": [(11_006, "compute ceiling"), (33.6, "fp32"), (134.3, "8-bit")],
    "ex3": [(153, "A100"), (0.003386, "upside down"), (1, "memory-bound")],
    # 64 KV heads: 43.66e9 / (8 x 1.342e9) = 4.07 -> 4; no weights: 80e9 / 1.342e9 = 59.6 -> 59; rounded up 33
    "ex4": [(4, "64 KV heads"), (59, "forgets"), (33, "rounds up")],
    # MHA 61 x 128 x 320 x 2 = 4,997,120; no rope 61 x 512 x 2 = 62,464; K and V 140,544; one layer 1,152
    "ex5": [(4_997_120, "multi-head"), (62_464, "rotary"), (140_544, "separately"), (1_152, "one layer")],
    # 3 x 0.7 = 2.1; forgot the big model's token 1.533; unlimited 3.333; all accepted 4
    "ex6": [(2.1, "independently"), (1.533, "one token"), (3.333, "unlimited"), (4, "alpha = 1")],
    "ex7": [("decode", "memory-bound"), ("both equally", "different bottlenecks")],
    "ex8": [("yes", "compute-bound")],
    "ex9": [("15%", "used"), ("50%", "much less than half")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 88.5,       # the A100's 2,048-token prefill
    "ex2": 6.7,        # off by 10 in the bandwidth
    "ex3": 1024,       # a "large" batch
    "ex4": 16,
    "ex5": 35_136,     # values, not bytes
    "ex6": 3.3616,     # alpha 0.8, gamma 4
    "ex7": "decoding",  # not an option
    "ex8": True,       # not text
    "ex9": "0.85",     # not one of the options
}


def test_estimates_have_physical_bounds():
    # ex3 accepts the ridge point within 10%, not any "large batch"; ex1 rejects 100% of the sparse peak
    assert cs.ex3.check(330).status == NOT_YET and cs.ex3.check(270).status == CORRECT
    assert cs.ex1.check(13.95 / 2).status == NOT_YET


def test_last_hints_nudge_without_the_library_call():
    for exercise in cs.EXERCISES:
        last = exercise.hints[-1]
        assert "serving.prefill(" not in last and "crossover_batch(" not in last and "max_batch(" not in last
        assert "speculative_expected_tokens(" not in last
