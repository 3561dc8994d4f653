"""Starting, watching and killing one child: the only place a grading process is created (a warm
worker's forked child, grader.warm, reuses the pipes, the watchdog and the sweep from here).

- Events come over an inherited pipe (no path the child could swap); the parent reads it
  without ever blocking and never holds more than one line's worth of a partial line.
- The child's stdout and stderr go to another pipe; only the last LOG_TAIL bytes are kept.
- A watchdog thread kills the child's process group at its deadline, whatever the reader does.
- `kill()` kills the group; with the parent registered as a subreaper, descendants that left
  the group with setsid are adopted by the parent and killed too (in the sandbox, the pid
  namespace does this by itself).
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader import events, proctree

LOG_TAIL = 4096
READ_CHUNK = 64 * 1024
_PR_SET_CHILD_SUBREAPER = 36
_ACTIVE: set[int] = set()
_ACTIVE_LOCK = threading.Lock()


def become_subreaper() -> None:
    """Orphaned descendants of our children come to us instead of init (Linux; else a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class Watchdog(threading.Thread):
    """Calls kill() once the deadline passes; the deadline can move while the child runs."""

    def __init__(self, kill: Callable[[], None]):
        super().__init__(daemon=True)
        self._kill, self._deadline, self._why = kill, float("inf"), ""
        self._cond = threading.Condition()
        self._done = False
        self.fired: str | None = None

    def set(self, deadline: float, why: str) -> None:
        with self._cond:
            self._deadline, self._why = deadline, why
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._done = True
            self._cond.notify()

    def run(self) -> None:
        with self._cond:
            while not self._done:
                left = self._deadline - time.monotonic()
                if left <= 0:
                    self.fired = self._why
                    self._kill()
                    return
                self._cond.wait(min(left, 1.0))


class Pipes:
    """The parent's ends of a test process's event pipe and output pipe, read without blocking."""

    def __init__(self, events_fd: int, output_fd: int):
        self._events, self._output = events_fd, output_fd
        os.set_blocking(events_fd, False)
        os.set_blocking(output_fd, False)
        self._partial = b""
        self.tail = b""

    def _also_wake_on(self) -> list[int]:
        """Other descriptors that should end a read's wait (a subclass's own channel)."""
        return []

    def read(self, timeout: float) -> tuple[list[events.Event], str | None]:
        """Events that arrived within timeout, and a protocol problem if a line was bad."""
        ready, _, _ = select.select([self._events, self._output, *self._also_wake_on()], [], [], timeout)
        if self._output in ready:
            self._drain_output()
        if self._events not in ready:
            return [], None
        try:
            data = os.read(self._events, READ_CHUNK)
        except BlockingIOError:
            return [], None
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        if len(self._partial) > events.MAX_LINE:
            return [], f"a line of more than {events.MAX_LINE} bytes"
        found: list[events.Event] = []
        for line in lines:
            if line.strip():
                try:
                    found.append(events.decode(line))
                except events.ProtocolError as exc:
                    return found, str(exc)
        return found, None

    def _drain_output(self) -> None:
        for _ in range(16):  # bounded: a flood cannot keep the parent here
            try:
                data = os.read(self._output, READ_CHUNK)
            except BlockingIOError:
                return
            if not data:
                return
            self.tail = (self.tail + data)[-LOG_TAIL:]

    def close_pipes(self) -> None:
        """Close the parent's ends of both pipes (idempotent)."""
        for fd in (self._events, self._output):
            try:
                os.close(fd)
            except OSError:
                pass


class Child(Pipes):
    """One child process (a fresh interpreter), its event pipe and its output pipe."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict[str, str], fd_option: str):
        ev_read, ev_write = os.pipe()
        out_read, out_write = os.pipe()
        self.started = time.time()
        with _ACTIVE_LOCK:
            try:
                self.proc = subprocess.Popen(
                    [arg.replace(fd_option, str(ev_write)) for arg in cmd], cwd=cwd, env=env,
                    stdin=subprocess.DEVNULL, stdout=out_write, stderr=out_write,
                    pass_fds=(ev_write,), start_new_session=True)
            finally:
                os.close(ev_write)
                os.close(out_write)
            _ACTIVE.add(self.proc.pid)
        super().__init__(ev_read, out_read)
        self.watchdog = Watchdog(self.kill)
        self.watchdog.start()

    def exited(self) -> bool:
        return self.proc.poll() is not None

    def kill(self) -> None:
        """Kill the child's whole process group (idempotent)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        """Kill, reap, sweep escaped descendants and close the pipes."""
        self.watchdog.stop()
        self.kill()
        self.proc.wait()
        with _ACTIVE_LOCK:
            _ACTIVE.discard(self.proc.pid)
        sweep_orphans(self.started)
        self.close_pipes()

    def describe_exit(self) -> str:
        return describe_returncode(self.proc.returncode)


def describe_returncode(code: int | None) -> str:
    """How a test process ended, in Popen's terms (a negative code is the signal that killed it)."""
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        memory = " - out of memory?" if name in ("SIGABRT", "SIGSEGV", "SIGBUS") else ""
        return f"killed by signal {name}{memory}"
    return f"exit code {code}"


def start_registered(cmd: list[str], **popen: Any) -> subprocess.Popen[bytes]:
    """Popen for a process of the grader's own (a warm worker), registered as it starts so that no
    sweep takes it for an escaped descendant; `unregister` it once it has been reaped."""
    with _ACTIVE_LOCK:
        proc = subprocess.Popen(cmd, **popen)
        _ACTIVE.add(proc.pid)
    return proc


def unregister(pid: int) -> None:
    """Forget a process of the grader's own once it has been reaped."""
    with _ACTIVE_LOCK:
        _ACTIVE.discard(pid)


def _adopted_since(started: float) -> list[int]:
    """Children of this process that no grading run started and that began after `started`."""
    me, boot, tick = os.getpid(), _boot_time(), os.sysconf("SC_CLK_TCK")
    found = [pid for pid, fields in proctree.stats()
             if int(fields[1]) == me and boot + int(fields[19]) / tick >= started - 1]
    with _ACTIVE_LOCK:
        return [pid for pid in found if pid not in _ACTIVE]


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def sweep_orphans(started: float) -> None:
    """Kill and reap what escaped a child's process group (setsid) and came to us as subreaper."""
    if not Path("/proc/stat").exists():
        return
    for _ in range(3):
        pids = _adopted_since(started)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError, PermissionError):
                pass


def run_registered(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """subprocess.run for the grader's own helpers (the collection), registered so that no sweep
    takes it for an escaped descendant; returns (exit code, output)."""
    with _ACTIVE_LOCK:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        _ACTIVE.add(proc.pid)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.discard(proc.pid)
    return proc.returncode, output
