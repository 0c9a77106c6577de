"""Exercises of notebook 02: right answers (hand-derived literals) pass, traps and slips are explained,
and every wrong option of the conceptual questions has its own explanation."""


from course_lib.checks import NOT_YET, inside_gpu

# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # 132 SMs x 4 Tensor Cores x 512 FMA x 2 FLOP x 1.83e9 Hz = 989.43e12 FLOP/s
    "ex1": 989.43,
    # 2 x 8192^3 / (2 x (2 x 8192^3 / 128 + 8192^2)) = 1 / (2/128 + 1/8192) = 63.504
    "ex2": 63.504,
    # ridge 989.5 / 3.35 = 295.37; 1 / (2/512 + 1/8192) = 248.2 < 295.37 <= 1 / (2/1024 + 1/8192) = 481.9
    "ex3": 1024,
    # 2 x (4 x 4096 x 128 + 4 x 4096^2) / 1e6 = 2 x (2,097,152 + 67,108,864) / 1e6 = 138.412 MB
    "ex4": 138.412,
    "ex5": "a",
    "ex6": "b",
    # delta = 70e9 x 14 / 50e9 = 19.6 s; M = 54 x 86400 x 16384 / (419 x 4096) = 44,542.3 s;
    # sqrt(2 x 19.6 x 44,542.3) = 1,321.4 s = 22.02 min
    "ex7": 22.02,
    # 4 x 10.2 kW x 1.3 = 53.04 kW
    "ex8": 53.04,
}

# Each trap's value, derived by hand, with a fragment of its message.
TRAPS = {
    # 132 x 4096 x 1.98e9 = 1070.53; FMA not doubled 494.71; sparse 1978.86; one Tensor Core per SM 247.36
    "ex1": [(1070.53, "1,980 MHz"), (494.71, "multiply-add (FMA) is 2 FLOP"), (1978.86, "2:4-sparse"),
            (247.36, "4 of them")],
    # values instead of bytes 127.01; fp32 31.75; each matrix read once 8192 / 3 = 2730.67
    "ex2": [(127.01, "counted values"), (31.75, "fp32"), (2730.67, "read from HBM only once")],
    # 512 (248 FLOP/byte); the exact crossing 2 / (2 / 590.75 - 1/8192) = 612.84 -> 613; the ridge itself 296
    "ex3": [(512, "still below the ridge"), (613, "exact crossing"), (296, "ridge in FLOP/byte")],
    # N^2 terms only 2 x 4 x 4096^2 / 1e6 = 134.22; S and P once each 2 x (2,097,152 + 33,554,432) / 1e6 = 71.30;
    # fp32 276.82; the minimum 2 x 4 x 4096 x 128 / 1e6 = 4.19
    "ex4": [(134.22, "only the N x N matrices"), (71.30, "S is written and read"), (276.82, "fp32"),
            (4.19, "minimum any kernel")],
    # sqrt(delta M) 22.02 / 1.4142 = 15.57 min; in seconds 1321.4; MTBF of 16,384 GPUs: sqrt(2 x 19.6 x 11,135.6)
    # = 660.7 s = 11.01 min; 16 bytes: delta = 22.4 s, sqrt(2 x 22.4 x 44,542.3) = 1412.6 s = 23.54 min
    "ex7": [(15.57, "sqrt(delta M)"), (1321.4, "in seconds"), (11.01, "16,384-GPU"), (23.54, "16 bytes")],
    # GPU boards only 4 x 5.6 x 1.3 = 29.12; no PUE 40.8; divided by PUE 40.8 / 1.3 = 31.38
    "ex8": [(29.12, "GPU boards only"), (40.8, "IT load"), (31.38, "divided by the PUE")],
}

# Every wrong option of the two conceptual questions and a fragment of its explanation (also in capitals).
WRONG_OPTIONS = {
    "ex5": [("b", "own HBM"), ("c", "NCCL all-reduces over InfiniBand"), ("d", "32 to 128 attention heads")],
    "ex6": [("a", "exact"), ("c", "same precision"), ("d", "one GPU")],
}
TRAPS.update({name: [(spelling, fragment) for option, fragment in options for spelling in (option, option.upper(),
                                                                                             f" {option} ")]
              for name, options in WRONG_OPTIONS.items()})

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 1000.0,  # a round guess
    "ex2": 128 / 4,  # tile / 4
    "ex3": 256,  # the register-file limit
    "ex4": 8.39,  # FlashAttention's minimum at N = 8192 (the notebook's example)
    "ex7": 60.0,  # "once an hour"
    "ex8": 120.0,  # an NVL72 rack
}


def test_choice_rejects_unknown_letters():
    result = inside_gpu.ex5.check("e")
    assert result.status == NOT_YET and "not one of the options" in result.message


def test_unit_slips_are_recognised():
    assert "factor of 1e12" in inside_gpu.ex1.check(989.43e12).message  # FLOP/s instead of TFLOPS
    assert "factor of 1e6" in inside_gpu.ex4.check(138.412e6).message  # bytes instead of MB


def test_hints_nudge_and_solutions_explain():
    for exercise in inside_gpu.EXERCISES:
        assert len(exercise.hints) >= 2 and exercise.hint(1).startswith("Hint 1/")
        assert exercise.solution().startswith("Solution: ") and exercise.explanation
        assert "inside_gpu" not in exercise.hints[-1]  # the last hint does not hand over a library call
    assert "989.4 TFLOPS" in inside_gpu.ex1.solution()
    assert "'b'" in inside_gpu.ex6.solution()
