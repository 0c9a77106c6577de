"""The answer-check machinery: statuses, unit-slip diagnosis, traps, hints; never raises."""

import math

import numpy as np
import pytest

from course_lib.checks import CORRECT, NOT_ATTEMPTED, NOT_YET, Exercise, Trap, assert_all_correct, progress


@pytest.fixture
def weights_gb():
    # 10e9 fp32 parameters = 40 GB, derived by hand: 10e9 x 4 bytes / 1e9 bytes per GB.
    return Exercise(
        "10B fp32 weights in GB",
        expected=lambda: 40.0,
        unit="GB",
        hints=["How many bytes is one fp32 number?", "4 bytes x 10e9 / 1e9"],
        explanation="10e9 x 4 B = 4e10 B = 40 GB",
        traps=[Trap(lambda e: e * 10, "400 GB is the famous article mistake: 10e9 x 4 B is 4e10 B, not 4e11 B.")],
    )


def test_correct_answers_within_tolerance(weights_gb):
    assert weights_gb.check(40).status == CORRECT
    assert weights_gb.check(40.3).correct  # 0.75% off, tolerance 1%
    assert weights_gb.check(np.float32(40.0)).correct
    assert weights_gb.check(np.array(40.0)).correct


def test_not_attempted_for_ellipsis_and_none(weights_gb):
    assert weights_gb.check(...).status == NOT_ATTEMPTED
    assert weights_gb.check(None).status == NOT_ATTEMPTED


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (400, "400 GB is the famous article mistake"),  # the trap wins over the generic diagnosis
        (4e10, "bytes instead of GB"),  # 1e9 slip
        (40_000, "1e3"),
        (40 / 1.073741824, "GiB vs GB"),  # answered in GiB
        (-40, "wrong sign"),
        (41.5, "too large"),
        ("40 GB", "give a number"),
        ([40], "single number"),
        (math.nan, "division by zero"),
        (True, "single number"),
    ],
)
def test_wrong_answers_are_explained_not_raised(weights_gb, answer, fragment):
    result = weights_gb.check(answer)
    assert result.status == NOT_YET
    assert fragment in result.message


def test_within_factor_for_estimates():
    estimate = Exercise("order of magnitude", expected=lambda: 3e23, within_factor=3)
    assert estimate.check(1.2e23).correct and estimate.check(8e23).correct
    assert not estimate.check(9.5e22).correct and not estimate.check(1e24).correct


def test_choice_and_bool_kinds():
    choice = Exercise("which GPU", expected=lambda: "A800 SXM 80GB", kind="choice", options=["A800 SXM 80GB", "H100 SXM"])
    assert choice.check("a800-sxm-80gb").correct
    assert choice.check("H100 SXM").status == NOT_YET
    assert "not one of the options" in choice.check("B200").message
    assert "as text" in choice.check(3).message
    flag = Exercise("fits?", expected=lambda: False, kind="bool")
    assert flag.check(False).correct and not flag.check(True).correct
    assert "True or False" in flag.check("no").message


def test_hints_are_graded_and_solution_reveals(weights_gb):
    assert weights_gb.hint().startswith("Hint 1/2")
    assert weights_gb.hint().startswith("Hint 2/2")
    assert weights_gb.hint().startswith("Hint 2/2")  # stays at the last one
    assert "40" in weights_gb.solution() and "4e10" in weights_gb.solution()


def test_progress_and_assert_all_correct(weights_gb):
    other = Exercise("other", expected=lambda: 1.0)
    weights_gb.check(40)
    assert "correct" in progress([weights_gb, other]).splitlines()[0]
    assert "not attempted" in progress([weights_gb, other]).splitlines()[1]
    with pytest.raises(AssertionError, match="other"):
        assert_all_correct([weights_gb, other])
    other.check(1.0)
    assert_all_correct([weights_gb, other])


def test_bad_kind_is_rejected():
    with pytest.raises(ValueError, match="kind"):
        Exercise("x", expected=lambda: 1, kind="numbr")


def test_messages_show_whole_numbers_in_full_and_small_misses_in_percent():
    largest_fp16 = Exercise("largest fp16", expected=lambda: 65504.0, rel_tol=0)
    assert "65,504" in largest_fp16.solution()  # not 6.55e+04
    assert "65,504" in largest_fp16.check(65504).message
    assert "too large (by 0.049 %)" in largest_fp16.check(65536).message  # 32 / 65504 = 0.049 %
    assert "too small (by a factor of 2)" in largest_fp16.check(32752).message
