"""A batch never loses a row: hostile entries, caps, Ctrl-C, ids, resume keys, options, output hygiene."""

import csv
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import time
import zipfile

import pytest

from grader import catalog, cli
from grader.instructor import batch, class_summary, feedback_files, gradebook, submissions, synthetic
from grader.instructor.snapshots import materialise
from grader.report import scorecard
from grader.report.files import write_atomic
from grader.results import StepResult, TestResult

CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0x9B)]


def _good(root, name, steps=(1,)):
    """A submission folder holding the solution of each step."""
    for step in steps:
        materialise(step, root / name / catalog.step_name(step))
    return root / name


def _fake_runs(monkeypatch):
    """Replace the test runs by one passing test each; returns the list of (root, step) graded."""
    calls = []

    def run_step(opts):
        calls.append((opts.target.root, opts.target.step))
        test = TestResult(f"steps/{catalog.step_name(opts.target.step)}/test_x.py::test_ok", "test_ok", "ok",
                          1.0, outcome="passed")
        return StepResult(opts.target.step, catalog.TITLES[opts.target.step], opts.target.label,
                          str(opts.target.root), tests=[test])

    monkeypatch.setattr(batch, "run_step", run_step)
    return calls


def _run(root, out, steps=(1,), **options):
    options.setdefault("test_timeout", 10.0)
    code = batch.run_batch(batch.BatchOptions(root, list(steps), out, jobs=2, **options))
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        return code, {(r["entry"], int(r["step"])): r for r in csv.DictReader(f)}


# 1. Every job's failure is its row; the batch goes on; Ctrl-C writes what is done.

def test_hostile_entries_among_good_ones_get_a_row_each(tmp_path, monkeypatch):
    root = tmp_path / "class"
    for name in ("alice", "boom", "carol", "unpackbug"):
        _good(root, name)
    (root / "corrupt.zip").write_bytes(os.urandom(2000))
    good_tgz = tmp_path / "good.tar.gz"
    with tarfile.open(good_tgz, "w:gz") as tf:
        tf.add(root / "alice" / "step01", "step01")
    (root / "truncated.tar.gz").write_bytes(good_tgz.read_bytes()[:200])
    latin1 = synthetic.zip_folder(root / "alice", root / "latin1.zip", extra=[("step01/XX.py", "x = 1\n")])
    latin1.write_bytes(latin1.read_bytes().replace(b"step01/XX.py", b"step01/\xff\xe9.py"))  # nor CP949
    with tarfile.open(root / "fifo.tar.gz", "w:gz") as tf:
        folder = tarfile.TarInfo("step01")
        folder.type = tarfile.DIRTYPE
        tf.addfile(folder)
        fifo = tarfile.TarInfo("step01/pipe")
        fifo.type = tarfile.FIFOTYPE
        tf.addfile(fifo)
    synthetic.zip_folder(root / "alice", root / "red\x1b[31m.zip")
    (root / "notes.txt").write_text("my homework is in the mail\n")

    real_run, real_unpack, real_write = batch.run_step, submissions.unpack, batch._Batch._write_student

    def run_step(opts):
        if "boom" in opts.target.root.parts:
            raise RuntimeError("the grader fell over\nwith a second line")
        return real_run(opts)

    def unpack(sub, into):
        if sub.student == "unpackbug":
            raise KeyError("surprise")
        real_unpack(sub, into)

    def write_student(self, sub, steps):
        if sub.student == "carol":
            raise OSError(28, "No space left on device")
        real_write(self, sub, steps)

    monkeypatch.setattr(batch, "run_step", run_step)
    monkeypatch.setattr(submissions, "unpack", unpack)
    monkeypatch.setattr(batch._Batch, "_write_student", write_student)
    code, rows = _run(root, tmp_path / "grades")
    assert code == 0
    entries = {e for e, _ in rows}
    assert entries == {"alice", "boom", "carol", "unpackbug", "corrupt.zip", "truncated.tar.gz",
                       "latin1.zip", "fifo.tar.gz", "red[31m.zip", "notes.txt"}
    status = {e: (r["status"], r["flags"]) for (e, _), r in rows.items()}
    assert status["alice"][0] == status["red[31m.zip"][0] == "graded"
    assert float(rows["alice", 1]["score"]) == float(rows["alice", 1]["max_score"]) > 0
    assert status["boom"] == ("error", "grading failed: RuntimeError: the grader fell over with a second "
                                       "line")
    assert status["carol"][0] == "error" and "writing students/carol.json failed" in status["carol"][1]
    assert status["unpackbug"] == ("error", "unpacking failed: KeyError: 'surprise'")
    for entry in ("corrupt.zip", "truncated.tar.gz", "latin1.zip", "fifo.tar.gz", "notes.txt"):
        assert status[entry][0] == "invalid" and status[entry][1], entry
    for entry in rows:  # every row has the step's maximum, graded or not
        assert rows[entry]["max_score"] == rows["alice", 1]["max_score"], entry
    assert "neither UTF-8 nor CP949" in status["latin1.zip"][1] and "special file" in status["fifo.tar.gz"][1]
    assert rows["red[31m.zip", 1]["student"] == "red_[31m"
    page = (tmp_path / "grades" / "summary.html").read_text()
    assert "\x1b" not in page and "unpacking failed" in page


def _wait_for(predicate, proc, seconds):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_ctrl_c_writes_the_finished_rows_and_removes_the_unpack_folders(tmp_path):
    root, out, scratch = tmp_path / "class", tmp_path / "grades", tmp_path / "scratch"
    scratch.mkdir()
    root.mkdir()
    for name, kind in (("a", "zip"), ("b", "hang"), ("c", "solution"), ("d", "zip")):
        synthetic.make_student(root, name, kind, [1, 4])  # a is unpacked and b hangs when Ctrl-C comes
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "batch", str(root), "--steps", "1,4", "--out", str(out),
         "--jobs", "2", "--timeout", "60"],
        cwd=catalog.REPO, env={**os.environ, "TMPDIR": str(scratch)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: any((out / "students").glob("*.json")), proc, 100)
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert time.monotonic() - started < 20  # the hanging test was stopped, not waited for
    with open(out / "gradebook.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert 1 <= len(rows) < 8 and "interrupted" in err
    for row in rows:  # every row written is a finished one, recorded in the student's file too
        record = json.loads((out / "students" / f"{row['student']}.json").read_text())
        assert record["steps"][row["step"]]["status"] == row["status"]
    assert (out / "summary.html").exists()
    with open(out / "roster.csv", newline="") as f:
        assert {r["Student"] for r in csv.DictReader(f)} == {r["student"] for r in rows}
    for row in rows:
        assert (out / "feedback" / f"{row['student']}.html").is_file()
    assert list(scratch.iterdir()) == []  # no unpack folder (nor a test run's) is left


# 2. Caps, counted after ignoring __MACOSX/, dotfiles and caches; iterative walks.

def test_archive_with_1100_levels_is_a_row_not_a_recursion_error(tmp_path, monkeypatch):
    _fake_runs(monkeypatch)
    root = tmp_path / "class"
    _good(root, "kim")
    name = ""
    with zipfile.ZipFile(root / "deep.zip", "w") as zf:
        for _ in range(1100):
            name += "d/"
            zf.writestr(name, "")
        zf.writestr(name + "step01.py", "x = 1\n")
    with tarfile.open(root / "deep.tar.gz", "w:gz") as tf:
        info = tarfile.TarInfo("d/" * 1100 + "step01.py")
        tf.addfile(info, io.BytesIO(b""))
    code, rows = _run(root, tmp_path / "grades")
    for entry in ("deep.zip", "deep.tar.gz"):
        assert rows[entry, 1]["status"] == "invalid"
        assert "more than 16 folders deep" in rows[entry, 1]["flags"]
    assert rows["kim", 1]["status"] == "graded"


def test_folder_with_1100_levels_is_refused_without_recursion(tmp_path):
    deep = tmp_path / "deep"
    _good(tmp_path, "deep")
    path = deep
    for _ in range(1100):
        path = path / "d"
        path.mkdir()
    try:
        sub = submissions.Submission("deep", deep)
        submissions.unpack(sub, tmp_path / "unused")
        assert sub.root is None and "more than 16 folders deep" in sub.problem
    finally:
        while path != deep:  # rmtree would recurse 1,100 times
            path.rmdir()
            path = path.parent


def test_macos_metadata_dotfiles_and_caches_are_ignored(tmp_path):
    kim = _good(tmp_path / "src", "kim")
    junk = [("__MACOSX/kim/._step01", "x"), ("__MACOSX/kim/step01/._step01.py", "x"), ("kim/.DS_Store", "x"),
            ("kim/.git/HEAD", "ref"), ("kim/.venv/lib/x.py", "x"), ("kim/step01/__pycache__/s.pyc", "x"),
            ("kim/step01/.hidden.py", "x")]
    root = tmp_path / "class"
    root.mkdir()
    synthetic.zip_folder(kim, root / "kim.zip", prefix="kim/", extra=junk)  # kim.zip holds kim/step01/...
    (root / "__MACOSX").mkdir()
    (root / ".DS_Store").write_text("x")
    subs = submissions.discover(root)
    assert [s.student for s in subs] == ["kim"]
    into = tmp_path / "unpacked"
    submissions.unpack(subs[0], into)
    assert subs[0].problem == "" and subs[0].root == into / "kim"
    kept = sorted(p.relative_to(into).as_posix() for p in into.rglob("*"))
    assert kept == ["kim", "kim/step01", "kim/step01/step01.py"]
    assert (submissions.content_hash(into / "kim" / "step01")
            == submissions.content_hash(kim / "step01"))


def test_a_zip_with_windows_separators_is_unpacked_into_folders(tmp_path):
    """Older Windows tools (PowerShell 5's Compress-Archive) write step01\\step01.py: still a step folder."""
    step = _good(tmp_path / "src", "s") / "step01"
    archive = tmp_path / "win.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("kim\\step01\\", "")
        zf.writestr("kim\\step01\\step01.py", (step / "step01.py").read_text())
    sub = submissions.Submission("win", archive)
    into = tmp_path / "unpacked"
    submissions.unpack(sub, into)
    assert sub.problem == "" and sub.root == into / "kim"
    assert (into / "kim" / "step01" / "step01.py").read_text() == (step / "step01.py").read_text()
    assert submissions.locate(sub.root, 1, [1]).folder == into / "kim" / "step01"
    for bad, problem in (("kim\\..\\..\\x.py", "'..'"), ("\\abs\\x.py", "absolute")):
        evil = tmp_path / "evil.zip"
        with zipfile.ZipFile(evil, "w") as zf:
            zf.writestr(bad, "x")
        sub = submissions.Submission("evil", evil)
        submissions.unpack(sub, tmp_path / "evil")
        assert problem in sub.problem and not (tmp_path / "x.py").exists()


def test_a_zip_from_korean_windows_keeps_its_hangul_folder_name(tmp_path):
    """Korean Windows' zip tools write names in CP949 without the UTF-8 flag: 김철수/step01/ is
    still read as 김철수/, not refused and not turned into mojibake."""
    step = _good(tmp_path / "src", "s") / "step01"
    archive = tmp_path / "kim.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # ASCII stand-ins, as long as the CP949 bytes
        zf.writestr("HANGUL/step01/", "")
        zf.writestr("HANGUL/step01/step01.py", (step / "step01.py").read_text())
    cp949 = "김철수".encode("cp949")
    assert len(cp949) == len(b"HANGUL")
    archive.write_bytes(archive.read_bytes().replace(b"HANGUL", cp949))
    with zipfile.ZipFile(archive) as zf:
        assert not any(info.flag_bits & 0x800 for info in zf.infolist())
    sub = submissions.Submission("kim", archive)
    into = tmp_path / "unpacked"
    submissions.unpack(sub, into)
    assert sub.problem == "" and sub.root == into / "김철수"
    assert submissions.locate(sub.root, 1, [1]).folder == into / "김철수" / "step01"


def test_caps_count_only_what_is_kept(tmp_path):
    step = _good(tmp_path / "src", "s") / "step01"

    def unpack(name, extra):
        archive = synthetic.zip_folder(step.parent, tmp_path / f"{name}.zip", extra=extra)
        sub = submissions.Submission(name, archive)
        into = tmp_path / name
        submissions.unpack(sub, into)
        return sub, into

    ignored = [(f"{prefix}/f{i}", "") for prefix in (".git/objects", "__MACOSX", "step01/__pycache__")
               for i in range(1000)] + [(".git/" + "d/" * 30 + "x", "")]
    sub, _ = unpack("junk", ignored)  # 3,001 ignored members, one 32 deep: still fine
    assert sub.problem == "" and sub.root is not None
    sub, into = unpack("many", [(f"step01/data/f{i}.txt", "") for i in range(2000)])
    assert "more than 2000 files and folders" in sub.problem and not into.exists()
    sub, into = unpack("deep", [("step01/" + "d/" * 15 + "x.py", "")])
    assert "more than 16 folders deep" in sub.problem and not into.exists()
    sub, into = unpack("huge", [(f".git/f{i}", "") for i in range(20_001)])
    assert "more than 20000 members" in sub.problem and not into.exists()
    folder = _good(tmp_path / "folders", "withgit")
    for i in range(2100):
        (folder / ".git").mkdir(exist_ok=True)
        (folder / ".git" / f"o{i}").write_text("")
    sub = submissions.Submission("withgit", folder)
    submissions.unpack(sub, tmp_path / "unused")
    assert sub.problem == "" and sub.root == folder
    for i in range(2001):
        (folder / "step01" / f"f{i}.txt").write_text("")
    submissions.unpack(sub, tmp_path / "unused")
    assert "more than 2000 files and folders" in sub.problem


# 3. Ids: unique against every name claimed, the same in every run, the entry recorded.

def test_ids_are_unique_and_stable_and_the_entry_is_recorded(tmp_path, monkeypatch):
    _fake_runs(monkeypatch)
    root = tmp_path / "class"
    _good(root, "kim")
    _good(root, "kim-2")
    synthetic.zip_folder(root / "kim", root / "kim.zip")
    ids = {"kim": "kim", "kim-2": "kim-2", "kim.zip": "kim-3"}
    out = tmp_path / "grades"
    for _ in range(2):
        assert {s.entry: s.student for s in submissions.discover(root)} == ids
        code, rows = _run(root, out)
        assert {e: r["student"] for (e, _), r in rows.items()} == ids
    for entry, student in ids.items():
        assert json.loads((out / "students" / f"{student}.json").read_text())["entry"] == entry
    synthetic.zip_folder(root / "kim", root / "KIM.zip")  # one file on a case-insensitive disk: KIM, kim-4
    assert {s.entry: s.student for s in submissions.discover(root)} == {
        "KIM.zip": "KIM", "kim": "kim-3", "kim-2": "kim-2", "kim.zip": "kim-4"}


def test_a_name_written_decomposed_is_the_same_id_as_the_composed_one(tmp_path):
    """A Mac writes Hangul decomposed (NFD): 김철수.zip from a Mac is not a second, look-alike id."""
    import unicodedata

    composed = "김철수"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    (tmp_path / composed).mkdir()
    (tmp_path / f"{decomposed}.zip").write_bytes(b"")
    ids = {s.entry: s.student for s in submissions.discover(tmp_path)}  # the entry keeps its own name
    assert ids == {f"{decomposed}.zip": composed, composed: f"{composed}-2"}  # name order: jamo first
    only = tmp_path / "only"
    only.mkdir()
    (only / decomposed).mkdir()
    assert [s.student for s in submissions.discover(only)] == [composed]  # the LMS's spelling


def test_a_record_of_another_entry_is_not_resumed(tmp_path, monkeypatch):
    calls = _fake_runs(monkeypatch)
    root = tmp_path / "class"
    _good(root, "kim")
    _good(root, "kim-2")
    out = tmp_path / "grades"
    _run(root, out)
    shutil.rmtree(root / "kim-2")
    synthetic.zip_folder(root / "kim", root / "kim.zip")  # kim-2 is now kim.zip: a new entry
    calls.clear()
    code, rows = _run(root, out)
    assert len(calls) == 1 and calls[0][0] != root / "kim" / "step01"  # kim is unchanged, kim.zip is new
    assert rows["kim.zip", 1]["student"] == "kim-2"


# 4. Resume keys: content, tests, hints, hidden tests, grader, options; --force.

def test_resume_regrades_only_what_changed(tmp_path, monkeypatch):
    calls = _fake_runs(monkeypatch)
    root, out = tmp_path / "class", tmp_path / "grades"
    _good(root, "ann", (1, 4))
    _good(root, "bob", (1, 4))
    tests = {step: tmp_path / f"test_step{step:02d}.py" for step in (1, 4)}
    for step, path in tests.items():
        shutil.copy(catalog.test_file(step), path)
    monkeypatch.setattr(catalog, "test_file", lambda step: tests[step])

    def graded(**options):
        calls.clear()
        _run(root, out, (1, 4), **options)
        return sorted((r.parent.name, step) for r, step in calls)

    everything = [("ann", 1), ("ann", 4), ("bob", 1), ("bob", 4)]
    assert graded() == everything
    assert graded() == []
    tests[4].write_text(tests[4].read_text() + "\n# a new test\n")
    assert graded() == [("ann", 4), ("bob", 4)]
    (root / "bob" / "step01" / "step01.py").write_text("x = 1\n")
    assert graded() == [("bob", 1)]
    hidden = tmp_path / "hidden"
    (hidden / "step01").mkdir(parents=True)
    (hidden / "step01" / "test_more.py").write_text("def test_more(): pass\n")
    assert graded(hidden=hidden) == [("ann", 1), ("bob", 1)]
    assert graded(hidden=hidden) == []
    (hidden / "step01" / "test_more.py").write_text("def test_more(): assert True\n")
    assert graded(hidden=hidden) == [("ann", 1), ("bob", 1)]
    options = {"hidden": hidden}
    for option in ({"test_timeout": 3.0}, {"memory_limit": 2**30}, {"lang": "ko"}, {"allow_flagged": True},
                   {"sandbox": "none"}, {"run_timeout": 60.0}):
        options.update(option)  # one option more changes each time
        assert graded(**options) == everything, option
    assert graded(**options) == []
    monkeypatch.setattr(batch, "grader_version", lambda: "a new grader")
    assert graded(**options) == everything
    assert graded(**options) == []
    assert graded(**options, force=True) == everything


def test_force_on_the_command_line(tmp_path, monkeypatch):
    calls = _fake_runs(monkeypatch)
    root, out = tmp_path / "class", tmp_path / "grades"
    _good(root, "ann")
    argv = ["batch", str(root), "--steps", "1", "--out", str(out), "--jobs", "1"]
    assert cli.main(argv) == 0 and len(calls) == 1
    assert cli.main(argv) == 0 and len(calls) == 1
    assert cli.main([*argv, "--force"]) == 0 and len(calls) == 2


# 5. The options of `grade`, validated the same way.

def test_batch_takes_and_checks_the_options_of_grade(tmp_path, monkeypatch):
    root, hidden = tmp_path / "class", tmp_path / "hidden"
    root.mkdir()
    hidden.mkdir()
    seen = []
    monkeypatch.setattr(batch, "run_batch", lambda opts: seen.append(opts) or 0)
    argv = ["batch", str(root), "--steps", "1", "--out", str(tmp_path / "grades")]
    assert cli.main([*argv, "--hidden", str(hidden), "--memory", "512", "--allow-flagged", "--run-timeout",
                     "30", "--lang", "ko", "--sandbox", "none", "--timeout", "3"]) == 0
    run = seen[0].run_options(1, root)
    assert (run.hidden, run.memory_limit, run.allow_flagged, run.run_timeout, run.lang, run.sandbox,
            run.test_timeout) == (hidden.resolve(), 512 * 2**20, True, 30.0, "ko", "none", 3.0)
    for bad in (["--timeout", "0"], ["--run-timeout", "-1"], ["--memory", "0"], ["--timeout", "nan"],
                ["--hidden", str(tmp_path / "nowhere")], ["--jobs", "0"], ["--out", str(root / "grades")]):
        assert cli.main([*argv, *bad]) == 2, bad
    for bad in (["--lang", "fr"], ["--sandbox", "docker"], ["--memory", "lots"]):
        with pytest.raises(SystemExit) as exc:
            cli.main([*argv, *bad])
        assert exc.value.code == 2, bad
    assert len(seen) == 1


# 6. Output hygiene: formulas, control characters, file modes.

def test_csv_cells_are_never_formulas(tmp_path, monkeypatch):
    rows = [{"student": s, "entry": s, "step": 1, "score": -1.0, "max_score": 3, "status": "graded",
             "seconds": 0.5, "flags": f} for s, f in
            [("=cmd|' /C calc'!A0", "+1"), ("  -2+3", "\t@SUM(A1)"), ("kim", "timed-out"), ("a=b", "")]]
    text = gradebook.to_csv(rows)
    cells = list(csv.DictReader(io.StringIO(text)))
    assert [c["student"] for c in cells] == ["'=cmd|' /C calc'!A0", "'  -2+3", "kim", "a=b"]
    assert [c["flags"] for c in cells] == ["'+1", "'\t@SUM(A1)", "timed-out", ""]
    assert cells[0]["score"] == "-1.0"  # numbers stay numbers
    _fake_runs(monkeypatch)
    root = tmp_path / "class"
    _good(root, "=HYPERLINK(1)")
    code, rows2 = _run(root, tmp_path / "grades")
    assert rows2["'=HYPERLINK(1)", 1]["student"] == "'=HYPERLINK(1)"


def test_control_characters_never_reach_a_terminal_or_a_page(capsys):
    evil = "".join(CONTROL) + "\u202eok\udcff"
    test = TestResult("n", "t" + evil, "desc" + evil, 1.0, todo="step01.1" + evil, outcome="failed",
                      message="line one\x1b[2J\r\nline two\tcol" + evil, hint="h" + evil)
    result = StepResult(1, "title", "submission /x" + evil, "/x", tests=[test], flags=["flag" + evil])
    text = scorecard.render(result)
    assert not any(c in text for c in CONTROL + ["\u202e", "\udcff"])
    assert "line one[2J\n" in text and "line two" in text
    broken = StepResult(1, "title", "t", "/x", setup_error="could not\x1b]0;pwned\x07 collect\nmore")
    assert "\x1b" not in scorecard.render(broken) and "\x07" not in scorecard.render(broken)
    row = {"student": "s" + evil, "entry": "e" + evil, "step": 1, "score": 0, "max_score": 0,
           "status": "invalid", "seconds": 0.0, "flags": "why" + evil,
           "result": {"tests": [{"name": "n" + evil, "outcome": "failed"}]}}
    page = class_summary.render([row], [1])
    assert not any(c in page for c in CONTROL + ["\u202e", "\udcff"])
    graded = {**row, "status": "graded", "scorecard": text + evil}
    for lang in ("en", "ko"):
        for out in (feedback_files.render_text("s" + evil, [row, graded], lang),
                    feedback_files.render_html("s" + evil, [row, graded], lang),
                    gradebook.roster_csv([row], [1])):
            assert not any(c in out for c in CONTROL if c not in "\t\n") and "\u202e" not in out
            assert "\udcff" not in out
    progress = batch._Progress(1)
    progress.step("kim" + evil)
    line = capsys.readouterr().err
    assert not any(c in line for c in CONTROL if c != "\r") and "\n" not in line.rstrip("\n")


def test_output_files_are_0644_whatever_the_umask(tmp_path, monkeypatch):
    _fake_runs(monkeypatch)
    root, out = tmp_path / "class", tmp_path / "grades"
    _good(root, "ann")
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "one.txt", "x")
        _run(root, out)
    finally:
        os.umask(old)
    for path in (tmp_path / "one.txt", out / "gradebook.csv", out / "summary.html", out / "roster.csv",
                 out / "students" / "ann.json", out / "feedback" / "ann.txt", out / "feedback" / "ann.html"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
