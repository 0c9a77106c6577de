"""Exercise checks: one module per topic notebook (``course_lib.checks.flops`` etc.)."""

from course_lib.checks._base import (
    CORRECT,
    NOT_ATTEMPTED,
    NOT_YET,
    Bound,
    CheckResult,
    Exercise,
    Status,
    Trap,
    assert_all_correct,
    progress,
)

__all__ = [
    "Bound", "CORRECT", "NOT_ATTEMPTED", "NOT_YET", "CheckResult", "Exercise", "Status", "Trap", "assert_all_correct",
    "progress",
]
