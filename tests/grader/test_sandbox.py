"""The bwrap sandbox: no network, own pids, only the bound folders, fds kept; resolve's fallbacks."""

import json
import os
import select
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from grader import sandbox
from grader.sandbox import Binds, Sandbox

TIMEOUT = 20
needs_bwrap = pytest.mark.skipif(sandbox.resolve("auto").mode == "none",
                                 reason=f"no bwrap here: {sandbox.resolve('auto').note}")


def _run(code, binds=None, **kwargs):
    cmd = sandbox.wrap([sys.executable, "-c", textwrap.dedent(code)], Sandbox("bwrap"), binds or Binds())
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, **kwargs)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def fresh_probe():
    sandbox._probe.cache_clear()
    yield
    sandbox._probe.cache_clear()


@needs_bwrap
def test_no_network_not_even_the_hosts_loopback():
    marker = uuid.uuid4().hex
    code = f"""
        import socket, sys
        port = int(sys.argv[1])
        def fails(f):
            try:
                f()
            except OSError:
                return True
            return False
        print(fails(lambda: socket.create_connection(("127.0.0.1", port), timeout=3)),
              fails(lambda: socket.create_connection(("1.1.1.1", 53), timeout=3)),
              fails(lambda: socket.getaddrinfo("example.com", 80)), "{marker}")
    """
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = str(server.getsockname()[1])
        cmd = sandbox.wrap([sys.executable, "-c", textwrap.dedent(code), port], Sandbox("bwrap"), Binds())
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT).stdout
        assert out.split() == ["True", "True", "True", marker]
        control = [sys.executable, "-c", textwrap.dedent(code), port]  # unsandboxed, the listener answers
        reached = subprocess.run(control, capture_output=True, text=True, timeout=TIMEOUT).stdout.split()[0]
        assert reached == "False"


@needs_bwrap
def test_host_processes_are_invisible():
    visible, pid = _run(f"import os; print(os.path.exists('/proc/{os.getpid()}'), os.getpid())").split()
    assert visible == "False" and int(pid) < 10


def _marked(marker):
    """Host pids whose command line holds `marker`."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                pids.append(int(entry))
        except OSError:
            pass
    return pids


@needs_bwrap
def test_a_setsid_grandchild_dies_with_the_sandbox():
    marker = uuid.uuid4().hex
    grandchild = f"import os, time; os.setsid(); print('ready', flush=True); time.sleep(60)  # {marker}"
    code = (f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {grandchild!r}]); "
            "time.sleep(60)")
    cmd = sandbox.wrap([sys.executable, "-c", code], Sandbox("bwrap"), Binds())
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert select.select([proc.stdout], [], [], TIMEOUT)[0], "the grandchild never started"
        assert proc.stdout.readline() == b"ready\n"
        assert len(_marked(marker)) >= 3  # bwrap, its pid 1 and the grandchild: the scan sees them
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
        proc.stdout.close()
    deadline = time.monotonic() + 10
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    leftover = _marked(marker)
    for pid in leftover:  # so a failure does not leave them behind
        os.kill(pid, signal.SIGKILL)
    assert leftover == []


@needs_bwrap
def test_only_the_bound_folders_are_visible(tmp_path):
    marker = uuid.uuid4().hex
    ro, rw, home, hidden = (tmp_path / name for name in ("ro", "rw", "home", "hidden"))
    for folder in (ro, rw, home, hidden):
        folder.mkdir()
    (ro / "given.txt").write_text(marker)
    python = [sys.base_prefix, sys.prefix, os.path.realpath(sys.executable)]
    allowed_in_root = sorted({p.split("/")[2] for p in python if p.startswith("/root/")})
    code = f"""
        import json, os
        def writes(path):
            try:
                with open(path, "w") as f:
                    f.write("{marker}")
                return True
            except OSError:
                return False
        print(json.dumps(dict(
            read_ro=open("{ro}/given.txt").read(), write_ro=writes("{ro}/new.txt"),
            write_usr=writes("/usr/x"), write_rw=writes("{rw}/new.txt"), write_tmp=writes("/tmp/{marker}"),
            home=os.environ["HOME"], write_home=writes(os.path.expanduser("~/{marker}")), cwd=os.getcwd(),
            hidden=os.path.exists("{hidden}"), this_file=os.path.exists("{__file__}"),
            root=sorted(os.listdir("/root")) if os.path.isdir("/root") else [])))
    """
    seen = json.loads(_run(code, Binds(readonly=(ro,), writable=(rw,), home=home, workdir=rw)))
    assert seen == dict(read_ro=marker, write_ro=False, write_usr=False, write_rw=True, write_tmp=True,
                        home=str(home), write_home=True, cwd=str(rw), hidden=False, this_file=False,
                        root=allowed_in_root)
    assert (rw / "new.txt").read_text() == marker and (home / marker).read_text() == marker
    assert not (ro / "new.txt").exists() and not Path(f"/tmp/{marker}").exists()


@needs_bwrap
def test_an_inherited_pipe_works_inside():
    marker = uuid.uuid4().hex
    r, w = os.pipe()
    try:
        _run(f"import os; os.write({w}, b'{marker}')", pass_fds=(w,))
        os.close(w)
        w = -1
        with os.fdopen(r, "rb") as reader:
            r = -1
            assert reader.read() == marker.encode()
    finally:
        for fd in (r, w):
            if fd >= 0:
                os.close(fd)


def test_none_leaves_the_command_alone_and_never_probes(monkeypatch):
    monkeypatch.setattr(sandbox, "_probe", lambda: pytest.fail("probed"))
    assert sandbox.resolve("none") == Sandbox("none")
    cmd = ["python", "-c", "1"]
    assert sandbox.wrap(cmd, Sandbox("none"), Binds(workdir=Path("/x"))) == cmd


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="bogus"):
        sandbox.resolve("bogus")


def test_without_bwrap_auto_falls_back_and_bwrap_explains(monkeypatch, tmp_path, fresh_probe):
    monkeypatch.setenv("PATH", str(tmp_path))
    auto = sandbox.resolve("auto")
    assert auto.mode == "none" and "bubblewrap" in auto.note
    with pytest.raises(sandbox.SandboxError, match="apt install bubblewrap") as info:
        sandbox.resolve("bwrap")
    assert "--sandbox none" in str(info.value)


def test_without_user_namespaces_auto_falls_back_with_bwraps_words(monkeypatch, tmp_path, fresh_probe):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    auto = sandbox.resolve("auto")
    assert auto.mode == "none" and "user namespaces" in auto.note and "No permissions" in auto.note
    with pytest.raises(sandbox.SandboxError, match="--sandbox none"):
        sandbox.resolve("bwrap")


@needs_bwrap
def test_bwrap_is_used_when_it_works(fresh_probe):
    assert sandbox.resolve("auto") == sandbox.resolve("bwrap") == Sandbox("bwrap")
