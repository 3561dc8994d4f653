"""The verdict on one test: how an exception becomes an outcome and a message, and a watch
on the callables a verdict depends on.

A skip or xfail raised while a test runs is a failure: only the grader decides that a test
does not apply (the reference adapter, a step-only API on the reference, a machine without
what the test needs), never the code under test.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path
from types import ModuleType

import _pytest.approx as python_approx
import numpy as np
import pytest

from grader import catalog, checks, targets
from grader.results import Outcome

SKIPPED = "the test was skipped or marked xfail while the code under test ran; that is not a pass"


def watched_callables() -> dict[str, object]:
    """The callables a verdict depends on, by name: if one is replaced during a run, the verdict
    cannot be trusted (patching numpy.allclose needs no flagged import)."""
    found: dict[str, object] = {}
    modules: list[tuple[str, ModuleType]] = [("np", np), ("np.testing", np.testing), ("math", math),
                                             ("pytest", pytest), ("checks", checks), ("shutil", shutil)]
    names = ("allclose", "isclose", "array_equal", "array_equiv", "assert_allclose", "assert_array_equal",
             "assert_array_almost_equal", "approx", "skip", "fail", "xfail", "raises", "which",
             "check_grad", "check_double_grad", "assert_array_close", "grad_as_array")
    for prefix, module in modules:
        for name in names:
            if hasattr(module, name):
                found[f"{prefix}.{name}"] = getattr(module, name)
    found["verdict.classify"] = classify
    for cls in (python_approx.ApproxScalar, python_approx.ApproxNumpy, python_approx.ApproxSequenceLike,
                np.ndarray):
        for method in ("__eq__", "__ne__"):
            found[f"{cls.__name__}.{method}"] = cls.__dict__.get(method)
    return found


def changed_callables(before: dict[str, object]) -> list[str]:
    """Names whose object is no longer the one recorded at the start of the run."""
    now = watched_callables()
    return sorted(name for name, obj in before.items() if now.get(name) is not obj)


def _leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def classify(exc: BaseException, root: Path) -> tuple[str, str | None, str]:
    """(outcome, TODO id or None, message) for an exception a test raised."""
    exc = _leaf(exc)
    text = str(exc)
    if isinstance(exc, targets.NotApplicable):
        return Outcome.NOT_APPLICABLE, None, text
    if isinstance(exc, pytest.skip.Exception | pytest.xfail.Exception):
        return Outcome.FAILED, None, SKIPPED + (f" ({text})" if text else "")
    if isinstance(exc, (targets.LoadError, targets.MissingFile)):
        found = catalog.TODO_ID.search(text)
        if found and "NotImplementedError" in text:  # a module-level TODO not started yet
            line = next(ln for ln in text.splitlines() if found.group(0) in ln)
            return Outcome.NOT_STARTED, found.group(1), "not started: " + line[line.index(found.group(0)):]
        return Outcome.ERROR, None, text
    found = catalog.TODO_ID.search(text)
    if isinstance(exc, NotImplementedError) and found:
        return Outcome.NOT_STARTED, found.group(1), f"not started: {text}"
    return Outcome.FAILED, None, _failure_message(exc, root)


_FIXTURE_ARG = re.compile(r"^\s*(dz|script)=")
_EXAMPLE_NOTE = re.compile(r"^(Falsifying|Failing)( explicit)? (example|test case)")
MAX_MESSAGE = 2000
_APPROX_ECHO = re.compile(r"^\s*(comparison failed|Obtained: .*|Expected: .*)$", re.MULTILINE)
MAX_ARG = 160  # a drawn 200-element array would bury the message


def _example_args(note: str) -> str:
    """'x=0.5, eps=0.1' from Hypothesis's 'Failing test case: test_f(dz=..., x=0.5, ...)' note."""
    args = []
    for line in note.splitlines()[1:-1]:
        line = line.split("  #")[0].strip().rstrip(",")
        if line and not line.startswith("#") and not _FIXTURE_ARG.match(line):
            args.append(line if len(line) <= MAX_ARG else line[:MAX_ARG] + " …")
    return ", ".join(args) or "(none)"


def _failure_message(exc: BaseException, root: Path) -> str:
    parts = []
    for note in getattr(exc, "__notes__", []) or []:
        if _EXAMPLE_NOTE.match(note):
            parts.append("smallest failing input: " + _example_args(note))
        elif not note.startswith(("You can reproduce", "Explanation:", "Unreliable")):
            parts.append(note)
    if isinstance(exc, AssertionError):
        text = str(exc) or "assertion failed"
        if not text.startswith("assert ") and "\nassert " in text:
            text = text[: text.index("\nassert ")]  # our own message says it; drop pytest's echo
        elif text.startswith("assert ") and " == " in text.splitlines()[0]:
            text = _APPROX_ECHO.sub("", text)  # the assert line already shows both values
        parts.append(text)
    elif isinstance(exc, MemoryError):
        parts.append("MemoryError: the code ran out of memory (a huge array? a list that never stops?)")
    else:
        parts.append(f"{type(exc).__name__}: {exc}")
        where = targets.student_frame(exc, root)
        if where:
            parts.append(f"at {where}")
    message = "\n".join(line for part in parts for line in part.splitlines() if line.strip())
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "\n… (cut)"
