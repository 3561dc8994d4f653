"""More failure modes: memory, recursion, import errors, floods, stray processes, the clock."""

import os
import time
import uuid
from pathlib import Path

import pytest

SQUARE = "return x**2"
EXP = "return np.exp(x)"
INDENT = "\n        "


def outcome_of(report, name):
    return next(t for t in report["tests"] if t["test_id"].endswith(name))


def test_memory_bomb_fails_only_its_test(grade, submission):
    bomb = "hog = []" + INDENT + "while True:" + INDENT + "    hog.append(bytearray(10**7))"
    proc, report = grade(4, submission(4, {EXP: bomb}), "--memory", "600")
    test = outcome_of(report, "exp_is_exp")
    assert test["outcome"] in ("failed", "crashed")
    assert "MemoryError" in test["output"] or "died" in test["output"]
    assert outcome_of(report, "square_is_2x")["outcome"] == "passed"


def test_unbounded_recursion_is_a_clear_failure(grade, submission):
    proc, report = grade(4, submission(4, {EXP: "return self.forward(x)"}))
    test = outcome_of(report, "exp_is_exp")
    assert test["outcome"] == "failed" and "RecursionError" in test["output"]


def test_exception_at_import_names_type_and_line(grade, submission):
    proc, report = grade(4, submission(4, prepend='raise RuntimeError("not today")\n'))
    assert proc.returncode == 1
    assert {t["outcome"] for t in report["tests"]} == {"error"}
    output = report["tests"][0]["output"]
    assert "RuntimeError: not today" in output and "step04.py:1" in output


def test_flood_of_output_is_cut_and_grading_goes_on(grade, submission):
    flood = "import sys\nfor i in range(5 * 10**5):\n    print('flood', i)\n    print(i, file=sys.stderr)\n"
    proc, report = grade(4, submission(4, prepend=flood), "--timeout", "30")
    assert report["score"] == report["max_score"] > 0
    assert len(proc.stdout) < 20_000
    assert all(len(t["output"]) < 3000 for t in report["tests"])


def test_processes_left_running_are_stopped(grade, submission):
    marker = f"stray-{uuid.uuid4().hex}"  # its own marker: other runs may be grading beside this one
    spawn = ("import subprocess, sys" + INDENT + "subprocess.Popen([sys.executable, '-c', "
             f"'import time; time.sleep(313)', {marker!r}])" + INDENT + SQUARE)
    grade(4, submission(4, {SQUARE: spawn}))
    time.sleep(0.2)
    stray = [p for p in Path("/proc").iterdir() if p.name.isdigit() and marker in _cmdline(p)]
    assert stray == []


def _cmdline(proc_dir):
    try:
        return (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


@pytest.mark.parametrize("step, file", [(1, None), (7, None), (24, "dezero/core_simple.py"),
                                        (33, "dezero/core.py")])
def test_all_hanging_submission_finishes_within_the_bound(grade, submission, step, file):
    hang = "while True:" + INDENT + "    pass"
    start = time.monotonic()
    grade(step, "solution")
    baseline = time.monotonic() - start  # what starting Python and pytest costs on this machine now
    start = time.monotonic()
    proc, report = grade(step, submission(step, {"self.data = data": hang}, file=file), "--timeout", "1")
    elapsed = time.monotonic() - start
    assert {t["outcome"] for t in report["tests"]} == {"timeout"}
    # Each hanging test costs its timeout and one restart, and a restart costs about what grading
    # the solution costs (a fresh Python and pytest); twice that leaves room for a loaded machine.
    assert elapsed < 2 * (baseline + len(report["tests"]) * (1 + baseline))


def test_no_hypothesis_database_in_the_students_folder(grade, submission):
    folder = submission(4)
    grade(4, folder)
    assert not (folder / ".hypothesis").exists()
    assert os.listdir(folder) == ["step04.py"] or set(os.listdir(folder)) <= {"step04.py", "__pycache__"}


def test_a_declared_slow_test_gets_its_own_timeout(tmp_path, grade):
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "test_step04_slow.py").write_text(
        "import time\nimport pytest\n\n\n"
        "@pytest.mark.grade(points=1, timeout=6)\ndef test_slow(dz):\n    time.sleep(2)\n\n\n"
        "@pytest.mark.grade(points=1)\ndef test_too_slow(dz):\n    time.sleep(2)\n")
    proc, report = grade(4, "solution", "--hidden", str(hidden), "--timeout", "1")
    assert outcome_of(report, "test_slow")["outcome"] == "passed"
    assert outcome_of(report, "test_too_slow")["outcome"] == "timeout"
