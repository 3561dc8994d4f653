"""Helpers for the grader's own tests: run the grader CLI on a submission made from a solution."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import catalog, pool
from grader.instructor import snapshots


@pytest.fixture
def grading_path():
    """How `grade` starts test processes: "plain" (a fresh interpreter each) or "warm" (forked by a
    warm worker, grader.pool). A test module that must hold both ways overrides this fixture with
    `params=["plain", "warm"]` (where pool.fork_is_safe())."""
    return "plain"


@pytest.fixture
def path_env(grading_path):
    """The environment that makes `python -m grader grade` start its test processes that way."""
    return dict(os.environ, **{pool.ENV: "1" if grading_path == "warm" else "0"})


@pytest.fixture
def grade(tmp_path, path_env):
    """grade(step, target, *cli_args) → (CompletedProcess, JSON report or None)."""

    def run(step, target, *args, timeout=120):
        out = tmp_path / "result.json"
        out.unlink(missing_ok=True)
        proc = subprocess.run(
            [sys.executable, "-m", "grader", "grade", str(step), "--target", str(target),
             "--json", str(out), *args],
            capture_output=True, text=True, timeout=timeout, cwd=catalog.REPO, env=path_env,
        )
        return proc, (json.loads(out.read_text()) if out.exists() else None)

    return run


@pytest.fixture
def submission(tmp_path):
    """submission(step, {old: new}, file=...) → a folder holding the solution with textual edits
    (in stepNN.py unless another file of the step, such as dezero/core.py, is named)."""

    def make(step, edits=None, prepend="", file=None):
        dest = snapshots.materialise(step, tmp_path / catalog.step_name(step))
        path = dest / (file or f"{catalog.step_name(step)}.py")
        text = path.read_text()
        for old, new in (edits or {}).items():
            assert old in text, f"edit target not found: {old!r}"
            text = text.replace(old, new, 1)
        path.write_text(prepend + text)
        return dest

    return make


@pytest.fixture
def chromium():
    """chromium(page, work, *args) → the CompletedProcess of Debian's headless Chromium opening the
    page (its profile and HOME in work); skips the test where Chromium is not installed."""
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")

    def run(page: Path, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               f"--user-data-dir={work / 'profile'}", *args, page.as_uri()]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=work,
                              env={**os.environ, "HOME": str(work)})

    return run
