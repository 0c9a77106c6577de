"""Interactive views over course_lib calculators, one module per notebook topic."""

from course_lib.widgets._view import CalculatorView, ViewUpdate

__all__ = ["CalculatorView", "ViewUpdate"]
