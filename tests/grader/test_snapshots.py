"""solutions/ is the one source: each step stores what it changes, and full steps are overlays."""

import subprocess
import sys

import pytest

from grader import catalog
from grader.instructor import snapshots


def test_no_stored_file_repeats_the_previous_step():
    assert snapshots.repeated_files() == []


def test_a_repeated_file_is_found(tmp_path, monkeypatch):
    for step, text in ((23, "x = 1\n"), (24, "x = 1\n"), (25, "x = 2\n")):
        (tmp_path / f"step{step}" / "dezero").mkdir(parents=True)
        (tmp_path / f"step{step}" / "dezero" / "core.py").write_text(text)
    monkeypatch.setattr(catalog, "SOLUTIONS_DIR", tmp_path)
    monkeypatch.setattr(catalog, "REPO", tmp_path)
    assert snapshots.solution_steps() == [23, 24, 25]
    assert snapshots.repeated_files() == ["step24/dezero/core.py repeats step 23's file: delete it"]


def test_package_files_carry_over_and_scripts_do_not():
    step24 = snapshots.files(24)
    assert step24["dezero/core_simple.py"] == snapshots.stored(23) / "dezero" / "core_simple.py"
    assert "step24.py" in step24 and "step23.py" not in step24


def test_removed_files_leave_the_snapshot():
    assert snapshots.removed(32) == ["dezero/core_simple.py"]
    assert "dezero/core_simple.py" in snapshots.files(31)
    assert "dezero/core_simple.py" not in snapshots.files(32)
    assert "dezero/core_simple.py" not in snapshots.files(60)


def test_data_files_live_once():
    stored = [p for p in catalog.SOLUTIONS_DIR.rglob("digits.csv.gz")]
    assert len(stored) == 1
    assert snapshots.files(60)["dezero/data/digits.csv.gz"] == stored[0]


def test_show_writes_the_full_snapshot(tmp_path):
    dest = tmp_path / "step57"
    proc = subprocess.run([sys.executable, "-m", "grader", "show", "57", str(dest)],
                          capture_output=True, text=True, cwd=catalog.REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert written == sorted(snapshots.files(57))
    assert (dest / "dezero" / "functions_conv.py").read_bytes() == \
        snapshots.files(57)["dezero/functions_conv.py"].read_bytes()
    again = subprocess.run([sys.executable, "-m", "grader", "show", "57", str(dest)],
                           capture_output=True, text=True, cwd=catalog.REPO, timeout=60)
    assert again.returncode == 2 and "not an empty folder" in again.stderr


@pytest.mark.parametrize("step, changed", [(32, "step32/dezero/core.py"),
                                           (57, "step57/dezero/functions_conv.py")])
def test_diff_shows_what_a_step_changes(step, changed):
    proc = subprocess.run([sys.executable, "-m", "grader", "diff", str(step)],
                          capture_output=True, text=True, cwd=catalog.REPO, timeout=60)
    assert proc.returncode == 0
    assert changed in proc.stdout
    assert "dezero/optimizers.py" not in proc.stdout  # unchanged files stay out
