"""What the parent makes of one grading run's events: a pure state machine, no processes.

The parent knows the tests from its own collection (grader.collection). Each child may only
report, in protocol order, load_start, load_done, then for each test it runs: start X and one
result X. Anything else marks the run tampered (a flag and a message, never an exception).
Limits live in one place, `deadline()`: the import, the running test and the whole run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader import catalog, events
from grader.collection import TestInfo
from grader.results import Outcome, TestResult

NOT_APPLICABLE_ONLY_BY_GRADER = ("the test reported itself not applicable; only the grader decides that "
                                 "(on the reference target), so it counts as failed")


@dataclass
class Limits:
    test_timeout: float
    run_timeout: float
    allow_not_applicable: bool  # True only on the reference target: its adapter may say so


@dataclass
class Session:
    """The tests of one step and what the children said of them so far."""

    tests: dict[str, TestResult]
    infos: dict[str, TestInfo]
    limits: Limits
    started: float
    flags: list[str] = field(default_factory=list)
    tampered: bool = False
    phase: str = "starting"  # starting | loading | ready | test | over
    current: str | None = None
    since: float = 0.0

    @classmethod
    def create(cls, infos: list[TestInfo], limits: Limits, started: float,
               visible_prefix: str) -> Session:
        tests = {i.nodeid: TestResult(i.nodeid, i.name, i.description, i.points, i.todo,
                                      outcome=Outcome.PENDING,
                                      visibility="visible" if i.nodeid.startswith(visible_prefix)
                                      else "after_published")
                 for i in infos}
        return cls(tests, {i.nodeid: i for i in infos}, limits, started)

    def pending(self) -> list[str]:
        return [n for n, t in self.tests.items() if t.outcome == Outcome.PENDING]

    def begin_child(self, now: float) -> None:
        self.phase, self.current, self.since = "starting", None, now

    def tamper(self, what: str) -> None:
        """A line the child should never have written: flag the run and stop it."""
        if not self.tampered:
            self.flags.append(f"tampered: the test process wrote {what}")
        self.tampered = True
        self.phase = "over"
        self.settle(Outcome.INVALID, "not graded: the test process broke the grading protocol")

    def handle(self, event: events.Event, now: float) -> None:
        """Apply one event; out-of-order or unknown ones mark the run tampered."""
        if self.phase == "over":
            return
        if isinstance(event, events.Flag):
            self.flags.append(f"runtime check: {event.text}")
        elif isinstance(event, events.LoadStart) and self.phase == "starting":
            self.phase, self.since = "loading", now
        elif isinstance(event, events.LoadDone) and self.phase == "loading":
            self.phase, self.since = "ready", now
        elif isinstance(event, events.Start) and self.phase == "ready" \
                and self.tests.get(event.nodeid, _DONE).outcome == Outcome.PENDING:
            self.phase, self.current, self.since = "test", event.nodeid, now
        elif isinstance(event, events.Result) and self.phase == "test" and event.nodeid == self.current:
            self._record(event)
            self.phase, self.current, self.since = "ready", None, now
        else:
            self.tamper(f"{type(event).__name__} {getattr(event, 'nodeid', '')} out of order".strip())

    def _record(self, event: events.Result) -> None:
        t = self.tests[event.nodeid]
        outcome, message = event.outcome, event.message
        if outcome not in Outcome.__members__.values() or outcome == Outcome.PENDING:
            self.tamper(f"an unknown outcome {outcome!r}")
            return
        if outcome == Outcome.NOT_APPLICABLE and not self.limits.allow_not_applicable:
            outcome, message = Outcome.FAILED, NOT_APPLICABLE_ONLY_BY_GRADER
        t.outcome, t.message, t.duration = Outcome(outcome), message, float(event.duration)
        if event.todo and catalog.TODO_ID.fullmatch(f"TODO({event.todo})"):
            t.todo = event.todo  # a not-started TODO names itself (for its hint)

    def deadline(self) -> tuple[float, str]:
        """The moment the running child must be stopped, and why (the earliest limit)."""
        limits = [(self.started + self.limits.run_timeout, "run")]
        if self.phase == "loading":
            limits.append((self.since + self.limits.test_timeout, "load"))
        elif self.phase == "test" and self.current is not None:
            declared = self.infos[self.current].timeout or 0
            limits.append((self.since + max(self.limits.test_timeout, declared), "test"))
        return min(limits)

    def limit_of_current(self) -> float:
        declared = self.infos[self.current].timeout or 0 if self.current else 0
        return max(self.limits.test_timeout, declared)

    def timed_out(self, why: str) -> bool:
        """The child was stopped at a limit; returns True when a new child should go on."""
        if why == "test" and self.current is not None:
            self._set(self.current, Outcome.TIMEOUT, f"timed out after {self.limit_of_current():g} s "
                      "(an infinite loop, or a computation far slower than expected?)")
            return bool(self.pending())
        if why == "load":
            self.settle(Outcome.TIMEOUT, f"importing the code did not finish within "
                        f"{self.limits.test_timeout:g} s (an infinite loop at import?)")
        else:
            self.settle(Outcome.TIMEOUT, f"the whole run exceeded {self.limits.run_timeout:g} s")
        return False

    def exited(self, how: str) -> bool:
        """The child ended by itself; returns True when a new child should go on."""
        if self.phase == "loading":
            self.settle(Outcome.CRASHED, f"importing the code ended the process ({how})")
            return False
        if self.phase == "test" and self.current is not None:
            self._set(self.current, Outcome.CRASHED, f"the test process died ({how}) while this test "
                      "ran; the other tests were still graded")
            return bool(self.pending())
        self.settle(Outcome.CRASHED, f"the test process ended early ({how})")
        return False

    def settle(self, outcome: Outcome, message: str) -> None:
        """Give every test still pending this outcome."""
        for nodeid in self.pending():
            self._set(nodeid, outcome, message)

    def _set(self, nodeid: str, outcome: Outcome, message: str) -> None:
        self.tests[nodeid].outcome, self.tests[nodeid].message = outcome, message


_DONE = TestResult("", "", "", 0.0, outcome=Outcome.PASSED)  # stands for "no such pending test"
