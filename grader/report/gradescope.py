"""Gradescope's own results.json schema, nothing more (the course's fields go to --json)."""

from __future__ import annotations

import json

from grader.report.files import write_atomic
from grader.results import StepResult


def to_dict(result: StepResult) -> dict:
    """score, max_score, execution_time, visibility, stdout_visibility and the tests."""
    tests = []
    for number, t in enumerate(result.applicable, 1):
        output = t.message + (f"\nhint: {t.hint}" if t.hint else "")
        tests.append({
            "name": t.description, "number": f"{result.step}.{number}", "score": t.score,
            "max_score": t.points, "status": t.status, "output": output, "visibility": t.visibility,
        })
    output = "\n".join(result.flags + ([result.setup_error] if result.setup_error else []))
    return {
        "score": result.score, "max_score": result.max_score,
        "execution_time": round(result.elapsed, 3), "visibility": "visible",
        "stdout_visibility": "hidden", "output": output, "tests": tests,
    }


def write(result: StepResult, path) -> None:
    write_atomic(path, json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n")
