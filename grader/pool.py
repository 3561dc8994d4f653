"""Which warm workers (grader.warm) a command keeps, and which one a grading run forks from.

A command that grades many runs (batch, integrity, `--watch`) opens a pool with `serving()`; the
runner asks it for a lease per run (`lease()`), which says where the run's workspace goes and
which worker its children fork from. No pool, no lease: the run starts plain children.

- Without the sandbox any worker serves any run: a worker never loads the code under test, and
  every child is a fresh fork of it.
- With the sandbox a worker lives in the sandbox of one group, the runs of one submission (the
  caller's `group`: a student in a batch, the course's own code in integrity); the group's
  workspaces sit in two folders all of its sandboxes bind, one read-only (tests and code) and one
  writable (each run's cwd and HOME). A run with no group is a group of its own.
- `GRADER_WARM=0` forces plain children everywhere (the trust tests run both ways); `GRADER_WARM=1`
  uses a worker for a single `grade` too. Where fork is unsafe or missing (not Linux), runs are plain.
- No worker outlives the pool: `serving()` closes every one when the command ends, and a worker
  exits by itself when the command's process is gone (its control socket closes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog, sandbox
from grader.collection import PYTEST_ENV
from grader.warm import WarmChild, Worker, WorkerError

ENV = "GRADER_WARM"
COURSE = "course"  # the group of the course's own code (integrity, diagnosis): one trust domain


def fork_is_safe() -> bool:
    """Fork after numpy and pytest are imported is safe on Linux (OpenBLAS re-creates its threads);
    elsewhere (macOS's system libraries, Windows) the runs stay plain."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "send_fds")
            and Path("/proc/self/stat").exists())


def enabled(default: bool) -> bool:
    """Whether a command uses warm workers: GRADER_WARM=0 never, =1 always, else `default`."""
    wanted = os.environ.get(ENV, "").strip()
    return fork_is_safe() and (wanted == "1" if wanted in ("0", "1") else default)


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def child_env(home: Path) -> dict[str, str]:
    """The environment of a test process (and of the worker it forks from)."""
    env = dict(os.environ)
    env.update(PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg", HOME=str(home),
               **PYTEST_ENV)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(catalog.REPO), env.get("PYTHONPATH")]))
    # One BLAS thread unless the caller says otherwise: the tests multiply small matrices, and a
    # second thread spinning for a busy core (batch runs, a shared machine) made step 58 3x slower.
    for name in BLAS_THREADS:
        env.setdefault(name, "1")
    return env


@dataclass
class _Group:
    """The folders of one group's workspaces, and the workers that can serve it."""

    root: Path  # ro/ (tests, code, warm copies) and rw/ (run dirs, homes)
    box: sandbox.Sandbox
    extra: tuple[Path, ...]  # more read-only folders its sandbox binds (the reference package)
    idle: list[Worker] = field(default_factory=list)
    busy: int = 0

    @property
    def ro(self) -> Path:
        return self.root / "ro"

    @property
    def rw(self) -> Path:
        return self.root / "rw"

    def binds(self) -> sandbox.Binds:
        """What the group's sandboxes see: the grader, the read-only and the writable folder."""
        readonly = (catalog.REPO / "grader", self.ro, *self.extra)
        return sandbox.Binds(readonly=readonly, writable=(self.rw,), home=self.rw / "home", workdir=self.rw)


class Pool:
    """The warm workers of one command, by group (thread-safe)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="grader-warm-"))
        self._groups: dict[str, _Group] = {}
        self._lock = threading.Lock()
        self._closed = False

    @staticmethod
    def key(name: str, box: sandbox.Sandbox, extra: tuple[Path, ...]) -> str:
        """A group's key: its name and binds in the sandbox; without it, one group shared by all."""
        label = f"{name}\0{box.mode}\0{[str(p) for p in extra]}" if box.mode == "bwrap" else "shared\0none"
        return hashlib.sha256(label.encode()).hexdigest()[:16]

    def group(self, name: str, box: sandbox.Sandbox, extra: tuple[Path, ...]) -> tuple[str, _Group]:
        """The group's key and folders (made on first use)."""
        key = self.key(name, box, extra)
        with self._lock:
            if key not in self._groups:
                root = self.dir / key
                for sub in ("ro/boot", "rw/home"):
                    (root / sub).mkdir(parents=True, exist_ok=True)
                (root / "ro" / "pytest.ini").write_text("[pytest]\n")
                self._groups[key] = _Group(root, box, extra if box.mode == "bwrap" else ())
            return key, self._groups[key]

    def acquire(self, key: str) -> Worker:
        """An idle worker of the group, or a new one (still importing: `ready()` waits for it)."""
        with self._lock:
            if self._closed:
                raise WorkerError("the command is ending")
            group = self._groups[key]
            group.busy += 1
            stale = [w for w in group.idle if w.broken or w.proc.poll() is not None]
            group.idle = [w for w in group.idle if w not in stale]
            worker = group.idle.pop() if group.idle else None
        for dead in stale:
            dead.close()
        if worker is not None:
            return worker
        try:
            return Worker(group.box, group.binds(), child_env(group.rw / "home"), group.ro / "boot",
                          group.ro / "pytest.ini", self.dir / f"worker-{key}.log")
        except BaseException:
            with self._lock:
                group.busy -= 1
            raise

    def release(self, key: str, worker: Worker) -> None:
        """Give a worker back to its group (a broken one is closed)."""
        with self._lock:
            group = self._groups[key]
            group.busy -= 1
            if not worker.broken and not self._closed and worker.proc.poll() is None:
                group.idle.append(worker)
                return
        worker.close()

    def end_group(self, name: str, box: sandbox.Sandbox, extra: tuple[Path, ...] = ()) -> None:
        """A sandboxed group is done (a submission is graded): close its workers, drop its folders."""
        key = self.key(name, box, extra)
        with self._lock:
            group = self._groups.get(key)
            if box.mode != "bwrap" or group is None or group.busy:
                return
            del self._groups[key]
            idle, group.idle = group.idle, []
        for worker in idle:
            worker.close()
        shutil.rmtree(group.root, ignore_errors=True)

    def close(self) -> None:
        """Close every idle worker and remove the pool's folders (a busy one closes when released)."""
        with self._lock:
            self._closed = True
            idle = [w for g in self._groups.values() for w in g.idle]
            for g in self._groups.values():
                g.idle = []
        for worker in idle:
            worker.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Lease:
    """One run's use of a pool: where its workspace goes and the worker its children fork from."""

    def __init__(self, pool: Pool, group: str, box: sandbox.Sandbox, extra: tuple[Path, ...]):
        self.pool, self.private = pool, not group
        self.name = group or private_group()
        self.box, self.extra = box, extra
        self.key, self.group = pool.group(self.name, box, extra)
        self.worker: Worker | None = None
        self.failures: list[str] = []  # why a child had to start plain

    @contextlib.contextmanager
    def workspace(self) -> Iterator[tuple[Path, Path]]:
        """(root, scratch) of a run's workspace: in the sandbox, the group's read-only and writable
        folders (every sandbox of the group sees them); otherwise one private folder."""
        name = f"ws-{uuid.uuid4().hex[:12]}"
        if self.box.mode == "bwrap":
            root, scratch = self.group.ro / name, self.group.rw / name
        else:
            root = scratch = Path(tempfile.mkdtemp(prefix="grader-"))
        root.mkdir(parents=True, exist_ok=True)
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            yield root, scratch
        finally:
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(scratch, ignore_errors=True)

    def child(self, args: list[str], cwd: Path, env: dict[str, str], tests: Path, files: dict[str, str],
              step: int) -> WarmChild | None:
        """A child forked by the group's worker, warmed with the run's test files (rel → sha256
        under `tests`); None when no worker can serve (the run then starts a plain child)."""
        try:
            if self.worker is None or self.worker.broken:
                self._drop()
                self.worker = self.pool.acquire(self.key)
            warm = self._warm_copy(tests, files)
            self.worker.warm(warm, self.group.ro / "pytest.ini", step, files)
            return WarmChild(self.worker, args, cwd, env, files)
        except (WorkerError, OSError, ValueError) as exc:
            self.failures.append(str(exc))
            if self.worker is not None:
                self.worker.kill()
            self._drop()
            return None

    def _warm_copy(self, tests: Path, files: dict[str, str]) -> Path:
        """The run's test files copied where the worker imports them from, for as long as the pool
        lives (Hypothesis reads a test's source when it runs); one folder per set of contents."""
        digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()[:16]
        folder = self.group.ro / "warm" / digest
        if not folder.is_dir():
            staging = self.group.ro / "warm" / f".{digest}.{uuid.uuid4().hex[:8]}"
            for rel in files:
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tests / rel, staging / rel)
            try:
                staging.rename(folder)
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)  # another run made it first
        return folder

    def _drop(self) -> None:
        if self.worker is not None:
            self.pool.release(self.key, self.worker)
            self.worker = None

    def close(self) -> None:
        """Give the worker back; a run graded alone closes its group."""
        self._drop()
        if self.private:
            self.pool.end_group(self.name, self.box, self.extra)


_current: Pool | None = None
_current_lock = threading.Lock()


def current() -> Pool | None:
    """The pool of the command that is running, if it opened one."""
    return _current


@contextlib.contextmanager
def serving(default: bool = True) -> Iterator[Pool | None]:
    """Open a pool for the command's runs (None when warm workers are off or unsafe here)."""
    global _current
    if not enabled(default) or _current is not None:
        yield _current
        return
    pool = Pool()
    with _current_lock:
        _current = pool
    try:
        yield pool
    finally:
        with _current_lock:
            _current = None
        pool.close()


def private_group() -> str:
    """A group name no other run shares (a run graded alone)."""
    return f"run-{uuid.uuid4().hex}"
