"""Interactive views over course_lib calculators, one module per notebook topic."""

from course_lib.widgets._view import CalculatorView, ViewUpdate, figure_png, html_table, plain_log_axis

__all__ = ["CalculatorView", "ViewUpdate", "figure_png", "html_table", "plain_log_axis"]
