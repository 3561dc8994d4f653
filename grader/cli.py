"""Command line: `python -m grader grade N`, `skeletons`, `integrity`.

Exit status: 0 every test passed, 1 something failed (whatever the submission did), 2 the
instructor's usage or setup error, 3 an internal error of the grader (its traceback is saved).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from grader import catalog, i18n
from grader.hints import LANGS

if TYPE_CHECKING:
    from grader.results import StepResult

HELP_TARGET = ("code to grade: student (steps/stepNN, the default), solution, reference, "
               "skeleton, or a folder laid out like steps/stepNN")
HELP_JSON = "also write the results as JSON (Gradescope's results.json shape) to FILE"
HELP_LANG = "language of the scorecard, hints and messages: en or ko (default: from the locale)"
HELP_LEVEL = ("show every failing TODO's hint at this level: 1 a nudge, 2 the approach, 3 the detail "
              "(default: each TODO's own ladder, which climbs with your failing grades)")
HELP_TIMEOUT = "seconds one test may run before it is stopped (default: 10)"
HELP_RUN_TIMEOUT = "seconds the whole run may take (default: 600)"
HELP_MEMORY = "megabytes of memory the tests may use (default: 4096)"
HELP_GRADESCOPE = "also write Gradescope's results.json (its own schema only) to FILE"
HELP_JUNIT = "also write JUnit XML (for CI systems) to FILE"
HELP_HIDDEN = "instructors: also run hidden tests from DIR (DIR/stepNN/test_*.py or DIR/test_stepNN*.py)"
HELP_SANDBOX = ("run the tests in a bubblewrap sandbox: auto (when this machine has one; the default), "
                "bwrap (required) or none")
HELP_ALLOW = "instructors: score code that imports or patches the test machinery anyway"


class UsageError(Exception):
    """Bad command-line input; the message says what to do."""


def parse_step(value: str) -> int:
    """A step number that has content in this checkout, or a UsageError naming the available ones."""
    available = catalog.available_steps()
    listing = catalog.describe_steps(available)
    try:
        step = int(value)
    except ValueError:
        raise UsageError(f"{value!r} is not a step number; available steps: {listing}") from None
    if step not in catalog.TITLES:
        raise UsageError(f"there is no step {step}: the course has steps 1-60 "
                         f"(available here: {listing})")
    if step not in available:
        raise UsageError(f"step {step} ({catalog.TITLES[step]}) has no content yet; "
                         f"available steps: {listing}")
    return step


def parse_steps(spec: str) -> list[int]:
    """'7', '1-10' or '3,5,7-9' → available step numbers."""
    steps: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.strip().partition("-")
        first, last = parse_step(lo), parse_step(hi) if hi else None
        steps += [n for n in range(first, (last or first) + 1) if n in catalog.available_steps()]
    return sorted(set(steps))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("grade", help="grade one step and print its scorecard")
    grade.add_argument("step", help="step number, 1-60")
    grade.add_argument("--target", default="student", help=HELP_TARGET)
    grade.add_argument("--json", type=Path, metavar="FILE", help=HELP_JSON)
    grade.add_argument("--gradescope", type=Path, metavar="FILE", help=HELP_GRADESCOPE)
    grade.add_argument("--junit", type=Path, metavar="FILE", help=HELP_JUNIT)
    grade.add_argument("--hidden", type=Path, metavar="DIR", help=HELP_HIDDEN)
    grade.add_argument("--lang", default=None, choices=LANGS, help=HELP_LANG)
    grade.add_argument("--hint-level", type=int, default=None, choices=(1, 2, 3), help=HELP_LEVEL)
    grade.add_argument("--timeout", type=float, default=10.0, help=HELP_TIMEOUT)
    grade.add_argument("--run-timeout", type=float, default=600.0, help=HELP_RUN_TIMEOUT)
    grade.add_argument("--memory", type=int, default=4096, metavar="MB", help=HELP_MEMORY)
    grade.add_argument("--allow-flagged", action="store_true", help=HELP_ALLOW)
    grade.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "none"), help=HELP_SANDBOX)
    grade.add_argument("--watch", action="store_true", help="grade again whenever the step's files change")
    sub.add_parser("progress", help="show where you stand across the 60 steps")
    skel = sub.add_parser("skeletons", help="check that steps/ code and the test manifest are in step")
    skel.add_argument("--write", action="store_true",
                      help="regenerate steps/*/ code from solutions/ and grader/manifest.json")
    release = sub.add_parser("release", help="write a student repository without solutions")
    release.add_argument("out", type=Path, help="new folder for the release")
    release.add_argument("--steps", required=True, help="steps to release: 7, 1-10 or 3,5,7-9")
    export = sub.add_parser("export", help="a Gradescope autograder zip or a GitHub Classroom workflow")
    export.add_argument("platform", choices=("gradescope", "classroom"))
    export.add_argument("out", type=Path, help="the zip to write (gradescope) or a folder (classroom)")
    export.add_argument("--steps", required=True, help="steps to grade: 7, 1-10 or 3,5,7-9")
    export.add_argument("--hidden", type=Path, metavar="DIR",
                        help="gradescope: also ship and grade hidden tests from DIR (DIR/stepNN/test_*.py "
                             "or DIR/test_stepNN*.py), shown to students after grades are published")
    carry = sub.add_parser("carry", help="copy your filled TODO blocks from step N-1 into step N")
    carry.add_argument("step", help="the step to fill, 2-60")
    batch = sub.add_parser("batch", help="grade a folder of class submissions into a gradebook")
    batch.add_argument("submissions", type=Path, help="folder with one entry per student (folder or archive)")
    batch.add_argument("--steps", required=True, help="steps to grade: 7, 1-10 or 3,5,7-9")
    batch.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    batch.add_argument("--out", type=Path, default=Path("grades"), help="output folder (default: grades)")
    batch.add_argument("--timeout", type=float, default=10.0, help=HELP_TIMEOUT)
    batch.add_argument("--run-timeout", type=float, default=600.0, help=HELP_RUN_TIMEOUT)
    batch.add_argument("--memory", type=int, default=4096, metavar="MB", help=HELP_MEMORY)
    batch.add_argument("--hidden", type=Path, metavar="DIR", help=HELP_HIDDEN)
    batch.add_argument("--allow-flagged", action="store_true", help=HELP_ALLOW)
    batch.add_argument("--lang", default="en", choices=LANGS, help=HELP_LANG)
    batch.add_argument("--sandbox", default="auto", choices=("auto", "bwrap", "none"),
                       help="how each test run is isolated: auto (the default), bwrap or none")
    batch.add_argument("--force", action="store_true",
                       help="grade every step again, even the ones unchanged since the last run")
    show = sub.add_parser("show", help="instructors: write the full solution snapshot of step N to DEST")
    show.add_argument("step", help="step number, 1-60")
    show.add_argument("dest", type=Path, help="a new (or empty) folder")
    diff = sub.add_parser("diff", help="what step N changes, file by file, against step N-1")
    diff.add_argument("step", help="step number, 1-60")
    diff.add_argument("--source", choices=("solutions", "steps"), default=None,
                      help="compare solution snapshots (instructors; the default when solutions/ exists) "
                           "or the step folders, with every TODO block reduced to its comment lines")
    integ = sub.add_parser("integrity", help="solution and reference pass, skeleton and each TODO fail")
    integ.add_argument("--steps", default=None, help="steps to check: 7, 1-10 or 3,5,7-9 (default: all)")
    integ.add_argument("--jobs", type=int, default=None, help="parallel runs (default: cores)")
    integ.add_argument("--write-map", action="store_true",
                       help="also write what each TODO's mutant breaks into grader/diagnosis.json")
    diag = sub.add_parser("diagnosis", help="instructors: how often the scorecard names the mutated TODO "
                                            "(--write: rebuild grader/diagnosis.json)")
    diag.add_argument("--write", action="store_true",
                      help="rebuild the diagnosis map of the stale steps (or of --steps) instead")
    diag.add_argument("--steps", default=None, help="steps: 7, 1-10 or 3,5,7-9 (default: all; with --write, "
                                                    "the stale ones)")
    diag.add_argument("--per-step", type=int, default=4, help="mutants drawn per step (default: 4)")
    diag.add_argument("--seed", type=int, default=0, help="seed of the draw (default: 0)")
    diag.add_argument("--jobs", type=int, default=None, help="parallel runs (default: cores)")
    diag.add_argument("--json", type=Path, metavar="FILE", help="also write every graded mutant to FILE")
    return parser


def cmd_grade(args: argparse.Namespace) -> int:
    from grader import pool, runner, targets
    from grader.report import course_json, gradescope, junit, scorecard

    step = parse_step(args.step)
    args.lang = args.lang or i18n.default_lang()
    try:
        target = targets.resolve(args.target, step)
    except targets.TargetError as exc:
        raise UsageError(str(exc)) from None
    for name in ("timeout", "run_timeout", "memory"):
        if getattr(args, name) <= 0:
            raise UsageError(f"--{name.replace('_', '-')} must be positive (got {getattr(args, name)})")
    if args.hidden is not None and not args.hidden.is_dir():
        raise UsageError(f"--hidden {args.hidden} is not a folder")
    _check_sandbox(args.sandbox)
    options = runner.RunOptions(target, args.lang, args.timeout, args.run_timeout,
                                memory_limit=args.memory * 2**20, allow_flagged=args.allow_flagged,
                                hidden=args.hidden.resolve() if args.hidden else None, sandbox=args.sandbox,
                                hint_level=args.hint_level)
    if args.watch:
        from grader import watch

        return watch.watch(options, args.lang)
    with pool.serving(default=False):  # one run: a plain child unless GRADER_WARM=1
        result = runner.run_step(options)
    print(scorecard.render(result, args.lang))
    for path, report in ((args.json, course_json), (args.gradescope, gradescope), (args.junit, junit)):
        if path:
            report.write(result, path)
    _record(result)
    return result.exit_code()


def _check_sandbox(mode: str) -> None:
    """--sandbox bwrap on a machine without a usable bubblewrap is a usage error, said early."""
    from grader import sandbox

    try:
        sandbox.resolve(mode)
    except sandbox.SandboxError as exc:
        raise UsageError(str(exc)) from None


def _record(result: StepResult) -> None:
    from grader import progress

    try:
        progress.record(result)
    except OSError:
        pass  # a read-only checkout still grades


def cmd_progress(args: argparse.Namespace) -> int:
    from grader import progress

    print(progress.table())
    return 0


def cmd_skeletons(args: argparse.Namespace) -> int:
    _instructor_tools()
    import tempfile

    from grader import guard
    from grader.instructor import diagnosis_map, skeleton, snapshots

    problems = skeleton.inconsistent_blocks() + snapshots.repeated_files()
    steps = snapshots.solution_steps()
    for step in steps:
        if args.write:
            skeleton.generate(step, catalog.step_dir(step))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                problems += skeleton.drift(step, Path(tmp))
    if args.write:
        guard.write_manifest()
        if diagnosis_map.stale_steps():
            print("  note: grader/diagnosis.json is stale; rebuild it: `python -m grader diagnosis --write`")
    else:
        problems += guard.stale_manifest() + diagnosis_map.stale()
    for p in problems:
        print(f"  {p}")
    verb = "regenerated" if args.write else "checked"
    print(f"skeletons: {len(steps)} steps {verb}, {len(problems)} problem(s)"
          + ("" if args.write or not problems else "; run `python -m grader skeletons --write`"))
    return 1 if problems else 0


def _instructor_tools() -> None:
    """A student release has no solutions and no grader.instructor: say so instead of crashing."""
    import importlib.util

    if not catalog.SOLUTIONS_DIR.is_dir() or importlib.util.find_spec("grader.instructor") is None:
        raise UsageError("this command is for instructors: this checkout (a student release) has no "
                         "solutions/ and no grader/instructor/")


def cmd_show(args: argparse.Namespace) -> int:
    _instructor_tools()
    from grader.instructor import snapshots

    step = parse_step(args.step)
    if args.dest.exists() and (not args.dest.is_dir() or any(args.dest.iterdir())):
        raise UsageError(f"{args.dest} already exists and is not an empty folder; choose a new one")
    files = snapshots.files(step)
    snapshots.materialise(step, args.dest)
    print(f"show: the full solution of step {step} ({len(files)} files) written to {args.dest}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from grader import stepdiff

    step = parse_step(args.step)
    source = args.source or ("solutions" if catalog.SOLUTIONS_DIR.is_dir() else "steps")
    if source == "solutions":
        _instructor_tools()
    elif step > 1 and not catalog.step_dir(step - 1).is_dir():
        raise UsageError(f"step {step - 1} is not in this checkout, so there is nothing to compare with")
    text = stepdiff.diff(step, solutions=source == "solutions")
    print(text.rstrip("\n") if text else f"step {step} changes no file of step {step - 1}")
    return 0


def cmd_integrity(args: argparse.Namespace) -> int:
    _instructor_tools()
    from grader.instructor import integrity

    steps = parse_steps(args.steps) if args.steps else catalog.available_steps()
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {args.jobs})")
    return integrity.main(steps, args.jobs, write_map=args.write_map)


def cmd_diagnosis(args: argparse.Namespace) -> int:
    _instructor_tools()
    from grader.instructor import diagnosis_map, mutants

    steps = parse_steps(args.steps) if args.steps else None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {args.jobs})")
    if args.per_step < 1:
        raise UsageError(f"--per-step must be at least 1 (got {args.per_step})")
    if args.write:
        return diagnosis_map.main(steps, args.jobs)
    return mutants.main(steps or diagnosis_map.available(), args.per_step, args.seed, args.jobs, args.json)


def cmd_batch(args: argparse.Namespace) -> int:
    _instructor_tools()
    import os

    from grader.instructor import batch

    steps = parse_steps(args.steps)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {args.jobs})")
    if not args.submissions.is_dir():
        raise UsageError(f"{args.submissions} is not a folder of submissions")
    for name in ("timeout", "run_timeout", "memory"):
        value = getattr(args, name)
        if not 0 < value < float("inf"):  # also refuses nan
            raise UsageError(f"--{name.replace('_', '-')} must be a positive number (got {value})")
    if args.hidden is not None and not args.hidden.is_dir():
        raise UsageError(f"--hidden {args.hidden} is not a folder")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} is not a folder")
    if args.out.resolve().is_relative_to(args.submissions.resolve()):
        raise UsageError(f"--out {args.out} is inside {args.submissions}: it would be graded as a student")
    options = batch.BatchOptions(args.submissions, steps, args.out, args.jobs or os.cpu_count() or 2,
                                 test_timeout=args.timeout, run_timeout=args.run_timeout,
                                 memory_limit=args.memory * 2**20, lang=args.lang,
                                 hidden=args.hidden.resolve() if args.hidden else None,
                                 allow_flagged=args.allow_flagged, sandbox=args.sandbox, force=args.force)
    return batch.run_batch(options)


def cmd_release(args: argparse.Namespace) -> int:
    _instructor_tools()
    from grader.instructor import release

    steps = parse_steps(args.steps)
    try:
        found = release.make_release(args.out, steps)
    except FileExistsError as exc:
        raise UsageError(str(exc)) from None
    for problem in found:
        print(f"  leak: {problem}")
    print(f"release: steps {catalog.describe_steps(steps)} written to {args.out}; "
          + ("no solution code found in it" if not found else f"{len(found)} leak(s) found"))
    return 1 if found else 0


def cmd_carry(args: argparse.Namespace) -> int:
    from grader import carry

    step = parse_step(args.step)
    try:
        copied = carry.carry(step)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    for line in copied:
        print(f"  copied {line}")
    print(f"carry: {len(copied)} block(s) copied from step {step - 1} into step {step}"
          + ("" if copied else " (nothing of yours to copy, or the blocks there are already edited)"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    _instructor_tools()
    from grader.instructor import export

    steps = parse_steps(args.steps)
    if args.hidden is not None and (args.platform != "gradescope" or not args.hidden.is_dir()):
        raise UsageError(f"--hidden {args.hidden} is not a folder" if args.platform == "gradescope" else
                         "--hidden is for gradescope: in Classroom the student's repository holds every test")
    try:
        path = (export.gradescope(args.out, steps, args.hidden) if args.platform == "gradescope"
                else export.classroom(args.out, steps))
    except export.ExportError as exc:
        raise UsageError(str(exc)) from None
    print(f"export: {args.platform} for steps {catalog.describe_steps(steps)} written to {path}")
    return 0


COMMANDS = {"grade": cmd_grade, "skeletons": cmd_skeletons, "integrity": cmd_integrity,
            "diagnosis": cmd_diagnosis, "batch": cmd_batch, "release": cmd_release, "carry": cmd_carry,
            "export": cmd_export, "progress": cmd_progress, "show": cmd_show, "diff": cmd_diff}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        lang = getattr(args, "lang", None) or i18n.default_lang()
        print(f"{i18n.LABELS[lang]['error']}: {i18n.translate(str(exc), lang)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `python -m grader grade 7 | head`
        sys.stderr.close()
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:
        print(f"internal error of the grader; the traceback is in {_save_traceback()}", file=sys.stderr)
        return 3


def _save_traceback() -> str:
    """Write the current exception's traceback to a file and return its path."""
    import tempfile
    import traceback

    text = traceback.format_exc()
    for folder in (catalog.REPO / ".grader", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, path = tempfile.mkstemp(prefix="crash-", suffix=".txt", dir=folder)
            with os.fdopen(fd, "w") as f:
                f.write(text)
            return path
        except OSError:
            continue
    return "(nowhere: no folder was writable)\n" + text
