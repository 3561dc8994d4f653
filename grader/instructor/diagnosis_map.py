"""The diagnosis map, grader/diagnosis.json: which of a step's tests each of its TODOs breaks.

A TODO's row is what integrity measures when it opens that TODO alone in the solution (its mutant)
and runs ALL of the step's tests: the tests that do not pass, i.e. the ones that run its code.
Each step's entry also keeps the SHA-256 of the step's test file and of its solution snapshot's
code (grader.instructor.snapshots.files; comments aside, fences included), so a change to either
makes the entry stale:
`python -m grader skeletons` then fails, and `python -m grader diagnosis --write` rebuilds the
stale steps (`--steps SPEC` rebuilds those). The map holds test names and TODO ids only, no
answer code, and ships with the grader (grader.diagnosis reads it at grading time).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import tokenize
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from grader import catalog, diagnosis
from grader.instructor import skeleton, snapshots
from grader.pool import COURSE, serving
from grader.results import Outcome, StepResult
from grader.runner import RunOptions, run_step
from grader.targets import Target

ABOUT = ("Which tests each TODO breaks when it is opened alone in the solution (all of the step's "
         "tests run); built by `python -m grader diagnosis --write` (grader/instructor/diagnosis_map.py), "
         "read by grader/diagnosis.py. Test names and TODO ids only.")

Rows = dict[str, list[str]]  # TODO id → names of the tests it breaks


def solution_sha256(step: int) -> str:
    """One hash over the step's full solution snapshot: every path and its code (a Python file's
    tokens without its comments, so a comment edit leaves the map fresh; the SOLUTION fences,
    which decide the mutants, count), other files' bytes."""
    digest = hashlib.sha256()
    for rel, path in snapshots.files(step).items():
        data = path.read_bytes()
        if rel.endswith(".py"):
            data = _code_only(data.decode("utf-8"))
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _code_only(text: str) -> bytes:
    """A Python file's tokens, without comments (fences kept), blank lines and layout."""
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.NL:
            continue
        if token.type == tokenize.COMMENT and not (skeleton.BEGIN.match(token.string)
                                                   or skeleton.END.match(token.string)):
            continue
        kept.append(f"{token.type} {'' if token.type == tokenize.INDENT else token.string}")
    return "\n".join(kept).encode("utf-8")


def tests_sha256(step: int) -> str:
    return hashlib.sha256(catalog.test_file(step).read_bytes()).hexdigest()


def broken(result: StepResult) -> list[str]:
    """The step's visible tests that did not pass in a mutant's run, in file order."""
    prefix = f"steps/{catalog.step_name(result.step)}/"
    return [t.name for t in result.applicable if t.nodeid.startswith(prefix) and t.outcome != Outcome.PASSED]


def mutant(step: int, todo: str, dest: Path) -> Path:
    """The full solution of `step` with only `todo` opened."""
    skeleton.generate(step, dest, is_open=lambda block_id: block_id == todo)
    return dest


def submit(step: int, todo: str, pool: ThreadPoolExecutor, scratch: Path) -> Future[StepResult]:
    """Queue the run of one TODO's mutant over all of the step's tests."""
    root = mutant(step, todo, scratch / todo)
    return pool.submit(run_step, RunOptions(Target("submission", step, root), group=COURSE))


class BuildError(Exception):
    """A mutant could not be graded (its tests could not be collected): no row to store."""


def build(steps: list[int], jobs: int | None = None) -> dict[int, Rows]:
    """Measure the rows of the given steps (every TODO's mutant, all tests)."""
    jobs = jobs or os.cpu_count() or 2
    with serving(), tempfile.TemporaryDirectory(prefix="diagnosis-") as tmp, ThreadPoolExecutor(jobs) as pool:
        futures: dict[int, dict[str, Future[StepResult]]] = {}
        for step in steps:
            scratch = Path(tmp) / catalog.step_name(step)
            scratch.mkdir()
            futures[step] = {todo: submit(step, todo, pool, scratch) for todo in skeleton.block_ids(step)}
        results = {step: {todo: f.result() for todo, f in todos.items()} for step, todos in futures.items()}
    failed = [f"{todo}: {r.setup_error}" for todos in results.values() for todo, r in todos.items()
              if r.setup_error]
    if failed:
        raise BuildError("; ".join(failed))
    return {step: {todo: broken(r) for todo, r in todos.items()} for step, todos in results.items()}


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    steps = data.get("steps") if isinstance(data, dict) and data.get("format") == diagnosis.FORMAT else None
    return steps if isinstance(steps, dict) else {}


def write(measured: Mapping[int, Rows], path: Path = diagnosis.MAP) -> None:
    """Store the measured rows of some steps (with their hashes now); other steps' entries stay,
    except those of steps that no longer have a solution."""
    entries = _read(path)
    for step, rows in measured.items():
        entries[str(step)] = {"tests_sha256": tests_sha256(step), "solution_sha256": solution_sha256(step),
                              "breaks": rows}
    keep = {str(n) for n in snapshots.solution_steps() if catalog.test_file(n).is_file()}
    entries = {k: v for k, v in sorted(entries.items(), key=lambda kv: int(kv[0])) if k in keep}
    text = json.dumps({"format": diagnosis.FORMAT, "about": ABOUT, "steps": entries}, indent=1,
                      ensure_ascii=False)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def stale_steps(steps: list[int] | None = None, path: Path = diagnosis.MAP) -> dict[int, str]:
    """step → why its entry is stale (missing, its tests changed, its solution changed)."""
    entries = _read(path)
    out = {}
    for step in steps if steps is not None else available():
        entry = entries.get(str(step))
        breaks = entry.get("breaks") if isinstance(entry, dict) else None
        if not isinstance(entry, dict):
            out[step] = "has no entry"
        elif entry.get("tests_sha256") != tests_sha256(step):
            out[step] = f"was built for other tests ({_rel(catalog.test_file(step))} changed)"
        elif entry.get("solution_sha256") != solution_sha256(step):
            out[step] = "was built for another solution (solutions/ changed)"
        elif not isinstance(breaks, dict) or set(breaks) != set(skeleton.block_ids(step)):
            out[step] = "does not list the step's TODOs"
    return out


def stale(path: Path = diagnosis.MAP) -> list[str]:
    """Problems for `python -m grader skeletons` (empty: the map is up to date)."""
    found = stale_steps(path=path)
    if not found:
        return []
    rel = _rel(path)
    return [f"{rel}: step {step} {why}" for step, why in sorted(found.items())] + [
        f"rebuild the stale steps of {rel} with `python -m grader diagnosis --write` "
        f"(steps {catalog.describe_steps(sorted(found))})"]


def differences(measured: Mapping[int, Rows], path: Path = diagnosis.MAP) -> list[int]:
    """Steps whose stored rows differ from rows just measured (integrity's mutants)."""
    entries = _read(path)
    out = []
    for step, rows in measured.items():
        entry = entries.get(str(step))
        stored = entry.get("breaks") if isinstance(entry, dict) else None
        if not isinstance(stored, dict) or {k: sorted(v) for k, v in stored.items()} != {
                k: sorted(v) for k, v in rows.items()}:
            out.append(step)
    return sorted(out)


def after_integrity(measured: Mapping[int, Rows], write_map: bool) -> str:
    """Integrity's line on the map: its rows compared with the stored ones (or written, with
    --write-map). A difference does not change integrity's verdict; `skeletons` checks the hashes."""
    rel = _rel(diagnosis.MAP)
    if write_map:
        write(measured)
        return f"diagnosis map: steps {catalog.describe_steps(sorted(measured))} written to {rel}"
    differ = differences(measured)
    if not differ:
        return f"diagnosis map: {rel} agrees with these runs"
    spec = catalog.describe_steps(differ).replace(" ", "")
    return (f"diagnosis map: steps {catalog.describe_steps(differ)} differ from {rel} (integrity's verdict "
            f"is unchanged); rebuild them with `python -m grader diagnosis --write --steps {spec}`")


def _rel(path: Path) -> str:
    return str(path.relative_to(catalog.REPO) if path.is_relative_to(catalog.REPO) else path)


def available() -> list[int]:
    """Steps that have both tests and a solution."""
    return [n for n in snapshots.solution_steps() if catalog.test_file(n).is_file()]


def main(steps: list[int] | None, jobs: int | None = None) -> int:
    """Rebuild the map for the given steps (None: the stale ones); print what was done."""
    todo = steps if steps is not None else sorted(stale_steps())
    if not todo:
        print(f"diagnosis map: every step is up to date in {_rel(diagnosis.MAP)}")
        return 0
    try:
        measured = build(todo, jobs)
    except BuildError as exc:
        print(f"diagnosis map: not written, a mutant could not be graded: {exc}")
        return 1
    write(measured)
    runs = sum(len(rows) for rows in measured.values())
    print(f"diagnosis map: steps {catalog.describe_steps(todo)} rebuilt ({runs} mutant runs) "
          f"in {_rel(diagnosis.MAP)}")
    return 0


__all__ = ["broken", "build", "differences", "main", "mutant", "solution_sha256", "stale", "stale_steps",
           "submit", "tests_sha256", "write"]
