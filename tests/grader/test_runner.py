"""The runner keeps grading when student code breaks: one submission per failure mode (step 04),
with plain test processes and with processes forked by a warm worker."""

import time

import pytest

from grader import pool

SQUARE = "return x**2"
EXP = "return np.exp(x)"
INDENT = "\n        "


@pytest.fixture(params=["plain", "warm"] if pool.fork_is_safe() else ["plain"])
def grading_path(request):
    return request.param


def outcomes(report):
    return {t["test_id"].rsplit("::", 1)[1]: t["outcome"] for t in report["tests"]}


def test_solution_scores_full_marks(grade):
    proc, report = grade(4, "solution")
    assert proc.returncode == 0, proc.stdout
    assert report["score"] == report["max_score"] > 0
    assert {t["status"] for t in report["tests"]} == {"passed"}


def test_syntax_error_names_file_and_line(grade, submission):
    proc, report = grade(4, submission(4, prepend="def broken(:\n"))
    assert proc.returncode == 1
    assert report["score"] == 0
    assert {t["outcome"] for t in report["tests"]} == {"error"}
    assert "SyntaxError in step04.py, line 1" in report["tests"][0]["output"]
    assert "Traceback" not in proc.stdout


def test_hanging_function_times_out_alone(grade, submission):
    proc, report = grade(4, submission(4, {SQUARE: "while True:" + INDENT + "    pass"}), "--timeout", "1.5")
    assert proc.returncode == 1
    got = outcomes(report)
    assert got["test_numerical_diff_of_square_is_2x"] == "timeout"
    assert got["test_numerical_diff_of_exp_is_exp"] == "passed"
    assert got["test_numerical_diff_is_central_and_uses_eps"] == "passed"
    timed_out = [t for t in report["tests"] if t["outcome"] == "timeout"]
    assert all("timed out after 1.5 s" in t["output"] for t in timed_out)


def test_raising_function_shows_type_message_and_student_line(grade, submission):
    proc, report = grade(4, submission(4, {EXP: 'raise ValueError("boom")'}))
    test = next(t for t in report["tests"] if t["test_id"].endswith("exp_is_exp"))
    assert test["outcome"] == "failed"
    assert "ValueError: boom" in test["output"]
    assert "at step04.py:" in test["output"] and "in forward" in test["output"]
    assert "grader/" not in test["output"]


def test_sys_exit_at_import_fails_every_test(grade, submission):
    proc, report = grade(4, submission(4, prepend="import sys\nsys.exit(3)\n"))
    assert proc.returncode == 1 and report["score"] == 0
    assert all("sys.exit(3)" in t["output"] for t in report["tests"])


def test_os_exit_in_a_test_loses_only_that_test(grade, submission):
    proc, report = grade(4, submission(4, {EXP: "import os" + INDENT + "os._exit(7)"}))
    got = outcomes(report)
    assert got["test_numerical_diff_of_exp_is_exp"] == "crashed"
    assert got["test_numerical_diff_of_square_is_2x"] == "passed"
    assert got["test_numerical_diff_is_central_and_uses_eps"] == "passed"
    crashed = next(t for t in report["tests"] if t["outcome"] == "crashed")
    assert "exit code 7" in crashed["output"]


def test_hang_at_import_is_detected_once(grade, submission):
    start = time.monotonic()
    proc, report = grade(4, submission(4, prepend="while True:\n    pass\n"), "--timeout", "1.5")
    assert time.monotonic() - start < 15
    assert {t["outcome"] for t in report["tests"]} == {"timeout"}
    assert "importing the code did not finish" in report["tests"][0]["output"]


def test_skeleton_reports_not_started_with_hints(grade):
    proc, report = grade(4, "skeleton", "--lang", "ko")
    assert proc.returncode == 1 and report["score"] == 0
    assert {t["outcome"] for t in report["tests"]} == {"not_started"}
    assert all(t["todo"] and "hint: " in t["output"] for t in report["tests"])


def test_the_child_gets_one_blas_thread_unless_told_otherwise(monkeypatch, tmp_path):
    """A spinning second BLAS thread slowed VGG16 3x on a busy machine; a caller's setting wins."""
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    env = pool.child_env(tmp_path)
    assert (env["OPENBLAS_NUM_THREADS"], env["MKL_NUM_THREADS"], env["OMP_NUM_THREADS"]) == ("1", "1", "4")
