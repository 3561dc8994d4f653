"""The parent side: run a step's tests in a child pytest and turn its events into results.

One child per run, restarted without the finished tests after a crash or a timeout, so an
infinite loop or os._exit costs only the test that was running. The child appends JSON
lines to a file (grader.plugin); the parent reads them as they come and owns the clocks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from grader import catalog, guard, hints, targets
from grader.results import StepResult, TestResult
from grader.targets import Target

POLL = 0.01
LOG_TAIL = 1500


@dataclass(frozen=True)
class RunOptions:
    target: Target
    lang: str = "en"
    test_timeout: float = 10.0
    run_timeout: float = 600.0
    todo: str | None = None
    memory_limit: int = 4 * 2**30  # bytes of address space for the child
    allow_flagged: bool = False  # score code that touches the test machinery anyway
    hidden: Path | None = None  # instructor's extra tests: DIR/stepNN/test_*.py or DIR/test_stepNN*.py
    sandbox: str = "auto"  # auto | bwrap | none (grader.sandbox)


class _Child:
    """One child pytest process and the events it has written so far."""

    def __init__(self, cmd: list[str], workdir: Path, events: Path, log: Path):
        self.events_path = events
        self.offset = 0
        self.log = log.open("ab")
        self.proc = subprocess.Popen(cmd, cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True, env=_child_env())

    def new_events(self) -> list[dict]:
        if not self.events_path.exists():
            return []
        with self.events_path.open("rb") as f:
            f.seek(self.offset)
            data = f.read()
        complete = data[: data.rfind(b"\n") + 1]
        self.offset += len(complete)
        return [json.loads(line) for line in complete.splitlines() if line.strip()]

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.log.close()

    def describe_exit(self) -> str:
        code = self.proc.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            memory = " - out of memory?" if name in ("SIGABRT", "SIGSEGV", "SIGBUS") else ""
            return f"killed by signal {name}{memory}"
        return f"exit code {code}"


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(catalog.REPO), env.get("PYTHONPATH")]))
    return env


def _command(opts: RunOptions, root: Path, events: Path, ini: Path, tests: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "pytest", "-p", "grader.plugin", "--noconftest",
           "-p", "no:cacheprovider", "-q", "--no-header", "-c", str(ini),
           "--rootdir", str(catalog.REPO), "--import-mode=importlib",
           "--grader-target", opts.target.kind, "--grader-root", str(root),
           "--grader-results", str(events), "--grader-step", str(opts.target.step),
           "--grader-memory", str(opts.memory_limit), "--show-capture=no", "--tb=no"]
    if opts.todo:
        cmd += ["--grader-todo", opts.todo]
    return cmd + tests


def run_step(opts: RunOptions) -> StepResult:
    """Grade one step against one target."""
    step = opts.target.step
    result = StepResult(step, catalog.TITLES[step], opts.target.label, str(opts.target.root))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grader-") as tmp:
        work = Path(tmp)
        root = opts.target.root
        if opts.target.kind in targets.GENERATED:
            root = targets.build(opts.target, work / opts.target.kind)
        ini = work / "pytest.ini"
        ini.write_text("[pytest]\n")
        run_dir = work / "run"
        run_dir.mkdir()
        _run_children(opts, root, work, ini, run_dir, result, started)
    _apply_guards(opts, result)
    result.elapsed = time.monotonic() - started
    _add_hints(result, opts.lang)
    return result


def hidden_tests(opts: RunOptions) -> list[Path]:
    """The instructor's hidden test files for the step (never part of a student's checkout)."""
    if opts.hidden is None:
        return []
    name = catalog.step_name(opts.target.step)
    return sorted(set(opts.hidden.glob(f"{name}/test_*.py")) | set(opts.hidden.glob(f"test_{name}*.py")))


def _run_children(opts: RunOptions, root: Path, work: Path, ini: Path, run_dir: Path, result: StepResult,
                  started: float) -> None:
    tests: dict[str, TestResult] = {}
    pending = [str(catalog.test_file(opts.target.step))] + [str(p) for p in hidden_tests(opts)]
    attempt = 0
    while pending:
        attempt += 1
        events, log = work / f"events{attempt}.jsonl", work / f"child{attempt}.log"
        child = _Child(_command(opts, root, events, ini, pending), run_dir, events, log)
        stop, collected = _watch(child, opts, tests, started)
        if not collected:
            result.setup_error = "the tests could not be collected:\n" + _tail(log)
            return
        result.tests = list(tests.values())
        if stop:
            return
        pending = [str(catalog.REPO / nodeid) for nodeid, t in tests.items() if t.outcome == "pending"]


def _watch(child: _Child, opts: RunOptions, tests: dict[str, TestResult],
           started: float) -> tuple[bool, bool]:
    """Follow one child until it exits or is killed.

    Returns (stop, collected): stop when no restart should follow, collected when the
    child got as far as listing its tests.
    """
    current, current_start, load_start, collected = None, 0.0, None, bool(tests)
    limit = opts.test_timeout
    while True:
        exited = child.proc.poll() is not None
        for ev in child.new_events():
            kind = ev["event"]
            if kind == "collected":
                collected = True
                for t in ev["tests"]:
                    visible = t["nodeid"].startswith(f"steps/{catalog.step_name(opts.target.step)}/")
                    tests.setdefault(t["nodeid"], TestResult(
                        t["nodeid"], t["name"], t["description"], t["points"], t["todo"], outcome="pending",
                        visibility="visible" if visible else "after_published"))
            elif kind == "load_start":
                load_start = time.monotonic()
            elif kind == "load_done":
                load_start = None
            elif kind == "start":
                current, current_start = ev["nodeid"], time.monotonic()
                limit = max(opts.test_timeout, ev.get("timeout") or 0)  # a declared slow test
            elif kind == "result" and ev["nodeid"] in tests:
                t = tests[ev["nodeid"]]
                t.outcome, t.message, t.duration = ev["outcome"], ev["message"], ev["duration"]
                t.todo = ev["todo"] or t.todo
                current = None
        now = time.monotonic()
        if exited:
            child.kill()
            how = child.describe_exit()
            if load_start is not None:
                _fail_pending(tests, "crashed", f"importing the code ended the process ({how})")
                return True, collected
            if current is not None:
                _set(tests, current, "crashed", f"the test process died ({how}) while this test "
                     f"ran; the other tests were still graded")
                return False, collected
            if any(t.outcome == "pending" for t in tests.values()):
                _fail_pending(tests, "crashed", f"the test process ended early ({how})")
            return True, collected
        if load_start is not None and now - load_start > opts.test_timeout:
            child.kill()
            _fail_pending(tests, "timeout", f"importing the code did not finish within "
                          f"{opts.test_timeout:g} s (an infinite loop at import?)")
            return True, collected
        if current is not None and now - current_start > limit:
            child.kill()
            _set(tests, current, "timeout", f"timed out after {limit:g} s "
                 f"(an infinite loop, or a computation far slower than expected?)")
            return False, collected
        if now - started > opts.run_timeout:
            child.kill()
            _fail_pending(tests, "timeout", f"the whole run exceeded {opts.run_timeout:g} s")
            return True, collected
        time.sleep(POLL)


def _apply_guards(opts: RunOptions, result: StepResult) -> None:
    """Edited visible tests and code that touches the test machinery make a run invalid."""
    step, kind = opts.target.step, opts.target.kind
    edited = guard.edited_tests(step) if kind == "student" else []
    found = guard.scan(step, opts.target.root) if kind in ("student", "submission") else []
    result.flags = [f"edited test file: {path}" for path in edited] + found
    if edited:
        reason = (f"{', '.join(edited)} was edited, so this run does not count; restore it "
                  f"with `git checkout -- {' '.join(edited)}` and grade again")
    elif found and not opts.allow_flagged:
        reason = "your code touches the test machinery, so it scores 0: " + "; ".join(found)
    else:
        return
    for t in result.tests:
        if t.outcome != "not_applicable":
            t.outcome, t.message = "invalid", reason


def _set(tests: dict[str, TestResult], nodeid: str, outcome: str, message: str) -> None:
    if nodeid in tests:
        tests[nodeid].outcome, tests[nodeid].message = outcome, message


def _fail_pending(tests: dict[str, TestResult], outcome: str, message: str) -> None:
    for t in tests.values():
        if t.outcome == "pending":
            t.outcome, t.message = outcome, message


def _tail(log: Path) -> str:
    """The end of a child's output (the output itself may be huge: it is never read whole)."""
    if not log.exists():
        return "(no output)"
    with log.open("rb") as f:
        f.seek(max(0, log.stat().st_size - LOG_TAIL))
        return f.read().decode(errors="replace").strip() or "(no output)"


def _add_hints(result: StepResult, lang: str) -> None:
    table = hints.load_hints(catalog.step_dir(result.step))
    for t in result.tests:
        if t.outcome not in ("passed", "not_applicable"):
            t.hint = hints.hint_for(table, t.todo, lang)
