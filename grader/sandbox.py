"""Run the child pytest inside a bubblewrap (bwrap) sandbox, so student code cannot reach the network,
other processes or files of the host it was not given.

What `bwrap` mode guarantees: no network (own network namespace with only its own loopback; the host's
127.0.0.1 is not reachable), own pid/ipc/uts/cgroup namespaces (host processes are invisible and
everything started inside dies with the sandbox, even after setsid), no capabilities, a private /tmp,
the system (/usr, /etc, ...) and Python read-only, and of the rest of the host only the folders the caller
binds. Inherited file descriptors (pass_fds) stay open.

What it does not: it is not a VM. Code runs on the same kernel as the same user, so kernel bugs and
whatever /etc or the bound folders reveal remain; CPU, memory and time limits still come from the runner.

Where bwrap cannot work: it is not installed, or user namespaces are unavailable (typical of unprivileged
Docker/Kubernetes containers). `auto` then falls back to no sandbox with a note; `bwrap` raises SandboxError.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MODES = ("auto", "bwrap", "none")
PROBE_TIMEOUT = 5.0
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc")
NAMESPACE_FLAGS = ("--unshare-all", "--cap-drop", "ALL", "--die-with-parent", "--new-session")


@dataclass(frozen=True)
class Sandbox:
    """What runs: "bwrap" or "none"; `note` says why `auto` fell back to "none" (empty otherwise)."""

    mode: str
    note: str = ""


class SandboxError(Exception):
    """`--sandbox bwrap` was asked for but cannot work here; the message says why and what to do."""


@dataclass(frozen=True)
class Binds:
    """The host folders the sandboxed command sees, each at its own path."""

    readonly: tuple[Path, ...] = ()
    writable: tuple[Path, ...] = ()
    home: Path | None = None  # a private writable HOME
    workdir: Path | None = None  # chdir here inside


def _python_dirs() -> list[str]:
    """The running Python's installation (venv and base), as given and resolved, outermost first."""
    candidates = {sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))}
    candidates |= {os.path.realpath(p) for p in candidates}
    dirs: list[str] = []
    for path in sorted(candidates, key=len):
        if not any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs):
            dirs.append(path)
    return dirs


def _system_flags() -> list[str]:
    """Read-only system folders; on merged-/usr systems /bin, /lib, ... are symlinks and stay symlinks."""
    flags: list[str] = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            flags += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            flags += ["--ro-bind", path, path]
    return flags


def wrap(cmd: list[str], sandbox: Sandbox, binds: Binds) -> list[str]:
    """`cmd` as it runs in `sandbox`: unchanged for "none", prefixed with the bwrap call for "bwrap"."""
    if sandbox.mode == "none":
        return list(cmd)
    if sandbox.mode != "bwrap":
        raise ValueError(f"cannot wrap for sandbox mode {sandbox.mode!r}")
    flags = ["bwrap", *NAMESPACE_FLAGS, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    flags += _system_flags()
    for path in _python_dirs():
        flags += ["--ro-bind", path, path]
    for p in binds.readonly:
        flags += ["--ro-bind", str(p), str(p)]
    for p in binds.writable:
        flags += ["--bind", str(p), str(p)]
    if binds.home is not None:
        flags += ["--bind", str(binds.home), str(binds.home), "--setenv", "HOME", str(binds.home)]
    if binds.workdir is not None:
        flags += ["--chdir", str(binds.workdir)]
    return [*flags, "--", *cmd]


INSTALL = "install bubblewrap (Debian/Ubuntu: apt install bubblewrap)"
ALLOW_USERNS = ("allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
                "or run the container with them enabled)")


@functools.cache
def _probe() -> tuple[str, str]:
    """Why bwrap cannot sandbox here and the remedy (("", "") if it can): a trial run with wrap()'s flags."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed or not on PATH", INSTALL
    try:
        proc = subprocess.run(wrap(["true"], Sandbox("bwrap"), Binds()), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"a trial run of bubblewrap took more than {PROBE_TIMEOUT:g} s", ALLOW_USERNS
    except OSError as e:
        return f"bubblewrap (bwrap) could not be started: {e}", INSTALL
    if proc.returncode != 0:
        said = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return f"bubblewrap cannot set up its namespaces (user namespaces unavailable?): {said}", ALLOW_USERNS
    return "", ""


def resolve(requested: str) -> Sandbox:
    """The sandbox to use for `--sandbox requested`; bwrap's usability is probed once per process."""
    if requested not in MODES:
        raise ValueError(f"unknown sandbox {requested!r}: expected one of {', '.join(MODES)}")
    if requested == "none":
        return Sandbox("none")
    reason, remedy = _probe()
    if not reason:
        return Sandbox("bwrap")
    if requested == "auto":
        return Sandbox("none", note=f"not sandboxed: {reason}")
    raise SandboxError(f"--sandbox bwrap: {reason}; {remedy}, or grade with --sandbox none")
