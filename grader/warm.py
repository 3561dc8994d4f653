"""The parent's side of a warm worker (grader.worker): start it, warm it with a step's tests, fork a
run's test process through it, and kill whatever runs below it.

The parent stays the authority: it makes each run's event and output pipes (the worker only hands
them to the child it forks), reads the events with the same protocol checks as for a plain child
(spawn.Pipes), keeps the watchdog, and kills the child and everything below the worker itself,
found in /proc (grader.proctree) rather than taken from what the worker says. A worker that does
not answer in time, or leaves something it cannot kill, is killed whole; a run then goes on in a
new worker or in a plain child.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from grader import proctree, sandbox, spawn

READY_TIMEOUT = 120.0  # seconds for a worker's first imports (a cold interpreter on a busy machine)
REPLY_TIMEOUT = 60.0  # seconds for a warm-up session or a fork
REAP_TIMEOUT = 5.0  # seconds for the worker to reap a killed child
SILENCE = 2.0  # seconds a worker may keep quiet about a child that is no longer running
MAX_MESSAGE = 1 << 20


class WorkerError(Exception):
    """The worker cannot serve (it died, or did not answer in time); the message says how."""


class Worker:
    """One worker process (in its sandbox, if any) and the parent's end of its control socket."""

    def __init__(self, box: sandbox.Sandbox, binds: sandbox.Binds, env: dict[str, str], boot: Path,
                 ini: Path, log: Path):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = [sys.executable, "-m", "grader.worker", "--control", str(theirs.fileno()), "--boot", str(boot),
               "--ini", str(ini)]
        self.started = time.time()
        self.log = log
        try:
            with open(log, "ab") as out:
                self.proc = spawn.start_registered(
                    sandbox.wrap(cmd, box, binds), cwd=binds.workdir, env=env, stdin=subprocess.DEVNULL,
                    stdout=out, stderr=subprocess.STDOUT, pass_fds=(theirs.fileno(),), start_new_session=True)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.sock = ours
        self.sandboxed = box.mode == "bwrap"
        self.host_pid: int | None = None  # the worker's pid as the parent sees it, once ready
        self.asked: set[tuple[str, str]] = set()  # (rel path, sha256) the worker was asked to import
        self.broken = False

    def ready(self) -> None:
        """Wait for the worker's first imports; WorkerError if it dies or takes too long."""
        if self.host_pid is not None:
            return
        inner = int(self.reply(READY_TIMEOUT, "ready"))
        self.host_pid = proctree.find_below(self.proc.pid, inner) if self.sandboxed else self.proc.pid
        if self.host_pid is None:
            self.fail("the worker could not be found in its sandbox")

    def send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        """One control message to the worker (WorkerError if it cannot be reached)."""
        try:
            if fds:
                socket.send_fds(self.sock, [json.dumps(message).encode()], fds)
            else:
                self.sock.send(json.dumps(message).encode())
        except OSError as exc:
            self.fail(f"the worker cannot be reached: {exc}")

    def reply(self, timeout: float, key: str) -> Any:
        """The value of the worker's next message, which must hold `key`."""
        if not select.select([self.sock], [], [], timeout)[0]:
            self.fail(f"the worker did not answer within {timeout:g} s")
        try:
            data = self.sock.recv(MAX_MESSAGE)
        except OSError as exc:
            self.fail(f"the worker cannot be reached: {exc}")
        if not data:
            self.fail("the worker ended" + self._log_tail())
        message = json.loads(data)
        if not isinstance(message, dict) or key not in message:
            self.fail(f"the worker answered {str(message)[:200]} instead of {key!r}")
        return message[key]

    def poll(self) -> dict[str, Any] | None:
        """The worker's next message if one is waiting; {} when the worker is gone."""
        if not select.select([self.sock], [], [], 0)[0]:
            return None
        try:
            data = self.sock.recv(MAX_MESSAGE)
        except OSError:
            return {}
        return json.loads(data) if data else {}

    def warm(self, rootdir: Path, ini: Path, step: int, files: dict[str, str]) -> None:
        """Have the worker import these test files (rel path → sha256 under rootdir), once."""
        if all((rel, sha) in self.asked for rel, sha in files.items()):
            return  # what could not be imported here, the child imports itself
        self.ready()
        self.send({"op": "warm", "rootdir": str(rootdir), "ini": str(ini), "step": step, "files": files})
        self.reply(REPLY_TIMEOUT, "warmed")
        self.asked |= set(files.items())

    def kill_below(self) -> None:
        """Kill everything below the worker (a run's child and what it started); the worker too
        when something there cannot be killed."""
        if self._below_is_ours() and not proctree.kill_below(self.host_pid or 0):
            self.kill()

    def _below_is_ours(self) -> bool:
        """Whether host_pid is still the worker: not reaped (a reaped pid may be anyone's by now),
        and in the sandbox still below its bwrap."""
        if self.host_pid is None or self.proc.returncode is not None:
            return False
        return not self.sandboxed or self.host_pid in proctree.descendants(self.proc.pid)

    def kill(self) -> None:
        """Kill the worker's own process group (in the sandbox: the sandbox and all in it); a
        reaped worker is left alone, its pid may be another process's now."""
        self.broken = True
        if self.proc.returncode is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def fail(self, why: str) -> Any:
        """Kill the worker and raise WorkerError: it can no longer be trusted to serve."""
        self.kill()
        raise WorkerError(why)

    def close(self) -> None:
        """End the worker and everything below it, and reap it."""
        if not self.sandboxed and self._below_is_ours():
            proctree.kill_below(self.proc.pid)
        self.kill()
        self.sock.close()
        self.proc.wait()
        spawn.unregister(self.proc.pid)
        spawn.sweep_orphans(self.started)

    def _log_tail(self) -> str:
        try:
            tail = self.log.read_text(errors="replace").strip().splitlines()[-3:]
        except OSError:
            return ""
        return (": " + " / ".join(tail))[:600] if tail else ""


class WarmChild(spawn.Pipes):
    """A run's test process forked by a worker; the runner uses it as it uses a spawn.Child."""

    def __init__(self, worker: Worker, args: list[str], cwd: Path, env: dict[str, str],
                 files: dict[str, str]):
        ev_read, ev_write = os.pipe()
        out_read, out_write = os.pipe()
        self.worker, self.started = worker, time.time()
        self.returncode: int | None = None
        self.lost = False  # the worker ended (or hung) before it said how the child did
        self._quiet_since: float | None = None
        self._looked = 0.0
        try:
            worker.ready()
            worker.send({"op": "run", "args": args, "cwd": str(cwd), "env": env, "files": files},
                        [ev_write, out_write])
        except BaseException:
            for fd in (ev_read, out_read):
                os.close(fd)
            raise
        finally:
            os.close(ev_write)
            os.close(out_write)
        super().__init__(ev_read, out_read)
        try:
            worker.reply(REPLY_TIMEOUT, "pid")
        except WorkerError:
            self.close_pipes()
            raise
        self.watchdog = spawn.Watchdog(self.kill)
        self.watchdog.start()

    def _also_wake_on(self) -> list[int]:
        return [] if self.lost or self.returncode is not None else [self.worker.sock.fileno()]

    def exited(self) -> bool:
        """Whether the worker reported the child's end (or is gone, or hung on it)."""
        if self.returncode is None and not self.lost:
            message = self.worker.poll()
            if message == {}:
                self.lost = True
            elif message and "exit" in message:
                self.returncode = int(message["exit"])
            else:
                self._check_silence()
        return self.lost or self.returncode is not None

    def _check_silence(self) -> None:
        """A worker that stays quiet while nothing runs below it (stopped by a child?) is killed:
        the parent does not wait on it beyond SILENCE."""
        now = time.monotonic()
        if now - self._looked < 0.5 or self.worker.host_pid is None:
            return
        self._looked = now
        if proctree.descendants(self.worker.host_pid):
            self._quiet_since = None
        elif self._quiet_since is None:
            self._quiet_since = now
        elif now - self._quiet_since > SILENCE:
            self.worker.kill()
            self.lost = True

    def kill(self) -> None:
        """Kill the child and everything below the worker (idempotent; the watchdog calls it)."""
        self.worker.kill_below()

    def close(self) -> None:
        """Kill, wait until the worker has reaped the child, sweep, close the pipes."""
        self.watchdog.stop()
        self.kill()
        deadline = time.monotonic() + REAP_TIMEOUT
        while not self.exited() and time.monotonic() < deadline:
            select.select([self.worker.sock], [], [], 0.05)
        if not self.exited() or self.lost:
            self.worker.kill()
        spawn.sweep_orphans(self.started)
        self.close_pipes()

    def describe_exit(self) -> str:
        """How the child ended, as spawn.Child says it."""
        if self.lost:
            return "its worker process ended"
        return spawn.describe_returncode(self.returncode)
