"""Exercises of notebook 08: right answers (hand-derived literals) pass, traps are explained, and the
design exercise accepts any layout that fits and is close to the best, and says why others are not."""

import pytest

from course_lib.checks import CORRECT, NOT_ATTEMPTED, NOT_YET
from course_lib.checks import layouts as checks
from course_lib.layouts import Layout

RIGHT = {
    # 68,976,648,192 / 16 = 4.311e9 parameters per GPU: (2 + 2) x 4.311e9 = 17.244 GB + 12 x 4.311e9 / 4 = 12.933 GB
    "ex1": 30.177,
    # (8 - 1) / 2 = 3.5 micro-batch times of bubble; 3.5 / (16 + 3.5) = 0.17949
    "ex2": 3.5 / 19.5,
    "ex3": "NVLink",
    # any layout of the 64 GPUs that fits and is within 15 % of the best; notebook 08 names TP 4 x PP 2 x DP 8
    # (77 GB per GPU with 10 % overhead) among the fast ones
    "ex4": Layout(tp=4, pp=2, dp=8),
}

TRAPS = {
    # ZeRO-0: 16 x 4.311e9 = 68.98 GB; ZeRO-3: 16 x 4.311e9 / 4 = 17.24 GB
    "ex1": [(68.98, "without ZeRO"), (17.24, "ZeRO-3")],
    # 1F1B 7/23 = 0.3043; (p-1)/(v m) = 7/32 = 0.21875; percent 17.95
    "ex2": [(7 / 23, "1F1B"), (7 / 32, "busy time"), (17.95, "percentage")],
    "ex3": [("MoE", "can use tensor parallelism"), ("memory", "80 GB")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 40.0,  # a round guess
    "ex2": 0.25,  # (p - 1) / (p + ... ) guessed
    "ex3": "pipeline",  # not one of the options
    "ex4": Layout(tp=8, pp=8),  # fits, but 16 % slower than the best (notebook 08)
}


@pytest.mark.parametrize("layout", [Layout(tp=8, pp=2, dp=4), Layout(tp=4, pp=2, dp=8), Layout(tp=2, pp=16, dp=2)])
def test_design_accepts_several_good_layouts(layout):
    # the three layouts notebook 08 names as fitting (46, 77, 74 GB with 10 % overhead) and fast
    result = checks.ex4.check(layout)
    assert result.status == CORRECT, result.message
    assert "fits" in result.message and "within 15%" in result.message


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (Layout(tp=8, pp=2, dp=2), "32 GPUs; the cluster has 64"),  # 8 x 2 x 2
        (Layout(tp=8, dp=8, zero_stage=0), "needs 164 GB per GPU"),  # 16 x 68.98e9 / 8 = 138 GB of state
        (Layout(dp=64, zero_stage=3, recompute="full"), "43% slower"),  # FSDP alone: fits, but slow
        (Layout(tp=16, pp=4), "slower than the best"),  # TP across two servers
        ("TP8 PP2 DP4", "give a layout"),
        (8, "give a layout"),
    ],
)
def test_design_explains_what_is_wrong(answer, fragment):
    result = checks.ex4.check(answer)
    assert result.status == NOT_YET
    assert fragment in result.message


def test_design_layout_that_cannot_run():
    # 64 GPUs, but 512 sequences do not split into DP 64 x micro-batch 16 (= 1,024): the layout cannot run
    result = checks.ex4.check(Layout(dp=64, zero_stage=3, micro_batch=16, recompute="full"))
    assert result.status == NOT_YET and result.message.startswith("this layout cannot run: global_batch")
    # 3 x 21 = 63 GPUs is not the cluster
    assert "63 GPUs" in checks.ex4.check(Layout(pp=3, dp=21)).message


def test_design_not_attempted_and_solution():
    assert checks.ex4.check(...).status == NOT_ATTEMPTED
    assert "TP2 PP16 DP2" in checks.ex4.solution()
    assert checks.ex4.hint().startswith("Hint 1/3")
