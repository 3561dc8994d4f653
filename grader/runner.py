"""The parent side: grade one step against one target, deciding every score itself.

A run, in nox's workflow style, each step a small function:
1. workspace: private copies of the tests (verified against the manifest) and of the files
   the step owns (the step script, `dezero/`), scanned and hashed before anything runs;
2. the trusted collection (grader.collection): the tests, their points, TODO ids, timeouts;
3. children (grader.spawn, or forked by a warm worker when the command keeps a pool: grader.pool),
   restarted without the finished tests after a crash or a timeout; each one's events drive a
   pure state machine (grader.session);
4. after the run: the copies must hash as before; flags make the run score 0 unless
   --allow-flagged; grader.feedback adds each unfinished TODO's hint, in the run's language.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog, feedback, guard, markers, pool, sandbox, targets
from grader.collection import PYTEST_PLUGINS, CollectionError, TestInfo, collect
from grader.results import Outcome, StepResult
from grader.session import Limits, Session
from grader.spawn import Child, become_subreaper
from grader.targets import Target
from grader.warm import WarmChild

POLL = 0.02
FD = "{fd}"  # placeholder in the child's command line for its event pipe
FILE_LIMIT = 256 * 2**20  # bytes: the largest file a child may write


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
    hint_level: int | None = None  # 1-3 for every TODO; None: the student's ladder (local runs), else 1
    group: str = ""  # runs of one submission, which may share a sandboxed warm worker (grader.pool)


@dataclass
class Workspace:
    """A run's private folders: tests/ (rootdir), code/ (the target) and pytest.ini under root;
    run/ (cwd) and home/ under scratch (the same folder, except in a warm worker's sandbox)."""

    root: Path
    scratch: Path | None = None  # None: root
    test_files: list[Path] = field(default_factory=list)
    tests_hash: dict[str, str] = field(default_factory=dict)
    code_hash: dict[str, str] = field(default_factory=dict)

    @property
    def tests(self) -> Path:
        return self.root / "tests"

    @property
    def code(self) -> Path:
        return self.root / "code"

    @property
    def ini(self) -> Path:
        return self.root / "pytest.ini"

    @property
    def run(self) -> Path:
        return (self.scratch or self.root) / "run"

    @property
    def home(self) -> Path:
        return (self.scratch or self.root) / "home"


def run_step(opts: RunOptions) -> StepResult:
    """Grade one step against one target."""
    step = opts.target.step
    result = StepResult(step, catalog.TITLES[step], opts.target.label, str(opts.target.root))
    started = time.monotonic()
    box = sandbox.resolve(opts.sandbox)
    lease = _lease(opts, box)
    try:
        with _workspace(lease) as ws:
            try:
                _prepare(opts, ws, result)
                infos = collect(ws.tests, ws.test_files, step)
            except CollectionError as exc:
                result.setup_error = "the tests could not be collected:\n" + str(exc)
            else:
                _grade(opts, ws, infos, result, started, box, lease)
                _check_after(ws, result)
            _apply_guards(opts, result)
            feedback.add(result, opts.target.kind, ws.code, opts.hint_level, opts.lang)
    finally:
        if lease is not None:
            lease.close()
    result.elapsed = time.monotonic() - started
    return result


def _lease(opts: RunOptions, box: sandbox.Sandbox) -> pool.Lease | None:
    """The run's share of the command's warm workers, if the command keeps any (grader.pool)."""
    workers = pool.current()
    if workers is None:
        return None
    extra = (catalog.REPO / "dezero",) if opts.target.kind == "reference" else ()
    return pool.Lease(workers, opts.group, box, extra)


@contextlib.contextmanager
def _workspace(lease: pool.Lease | None) -> Iterator[Workspace]:
    if lease is not None:
        with lease.workspace() as (root, scratch):
            yield Workspace(root, scratch)
        return
    with tempfile.TemporaryDirectory(prefix="grader-", ignore_cleanup_errors=True) as tmp:
        yield Workspace(Path(tmp))


def hidden_tests(opts: RunOptions) -> list[Path]:
    """The instructor's hidden test files for the step (never part of a student's checkout)."""
    if opts.hidden is None:
        return []
    name = catalog.step_name(opts.target.step)
    return sorted(set(opts.hidden.glob(f"{name}/test_*.py")) | set(opts.hidden.glob(f"test_{name}*.py")))


def _prepare(opts: RunOptions, ws: Workspace, result: StepResult) -> None:
    """Copy the tests and the code; record what the manifest, the scan and the hashes say."""
    step, kind = opts.target.step, opts.target.kind
    visible = catalog.test_file(step)
    data = visible.read_bytes() if kind == "student" else instructor_file(visible)
    if kind == "submission" and not guard.matches_manifest(step, data):
        raise CollectionError(f"{visible.relative_to(catalog.REPO)} differs from grader/manifest.json: "
                              "run `python -m grader skeletons --write` after changing a test")
    _write(ws.tests / visible.relative_to(catalog.REPO), data)
    ws.test_files.append(ws.tests / visible.relative_to(catalog.REPO))
    for i, path in enumerate(hidden_tests(opts)):
        ws.test_files.append(_write(ws.tests / "hidden" / f"h{i}" / path.name, instructor_file(path)))
    ws.tests_hash = guard.tree_hashes(ws.tests)
    if kind == "student":
        result.flags += [f"edited test file: {path}" for path in guard.edited_tests(step)]
    _copy_code(opts.target, ws.code)
    if kind in ("student", "submission"):
        result.flags += guard.scan_tree(ws.code)
    ws.code_hash = guard.tree_hashes(ws.code)


@functools.cache
def instructor_file(path: Path) -> bytes:
    """A test file as this process first read it: a submission graded earlier in a batch cannot
    change what the next one is graded with."""
    return path.read_bytes()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def owned_files(step: int, root: Path) -> list[Path]:
    """The files a step owns in a folder laid out like steps/stepNN: its script and dezero/."""
    files = [root / f"{catalog.step_name(step)}.py"]
    if catalog.is_package_step(step) and (root / "dezero").is_dir():
        files += [p for p in sorted((root / "dezero").rglob("*")) if p.is_file() and not p.is_symlink()
                  and "__pycache__" not in p.parts]
    return [f for f in files if f.is_file() and not f.is_symlink()]


def _copy_code(target: Target, dest: Path) -> None:
    if target.kind in targets.GENERATED:
        targets.build(target, dest)
        return
    dest.mkdir(parents=True, exist_ok=True)
    root = target.root
    files = owned_files(target.step, root)
    if target.kind == "reference":  # the reference runs the solution's script, if the step has one
        files = [f for f in files if f.parent == root]
    for path in files:
        copy = dest / path.relative_to(root)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)


def _grade(opts: RunOptions, ws: Workspace, infos: list[TestInfo], result: StepResult,
           started: float, box: sandbox.Sandbox, lease: pool.Lease | None) -> None:
    kind = opts.target.kind
    if opts.todo:
        infos = [i for i in infos if i.todo == opts.todo]
    limits = Limits(opts.test_timeout, opts.run_timeout, allow_not_applicable=kind == "reference")
    prefix = f"steps/{catalog.step_name(opts.target.step)}/"
    session = Session.create(infos, limits, started, prefix)
    for info in infos:  # the grader decides what does not apply, before anything runs
        unmet = markers.unmet_needs(info)
        if not info.reference and kind == "reference":
            unmet = "not applicable: it checks the step's own API, which the reference does not have"
        if unmet:
            session.tests[info.nodeid].outcome = Outcome.NOT_APPLICABLE
            session.tests[info.nodeid].message = unmet
    if box.note:
        result.notes.append(box.note)
    become_subreaper()
    while session.pending() and not session.tampered:
        if guard.tree_hashes(ws.tests) != ws.tests_hash:
            session.flags.append("the test files changed between two runs of the test process")
            session.settle(Outcome.INVALID, "not graded: the test files were changed during the run")
            break
        if not _one_child(opts, ws, session, box, lease):
            break
    session.settle(Outcome.CRASHED, "not graded: the test process stopped before this test")
    result.tests = list(session.tests.values())
    result.flags += session.flags


def _one_child(opts: RunOptions, ws: Workspace, session: Session, box: sandbox.Sandbox,
               lease: pool.Lease | None) -> bool:
    """Run one child over the pending tests; True when another child should go on."""
    ws.run.mkdir(exist_ok=True)
    ws.home.mkdir(exist_ok=True)
    cmd = _command(opts, ws, session.pending())
    child: Child | WarmChild | None = None
    if lease is not None:  # forked by a warm worker: the same command, without the interpreter
        child = lease.child(cmd[3:], ws.run, _child_env(ws), ws.tests, ws.tests_hash, opts.target.step)
    if child is None:
        child = Child(sandbox.wrap(cmd, box, _binds(opts, ws)), ws.run, _child_env(ws), FD)
    session.begin_child(time.monotonic())
    try:
        while True:
            child.watchdog.set(*session.deadline())
            found, problem = child.read(POLL)
            for event in found:
                session.handle(event, time.monotonic())
            if problem:
                session.tamper(problem)
            if session.tampered:
                return False
            if child.watchdog.fired:
                return session.timed_out(child.watchdog.fired)
            if child.exited():
                found, problem = child.read(0)  # what it wrote just before it ended
                for event in found:
                    session.handle(event, time.monotonic())
                if problem:
                    session.tamper(problem)
                return False if session.tampered else session.exited(child.describe_exit())
    finally:
        child.close()


def _command(opts: RunOptions, ws: Workspace, nodeids: list[str]) -> list[str]:
    """`python -m pytest ...` for the pending tests (a warm worker's child runs what follows `-m pytest`)."""
    ini = ws.ini
    ini.write_text("[pytest]\n")
    kind = opts.target.kind if opts.target.kind in targets.KINDS else "submission"
    return [sys.executable, "-m", "pytest", *PYTEST_PLUGINS, "-q", "--no-header", "-c", str(ini),
            "--rootdir", str(ws.tests), "--import-mode=importlib",
            "--grader-target", kind, "--grader-root", str(ws.code), "--grader-fd", FD,
            "--grader-step", str(opts.target.step), "--grader-memory", str(opts.memory_limit),
            "--grader-fsize", str(FILE_LIMIT), "--show-capture=no", "--tb=no",
            *(str(ws.tests / nodeid) for nodeid in nodeids)]


def _binds(opts: RunOptions, ws: Workspace) -> sandbox.Binds:
    """What the sandboxed child sees: the grader, the copies, and the reference only when graded."""
    readonly = [catalog.REPO / "grader", ws.tests, ws.code, ws.ini]
    if opts.target.kind == "reference":
        readonly.append(catalog.REPO / "dezero")
    return sandbox.Binds(readonly=tuple(readonly), writable=(ws.run,), home=ws.home, workdir=ws.run)


def _child_env(ws: Workspace) -> dict[str, str]:
    return pool.child_env(ws.home)


def _check_after(ws: Workspace, result: StepResult) -> None:
    """The copies must be as they were: code that rewrites itself or the tests is flagged."""
    changed = guard.changed_files(ws.code_hash, guard.tree_hashes(ws.code))
    if changed:
        result.flags.append(f"the code changed while it was graded: {', '.join(changed[:5])}")
    if guard.tree_hashes(ws.tests) != ws.tests_hash:
        result.flags.append("the test files changed while they ran")


def _apply_guards(opts: RunOptions, result: StepResult) -> None:
    """Edited tests always, other flags unless --allow-flagged, make the run score 0."""
    marker = "edited test file: "
    edited = [f.removeprefix(marker) for f in result.flags if f.startswith(marker)]
    if edited:
        reason = (f"{', '.join(edited)} was edited, so this run does not count; restore it "
                  f"with `git checkout -- {' '.join(edited)}` and grade again")
    elif result.flags and not opts.allow_flagged:
        reason = "this run scores 0 because it was flagged: " + "; ".join(result.flags)
    else:
        return
    for t in result.tests:
        if t.outcome != Outcome.NOT_APPLICABLE:
            t.outcome, t.message = Outcome.INVALID, reason
