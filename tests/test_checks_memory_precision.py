"""Exercises of notebook 04: right answers (independent literals) pass, traps and slips are explained."""

import pytest

from course_lib.checks import CORRECT, NOT_ATTEMPTED, NOT_YET
from course_lib.checks.memory_precision import EXERCISES, ex1, ex2, ex3, ex4, ex5, ex6

# Right answers derived by hand (not with course_lib):
RIGHT = [
    (ex1, 40.0),  # 10e9 params x 4 B = 4e10 B = 40 GB
    (ex2, 112.0),  # 7e9 x (2 + 2 + 4 + 4 + 4) B = 1.12e11 B
    # Llama-2 70B config.json: 80 layers, 8 KV heads x 128 = 1024 wide; 2 (K, V) x 80 x 1024 x 2 B = 327,680 B/token;
    # x 4096 tokens x 8 sequences = 10,737,418,240 B.
    (ex3, 10.73741824),
    (ex4, 65504.0),  # IEEE binary16: (2 - 2**-10) x 2**15
    (ex5, 70144.0),  # 70000 in [2**16, 2**17): bf16 step 2**(16-7) = 512; 70000/512 = 136.7 -> 137 x 512
    (ex6, 48.0),  # 24e9 B / 0.5 B per int4 weight = 48e9 parameters
]


@pytest.mark.parametrize("exercise, answer", RIGHT, ids=[e.title for e, _ in RIGHT])
def test_right_answer_is_correct(exercise, answer):
    assert exercise.check(answer).status == CORRECT


def test_every_exercise_has_a_right_answer_here():
    assert [e for e, _ in RIGHT] == EXERCISES


@pytest.mark.parametrize(
    "exercise, wrong, fragment",
    [
        (ex1, 400, "famous slip"),
        (ex1, 20, "2 bytes per parameter"),
        (ex1, 320, "gigabits"),
        (ex1, 40e9, "bytes instead of GB"),  # generic unit slip
        (ex1, 37.25290298461914, "GiB vs GB"),  # 4e10 / 2**30
        (ex2, 28, "fp32 weights alone"),
        (ex2, 14, "16-bit weights alone"),
        (ex2, 56, "forgets Adam"),
        (ex2, 84, "optimizer part alone"),
        (ex2, 70, "fp32 values as 2 bytes"),
        (ex2, 150, "too large"),  # plausible guess, no trap
        (ex3, 85.89934592, "grouped-query"),  # 64 KV heads: x 8
        (ex3, 5.36870912, "both K and V"),
        (ex3, 21.47483648, "2 bytes per value"),
        (ex3, 1.34217728, "one sequence"),
        (ex4, 65536, "not representable"),
        (ex4, 65535, "uint16"),
        (ex4, 3.3895313892515355e38, "8 exponent bits"),
        (ex4, 57344, "E5M2"),
        (ex4, 65500, "too small"),  # 0.006% off: exact answers only
        (ex5, 70000, "512 apart"),
        (ex5, 69632, "rounds down"),
        (ex5, 65504, "fp16's largest"),
        (ex6, 6, "int4 is 4 bits"),
        (ex6, 12, "2 bytes per parameter"),
        (ex6, 24, "int8"),
        (ex6, 96, "quarter byte"),
        (ex6, 200, "too large"),
    ],
)
def test_traps_and_wrong_answers_are_explained(exercise, wrong, fragment):
    result = exercise.check(wrong)
    assert result.status == NOT_YET
    assert fragment in result.message


@pytest.mark.parametrize("answer, ok", [(30.5, True), (35, True), (70, True), (76, True), (29, False), (78, False)])
def test_estimate_accepts_within_a_factor_of_1_6(answer, ok):
    # 48 / 1.6 = 30, 48 x 1.6 = 76.8
    assert ex6.check(answer).correct is ok


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.title for e in EXERCISES])
def test_not_attempted_and_odd_types_do_not_raise(exercise):
    assert exercise.check(...).status == NOT_ATTEMPTED
    for odd in ("40 GB", [40], {"a": 1}, True):
        assert exercise.check(odd).status == NOT_YET


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.title for e in EXERCISES])
def test_hints_and_solution(exercise):
    assert len(exercise.hints) >= 2
    assert "Hint 1/" in exercise.hint(1)
    assert exercise.solution().startswith("Solution:")
