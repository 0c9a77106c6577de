"""Exercises of notebook 09: right answers (hand-derived literals) pass, traps and slips are explained."""


from course_lib.checks import CORRECT, NOT_YET, choosing

# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # Llama-2 70B fp16: 2 x 68,976,648,192 = 137.95 GB; KV 2 x 80 layers x 1,024 (8 KV heads x 128) x 2 B =
    # 327,680 B/token x 32 x 4,096 tokens = 42.95 GB; (137.95 + 42.95) x 1.1 = 199.0 GB / 80 GB = 2.49 -> 3,
    # and the GPU count must divide the 64 heads -> 4.
    "ex1": 4,
    # 6 x 13,015,864,320 x 1e12 = 7.80952e22 FLOP / (989.5e12 x 0.4) = 1.97309e8 GPU-s / (14 x 86,400 s) = 163.12
    # -> 164 GPUs -> ceil(164 / 8) = 21 DGX H100 servers = 168 GPUs.
    "ex2": 168,
    # batch-1 decode of 26.03 GB: L40S 864 GB/s -> 33.2 tokens/s; A100 PCIe 80GB 1,935 GB/s -> 74.3 tokens/s
    "ex3": "A100 PCIe 80GB",
    "ex4": choosing.T4_OPTIONS[2],
    "ex5": "it has no price in the snapshot and none was typed",
    "ex6": "they stay the same",
}

# Each trap's value, derived by hand from the right answer, with a fragment of its message.
TRAPS = {
    "ex1": [(2, "only the weights"), (1.75, "1.75 GPUs"), (3, "divide 64"), (2.49, "before rounding")],
    # 164 GPUs (not whole servers); 163.12 (not rounded); 21 servers; 2 N D: 163.12 / 3 = 54.4 -> 55 -> 56;
    # sparse 1,979 TFLOPS: 81.56 -> 82 -> 88.
    "ex2": [(164, "whole servers"), (163.12, "before rounding"), (21, "number of servers"), (56, "forward pass"),
            (88, "sparse")],
    # the choices: each wrong option with a fragment of its explanation (L40S: more TFLOPS, less than half the
    # bandwidth, 864 vs 1,935 GB/s)
    "ex3": [("L40S", "864 GB/s")],
    "ex4": [(choosing.T4_OPTIONS[0], "256 GB"), (choosing.T4_OPTIONS[1], "64 / 16 = 4"),
            (choosing.T4_OPTIONS[3], "65 dense fp16")],
    "ex5": [("it is the slowest", "rank them last"), ("it does not fit", "ranked by time"),
            ("it has no published TDP", "energy ranking")],
    "ex6": [("they triple", "wall-clock hours"), ("they drop to a third", "GPU count")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 8,  # one full 8-GPU server: fits, but not the minimum
    "ex2": 176,  # one server too many
    "ex3": "RTX 4090",  # not one of the options
}


def test_choice_accepts_spelling_variants_and_rejects_other_options():
    assert choosing.ex3.check("a100 pcie 80gb").status == CORRECT
    result = choosing.ex3.check("H100 SXM")
    assert result.status == NOT_YET and "not one of the options" in result.message
    assert choosing.ex6.check("They stay the same").status == CORRECT


def test_last_hints_nudge_without_the_one_line_answer():
    for exercise in (choosing.ex1, choosing.ex2):
        assert "planner.min_gpus" not in exercise.hints[-1] and "planner.plan" not in exercise.hints[-1]


def test_six_exercises_in_order():
    assert choosing.EXERCISES == [choosing.ex1, choosing.ex2, choosing.ex3, choosing.ex4, choosing.ex5, choosing.ex6]
