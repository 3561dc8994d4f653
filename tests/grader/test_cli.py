"""Bad input to the command line: clear messages and exit status 2."""

import os
import subprocess
import sys

import pytest

from grader import catalog


def run(*args, lang="C.UTF-8"):
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True,
                          text=True, cwd=catalog.REPO, timeout=60, env={**env, "LANG": lang})


@pytest.mark.parametrize("step", ["99", "0", "abc"])
def test_unknown_step_names_the_available_ones(step):
    proc = run("grade", step)
    assert proc.returncode == 2
    assert "available" in proc.stderr
    assert catalog.describe_steps(catalog.available_steps()) in proc.stderr


def test_missing_target_folder_is_a_usage_error():
    proc = run("grade", "4", "--target", "/no/such/folder")
    assert proc.returncode == 2
    assert "neither" in proc.stderr and "folder" in proc.stderr


@pytest.mark.parametrize(("args", "lang", "korean"), [
    (("grade", "99", "--lang", "ko"), "C.UTF-8", "오류: 99단계는 없습니다. 과정은 1–60단계입니다"),
    (("grade", "abc"), "ko_KR.UTF-8", "오류: 'abc'은(는) 단계 번호가 아닙니다. 있는 단계:"),
    (("grade", "4", "--target", "/no/such/folder", "--lang", "ko"), "C.UTF-8",
     "오류: --target '/no/such/folder'은(는) student, solution, reference, skeleton 중 어느 것도 아니고"),
    (("grade", "4", "--timeout", "0"), "ko_KR.UTF-8", "오류: --timeout은(는) 양수여야 합니다(받은 값: 0.0)"),
])
def test_usage_errors_speak_the_students_language(args, lang, korean):
    """--lang ko, or a Korean locale, gives the error in Korean; the English stays the default."""
    proc = run(*args, lang=lang)
    assert proc.returncode == 2
    assert korean in proc.stderr, proc.stderr
    assert "error:" not in proc.stderr


def test_describe_steps_compresses_runs():
    assert catalog.describe_steps([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8"


def test_a_folder_laid_out_like_steps_grades_its_step_folder(grade, submission, tmp_path):
    course = tmp_path / "my-course"
    course.mkdir()
    submission(4).rename(course / "step04")
    proc, report = grade(4, course)
    assert proc.returncode == 0, proc.stdout
    assert report["score"] == report["max_score"] > 0
    assert str(course / "step04") in proc.stdout.splitlines()[0]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_missing_script_is_named_without_the_private_copy_path(grade, tmp_path, lang):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc, report = grade(4, empty, "--lang", lang)
    assert proc.returncode == 1 and report["score"] == 0
    assert "step04.py" in proc.stdout and "grader-" not in proc.stdout
    assert ("graded folder" if lang == "en" else "채점하는 폴더") in proc.stdout
