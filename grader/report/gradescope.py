"""Gradescope's own results.json schema, nothing more (the course's fields go to --json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

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
    output = "\n".join(result.flags + result.notes + ([result.setup_error] if result.setup_error else []))
    return {
        "score": result.score, "max_score": result.max_score,
        "execution_time": round(result.elapsed, 3), "visibility": "visible",
        "stdout_visibility": "hidden", "output": output, "tests": tests,
    }


def write(result: StepResult, path: Path | str) -> None:
    write_atomic(path, json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n")


def merge(work: Path, steps: list[int]) -> dict:
    """One results.json from the per-step files `work/stepNN.json` of the listed steps only.

    A step that wrote no results gets its log's tail in `output`, so the student sees why.
    """
    merged: dict = {"score": 0, "max_score": 0, "execution_time": 0, "visibility": "visible",
                    "stdout_visibility": "hidden", "output": "", "tests": []}
    for step in steps:
        part, log = work / f"step{step:02d}.json", work / f"step{step:02d}.txt"
        if not part.is_file():
            tail = log.read_text(errors="replace")[-2000:] if log.is_file() else "(no output)"
            merged["output"] += f"step {step}: could not be graded:\n{tail}\n"
            continue
        result = json.loads(part.read_text())
        for key in ("score", "max_score", "execution_time"):
            merged[key] += result[key]
        merged["tests"] += result["tests"]
        merged["output"] += result["output"]
    return merged


def main(argv: list[str]) -> int:
    """`python -m grader.report.gradescope merge WORK OUT STEP...` (run_autograder calls it)."""
    if len(argv) < 4 or argv[0] != "merge":
        print("usage: python -m grader.report.gradescope merge WORK_DIR OUT_JSON STEP...", file=sys.stderr)
        return 2
    merged = merge(Path(argv[1]), [int(s) for s in argv[3:]])
    write_atomic(argv[2], json.dumps(merged, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
