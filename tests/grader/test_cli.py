"""Bad input to the command line: clear messages and exit status 2."""

import subprocess
import sys

import pytest

from grader import catalog


def run(*args):
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True,
                          text=True, cwd=catalog.REPO, timeout=60)


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


def test_describe_steps_compresses_runs():
    assert catalog.describe_steps([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8"
