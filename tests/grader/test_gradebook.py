"""A class graded in one batch: gradebook.csv, roster.csv and the feedback files say what the
grader's own single-step runs say, for every kind of entry a class hands in.

The expected scores and maxima come from run_step on the solution, the skeleton and the hang,
with the batch's options: nothing is hard-coded.
"""

import csv
import io
import json
import shutil
import stat
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader import catalog, hints, i18n
from grader.instructor import batch, feedback_files, gradebook, submissions, synthetic
from grader.instructor.snapshots import materialise
from grader.results import Outcome, StepResult, TestResult
from grader.runner import RunOptions, run_step
from grader.targets import Target

STEPS = [1, 4]
# Seconds per test: the hang costs two of them. Not 1: a solved test takes up to 0.4 s, and on a
# loaded machine (two cores, load 13) a 1 s limit made this test fail once.
TIMEOUT = 2.0


def _make_class(root, scratch):
    """Every kind of entry; returns {student id: entry name}."""
    root.mkdir()
    for name, kind, steps in (("solved", "solution", STEPS), ("skeleton", "skeleton", STEPS),
                              ("half", "half", STEPS), ("hang", "hang", [1])):
        synthetic.make_student(root, name, kind, steps)  # half: step 1 solved, step 4 skeleton
    syntax = materialise(1, root / "syntax" / "step01")
    (syntax / "step01.py").write_text("def broken(:\n" + (syntax / "step01.py").read_text())
    materialise(4, scratch / "tarred" / "step04")
    with tarfile.open(root / "tarred.tar.gz", "w:gz") as tf:
        tf.add(scratch / "tarred" / "step04", "step04")  # step 1 missing
    mac = materialise(1, scratch / "mac" / "step01").parent
    synthetic.zip_folder(mac, root / "mac.zip", prefix="mac/", extra=[
        ("__MACOSX/mac/._step01", "x"), ("__MACOSX/mac/step01/._step01.py", "x"), ("mac/.DS_Store", "x")])
    flat = scratch / "flat"
    flat.mkdir()
    for step in STEPS:  # stepNN.py side by side, in one enclosing folder, with macOS litter
        name = catalog.step_name(step)
        shutil.copy(materialise(step, scratch / "flat-src" / name) / f"{name}.py", flat / f"{name}.py")
    synthetic.zip_folder(flat, root / "flat.zip", prefix="flat/", extra=[("__MACOSX/flat/._step01.py", "x")])
    (root / "empty").mkdir()
    materialise(1, root / "kim" / "step01")
    synthetic.make_student(scratch, "kim", "skeleton", [1])
    # a plain zip, and the same name twice: kim and kim-2
    synthetic.zip_folder(scratch / "kim", root / "kim.zip")
    materialise(1, root / "김철수" / "step01")
    return {"solved": "solved", "skeleton": "skeleton", "half": "half", "hang": "hang",
            "syntax": "syntax", "tarred": "tarred.tar.gz", "mac": "mac.zip",
            "flat": "flat.zip", "empty": "empty", "kim": "kim", "kim-2": "kim.zip", "김철수": "김철수"}


def _reference(kind, step, folder=None):
    target = Target(kind, step, folder or Path())
    return run_step(RunOptions(target, test_timeout=TIMEOUT))


def test_a_class_gets_the_numbers_of_single_step_runs(tmp_path):
    root, out = tmp_path / "class", tmp_path / "grades"
    entries = _make_class(root, tmp_path / "scratch")
    with ThreadPoolExecutor(6) as pool:  # the grader's own single-step results, beside the batch
        refs = {(kind, step): pool.submit(_reference, kind, step) for kind in ("solution", "skeleton")
                for step in STEPS}
        refs["hang", 1] = pool.submit(_reference, "submission", 1, root / "hang" / "step01")
        code = batch.run_batch(batch.BatchOptions(root, STEPS, out, jobs=2, test_timeout=TIMEOUT))
        ref: dict[tuple[str, int], StepResult] = {key: f.result() for key, f in refs.items()}
    assert code == 0
    full = {step: ref["solution", step].max_score for step in STEPS}
    assert all(full.values()) and all(ref["solution", s].score == full[s] for s in STEPS)
    assert all(ref["skeleton", s].max_score == full[s] for s in STEPS)
    solved, skel = ({s: ref[k, s].score for s in STEPS} for k in ("solution", "skeleton"))
    missing, invalid = ("missing", None), ("invalid", None)
    expected = {  # student: {step: (score, status, flag) or (status, flag) for a step not graded}
        "solved": {1: solved[1], 4: solved[4]}, "skeleton": {1: skel[1], 4: skel[4]},
        "half": {1: solved[1], 4: skel[4]}, "hang": {1: (ref["hang", 1].score, "timed-out"), 4: missing},
        "syntax": {1: (0.0, "syntax-error"), 4: missing},
        "tarred": {1: missing, 4: solved[4]}, "mac": {1: solved[1], 4: missing},
        "flat": {1: solved[1], 4: solved[4]}, "empty": {1: invalid, 4: invalid},
        "kim": {1: solved[1], 4: missing}, "kim-2": {1: skel[1], 4: missing},
        "김철수": {1: solved[1], 4: missing},
    }

    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = {(r["student"], int(r["step"])): r for r in csv.DictReader(f)}
    assert len(rows) == len(expected) * len(STEPS)
    totals = {}
    for student, steps in expected.items():
        for step, want in steps.items():
            row = rows[student, step]
            assert row["entry"] == entries[student]
            assert float(row["max_score"]) == full[step], (student, step)  # also when not graded
            if isinstance(want, float):
                assert (row["status"], float(row["score"])) == ("graded", want), (student, step, row)
            elif want[0] in ("missing", "invalid"):
                assert (row["status"], float(row["score"])) == (want[0], 0.0), (student, step, row)
            else:
                assert row["status"] == "graded" and float(row["score"]) == want[0], (student, step, row)
                assert want[1] in row["flags"].split(), (student, step, row)
        totals[student] = sum(float(rows[student, s]["score"]) for s in STEPS)
    assert "no step04/ folder" in rows["kim-2", 4]["flags"] and "no stepNN/" in rows["empty", 1]["flags"]
    assert not any({"syntax-error", "import-error"} & set(r["flags"].split()) for k, r in rows.items()
                   if k[0] != "syntax")

    with open(out / "roster.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        roster = {r["Student"]: r for r in reader}
    assert reader.fieldnames == [*gradebook.LMS_STUDENT, "entry", "step01", "step04", "total", "max_total",
                                 "percent"]
    assert set(roster) == set(expected)
    for student, record in roster.items():
        assert record["entry"] == entries[student]
        assert [float(record[catalog.step_name(s)]) for s in STEPS] == [float(rows[student, s]["score"])
                                                                          for s in STEPS]
        assert float(record["total"]) == totals[student]
        assert float(record["max_total"]) == sum(full.values())  # 3/12 for a skipped step, not 3/3
        assert float(record["percent"]) == round(100 * totals[student] / sum(full.values()), 1)
        assert record["ID"] == record["SIS User ID"] == record["SIS Login ID"] == record["Section"] == ""

    records = {s: json.loads((out / "students" / f"{s}.json").read_text()) for s in expected}
    for student in expected:
        text = (out / "feedback" / f"{student}.txt").read_text(encoding="utf-8")
        page = (out / "feedback" / f"{student}.html").read_text(encoding="utf-8")
        for path in (out / "feedback" / f"{student}.txt", out / "feedback" / f"{student}.html"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o644
        assert "batch-" not in text and "<script" not in page and "http" not in page
        for step in STEPS:
            card = records[student]["steps"][str(step)].get("scorecard")
            if rows[student, step]["status"] == "graded":  # the scorecard, as `grade` prints it
                assert card and card in text and f"Step {step:02d} · " in card, (student, step)
                assert f"Score: {float(rows[student, step]['score']):g}/{full[step]:g}" in card
                assert f"id='{catalog.step_name(step)}'" in page
            else:
                assert card is None and f"Step {step:02d} · " in text
        assert f"Total: {totals[student]:g}/{sum(full.values()):g}" in text
    level1 = hints.hint_for(hints.load_hints(catalog.step_dir(1)), "step01.1", "en", 1)
    syntax_text = (out / "feedback" / "syntax.txt").read_text()
    # Code that cannot load gets no TODO hint: the error comes first.
    assert "hint " not in syntax_text and " ".join(level1.split()) not in " ".join(syntax_text.split())
    assert "fix the error above first" in syntax_text
    assert "SyntaxError" in syntax_text and "not submitted" in syntax_text
    summary = (out / "summary.html").read_text()
    assert "syntax-error" in summary  # "needs a look"


# Flat uploads, step by step.

def _touch(path, text="x = 1\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_flat_uploads_are_graded_where_the_step_is_unambiguous(tmp_path):
    root = tmp_path / "sub"
    _touch(root / "step01.py")
    _touch(root / "step23.py")
    _touch(root / "dezero" / "__init__.py")
    _touch(root / "step04" / "step04.py")
    _touch(root / "notes.md")
    locate = submissions.locate
    assert locate(root, 1, [1, 4]) == submissions.StepSource(root, flat=True)
    assert locate(root, 4, [1, 4]) == submissions.StepSource(root / "step04")  # its folder wins
    assert locate(root, 2, [1, 2]).status == "missing" and "step02.py" in locate(root, 2, [1, 2]).problem
    assert locate(root, 23, [1, 23]) == submissions.StepSource(root, flat=True)  # one package step
    assert locate(root, 24, [24]) == submissions.StepSource(root, flat=True)  # dezero/ alone
    two = locate(root, 23, [23, 24])
    assert two.folder is None and two.status == "invalid" and "23-24" in two.problem
    (root / "dezero" / "__init__.py").unlink()
    (root / "dezero").rmdir()
    assert locate(root, 23, [23, 24]) == submissions.StepSource(root, flat=True)  # stepNN.py names it
    assert locate(root, 24, [23, 24]).status == "missing"


def test_flat_hash_covers_only_the_steps_own_files(tmp_path):
    root = tmp_path / "sub"
    for name in ("step01.py", "step02.py", "step23.py", "dezero/__init__.py", "dezero/core.py"):
        _touch(root / name)
    before = {step: submissions.flat_hash(root, step) for step in (1, 2, 23)}
    _touch(root / "step02.py", "x = 2\n")
    _touch(root / "notes.md", "new\n")
    after = {step: submissions.flat_hash(root, step) for step in (1, 2, 23)}
    assert after[1] == before[1] and after[23] == before[23] and after[2] != before[2]
    _touch(root / "dezero" / "core.py", "x = 2\n")
    changed = submissions.flat_hash(root, 23)
    assert changed != before[23] and submissions.flat_hash(root, 1) == before[1]
    _touch(root / "dezero" / "__pycache__" / "core.pyc", "junk")  # never graded, never hashed
    _touch(root / "dezero" / ".hidden.py", "junk")
    assert submissions.flat_hash(root, 23) == changed


def test_the_root_of_flat_and_mac_uploads(tmp_path):
    def root_of(members):
        archive = tmp_path / f"a{len(list(tmp_path.glob('*.zip')))}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for name in members:
                zf.writestr(name, "x = 1\n")
        sub = submissions.Submission("a", archive)
        into = tmp_path / archive.stem
        submissions.unpack(sub, into)
        return sub.root.relative_to(into).as_posix() if sub.root else sub.problem

    assert root_of(["step01.py", "step04.py", "__MACOSX/._step01.py", ".DS_Store"]) == "."
    assert root_of(["kim/step01.py", "__MACOSX/kim/._step01.py", "kim/.DS_Store"]) == "kim"
    assert root_of(["a/b/step01.py", "__MACOSX/a/b/._step01.py"]) == "a/b"  # enclosing folders looked through
    assert root_of(["kim/dezero/__init__.py", "kim/step23.py"]) == "kim"
    assert root_of(["kim/step01.py", "kim/steps/step01/step01.py"]) == "kim/steps"  # folders win
    assert root_of(["kim/README.md", "kim/notes/x.py", "kim/other/y.py"]).startswith("no stepNN/ folder")
    assert root_of(["kim/._step01.py", "__MACOSX/step01.py"]).startswith("no stepNN/ folder")


# The roster and the flags, alone.

def _row(student, step, score, max_score, status="graded", flags=""):
    return {"student": student, "entry": student + ".zip", "step": step, "score": score,
            "max_score": max_score, "status": status, "seconds": 0.0, "flags": flags}


def test_roster_is_one_numeric_row_per_student_in_canvas_and_moodle_form():
    rows = [_row("kim", 1, 3.0, 3.0), _row("kim", 4, 2.5, 9.0), _row("=lee", 1, 0.0, 3.0, "missing"),
            _row("=lee", 4, 0.0, 9.0, "invalid")]
    text = gradebook.roster_csv(rows, [1, 4, 7])  # step 7: no row (a batch cut short)
    lines = list(csv.reader(io.StringIO(text)))
    header = lines[0]
    # Canvas: the header starts Student, ID; the student columns end with Section.
    assert header[:2] == ["Student", "ID"] and header[4] == "Section"
    assert header[5:] == ["entry", "step01", "step04", "step07", "total", "max_total", "percent"]
    assert lines[1] == ["kim", "", "", "", "", "kim.zip", "3", "2.5", "", "5.5", "12", "45.8"]
    assert lines[2] == ["'=lee", "", "", "", "", "'=lee.zip", "0", "0", "", "0", "12", "0.0"]
    assert len(lines) == 3  # every row is a student: no points-possible or totals row
    for line in lines[1:]:  # Moodle: every grade cell is a number (or empty: no grade)
        for value in line[6:]:
            assert value == "" or float(value) >= 0


def test_roster_counts_a_step_without_a_row_at_its_class_maximum():
    """After Ctrl-C a student may have a row for step 1 only: 3 of 3 is not 100% of the batch."""
    rows = [_row("kim", 1, 3.0, 3.0), _row("lee", 1, 1.0, 3.0), _row("lee", 4, 9.0, 9.0)]
    lines = list(csv.reader(io.StringIO(gradebook.roster_csv(rows, [1, 4]))))
    assert lines[1][5:] == ["kim.zip", "3", "", "3", "12", "25.0"]
    assert lines[2][5:] == ["lee.zip", "1", "9", "10", "12", "83.3"]
    lines = list(csv.reader(io.StringIO(gradebook.roster_csv(rows, [1, 4, 7]))))  # step 7: no row at all
    assert lines[1][5:] == ["kim.zip", "3", "", "", "3", "12", "25.0"]


def test_load_errors_are_flagged_in_either_language():
    def result(message, lang):
        test = TestResult("n", "t", "d", 1.0, outcome=Outcome.ERROR, message=message)
        return StepResult(1, "t", "x", "/x", tests=[test], lang=lang)

    syntax = "SyntaxError in step01.py, line 3: invalid syntax\n    def f(:"
    other = "importing step01.py raised NameError: name 'np' is not defined"
    for lang in ("en", "ko"):
        assert batch.load_flags(result(i18n.translate(syntax, lang), lang)) == ["syntax-error"]
        assert batch.load_flags(result(i18n.translate(other, lang), lang)) == ["import-error"]
    assert batch.load_flags(StepResult(1, "t", "x", "/x", tests=[TestResult("n", "t", "d", 1.0)])) == []


def test_feedback_files_say_why_a_step_was_not_graded_in_the_batch_language(tmp_path):
    rows = [_row("kim", 1, 0.0, 3.0, "missing", "no step01/ folder or step01.py"),
            {**_row("kim", 4, 9.0, 9.0), "scorecard": "Step 04 · card\x1b[31m text"},
            _row("kim", 7, 0.0, 9.0, "error", "grading failed: OSError: disk /secret/path")]
    feedback_files.write(rows, "ko", tmp_path)
    text = (tmp_path / "kim.txt").read_text()
    page = (tmp_path / "kim.html").read_text()
    assert "제출하지 않음" in text and "채점 결과: kim" in text and "합계: 9/21" in text
    assert "Step 04 · card[31m text" in text and "\x1b" not in text + page
    assert "/secret/path" not in text + page  # a grader error's reason is for the instructor
    assert "lang='ko'" in page and "id='step04'" in page
