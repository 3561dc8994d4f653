"""How batch's jobs share a class: each grades its own submission's steps in turn, and once every
submission is open an idle job takes the steps another has not started."""

import csv
import json
import threading

from grader import catalog
from grader.instructor import batch
from grader.instructor.snapshots import materialise
from grader.results import StepResult, TestResult


def test_a_slow_submission_is_shared_once_every_submission_is_open(tmp_path, monkeypatch):
    """Two jobs, one submission slow: once the other job has graded the rest of the class,
    it takes the slow one's steps not yet started, instead of leaving one job to grade them all
    while the other waits. Here slow's step 1 waits until another job has started its step 4,
    which could not happen with one job per submission."""
    started: dict[tuple[str, int], str] = {}
    step4_started = threading.Event()

    def run_step(opts):
        who = opts.target.root.parent.name  # the entry: <tmp>/<index>/<entry>/stepNN
        started[(who, opts.target.step)] = threading.current_thread().name
        if who == "slow" and opts.target.step == 4:
            step4_started.set()
        if who == "slow" and opts.target.step == 1:
            assert step4_started.wait(60), "no other job took step 4 of the slow submission"
        test = TestResult(f"steps/{catalog.step_name(opts.target.step)}/test_x.py::test_ok", "test_ok", "ok",
                          1.0, outcome="passed")
        return StepResult(opts.target.step, catalog.TITLES[opts.target.step], opts.target.label,
                          str(opts.target.root), tests=[test])

    monkeypatch.setattr(batch, "run_step", run_step)
    root = tmp_path / "class"
    for name in ("b", "c", "slow"):  # slow is opened last, when the others are being graded
        for step in (1, 4):
            materialise(step, root / name / catalog.step_name(step))
    code = batch.run_batch(batch.BatchOptions(root, [1, 4], tmp_path / "grades", jobs=2))
    with open(tmp_path / "grades" / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = {(r["entry"], int(r["step"])): r for r in csv.DictReader(f)}
    assert code == 0 and len(rows) == 6
    assert all(r["status"] == "graded" and float(r["score"]) == 1.0 for r in rows.values()), rows
    assert started[("slow", 1)] != started[("slow", 4)]
    record = json.loads((tmp_path / "grades" / "students" / "slow.json").read_text())
    assert list(record["steps"]) == ["1", "4"]  # in step order, whichever job finished first
