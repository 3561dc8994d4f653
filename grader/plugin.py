"""The pytest side of the grader: options, the dz/script fixtures, the grade marker,
the Hypothesis profiles and one JSON line per test, flushed as soon as it is known.

Loaded by the runner (`-p grader.plugin --noconftest`) and by the root conftest.py for
plain `pytest steps/step07`.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from grader import catalog, targets

HELP_TARGET = "code to test: student, solution, reference, skeleton or a folder (default: student)"
HELP_ROOT = "folder the target's code is loaded from (set by the runner)"
HELP_RESULTS = "append one JSON line per event to this file (set by the runner)"
HELP_TODO = "run only the tests marked with this TODO id, e.g. step07.2"
HELP_STEP = "step number (default: taken from the test file's folder name)"
HELP_MEMORY = "limit the address space of this process to BYTES (set by the runner)"
HELP_PROFILE = "Hypothesis profile: grading (deterministic, the default) or dev"

settings.register_profile(
    "grading",
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=30,
    print_blob=False,
    # no "explain" phase: its notes about covered lines would only clutter a student's report
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.register_profile("dev", deadline=None, max_examples=200)

_STEP_DIR = re.compile(r"^step(\d{2})$")
_TODO = re.compile(r"^step(\d{2})\.[1-9]\d*$")
MARKER_ARGS = ("points", "todo", "reference", "timeout")


@dataclass
class TestRun:
    """What the plugin knows of the test that runs now."""

    outcome: str | None = None
    message: str = ""
    todo: str | None = None
    start: float = field(default_factory=time.perf_counter)


@dataclass
class GraderState:
    """The plugin's state for one pytest session (kept in config.stash)."""

    root: Path | None = None  # the target's folder, once resolved
    loaded: tuple[Any, Any] | None = None  # (dz, script) once the target's code is imported
    load_error: str | None = None  # why the target's code could not be imported
    marker_error: str | None = None  # a malformed grade marker, named by its test
    current: TestRun = field(default_factory=TestRun)


_state = pytest.StashKey[GraderState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader")
    group.addoption("--grader-target", default="student", help=HELP_TARGET)
    group.addoption("--grader-root", default=None, help=HELP_ROOT)
    group.addoption("--grader-results", default=None, help=HELP_RESULTS)
    group.addoption("--grader-todo", default=None, help=HELP_TODO)
    group.addoption("--grader-step", type=int, default=None, help=HELP_STEP)
    group.addoption("--grader-memory", type=int, default=None, metavar="BYTES", help=HELP_MEMORY)
    group.addoption("--grader-profile", default="grading", choices=("grading", "dev"), help=HELP_PROFILE)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "grade(points, todo=None, reference=True, timeout=None): points of a test, the TODO it "
        "checks, reference=False for a test of a step-only API (not applicable on the reference), "
        "and a longer per-test timeout in seconds for a test that is slow by nature",
    )
    settings.load_profile(config.getoption("--grader-profile"))
    limit = config.getoption("--grader-memory")
    if limit:
        import resource

        # Soft and hard alike, so student code cannot raise it again; no core dumps either.
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    config.stash[_state] = GraderState()


def _emit(config: pytest.Config, **record: Any) -> None:
    path = config.getoption("--grader-results")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()


def _grade_marker(item: pytest.Item) -> tuple[float, str | None]:
    marker = item.get_closest_marker("grade")
    if marker is None:
        return 1.0, None
    return float(marker.kwargs.get("points", 1)), marker.kwargs.get("todo")


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
    return None


def _marker_error(items: list[pytest.Item]) -> str | None:
    """The first malformed grade marker, named by its test (the run stops before any test)."""
    for item in items:
        marker = item.get_closest_marker("grade")
        if marker is None:
            continue
        match = _STEP_DIR.match(Path(item.path).parent.name)
        step = int(match.group(1)) if match else None
        problem = marker_problem(dict(marker.kwargs), tuple(marker.args), step)
        if problem:
            return f"{item.nodeid}: bad grade marker: {problem}"
    return None


def _description(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else item.name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    step_dirs = {Path(i.path).parent.name for i in items if _STEP_DIR.match(Path(i.path).parent.name)}
    if len(step_dirs) > 1:
        raise pytest.UsageError(
            f"one step at a time: each step loads its own code, but these tests span "
            f"{', '.join(sorted(step_dirs))}. Run `pytest steps/step07` (or python -m grader grade 7)."
        )
    config.stash[_state].marker_error = _marker_error(items)
    todo = config.getoption("--grader-todo")
    if todo:
        keep = [item for item in items if _grade_marker(item)[1] == todo]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def _step_of(config: pytest.Config, items: list[pytest.Item]) -> int | None:
    step = config.getoption("--grader-step")
    if step is None and items:
        match = _STEP_DIR.match(Path(items[0].path).parent.name)
        step = int(match.group(1)) if match else None
    return step


def pytest_collection_finish(session: pytest.Session) -> None:
    config, items = session.config, session.items
    marker_error = config.stash[_state].marker_error
    if marker_error:  # raised here, not in modifyitems: pytest calls this hook even then
        raise pytest.UsageError(marker_error)
    tests = []
    for item in items:
        points, todo = _grade_marker(item)
        tests.append({"nodeid": item.nodeid, "name": item.name, "description": _description(item),
                      "points": points, "todo": todo})
    _emit(config, event="collected", tests=tests)
    step = _step_of(config, items)
    if step is None or not items:
        return
    state = config.stash[_state]
    kind = config.getoption("--grader-target")
    root = config.getoption("--grader-root")
    _emit(config, event="load_start")
    try:
        target_root = Path(root) if root else _resolve_root(kind, step)
        kind = kind if kind in targets.KINDS else "submission"
        state.root = target_root
        state.loaded = targets.load(kind, step, target_root)
    except (targets.TargetError, targets.LoadError) as exc:
        state.load_error = str(exc)
    _emit(config, event="load_done", error=state.load_error)


def _resolve_root(kind: str, step: int) -> Path:
    """The target's folder for plain `pytest steps/stepNN --grader-target KIND` (no runner)."""
    target = targets.resolve(kind, step)
    if target.kind in targets.GENERATED:
        import tempfile

        return targets.build(target, Path(tempfile.mkdtemp(prefix=f"grader-{kind}-")))
    return target.root


def _loaded(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    state = request.config.stash[_state]
    if state.load_error:
        raise targets.LoadError(state.load_error)
    if state.loaded is None:
        raise targets.LoadError("the target was not loaded (is this a steps/stepNN test file?)")
    return state.loaded


@pytest.fixture(scope="session")
def dz(request: pytest.FixtureRequest) -> Any:
    """The framework under test (see grader.targets for the contract)."""
    return _loaded(request)[0]


@pytest.fixture(scope="session")
def script(request: pytest.FixtureRequest) -> Any:
    """The step's own module under test."""
    return _loaded(request)[1]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[_state].current = TestRun()
    marker = item.get_closest_marker("grade")
    _emit(item.config, event="start", nodeid=item.nodeid,
          timeout=marker.kwargs.get("timeout") if marker else None)
    on_reference = item.config.getoption("--grader-target") == "reference"
    if marker and marker.kwargs.get("reference") is False and on_reference:
        pytest.skip("not applicable: it checks the step's own API, which the reference does not have")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    state = item.config.stash[_state]
    current = state.current
    if call.excinfo is not None and current.outcome in (None, "passed"):
        root = state.root or Path.cwd()
        try:
            outcome, todo, message = classify(call.excinfo.value, root)
        except MemoryError:
            outcome, todo, message = "failed", None, "MemoryError: the code ran out of memory"
        current.outcome, current.todo, current.message = outcome, todo, message
        # Free what the failing frames hold (a memory hog's list, say) before pytest goes on.
        traceback.clear_frames(call.excinfo.tb)
    elif call.when == "call" and current.outcome is None:
        current.outcome = "passed"
    report = yield
    if call.excinfo is not None and isinstance(call.excinfo.value, targets.NotApplicable):
        # plain `pytest` shows a name the target lacks as skipped, not as an error
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"not applicable: {call.excinfo.value}")
    return report


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    yield
    current = item.config.stash[_state].current
    duration = time.perf_counter() - current.start
    if current.outcome is None:  # pytest never ran the test body: count it as not passed
        current.outcome, current.message = "error", "the test could not run (internal error)"
    _emit(item.config, event="result", nodeid=item.nodeid, outcome=current.outcome,
          message=current.message, todo=current.todo, duration=round(duration, 4))


def _leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def classify(exc: BaseException, root: Path) -> tuple[str, str | None, str]:
    """(outcome, TODO id or None, message) for an exception a test raised."""
    exc = _leaf(exc)
    text = str(exc)
    if isinstance(exc, targets.NotApplicable):
        return "not_applicable", None, text
    if isinstance(exc, pytest.skip.Exception):
        return "not_applicable", None, text
    if isinstance(exc, (targets.LoadError, targets.MissingFile)):
        found = catalog.TODO_ID.search(text)
        if found and "NotImplementedError" in text:  # a module-level TODO not started yet
            line = next(ln for ln in text.splitlines() if found.group(0) in ln)
            return "not_started", found.group(1), "not started: " + line[line.index(found.group(0)):]
        return "error", None, text
    found = catalog.TODO_ID.search(text)
    if isinstance(exc, NotImplementedError) and found:
        return "not_started", found.group(1), f"not started: {text}"
    return "failed", None, _failure_message(exc, root)


_FIXTURE_ARG = re.compile(r"^\s*(dz|script)=")
_EXAMPLE_NOTE = re.compile(r"^(Falsifying|Failing)( explicit)? (example|test case)")
MAX_MESSAGE = 2000
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
