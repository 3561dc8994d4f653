"""The child a warm worker forks for one run: it becomes what `python -m pytest ARGS` started in a
fresh interpreter would be (own session, pipes on its descriptors, cwd, environment, sys.path,
sys.argv), then runs pytest with the plugin; it never returns to the worker's code.

What it cannot inherit is closed or reset first: the worker's control socket and every other
descriptor but the run's two pipes, the worker's atexit callbacks, and the test modules warmed for
other runs (a test file whose content differs from the warmed one is imported afresh).
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import sys
import traceback
from typing import Any, NoReturn

FD = "{fd}"  # the runner's placeholder for the event pipe's descriptor number
_PR_SET_DUMPABLE = 4


def _descriptors(control: socket.socket, events_fd: int, output_fd: int) -> int:
    """stdin from /dev/null, stdout and stderr into the output pipe, the event pipe kept; every
    other descriptor closed. Returns the event pipe's descriptor."""
    control.close()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.closerange(3, events_fd)
    os.closerange(events_fd + 1, os.sysconf("SC_OPEN_MAX"))
    return events_fd


def _exit_code(exc: SystemExit) -> int:
    """The status an interpreter would exit with for this SystemExit."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def main(control: socket.socket, message: dict[str, Any], events_fd: int, output_fd: int,
         drop: list[str]) -> NoReturn:
    """Run one grading run's pytest in this fresh fork and exit with its status."""
    code = 70  # EX_SOFTWARE: the child could not even start pytest
    try:
        os.setsid()
        from grader import worker

        worker.prctl(_PR_SET_DUMPABLE, 1)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL)
        fd = _descriptors(control, events_fd, output_fd)
        atexit._clear()
        for name in drop:
            sys.modules.pop(name, None)
        cwd = message["cwd"]
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(message["env"])
        sys.path[0] = cwd
        args = [arg.replace(FD, str(fd)) for arg in message["args"]]
        import pytest

        sys.argv = [os.path.join(os.path.dirname(pytest.__file__), "__main__.py"), *args]
        try:
            code = int(pytest.main(args))
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException:
            traceback.print_exc()
            code = 1
        atexit._run_exitfuncs()
    except BaseException:
        try:
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
