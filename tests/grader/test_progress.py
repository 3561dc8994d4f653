"""The local progress store, the 60-step table, watch (its diff and a real run) and the notebook scorecard."""

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

from grader import catalog, progress
from grader.notebook import Scorecard
from grader.results import StepResult, TestResult, TodoFeedback


def _result(step, outcomes):
    tests = [TestResult(f"id{i}", f"test_{i}", f"check {i}", 2, outcome=o) for i, o in enumerate(outcomes)]
    return StepResult(step, "a title", "student", "steps/x", tests)


def test_store_survives_a_torn_line_and_keeps_the_last_run(tmp_path):
    store = tmp_path / "history.jsonl"
    progress.record(_result(4, ["failed", "passed"]), store)
    progress.record(_result(4, ["passed", "passed"]), store)
    with open(store, "a") as f:
        f.write('{"step": 7, "targ')  # an interrupted write
    runs = progress.latest(store)
    assert list(runs) == [4] and runs[4]["passed"] and runs[4]["score"] == 4


def test_table_shows_passed_partial_and_not_started(tmp_path):
    store = tmp_path / "history.jsonl"
    progress.record(_result(1, ["passed"]), store)
    progress.record(_result(2, ["passed", "failed"]), store)
    progress.record(_result(3, ["not_started"]), store)
    rows = progress.table(store).splitlines()
    assert "passed 2/2" in rows[1] and "partial 2/4" in rows[2] and "not started 0/2" in rows[3]
    assert len(rows) == 62 and rows[-1] == "1 of 60 steps passed"


def test_changes_lists_only_what_moved():
    before = {"tests": {"test_0": "failed", "test_1": "passed"}}
    assert progress.changes(before, _result(4, ["passed", "passed"])) == ["test_0: failed -> passed"]


def test_notebook_scorecard_is_html_and_text():
    card = Scorecard(_result(23, ["passed", "failed"]))
    page = card._repr_html_()
    assert "Step 23" in page and "Score: 2/4" in page and "1 of 2 tests passed" in page
    assert "PASS" in page and "FAIL" in page and "text-align:left" in page and "Next:" in page
    assert "Score: 2/4" in repr(card)
    korean = Scorecard(_result(23, ["passed", "failed"]), "ko")._repr_html_()
    assert "점수: 2/4" in korean and "통과" in korean and "실패" in korean


def test_the_hint_ladder_climbs_only_when_the_block_changes(tmp_path):
    store = tmp_path / "history.jsonl"

    def grade(state, block):
        levels = progress.ladder_levels(4, {"step04.2": (state, block)}, store)
        result = _result(4, ["failed" if state == "failing" else "passed"])
        result.todos = [TodoFeedback("step04.2", state, levels.get("step04.2", 0), "", [], block)]
        progress.record(result, store)
        return levels.get("step04.2")

    assert grade("failing", "a") == 1  # the first failing grade: a nudge
    assert grade("failing", "a") == 1  # saved again, block unchanged: no climb
    assert grade("failing", "b") == 2
    assert grade("failing", "c") == 3
    assert grade("failing", "d") == 3  # three levels at most
    grade("passed", "e")
    assert grade("failing", "f") == 1  # a pass starts over


def _lines_until(lines: queue.Queue, marker: str, timeout: float = 60) -> list[str]:
    """The lines watch prints up to and including the first that contains marker."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"no line with {marker!r} within {timeout} s; watch printed:\n{''.join(seen)}")


def test_watch_grades_again_after_a_save_and_shows_only_what_changed(tmp_path):
    folder = tmp_path / "step01"
    shutil.copytree(catalog.step_dir(1), folder)  # the skeleton: nothing passes yet
    command = [sys.executable, "-m", "grader", "grade", "1", "--target", str(folder), "--watch"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=catalog.REPO)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        assert any("Score: 0/" in line for line in _lines_until(lines, "Score:"))
        shutil.copy(catalog.SOLUTIONS_DIR / "step01" / "step01.py", folder / "step01.py")  # the student saves
        update = _lines_until(lines, "score ")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert any("-> passed" in line for line in update) and update[-1].startswith("score 3/3")
    assert not any("hint:" in line for line in update)  # a change list, not a second scorecard
