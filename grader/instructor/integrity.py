"""Integrity: the tests are right about the code.

For every step: each test passes on the solution and (where it applies) on the reference;
the skeleton scores below full marks; and each TODO, opened alone in the solution, makes
at least one of its tests fail, so no TODO goes untested.

Each TODO's mutant runs all of the step's tests, not only its own: which tests it breaks is its
row of the diagnosis map (grader.instructor.diagnosis_map), compared with grader/diagnosis.json
and written there with --write-map.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from grader import catalog
from grader.instructor import diagnosis_map, skeleton
from grader.pool import COURSE, serving
from grader.results import Outcome, StepResult
from grader.runner import RunOptions, run_step
from grader.targets import Target, resolve


@dataclass
class StepReport:
    step: int
    runs: dict[str, StepResult] = field(default_factory=dict)
    todos: dict[str, StepResult] = field(default_factory=dict)

    def problems(self) -> list[str]:
        out = []
        for kind in ("solution", "reference"):
            r = self.runs[kind]
            if not r.all_passed:
                bad = [t.name for t in r.applicable if t.outcome != Outcome.PASSED]
                out.append(f"{kind} fails: {r.setup_error or ', '.join(bad)}")
        sk = self.runs["skeleton"]
        if not sk.setup_error and sk.score >= sk.max_score:
            out.append("skeleton gets full marks")
        out += [f"TODO {todo} is caught by no test" for todo in self.uncaught()]
        return out

    def uncaught(self) -> list[str]:
        # Caught by a test marked with its id; the solution's run has every test's mark as written
        # (in a mutant, a test that reaches the opened TODO takes its id).
        tags = {t.nodeid: t.todo for t in self.runs["solution"].tests}
        return [todo for todo, r in self.todos.items() if not any(
                t.outcome != Outcome.PASSED for t in r.applicable if tags.get(t.nodeid, t.todo) == todo)]

    def rows(self) -> dict[str, list[str]]:
        """The diagnosis map's rows: which tests each TODO's mutant breaks."""
        return {todo: diagnosis_map.broken(r) for todo, r in self.todos.items()}


def _mutant(step: int, todo: str, dest: Path) -> Path:
    """The full solution of `step` with only `todo` opened."""
    skeleton.generate(step, dest, is_open=lambda block_id: block_id == todo)
    return dest


@dataclass
class PendingStep:
    """The queued runs of one step; report() waits for them and builds the step's report."""

    step: int
    futures: dict[str, Future[StepResult]]
    todo_futures: dict[str, Future[StepResult]]

    def all_futures(self) -> list[Future[StepResult]]:
        return [*self.futures.values(), *self.todo_futures.values()]

    def report(self) -> StepReport:
        report = StepReport(self.step)
        report.runs = {k: f.result() for k, f in self.futures.items()}
        report.todos = {k: f.result() for k, f in self.todo_futures.items()}
        return report


def submit_step(step: int, pool: ThreadPoolExecutor, scratch: Path) -> PendingStep:
    """Queue every run of one step."""
    futures = {kind: pool.submit(run_step, RunOptions(resolve(kind, step), group=COURSE))
               for kind in ("solution", "reference", "skeleton")}
    todo_futures: dict[str, Future[StepResult]] = {}
    for todo in skeleton.block_ids(step):
        root = _mutant(step, todo, scratch / todo)
        # All of the step's tests, not only the TODO's own: the run is its diagnosis-map row.
        todo_futures[todo] = pool.submit(run_step, RunOptions(Target("submission", step, root), group=COURSE))
    return PendingStep(step, futures, todo_futures)


def _cell(r: StepResult) -> str:
    return "setup error" if r.setup_error else f"{r.score:g}/{r.max_score:g}"


def render(reports: list[StepReport]) -> str:
    rows = [f"{'step':<6}{'solution':<12}{'reference':<12}{'skeleton':<12}{'TODOs caught':<14}status"]
    for rep in reports:
        caught = len(rep.todos) - len(rep.uncaught())
        status = "ok" if not rep.problems() else "PROBLEM"
        rows.append(f"{rep.step:02d}    {_cell(rep.runs['solution']):<12}{_cell(rep.runs['reference']):<12}"
                    f"{_cell(rep.runs['skeleton']):<12}{f'{caught}/{len(rep.todos)}':<14}{status}")
        rows += [f"      - {p}" for p in rep.problems()]
    return "\n".join(rows)


def progress_line(rep: StepReport, done: int, total: int, seconds: float) -> str:
    """One finished step, printed as soon as its runs are done."""
    caught = len(rep.todos) - len(rep.uncaught())
    status = "ok" if not rep.problems() else f"PROBLEM ({len(rep.problems())})"
    return (f"integrity: step {rep.step:02d} {status:<12} solution {_cell(rep.runs['solution'])}, "
            f"reference {_cell(rep.runs['reference'])}, skeleton {_cell(rep.runs['skeleton'])}, "
            f"TODOs caught {caught}/{len(rep.todos)}   [{done}/{total} steps, {seconds:.0f} s]")


def main(steps: list[int], jobs: int | None = None, write_map: bool = False) -> int:
    """Check the given steps, printing a line per step as it finishes, then the table; 0 when all are ok."""
    jobs = jobs or os.cpu_count() or 2
    start = time.monotonic()
    reports: dict[int, StepReport] = {}
    with serving(), tempfile.TemporaryDirectory(prefix="integrity-") as tmp, ThreadPoolExecutor(jobs) as pool:
        pending: dict[Future[StepResult], PendingStep] = {}
        waiting: dict[int, int] = {}
        for step in steps:
            scratch = Path(tmp) / catalog.step_name(step)
            scratch.mkdir()
            queued = submit_step(step, pool, scratch)
            waiting[step] = len(queued.all_futures())
            pending.update(dict.fromkeys(queued.all_futures(), queued))
        print(f"integrity: {len(steps)} step(s), {len(pending)} runs on {jobs} worker(s)", flush=True)
        for future in as_completed(pending):
            queued = pending[future]
            waiting[queued.step] -= 1
            if not waiting[queued.step]:
                reports[queued.step] = queued.report()
                print(progress_line(reports[queued.step], len(reports), len(steps), time.monotonic() - start),
                      flush=True)
    ordered = [reports[step] for step in steps]
    print(render(ordered))
    print(diagnosis_map.after_integrity({r.step: r.rows() for r in ordered if not r.problems()}, write_map))
    bad = [r.step for r in ordered if r.problems()]
    print(f"integrity: {len(ordered)} step(s) checked in {time.monotonic() - start:.0f} s, "
          + ("all ok" if not bad else f"problems in step(s) {catalog.describe_steps(bad)}"))
    return 1 if bad else 0
