"""Interactive views over course_lib calculators, one module per notebook topic."""

from course_lib.widgets._view import (
    DASH,
    PART_COLOURS,
    STYLE,
    CalculatorView,
    ViewUpdate,
    figure_png,
    html_table,
    money,
    number,
    plain_log_axis,
    raw,
)

__all__ = ["DASH", "PART_COLOURS", "STYLE", "CalculatorView", "ViewUpdate", "figure_png", "html_table", "money",
           "number", "plain_log_axis", "raw"]
