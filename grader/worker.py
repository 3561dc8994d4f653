"""A warm worker: pytest, Hypothesis, numpy, the plugin and a step's tests imported once; then one
forked test process per grading run, which skips the imports but is still a process of its own.

Runs as `python -m grader.worker --control FD --boot DIR --ini FILE`, started by grader.warm (in the
sandbox when there is one). It never loads the code under test: its own pytest sessions only
collect, in the trusted collection's mode (`--grader-collect`, no target loaded), and student code
runs only in the forked child (grader.forked), so a submission cannot change what the next child
starts from. The worker is not dumpable (no process of the user can ptrace it or read its memory),
it is a subreaper (whatever a child leaves behind stays below it, where the parent kills it), and
it exits as soon as the parent's end of the control socket closes.

Control messages, one JSON object per SOCK_SEQPACKET datagram:
  parent → worker  {"op": "warm", "rootdir": str, "ini": str, "step": int, "files": {rel: sha256}}
                   {"op": "run", "args": [...], "cwd": str, "env": {...}, "files": {rel: sha256}}
                     (with the run's event and output pipe ends attached, SCM_RIGHTS)
  worker → parent  {"ready": pid}, {"warmed": [rel, ...]}, {"pid": pid}, {"exit": returncode},
                   {"error": str}
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import hashlib
import json
import linecache
import os
import re
import select
import socket
import sys
import warnings
from pathlib import Path
from typing import Any

MAX_MESSAGE = 1 << 20
IDLE_POLL = 1.0  # seconds between reaps of adopted orphans while idle
_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36
TARGET_MODULE = re.compile(r"^(dezero|step\d\d)(\.|$)")


def prctl(option: int, value: int) -> None:
    """prctl(2) with one argument; a no-op where libc has none."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    """One control message, with descriptors attached if any."""
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.send(data)


def collect_args(rootdir: str, ini: str, step: int | None, files: list[str]) -> list[str]:
    """A collect-only session in the trusted collection's mode: lists tests, loads no target."""
    from grader.collection import PYTEST_PLUGINS

    args = ["--collect-only", "-q", *PYTEST_PLUGINS, "-c", ini, "--rootdir", rootdir,
            "--import-mode=importlib", "--grader-collect", os.devnull]
    return args + (["--grader-step", str(step)] if step is not None else []) + (files or [rootdir])


def _session(args: list[str]) -> int:
    import pytest

    return int(pytest.main(args))


def settle() -> None:
    """Collect the warm-up's garbage, then freeze what is left: a child's gc.collect() (pytest and
    Hypothesis call it) then skips the worker's objects, and their pages stay shared."""
    gc.collect()
    gc.freeze()


def target_code_loaded() -> list[str]:
    """Modules of code under test in this process (there must never be any in the worker)."""
    return sorted(name for name in sys.modules if TARGET_MODULE.match(name))


class Worker:
    """The worker's loop: warm test files on request, fork a child per run and report how it ended."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.warm: dict[str, tuple[str, str]] = {}  # rel path → (module name, sha256)
        self.child: int | None = None
        self.status: int | None = None

    def serve(self) -> int:
        """Answer the parent's messages until its end of the socket closes; the exit status."""
        while True:
            if not select.select([self.sock], [], [], IDLE_POLL)[0]:
                self.reap()
                continue
            data, fds, _, _ = socket.recv_fds(self.sock, MAX_MESSAGE, 2)
            if not data:
                return 0  # the parent is gone
            message = json.loads(data)
            if message.get("op") == "run" and len(fds) == 2:
                if not self.run(message, fds[0], fds[1]):  # run() closes the two pipe ends
                    return 0
                continue
            for fd in fds:
                os.close(fd)
            if message.get("op") == "warm":
                send(self.sock, {"warmed": self.warm_files(message)})
            else:
                send(self.sock, {"error": f"a message the worker does not know: {str(message)[:80]}"})
            self.reap()

    def warm_files(self, message: dict[str, Any]) -> list[str]:
        """Import the test files (checked against their hashes) by a collect-only session; keep
        their source in linecache for good (Hypothesis derives its examples from it)."""
        rootdir, files = Path(message["rootdir"]), dict(message["files"])
        todo = {rel: sha for rel, sha in files.items() if rel not in self.warm
                and hashlib.sha256((rootdir / rel).read_bytes()).hexdigest() == sha}
        if todo:
            paths = {rel: str(rootdir / rel) for rel in todo}
            _session(collect_args(str(rootdir), message["ini"], message.get("step"), list(paths.values())))
            if target_code_loaded():
                raise SystemExit(f"grader.worker: collecting loaded code under test: {target_code_loaded()}")
            by_file = {getattr(m, "__file__", None): name for name, m in list(sys.modules.items())}
            for rel, sha in todo.items():
                data = (rootdir / rel).read_bytes()
                name = by_file.get(paths[rel])
                if name and hashlib.sha256(data).hexdigest() == sha:
                    lines = data.decode("utf-8").splitlines(keepends=True)
                    linecache.cache[paths[rel]] = (len(data), None, lines, paths[rel])
                    self.warm[rel] = (name, sha)
            settle()
        return sorted(self.warm)

    def run(self, message: dict[str, Any], events_fd: int, output_fd: int) -> bool:
        """Fork the child of one run, report its pid, wait for it and report how it ended;
        False when the parent went away meanwhile."""
        from grader import forked

        wanted = dict(message["files"])
        keep = {name for rel, (name, sha) in self.warm.items() if wanted.get(rel) == sha}
        drop = [name for name, _ in self.warm.values() if name not in keep]
        sys.stdout.flush()
        sys.stderr.flush()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "fork with threads": OpenBLAS forks safely
            pid = os.fork()
        if pid == 0:
            forked.main(self.sock, message, events_fd, output_fd, drop)  # never returns
        os.close(events_fd)  # the child's now: only the child writes, only the parent reads
        os.close(output_fd)
        self.child, self.status = pid, None
        send(self.sock, {"pid": pid})
        if not self.wait_child():
            return False
        send(self.sock, {"exit": self.status})
        return True

    def wait_child(self) -> bool:
        """Until the child has ended (and been reaped); False, with the child killed, when the
        parent's end of the socket closed first."""
        pidfd = _pidfd(self.child)
        control = self.sock.fileno()
        try:
            while self.status is None:
                ready = select.select([control, *([pidfd] if pidfd is not None else [])], [], [],
                                      1.0 if pidfd is not None else 0.02)[0]
                if control in ready and not self.sock.recv(MAX_MESSAGE, socket.MSG_PEEK):
                    self.kill_all()
                    return False
                if control in ready:
                    self.sock.recv(MAX_MESSAGE)  # nothing may be asked of a busy worker: dropped
                    send(self.sock, {"error": "the worker is busy with a run"})
                self.reap()
        finally:
            if pidfd is not None:
                os.close(pidfd)
        return True

    def reap(self) -> None:
        """Reap the child and whatever orphans came to this subreaper."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.child:
                self.status = os.waitstatus_to_exitcode(status)

    def kill_all(self) -> None:
        """The parent is gone: nothing below the worker may outlive it."""
        import signal

        from grader import proctree

        if self.child is not None:
            try:
                os.killpg(self.child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        proctree.kill_below(os.getpid())


def _pidfd(pid: int | None) -> int | None:
    try:
        return os.pidfd_open(pid) if pid is not None and hasattr(os, "pidfd_open") else None
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    """Harden this process, import everything once, say so, then serve until the parent goes."""
    parser = argparse.ArgumentParser(prog="python -m grader.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--control", type=int, required=True, help="the inherited control socket")
    parser.add_argument("--boot", required=True, help="an empty folder for the first (import) session")
    parser.add_argument("--ini", required=True, help="the pytest.ini the sessions use")
    args = parser.parse_args(argv)
    sock = socket.socket(fileno=args.control)
    prctl(_PR_SET_DUMPABLE, 0)
    prctl(_PR_SET_CHILD_SUBREAPER, 1)
    _session(collect_args(args.boot, args.ini, None, []))  # pytest, Hypothesis, numpy, the plugin
    if target_code_loaded():
        raise SystemExit(f"grader.worker: importing the grader loaded code under test: "
                         f"{target_code_loaded()}")
    settle()
    send(sock, {"ready": os.getpid()})
    return Worker(sock).serve()


if __name__ == "__main__":
    sys.exit(main())
