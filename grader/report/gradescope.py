"""Gradescope's own results.json schema (the course's fields go to --json), and the autograder's
two halves (templates/gradescope/run_autograder calls them; so does the Dockerfile):

- `grade STEP SUBMISSION [--hidden DIR] [--steps STEP...]` runs as the unprivileged student user
  where there is one: it finds the step's code in the upload (a `stepNN` folder, or a flat upload:
  `stepNN.py` and, from step 23, `dezero/`, when the assignment's --steps hold one package step
  only, as batch does), grades it and prints Gradescope's JSON on stdout, a file that only root
  opened, and the scorecard on stderr.
- `merge WORK OUT STEP... [--hidden DIR] [--note TEXT] [--each DIR]` runs as root once the
  grading is over: one results.json of exactly the listed steps from `WORK/stepNN.json`. Each
  step is worth the maximum of the grader's own collection of its tests (never what a report
  says); its score is clamped to it, and a step with no readable report is one 0/max row that
  says why.
- `maxima STEP... [--hidden DIR]` prints each step's maximum (setup.sh: it checks that the tests
  collect and fills the collection cache before any submission is graded).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from grader import catalog
from grader.collection import CollectionError, TestInfo
from grader.report.files import clean_text, write_atomic
from grader.results import StepResult

LOG_TAIL = 2000  # characters of a step's log shown when it could not be graded
SEARCH_DEPTH = 3  # folder levels of an upload searched for a step's code
SKIPPED = ("__MACOSX", "__pycache__")
NOT_SUBMITTED = "was not submitted"
NOT_GRADABLE = "cannot be graded from this upload"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # terminal colours and cursor moves in a log


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


# ---- the student's side: find the step in an upload and grade it ----


def _folders(root: Path) -> Iterator[Path]:
    """root and its folders SEARCH_DEPTH levels down, shallowest first, each level sorted; no
    links, no dot folders, no __MACOSX."""
    level = [root]
    for depth in range(SEARCH_DEPTH + 1):
        yield from level
        if depth == SEARCH_DEPTH:
            return
        below: list[Path] = []
        for folder in level:
            try:
                below += sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()
                                and not p.name.startswith(".") and p.name not in SKIPPED)
            except OSError:
                continue
        level = below


def _holds(folder: Path, name: str) -> bool:
    path = folder / name
    return path.is_file() and not path.is_symlink()


def locate(submission: Path, step: int) -> Path | None:
    """The folder that holds a step's code in an upload: a folder named stepNN, else the
    shallowest folder with stepNN.py (a flat upload), else, for a package step, the shallowest
    with dezero/__init__.py; None when the upload has none of them."""
    name = catalog.step_name(step)
    folders = list(_folders(submission))
    for folder in folders[1:]:
        if folder.name == name:
            return folder
    for folder in folders:
        if _holds(folder, f"{name}.py"):
            return folder
    if catalog.is_package_step(step):
        for folder in folders:
            if (folder / "dezero").is_dir() and not (folder / "dezero").is_symlink() \
                    and _holds(folder / "dezero", "__init__.py"):
                return folder
    return None


def grade(step: int, submission: Path, hidden: Path | None, out: TextIO, err: TextIO,
          steps: list[int] | None = None) -> int:
    """Grade one step of an upload: Gradescope's JSON to `out`, the scorecard to `err`. `steps`:
    all the steps the assignment grades (a flat dezero/ is one package step's only, as in batch)."""
    from grader import runner, targets
    from grader.report import scorecard

    name = catalog.step_name(step)
    folder = locate(submission, step)
    if folder is None:
        extra = " or a dezero/ package" if catalog.is_package_step(step) else ""
        print(f"step {step} {NOT_SUBMITTED}: the upload has no {name}/ folder, no {name}.py{extra} "
              f"(looked {SEARCH_DEPTH} folder levels deep)", file=err)
        return 1
    problem = catalog.flat_package_problem(step, steps or [step])
    if folder.name != name and (folder / "dezero").is_dir() and problem:
        print(f"step {step} {NOT_GRADABLE}: {problem}, with its {name}.py and dezero/ inside", file=err)
        return 1
    print(f"step {step}: grading {folder.relative_to(submission) if folder != submission else 'the upload'}",
          file=err)
    options = runner.RunOptions(targets.resolve(str(folder), step), "en", hidden=hidden)
    result = runner.run_step(options)
    print(scorecard.render(result, "en"), file=err)
    out.write(json.dumps(to_dict(result), ensure_ascii=False) + "\n")
    out.flush()
    return result.exit_code()


# ---- root's side: the trusted maximum of each step, and the merge ----


def collected(step: int, hidden: Path | None = None) -> list[TestInfo]:
    """The step's tests as the grader's own collection lists them: the instructor's test files,
    laid out as runner._prepare lays them out (so the collection cache is shared), never a
    submission's. Raises CollectionError when they cannot be collected."""
    from grader import runner, targets
    from grader.collection import collect

    if not catalog.test_file(step).is_file():
        where = catalog.test_file(step).relative_to(catalog.REPO)
        raise CollectionError(f"step {step}'s tests are not here ({where})")
    with tempfile.TemporaryDirectory(prefix="grader-maximum-") as tmp:
        nothing = Path(tmp) / "no-code"
        nothing.mkdir()
        opts = runner.RunOptions(targets.Target("submission", step, nothing), hidden=hidden)
        ws = runner.Workspace(Path(tmp) / "ws")
        runner._prepare(opts, ws, StepResult(step, catalog.TITLES[step], "", ""))
        return collect(ws.tests, ws.test_files, step)


def maximum(step: int, hidden: Path | None = None) -> float:
    """The step's maximum on this machine: its collected tests' points, less those of tests this
    machine cannot run (markers.unmet_needs), as in a grade. Raises CollectionError."""
    from grader import markers

    return float(sum(i.points for i in collected(step, hidden) if markers.unmet_needs(i) is None))


def maxima(steps: list[int], hidden: Path | None = None) -> dict[int, float | CollectionError]:
    """maximum() of each step, collected a few at a time (each collection is its own process);
    a step whose tests cannot be collected maps to its CollectionError."""
    def one(step: int) -> float | CollectionError:
        try:
            return maximum(step, hidden)
        except CollectionError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=max(1, min(len(steps), os.cpu_count() or 2))) as pool:
        return dict(zip(steps, pool.map(one, steps), strict=True))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _read_report(path: Path) -> tuple[dict | None, str]:
    """A step's report and '' or (None, why it cannot be used)."""
    try:
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            return None, "the grader wrote no report"
        data = json.loads(text)
    except FileNotFoundError:
        return None, "the grader wrote no report"
    except (OSError, ValueError) as exc:
        return None, f"its report could not be read ({type(exc).__name__})"
    tests = data.get("tests") if isinstance(data, dict) else None
    if not isinstance(tests, list) or not all(isinstance(t, dict) and _number(t.get("score")) is not None
                                              and _number(t.get("max_score")) is not None for t in tests):
        return None, "its report is not in Gradescope's shape"
    return data, ""


def _row(step: int, points: float, status: str, output: str) -> dict:
    return {"name": f"Step {step:02d}: {catalog.TITLES[step]}", "number": str(step), "score": 0.0,
            "max_score": points, "status": status, "output": output, "visibility": "visible"}


def _log_tail(work: Path, step: int) -> str:
    log = work / f"{catalog.step_name(step)}.txt"
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return clean_text(ANSI.sub("", text[-LOG_TAIL:]), lines=True).strip() or "(no output)"


def merge_step(work: Path, step: int, most: float) -> tuple[float, list[dict], str, float]:
    """(score, test rows, output, seconds) of one step worth `most` points, from WORK/stepNN.json."""
    report, problem = _read_report(work / f"{catalog.step_name(step)}.json")
    if report is None:
        tail = _log_tail(work, step)
        why = tail if NOT_SUBMITTED in tail or NOT_GRADABLE in tail else f"not graded: {problem}.\n{tail}"
        return 0.0, [_row(step, most, "failed", why)], "", 0.0
    rows, score, reported = [], 0.0, 0.0
    for t in report["tests"]:
        top = min(max(_number(t["max_score"]) or 0.0, 0.0), most)
        got = min(max(_number(t["score"]) or 0.0, 0.0), top)
        rows.append({**t, "score": got, "max_score": top})
        score, reported = score + got, reported + top
    output = str(report.get("output") or "")
    if not rows:
        why = output or _log_tail(work, step)
        rows.append(_row(step, most, "failed", f"not graded: no test ran.\n{why}"))
    elif reported < most:
        rows.append(_row(step, most - reported, "failed",
                         f"{most - reported:g} of the step's {most:g} points were not in its report"))
    elapsed = max(_number(report.get("execution_time")) or 0.0, 0.0)
    return min(score, most), rows, output, elapsed


def merge(work: Path, steps: list[int], hidden: Path | None = None, note: str = "") -> dict:
    """One results.json from the per-step files `work/stepNN.json` of the listed steps only.

    Each step counts for the maximum of the grader's own collection; a step with no usable report
    is one 0/max row with its log's tail, so the student sees why.
    """
    merged: dict = {"score": 0.0, "max_score": 0.0, "execution_time": 0.0, "visibility": "visible",
                    "stdout_visibility": "hidden", "output": note + ("\n" if note else ""), "tests": []}
    for step, most in maxima(steps, hidden).items():
        if not isinstance(most, float):  # the instructor's tests are broken: nothing can be graded
            why = f"not graded: the tests could not be collected:\n{most}"
            merged["tests"].append(_row(step, 0.0, "failed", why))
            continue
        score, rows, output, elapsed = merge_step(work, step, most)
        merged["score"] += score
        merged["max_score"] += most
        merged["tests"] += rows
        merged["execution_time"] = round(merged["execution_time"] + elapsed, 3)
        if output:
            merged["output"] += f"step {step}: {output}\n"
    return merged


def _steps(values: list[str]) -> list[int]:
    steps = []
    for value in values:
        step = int(value)
        if step not in catalog.TITLES:
            raise ValueError(f"there is no step {step}")
        steps.append(step)
    return steps


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader.report.gradescope",
                                     description="The Gradescope autograder's grading and merge.")
    sub = parser.add_subparsers(dest="verb", required=True)
    grade_ = sub.add_parser("grade", help="grade one step of an upload: JSON on stdout, scorecard on stderr")
    grade_.add_argument("step")
    grade_.add_argument("submission", type=Path)
    grade_.add_argument("--steps", nargs="+", default=None, metavar="STEP",
                        help="every step the assignment grades (a flat dezero/ serves one package step only)")
    merge_ = sub.add_parser("merge", help="one results.json of the listed steps")
    merge_.add_argument("work", type=Path)
    merge_.add_argument("out", type=Path)
    merge_.add_argument("steps", nargs="+")
    merge_.add_argument("--note", default="", help="a line for the top of the output")
    merge_.add_argument("--each", type=Path, metavar="DIR", help="also write DIR/stepNN.json for each step")
    maxima = sub.add_parser("maxima", help="each step's maximum (checks that its tests collect)")
    maxima.add_argument("steps", nargs="+")
    for p in (grade_, merge_, maxima):
        p.add_argument("--hidden", type=Path, metavar="DIR", help="the instructor's hidden tests")
    return parser


def main(argv: list[str]) -> int:
    """`python -m grader.report.gradescope grade|merge|maxima ...` (run_autograder and setup.sh)."""
    args = _parser().parse_args(argv)
    hidden = args.hidden.resolve() if args.hidden else None
    try:
        steps = _steps([args.step] if args.verb == "grade" else args.steps)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.verb == "grade":
        try:
            assignment = _steps(args.steps) if args.steps else None
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return grade(steps[0], args.submission.resolve(), hidden, sys.stdout, sys.stderr, assignment)
    if args.verb == "maxima":
        broken = 0
        for step, most in maxima(steps, hidden).items():
            if isinstance(most, float):
                print(f"step {step}: {most:g} points")
            else:
                print(f"error: the tests of step {step} could not be collected:\n{most}", file=sys.stderr)
                broken += 1
        return 2 if broken else 0
    merged = merge(args.work, steps, hidden, args.note)
    write_atomic(args.out, json.dumps(merged, indent=1, ensure_ascii=False) + "\n")
    if args.each:
        for step in steps:
            one = merge(args.work, [step], hidden)
            write_atomic(args.each / f"{catalog.step_name(step)}.json",
                         json.dumps(one, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
