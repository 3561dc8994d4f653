"""Where a student stands: a small local store of every grading run, and the 60-step table.

Each run appends one JSON line to .grader/history.jsonl (a single write, so an
interrupted run loses nothing that was written before it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from grader import catalog
from grader.results import StepResult

STORE = catalog.REPO / ".grader" / "history.jsonl"


def record(result: StepResult, store: Path = STORE) -> None:
    """Append one run's summary."""
    store.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"step": result.step, "target": result.target, "score": result.score,
                       "max_score": result.max_score, "passed": result.all_passed,
                       "time": time.strftime("%Y-%m-%d %H:%M:%S"),
                       "tests": {t.name: t.outcome for t in result.tests},
                       "todos": {f.todo: {"state": f.state, "hash": f.block_hash}
                                 for f in result.todos}}) + "\n"
    fd = os.open(store, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def latest(store: Path = STORE, target: str = "student") -> dict[int, dict]:
    """The last recorded run of each step for a target (a torn last line is skipped)."""
    return {run["step"]: run for run in _records(store, target)}


def _records(store: Path, target: str) -> Iterator[dict]:
    """The recorded runs of a target, oldest first; lines that are not a run are skipped."""
    if not store.exists():
        return
    for line in store.read_text(errors="replace").splitlines():
        try:
            run = json.loads(line)
        except ValueError:  # a torn last line
            continue
        if isinstance(run, dict) and run.get("target") == target and isinstance(run.get("step"), int):
            yield run


def table(store: Path = STORE) -> str:
    """The 60-step table: passed, partial (score/max), not started, last graded time."""
    runs, available = latest(store), set(catalog.available_steps())
    lines = [f"{'step':<6}{'title':<42}{'status':<18}last graded"]
    for step, title in catalog.TITLES.items():
        run = runs.get(step)
        if run is None:
            status, when = ("not graded yet" if step in available else "no content yet"), ""
        elif run["passed"]:
            status, when = f"passed {run['score']:g}/{run['max_score']:g}", run["time"]
        elif run["score"] > 0:
            status, when = f"partial {run['score']:g}/{run['max_score']:g}", run["time"]
        else:
            status, when = f"not started 0/{run['max_score']:g}", run["time"]
        lines.append(f"{step:02d}    {title[:40]:<42}{status:<18}{when}")
    done = sum(1 for r in runs.values() if r["passed"])
    lines.append(f"{done} of {len(catalog.TITLES)} steps passed")
    return "\n".join(lines)


def changes(before: dict | None, after: StepResult) -> list[str]:
    """What changed since the previous run: tests that now pass, fail, or are new."""
    old = (before or {}).get("tests", {})
    out = []
    for t in after.tests:
        was = old.get(t.name)
        if was != t.outcome:
            out.append(f"{t.name}: {was or 'new'} -> {t.outcome}")
    return out


def ladder_levels(step: int, states: dict[str, tuple[str, str]], store: Path = STORE) -> dict[str, int]:
    """The hint level of each failing TODO, from this student's earlier grades of the step.

    states: todo → (state, hash of its block now). A failing grade counts only when the block
    changed since the last counted one (saves under --watch that leave it alone do not climb);
    the level is the count of consecutive counted failing grades, 1 to 3; a pass starts over.
    """
    streak: dict[str, int] = {}
    last: dict[str, str] = {}

    def advance(todo: str, state: str, block: str) -> None:
        if state == "failing" and block != last.get(todo):
            streak[todo], last[todo] = streak.get(todo, 0) + 1, block
        elif state == "passed":
            streak.pop(todo, None)
            last.pop(todo, None)

    for run in _runs(store, step):
        for todo, rec in (run.get("todos") or {}).items():
            if isinstance(rec, dict):
                advance(todo, str(rec.get("state")), str(rec.get("hash")))
        for todo in set(last) - set(run.get("todos") or {}):
            advance(todo, "passed", "")  # a TODO no longer listed is done
    levels = {}
    for todo, (state, block) in states.items():
        if state == "failing":
            advance(todo, state, block)
            levels[todo] = min(3, max(1, streak.get(todo, 1)))
    return levels


def _runs(store: Path, step: int) -> list[dict]:
    return [run for run in _records(store, "student") if run["step"] == step]

