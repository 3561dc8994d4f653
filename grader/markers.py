"""The grade marker: what a test is worth, which TODO it checks, what it needs.

    @pytest.mark.grade(points=2, todo="step14.1", reference=True, timeout=None, needs=())

`reference=False` marks a test of a step-only API (not applicable on the reference);
`timeout` gives a test that is slow by nature more seconds; `needs` names what the machine
must have ("dot": Graphviz, "cupy": CuPy): where it is missing the grader itself reports
the test not applicable, before anything runs.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.collection import TestInfo

if TYPE_CHECKING:  # the parent reads markers without importing pytest (a tenth of a second)
    import pytest

MARKER_ARGS = ("points", "todo", "reference", "timeout", "needs")
NEEDS: dict[str, tuple[str, Callable[[], bool]]] = {
    "dot": ("Graphviz's dot is not installed (sudo apt install graphviz / brew install graphviz)",
            lambda: shutil.which("dot") is not None),
    "cupy": ("needs CuPy and a GPU", lambda: importlib.util.find_spec("cupy") is not None),
}
STEP_DIR = re.compile(r"^step(\d{2})$")
_TODO = re.compile(r"^step(\d{2})\.[1-9]\d*$")


def _needs(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def marker_problem(kwargs: dict[str, Any], args: tuple[Any, ...], step: int | None) -> str | None:
    """What is wrong with a grade marker's arguments, or None when they are valid."""
    number = (int, float)
    if args:
        return "give the arguments by name: grade(points=2, todo='step07.1')"
    unknown = sorted(set(kwargs) - set(MARKER_ARGS))
    if unknown:
        return f"unknown argument(s) {', '.join(unknown)}; the marker takes {', '.join(MARKER_ARGS)}"
    points = kwargs.get("points")
    if isinstance(points, bool) or not isinstance(points, number) or not 0 < points <= 100:
        return f"points must be a number above 0 and at most 100 (got {points!r})"
    todo = kwargs.get("todo")
    if todo is not None:
        found = _TODO.match(todo) if isinstance(todo, str) else None
        if found is None:
            return f"todo must be a TODO id like 'step07.2' (got {todo!r})"
        if step is not None and int(found.group(1)) > step:
            return f"todo {todo!r} belongs to a later step than this test's step {step}"
    if not isinstance(kwargs.get("reference", True), bool):
        return f"reference must be True or False (got {kwargs['reference']!r})"
    timeout = kwargs.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, number) or timeout <= 0):
        return f"timeout must be a positive number of seconds (got {timeout!r})"
    needs = kwargs.get("needs", ())
    if not isinstance(needs, str | tuple | list) or any(n not in NEEDS for n in _needs(needs)):
        return f"needs must name some of {', '.join(NEEDS)} (got {needs!r})"
    return None


def step_of_item(item: pytest.Item) -> int | None:
    match = STEP_DIR.match(Path(item.path).parent.name)
    return int(match.group(1)) if match else None


def marker_error(items: list[pytest.Item]) -> str | None:
    """The first malformed grade marker, named by its test (the run stops before any test)."""
    for item in items:
        marker = item.get_closest_marker("grade")
        if marker is None:
            continue
        problem = marker_problem(dict(marker.kwargs), tuple(marker.args), step_of_item(item))
        if problem:
            return f"{item.nodeid}: bad grade marker: {problem}"
    return None


def info_of(item: pytest.Item) -> TestInfo:
    """What the instructor's marker and docstring say of one collected test."""
    marker = item.get_closest_marker("grade")
    kwargs = dict(marker.kwargs) if marker else {}
    doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
    return TestInfo(nodeid=item.nodeid, name=item.name, description=doc.splitlines()[0] if doc else item.name,
                    points=float(kwargs.get("points", 1)), todo=kwargs.get("todo"),
                    timeout=kwargs.get("timeout"), reference=kwargs.get("reference", True) is not False,
                    needs=_needs(kwargs.get("needs")))


def unmet_needs(info: TestInfo) -> str | None:
    """Why this machine cannot run the test, or None when it has what the test needs."""
    for need in info.needs:
        reason, present = NEEDS[need]
        if not present():
            return reason
    return None
