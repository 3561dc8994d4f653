"""Which TODO most likely broke a run: the step's TODOs ranked by how well "this TODO is broken"
explains the failing and the passing tests together.

A failing test is tagged with the TODO it checks, but the code of another TODO may break it: with
`x.grad += gx` in step 14's accumulation (step14.1), the cleargrad test (tagged step14.2) fails
too. The map grader/diagnosis.json (built by grader.instructor.diagnosis_map, stdlib-readable, no
answer code in it) records for every step which of its tests fail when one TODO is opened alone in
the solution: the tests that run that TODO's code. A broken TODO can only break tests of its row.

The score of a TODO is the log-likelihood of the run if that TODO alone were broken: a test of its
row tagged with it fails with probability P_OWN, another test of its row with P_DEP, a test outside
its row with EPSILON. So a TODO must explain the failures (each one it cannot explain costs the
most), the tests tagged with it count more than the ones that merely run its code, and passing
tests of its row count against it. A TODO that explains no failing test, or whose own tests were
all graded and all pass, is not blamed. Not-started TODOs are left out: their tests never reach
the code of the others. A tie names no one.

Another TODO with failing tests "follows" from the likeliest when its failing tests all run the
likeliest's code and taking it for a second broken TODO (a test fails when either breaks it)
explains the run less than SECOND_FAULT nats better: the scorecard then shows no hint of its own.

Used by grader.feedback at grading time (student runtime: no instructor imports). When the map has
no entry for a step, or the entry was built for other tests, the scorecard falls back to the tags.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from grader import catalog, guard
from grader.results import Outcome, StepResult

MAP = Path(__file__).resolve().parent / "diagnosis.json"
FORMAT = 1

# Chosen on the benchmark's seed 0 (grader.instructor.mutants) and checked on other seeds: with
# P_DEP = 1/2 a test that only runs the TODO's code weighs the same failing or passing, so what
# counts is how few tests the TODO's row holds besides the failing ones, and its own tests.
P_OWN = 0.7  # a test tagged with the broken TODO fails
P_DEP = 0.5  # another test that runs the broken TODO's code fails
EPSILON = 0.01  # a test that never runs the broken TODO's code fails anyway

SECOND_FAULT = 2.0  # nats: how much better two broken TODOs must explain a run than one

FAILING = (Outcome.FAILED, Outcome.ERROR, Outcome.TIMEOUT, Outcome.CRASHED)
TIE = 1e-9

Rows = Mapping[str, Collection[str]]  # TODO id → names of the tests it breaks when opened


@dataclass(frozen=True)
class Ranked:
    """One TODO as an explanation of a run."""

    todo: str
    score: float  # log-likelihood of the run if this TODO alone were broken (higher: likelier)
    explained: tuple[str, ...]  # the failing tests it explains (they run its code)
    unexplained: tuple[str, ...]  # the failing tests it does not explain
    contradicted: tuple[str, ...]  # passing tests that run its code


def likelihood(rows: Rows, failing: Collection[str], passing: Collection[str], tags: Mapping[str, str | None],
               broken: Collection[str]) -> float:
    """log P(the run | exactly these TODOs are broken): a test fails when any of them breaks it
    (each independently, with P_OWN or P_DEP when the test is in its row), else with EPSILON."""
    total = 0.0
    for test in failing:
        spared = math.prod(1 - _p(test, todo, tags) for todo in broken if test in rows[todo])
        total += math.log(1 - spared) if spared < 1 else math.log(EPSILON)
    for test in passing:
        total += sum(math.log(1 - _p(test, todo, tags)) for todo in broken if test in rows[todo])
    return total


def _p(test: str, todo: str, tags: Mapping[str, str | None]) -> float:
    return P_OWN if tags.get(test) == todo else P_DEP


def rank(rows: Rows, failing: Collection[str], passing: Collection[str], tags: Mapping[str, str | None],
         skip: Collection[str] = ()) -> list[Ranked]:
    """The TODOs of rows that could explain the failing tests, likeliest first (ties by id).

    failing, passing: names of the tests that failed and passed; tags: test name → its TODO;
    skip: TODOs not to blame (not started).
    """
    failed, passed = set(failing), set(passing)
    out = []
    for todo, row in rows.items():
        members = set(row)
        explained = failed & members
        if todo in skip or not explained:
            continue
        own = [t for t in failed | passed if tags.get(t) == todo]
        if own and not failed.intersection(own):
            continue  # its own tests were graded and all pass: not blamed for another's failure
        score = likelihood(rows, failed, passed, tags, [todo])
        out.append(Ranked(todo, score, tuple(sorted(explained)), tuple(sorted(failed - members)),
                          tuple(sorted(passed & members))))
    out.sort(key=lambda r: (-r.score, r.todo))
    return out


def likeliest(ranking: list[Ranked]) -> Ranked | None:
    """The first of a ranking when no other TODO scores as high (a tie names no one)."""
    if not ranking or (len(ranking) > 1 and ranking[1].score >= ranking[0].score - TIE):
        return None
    return ranking[0]


@dataclass(frozen=True)
class Diagnosis:
    """A graded run as the map sees it, and its ranking."""

    rows: Rows
    failing: frozenset[str]
    passing: frozenset[str]
    tags: Mapping[str, str | None]
    ranking: list[Ranked]

    @property
    def likely(self) -> Ranked | None:
        return likeliest(self.ranking)

    def follows(self, todo: str, tests: Collection[str]) -> bool:
        """True when the failing tests of todo are explained by the likeliest TODO alone: they run
        its code, and taking todo for a second broken TODO explains the run less than SECOND_FAULT
        nats better (so its hint would most likely send the student to correct code)."""
        likely = self.likely
        if likely is None or todo == likely.todo or not set(tests) <= set(likely.explained):
            return False
        if todo not in self.rows:
            return True
        both = likelihood(self.rows, self.failing, self.passing, self.tags, [likely.todo, todo])
        return both - likely.score < SECOND_FAULT


def diagnose(result: StepResult, path: Path = MAP) -> Diagnosis | None:
    """The diagnosis of a graded run; None when the map has nothing valid for its step or the run
    cannot be diagnosed (a setup error, a void run). Its ranking is empty when no test failed."""
    rows = rows_for(result.step, path)
    if rows is None or result.setup_error or any(t.outcome == Outcome.INVALID for t in result.tests):
        return None
    prefix = f"steps/{catalog.step_name(result.step)}/"
    visible = [t for t in result.tests if t.nodeid.startswith(prefix)]  # hidden tests are not in the map
    failing = frozenset(t.name for t in visible if t.outcome in FAILING)
    passing = frozenset(t.name for t in visible if t.outcome == Outcome.PASSED)
    tags = {t.name: t.todo for t in visible if t.outcome != Outcome.NOT_STARTED}
    skip = {t.todo for t in result.tests if t.outcome == Outcome.NOT_STARTED and t.todo}
    ranking = rank(rows, failing, passing, tags, skip) if failing else []
    return Diagnosis(rows, failing, passing, tags, ranking)


_LOCK = threading.Lock()
_LOADED: dict[Path, object] = {}


def load(path: Path = MAP) -> object:
    """The map file as this process first read it (None when it is missing or unreadable)."""
    with _LOCK:
        if path not in _LOADED:
            try:
                _LOADED[path] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                _LOADED[path] = None
        return _LOADED[path]


def rows_for(step: int, path: Path = MAP) -> dict[str, frozenset[str]] | None:
    """The map's rows of a step, or None when it has none or they were built for other tests."""
    data = load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("steps"), dict):
        return None
    entry = data["steps"].get(str(step))
    if not isinstance(entry, dict) or entry.get("tests_sha256") != tests_sha256(step):
        return None
    breaks = entry.get("breaks")
    if not isinstance(breaks, dict):
        return None
    rows = {}
    for todo, tests in breaks.items():
        if not isinstance(tests, list) or not all(isinstance(t, str) for t in tests):
            return None
        rows[todo] = frozenset(tests)
    return rows


def tests_sha256(step: int) -> str:
    """The SHA-256 of the step's visible test file as the instructor wrote it (the manifest's, when
    it records one, so that a student's edit does not change which map applies)."""
    test_file = catalog.test_file(step)
    recorded = guard.recorded_manifest().get(str(test_file.relative_to(catalog.REPO)))
    if recorded:
        return recorded
    try:
        return hashlib.sha256(test_file.read_bytes()).hexdigest()
    except OSError:
        return ""


__all__ = ["MAP", "Diagnosis", "Ranked", "diagnose", "likeliest", "likelihood", "load", "rank", "rows_for",
           "tests_sha256"]
