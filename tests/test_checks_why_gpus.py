"""Exercises of notebook 01: right answers (hand-derived literals) pass, traps and slips are explained."""

import pytest

from course_lib.checks import CORRECT, NOT_YET, why_gpus

# This machine's measurement is replaced by a fixed 10 GFLOPS so exercise 6 is deterministic.
FAKE_GFLOPS = 10.0


def prepare(monkeypatch):
    """Replace this machine's measurement (also used by tests/test_checks_contract.py)."""
    monkeypatch.setattr(why_gpus, "my_cpu_gflops", lambda: FAKE_GFLOPS)


@pytest.fixture(autouse=True)
def fixed_measurement(monkeypatch):
    prepare(monkeypatch)


# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # 1 / (0.05 + 0.95 / 1000) = 1 / 0.05095 = 19.627
    "ex1": 19.627,
    # 2 x 4096^3 / (3 x 4096^2 x 2 bytes) = 4096 / 3 = 1365.33 FLOP/byte
    "ex2": 1365.33,
    # intensity 2 x 4096^2 / (2 x (4096 + 4096^2 + 4096)) = 0.9995 < ridge 989.5e12 / 3.35e12 = 295.4
    "ex3": "memory-bound",
    # H100 SXM datasheet: bf16 1,979 TFLOPS with sparsity -> 989.5 dense; fp32 67 TFLOPS: 989.5 / 67 = 14.769
    "ex4": 14.769,
    # (989.5 / 700) / (312 / 400) = 1.41357 / 0.78 = 1.8123
    "ex5": 1.8123,
    # 989.5e12 FLOP/s / (10 GFLOPS = 1e10 FLOP/s) = 98,950
    "ex6": 98_950,
    # 1 / (0.01 + 0.99 / 100,000) = 1 / 0.0100099 = 99.90: "about 100x" (option D)
    "ex7": "D",
    # ridges: H100 989.5e12 / 3.35e12 = 295.4 FLOP/byte, RTX 4090 165.2e12 / 1.008e12 = 163.9 (Ada whitepaper)
    "ex8": "H100 SXM",
}

# Each trap's value, derived by hand from the datasheet numbers, with a fragment of its message.
TRAPS = {
    # linear 1000; limit 1 / 0.05 = 20; 0.95 x 1000 = 950; swapped 1 / (0.95 + 0.05/1000) = 1.0526
    "ex1": [(1000, "every part"), (20.0, "infinitely many"), (950, "adds up *times*"), (1.0526, "5 % as the parallel")],
    # inverse 3 / 4096 = 7.324e-4; fp32 or multiply-adds 4096 / 6 = 682.67; one matrix only 4096
    "ex2": [(7.324e-4, "bytes per FLOP"), (682.67, "multiply-adds"), (4096, "one matrix only")],
    # big matrix, so compute-bound? one token: 2 x 4096^2 FLOP / (2 x (2 x 4096 + 4096^2)) bytes = about 1 FLOP/byte
    "ex3": [("compute-bound", "about 1 FLOP per byte")],
    # sparse 1979 / 67 = 29.537; fp64 989.5 / 34 = 29.103; tf32 494.5 / 67 = 7.381; inverse 67 / 989.5 = 0.06771
    "ex4": [(29.537, "sparsity"), (29.103, "fp64"), (7.381, "tf32"), (0.06771, "inverse")],
    # sparse H100: (1979/700) / 0.78 = 3.6245; FLOP/s only 989.5 / 312 = 3.1715; power 700 / 400 = 1.75;
    # inverse 0.78 / 1.41357 = 0.5518
    "ex5": [(3.6245, "with sparsity"), (3.1715, "FLOP/s alone"), (1.75, "ratio of the powers"), (0.5518, "inverse")],
    # fp32 vector: 67e12 / 1e10 = 6,700
    "ex6": [(6_700, "fp32 vector")],
    "ex7": [("A", "whole program"), ("B", "scales the 91x"), ("C", "infinitely many cores")],
    "ex8": [("RTX 4090", "164 FLOP per byte"), ("the same", "property of the GPU")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 10.0,  # a guess
    "ex2": 4096 / 3 * 4,  # used 0.5 bytes per value
    "ex3": "latency-bound",  # not one of the options
    "ex4": 989.5 / 51,  # H100 PCIe's fp32 rate
    "ex5": 1.0,  # "same generation of efficiency"
    "ex6": 98_950 * 5,  # factor 5 off: outside the factor of 3
}


def test_choice_accepts_spelling_variants_and_rejects_unknown_options():
    assert why_gpus.ex3.check("Memory bound").status == CORRECT
    result = why_gpus.ex3.check("latency-bound")
    assert result.status == NOT_YET and "not one of the options" in result.message


def test_estimate_accepts_within_a_factor_of_three():
    # 98,950 / 2.5 = 39,580 and 98,950 x 2.9 = 286,955 are within a factor of 3
    assert why_gpus.ex6.check(39_580).status == CORRECT
    assert why_gpus.ex6.check(286_955).status == CORRECT
    # a GFLOPS-vs-TFLOPS slip: 98.95 is 1000x too small
    result = why_gpus.ex6.check(98.95)
    assert result.status == NOT_YET and "factor of 1e3" in result.message


def test_last_hints_nudge_without_code():
    for exercise in why_gpus.EXERCISES:
        assert "`" not in exercise.hints[-1], exercise.title


def test_solutions_show_the_working():
    assert "19.63 x" in why_gpus.ex1.solution()
    assert "'memory-bound'" in why_gpus.ex3.solution()


def test_real_measurement_is_a_positive_rate(monkeypatch):
    monkeypatch.undo()
    why_gpus.my_cpu_gflops.cache_clear()
    first = why_gpus.my_cpu_gflops()
    assert first > 0.01  # even a pure-Python loop reaches ~0.02 GFLOPS
    assert why_gpus.my_cpu_gflops() == first  # measured once, then remembered
