"""The local progress store, the 60-step table, watch's diff and the notebook scorecard."""

from grader import progress
from grader.notebook import Scorecard
from grader.results import StepResult, TestResult


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
    assert "Step 23" in card._repr_html_() and "Score: 2/4" in card._repr_html_()
    assert "Score: 2/4" in repr(card)
