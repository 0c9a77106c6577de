"""The answer-check machinery: statuses, unit-slip diagnosis, traps, hints; never raises."""

import math

import numpy as np
import pytest

from course_lib.checks import CORRECT, NOT_ATTEMPTED, NOT_YET, Bound, Exercise, Trap, assert_all_correct, progress


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


def test_asymmetric_window_for_estimates():
    # accept 100 / 2 = 50 up to 100 x 1.25 = 125
    estimate = Exercise("one-sided", expected=lambda: 100.0, within_factor=(2, 1.25))
    assert estimate.check(50).correct and estimate.check(125).correct and estimate.check(100).correct
    assert not estimate.check(49).correct and not estimate.check(126).correct


def test_bounds_reject_impossible_answers_and_quote_them():
    # a window of 1.6 around 40 would accept 64, but 24 GB / 0.5 B = 48 is the physical ceiling
    estimate = Exercise("largest model", expected=lambda: 40.0, within_factor=1.6,
                        bounds=[Bound(lambda: 48.0, "max", "{answer} billion weights do not fit in 24 GB."),
                                Bound(lambda: 1.0, "min", "{answer} is smaller than the smallest preset.")])
    assert estimate.check(48).correct and estimate.check(26).correct
    result = estimate.check(60)
    assert result.status == NOT_YET and result.message == "60 billion weights do not fit in 24 GB."
    assert estimate.check(0.5).message == "0.5 is smaller than the smallest preset."


def test_traps_quote_the_learners_number_and_win_over_bounds():
    estimate = Exercise("largest model", expected=lambda: 40.0, within_factor=1.25,
                        traps=[Trap(lambda e: 2 * e, "{answer} assumes a quarter byte per weight.")],
                        bounds=[Bound(lambda: 48.0, "max", "too big")])
    assert estimate.check(77).message == "77 assumes a quarter byte per weight."  # 77 is within 1.25 of 80
    assert estimate.check(55).message == "too big"


def test_choice_feedback_explains_each_wrong_option():
    question = Exercise("bound", expected=lambda: "memory-bound", kind="choice",
                        options=["compute-bound", "memory-bound", "network-bound"],
                        feedback={"compute-bound": "1 FLOP per byte is far below the ridge."})
    assert question.check("Memory-Bound").correct
    assert question.check("compute-bound").message == "'compute-bound' is not right: 1 FLOP per byte is far below " \
                                                      "the ridge."
    assert "not the best choice" in question.check("network-bound").message  # no feedback given for it
    assert "not one of the options" in question.check("disk-bound").message


def test_trap_rel_tol_narrows_trap_matching_for_wide_windows():
    # expected 100 accepted from 50 to 200; a trap at 40 (e.g. MFU = 1) with the same window would also claim 30
    estimate = Exercise("gpu-hours", expected=lambda: 100.0, within_factor=2, trap_rel_tol=0.05,
                        traps=[Trap(lambda e: 0.4 * e, "assumes 100% of the peak.")],
                        bounds=[Bound(lambda: 40.0, "min", "faster than the peak: impossible.")])
    assert estimate.check(41).message == "assumes 100% of the peak."  # within 5% of 40
    assert estimate.check(30).message == "faster than the peak: impossible."  # not the trap any more
    assert estimate.check(60).correct
