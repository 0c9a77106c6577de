"""Exercises of notebook 03: right answers (hand-derived literals) pass, traps and slips are explained."""


from course_lib.checks import CORRECT, NOT_YET, flops

# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # 80e9 bytes / 2**30 bytes = 80e9 / 1,073,741,824 = 74.5058 GiB
    "ex1": 74.5058,
    # H100 SXM datasheet: "FP8 3,958 TFLOPS*" (* with sparsity) -> /2 dense FP8 1,979 -> /2 dense bf16 989.5
    # (the Hopper whitepaper's unrounded dense bf16 is 989.4)
    "ex2": 989.4,
    # 2 x 2048 x 11008 x 4096 = 184,683,593,728 FLOP = 184.68 GFLOP
    "ex3": 184.68,
    # 6 x 7e9 x 2e12 = 8.4e22 FLOP
    "ex4": 8.4e22,
    # 8.4e22 FLOP / (1024 x 312e12 FLOP/s x 0.4) = 657,262 s; / 86,400 s/day = 7.607 days
    "ex5": 7.607,
    # Published: 184,320 A100-80GB GPU-hours for Llama-2 7B (Touvron et al. 2023, Table 2; MODEL_CARD.md).
    "ex6": 184_320,
    # twice the GPUs, same FLOP and MFU: wall-clock halves, GPU-hours = GPUs x hours unchanged
    "ex7": "B",
    # dense fp16 Tensor TFLOPS from the datasheets: V100 125, RTX 4090 165.2 (fp32 accumulate), A100 312, H100 989.5
    "ex8": "A",
}

# Each trap's value, derived by hand from the right answer, with a fragment of its message.
TRAPS = {
    "ex1": [(80.0, "decimal figure unchanged"), (85.899, "wrong way round"), (78.125, "three times")],
    "ex2": [(3958, "as printed"), (1979, "one factor of 2")],
    "ex3": [(92.34, "multiply-adds")],  # m*n*k = 92,341,796,864
    # 8ND = 8 x 7e9 x 2e12 = 1.12e23 (the forward pass twice: recomputation)
    "ex4": [(2.8e22, "forward pass"), (4.2e22, "2 FLOP per multiply-add"), (5.6e22, "backward pass alone"),
            (1.12e23, "recomputation")],
    # 8.4e22 / (1024 x 624e12 x 0.4) = 3.80 days; at MFU 1: 3.04 days; both: 1.52 days; hours: 182.6; seconds
    "ex5": [(3.804, "sparse 624"), (3.043, "100% of the peak"), (1.521, "both slips"), (182.6, "hours"),
            (657_262, "seconds")],
    # course value at MFU 0.4: 6 x 6,738,415,616 x 2e12 / (312e12 x 0.4) / 3600 = 179,979 GPU-hours;
    # at MFU 1: 71,992; in GPU-seconds: 6.479e8; in GPU-days: 7,499
    # wall-clock hours on 1024 GPUs: 179,979 / 1024 = 175.8; MFU 0.8: 179,979 x 0.4 / 0.8 = 89,990 (above 0.75);
    # MFU 1.25: 57,593 (faster than the peak)
    "ex6": [(71_992, "100% of the peak"), (6.479e8, "GPU-seconds"), (7_499, "GPU-days"),
            (175.8, "175.8 looks like wall-clock hours"), (89_990, "89,990 GPU-hours implies an MFU above 0.75"),
            (57_593, "faster than the A100's peak")],
    "ex7": [("A", "stay the same"), ("C", "half the days"), ("D", "never make the same work take longer"),
            ("E", "not one of the options")],
    "ex8": [("B", "fp16 accumulate"), ("C", "125"), ("D", "2:4 sparsity")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 81.92,  # multiplied by 1.024 once: 80 x 1.024
    "ex2": 312,  # the A100's number
    "ex3": 2 * 2048 * 4096 / 1e9,  # forgot n
    "ex4": 6 * 7e9,  # forgot the tokens
    "ex5": 7.607 * 2048 / 1024,  # used 512 GPUs
    "ex6": 184_320 * 4,  # factor 4 off
}


def test_estimate_accepts_any_defensible_mfu_only():
    # 179,979 GPU-hours at MFU 0.4, so x 0.4 / MFU: MFU 0.2 -> 359,958 and 0.75 -> 95,989 are the ends.
    for mfu in (0.21, 0.25, 0.39, 0.6, 0.74):
        assert flops.ex6.check(179_979 * 0.4 / mfu).status == CORRECT, mfu
    for mfu in (0.15, 0.19, 0.8, 0.9):  # MFU 0.8 (89,990) was accepted by the old symmetric window
        assert flops.ex6.check(179_979 * 0.4 / mfu).status == NOT_YET, mfu


def test_last_hints_nudge_without_code():
    for exercise in flops.EXERCISES:
        assert "`" not in exercise.hints[-1], exercise.title


def test_exercises_in_order():
    assert flops.EXERCISES == [flops.ex1, flops.ex2, flops.ex3, flops.ex4, flops.ex5, flops.ex6, flops.ex7, flops.ex8]
