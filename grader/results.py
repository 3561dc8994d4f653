"""Test and step results, and how they are scored. Pure data: no pytest, no I/O.

Result schema (also written by --json): each test has `status` passed|failed, the two
values Gradescope accepts, and an `outcome` that says why:
passed, failed, not_started (a TODO still raises NotImplementedError), error (the code
could not be loaded), timeout, crashed (the process died), invalid (an edited test),
not_applicable (the test does not concern this target; left out of max_score).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    """Why a test passed or not; a str, so JSON and comparisons see the plain value."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_STARTED = "not_started"  # the TODO's NotImplementedError: not written yet, not wrong
    ERROR = "error"  # the code could not be loaded
    TIMEOUT = "timeout"
    CRASHED = "crashed"  # the process died while the test ran
    INVALID = "invalid"  # an edited test, or code that tampered with the grading
    NOT_APPLICABLE = "not_applicable"  # only the grader's adapter decides this; left out of max_score
    PENDING = "pending"  # not run yet (never in a finished result)


OUTCOMES = tuple(o.value for o in Outcome if o is not Outcome.PENDING)


@dataclass
class TestResult:
    nodeid: str
    name: str
    description: str
    points: float
    todo: str | None = None
    outcome: str = Outcome.FAILED
    message: str = ""
    hint: str = ""
    duration: float = 0.0
    visibility: str = "visible"  # Gradescope's: hidden tests are "after_published"

    __test__ = False  # not a pytest test class

    @property
    def applicable(self) -> bool:
        return self.outcome != Outcome.NOT_APPLICABLE

    @property
    def score(self) -> float:
        return self.points if self.outcome == Outcome.PASSED else 0.0

    @property
    def status(self) -> str:
        return "passed" if self.outcome in (Outcome.PASSED, Outcome.NOT_APPLICABLE) else "failed"


@dataclass
class TodoFeedback:
    """What the scorecard says of one TODO that is not done: its hint at a level, or for a TODO
    not started, where to write it and what to read."""

    todo: str
    state: str  # failing | not_started
    level: int  # 1 nudge, 2 approach, 3 detail (0: not started, no hint)
    text: str
    tests: list[str] = field(default_factory=list)  # its tests that did not pass
    block_hash: str = ""  # the TODO's block as graded, so the ladder climbs only on a change


@dataclass
class StepResult:
    step: int
    title: str
    target: str
    target_path: str
    tests: list[TestResult] = field(default_factory=list)
    elapsed: float = 0.0
    setup_error: str = ""
    flags: list[str] = field(default_factory=list)  # edited tests, touches of the test machinery
    notes: list[str] = field(default_factory=list)  # how it was graded, e.g. the sandbox's fallback
    todos: list[TodoFeedback] = field(default_factory=list)  # one entry per TODO that is not done
    lang: str = "en"

    @property
    def applicable(self) -> list[TestResult]:
        return [t for t in self.tests if t.applicable]

    @property
    def score(self) -> float:
        return sum(t.score for t in self.applicable)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.applicable)

    @property
    def all_passed(self) -> bool:
        return not self.setup_error and all(t.outcome == Outcome.PASSED for t in self.applicable)

    def exit_code(self) -> int:
        """0 all passed, 1 something failed (whatever the submission did), 2 the instructor's
        tests or setup are broken (a usage or setup error)."""
        if self.setup_error and not self.flags:
            return 2
        return 0 if self.all_passed else 1
