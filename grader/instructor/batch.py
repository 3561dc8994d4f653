"""Grade a whole class: every submission × every step, K at a time, resumable.

Outputs in OUT: gradebook.csv, students/<student>.json (also the resume record: each step
keeps the content hash it was graded at), summary.html. Every file is written atomically.
Tests always come from this repository, never from a submission.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from grader import catalog
from grader.instructor import class_summary, gradebook, submissions
from grader.instructor.gradebook import Row
from grader.instructor.submissions import Submission
from grader.report import course_json
from grader.report.files import write_atomic
from grader.results import StepResult
from grader.runner import RunOptions, run_step
from grader.targets import Target


@dataclass(frozen=True)
class BatchOptions:
    submissions: Path
    steps: list[int]
    out: Path
    jobs: int = 2
    test_timeout: float = 10.0
    run_timeout: float = 600.0
    memory_limit: int = 4 * 2**30


def _row(student: str, step: int, status: str, result: StepResult | None = None, problem: str = "") -> Row:
    """One gradebook row (and the per-step record of a student's JSON)."""
    if result is None:
        return {"student": student, "step": step, "score": 0, "max_score": 0, "status": status,
                "seconds": 0.0, "flags": problem}
    outcomes = {t.outcome for t in result.tests}
    flags = [name for name, outcome in (("timed-out", "timeout"), ("crashed", "crashed"),
                                        ("not-started", "not_started")) if outcome in outcomes]
    flags += ["tampered"] if result.flags else []
    return {"student": student, "step": step, "score": result.score, "max_score": result.max_score,
            "status": "error" if result.setup_error else status, "seconds": round(result.elapsed, 2),
            "flags": " ".join(flags), "result": course_json.to_dict(result)}


class _Progress:
    """done/total, rate and time left: one updating line on a terminal, plain lines otherwise."""

    def __init__(self, total: int):
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.tty = sys.stderr.isatty()
        self.lock = threading.Lock()

    def step(self, label: str) -> None:
        with self.lock:
            self.done += 1
            elapsed = time.monotonic() - self.start
            rate = self.done / elapsed if elapsed else 0.0
            left = (self.total - self.done) / rate if rate else 0.0
            bar = "#" * int(20 * self.done / max(self.total, 1))
            line = (f"[{bar:<20}] {self.done}/{self.total}  {rate:.2f}/s  "
                    f"{left:.0f} s left  {label}")
            print(("\r" + line[:110].ljust(110)) if self.tty else line, end="" if self.tty else "\n",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr)


def _load_records(out: Path, student: str) -> dict[str, Row]:
    path = out / "students" / f"{student}.json"
    try:
        return json.loads(path.read_text())["steps"]
    except (OSError, ValueError, KeyError):
        return {}


def run_batch(opts: BatchOptions) -> int:
    """Grade every submission; returns 0 (failures of students are rows, not errors)."""
    opts.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="batch-") as tmp:
        subs = submissions.discover(opts.submissions)
        records: dict[str, dict[str, Row]] = {}
        jobs = []
        for i, sub in enumerate(subs):
            submissions.unpack(sub, Path(tmp) / str(i))
            records[sub.student] = _load_records(opts.out, sub.student)
            for step in opts.steps:
                jobs.append((sub, step))
        progress = _Progress(len(jobs))
        lock = threading.Lock()

        def grade_one(sub: Submission, step: int) -> tuple[Submission, int, str | None, Row]:
            key, name = str(step), catalog.step_name(step)
            if sub.root is None:  # unpack() set a problem instead
                return sub, step, None, _row(sub.student, step, "invalid", problem=sub.problem)
            folder = sub.root / name
            digest = submissions.content_hash(folder)
            old = records[sub.student].get(key)
            if old and old.get("hash") == digest and old.get("graded_with") == opts.test_timeout:
                return sub, step, digest, old  # unchanged since the last run
            if not folder.is_dir():
                return sub, step, digest, _row(sub.student, step, "missing", problem=f"no {name}/ folder")
            options = RunOptions(Target("submission", step, folder), test_timeout=opts.test_timeout,
                                 run_timeout=opts.run_timeout, memory_limit=opts.memory_limit)
            return sub, step, digest, _row(sub.student, step, "graded", run_step(options))

        with ThreadPoolExecutor(opts.jobs) as pool:
            for future in as_completed([pool.submit(grade_one, s, n) for s, n in jobs]):
                sub, step, digest, row = future.result()
                row = {**row, "hash": digest, "graded_with": opts.test_timeout}
                with lock:
                    records[sub.student][str(step)] = row
                    _write_student(opts.out, sub.student, records[sub.student])
                progress.step(f"{sub.student} step {step:02d}: {row['score']:g}/{row['max_score']:g}")
        progress.close()
    rows = [records[student][str(step)] for student in records for step in opts.steps
            if str(step) in records[student]]
    gradebook.write(rows, opts.out / "gradebook.csv")
    class_summary.write(rows, opts.steps, opts.out / "summary.html")
    print(f"batch: {len(subs)} submission(s) x {len(opts.steps)} step(s) -> {opts.out}/gradebook.csv, "
          f"summary.html, students/", file=sys.stderr)
    return 0


def _write_student(out: Path, student: str, steps: dict[str, Row]) -> None:
    write_atomic(out / "students" / f"{student}.json",
                 json.dumps({"student": student, "steps": steps}, indent=1, ensure_ascii=False) + "\n")
