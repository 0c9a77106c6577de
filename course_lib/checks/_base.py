"""Answer checks for the exercises, in the Kaggle-learntools spirit.

Each exercise is an :class:`Exercise` whose expected answer is computed by course_lib (never
typed in). ``check(answer)`` says *correct*, *not yet* (with what is off) or *not attempted*;
``hint()`` gives graded hints; ``solution()`` reveals the answer and how to get it.
Checks never ``eval`` learner input and never raise on a wrong type: they explain.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

from course_lib import _validate

CORRECT, NOT_YET, NOT_ATTEMPTED = "correct", "not yet", "not attempted"
_ICONS = {CORRECT: "✅", NOT_YET: "❌", NOT_ATTEMPTED: "✏️"}

# Ratios a slipped unit or convention produces, with what to look at (checked both ways).
_UNIT_SLIPS = (
    (1e3, "off by a factor of 1e3 — check the unit prefix (GB vs MB, TFLOPS vs GFLOPS, ms vs s)"),
    (1e6, "off by a factor of 1e6 — check the unit prefix (e.g. bytes vs MB, FLOPS vs MFLOPS)"),
    (1e9, "off by a factor of 1e9 — did you give bytes instead of GB (or FLOP instead of GFLOP)?"),
    (1e12, "off by a factor of 1e12 — did you give FLOP/s instead of TFLOPS?"),
    (2**30 / 1e9, "off by 7.4% — that is the GiB vs GB difference (2**30 vs 1e9 bytes)"),
    (2**20 / 1e6, "off by 4.9% — that is the MiB vs MB difference (2**20 vs 1e6 bytes)"),
    (2**40 / 1e12, "off by 10% — that is the TiB vs TB difference (2**40 vs 1e12 bytes)"),
)


@dataclass(frozen=True)
class Trap:
    """A plausible wrong answer (as a function of the right one) and what to tell the learner.

    ``wrong(expected)`` returns the value someone falling into the trap would compute, e.g.
    ``Trap(lambda e: e / 4, "counted only the weights: Adam also needs gradients and states")``.
    """

    wrong: Callable[[Any], Any]
    message: str

    def says(self, answer: float) -> str:
        """The message, with ``{answer}`` replaced by the learner's number."""
        return self.message.replace("{answer}", _number(answer))


@dataclass(frozen=True)
class Bound:
    """A physical limit on an estimate: an answer beyond it is never correct, whatever the window.

    ``limit()`` is the bound in the answer's unit; ``side="max"`` rejects answers above it, ``side="min"``
    answers below it. ``message`` says why (``{answer}`` is replaced by the learner's number), e.g.
    ``Bound(lambda: 46.5, "max", "{answer} billion int4 weights do not fit in 24 GB")``.
    """

    limit: Callable[[], float]
    side: str
    message: str

    def broken_by(self, answer: float) -> bool:
        """True if ``answer`` lies beyond the limit."""
        limit = float(self.limit())
        return answer > limit if self.side == "max" else answer < limit

    def says(self, answer: float) -> str:
        return self.message.replace("{answer}", _number(answer))


@dataclass
class CheckResult:
    """What ``Exercise.check`` returns; displays itself as one coloured line."""

    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"{_ICONS[self.status]} {self.status.capitalize()}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {CORRECT: "#1b7f3b", NOT_YET: "#b00020", NOT_ATTEMPTED: "#555"}[self.status]
        return (f'<div style="color:{colour}">{_ICONS[self.status]} <b>{self.status.capitalize()}</b>: '
                f"{html.escape(self.message)}</div>")


@dataclass
class Exercise:
    """One graded exercise.

    expected: zero-argument function computing the right answer with course_lib.
    kind: "number" (compared with rel_tol, or within a factor ``within_factor`` for estimates),
        "choice" (a string compared case/spacing-insensitively with ``expected()``; ``options``
        lists the valid strings, ``feedback`` maps a wrong option to why it is wrong) or "bool".
    unit: shown in messages ("GB", "days"), so learners know what to give.
    within_factor: f accepts expected / f to expected x f; a pair (below, above) accepts
        expected / below to expected x above, for estimates where physics limits one side more.
    bounds: :class:`Bound` limits no correct answer may cross (checked after the traps).
    trap_rel_tol: match traps within this relative tolerance instead of the answer's window (estimates with
        wide windows, where a trap's window would swallow answers it does not explain).
    """

    title: str
    expected: Callable[[], Any]
    unit: str = ""
    kind: str = "number"
    rel_tol: float = 0.01
    within_factor: float | tuple[float, float] | None = None
    hints: Sequence[str] = ()
    explanation: str = ""
    traps: Sequence[Trap] = ()
    options: Sequence[str] = ()
    bounds: Sequence[Bound] = ()
    feedback: Mapping[str, str] = field(default_factory=dict)
    trap_rel_tol: float | None = None
    last_result: CheckResult | None = field(default=None, repr=False)
    _hints_shown: int = field(default=0, repr=False)

    def __post_init__(self):
        _validate.choice("kind", self.kind, ("number", "choice", "bool"))

    # -- checking ---------------------------------------------------------------------------
    def check(self, answer) -> CheckResult:
        """Compare ``answer`` with the expected value; never raises."""
        self.last_result = self._judge(answer)
        return self.last_result

    def _judge(self, answer) -> CheckResult:
        if answer is Ellipsis or answer is None:
            return CheckResult(NOT_ATTEMPTED, "replace the `...` with your answer and run the cell again.")
        if self.kind == "number":
            return self._judge_number(answer)
        if self.kind == "bool":
            if not isinstance(answer, bool):
                return CheckResult(NOT_YET, f"give True or False, not {type(answer).__name__} {answer!r}.")
            if answer == self.expected():
                return CheckResult(CORRECT, f"{answer} is right.")
            return CheckResult(NOT_YET, f"{answer} is not right; try hint().")
        return self._judge_choice(answer)

    def _judge_choice(self, answer) -> CheckResult:
        if not isinstance(answer, str):
            return CheckResult(NOT_YET, f"give the answer as text (a string), e.g. {self.options[0]!r}.")
        if _validate.normalize_key(answer) == _validate.normalize_key(self.expected()):
            return CheckResult(CORRECT, f"{answer!r} is right.")
        if self.options and _validate.normalize_key(answer) not in {_validate.normalize_key(o) for o in self.options}:
            return CheckResult(NOT_YET, f"{answer!r} is not one of the options: {', '.join(map(repr, self.options))}.")
        why = {_validate.normalize_key(option): text for option, text in self.feedback.items()}
        if _validate.normalize_key(answer) in why:
            return CheckResult(NOT_YET, f"{answer!r} is not right: {why[_validate.normalize_key(answer)]}")
        for trap in self.traps:  # a wrong option with its own explanation: Trap(lambda e: "option", "why not")
            if _validate.normalize_key(answer) == _validate.normalize_key(str(trap.wrong(self.expected()))):
                return CheckResult(NOT_YET, trap.message)
        return CheckResult(NOT_YET, f"{answer!r} is not the best choice; try hint().")

    def _judge_number(self, answer) -> CheckResult:
        if isinstance(answer, str):
            return CheckResult(NOT_YET, f"give a number, not the text {answer!r} (e.g. 40 rather than '40 GB'); "
                                        f"the unit expected is {self.unit or 'stated in the question'}.")
        if isinstance(answer, bool):
            return CheckResult(NOT_YET, f"give a single number in {self.unit or 'the unit asked for'}, not {answer}.")
        if not isinstance(answer, Real):
            try:  # numpy scalars and 0-d arrays are fine
                answer = float(answer)
            except (TypeError, ValueError):
                return CheckResult(NOT_YET, f"give a single number, not a {type(answer).__name__}.")
        answer = float(answer)
        if not math.isfinite(answer):
            return CheckResult(NOT_YET, f"your answer is {answer}; check for a division by zero or overflow.")
        expected = float(self.expected())
        if self._close(answer, expected) and not any(bound.broken_by(answer) for bound in self.bounds):
            return CheckResult(CORRECT, f"{_number(answer)} {self.unit}".rstrip() + ".")
        return CheckResult(NOT_YET, self._diagnose(answer, expected))

    def _close(self, answer: float, expected: float) -> bool:
        if self.within_factor is not None:
            if answer <= 0 or expected <= 0:
                return answer == expected
            below, above = (self.within_factor if isinstance(self.within_factor, tuple)
                            else (self.within_factor, self.within_factor))
            return answer / expected <= above and expected / answer <= below
        return math.isclose(answer, expected, rel_tol=self.rel_tol, abs_tol=1e-12)

    def _diagnose(self, answer: float, expected: float) -> str:
        for trap in self.traps:
            wrong = float(trap.wrong(expected))
            if (math.isclose(answer, wrong, rel_tol=self.trap_rel_tol) if self.trap_rel_tol is not None
                    else self._close(answer, wrong)):
                return trap.says(answer)
        for bound in self.bounds:
            if bound.broken_by(answer):
                return bound.says(answer)
        if expected != 0 and answer != 0:
            if math.isclose(answer, -expected, rel_tol=self.rel_tol):
                return "right size, wrong sign."
            ratio = answer / expected
            for factor, message in _UNIT_SLIPS:
                for r in (factor, 1 / factor):
                    if math.isclose(ratio, r, rel_tol=self.rel_tol):
                        return message
            direction = "too large" if abs(answer) > abs(expected) else "too small"
            factor = max(abs(ratio), 1 / abs(ratio))
            size = f"by {100 * (factor - 1):.2g} %" if factor < 1.5 else f"by a factor of {factor:.3g}"
            return f"{_number(answer)} is {direction} ({size}); try hint()."
        return f"{_number(answer)} is not right; try hint()."

    # -- help -------------------------------------------------------------------------------
    def hint(self, n: int | None = None) -> _Text:
        """The next hint (or hint number ``n``, from 1); hints get more specific."""
        if not self.hints:
            return "No hints for this one: try solution()."
        if n is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            n = self._hints_shown
        n = min(max(int(n), 1), len(self.hints))
        return _Text(f"Hint {n}/{len(self.hints)}: {self.hints[n - 1]}")

    def solution(self) -> _Text:
        """The expected answer and how to get it."""
        value = self.expected()
        shown = _number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
        return _Text(f"Solution: {shown} {self.unit}".rstrip() + (f"\n{self.explanation}" if self.explanation else ""))


def _number(value: float) -> str:
    """A number for messages: whole numbers in full (65,504), others to 4 significant figures."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.4g}"


class _Text(str):
    """A string that prints without quotes when it is a cell's result."""

    def __repr__(self) -> str:
        return str(self)


def progress(exercises: Sequence[Exercise]) -> _Text:
    """One line per exercise with its last check status."""
    lines = []
    for number, exercise in enumerate(exercises, start=1):
        status = exercise.last_result.status if exercise.last_result else NOT_ATTEMPTED
        lines.append(f"{_ICONS[status]} Exercise {number}: {exercise.title} — {status}")
    return _Text("\n".join(lines))


def assert_all_correct(exercises: Sequence[Exercise]) -> None:
    """Raise AssertionError unless every exercise's last check was correct (solution notebooks)."""
    wrong = [e.title for e in exercises if not (e.last_result and e.last_result.correct)]
    assert not wrong, f"checks not correct: {wrong}"
