"""Issue 15's Done-when class, graded end to end: every number of every output of `batch` checked
against numbers computed here, independently of the batch.

The class holds every kind of entry an instructor meets (solved, skeleton, half-solved, a syntax
error, an import error, a hang, a zip, a tar.gz, a Mac zip, a flat upload with a dezero/ folder
for the one package step, missing steps, an empty folder, kim/ kim-2/ kim.zip, a non-ASCII name),
built from this repository's solutions and skeletons. The expected numbers come from plain
pytest on the very folders the entries were made from, with a small recorder plugin that notes
each test's points (its grade marker), its statement (its docstring) and whether it passed:
not the grader's runner, collection, batch, gradebook or report code. A hang's twin raises
where the hang loops, so the same tests fail without waiting. Nothing here is a figure copied
from a run.

It grades 4 steps of 15 entries (about 35 runs): a few minutes on two cores, so it runs only
with CLASS_CHECK=1, as `nox -s class-check` sets it, and not in `nox -s tests`.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from grader import catalog
from grader.instructor import export, synthetic
from grader.instructor.synthetic import Entry

pytestmark = pytest.mark.skipif(os.environ.get("CLASS_CHECK") != "1",
                                reason="slow (a few minutes): run it with `nox -s class-check`")

STEPS = [1, 3, 14, 23]  # three module steps and one package step (for the flat dezero/)
TIMEOUT = 3.0  # per test: a solved test here takes under 0.4 s; the hang costs this per test it reaches
CANVAS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]  # Canvas's export, as the README says
LOAD_FLAGS = {"syntax": {"syntax-error"}, "import": {"import-error"}, "hang": {"timed-out"}}  # kind → flags

RECORDER = '''
"""Notes each test's grade-marker points and TODO, its statement and its outcome, as JSON."""
import json, os
import pytest

RECORDS = {}


def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = item.get_closest_marker("grade")
        kwargs = dict(marker.kwargs) if marker else {}
        doc = (getattr(getattr(item, "function", None), "__doc__", None) or "").strip()
        needs = kwargs.get("needs") or ()
        RECORDS[item.nodeid] = {"points": float(kwargs.get("points", 1)), "todo": kwargs.get("todo"),
                                "needs": [needs] if isinstance(needs, str) else list(needs),
                                "statement": doc.splitlines()[0] if doc else item.name,
                                "outcome": None, "not_started": False}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    record = RECORDS[item.nodeid]
    exc = call.excinfo.value if call.excinfo is not None else None
    while exc is not None:  # a TODO's NotImplementedError, raised in a test or at import
        text = str(exc)
        if "TODO(" in text and (isinstance(exc, NotImplementedError) or "NotImplementedError" in text):
            record["not_started"] = True
        exc = exc.__cause__ or exc.__context__
    if report.skipped and record["outcome"] is None:
        record["outcome"] = "skipped"
    elif report.failed:
        record["outcome"] = "failed"
    elif report.when == "call" and report.passed and record["outcome"] is None:
        record["outcome"] = "passed"


def pytest_sessionfinish(session):
    with open(os.environ["CLASS_CHECK_RECORD"], "w") as f:
        json.dump(RECORDS, f)
'''


# What each step of each kind of code scores, by plain pytest.

@dataclass
class Expected:
    """One step of one kind of code as plain pytest grades it."""

    tests: dict[str, dict]  # statement → the recorder's record
    maximum: float = 0.0
    score: float = 0.0
    not_started: bool = False
    passed: set[str] = field(default_factory=set)
    applicable: set[str] = field(default_factory=set)


def _recorded(step: int, work: Path, *args: str) -> dict[str, dict]:
    """Plain pytest over a copy of the step's test file with the recorder: nodeid → record."""
    work.mkdir(parents=True)
    (work / "class_check_recorder.py").write_text(RECORDER)
    tests = work / catalog.step_name(step)
    tests.mkdir()
    shutil.copy(catalog.test_file(step), tests)
    record = work / "record.json"
    env = {**os.environ, "PYTHONPATH": str(work), "CLASS_CHECK_RECORD": str(record)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "grader.plugin", "-p", "class_check_recorder",
         "-p", "no:cacheprovider", "--rootdir", str(work), "--grader-step", str(step), *args, str(tests)],
        cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert record.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    records: dict[str, dict] = json.loads(record.read_text())
    return records


def _plain_pytest(step: int, folder: Path, work: Path) -> Expected:
    """Run the step's test file on folder with plain pytest and the recorder (no grader runner)."""
    records = _recorded(step, work, "--grader-target", "submission", "--grader-root", str(folder))
    found = Expected({r["statement"]: r for r in records.values()})
    assert len(found.tests) == len(records), "two tests of a step share a statement"
    for statement, r in found.tests.items():
        if r["outcome"] == "skipped":  # a need this machine lacks: out of the maximum
            continue
        found.applicable.add(statement)
        found.maximum += r["points"]
        if r["outcome"] == "passed":
            found.passed.add(statement)
            found.score += r["points"]
        found.not_started |= r["not_started"]
    return found


def _expected(tmp: Path, entries: list[Entry]) -> dict[tuple[str, int], Expected]:
    """(kind, step) → plain pytest's result on that kind of code (a hang by its twin)."""
    kinds = sorted({(kind, step) for e in entries for step, kind in (e.steps or {}).items()})

    def one(kind: str, step: int) -> Expected:
        run_as = "hang-twin" if kind == "hang" else kind
        # at the same position as in the class: a half-solved one-TODO step depends on it
        dest = tmp / "kinds" / f"{run_as}-{step}" / catalog.step_name(step)
        folder = synthetic.write_kind(run_as, step, dest, STEPS.index(step))
        return _plain_pytest(step, folder, tmp / "plain" / f"{run_as}-{step}")

    with ThreadPoolExecutor(2) as pool:
        futures = {key: pool.submit(one, *key) for key in kinds}
        return {key: f.result() for key, f in futures.items()}


def _hints(step: int) -> dict[str, list[str]]:
    """TODO id → its English hints, read from hints.toml here ([stepNN.k] is table stepNN, key k)."""
    data = tomllib.loads((catalog.step_dir(step) / "hints.toml").read_text(encoding="utf-8"))
    name = catalog.step_name(step)
    return {f"{name}.{k}": table["en"] for k, table in data[name].items()}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _percent(score: float, maximum: float) -> str:
    return f"{100 * score / maximum:.0f}%"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class, what plain pytest expects of each kind of code, and the batch's outputs."""
    tmp = tmp_path_factory.mktemp("class-check")
    root, out = tmp / "class", tmp / "grades"
    entries = synthetic.make_done_when_class(root, tmp / "scratch", STEPS)
    expected = _expected(tmp, entries)
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "batch", str(root), "--steps", ",".join(map(str, STEPS)),
         "--out", str(out), "--jobs", "2", "--timeout", str(TIMEOUT), "--lang", "en"],
        cwd=catalog.REPO, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return entries, expected, out


def _want(entries: list[Entry], expected: dict[tuple[str, int], Expected]) -> dict[tuple[str, int], dict]:
    """(student, step) → the row the gradebook should hold."""
    maxima = {step: {e.maximum for (k, s), e in expected.items() if s == step} for step in STEPS}
    assert all(len(m) == 1 and m != {0.0} for m in maxima.values()), maxima  # one maximum per step
    rows = {}
    for e in entries:
        for step in STEPS:
            top = maxima[step].copy().pop()
            kind = (e.steps or {}).get(step)
            if e.steps is None or kind is None:
                status = "invalid" if e.steps is None else "missing"
                rows[e.student, step] = {"entry": e.entry, "score": 0.0, "max": top, "kind": None,
                                         "status": status, "flags": set()}
                continue
            got = expected[kind, step]
            flags = set(LOAD_FLAGS.get(kind, ()))
            flags |= {"not-started"} if got.not_started else set()
            rows[e.student, step] = {"entry": e.entry, "score": got.score, "max": top, "kind": kind,
                                     "status": "graded", "flags": flags}
    return rows


def test_gradebook_rows(graded):
    entries, expected, out = graded
    want = _want(entries, expected)
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = {(r["student"], int(r["step"])): r for r in reader}
    assert reader.fieldnames[:5] == ["student", "entry", "step", "score", "max_score"]
    assert set(rows) == set(want) and len(rows) == len(entries) * len(STEPS)
    for key, w in want.items():
        row = rows[key]
        assert row["entry"] == w["entry"], key
        assert float(row["max_score"]) == w["max"], (key, row)  # the real maximum, graded or not
        assert row["status"] == w["status"], (key, row)
        assert float(row["score"]) == w["score"], (key, row, w)
        flags = set(row["flags"].split())
        if w["status"] == "graded":
            assert flags == w["flags"], (key, row, w)  # nothing more, nothing less
        else:
            assert re.search(rf"no ({catalog.step_name(key[1])}|stepNN)/", row["flags"]), (key, row)  # why
    assert stat.S_IMODE((out / "gradebook.csv").stat().st_mode) == 0o644


def test_roster_follows_canvas_and_moodle(graded):
    entries, expected, out = graded
    want = _want(entries, expected)
    with open(out / "roster.csv", newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    header, body = lines[0], lines[1:]
    names = [catalog.step_name(s) for s in STEPS]
    # Canvas: the header starts with Student and ID, the student columns end with Section.
    assert header == [*CANVAS, "entry", *names, "total", "max_total", "percent"]
    assert len(body) == len(entries)  # one row per student: no points-possible or totals row (Moodle)
    top = sum(want["solved", s]["max"] for s in STEPS)
    for line in body:
        record = dict(zip(header, line, strict=True))
        student = record["Student"]
        assert all(record[c] == "" for c in CANVAS[1:]), record
        e = next(x for x in entries if x.student == student)
        assert record["entry"] == e.entry
        for step, name in zip(STEPS, names, strict=True):
            assert re.fullmatch(r"\d+(\.\d+)?", record[name]), record  # a plain number
            assert float(record[name]) == want[student, step]["score"], (student, step)
        total = sum(want[student, s]["score"] for s in STEPS)
        assert float(record["total"]) == total and float(record["max_total"]) == top, record
        assert float(record["percent"]) == round(100 * total / top, 1), record
    assert {line[0] for line in body} == {e.student for e in entries}


def test_student_records(graded):
    entries, expected, out = graded
    want = _want(entries, expected)
    for e in entries:
        data = json.loads((out / "students" / f"{e.student}.json").read_text(encoding="utf-8"))
        assert (data["student"], data["entry"]) == (e.student, e.entry)
        assert sorted(map(int, data["steps"])) == STEPS
        for step in STEPS:
            row, w = data["steps"][str(step)], want[e.student, step]
            assert (row["score"], row["max_score"], row["status"]) == (w["score"], w["max"], w["status"])
            if w["kind"] is None:
                assert "result" not in row
                continue
            got = expected[w["kind"], step]
            tests = {t["name"]: t for t in row["result"]["tests"]}
            assert set(tests) == set(got.tests), (e.student, step)
            assert {n for n, t in tests.items() if t["outcome"] == "passed"} == got.passed, (e.student, step)
            for name, t in tests.items():
                assert t["max_score"] == (got.tests[name]["points"] if name in got.applicable else 0)
            if w["kind"] == "hang":  # every test the twin failed timed out
                timed_out = {n for n, t in tests.items() if t["outcome"] == "timeout"}
                assert timed_out == got.applicable - got.passed


def _parse_steps_table(text: str, pattern: str) -> dict[int, tuple[float, float]]:
    return {int(m[0]): (float(m[1]), float(m[2])) for m in re.findall(pattern, text)}


def test_feedback_files(graded):
    entries, expected, out = graded
    want = _want(entries, expected)
    hints = {step: _hints(step) for step in STEPS}
    for e in entries:
        text = (out / "feedback" / f"{e.student}.txt").read_text(encoding="utf-8")
        page = (out / "feedback" / f"{e.student}.html").read_text(encoding="utf-8")
        for path in (out / "feedback").glob(f"{e.student}.*"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o644
        total = sum(want[e.student, s]["score"] for s in STEPS)
        top = sum(want[e.student, s]["max"] for s in STEPS)
        assert f"Total: {total:g}/{top:g} ({_percent(total, top)})" in text, e.student
        assert f"Total: {total:g}/{top:g} ({_percent(total, top)})" in html.unescape(page), e.student
        table_txt = _parse_steps_table(text, r"(?m)^  Step (\d\d)\s+([\d.]+)/([\d.]+)")
        table_html = _parse_steps_table(page, r"<a href='#step(\d\d)'>\d\d</a></td><td>[^<]*</td>"
                                              r"<td>([\d.]+)/([\d.]+)</td>")
        for step in STEPS:
            w = want[e.student, step]
            assert table_txt[step] == table_html[step] == (w["score"], w["max"]), (e.student, step)
            if w["kind"] is None:
                continue
            got = expected[w["kind"], step]
            assert f"Score: {w['score']:g}/{w['max']:g}" in text, (e.student, step)
            assert f"id='{catalog.step_name(step)}'" in page
            # every unfinished TODO is named; a failing one (not a TODO left open) with its first hint,
            # or as following from the likeliest TODO
            failed = got.applicable - got.passed
            unfinished = {r["todo"] for n, r in got.tests.items() if n in failed and r["todo"]}
            for todo in unfinished:
                assert todo in text, (e.student, step, todo)
            open_ = {r["todo"] for r in got.tests.values() if r["not_started"] and r["todo"]}
            failing = unfinished - open_
            if w["kind"] in ("syntax", "import"):  # code that cannot load: no TODO is to blame yet
                assert "fix the error above first" in text, (e.student, step)
                assert not [t for t in failing if _flat(hints[step][t][0]) in _flat(text)], (e.student, step)
                continue
            if failing:
                shown = [t for t in failing if _flat(hints[step][t][0]) in _flat(text)]
                assert shown, (e.student, step, failing)  # the likeliest's level-1 hint at least
            for todo in failing:
                assert _flat(hints[step][todo][1]) not in _flat(text), (e.student, todo)  # level 1 only


def _section(page: str, anchor: str) -> str:
    start = page.index(f"id='{anchor}'")
    end = page.find("<h2", start)
    return page[start: end if end >= 0 else len(page)]


def test_summary_matches_the_gradebook(graded):
    entries, expected, out = graded
    want = _want(entries, expected)
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "<script" not in page and "http" not in page
    look = {s for (s, step), w in want.items()
            if w["status"] != "graded" or w["flags"] - {"not-started"}}
    plain = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert f"{len(entries)} students" in plain
    assert re.search(rf"\b{len(look)} need a look", plain), sorted(look)

    # The charts: students per tenth of each step's maximum, among the graded rows.
    charts = _section(page, "distribution")
    figures = re.findall(r"<figure>.*?</figure>", charts)
    assert len(figures) == len(STEPS)
    for step, figure in zip(STEPS, figures, strict=True):
        assert f"<b>{step:02d}</b>" in figure
        graded_rows = [w for (s, st), w in want.items() if st == step and w["status"] == "graded"]
        buckets = [0] * 11
        for w in graded_rows:
            buckets[min(int(10 * w["score"] / w["max"] + 1e-9), 10)] += 1
        bars = [int(n) for n in re.findall(r"<title>(\d+) student\(s\): [^<]*</title>", figure)]
        assert bars == buckets, (step, bars, buckets)
        note = f"{len(graded_rows)} graded"
        others = len(entries) - len(graded_rows)
        note += f", {others} not graded" if others else ""
        mean = sum(w["score"] / w["max"] for w in graded_rows) / len(graded_rows)
        assert f"{note}, mean {mean:.0%}" in figure, step

    # The students: each step's score/max or its status, and the total.
    table = _section(page, "students")
    for e in entries:
        link = f'<a href="feedback/{quote(e.student)}.html">{html.escape(e.student)}</a>'
        row = table[table.index(link):]
        row = row[: row.index("</tr>")]
        cells = re.findall(r"<td class=\"num[^\"]*\"[^>]*>(.*?)</td>", row)
        assert len(cells) == len(STEPS) + 1, (e.student, cells)
        for step, cell in zip(STEPS, cells[:-1], strict=True):
            w = want[e.student, step]
            shown = f"{w['score']:g}/{w['max']:g}" if w["status"] == "graded" else w["status"]
            flagged = w["status"] == "graded" and bool(w["flags"] - {"not-started"})
            assert html.unescape(cell) == shown + " ⚑" * flagged, (e.student, step, cell)
        total = sum(want[e.student, s]["score"] for s in STEPS)
        top = sum(want[e.student, s]["max"] for s in STEPS)
        assert cells[-1] == f"<b>{total:g}</b>/{top:g} ({_percent(total, top)})", (e.student, cells[-1])

    # The misconceptions: each test's passes among the graded rows, and its failures counted.
    mistakes = _section(page, "mistakes")
    for step in STEPS:
        statements = next(iter(g.tests for (k, s), g in expected.items() if s == step))
        for statement in statements:
            runs = [expected[w["kind"], step] for (s, st), w in want.items() if st == step and w["kind"]]
            ran = [g for g in runs if statement in g.applicable]
            passed = sum(statement in g.passed for g in ran)
            escaped = html.escape(statement)
            if passed == len(ran):
                assert f"{step:02d} {escaped}" in mistakes, statement  # passed by everyone graded
                continue
            body = next(b for b in re.findall(r"<tbody>.*?</tbody>", mistakes)
                        if f">{step:02d}</td><td rowspan=\"" in b
                        and f">{escaped}</td>" in b)
            assert f"{passed} of {len(ran)}</span>" in body, (step, statement)
            counts = [int(n) for n in re.findall(r"<td class=\"num\">(\d+)</td>", body)]
            assert sum(counts) == len(ran) - passed, (step, statement, counts)


def test_the_class_summary_renders_in_chromium(graded, tmp_path, chromium):
    entries, expected, out = graded
    want = _want(entries, expected)
    proc = chromium(out / "summary.html", tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert len(re.findall(r"<svg\b", dom)) == len(STEPS)
    assert len(re.findall(r"<rect\b", dom)) == 11 * len(STEPS)  # a bar per tenth, empty ones too
    table = dom[dom.index('<table class="mistakes">'):]
    table = table[: table.index("</table>")]
    failing = set()
    for (_, step), w in want.items():
        if w["kind"]:
            got = expected[w["kind"], step]
            failing |= {(step, name) for name in got.applicable - got.passed}
    assert table.count("<tbody>") == len(failing)
    shot = tmp_path / "summary.png"  # in the test's own folder: never in git
    proc = chromium(out / "summary.html", tmp_path, f"--screenshot={shot}", "--window-size=1200,1600")
    assert proc.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", proc.stderr[-2000:]


def test_classroom_max_scores_are_the_marker_points_of_all_60_steps(tmp_path):
    """Each step's Classroom checks add up to its tests' marker points, as plain pytest collects
    them, less the tests that need CuPy (a hosted runner has Graphviz and no GPU)."""
    steps = catalog.available_steps()
    assert steps == list(range(1, 61))
    workflow = yaml.safe_load(export.classroom(tmp_path / "repo", steps).read_text())
    checks = [s for s in workflow["jobs"]["run-autograding-tests"]["steps"]
              if s.get("uses", "").startswith("classroom-resources/autograding-command-grader@")]

    def points(step: int) -> float:
        records = _recorded(step, tmp_path / "collect" / str(step), "--collect-only",
                            "--grader-collect", str(tmp_path / f"collected-{step}.json"))
        return sum(r["points"] for r in records.values() if "cupy" not in r["needs"])

    with ThreadPoolExecutor(2) as pool:
        want = dict(zip(steps, pool.map(points, steps), strict=True))
    for step in steps:
        prefix = f"{catalog.step_name(step)}test"
        mine = [c["with"]["max-score"] for c in checks if c["id"].startswith(prefix)]
        assert sum(mine) == want[step] > 0, step
