"""Edited tests and code that touches the test machinery do not earn points."""

import shutil
import subprocess
import sys

from grader import catalog, guard


def test_scan_flags_imports_and_patches():
    source = "import pytest\nfrom hypothesis import given\nimport sys\nsys.modules['x'] = 1\n" \
             "__builtins__['len'] = 2\nimportlib.import_module('grader.checks')\nimport numpy\n"
    found = guard.scan_source(source, "step07.py")
    assert found == ["step07.py:1: imports pytest", "step07.py:2: imports hypothesis",
                     "step07.py:4: uses sys.modules", "step07.py:5: uses __builtins__",
                     "step07.py:6: imports grader.checks"]


def test_flagged_submission_scores_zero_unless_allowed(grade, submission):
    folder = submission(4, prepend="import pytest  # noqa\n")
    proc, report = grade(4, folder)
    assert report["score"] == 0 and {t["outcome"] for t in report["tests"]} == {"invalid"}
    assert "imports pytest" in report["tests"][0]["output"]
    proc, report = grade(4, folder, "--allow-flagged")
    assert report["score"] == report["max_score"] > 0
    assert report["flags"] == ["step04.py:1: imports pytest"]


def test_edited_visible_test_makes_the_run_invalid(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(catalog.REPO, copy, ignore=shutil.ignore_patterns(".git", ".venv", ".nox", "__pycache__"))
    test_file = copy / "steps" / "step04" / "test_step04.py"
    test_file.write_text(test_file.read_text() + "\n# made easier\n")
    proc = subprocess.run([sys.executable, "-m", "grader", "grade", "4", "--json", str(tmp_path / "r.json")],
                          cwd=copy, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1, proc.stderr
    assert "steps/step04/test_step04.py was edited" in proc.stdout
    assert "VOID" in proc.stdout


def test_manifest_is_in_step_with_the_tests():
    assert guard.stale_manifest() == [], "run python -m grader skeletons --write"
