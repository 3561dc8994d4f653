"""The JSON report: Gradescope's results.json shape plus the course's own fields."""

from __future__ import annotations

import json
from pathlib import Path

from grader.report.files import write_atomic
from grader.results import StepResult


def to_dict(result: StepResult) -> dict:
    """score, max_score, tests[name, score, max_score, status, output] + step, target, outcome."""
    tests = []
    for number, t in enumerate(result.tests, 1):
        output = t.message + (f"\nhint: {t.hint}" if t.hint else "")
        tests.append({
            "name": t.description, "number": str(number), "score": t.score,
            "max_score": t.points if t.applicable else 0, "status": t.status,
            "outcome": t.outcome, "output": output, "test_id": t.nodeid, "todo": t.todo,
            "duration": t.duration, "visibility": t.visibility,
        })
    return {
        "score": result.score, "max_score": result.max_score, "step": result.step,
        "title": result.title, "target": result.target, "execution_time": round(result.elapsed, 3),
        "setup_error": result.setup_error or None, "flags": result.flags, "notes": result.notes,
        "tests": tests,
    }


def write(result: StepResult, path: Path) -> None:
    write_atomic(path, json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n")
