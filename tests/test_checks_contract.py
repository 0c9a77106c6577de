"""The contract every exercise topic keeps, checked once for all of them.

Each ``tests/test_checks_<topic>.py`` holds its hand-derived tables for ``course_lib.checks.<topic>``:
``RIGHT`` ({"exN": right answer}), ``TRAPS`` ({"exN": [(trap value, message fragment), ...]}) and
``WRONG`` ({"exN": a plausible wrong answer no trap covers}), plus its own special cases, and, if its
checks need it, ``prepare(monkeypatch)`` (e.g. a fixed measurement). For a multiple-choice exercise the
wrong options go in ``TRAPS`` too, with a fragment of their explanation. This file finds every such topic
and checks: right answers pass; traps are named; wrong answers are "not yet"; every exercise has a
right answer here; every wrong option of a choice is explained; odd answers never raise; hints are
graded and the solution shows the answer.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from course_lib import _validate
from course_lib.checks import CORRECT, NOT_ATTEMPTED, NOT_YET
from course_lib.checks._base import Exercise, _number

TOPICS: dict[str, tuple[ModuleType, ModuleType]] = {}
for _path in sorted(Path(__file__).parent.glob("test_checks_*.py")):
    _topic = _path.stem.removeprefix("test_checks_")
    if _topic not in ("base", "contract"):
        TOPICS[_topic] = (importlib.import_module(f"course_lib.checks.{_topic}"), importlib.import_module(_path.stem))

ODD_ANSWERS = ["12 GB", "", [1.0, 2.0], {"a": 1}, b"40", 10**400, -(10**400), float("nan"), float("inf"),
               np.array([1.0, 2.0]), np.bool_(True), True, 1 + 2j, object()]


@pytest.fixture
def topic(request, monkeypatch):
    """(checks module, table module) of the topic named by the test's first parameter, prepared."""
    checks, tables = TOPICS[request.param]
    if hasattr(tables, "prepare"):
        tables.prepare(monkeypatch)
    return checks, tables


def _each(table_name: str) -> list:
    return [pytest.param(topic, name, id=f"{topic}-{name}")
            for topic, (_, tables) in TOPICS.items() for name in sorted(getattr(tables, table_name))]


def _each_trap() -> list:
    return [pytest.param(topic, name, value, fragment, id=f"{topic}-{name}-{value}")
            for topic, (_, tables) in TOPICS.items() for name, traps in tables.TRAPS.items()
            for value, fragment in traps]


def _each_exercise() -> list:
    return [pytest.param(topic, index, id=f"{topic}-ex{index + 1}")
            for topic, (checks, _) in TOPICS.items() for index in range(len(checks.EXERCISES))]


def test_every_topic_is_found():
    checks_modules = {p.stem for p in (Path(__file__).parents[1] / "course_lib" / "checks").glob("*.py")}
    assert set(TOPICS) == checks_modules - {"__init__", "_base"}


@pytest.mark.parametrize(("topic", "name"), _each("RIGHT"), indirect=["topic"])
def test_right_answer_is_correct(topic, name):
    checks, tables = topic
    exercise, answer = getattr(checks, name), tables.RIGHT[name]
    result = exercise.check(answer)
    assert result.status == CORRECT, result.message
    if _is_number(answer):  # numpy scalars and 0-d arrays are numbers too
        assert exercise.check(np.float64(answer)).correct and exercise.check(np.array(answer)).correct


@pytest.mark.parametrize(("topic", "name", "value", "fragment"), _each_trap(), indirect=["topic"])
def test_traps_are_diagnosed(topic, name, value, fragment):
    checks, _ = topic
    result = getattr(checks, name).check(value)
    assert result.status == NOT_YET
    assert fragment in result.message


@pytest.mark.parametrize(("topic", "name"), _each("WRONG"), indirect=["topic"])
def test_plausible_wrong_answer_is_not_yet(topic, name):
    checks, tables = topic
    result = getattr(checks, name).check(tables.WRONG[name])
    assert result.status == NOT_YET and result.message


@pytest.mark.parametrize("topic", list(TOPICS), indirect=True)
def test_every_exercise_has_a_right_answer_in_the_table(topic):
    checks, tables = topic
    assert checks.EXERCISES and all(isinstance(e, Exercise) for e in checks.EXERCISES)
    named = sorted(name for name, value in vars(checks).items() if any(value is e for e in checks.EXERCISES))
    assert sorted(tables.RIGHT) == named


@pytest.mark.parametrize(("topic", "index"), _each_exercise(), indirect=["topic"])
def test_every_wrong_option_of_a_choice_is_explained(topic, index):
    checks, _ = topic
    exercise = checks.EXERCISES[index]
    if exercise.kind != "choice":
        return
    right = _validate.normalize_key(exercise.expected())
    assert right in {_validate.normalize_key(o) for o in exercise.options}
    wrong = sorted(_validate.normalize_key(o) for o in exercise.options if _validate.normalize_key(o) != right)
    assert sorted(_validate.normalize_key(o) for o in exercise.feedback) == wrong
    for option, why in exercise.feedback.items():
        result = exercise.check(option)
        assert result.status == NOT_YET and result.message == f"{option!r} is not right: {why}"


@pytest.mark.parametrize(("topic", "index"), _each_exercise(), indirect=["topic"])
def test_unanswered_and_odd_answers_never_raise(topic, index):
    checks, _ = topic
    exercise = checks.EXERCISES[index]
    assert exercise.check(...).status == NOT_ATTEMPTED
    assert exercise.check(None).status == NOT_ATTEMPTED
    for odd in ODD_ANSWERS + ([3.0] if exercise.kind != "number" else []):
        result = exercise.check(odd)
        assert result.status == NOT_YET and result.message, (odd, result)


@pytest.mark.parametrize(("topic", "index"), _each_exercise(), indirect=["topic"])
def test_hints_are_graded_and_the_solution_shows_the_answer(topic, index):
    checks, _ = topic
    exercise = checks.EXERCISES[index]
    hints = [exercise.hint(n) for n in range(1, len(exercise.hints) + 1)]
    assert len(hints) >= 2 and len(set(hints)) == len(hints)  # at least two, each saying something new
    assert [h.split(":")[0] for h in hints] == [f"Hint {n}/{len(hints)}" for n in range(1, len(hints) + 1)]
    assert exercise.hint(10**6) == hints[-1] and exercise.hint(-1) == hints[0]  # clamped, never raises
    expected = exercise.expected()
    shown = _number(expected) if _is_number(expected) else repr(expected)
    solution = exercise.solution()
    assert solution.startswith(f"Solution: {shown}") and exercise.unit in solution


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
