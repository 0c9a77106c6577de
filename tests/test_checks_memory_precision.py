"""Exercises of notebook 04: right answers (independent literals) pass, traps and slips are explained."""

import pytest

from course_lib.checks.memory_precision import EXERCISES, ex6

# Right answers derived by hand (not with course_lib):
RIGHT = {
    "ex1": 40.0,  # 10e9 params x 4 B = 4e10 B = 40 GB
    "ex2": 112.0,  # 7e9 x (2 + 2 + 4 + 4 + 4) B = 1.12e11 B
    # Llama-2 70B config.json: 80 layers, 8 KV heads x 128 = 1024 wide; 2 (K, V) x 80 x 1024 x 2 B = 327,680 B/token;
    # x 4096 tokens x 8 sequences = 10,737,418,240 B.
    "ex3": 10.73741824,
    "ex4": 65504.0,  # IEEE binary16: (2 - 2**-10) x 2**15
    "ex5": 70144.0,  # 70000 in [2**16, 2**17): bf16 step 2**(16-7) = 512; 70000/512 = 136.7 -> 137 x 512
    # int4 = 4 bits + one 16-bit scale per 128 weights = 4.125 bits = 0.515625 B; 24e9 / 0.515625 = 46.545e9
    "ex6": 46.5,
    # Llama-2 7B bf16 on 24 GB: weights 2 x 6,738,415,616 = 13,476,831,232 B; KV per token 2 x 32 x 4096 x 2 B =
    # 524,288 B: batch 1 (24e9 - 13,476,831,232) / 524,288 = 20,071 tokens; batch 16: / (16 x 524,288) = 1,254:
    # 16 times shorter (option B)
    "ex7": "B",
    # Llama-2 7B, no recomputation, 4096 tokens: activations 32 x 4096 x 4096 x (34 + 5 x 32) = 104.2 GB >
    # optimizer 12 x 6,738,415,616 = 80.9 GB > weights = gradients = 13.5 GB
    "ex8": "activations",
    "ex9": "B",  # Chen et al. 2016: store some activations, recompute the rest in the backward pass
}

# Each trap's value (or wrong option), derived by hand, with a fragment of its message.
TRAPS = {
    "ex1": [(400, "famous slip"), (20, "2 bytes per parameter"), (320, "gigabits"),
            (40e9, "bytes instead of GB"),  # generic unit slip
            (37.25290298461914, "GiB vs GB")],  # 4e10 / 2**30
    "ex2": [(28, "fp32 weights alone"), (28, "16-bit weights + 16-bit gradients"),  # 2 + 2 B/param is 28 GB too
            (98, "but no gradients"),  # 2 + 12 = 14 B/param: forgot the gradients
            (14, "16-bit weights alone"), (56, "forgets Adam"), (84, "optimizer part alone"),
            (70, "fp32 values as 2 bytes"), (150, "too large")],  # 150: a plausible guess, no trap
    "ex3": [(85.89934592, "grouped-query"),  # 64 KV heads: x 8
            (5.36870912, "both K and V"), (21.47483648, "2 bytes per value"), (1.34217728, "one sequence")],
    "ex4": [(65536, "not representable"), (65535, "uint16"), (3.3895313892515355e38, "8 exponent bits"),
            (57344, "E5M2"), (65500, "too small")],  # 65500: 0.006% off, exact answers only
    "ex5": [(70000, "512 apart"), (69632, "rounds down"), (65504, "fp16's largest")],
    "ex6": [(6, "6 billion is 4 bytes per parameter"),  # 24e9 / 4 B
            (12, "12 billion is 2 bytes per parameter"), (24, "24 billion is 1 byte per parameter (int8)"),
            (48, "48 billion is above the limit"),  # 24e9 / 0.5 B: forgot the scales
            (70, "70 billion is physically impossible"),  # the review's slip: it used to be accepted
            (77, "77 billion is physically impossible"),  # quotes the learner's number, not a trap's
            (200, "200 billion is physically impossible"), (26, "too small")],  # 26: below 29.09, and no trap
    "ex7": [("A", "own KV cache"), ("C", "square root"), ("D", "still fits"), ("E", "not one of the options")],
    "ex8": [("weights", "13.5 GB"), ("gradients", "same as the weights"), ("optimizer states", "activations are larger")],
    "ex9": [("A", "source article"), ("C", "offloading"), ("D", "quantization")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 41.5,
    "ex2": 150,  # plausible guess
    "ex3": 12.0,
    "ex4": 65504.5,  # printed as 65504.5, not rounded to the right answer
    "ex5": 70100.0,
    "ex6": 200,
}


@pytest.mark.parametrize("answer, ok", [(29.2, True), (35, True), (40, True), (46.5, True), (46.6, True), (29, False),
                                        (46.7, False), (48, False), (70, False), (77, False)])
def test_estimate_window_stops_at_the_physical_limit(answer, ok):
    # accepted: 46.545 / 1.6 = 29.09 up to the weights-only limit 46.545 (+0.2% = 46.64 so that the limit rounded
    # to 46.6 counts); nothing above it can fit (46.7e9 x 0.515625 B = 24.08 GB > 24 GB). 40: a realistic estimate,
    # 24 GB minus ~3.4 GB for the KV cache and runtime.
    assert ex6.check(answer).correct is ok


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.title for e in EXERCISES])
def test_last_hint_nudges_without_the_library_call(exercise):
    assert "`" not in exercise.hints[-1]  # no code to copy: the last hint says what to do, not which call
