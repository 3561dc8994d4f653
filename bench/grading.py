"""How long grading takes, each figure beside the plain path's measured in the same run.

    python bench/grading.py [--steps 1-60] [--reps 3] [--students 16] [--batch-steps 1,4,7,9,13]
                            [--skip-grade] [--skip-batch] [--skip-integrity] [--skip-suite] [--cold-suite]

- grade: `nox -s grade-NN -- --target solution` and `--target skeleton` for every step (median of
  --reps), beside `python -m grader grade NN` without nox (what nox adds);
- batch: the synthetic class (grader.instructor.synthetic) graded by `python -m grader batch`,
  without and with the sandbox, with warm workers and with plain test processes (GRADER_WARM=0);
- integrity of the steps, warm and plain; the instructor suite `nox -s tests` (plain: --cold-suite).
Targets, on an idle 2-core machine with the course environment built: a solved step's grade ≤ 2 s
(median over the steps) and ≤ 3 s (slowest); batch ≤ 0.6 s per step graded (≤ 1 s sandboxed),
beyond the waits of the tests that time out (each costs --timeout, whatever the grader does);
integrity of all 60 steps ≤ 4 min; `nox -s tests` ≤ 8 min. Timings swing on a shared machine:
compare the figures of one run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from grader import catalog, sandbox  # noqa: E402
from grader.instructor import synthetic  # noqa: E402

GRADE_MEDIAN, GRADE_SLOWEST = 2.0, 3.0
BATCH = {"none": 0.6, "bwrap": 1.0}
INTEGRITY_ALL, SUITE = 240.0, 480.0
PLAIN = {"GRADER_WARM": "0"}
BATCH_TIMEOUT = 2.0  # seconds per test in the batch
JOBS = os.cpu_count() or 2


def timed(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> float:
    """Wall seconds of one command (its output dropped; a failure to start stops the benchmark)."""
    return run(cmd, env, timeout)[0]


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> tuple[float, str]:
    """Wall seconds of one command, and "" or " (FAILED, exit N)" by its exit status."""
    start = time.monotonic()
    code = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=timeout, check=False).returncode
    return time.monotonic() - start, "" if code == 0 else f" (FAILED, exit {code})"


def verdict(value: float, target: float) -> str:
    """'(target ≤ 2 s: ok)' or '... MISSED'."""
    return f"(target ≤ {target:g} s: {'ok' if value <= target else 'MISSED'})"


def median_of(reps: int, *commands: list[str]) -> list[float]:
    """The median wall time of each command, the commands interleaved rep by rep."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(reps):
        for i, cmd in enumerate(commands):
            times[i].append(timed(cmd))
    return [statistics.median(t) for t in times]


def bench_grade(steps: list[int], reps: int, nox: list[str]) -> None:
    """Each step's solution and skeleton graded through nox and directly; the solved-step summary."""
    print(f"grade: median of {reps} per step; `nox -s grade-NN` (python -m grader grade NN, no nox)")
    print(f"  {'step':<6}{'solution':<20}{'skeleton':<20}")
    solved: list[float] = []
    direct_solved: list[float] = []
    for step in steps:
        row = []
        for target in ("solution", "skeleton"):
            args = ["--target", target]
            with_nox, direct = median_of(reps, [*nox, "-s", f"grade-{step:02d}", "--", *args],
                                         [sys.executable, "-m", "grader", "grade", str(step), *args])
            row.append(f"{with_nox:5.2f} s ({direct:4.2f} s)")
            if target == "solution":
                solved.append(with_nox)
                direct_solved.append(direct)
        print(f"  {step:02d}    {row[0]:<20}{row[1]:<20}", flush=True)
    mid, worst = statistics.median(solved), max(solved)
    added = statistics.median(a - b for a, b in zip(solved, direct_solved, strict=True))
    print(f"grade: a solved step, median {mid:.2f} s {verdict(mid, GRADE_MEDIAN)}, slowest {worst:.2f} s "
          f"(step {steps[solved.index(worst)]:02d}) {verdict(worst, GRADE_SLOWEST)}; nox adds {added:.2f} s "
          "(median)")


def _batch_once(folder: Path, steps: list[int], mode: str, env: dict[str, str]) -> tuple[float, int, int]:
    """(wall seconds, gradebook rows, tests that timed out) of one batch over the class."""
    out = folder.parent / f"grades-{mode}-{'plain' if env else 'warm'}"
    shutil.rmtree(out, ignore_errors=True)
    wall = timed([sys.executable, "-m", "grader", "batch", str(folder), "--steps", ",".join(map(str, steps)),
                  "--out", str(out), "--timeout", str(BATCH_TIMEOUT), "--sandbox", mode, "--force",
                  "--jobs", str(JOBS)], env)
    with open(out / "gradebook.csv", newline="") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    return wall, rows, _timeouts(out / "students")


def _timeouts(folder: Path) -> int:
    """How many tests timed out, over the per-student JSON files of a batch."""
    count = 0
    for path in folder.glob("*.json"):
        for step in json.loads(path.read_text())["steps"].values():
            tests = (step.get("result") or {}).get("tests", [])
            count += sum(1 for test in tests if test.get("outcome") == "timeout")
    return count


def bench_batch(students: int, steps: list[int], modes: list[str], scratch: Path) -> None:
    """The synthetic class graded warm and plain, in each sandbox mode this machine has.

    The target is on the batch's own time: a test that never ends costs --timeout seconds
    whatever the grader does (each test is graded on its own, so a hang in one test cannot cost
    a student the others), and the class's `hang` entries time out in every test. Their waits,
    timeouts x --timeout over the jobs, are printed beside the figure and taken out of it.
    """
    folder = scratch / "class"
    synthetic.make_class(folder, students, steps)
    print(f"batch: {students} synthetic students x {len(steps)} steps ({', '.join(map(str, steps))}), "
          f"--timeout {BATCH_TIMEOUT:g}, {JOBS} jobs; `waits`: the tests that timed out x --timeout / jobs; "
          "`own`: the rest, per step graded (the target)")
    for mode in modes:
        warm_wall, rows, timeouts = _batch_once(folder, steps, mode, {})
        plain_wall, _, plain_timeouts = _batch_once(folder, steps, mode, PLAIN)
        waits, plain_waits = timeouts * BATCH_TIMEOUT / JOBS, plain_timeouts * BATCH_TIMEOUT / JOBS
        own, plain_own = (warm_wall - waits) / max(rows, 1), (plain_wall - plain_waits) / max(rows, 1)
        print(f"batch --sandbox {mode}: own {own:.2f} s per step graded {verdict(own, BATCH[mode])} "
              f"(plain {plain_own:.2f} s, x{plain_own / max(own, 1e-9):.1f}); all: {rows} rows in "
              f"{warm_wall:.0f} s, {warm_wall / max(rows, 1):.2f} s per step (plain "
              f"{plain_wall / max(rows, 1):.2f} s), of which waits {waits:.0f} s ({timeouts} timeouts; "
              f"plain {plain_timeouts})", flush=True)


def bench_integrity(steps: list[int]) -> None:
    """Integrity of the steps, warm and plain."""
    spec = ",".join(map(str, steps))
    warm, failed = run([sys.executable, "-m", "grader", "integrity", "--steps", spec])
    plain = timed([sys.executable, "-m", "grader", "integrity", "--steps", spec], PLAIN)
    target = INTEGRITY_ALL * len(steps) / 60
    print(f"integrity of {len(steps)} step(s){failed}: {warm:.0f} s {verdict(warm, target)} "
          f"(plain {plain:.0f} s, x{plain / warm:.1f}; the target scales 4 min for 60 steps)", flush=True)


def bench_suite(nox: list[str], cold: bool) -> None:
    """`nox -s tests`, and with plain test processes when asked."""
    warm, failed = run([*nox, "-s", "tests"])
    plain = f" (plain {timed([*nox, '-s', 'tests'], PLAIN):.0f} s)" if cold else " (plain: --cold-suite)"
    print(f"suite: `nox -s tests`{failed} {warm:.0f} s {verdict(warm, SUITE)}{plain}", flush=True)


def _steps(spec: str) -> list[int]:
    from grader.cli import parse_steps

    return parse_steps(spec)


def main() -> int:
    """Run the parts not skipped, in order; always 0 (a missed target is a figure, not a failure)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default=None, help="steps to grade and check: 7, 1-10 or 3,5,7-9 "
                                                      "(default: all)")
    parser.add_argument("--reps", type=int, default=3, help="grades per step and target (default: 3)")
    parser.add_argument("--students", type=int, default=16, help="synthetic students (default: 16)")
    parser.add_argument("--batch-steps", default="1,4,7,9,13", help="the batch's steps (default: 1,4,7,9,13)")
    parser.add_argument("--nox", default=None, help="how to run nox (default: this Python's nox)")
    for part in ("grade", "batch", "integrity", "suite"):
        parser.add_argument(f"--skip-{part}", action="store_true", help=f"do not measure {part}")
    parser.add_argument("--cold-suite", action="store_true",
                        help="also time `nox -s tests` with plain test processes")
    args = parser.parse_args()
    steps = _steps(args.steps) if args.steps else catalog.available_steps()
    nox = args.nox.split() if args.nox else [sys.executable, "-m", "nox"]
    modes = ["none"] + (["bwrap"] if sandbox.resolve("auto").mode == "bwrap" else [])
    parts: list[tuple[bool, Callable[[], None]]] = [
        (args.skip_grade, lambda: bench_grade(steps, args.reps, nox)),
        (args.skip_batch, lambda: bench_batch(args.students, _steps(args.batch_steps), modes, scratch)),
        (args.skip_integrity, lambda: bench_integrity(steps)),
        (args.skip_suite, lambda: bench_suite(nox, args.cold_suite))]
    print(f"bench-grading on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          f"(the targets assume an idle machine)")
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        scratch = Path(tmp)
        for skip, run in parts:
            if not skip:
                run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
