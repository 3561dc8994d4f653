"""The process tree as /proc shows it: what runs below a process, and killing it (Linux only).

A warm worker (grader.worker) forks the test processes; the parent kills everything below the
worker with these, without trusting anything the worker or its children say.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

PROC = Path("/proc")


def stats() -> Iterator[tuple[int, list[str]]]:
    """(pid, the fields of /proc/PID/stat after the command name) of every process listed now:
    fields[0] is the state, fields[1] the parent pid, fields[19] the start time in clock ticks."""
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        yield int(entry.name), stat[stat.rindex(")") + 2:].split()


def _table() -> dict[int, tuple[int, str]]:
    """{pid: (parent pid, state)} of every process /proc lists now."""
    return {pid: (int(fields[1]), fields[0]) for pid, fields in stats()}


def descendants(top: int) -> list[int]:
    """Every live (not zombie) process below `top`, parents before their children."""
    children: dict[int, list[int]] = {}
    states: dict[int, str] = {}
    for pid, (ppid, state) in _table().items():
        children.setdefault(ppid, []).append(pid)
        states[pid] = state
    found: list[int] = []
    queue = list(children.get(top, []))
    while queue:
        pid = queue.pop(0)
        if states.get(pid) != "Z":
            found.append(pid)
        queue += children.get(pid, [])
    return found


def ns_pid(pid: int) -> int | None:
    """`pid`'s number in its innermost pid namespace (the last NSpid field); None if gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("NSpid:"):
                return int(line.split()[-1])
    except (OSError, ValueError, IndexError):
        return None
    return pid


def find_below(top: int, inner: int) -> int | None:
    """The host pid of the process below `top` (or `top` itself) whose innermost pid is `inner`."""
    for pid in [top, *descendants(top)]:
        if ns_pid(pid) == inner:
            return pid
    return None


def kill_below(top: int, patience: float = 2.0) -> bool:
    """SIGKILL every process below `top` (not `top`), parents first, again and again (against
    forks) until none is left; True when none is, within `patience` seconds (a killed process
    takes a moment to exit, longer the more memory it has to give back)."""
    deadline = time.monotonic() + patience
    pause = 0.002
    while True:
        pids = descendants(top)
        if not pids:
            return True
        if time.monotonic() > deadline:
            return False
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
