"""Warm workers (grader.pool, grader.warm, grader.worker): a run forked by a worker grades as a plain
run does, and the parent still kills whatever a child starts, whatever the child does."""

import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from grader import catalog, pool, proctree, runner, sandbox, targets, warm

MODES = ["none"] + (["bwrap"] if sandbox.resolve("auto").mode == "bwrap" else [])
SQUARE = "return x**2"
EXP = "return np.exp(x)"
INDENT = "\n        "
pytestmark = pytest.mark.skipif(not pool.fork_is_safe(), reason="warm workers need Linux")


@pytest.fixture
def workers(monkeypatch):
    """A pool for the test's runs, and what each child of those runs was: forked (True) or plain."""
    monkeypatch.delenv(pool.ENV, raising=False)
    forked: list[bool] = []
    worker_pids: list[int] = []
    original = pool.Lease.child

    def spy(self, *args, **kwargs):
        child = original(self, *args, **kwargs)
        forked.append(child is not None)
        if child is not None:
            worker_pids.append(self.worker.proc.pid)
        return child

    monkeypatch.setattr(pool.Lease, "child", spy)
    with pool.serving(default=True) as opened:
        assert opened is not None
        opened.forked, opened.worker_pids = forked, worker_pids
        yield opened


def _run(target, step, mode, group="tests", **options):
    return runner.run_step(runner.RunOptions(targets.resolve(str(target), step), sandbox=mode, group=group,
                                             **options))


def _summary(result):
    return (result.score, result.max_score, result.flags, result.setup_error,
            [(t.nodeid, str(t.outcome), t.message, t.todo) for t in result.tests])


def _outcomes(result):
    return {t.name: str(t.outcome) for t in result.tests}


def _marked(marker):
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _has(int(e.name), marker)]


def _has(pid, marker):
    try:
        return marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _gone(marker, within=10.0):
    deadline = time.monotonic() + within
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _marked(marker) == []


@pytest.mark.parametrize("mode", MODES)
def test_a_warm_run_grades_as_a_plain_run(submission, mode):
    """Same outcomes, messages (Hypothesis's smallest inputs too), scores and flags, on both eras."""
    cases = [("solution", 4), ("skeleton", 9), ("solution", 18),  # 18: weakrefs, gc and peak memory
             (submission(4, {EXP: "return np.exp(x) * (1 + (x > 1.3) * 1e-3)"}), 4),
             (submission(24, {"return x0 * x1": "return x0 * x1 * 1.001"}, file="dezero/core_simple.py"), 24)]
    plain = [_summary(_run(target, step, mode)) for target, step in cases]
    with pool.serving(default=True) as workers:
        assert workers is not None
        forked = [_summary(_run(target, step, mode)) for target, step in cases]
    assert forked == plain
    assert plain[0][0] == plain[0][1] > 0 and plain[1][0] == 0 and plain[2][0] == plain[2][1] > 0
    assert 0 < plain[3][0] < plain[3][1] and 0 < plain[4][0] < plain[4][1]
    assert any("smallest failing input" in message for *_, message, _ in plain[3][4])


def test_the_runs_are_forked_by_one_worker(workers):
    for _ in range(2):
        assert _run("solution", 4, "none").all_passed
    assert workers.forked == [True, True] and len(set(workers.worker_pids)) == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_hanging_or_crashing_test_costs_only_itself(workers, submission, mode):
    folder = submission(4, {SQUARE: "while True:" + INDENT + "    pass",
                            EXP: "import os" + INDENT + "os._exit(7)"})
    result = _run(folder, 4, mode, test_timeout=1.5)
    got = _outcomes(result)
    assert got["test_numerical_diff_of_square_is_2x"] == "timeout"
    assert got["test_numerical_diff_of_exp_is_exp"] == "crashed"
    assert got["test_numerical_diff_is_central_and_uses_eps"] == "passed"
    crashed = next(t for t in result.tests if t.outcome == "crashed")
    assert "exit code 7" in crashed.message
    assert workers.forked and all(workers.forked)


@pytest.mark.parametrize("mode", MODES)
def test_what_a_child_starts_is_killed_even_after_setsid_or_fork(workers, submission, mode):
    marker = f"warm-escape-{uuid.uuid4().hex}"
    sleeper = f"[sys.executable, '-c', 'import time; time.sleep(120)', {marker!r}]"
    escape = (f"import os, subprocess, sys\nfor _new in (False, True):\n    subprocess.Popen({sleeper}, "
              "start_new_session=_new, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, "
              "stderr=subprocess.DEVNULL)\n"
              f"if os.fork() == 0:\n    os.setsid()\n    os.execv(sys.executable, {sleeper})\n")
    result = _run(submission(4, prepend=escape), 4, mode)
    assert result.score == result.max_score == 9
    assert workers.forked == [True]
    assert _gone(marker)


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGSTOP"])
def test_a_child_that_kills_or_stops_its_worker_costs_at_most_its_test(workers, submission, signal_name):
    # Once, and at the pid it checked: after the worker dies the child's parent is this test process.
    check = "b'grader.worker' in open(f'/proc/{_p}/cmdline', 'rb').read()"
    attack = ("import os, signal" + INDENT + "_p = os.getppid()" + INDENT
              + f"if not hasattr(os, '_hit') and {check}:"
              + INDENT + "    os._hit = 1" + INDENT + f"    os.kill(_p, signal.{signal_name})" + INDENT + EXP)
    start = time.monotonic()
    result = _run(submission(4, {EXP: attack}), 4, "none")
    assert time.monotonic() - start < 60
    got = _outcomes(result)
    assert got["test_numerical_diff_of_square_is_2x"] == "passed"
    assert got["test_numerical_diff_of_exp_is_exp"] in ("passed", "crashed")
    assert _run("solution", 4, "none").all_passed  # a new worker serves the next run
    assert all(workers.forked)


@pytest.mark.parametrize("mode", MODES)
def test_a_child_that_patches_numpy_or_the_plugin_cannot_affect_the_next_child(workers, submission, mode):
    poison = ("import sys, numpy\nnumpy.exp = lambda x, *a, **k: x\nnumpy.allclose = lambda *a, **k: True\n"
              "_v = sys.modules['grader.verdict']\n_v.classify = lambda *a, **k: ('passed', None, '')\n"
              "sys.modules['grader.plugin'].verdict = _v\n")
    poisoned = _run(submission(4, prepend=poison), 4, mode, group="one-submission", allow_flagged=True)
    assert poisoned.max_score == 9
    solution = _run("solution", 4, mode, group="one-submission")
    skeleton = _run("skeleton", 4, mode, group="one-submission")
    assert solution.score == solution.max_score == 9 and not solution.flags
    assert skeleton.score == 0 and {str(t.outcome) for t in skeleton.tests} == {"not_started"}
    assert workers.forked == [True, True, True] and len(set(workers.worker_pids)) == 1


def test_hypothesis_draws_the_same_examples_after_the_warm_copy_is_gone(tmp_path, monkeypatch):
    """Hypothesis seeds a derandomized test from its source: the worker keeps that source for good."""
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "test_step04_digest.py").write_text(textwrap.dedent("""
        import os
        from pathlib import Path
        from hypothesis import given, strategies as st
        from hypothesis.internal.reflection import function_digest

        @given(st.integers())
        def test_drawn(x):
            pass

        def test_digest():
            Path(os.environ["GRADER_TEST_DIGEST"]).write_text(function_digest(test_drawn.hypothesis.inner_test).hex())
    """))
    out = tmp_path / "digest"
    monkeypatch.setenv("GRADER_TEST_DIGEST", str(out))
    monkeypatch.delenv(pool.ENV, raising=False)
    assert _run("solution", 4, "none", hidden=hidden).all_passed
    digests = [out.read_text()]
    with pool.serving(default=True) as workers:
        for _ in range(2):
            assert _run("solution", 4, "none", hidden=hidden).all_passed
            digests.append(out.read_text())
            for copy in workers.dir.glob("*/ro/warm"):
                subprocess.run(["rm", "-rf", str(copy)], check=True)
    assert digests[0] == digests[1] == digests[2]


def test_no_test_file_loads_code_under_test_when_it_is_imported(tmp_path):
    """The worker imports every step's tests (as the trusted collection does) and is still clean."""
    from grader import worker

    steps = catalog.available_steps()
    root = tmp_path / "tests"
    files = {}
    for step in steps:
        rel = catalog.test_file(step).relative_to(catalog.REPO).as_posix()
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(catalog.test_file(step).read_bytes())
        files[step] = {rel: __import__("hashlib").sha256((root / rel).read_bytes()).hexdigest()}
    (tmp_path / "boot").mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    box = sandbox.Sandbox("none")
    one = warm.Worker(box, sandbox.Binds(workdir=tmp_path), pool.child_env(tmp_path), tmp_path / "boot",
                      tmp_path / "pytest.ini", tmp_path / "worker.log")
    try:
        for step in steps:
            one.warm(root, tmp_path / "pytest.ini", step, files[step])
        assert one.proc.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
    finally:
        one.close()
    assert worker.TARGET_MODULE.match("dezero.core") and worker.TARGET_MODULE.match("step07")


def test_a_worker_that_cannot_serve_leaves_the_run_to_a_plain_child(workers, monkeypatch):
    def refuse(self, key):
        raise warm.WorkerError("no worker today")

    monkeypatch.setattr(pool.Pool, "acquire", refuse)
    assert _run("solution", 4, "none").all_passed
    assert workers.forked == [False]


def test_the_switch_forces_plain_children(monkeypatch):
    monkeypatch.setenv(pool.ENV, "0")
    with pool.serving(default=True) as opened:
        assert opened is None
    monkeypatch.setenv(pool.ENV, "1")
    assert pool.enabled(default=False)
    monkeypatch.delenv(pool.ENV)
    assert pool.enabled(default=True) and not pool.enabled(default=False)


@pytest.mark.parametrize("mode", MODES)
def test_the_worker_dies_with_the_command(submission, mode):
    marker = f"warm-orphan-{uuid.uuid4().hex}"
    hang = ("import subprocess, sys" + INDENT + "subprocess.Popen([sys.executable, '-c', "
            f"'import time; time.sleep(120)', {marker!r}])" + INDENT + "while True:" + INDENT + "    pass")
    env = dict(os.environ, **{pool.ENV: "1"})
    folder = submission(4, {SQUARE: hang})
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", "4", "--target", str(folder),
                             "--timeout", "60", "--sandbox", mode], cwd=catalog.REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked(marker), "the hanging test never started"
    below = proctree.descendants(proc.pid)
    assert any(_has(pid, "grader.worker") for pid in below)
    proc.kill()
    proc.wait()
    assert _gone(marker)
    deadline = time.monotonic() + 10
    while [pid for pid in below if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in below if _alive(pid)] == []


def _alive(pid):
    try:
        os.waitpid(pid, os.WNOHANG)  # reaped here if it came to this process (a subreaper)
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_no_worker_is_left_after_the_pool_closes(monkeypatch):
    monkeypatch.delenv(pool.ENV, raising=False)
    with pool.serving(default=True):
        assert _run("solution", 4, "none").all_passed
        workers = [pid for pid in proctree.descendants(os.getpid()) if _has(pid, "grader.worker")]
        assert workers
    assert not [pid for pid in workers if _alive(pid)]
