"""The pytest side of the grader: options, the dz/script fixtures, the grade marker, the
Hypothesis profiles, and one protocol event per step of a test (grader.events), written to
the pipe the parent gave (`--grader-fd`) as soon as it is known.

Loaded by the runner (`-p grader.plugin --noconftest`), by the trusted collection
(`--grader-collect FILE`: list the tests, load no code) and by the root conftest.py for
plain `pytest steps/step07`.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import time
import traceback
from collections.abc import Generator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from grader import events, markers, targets, verdict
from grader.results import Outcome

HELP_TARGET = "code to test: student, solution, reference, skeleton or a folder (default: student)"
HELP_ROOT = "folder the target's code is loaded from (set by the runner)"
HELP_FD = "write the protocol events to this inherited file descriptor (set by the runner)"
HELP_COLLECT = "only list the tests, with their grade markers, as JSON into FILE (loads no code)"
HELP_STEP = "step number (default: taken from the test file's folder name)"
HELP_MEMORY = "limit the address space of this process to BYTES (set by the runner)"
HELP_FSIZE = "limit the size of any file this process writes to BYTES (set by the runner)"
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


@dataclass
class TestRun:
    """What the plugin knows of the test that runs now."""

    outcome: str | None = None
    message: str = ""
    todo: str | None = None
    start: float = field(default_factory=time.perf_counter)

    __test__ = False


@dataclass
class GraderState:
    """The plugin's state for one pytest session (kept in config.stash)."""

    writer: events.Writer | None = None  # the parent's pipe; None under plain pytest
    root: Path | None = None  # the target's folder, once resolved
    loaded: tuple[Any, Any] | None = None  # (dz, script) once the target's code is imported
    load_error: str | None = None  # why the target's code could not be imported
    marker_error: str | None = None  # a malformed grade marker, named by its test
    watched: dict[str, object] = field(default_factory=dict)  # verdict callables at the start
    flagged: set[str] = field(default_factory=set)  # names already reported as replaced
    current: TestRun = field(default_factory=TestRun)


_state = pytest.StashKey[GraderState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader")
    group.addoption("--grader-target", default="student", help=HELP_TARGET)
    group.addoption("--grader-root", default=None, help=HELP_ROOT)
    group.addoption("--grader-fd", type=int, default=None, metavar="FD", help=HELP_FD)
    group.addoption("--grader-collect", default=None, metavar="FILE", help=HELP_COLLECT)
    group.addoption("--grader-step", type=int, default=None, help=HELP_STEP)
    group.addoption("--grader-memory", type=int, default=None, metavar="BYTES", help=HELP_MEMORY)
    group.addoption("--grader-fsize", type=int, default=None, metavar="BYTES", help=HELP_FSIZE)
    group.addoption("--grader-profile", default="grading", choices=("grading", "dev"), help=HELP_PROFILE)


def _limit(config: pytest.Config) -> None:
    """Soft and hard limits alike, so student code cannot raise them again; no core dumps."""
    import resource

    memory, fsize = config.getoption("--grader-memory"), config.getoption("--grader-fsize")
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if fsize:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    if memory or fsize:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "grade(points, todo=None, reference=True, timeout=None, needs=()): "
                            + (markers.__doc__ or "").strip().splitlines()[0])
    settings.load_profile(config.getoption("--grader-profile"))
    _limit(config)
    state = GraderState(watched=verdict.watched_callables())
    fd = config.getoption("--grader-fd")
    if fd is not None:
        state.writer = events.Writer(os.fdopen(fd, "wb", buffering=0))
    config.stash[_state] = state


def _emit(config: pytest.Config, event: events.Event) -> None:
    writer = config.stash[_state].writer
    if writer is not None:
        writer.send(event)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    step_dirs = {Path(i.path).parent.name for i in items if markers.step_of_item(i) is not None}
    if len(step_dirs) > 1:
        raise pytest.UsageError(
            f"one step at a time: each step loads its own code, but these tests span "
            f"{', '.join(sorted(step_dirs))}. Run `pytest steps/step07` (or python -m grader grade 7)."
        )
    config.stash[_state].marker_error = markers.marker_error(items)


def _step_of(config: pytest.Config, items: list[pytest.Item]) -> int | None:
    step = config.getoption("--grader-step")
    return step if step is not None or not items else markers.step_of_item(items[0])


def pytest_collection_finish(session: pytest.Session) -> None:
    config, items = session.config, session.items
    state = config.stash[_state]
    if state.marker_error:  # raised here, not in modifyitems: pytest calls this hook even then
        raise pytest.UsageError(state.marker_error)
    collect_into = config.getoption("--grader-collect")
    if collect_into:
        Path(collect_into).write_text(json.dumps([asdict(markers.info_of(item)) for item in items]))
        return
    step = _step_of(config, items)
    if step is None or not items:
        return
    kind = config.getoption("--grader-target")
    root = config.getoption("--grader-root")
    if state.writer is not None:
        # What pytest, Hypothesis and the tests made so far lives as long as the process: frozen,
        # it is skipped by every later collection (as in a warm worker's child, grader.worker).
        gc.freeze()
    _emit(config, events.LoadStart())
    try:
        target_root = Path(root) if root else _resolve_root(kind, step)
        kind = kind if kind in targets.KINDS else "submission"
        state.root = target_root
        state.loaded = targets.load(kind, step, target_root)
    except (targets.TargetError, targets.LoadError) as exc:
        state.load_error = str(exc)
    _emit(config, events.LoadDone(state.load_error))


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
    current = item.config.stash[_state].current = TestRun()
    _emit(item.config, events.Start(item.nodeid))
    info = markers.info_of(item)
    unmet = markers.unmet_needs(info)
    if not info.reference and item.config.getoption("--grader-target") == "reference":
        unmet = "not applicable: it checks the step's own API, which the reference does not have"
    if unmet:  # the grader decides this, before any code under test runs
        current.outcome, current.message = Outcome.NOT_APPLICABLE, unmet
        pytest.skip(unmet)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    state = item.config.stash[_state]
    current = state.current
    if call.excinfo is not None and current.outcome in (None, Outcome.PASSED):
        try:
            outcome, todo, message = verdict.classify(call.excinfo.value, state.root or Path.cwd())
        except MemoryError:
            outcome, todo, message = Outcome.FAILED, None, "MemoryError: the code ran out of memory"
        current.outcome, current.todo, current.message = outcome, todo, message
        # Free what the failing frames hold (a memory hog's list, say) before pytest goes on.
        traceback.clear_frames(call.excinfo.tb)
    elif call.when == "call" and current.outcome is None:
        current.outcome = Outcome.PASSED
    report = yield
    if call.excinfo is not None and isinstance(call.excinfo.value, targets.NotApplicable):
        # plain `pytest` shows a name the target lacks as skipped, not as an error
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"not applicable: {call.excinfo.value}")
    return report


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    yield
    state = item.config.stash[_state]
    current = state.current
    duration = time.perf_counter() - current.start
    if current.outcome is None:  # pytest never ran the test body: count it as not passed
        current.outcome, current.message = Outcome.ERROR, "the test could not run (internal error)"
    _emit(item.config, events.Result(item.nodeid, str(current.outcome), current.message, current.todo,
                                     round(duration, 4)))
    replaced = [name for name in verdict.changed_callables(state.watched) if name not in state.flagged]
    if replaced:
        state.flagged.update(replaced)
        _emit(item.config, events.Flag(f"the code under test replaced {', '.join(replaced)}"))
