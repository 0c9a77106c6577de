"""Exercises of notebook 04: right answers (independent literals) pass, traps and slips are explained."""

import pytest

from course_lib.checks.memory_precision import ex6

# Right answers derived by hand (not with course_lib):
RIGHT = {
    "ex1": 40.0,  # 10e9 params x 4 B = 4e10 B = 40 GB
    "ex2": 112.0,  # 7e9 x (2 + 2 + 4 + 4 + 4) B = 1.12e11 B
    # Llama-2 70B config.json: 80 layers, 8 KV heads x 128 = 1024 wide; 2 (K, V) x 80 x 1024 x 2 B = 327,680 B/token;
    # x 4096 tokens x 8 sequences = 10,737,418,240 B.
    "ex3": 10.73741824,
    "ex4": 65504.0,  # IEEE binary16: (2 - 2**-10) x 2**15
    "ex5": 70144.0,  # 70000 in [2**16, 2**17): bf16 step 2**(16-7) = 512; 70000/512 = 136.7 -> 137 x 512
    "ex6": 48.0,  # 24e9 B / 0.5 B per int4 weight = 48e9 parameters
}

# Each trap's value, derived by hand from the right answer, with a fragment of its message.
TRAPS = {
    "ex1": [(400, "famous slip"), (20, "2 bytes per parameter"), (320, "gigabits"),
            (40e9, "bytes instead of GB"),  # generic unit slip
            (37.25290298461914, "GiB vs GB")],  # 4e10 / 2**30
    "ex2": [(28, "fp32 weights alone"), (14, "16-bit weights alone"), (56, "forgets Adam"),
            (84, "optimizer part alone"), (70, "fp32 values as 2 bytes")],
    "ex3": [(85.89934592, "grouped-query"),  # 64 KV heads: x 8
            (5.36870912, "both K and V"), (21.47483648, "2 bytes per value"), (1.34217728, "one sequence")],
    "ex4": [(65536, "not representable"), (65535, "uint16"), (3.3895313892515355e38, "8 exponent bits"),
            (57344, "E5M2"), (65500, "too small")],  # 65500: 0.006% off, exact answers only
    "ex5": [(70000, "512 apart"), (69632, "rounds down"), (65504, "fp16's largest")],
    "ex6": [(6, "int4 is 4 bits"), (12, "2 bytes per parameter"), (24, "int8"), (96, "quarter byte"),
            (200, "too large")],
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


@pytest.mark.parametrize("answer, ok", [(30.5, True), (35, True), (70, True), (76, True), (29, False), (78, False)])
def test_estimate_accepts_within_a_factor_of_1_6(answer, ok):
    # 48 / 1.6 = 30, 48 x 1.6 = 76.8
    assert ex6.check(answer).correct is ok

