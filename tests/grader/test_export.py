"""The Gradescope export, checked here where Gradescope does not run: the zip, run_autograder in a
simulated /autograder (as the current user, and as an unprivileged one), the merge, and setup.sh
with stub commands. Classroom and Docker: test_export_classroom.py, test_export_docker.py."""

import io
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from grader import catalog, markers
from grader.collection import CollectionError
from grader.instructor import export, skeleton, snapshots, submissions
from grader.report import gradescope as gs_report

HIDDEN_TEST = '''
import numpy as np
import pytest


@pytest.mark.grade(points=1, todo="step04.2")
def test_hidden_numerical_diff_of_cube(dz):
    """numerical_diff(f, x) of a cube is close to 3x**2 (a hidden test)."""
    class Cube(dz.Function):
        def forward(self, x):
            return x ** 3
    y = dz.numerical_diff(Cube(), dz.Variable(np.array(2.0)))
    assert float(y) == pytest.approx(12.0, rel=1e-4)
'''


def _forger(report: Path, root: Path, tmp: Path) -> str:
    """Code for the end of a step file: it tries to write the results, the merge's reports (in
    run_autograder's temporary folders, under `tmp`), the grader and its cache, and writes what it
    managed into `report` (if it can)."""
    return textwrap.dedent(f'''

        import glob as _glob
        import os as _os
        _said = []
        _targets = [{str(root / "results" / "results.json")!r}, {str(root / "results" / "step99.json")!r},
                    {str(root / "results" / "step04.json")!r},
                    {str(root / "source" / ".grader" / "collections" / "forged.json")!r},
                    {str(root / "source" / "grader" / "report" / "gradescope.py")!r}]
        _targets += [_d + "/step01.json" for _d in _glob.glob({str(tmp / "tmp.*")!r})]
        for _p in _targets:
            try:
                with open(_p, "a") as _f:
                    _f.write('{{"score": 999, "max_score": 999, "tests": []}}')
                _said.append("WROTE " + _p)
            except OSError as _e:
                _said.append("DENIED " + _p + " " + type(_e).__name__)
        try:
            with open({str(report)!r}, "w") as _f:
                _f.write("\\n".join(_said) + "\\n")
        except OSError:
            pass
    ''')


@pytest.fixture
def open_tmp():
    """A folder that every user can enter (pytest's tmp_path is root's alone when root runs)."""
    folder = Path(tempfile.mkdtemp(prefix="grader-export-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _layout(base: Path, steps: list[int], hidden: Path | None = None) -> Path:
    """/autograder as Gradescope lays it out: source/ (the zip), submission/, results/ (made later)."""
    archive = export.gradescope(base / "autograder.zip", steps, hidden)
    root = base / "autograder"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    return root


def _run_autograder(root: Path, python: str, **env: str) -> subprocess.CompletedProcess:
    tmp = root.parent / "tmp"  # its own TMPDIR: the forger looks for run_autograder's folders there
    tmp.mkdir(exist_ok=True)
    tmp.chmod(0o1777)
    base = {"AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": python, "PATH": "/usr/bin:/bin",
            "TMPDIR": str(tmp)}
    return subprocess.run(["bash", str(root / "source" / "run_autograder")], env=base | env, timeout=600,
                          capture_output=True, text=True)


def _by_step(results: dict) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    for t in results["tests"]:
        rows.setdefault(int(t["number"].split(".")[0]), []).append(t)
    return rows


# ---- Gradescope ----


def test_gradescope_zip_holds_the_course_and_the_hidden_tests_and_no_answers(tmp_path):
    hidden = tmp_path / "hidden"
    (hidden / "step04").mkdir(parents=True)
    (hidden / "step04" / "test_step04_hidden.py").write_text(HIDDEN_TEST)
    (hidden / "test_step09_other.py").write_text(HIDDEN_TEST.replace("step04.2", "step09.1"))  # not listed
    archive = export.gradescope(tmp_path / "autograder.zip", [4, 7], hidden)
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert {"setup.sh", "run_autograder", "requirements.txt", "steps/step04/test_step04.py",
                "steps/step07/hints.toml", "grader/manifest.json",
                "hidden/step04/test_step04_hidden.py"} <= names
        assert not any(n.startswith(("solutions/", "dezero/", "grader/instructor/", "hidden/test_step09"))
                       for n in names)
        assert zf.read("steps.txt").split() == [b"4", b"7"]
        for script in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(zf.getinfo(script).external_attr >> 16) == 0o755


def test_gradescope_export_refuses_hidden_tests_it_would_not_use_or_cannot_collect(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(export.ExportError, match="holds no tests"):
        export.gradescope(tmp_path / "a.zip", [4], tmp_path / "empty")
    broken = tmp_path / "broken"
    (broken / "step04").mkdir(parents=True)
    (broken / "step04" / "test_broken.py").write_text("import pytest\n\n@pytest.mark.grade(points=-1)\n"
                                                      "def test_x(dz):\n    pass\n")
    with pytest.raises(export.ExportError, match="cannot be collected"):
        export.gradescope(tmp_path / "b.zip", [4], broken)
    assert not (tmp_path / "b.zip").exists()


def test_run_autograder_grades_folders_flat_files_missing_steps_and_hidden_tests(tmp_path):
    """A solution (step 4, in a nested folder, with a hidden test), a skeleton (step 7), a flat
    upload (step01.py, and step23.py with dezero/ for one package step), a step not submitted
    (9), and step 1's code trying to write result files: only the grader's results count."""
    hidden = tmp_path / "hidden"
    (hidden / "step04").mkdir(parents=True)
    (hidden / "step04" / "test_step04_hidden.py").write_text(HIDDEN_TEST)
    root = _layout(tmp_path, [1, 4, 7, 9, 23], hidden)
    upload = root / "submission"
    snapshots.materialise(23, upload)  # flat: step23.py and dezero/ at the top
    forged = tmp_path / "forger.txt"
    step01 = (catalog.SOLUTIONS_DIR / "step01" / "step01.py").read_text()
    (upload / "step01.py").write_text(step01 + _forger(forged, root, tmp_path / "tmp"))
    snapshots.materialise(4, upload / "my-work" / "step04")
    skeleton.generate(7, upload / "my-work" / "step07")
    (root / "results").mkdir()
    (root / "results" / "step99.json").write_text('{"score": 99}')  # not a listed step: never read

    proc = _run_autograder(root, sys.executable)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    rows = _by_step(results)
    assert sorted(rows) == [1, 4, 7, 9, 23]
    assert all(t["status"] == "passed" for step in (1, 4, 23) for t in rows[step])
    assert all(t["status"] == "failed" and t["score"] == 0 for t in rows[7])
    hidden_rows = [t for t in rows[4] if t["visibility"] == "after_published"]
    assert [t["name"] for t in hidden_rows] == [
        "numerical_diff(f, x) of a cube is close to 3x**2 (a hidden test)."]
    assert [(t["score"], t["max_score"]) for t in rows[9]] == [(0, gs_report.maximum(9))]
    assert "was not submitted" in rows[9][0]["output"]
    maxima = {step: gs_report.maximum(step, hidden) for step in rows}
    assert maxima[4] == gs_report.maximum(4) + 1
    assert results["max_score"] == sum(maxima.values())
    assert results["score"] == sum(t["score"] for t in results["tests"]) == maxima[1] + maxima[4] + maxima[23]
    assert "were not kept apart" in results["output"]  # no user `student` here: it says so
    for step in (1, 4, 7, 9, 23):  # one results file per step, each the merge's own
        one = json.loads((root / "results" / f"step{step:02d}.json").read_text())
        assert (one["score"], one["max_score"]) == (sum(t["score"] for t in rows[step]), maxima[step])
    if forged.exists():  # the forger ran outside a sandbox: whatever it wrote was not used
        assert forged.read_text().count("\n") >= 5


def _unprivileged_python(base: Path) -> str:
    """A venv that `nobody` can run, with the course's packages (linked, or copied, from this one)."""
    wanted = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(wanted, path="/usr/bin:/usr/local/bin")
    if system is None:
        pytest.skip(f"no system {wanted} that an unprivileged user can run")
    venv = base / "venv"
    subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    ours = Path(sysconfig.get_paths()["purelib"])
    theirs = next((venv / "lib").glob("python3*/site-packages"))
    skip = ("__editable__", "dezero_course", "pip", "setuptools", "_distutils_hack", "distutils-precedence",
            "pkg_resources")
    for entry in ours.iterdir():
        if entry.name.startswith(skip):
            continue

        def link(src: str, dst: str) -> None:
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)

        if entry.is_dir():
            shutil.copytree(entry, theirs / entry.name, copy_function=link)
        else:
            link(str(entry), str(theirs / entry.name))
    probe = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            str(venv / "bin" / "python"), "-c", "import numpy, pytest, hypothesis"],
                           capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"nobody cannot run the course's packages here: {probe.stderr[-300:]}")
    return str(venv / "bin" / "python")


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping privileges needs root")
def test_run_autograder_runs_the_submission_as_an_unprivileged_user(open_tmp):
    """As root with a user to switch to, the submission's code runs as that user: it can write
    none of the results, the reports, the grader or its cache, even with no sandbox around it."""
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody")
    tools = [shutil.which(t) for t in ("bash", "mkdir", "mktemp", "chmod", "cp", "find", "id", "setpriv",
                                       "tail", "rm", "sh", "cat")]
    if None in tools:
        pytest.skip("a basic tool is missing")
    python = _unprivileged_python(open_tmp)
    root = _layout(open_tmp, [1, 4])
    probe = open_tmp / "probe"
    probe.mkdir(mode=0o777)
    probe.chmod(0o1777)
    forged = probe / "forger.txt"
    step01 = (catalog.SOLUTIONS_DIR / "step01" / "step01.py").read_text()
    (root / "submission" / "step01.py").write_text(step01 + _forger(forged, root, open_tmp / "tmp"))
    snapshots.materialise(4, root / "submission" / "step04")
    bin_dir = open_tmp / "bin"  # PATH without bwrap: the user is the only barrier
    bin_dir.mkdir()
    for tool in tools:
        (bin_dir / Path(tool).name).symlink_to(tool)

    proc = _run_autograder(root, python, AUTOGRADER_USER="nobody", PATH=str(bin_dir))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "grading as the unprivileged user nobody" in proc.stdout
    results = json.loads((root / "results" / "results.json").read_text())
    rows = _by_step(results)
    assert all(t["status"] == "passed" for t in rows[1] + rows[4]), results
    assert results["score"] == results["max_score"] == gs_report.maximum(1) + gs_report.maximum(4)
    assert "not sandboxed" in results["output"] and "were not kept apart" not in results["output"]
    said = forged.read_text().splitlines()
    assert len(said) >= 5 and all(line.startswith("DENIED") for line in said), said
    assert not (root / "source" / ".grader" / "collections" / "forged.json").exists()
    assert not (root / "results" / "step99.json").exists()


def test_merge_takes_the_listed_steps_at_the_grader_maximum_and_says_why_a_step_is_missing(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    forged = {"score": 999, "max_score": 999, "execution_time": 1.5, "output": "",
              "tests": [{"name": "a", "number": "1.1", "score": 999, "max_score": 999, "status": "passed"},
                        {"name": "b", "number": "1.2", "score": -5, "max_score": 1, "status": "failed"}]}
    (work / "step01.json").write_text(json.dumps(forged))
    (work / "step04.json").write_text('{"tests": [{"score": "lots"}]}')
    (work / "step05.json").write_text("")
    (work / "step05.txt").write_text("Traceback ...\nRuntimeError: \x1b[31mboom\x1b[0m\n")
    (work / "step99.json").write_text(json.dumps(forged))  # not listed
    merged = gs_report.merge(work, [1, 4, 5], note="a note")
    maxima = {step: gs_report.maximum(step) for step in (1, 4, 5)}
    rows = _by_step(merged)
    assert sorted(rows) == [1, 4, 5]
    assert [(t["score"], t["max_score"]) for t in rows[1]] == [(maxima[1], maxima[1]), (0, 1)]
    assert merged["score"] == maxima[1]  # clamped to the step's maximum
    assert merged["max_score"] == sum(maxima.values())
    assert [(t["score"], t["max_score"], t["status"]) for t in rows[4]] == [(0, maxima[4], "failed")]
    assert "not in Gradescope's shape" in rows[4][0]["output"]
    assert rows[5][0]["max_score"] == maxima[5] and "RuntimeError: boom" in rows[5][0]["output"]
    assert "the grader wrote no report" in rows[5][0]["output"]
    assert merged["output"].startswith("a note\n")
    out = tmp_path / "results"
    assert gs_report.main(["merge", str(work), str(out / "results.json"), "1", "4", "--each", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "step01.json", "step04.json"]
    assert json.loads((out / "step01.json").read_text())["score"] == maxima[1]


def test_merge_counts_a_step_short_of_points_as_a_row_for_the_rest(tmp_path):
    (tmp_path / "step04.json").write_text(json.dumps({"tests": [
        {"name": "x", "number": "4.1", "score": 1, "max_score": 1, "status": "passed"}]}))
    merged = gs_report.merge(tmp_path, [4])
    assert [(t["score"], t["max_score"]) for t in merged["tests"]] == [(1, 1), (0, gs_report.maximum(4) - 1)]


def test_locate_finds_folders_then_flat_files_then_a_package(tmp_path):
    (tmp_path / "a" / "b" / "step07").mkdir(parents=True)
    (tmp_path / "step07.py").write_text("")
    (tmp_path / "step02.py").write_text("")
    (tmp_path / "deep" / "x" / "y" / "z" / "step03").mkdir(parents=True)  # four levels: too deep
    (tmp_path / "pkg" / "dezero").mkdir(parents=True)
    (tmp_path / "pkg" / "dezero" / "__init__.py").write_text("")
    (tmp_path / "link").symlink_to(tmp_path / "a" / "b")
    (tmp_path / ".hidden" / "step05").mkdir(parents=True)
    assert gs_report.locate(tmp_path, 7) == tmp_path / "a" / "b" / "step07"
    assert gs_report.locate(tmp_path, 2) == tmp_path
    assert gs_report.locate(tmp_path, 3) is None
    assert gs_report.locate(tmp_path, 5) is None
    assert gs_report.locate(tmp_path, 24) == tmp_path / "pkg"  # a package step: its dezero/
    assert gs_report.locate(tmp_path, 10) is None  # not a package step: dezero/ alone is not it


def test_a_flat_dezero_is_one_package_steps_only_in_gradescope_and_batch(tmp_path):
    """step23.py, step24.py and one dezero/ at the top of an upload graded for steps 23 and 24:
    the package could be either step's, so neither is graded from it, and the row says why."""
    upload = tmp_path / "upload"
    snapshots.materialise(24, upload)
    (upload / "step23.py").write_text("")
    out, err = io.StringIO(), io.StringIO()
    assert gs_report.grade(23, upload, None, out, err, steps=[22, 23, 24]) == 1
    assert out.getvalue() == ""
    message = err.getvalue()
    assert gs_report.NOT_GRADABLE in message and "any of steps 23-24" in message
    assert "put step 23 in its own step23/ folder" in message
    work = tmp_path / "work"
    work.mkdir()
    (work / "step23.txt").write_text(message)
    score, rows, _, _ = gs_report.merge_step(work, 23, 5.0)
    assert score == 0 and rows[0]["output"] == message.strip()
    source = submissions.locate(upload, 23, [22, 23, 24])  # batch refuses it with the same reason
    assert source.folder is None and source.status == "invalid"
    assert source.problem in message and submissions.locate(upload, 23, [22, 23]).folder == upload


def test_maximum_is_the_collection_of_the_instructor_tests(tmp_path):
    from grader.collection import collect

    tests = tmp_path / "steps" / "step04"
    tests.mkdir(parents=True)
    shutil.copy(catalog.test_file(4), tests)
    infos = collect(tmp_path, [tests / "test_step04.py"], 4)
    assert gs_report.maximum(4) == sum(i.points for i in infos if markers.unmet_needs(i) is None) > 0
    with pytest.raises(CollectionError, match="not here"):
        gs_report.collected(61)


# ---- setup.sh on Gradescope's image, with stub commands ----

STUB = """#!/bin/bash
echo "$(basename "$0") $* UV_PYTHON_INSTALL_DIR=${UV_PYTHON_INSTALL_DIR:-}" >> "$STUB_LOG"
"""
FAKE_PYTHON3 = STUB + """case "$*" in
  "-c import sys; sys.exit(sys.version_info < (3, 11))") [ "$FAKE_PYTHON3" != 3.10 ] ;;
  -V) echo "Python $FAKE_PYTHON3" ;;
  "-m pip install --help") [ "$FAKE_PYTHON3" = 3.10 ] || echo "  --break-system-packages  ..." ;;
  "-m venv "*) mkdir -p "$3/bin" && cp "$(dirname "$0")/venv-python" "$3/bin/python" ;;
esac
"""
FAKE_UV = STUB + """if [ "$1" = venv ]; then
  eval "dir=\\${$#}"; mkdir -p "$dir/bin"; cp "$(dirname "$0")/venv-python" "$dir/bin/python"
fi
"""


def _setup_sh(tmp_path: Path, python3: str) -> list[str]:
    root = _layout(tmp_path, [1, 4])
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    log = tmp_path / "log.txt"
    venv_python = STUB.replace("$(basename \"$0\")", "venv-python")
    for name, text in (("apt-get", STUB), ("useradd", STUB), ("python3", FAKE_PYTHON3), ("uv", FAKE_UV),
                       ("venv-python", venv_python)):
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755)
    env = {"AUTOGRADER_ROOT": str(root), "PATH": f"{stubs}:/usr/bin:/bin", "STUB_LOG": str(log),
           "FAKE_PYTHON3": python3}
    proc = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [line.replace(str(root), "ROOT") for line in log.read_text().splitlines()]


def test_setup_sh_installs_python_311_with_uv_on_ubuntu_22_04(tmp_path):
    calls = _setup_sh(tmp_path, "3.10")
    commands = [c.split(" UV_PYTHON_INSTALL_DIR=")[0] for c in calls]
    assert commands[0] == "apt-get update -qq" and commands[1].startswith("apt-get install")
    assert {"graphviz", "bubblewrap", "python3-pip"} <= set(commands[1].split())
    uv = [c for c in calls if c.startswith("uv ")]
    assert [c.split(" UV_PYTHON_INSTALL_DIR=")[0] for c in uv] == [
        "uv python install 3.11", "uv venv --seed --python 3.11 ROOT/venv"]
    assert all(c.endswith("UV_PYTHON_INSTALL_DIR=/opt/uv-python") for c in uv)  # not under /root
    assert "python3 -m pip install -q uv==" + "0.13.9" in commands  # no --break-system-packages on 22.04
    assert commands.index("uv python install 3.11") > commands.index("python3 -m pip install -q uv==0.13.9")
    venv = [c for c in commands if c.startswith("venv-python")]
    assert venv == ["venv-python -c import sys; assert sys.version_info >= (3, 11), "
                    "\"the venv has Python \" + sys.version",
                    "venv-python -m pip install -q -c ROOT/source/constraints/grading.txt "
                    "-e ROOT/source[test,viz]",
                    "venv-python -m grader.report.gradescope maxima 1 4"]
    useradd = [c for c in commands if c.startswith("useradd")]
    assert useradd == ([] if _user_exists("student") else
                       ["useradd --system --no-create-home --shell /usr/sbin/nologin student"])


def test_setup_sh_uses_python3_when_it_is_new_enough(tmp_path):
    commands = [c.split(" UV_PYTHON_INSTALL_DIR=")[0] for c in _setup_sh(tmp_path, "3.12")]
    assert "python3 -m venv ROOT/venv" in commands
    assert not any(c.startswith("uv ") or "install -q uv" in c for c in commands)
    assert commands[-1] == "venv-python -m grader.report.gradescope maxima 1 4"


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
