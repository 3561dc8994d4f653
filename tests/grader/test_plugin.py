"""The grade marker says what a test is worth; a malformed one stops collection and names the test."""

import pytest

from grader.markers import marker_problem


@pytest.mark.parametrize("kwargs", [
    {"points": 2},
    {"points": 1.5, "todo": "step07.2"},
    {"points": 3, "todo": "step06.1", "reference": False},
    {"points": 2, "todo": "step07.1", "timeout": 30},
    {"points": 1, "needs": "dot"},
    {"points": 1, "needs": ("dot", "cupy")},
])
def test_valid_markers_pass(kwargs):
    assert marker_problem(kwargs, (), 7) is None


@pytest.mark.parametrize("kwargs, args, problem", [
    ({"points": 2}, (2,), "by name"),
    ({"points": 2, "todos": "step07.1"}, (), "unknown argument(s) todos"),
    ({}, (), "points must be"),
    ({"points": 0}, (), "points must be"),
    ({"points": True}, (), "points must be"),
    ({"points": "2"}, (), "points must be"),
    ({"points": 2, "todo": "step7.1"}, (), "TODO id like"),
    ({"points": 2, "todo": "step07.0"}, (), "TODO id like"),
    ({"points": 2, "todo": "step08.1"}, (), "later step"),
    ({"points": 2, "reference": "no"}, (), "True or False"),
    ({"points": 2, "timeout": -1}, (), "positive number of seconds"),
    ({"points": 2, "needs": "a gpu"}, (), "needs must name"),
])
def test_bad_markers_are_named(kwargs, args, problem):
    assert problem in (marker_problem(kwargs, args, 7) or "")


def test_a_bad_marker_in_a_hidden_test_stops_the_run_with_its_name(grade, tmp_path):
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "test_step04_extra.py").write_text(
        "import pytest\n\n\n@pytest.mark.grade(points=-1)\ndef test_extra(dz):\n    assert True\n")
    proc, report = grade(4, "solution", "--hidden", str(hidden))
    assert proc.returncode == 2
    assert "test_extra: bad grade marker: points must be" in proc.stdout
