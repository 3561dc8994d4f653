"""Report formats, checked by parsing what was written."""

import json
import xml.etree.ElementTree as ET

HIDDEN_TEST = '''
import numpy as np
import pytest


@pytest.mark.grade(points=3, todo="step04.2")
def test_hidden_negative_point(dz):
    """Hidden: numerical_diff of Square at -1.5 is -3."""
    got = dz.numerical_diff(dz.Square(), dz.Variable(np.array(-1.5)))
    assert float(np.asarray(getattr(got, "data", got))) == pytest.approx(-3.0)
'''


def test_gradescope_junit_and_json_agree(grade, submission, tmp_path):
    hidden = tmp_path / "hidden" / "step04"
    hidden.mkdir(parents=True)
    (hidden / "test_step04_hidden.py").write_text(HIDDEN_TEST)
    folder = submission(4, {"return (y1.data - y0.data) / (2 * eps)": "return (y1.data - y0.data) / eps"})
    gs, xml_path = tmp_path / "results.json", tmp_path / "junit.xml"
    proc, report = grade(4, folder, "--gradescope", str(gs), "--junit", str(xml_path),
                         "--hidden", str(tmp_path / "hidden"))
    assert proc.returncode == 1
    results = json.loads(gs.read_text())
    expected = {"score", "max_score", "execution_time", "visibility", "stdout_visibility", "tests"}
    assert set(results) >= expected
    assert results["score"] == report["score"] < results["max_score"] == report["max_score"]
    for t in results["tests"]:
        assert set(t) == {"name", "number", "score", "max_score", "status", "output", "visibility"}
        assert t["status"] in ("passed", "failed")
    assert [t["visibility"] for t in results["tests"]].count("after_published") == 1
    suite = ET.parse(xml_path).getroot()
    assert suite.tag == "testsuite" and int(suite.get("tests")) == len(report["tests"])
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert len(failed) == int(suite.get("failures")) == sum(t["status"] == "failed" for t in report["tests"])
