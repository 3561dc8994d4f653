"""The parent's state machine, fed events directly: the child only reports, the parent decides."""

import pytest

from grader import events
from grader.collection import TestInfo
from grader.results import Outcome
from grader.session import Limits, Session

A, B = "steps/step04/test_step04.py::test_a", "steps/step04/test_step04.py::test_b"


def _session(reference=False, timeout=None):
    infos = [TestInfo(A, "test_a", "a", 2.0, "step04.1", timeout, True, ()),
             TestInfo(B, "test_b", "b", 3.0, "step04.2", None, True, ())]
    session = Session.create(infos, Limits(10.0, 600.0, allow_not_applicable=reference), 0.0,
                             "steps/step04/")
    session.begin_child(0.0)
    return session


def _run(session, *evs):
    for event in evs:
        session.handle(event, 1.0)
    return session


def _result(nodeid, outcome="passed"):
    return events.Result(nodeid, outcome, "", None, 0.1)


LOADED = (events.LoadStart(), events.LoadDone(None))


def test_results_in_protocol_order_are_recorded():
    s = _run(_session(), *LOADED, events.Start(A), _result(A), events.Start(B), _result(B, "failed"))
    assert [t.outcome for t in s.tests.values()] == [Outcome.PASSED, Outcome.FAILED]
    assert not s.tampered and s.pending() == []


@pytest.mark.parametrize("evs, what", [
    ((events.Start(A),), "before the code was loaded"),
    ((*LOADED, events.Start("steps/step04/test_step04.py::test_bonus")), "an unknown test"),
    ((*LOADED, events.Start(A), _result(A), events.Start(A)), "a test that already has a result"),
    ((*LOADED, events.Start(A), _result(B)), "a result for another test"),
    ((*LOADED, _result(A)), "a result without a start"),
    ((*LOADED, events.Start(A), _result(A, "bogus")), "an unknown outcome"),
    ((*LOADED, events.LoadStart()), "a second load"),
])
def test_anything_out_of_order_marks_the_run_tampered(evs, what):
    s = _run(_session(), *evs)
    assert s.tampered, what
    assert any(f.startswith("tampered") for f in s.flags)
    assert all(t.outcome in (Outcome.INVALID, Outcome.PASSED) for t in s.tests.values())
    assert sum(t.points for t in s.tests.values()) == 5.0  # the maximum never moves


def test_not_applicable_is_only_the_graders_word():
    s = _run(_session(), *LOADED, events.Start(A), _result(A, "not_applicable"))
    assert s.tests[A].outcome == Outcome.FAILED and "only the grader" in s.tests[A].message
    s = _run(_session(reference=True), *LOADED, events.Start(A), _result(A, "not_applicable"))
    assert s.tests[A].outcome == Outcome.NOT_APPLICABLE


def test_deadline_is_the_earliest_limit():
    s = _session(timeout=30.0)
    assert s.deadline() == (600.0, "run")
    _run(s, events.LoadStart())
    assert s.deadline() == (11.0, "load")
    _run(s, events.LoadDone(None), events.Start(A))
    assert s.deadline() == (31.0, "test")  # a declared slow test gets its own timeout


def test_a_timeout_costs_only_the_running_test():
    s = _run(_session(), *LOADED, events.Start(A))
    assert s.timed_out("test") is True  # restart for the rest
    assert s.tests[A].outcome == Outcome.TIMEOUT and s.pending() == [B]


def test_a_crash_while_loading_fails_every_test_once():
    s = _run(_session(), events.LoadStart())
    assert s.exited("exit code 3") is False
    assert {t.outcome for t in s.tests.values()} == {Outcome.CRASHED}


def test_flags_from_the_child_are_kept():
    s = _run(_session(), events.Flag("the code under test replaced np.allclose"))
    assert s.flags == ["runtime check: the code under test replaced np.allclose"] and not s.tampered


@pytest.mark.parametrize("line", [b"not json", b'{"event": "start"}', b'{"event": "result", "nodeid": 1}',
                                  b'{"event": "start", "nodeid": "x", "extra": 1}', b"[1, 2]",
                                  b'{"event": "start", "nodeid": "' + b"x" * 70000 + b'"}'])
def test_malformed_lines_are_protocol_errors(line):
    with pytest.raises(events.ProtocolError):
        events.decode(line)


def test_events_round_trip():
    for event in (events.LoadStart(), events.LoadDone("boom"), events.Start(A), _result(A),
                  events.Flag("x")):
        assert events.decode(events.encode(event)) == event
