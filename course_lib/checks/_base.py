"""Answer checks for the exercises, in the Kaggle-learntools spirit.

Each exercise is an :class:`Exercise` whose expected answer is computed by course_lib (never
typed in). ``check(answer)`` says *correct*, *not yet* (with what is off) or *not attempted*;
``hint()`` gives graded hints; ``solution()`` reveals the answer and how to get it.
Checks never ``eval`` learner input and never raise on a wrong type: they explain.
"""

from __future__ import annotations

import enum
import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from course_lib import _validate


class Status(str, enum.Enum):
    """Outcome of a check; a ``str`` too, so ``result.status == "correct"`` holds."""

    CORRECT = "correct"
    NOT_YET = "not yet"
    NOT_ATTEMPTED = "not attempted"

    def __str__(self) -> str:
        return self.value


CORRECT, NOT_YET, NOT_ATTEMPTED = Status.CORRECT, Status.NOT_YET, Status.NOT_ATTEMPTED
KINDS = ("number", "choice", "bool")
SIDES = ("max", "min")
_ICONS = {CORRECT: "✓", NOT_YET: "✗", NOT_ATTEMPTED: "✎"}  # in every common font (emoji are boxes without an emoji font)

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

    def __post_init__(self) -> None:
        if not callable(self.wrong):
            raise ValueError(f"wrong must be a function of the expected value, got {_validate.describe(self.wrong)}")
        _validate.text("message", self.message)

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

    def __post_init__(self) -> None:
        if not callable(self.limit):
            raise ValueError(f"limit must be a function of no arguments, got {_validate.describe(self.limit)}")
        object.__setattr__(self, "side", _validate.choice("side", self.side, SIDES))
        _validate.text("message", self.message)

    def broken_by(self, answer: float) -> bool:
        """True if ``answer`` lies beyond the limit."""
        limit = float(self.limit())
        return answer > limit if self.side == "max" else answer < limit

    def says(self, answer: float) -> str:
        """The message, with ``{answer}`` replaced by the learner's number."""
        return self.message.replace("{answer}", _number(answer))


@dataclass
class CheckResult:
    """What ``Exercise.check`` returns; displays itself as one coloured line.

    ``status`` is a :class:`Status` (a plain string such as "correct" or "Not Yet" is converted).
    """

    status: Status
    message: str

    def __post_init__(self) -> None:
        options = [s.value for s in Status]
        self.status = Status(_validate.choice("status", self.status, options))
        self.message = _validate.text("message", self.message)

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"{_ICONS[self.status]} {self.status.value.capitalize()}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {CORRECT: "#1b7f3b", NOT_YET: "#b00020", NOT_ATTEMPTED: "#555"}[self.status]
        return (f'<div style="color:{colour}">{_ICONS[self.status]} <b>{self.status.value.capitalize()}</b>: '
                f"{html.escape(self.message)}</div>")


@dataclass
class Exercise:
    """One graded exercise.

    expected: zero-argument function computing the right answer with course_lib.
    kind: "number" (compared with rel_tol, or within a factor ``within_factor`` > 1 for estimates),
        "choice" (a string compared case/spacing-insensitively with ``expected()``; ``options``
        lists the valid strings and must not be empty) or "bool".
    unit: shown in messages ("GB", "days"), so learners know what to give.
    within_factor: f accepts expected / f to expected x f; a pair (below, above) accepts
        expected / below to expected x above, for estimates where physics limits one side more.
    bounds: :class:`Bound` limits no correct answer may cross (checked after the traps).
    feedback: for a choice exercise, wrong option -> why it is wrong (the one way an option is explained).
    trap_rel_tol: match traps within this relative tolerance instead of the answer's window (estimates with
        wide windows, where a trap's window would swallow answers it does not explain).
    Validated when built: a bad exercise fails when its module is imported, not when a learner checks.
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

    def __post_init__(self) -> None:
        self.title = _validate.text("title", self.title)
        if not callable(self.expected):
            raise ValueError(f"expected must be a function of no arguments, got {_validate.describe(self.expected)}")
        self.unit = _validate.text("unit", self.unit)
        self.kind = _validate.choice("kind", self.kind, KINDS)
        self.rel_tol = _validate.non_negative("rel_tol", self.rel_tol)
        if self.rel_tol >= 1:
            raise ValueError(f"rel_tol must be below 1 (a relative tolerance), got {self.rel_tol!r}")
        if self.within_factor is not None:
            self.within_factor = _window(self.within_factor)
        if self.trap_rel_tol is not None:
            self.trap_rel_tol = _validate.positive("trap_rel_tol", self.trap_rel_tol)
        self.hints = tuple(_validate.text("hints", h) for h in _sequence("hints", self.hints))
        self.explanation = _validate.text("explanation", self.explanation)
        self.traps = tuple(_sequence("traps", self.traps))
        if not all(isinstance(t, Trap) for t in self.traps):
            raise ValueError("traps must be a sequence of Trap(wrong, message)")
        self.options = tuple(_validate.text("options", o) for o in _sequence("options", self.options))
        if self.kind == "choice" and not self.options:
            raise ValueError("options: a choice exercise needs the list of valid answers")
        self.bounds = tuple(_sequence("bounds", self.bounds))
        if not all(isinstance(b, Bound) for b in self.bounds):
            raise ValueError("bounds must be a sequence of Bound(limit, side, message)")
        if not isinstance(self.feedback, Mapping):
            raise ValueError(f"feedback must map a wrong option to why it is wrong, got "
                             f"{_validate.describe(self.feedback)}")
        options = {_validate.normalize_key(o) for o in self.options}
        for option, why in self.feedback.items():
            if _validate.normalize_key(_validate.text("feedback", option)) not in options:
                raise ValueError(f"feedback: {option!r} is not one of the options {list(self.options)}")
            _validate.text("feedback", why)
        self.feedback = dict(self.feedback)

    # -- checking ---------------------------------------------------------------------------
    def check(self, answer: Any) -> CheckResult:
        """Compare ``answer`` with the expected value; never raises."""
        self.last_result = self._judge(answer)
        return self.last_result

    def _judge(self, answer: Any) -> CheckResult:
        if answer is Ellipsis or answer is None:
            return CheckResult(NOT_ATTEMPTED, "replace the `...` with your answer and run the cell again.")
        if self.kind == "number":
            return self._judge_number(answer)
        if self.kind == "bool":
            if not _validate.is_bool(answer):
                return CheckResult(NOT_YET, f"give True or False, not {type(answer).__name__} "
                                            f"{_validate.describe(answer)}.")
            if bool(answer) == self.expected():
                return CheckResult(CORRECT, f"{bool(answer)} is right.")
            return CheckResult(NOT_YET, f"{bool(answer)} is not right; try hint().")
        return self._judge_choice(answer)

    def _judge_choice(self, answer: Any) -> CheckResult:
        if not isinstance(answer, str):
            return CheckResult(NOT_YET, f"give the answer as text (a string), e.g. {self.options[0]!r}.")
        if _validate.normalize_key(answer) == _validate.normalize_key(self.expected()):
            return CheckResult(CORRECT, f"{answer!r} is right.")
        if _validate.normalize_key(answer) not in {_validate.normalize_key(o) for o in self.options}:
            return CheckResult(NOT_YET, f"{answer!r} is not one of the options: {', '.join(map(repr, self.options))}.")
        why = {_validate.normalize_key(option): text for option, text in self.feedback.items()}
        if _validate.normalize_key(answer) in why:
            return CheckResult(NOT_YET, f"{answer!r} is not right: {why[_validate.normalize_key(answer)]}")
        return CheckResult(NOT_YET, f"{answer!r} is not the best choice; try hint().")

    def _judge_number(self, answer: Any) -> CheckResult:
        if isinstance(answer, str):
            return CheckResult(NOT_YET, f"give a number, not the text {_validate.describe(answer)} (e.g. 40 rather "
                                        f"than '40 GB'); the unit expected is {self.unit or 'stated in the question'}.")
        if isinstance(answer, (bytes, bytearray)):
            return CheckResult(NOT_YET, f"give a number, not bytes {_validate.describe(answer)}.")
        if _validate.is_bool(answer):
            return CheckResult(NOT_YET, f"give a single number in {self.unit or 'the unit asked for'}, "
                                        f"not {bool(answer)}.")
        try:  # Python and numpy numbers, 0-d and 1-element arrays, Decimal, Fraction
            value = float(answer)
        except OverflowError:
            return CheckResult(NOT_YET, "your answer is beyond the floating-point range (about 1.8e308); "
                                        "check the units and the powers of ten.")
        except (TypeError, ValueError):
            return CheckResult(NOT_YET, f"give a single number, not a {type(answer).__name__}.")
        if not math.isfinite(value):
            return CheckResult(NOT_YET, f"your answer is {value}; check for a division by zero or overflow.")
        expected = float(self.expected())
        if self._close(value, expected) and not any(bound.broken_by(value) for bound in self.bounds):
            return CheckResult(CORRECT, f"{_number(value)} {self.unit}".rstrip() + ".")
        return CheckResult(NOT_YET, self._diagnose(value, expected))

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
            return f"{_distinct(answer, expected)} is {direction} ({size}); try hint()."
        return f"{_distinct(answer, expected)} is not right; try hint()."

    # -- help -------------------------------------------------------------------------------
    def hint(self, n: Any = None) -> _Text:
        """The next hint (or hint number ``n``, from 1); hints get more specific. Never raises."""
        if not self.hints:
            return _Text("No hints for this one: try solution().")
        if n is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            number = self._hints_shown
        else:
            try:
                number = _validate.integer("n", n, -_validate.MAX_EXACT_INT, _validate.MAX_EXACT_INT)
            except ValueError:
                return _Text(f"hint(n): n is the number of a hint, 1 to {len(self.hints)}; "
                             f"{_validate.describe(n)} is not. Or call hint() for the next one.")
        number = min(max(number, 1), len(self.hints))
        return _Text(f"Hint {number}/{len(self.hints)}: {self.hints[number - 1]}")

    def solution(self) -> _Text:
        """The expected answer and how to get it."""
        value = self.expected()
        shown = _number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
        return _Text(f"Solution: {shown} {self.unit}".rstrip() + (f"\n{self.explanation}" if self.explanation else ""))


def _window(value: Any) -> float | tuple[float, float]:
    """``within_factor``: one factor > 1, or a pair (below, above) of factors >= 1 with one of them > 1."""
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"within_factor must be a factor > 1 or a pair (below, above), got "
                             f"{_validate.describe(value)}")
        below, above = (_validate.positive("within_factor", v) for v in value)
        if min(below, above) < 1 or max(below, above) <= 1:
            raise ValueError(f"within_factor must be a pair of factors >= 1 (one > 1), got {_validate.describe(value)}")
        return below, above
    factor = _validate.positive("within_factor", value)
    if factor <= 1:
        raise ValueError(f"within_factor must be > 1 (answers within that factor count), got {_validate.describe(value)}")
    return factor


def _number(value: float) -> str:
    """A number for messages: whole numbers in full (65,504), others to 4 significant figures."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _distinct(answer: float, expected: float) -> str:
    """``answer`` for a "not yet" message: with as many digits as it takes not to read as ``expected``.

    65504.5 next to 65504 is written "65504.5", not "6.55e+04" (which looks like the right answer).
    """
    if answer.is_integer() and abs(answer) < 1e15:
        return _number(answer)
    for digits in range(4, 18):
        shown = f"{answer:.{digits}g}"
        if shown != f"{expected:.{digits}g}":
            return shown
    return repr(answer)


class _Text(str):
    """A string that prints without quotes when it is a cell's result."""

    def __repr__(self) -> str:
        return str(self)


def progress(exercises: Sequence[Exercise]) -> _Text:
    """One line per exercise with its last check status."""
    exercises = _exercises(exercises)
    lines = []
    for number, exercise in enumerate(exercises, start=1):
        status = exercise.last_result.status if exercise.last_result else NOT_ATTEMPTED
        lines.append(f"{_ICONS[status]} Exercise {number}: {exercise.title} — {status}")
    return _Text("\n".join(lines))


def assert_all_correct(exercises: Sequence[Exercise]) -> None:
    """Raise AssertionError unless every exercise's last check was correct (solution notebooks).

    An explicit raise, not ``assert``: ``python -O`` must not skip it.
    """
    wrong = [e.title for e in _exercises(exercises) if not (e.last_result and e.last_result.correct)]
    if wrong:
        raise AssertionError(f"checks not correct: {wrong}")


def _exercises(value: Any) -> Sequence[Exercise]:
    exercises = _sequence("exercises", value)
    if not all(isinstance(e, Exercise) for e in exercises):
        raise ValueError("exercises must be a list of Exercise objects (a module's EXERCISES)")
    return exercises


def _sequence(name: str, value: Any) -> Sequence[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError(f"{name} must be a list or tuple, got {_validate.describe(value)}")
    return value
