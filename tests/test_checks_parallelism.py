"""Exercises of notebook 07: right answers (hand-derived literals) pass, traps and slips are explained."""

import numpy as np

from course_lib.checks import CORRECT, NOT_YET, parallelism

# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # 7e9 x 2 bytes = 14e9 bytes; ring: each GPU sends 2 x 7/8 x 14e9 = 24.5e9 bytes;
    # InfiniBand NDR 400 Gb/s / 8 = 50 GB/s -> 24.5e9 / 50e9 = 0.49 s
    "ex1": 0.49,
    # (p - 1) / (m + p - 1) = 3 / 11 = 0.272727 (GPipe, Huang et al. 2019)
    "ex2": 3 / 11,
    # 2 x 7.5 (fp16 weights) + (2 + 12) x 7.5 / 64 (gradients + optimizer states, sharded) = 15 + 1.640625
    # = 16.640625 GB; the ZeRO paper's Figure 1 prints 16.6 GB
    "ex3": 16.6,
    # column-parallel splits w (k, n) along its columns: numpy axis 1
    "ex4": 1,
    # 16 bytes x 70e9 = 1,120 GB; 1,120 / 80 = 14 GPUs
    "ex5": 14,
    # tensor parallelism talks inside every layer (4 all-reduces per layer): inside the NVLink server
    "ex6": "tensor",
    # 2 x 7/8 x 14e9 / 300e9 = 81.667 ms in each DGX A100 + 2 x 1/2 x (14e9 / 8) / 25e9 = 70 ms across: 151.667 ms
    "ex7": 0.151667,
    # micro-batch 6 x 6,738,415,616 x 4096 / (312e12 x 0.4) = 1.32698 s; all-reduce 2 x 7/8 x 13.4768e9 / 300e9
    # + 2 x 7/8 x 13.4768e9 / 8 / 25e9 = 0.078615 + 0.117930 = 0.196545 s; k x 1.32698 / (k x 1.32698 + 0.196545)
    # is 0.9310 at k = 2 and 0.9530 at k = 3
    "ex8": 3,
}

# Each trap's value, derived by hand, with a fragment of its message.
TRAPS = {
    # 14e9 / 50e9 = 0.28 s (no ring factor); 24.5e9 / 400e9 = 0.06125 s (bits as bytes); 14e9 / 400e9 = 0.035 s;
    # 2 x 14e9 / 50e9 = 0.56 s (factor 2); fp32: 0.98 s; naive 2 x 7 x 14e9 / 50e9 = 3.92 s
    "ex1": [(0.28, "one buffer sent once"), (0.06125, "400 Gb/s as 400 GB/s"), (0.035, "two slips"),
            (0.56, "factor 2"), (0.98, "fp32"), (3.92, "naive")],
    # (p-1)/m = 3/8; percent 27.27; busy share 8/11; one micro-batch 3/4
    "ex2": [(0.375, "busy"), (27.27, "percentage"), (8 / 11, "busy share"), (0.75, "single micro-batch")],
    # stage 0: 16 x 7.5 = 120 GB; stage 1: 15 + 15 + 90/64 = 31.406 GB; stage 3: 120/64 = 1.875 GB;
    # all 64 GPUs: 64 x 16.640625 = 1,065 GB; 8-byte optimizer state: 15 + 10 x 7.5/64 = 16.172 GB
    "ex3": [(120, "nothing is sharded"), (31.4, "stage 1"), (1.875, "stage 3"), (1065, "all 64 GPUs"),
            (16.17, "12 bytes/param")],
    "ex4": [(0, "row-parallel"), (-1, "Give it as 1")],
    # weights only: 140 / 80 = 1.75 GPUs; weights + gradients: 280 / 80 = 3.5; the state in GB: 1,120
    "ex5": [(1.75, "only the bf16 weights"), (3.5, "not the optimizer states"), (1120, "in GB")],
    "ex6": [("pipeline", "one activation per micro-batch"), ("data", "once per step"), ("Data ", "once per step")],
    # all 16 on NVLink: 2 x 15/16 x 14e9 / 300e9 = 87.5 ms; flat ring at 25 GB/s: 2 x 15/16 x 14e9 / 25e9 = 1.05 s;
    # the network part alone 70 ms; 200 Gb/s read as 200 GB/s: 81.667 + 8.75 = 90.417 ms
    "ex7": [(0.0875, "on NVLink"), (1.05, "flat ring"), (0.070, "only the network part"), (0.090417, "in bits")],
    "ex8": [(1, "87 %"), (2, "93.1 %")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 24.5e9 / 300e9,  # used NVLink's 300 GB/s instead of the InfiniBand link
    "ex2": 3 / 12,  # (p - 1) / (m + p)
    "ex3": 15.0,  # the weights alone, forgetting the sharded gradients and optimizer states
    "ex4": 2,  # no such axis for a 2-D w
    "ex5": 40,  # a guess far above 16 x 70 / 80
    "ex7": 0.0817,  # the 8-GPU (one server) time
    "ex8": 10,  # far more steps than needed
}


def test_unit_slips_are_named():
    assert "1e3" in parallelism.ex1.check(490).message  # milliseconds given as seconds
    assert "GiB" in parallelism.ex3.check(16.640625e9 / 2**30).message  # 15.5 GiB instead of GB


def test_axis_answer_matches_a_numeric_split():
    # the exercise's answer, checked by experiment: splitting w along axis 1 and concatenating x @ block
    x, w = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    blocks = np.split(w, 2, axis=RIGHT["ex4"])
    assert np.allclose(np.concatenate([x @ b for b in blocks], axis=1), x @ w)


def test_estimate_window():
    # within a factor 1.5 of 14: 10 and 21 GPUs pass, 9 and 22 do not
    assert parallelism.ex5.check(10).status == CORRECT and parallelism.ex5.check(21).status == CORRECT
    assert parallelism.ex5.check(9).status == NOT_YET and parallelism.ex5.check(22).status == NOT_YET


def test_exercises_in_order():
    assert parallelism.EXERCISES == [parallelism.ex1, parallelism.ex2, parallelism.ex3, parallelism.ex4,
                                     parallelism.ex5, parallelism.ex6, parallelism.ex7, parallelism.ex8]


def test_choice_answers_that_are_no_option():
    assert "not one of the options" in parallelism.ex6.check("expert").message
    assert parallelism.ex6.check(3).status == NOT_YET
