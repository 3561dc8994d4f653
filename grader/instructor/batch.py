"""Grade a whole class: every submission × every step, K jobs at a time, resumable.

Each job opens the next submission and grades its steps in turn; once every submission is open,
an idle job takes the steps another has not started (_Batch.lane), so one slow submission is
shared at the end of a class instead of keeping a job to itself.

Outputs in OUT: gradebook.csv (a row per student and step), roster.csv (a row per student, for
an LMS's grade import), feedback/<student>.html and .txt (the scorecards to hand back),
students/<student>.json and summary.html, every file written atomically. Every row carries the
step's real maximum, also a step that was not graded: it comes from the trusted collection of
the instructor's tests (grader.collection, cached; no student code is loaded).

A student's JSON is also the resume record: each step keeps the key it was graded with (a
hash of the step's files, of the step's tests, hints and hidden tests, of the grader's own
code and of the grading options), and a step whose key has not changed is not graded again
unless --force. Tests always come from this repository, never from a submission.

A batch never loses a row: whatever goes wrong with one submission (unpacking it, grading
a step, writing its record) becomes that row's `error` with the reason, and the batch goes
on. The outputs are written whatever happens, after Ctrl-C too (the rows finished so far;
the exit status is then 130), and the unpack folders are removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import catalog, guard, i18n, markers, runner
from grader import pool as warm_pool
from grader.collection import CollectionError, collect
from grader.instructor import class_summary, feedback_files, gradebook, submissions
from grader.instructor.gradebook import Row
from grader.instructor.resume import grader_version, hash_files, step_inputs
from grader.instructor.submissions import Submission
from grader.report import course_json, scorecard
from grader.report.files import clean_text, write_atomic
from grader.results import Outcome, StepResult
from grader.runner import RunOptions, run_step
from grader.targets import Target

REASON_LENGTH = 300
INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C


@dataclass(frozen=True)
class BatchOptions:
    submissions: Path
    steps: list[int]
    out: Path
    jobs: int = 2
    test_timeout: float = 10.0
    run_timeout: float = 600.0
    memory_limit: int = 4 * 2**30
    lang: str = "en"
    hidden: Path | None = None
    allow_flagged: bool = False
    sandbox: str = "auto"
    force: bool = False  # grade every step again, changed or not

    def run_options(self, step: int, folder: Path, group: str = "") -> RunOptions:
        """A step's run; `group` names the submission, whose steps may share a sandboxed warm worker."""
        return RunOptions(Target("submission", step, folder), lang=self.lang, test_timeout=self.test_timeout,
                          run_timeout=self.run_timeout, memory_limit=self.memory_limit,
                          allow_flagged=self.allow_flagged, hidden=self.hidden, sandbox=self.sandbox,
                          group=group)

    def grading(self) -> dict[str, Any]:
        """The options a grade depends on: part of every resume key."""
        return {"test_timeout": self.test_timeout, "run_timeout": self.run_timeout,
                "memory_limit": self.memory_limit, "lang": self.lang, "allow_flagged": self.allow_flagged,
                "sandbox": self.sandbox}


def reason(exc: BaseException) -> str:
    return one_line(f"{type(exc).__name__}: {exc}")


def one_line(text: str) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def _row(sub: Submission, step: int, status: str, result: StepResult | None = None, problem: str = "",
         maximum: float = 0.0) -> Row:
    """One gradebook row (and the per-step record of a student's JSON). A step not graded scores
    0 of `maximum`, the step's trusted maximum; a graded one keeps its run's score and maximum,
    its flags and its scorecard (what the student's feedback file shows)."""
    if result is None:
        return {"student": sub.student, "entry": sub.entry, "step": step, "score": 0.0, "max_score": maximum,
                "status": status, "seconds": 0.0, "flags": one_line(problem)}
    outcomes = {t.outcome for t in result.tests}
    flags = [name for name, outcome in (("timed-out", Outcome.TIMEOUT), ("crashed", Outcome.CRASHED),
                                        ("not-started", Outcome.NOT_STARTED)) if outcome in outcomes]
    flags += load_flags(result)
    flags += ["tampered"] if result.flags else []
    flags += [one_line(result.setup_error.splitlines()[0])] if result.setup_error.strip() else []
    # The scorecard names the entry, not the unpack folder it was graded in.
    card = scorecard.render(dataclasses.replace(result, target=sub.entry))
    return {"student": sub.student, "entry": sub.entry, "step": step, "score": result.score,
            "max_score": result.max_score, "status": "error" if result.setup_error else status,
            "seconds": round(result.elapsed, 2), "flags": " ".join(flags),
            "result": course_json.to_dict(result), "scorecard": card}


def _syntax_error(lang: str) -> re.Pattern[str]:
    """The loader's message for a SyntaxError, as a run in lang words it (grader.i18n)."""
    probe = i18n.translate("SyntaxError in FILE, line 7: WHY", lang)
    return re.compile(re.escape(probe).replace("FILE", ".*").replace("7", r"\d+").replace("WHY", ".*"))


def load_flags(result: StepResult) -> list[str]:
    """syntax-error or import-error when the step's code could not be loaded (a test's outcome
    is `error` only then: grader.verdict)."""
    messages = [t.message.splitlines()[0] for t in result.tests if t.outcome == Outcome.ERROR and t.message]
    if not messages:
        return []
    syntax = _syntax_error(result.lang)
    return ["syntax-error" if any(syntax.match(m) for m in messages) else "import-error"]


def trusted_maximum(step: int, hidden: Path | None, scratch: Path) -> float:
    """The step's maximum as a run sets it (grader.runner's _prepare and _grade): the trusted
    collection of the instructor's test file, checked against the manifest, and of the hidden
    tests, laid out as a run lays them out (so the collection cache is shared), without the
    tests this machine cannot run. No student code is loaded."""
    visible = catalog.test_file(step)
    data = runner.instructor_file(visible)
    rel = visible.relative_to(catalog.REPO)
    if not guard.matches_manifest(step, data):
        raise CollectionError(f"{rel} differs from grader/manifest.json")
    tests = scratch / "tests"
    try:
        files = [_write(tests / rel, data)]
        run = RunOptions(Target("submission", step, scratch), hidden=hidden)
        for i, path in enumerate(runner.hidden_tests(run)):
            files.append(_write(tests / "hidden" / f"h{i}" / path.name, runner.instructor_file(path)))
        infos = collect(tests, files, step)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return float(sum(info.points for info in infos if markers.unmet_needs(info) is None))


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


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
                    f"{left:.0f} s left  {clean_text(label)}")
            try:
                print(("\r" + line[:110].ljust(110)) if self.tty else line, end="" if self.tty else "\n",
                      file=sys.stderr, flush=True)
            except (OSError, ValueError):  # stderr closed: the rows matter, not the progress line
                pass

    def close(self) -> None:
        if self.tty and self.done:
            print(file=sys.stderr)


@dataclass(eq=False)
class _Open:
    """A submission being graded: its unpacked files, its records and the steps not yet taken."""

    index: int
    sub: Submission
    into: Path
    pending: deque[int]
    running: int = 0
    status: str = "invalid"  # every row's status when it cannot be unpacked (a bad archive, a cap)
    records: dict[str, Row] = field(default_factory=dict)
    ready: threading.Event = field(default_factory=threading.Event)  # unpacked, records loaded


class _Batch:
    """One run: its rows so far, and the jobs that make them (`jobs` lanes over the submissions)."""

    def __init__(self, opts: BatchOptions, tmp: Path, total: int):
        self.opts, self.tmp = opts, tmp
        self.version = grader_version()
        self.progress = _Progress(total)
        self.lock = threading.Lock()  # rows, counts and students/*.json
        self.stopping = threading.Event()  # set under lock: nothing is recorded after it
        self.rows: dict[tuple[str, int], Row] = {}
        self.counts: Counter[str] = Counter()
        self.inputs: dict[int, str] = {}
        self.maxima: dict[int, float] = {}
        self.maxima_lock = threading.Lock()  # one collection per step, whichever job asks first
        self.open: list[_Open] = []  # submissions unpacked and not yet done (under lock)
        self.next_index = 0  # the next submission to open (under lock)

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()

    def key(self, step: int, content: str) -> str:
        """The resume key of one step of one submission."""
        with self.lock:
            if step not in self.inputs:
                self.inputs[step] = hash_files(step_inputs(step, self.opts.hidden))
            inputs = self.inputs[step]
        text = json.dumps({"content": content, "inputs": inputs, "grader": self.version,
                           "options": self.opts.grading()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def maximum(self, step: int) -> float:
        """The step's trusted maximum (0 when its tests cannot be collected: every graded row of
        the step then says why)."""
        with self.maxima_lock:
            if step not in self.maxima:
                try:
                    self.maxima[step] = trusted_maximum(step, self.opts.hidden,
                                                        self.tmp / "maxima" / catalog.step_name(step))
                except Exception as exc:
                    print(f"batch: step {step}'s maximum is unknown: {reason(exc)}", file=sys.stderr)
                    self.maxima[step] = 0.0
            return self.maxima[step]

    def lane(self, subs: list[Submission]) -> None:
        """One job: open the next submission and grade its steps, one after another. Once every
        submission is open, take the steps other jobs have not started: a submission whose
        tests time out is then shared instead of keeping one job to itself to the end."""
        own: _Open | None = None
        while not self.stopping.is_set():
            with self.lock:
                work = self._next(own, subs)
            if work is None:
                return
            if isinstance(work, _Open):
                own = work
                self._unpack(own)
            else:
                self._grade(*work, taken=work[0] is not own)

    def _next(self, own: _Open | None, subs: list[Submission]) -> _Open | tuple[_Open, int] | None:
        """Under the lock: a step of this job's own submission, else the next submission (to
        unpack; it is listed at once, so no job ends while another is still unpacking), else a
        step of another's; None when nothing is left."""
        if own is not None and own.pending:
            own.running += 1
            return own, own.pending.popleft()
        if self.next_index < len(subs):
            index, self.next_index = self.next_index, self.next_index + 1
            opened = _Open(index, subs[index], self.tmp / str(index), deque(self.opts.steps))
            self.open.append(opened)
            return opened
        for other in self.open:
            if other.pending:
                other.running += 1
                return other, other.pending.popleft()
        return None

    def _unpack(self, opened: _Open) -> None:
        """Unpack one submission and load its records; its problem, if any, goes in every row."""
        sub = opened.sub
        try:
            try:
                submissions.unpack(sub, opened.into)
            except Exception as exc:
                sub.root, sub.problem, opened.status = None, f"unpacking failed: {reason(exc)}", "error"
            try:
                opened.records = self._load(sub)
            except Exception as exc:  # a fault of the batch itself: still a row for every step
                sub.root, sub.problem, opened.status = None, reason(exc), "error"
        finally:
            opened.ready.set()

    def _grade(self, opened: _Open, step: int, taken: bool) -> None:
        """Grade and record one step, whatever happens; the last step of a submission closes it.
        A step taken from another job's submission gets a warm-worker group (and, with the
        sandbox, a sandbox) of its own for that one step."""
        group = _group(opened.index) + (f"-step{step}" if taken else "")
        try:
            opened.ready.wait()  # taken while its job was still unpacking it
            try:
                row, how = self._grade_step(opened.sub, step, opened.records, opened.status, group)
            except Exception as exc:
                row = _row(opened.sub, step, "error", problem=f"grading failed: {reason(exc)}",
                           maximum=self.maximum(step))
                how = "error"
            self._record(opened.sub, step, row, how, opened.records)
        finally:
            workers = warm_pool.current()
            if taken and workers is not None:
                workers.end_group(group)
            with self.lock:
                opened.running -= 1
                last = not opened.pending and opened.running == 0 and opened in self.open
                if last:
                    self.open.remove(opened)
            if last:
                self._close(opened)

    def _close(self, opened: _Open) -> None:
        """A submission's every step is recorded: end its workers and remove its files."""
        workers = warm_pool.current()
        if workers is not None:  # the submission's sandboxed worker, if it had one
            workers.end_group(_group(opened.index))
        shutil.rmtree(opened.into, ignore_errors=True)

    def _grade_step(self, sub: Submission, step: int, records: dict[str, Row],
                    status: str, group: str) -> tuple[Row, str]:
        """The row of one step, and how it was made: graded, unchanged (resumed) or a status."""
        if sub.root is None:
            return _row(sub, step, status, problem=sub.problem, maximum=self.maximum(step)), status
        source = submissions.locate(sub.root, step, self.opts.steps)
        folder = source.folder
        if folder is None:
            return _row(sub, step, source.status, problem=source.problem,
                        maximum=self.maximum(step)), source.status
        content = submissions.flat_hash(folder, step) if source.flat else submissions.content_hash(folder)
        key = self.key(step, content)
        old = records.get(str(step))
        if not self.opts.force and old and old.get("key") == key and old.get("status") == "graded":
            return {**old, "student": sub.student, "entry": sub.entry}, "unchanged"
        row = _row(sub, step, "graded", run_step(self.opts.run_options(step, folder, group)))
        return {**row, "hash": content, "key": key}, row["status"]

    def _record(self, sub: Submission, step: int, row: Row, how: str, records: dict[str, Row]) -> None:
        """Keep a row and write the student's JSON; a row that cannot be written is an error row."""
        with self.lock:
            if self.stopping.is_set():
                return  # after Ctrl-C: a run cut short is no result
            records[str(step)] = row
            try:
                self._write_student(sub, records)
            except Exception as exc:
                row = {**row, "status": "error",
                       "flags": one_line(f"writing students/{sub.student}.json failed: {reason(exc)}")}
                row.pop("key", None)
                records[str(step)] = row
                how = "error"
            self.rows[(sub.student, step)] = row
            self.counts[how] += 1
        score = f"{row['score']:g}/{row['max_score']:g}" if how in ("graded", "unchanged") else how
        self.progress.step(f"{sub.student} step {step:02d}: {score}")

    def _load(self, sub: Submission) -> dict[str, Row]:
        """The student's records from an earlier run, if they are this entry's."""
        try:
            path = self.opts.out / "students" / f"{sub.student}.json"
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("steps"), dict):
            return {}
        if data.get("entry", sub.entry) != sub.entry:  # the id now belongs to another entry
            return {}
        steps: dict[str, Row] = data["steps"]
        return steps

    def _write_student(self, sub: Submission, steps: dict[str, Row]) -> None:
        ordered = dict(sorted(steps.items(), key=lambda item: (len(item[0]), item[0])))  # 1, 2, …, 10
        text = json.dumps({"student": sub.student, "entry": sub.entry, "steps": ordered}, indent=1,
                          ensure_ascii=False) + "\n"
        # A message may hold a lone surrogate, which UTF-8 cannot encode.
        write_atomic(self.opts.out / "students" / f"{sub.student}.json",
                     text.encode("utf-8", "replace").decode("utf-8"))

    def finished(self, subs: list[Submission]) -> list[Row]:
        with self.lock:
            return [self.rows[(s.student, step)] for s in subs for step in self.opts.steps
                    if (s.student, step) in self.rows]


def _group(index: int) -> str:
    """The warm-worker group of the index-th submission (grader.pool)."""
    return f"submission-{index}"


def _end_children() -> None:
    """Kill the process groups this process started: the test runs of the steps being graded
    (the runner starts each in a session of its own). Linux only; elsewhere they run out."""
    me = os.getpid()
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[1]) == me and int(fields[2]) == pid:
                os.killpg(pid, signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            continue


def _wait_for(futures: list[Future[None]]) -> None:
    """After Ctrl-C: stop the jobs that are running (those not started were cancelled)."""
    running = [f for f in futures if not f.done()]
    if running:
        print(f"batch: interrupted; stopping {len(running)} running job(s)", file=sys.stderr, flush=True)
    while not all(f.done() for f in running):
        _end_children()
        time.sleep(0.1)


def _write_outputs(rows: list[Row], opts: BatchOptions) -> None:
    """Every output of the rows finished: each is tried even when another fails; the first
    failure is raised after."""
    writers = [lambda: gradebook.write(rows, opts.out / "gradebook.csv"),
               lambda: gradebook.write_roster(rows, opts.steps, opts.out / "roster.csv"),
               lambda: feedback_files.write(rows, opts.lang, opts.out / "feedback"),
               lambda: class_summary.write(rows, opts.steps, opts.out / "summary.html")]
    failures: list[Exception] = []
    for write in writers:
        try:
            write()
        except Exception as exc:
            failures.append(exc)
    if failures:
        raise failures[0]


def run_batch(opts: BatchOptions) -> int:
    """Grade every submission; returns 0 (failures of students are rows, not errors), or 130
    after Ctrl-C, once the rows finished so far are written."""
    with warm_pool.serving():
        return _run_batch(opts)


def _run_batch(opts: BatchOptions) -> int:
    opts.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="batch-"))
    pool = ThreadPoolExecutor(max(opts.jobs, 1), thread_name_prefix="batch")
    futures: list[Future[None]] = []
    subs: list[Submission] | None = None
    state: _Batch | None = None
    interrupted = False
    try:
        subs = submissions.discover(opts.submissions)
        state = _Batch(opts, tmp, len(subs) * len(opts.steps))
        futures = [pool.submit(state.lane, subs) for _ in range(max(opts.jobs, 1))]
        for future in as_completed(futures):
            fault = future.exception()  # None: a job turns its own failures into rows
            if fault is not None:
                print(f"batch: {reason(fault)}", file=sys.stderr)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if state is not None:
            state.stop()
        pool.shutdown(wait=False, cancel_futures=True)
        try:
            if state is not None and subs is not None:
                state.progress.close()
                _write_outputs(state.finished(subs), opts)
        finally:
            if interrupted:
                _wait_for(futures)
            pool.shutdown(wait=True)
            shutil.rmtree(tmp, ignore_errors=True)
    if state is None or subs is None:  # Ctrl-C before the first job
        return INTERRUPTED
    done = sum(state.counts.values())
    counts = ", ".join(f"{n} {how}" for how, n in sorted(state.counts.items())) or "nothing to grade"
    verb = f"interrupted after {done} of {len(subs) * len(opts.steps)} rows" if interrupted else "done"
    print(f"batch: {len(subs)} submission(s) x {len(opts.steps)} step(s), {verb} ({counts}) -> "
          f"{opts.out}/gradebook.csv, roster.csv, summary.html, feedback/, students/", file=sys.stderr)
    return INTERRUPTED if interrupted else 0
