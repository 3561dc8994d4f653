"""Batch grading of a small synthetic class: a row for everyone, bad entries explained."""

import csv
import json
import zipfile

from grader.instructor import batch, submissions, synthetic

STEPS = [1, 3]  # the two steps with the fewest tests: a hang or a crash costs a restart per test


def _grade(tmp_path, root):
    out = tmp_path / "grades"
    batch.run_batch(batch.BatchOptions(root, STEPS, out, jobs=2, test_timeout=2))
    with open(out / "gradebook.csv") as f:
        return out, list(csv.DictReader(f))


def test_each_kind_of_submission_gets_a_row(tmp_path):
    root = tmp_path / "class"
    synthetic.make_class(root, len(synthetic.KINDS), STEPS)  # one of each kind
    out, rows = _grade(tmp_path, root)
    assert len(rows) == len(synthetic.KINDS) * len(STEPS)
    by_kind = {r["student"]: r for r in rows if r["step"] == "3"}
    assert float(by_kind["student000"]["score"]) == float(by_kind["student000"]["max_score"]) > 0
    assert float(by_kind["student001"]["score"]) == 0 and "not-started" in by_kind["student001"]["flags"]
    assert "timed-out" in by_kind["student003"]["flags"]
    assert "crashed" in by_kind["student004"]["flags"]
    assert by_kind["student006"]["status"] == "invalid" and ".." in by_kind["student006"]["flags"]
    assert by_kind["student007.txt"]["status"] == "invalid"
    for step in STEPS:  # a row not graded still has the step's maximum, as a graded run sets it
        maxima = {float(r["max_score"]) for r in rows if r["step"] == str(step)}
        assert len(maxima) == 1 and maxima.pop() > 0, step
    assert by_kind["student005"]["entry"] == "student005.zip"
    assert float(by_kind["student005"]["score"]) == float(by_kind["student005"]["max_score"]) > 0
    assert not (tmp_path / "outside.py").exists() and not (root / "outside.py").exists()
    html = (out / "summary.html").read_text()
    assert "<script" not in html and "http" not in html and "worst pass rate" in html
    assert json.loads((out / "students" / "student000.json").read_text())["student"] == "student000"


def test_rerun_grades_only_what_changed(tmp_path):
    root = tmp_path / "class"
    synthetic.make_class(root, 2, STEPS)
    out, first = _grade(tmp_path, root)
    (root / "student001" / "step03" / "step03.py").write_text("raise SystemExit(1)\n")
    out, second = _grade(tmp_path, root)
    changed = [(a["student"], a["step"]) for a, b in zip(first, second, strict=True) if a != b]
    assert changed == [("student001", "3")]


def test_archive_problems_are_named(tmp_path):
    cases = {"abs.zip": "/etc/passwd", "up.zip": "../x.py", "link.zip": "step04/link"}
    for name, member in cases.items():
        with zipfile.ZipFile(tmp_path / name, "w") as zf:
            info = zipfile.ZipInfo(member)
            if name == "link.zip":
                info.external_attr = 0o120777 << 16
            zf.writestr(info, "x")
    subs = submissions.discover(tmp_path)
    for sub in subs:
        submissions.unpack(sub, tmp_path / "unpacked" / sub.student)
    reasons = {s.student: s.problem for s in subs}
    assert "absolute path" in reasons["abs"] and "'..'" in reasons["up"] and "link" in reasons["link"]


def test_same_name_twice_gets_two_ids(tmp_path):
    (tmp_path / "kim").mkdir()
    (tmp_path / "kim.zip").write_bytes(b"")
    assert [s.student for s in submissions.discover(tmp_path)] == ["kim", "kim-2"]
    (tmp_path / "kim-2").mkdir()  # a name taken by an entry is never given to another
    assert [(s.entry, s.student) for s in submissions.discover(tmp_path)] == [
        ("kim", "kim"), ("kim-2", "kim-2"), ("kim.zip", "kim-3")]
