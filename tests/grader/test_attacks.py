"""A hostile submission, attack by attack: the parent decides every score, whatever the child does.

Each attack is a step 04 solution with a few lines of hostile code, graded without the sandbox
(the weakest mode) and, where the sandbox changes the outcome, with it too; and each with plain
test processes and with processes forked by a warm worker (grader.pool).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from grader import catalog, pool, sandbox

SANDBOXES = ["none"] + (["bwrap"] if sandbox.resolve("auto").mode == "bwrap" else [])
FD = 'import os, sys, json\n_fd = int(sys.argv[sys.argv.index("--grader-fd") + 1])\n'
SQUARE = "return x**2"
INDENT = "\n        "


@pytest.fixture(params=["plain", "warm"] if pool.fork_is_safe() else ["plain"])
def grading_path(request):
    return request.param


def _send(payload: str) -> str:
    return f"os.write(_fd, {payload!r}.encode())\n"


def _tampered(report, max_score=9):
    assert report["max_score"] == max_score  # the maximum never depends on the submission
    assert report["score"] == 0
    assert any(f.startswith("tampered") for f in report["flags"]), report["flags"]


def test_forged_results_for_an_unknown_test_mark_the_run_tampered(grade, submission):
    forged = (FD + _send(json.dumps({"event": "start", "nodeid": "steps/step04/test_step04.py::test_bonus"})
                         + "\n")
              + _send(json.dumps({"event": "result", "nodeid": "steps/step04/test_step04.py::test_bonus",
                                  "outcome": "passed", "message": "", "todo": None, "duration": 0}) + "\n"))
    proc, report = grade(4, submission(4, prepend=forged), "--sandbox", "none")
    assert proc.returncode == 1
    _tampered(report)


@pytest.mark.parametrize("line", ["not json\n", "x" * 70_000, '{"event": "collected", "tests": []}\n'])
def test_malformed_or_oversized_lines_mark_the_run_tampered(grade, submission, line):
    proc, report = grade(4, submission(4, prepend=FD + _send(line)), "--sandbox", "none")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    _tampered(report)


def test_a_second_result_for_the_running_test_marks_the_run_tampered(grade, submission):
    second = ("import os, sys, json" + INDENT + '_fd = int(sys.argv[sys.argv.index("--grader-fd") + 1])'
              + INDENT + 'node = os.environ["PYTEST_CURRENT_TEST"].split(" ")[0]'
              + INDENT + "os.write(_fd, (json.dumps({'event': 'result', 'nodeid': node, 'outcome': 'passed', "
              "'message': '', 'todo': None, 'duration': 0}) + '\\n').encode())" + INDENT + SQUARE)
    proc, report = grade(4, submission(4, {SQUARE: second}), "--sandbox", "none")
    _tampered(report)


def test_closing_the_event_pipe_fails_the_tests_in_bounded_time(grade, submission):
    start = time.monotonic()
    proc, report = grade(4, submission(4, prepend=FD + "os.close(_fd)\n"), "--sandbox", "none")
    assert time.monotonic() - start < 60
    assert proc.returncode == 1 and report["score"] == 0 and report["max_score"] == 9


def test_a_skip_from_the_code_under_test_is_a_failure(grade, submission):
    skip = 'getattr(__import__("py" + "test"), "skip")("not today")' + INDENT + SQUARE
    proc, report = grade(4, submission(4, {SQUARE: skip}), "--sandbox", "none")
    assert report["max_score"] == 9 and report["score"] < 9
    skipped = [t for t in report["tests"] if "skipped" in t["output"]]
    assert skipped and all(t["outcome"] == "failed" for t in skipped)
    assert not any(t["outcome"] == "not_applicable" for t in report["tests"])


def test_patching_numpy_comparisons_is_caught_at_run_time(grade, submission):
    patch = "import numpy\nnumpy.allclose = lambda *a, **k: True\n"
    proc, report = grade(4, submission(4, prepend=patch), "--sandbox", "none")
    assert report["score"] == 0 and report["max_score"] == 9
    assert any("replaced np.allclose" in f for f in report["flags"])


def test_code_that_rewrites_itself_is_scanned_before_and_hashed_after(grade, submission):
    rewrite = ("try:\n    open(__file__, 'a').write('\\nimport pytest\\n')\nexcept OSError:\n    pass\n")
    proc, report = grade(4, submission(4, prepend=rewrite), "--sandbox", "none")
    assert report["score"] == 0
    assert any("the code changed while it was graded: step04.py" in f for f in report["flags"])


def test_hidden_imports_in_other_files_and_encodings_are_flagged(grade, submission):
    folder = submission(24)
    (folder / "dezero" / "helper.py").write_text("import pytest\n")
    (folder / "dezero" / "quiet.py").write_bytes(b"# -*- coding: utf-7 -*-\n+AGk-mport hypothesis\n")
    (folder / "dezero" / "blob.pyc").write_bytes(b"\x00" * 16)
    proc, report = grade(24, folder, "--sandbox", "none")
    assert report["score"] == 0
    flags = " ".join(report["flags"])
    assert "dezero/helper.py:1: imports pytest" in flags
    assert "dezero/quiet.py:2: imports hypothesis" in flags
    assert "dezero/blob.pyc: a compiled file" in flags


@pytest.mark.parametrize("mode", SANDBOXES)
def test_deleting_the_scratch_folder_is_a_failure_not_a_crash(grade, submission, mode):
    wipe = "import os, shutil\nshutil.rmtree(os.path.dirname(os.getcwd()), ignore_errors=True)\n"
    proc, report = grade(4, submission(4, prepend=wipe), "--sandbox", mode)
    assert proc.returncode in (0, 1) and report is not None, proc.stderr
    assert report["max_score"] == 9
    if mode == "none":
        assert proc.returncode == 1 and report["score"] == 0 and report["flags"]


def _alive(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("mode", SANDBOXES)
def test_a_setsid_escape_is_killed(grade, submission, mode):
    marker = f"escape-{uuid.uuid4().hex}"
    escape = ("import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
              f"'import time; time.sleep(120)', {marker!r}], start_new_session=True, "
              "stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n")
    proc, report = grade(4, submission(4, prepend=escape), "--sandbox", mode)
    assert report["score"] == report["max_score"] == 9
    deadline = time.monotonic() + 5
    while _alive(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(marker) == []


def test_ctrl_c_during_a_hanging_test_leaves_no_process(tmp_path, submission, path_env):
    marker = f"ctrlc-{uuid.uuid4().hex}"
    hang = ("import subprocess, sys" + INDENT + "subprocess.Popen([sys.executable, '-c', "
            f"'import time; time.sleep(120)', {marker!r}])" + INDENT + "while True:" + INDENT + "    pass")
    folder = submission(4, {SQUARE: hang})
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", "4", "--target", str(folder),
                             "--timeout", "60", "--sandbox", "none"], cwd=catalog.REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=path_env)
    deadline = time.monotonic() + 60
    while not _alive(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(marker), "the hanging test never started"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    time.sleep(0.3)
    assert _alive(marker) == []


def test_internal_errors_exit_3_and_save_the_traceback(monkeypatch, capsys):
    from grader import cli, runner

    def broken(opts):
        raise RuntimeError("a bug in the grader")

    monkeypatch.setattr(runner, "run_step", broken)
    assert cli.main(["grade", "4", "--target", "solution"]) == 3
    err = capsys.readouterr().err
    path = err.rsplit(" ", 1)[-1].strip()
    assert "internal error" in err and "a bug in the grader" in Path(path).read_text()
    os.unlink(path)


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    """A plain copy of the repository (no .git): the grader works there as in a clone."""
    copy = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(catalog.REPO, copy, ignore=shutil.ignore_patterns(".git", ".venv", ".nox", "__pycache__",
                                                                      ".grader"))
    return copy


def _in_copy(copy, *args, timeout=120):
    return subprocess.run([sys.executable, *args], cwd=copy, capture_output=True, text=True, timeout=timeout,
                          env={"PYTHONPATH": str(copy), "PATH": os.environ["PATH"]})


def test_an_edited_test_restored_at_import_is_still_caught(course_copy):
    test_file = course_copy / "steps" / "step04" / "test_step04.py"
    pristine = test_file.read_text()
    test_file.write_text(pristine + "\n# made easier\n")
    student = course_copy / "steps" / "step04" / "step04.py"
    student.write_text(f"from pathlib import Path\nPath({str(test_file)!r}).write_text({pristine!r})\n"
                       + student.read_text())
    proc = _in_copy(course_copy, "-m", "grader", "grade", "4", "--sandbox", "none")
    assert proc.returncode == 1 and "test_step04.py was edited" in proc.stdout, proc.stdout[-2000:]


def test_a_submission_cannot_change_the_tests_of_the_next_one(course_copy, tmp_path, grading_path):
    """In one process (as in a batch, warm workers or not), the first submission rewrites the
    instructor's test file; the second, the unsolved skeleton, is still graded with the real tests."""
    test_file = course_copy / "steps" / "step01" / "test_step01.py"
    first = tmp_path / "first"
    _in_copy(course_copy, "-m", "grader", "show", "1", str(first))
    free = "def test_free():\\n    pass\\n"
    rewrite = f"from pathlib import Path\nPath({str(test_file)!r}).write_text('{free}')\n"
    (first / "step01.py").write_text(rewrite + (first / "step01.py").read_text())
    script = ("import sys\nfrom pathlib import Path\nfrom grader import pool, runner, targets\n"
              "with pool.serving(default=sys.argv[2] == 'warm'):\n"
              "    submission = targets.resolve(sys.argv[1], 1)\n"
              "    first = runner.run_step(runner.RunOptions(submission, sandbox='none'))\n"
              "    skeleton = targets.Target('skeleton', 1, Path())\n"
              "    second = runner.run_step(runner.RunOptions(skeleton, sandbox='none'))\n"
              "print(first.score, first.max_score, second.score, second.max_score)\n")
    pristine = test_file.read_bytes()
    try:
        proc = _in_copy(course_copy, "-c", script, str(first), grading_path)
    finally:
        test_file.write_bytes(pristine)  # the copy serves the module's other tests
    scores = [float(x) for x in proc.stdout.split()]
    assert scores[0] == scores[1] > 0, proc.stderr
    assert scores[2] < scores[3] == scores[1], "the second run used the rewritten test file"


def test_auto_without_bubblewrap_grades_and_says_so(tmp_path):
    out = tmp_path / "r.json"
    env = {"PATH": str(tmp_path), "PYTHONPATH": str(catalog.REPO)}  # no bwrap on this PATH
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", "4", "--target", "solution", "--json",
                           str(out)], cwd=catalog.REPO, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(out.read_text())
    assert proc.returncode == 0 and report["score"] == report["max_score"] == 9
    assert any("bubblewrap" in note for note in report["notes"])
    refused = subprocess.run([sys.executable, "-m", "grader", "grade", "4", "--sandbox", "bwrap"],
                             cwd=catalog.REPO, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "apt install bubblewrap" in refused.stderr
