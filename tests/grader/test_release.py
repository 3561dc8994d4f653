"""A student release: no answers inside, grading works there, carry moves one's own work forward."""

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import carry, catalog
from grader.instructor import release, skeleton


def _run(folder, *args):
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=folder, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"})


def test_release_holds_no_answers_and_grades_the_skeleton(tmp_path):
    out = tmp_path / "release"
    assert release.make_release(out, [11, 12, 13]) == []
    assert not (out / "solutions").exists() and not (out / "dezero").exists()
    step12 = (out / "steps" / "step12" / "step12.py").read_text()
    assert "TODO(step11.1)" in step12 and "TODO(step12.1)" in step12
    proc = _run(out, "grade", "12", "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert proc.returncode == 1 and report["score"] < report["max_score"]
    refused = _run(out, "grade", "12", "--target", "reference")
    assert refused.returncode == 2 and "for instructors" in refused.stderr
    assert not (out / "grader" / "instructor").exists()  # the instructor tools stay home
    for command in (["show", "12", str(tmp_path / "s")], ["integrity", "--steps", "12"]):
        refused = _run(out, *command)
        assert refused.returncode == 2 and "for instructors" in refused.stderr, command
    diff = _run(out, "diff", "12")  # a student's diff: the step folders, TODO blocks reduced
    assert diff.returncode == 0 and "+++ step12/step12.py" in diff.stdout
    assert 'NotImplementedError("TODO' not in diff.stdout


def test_leak_check_finds_a_pasted_answer(tmp_path):
    out = tmp_path / "release"
    release.make_release(out, [11, 12])
    source = (catalog.SOLUTIONS_DIR / "step11" / "step11.py").read_text()
    body = next(b.body for b in skeleton.parse_blocks(source) if b.id == "step11.4")
    with open(out / "steps" / "step12" / "step12.py", "a") as f:
        f.write("\n\ndef leaked(xs):\n" + body)
    assert release.leaks(out, [11, 12]) == ["steps/step12/step12.py: the code of step11.4"]


def test_carry_copies_filled_blocks_into_untouched_ones(tmp_path):
    out = tmp_path / "release"
    release.make_release(out, [11, 12])
    step11 = out / "steps" / "step11" / "step11.py"
    text = step11.read_text()
    mine = "        return 2 * self.inputs[0].data * gy  # my own words\n"
    raise_line = next(ln for ln in text.splitlines(True) if 'Error("TODO(step11.6)' in ln)
    text = text.replace(raise_line, mine)
    step11.write_text(text)
    copied = carry.carry(12, out / "steps")
    assert copied == ["step11.6 -> step12/step12.py"]
    assert "# my own words" in (out / "steps" / "step12" / "step12.py").read_text()
    assert carry.carry(12, out / "steps") == []  # an edited block is never overwritten


def _interleave(body: str, filler: str) -> str:
    lines = body.splitlines(keepends=True)
    return "".join(line + filler for line in lines)


def test_leak_check_finds_an_answer_split_by_other_lines(tmp_path):
    out = tmp_path / "release"
    assert release.make_release(out, [2, 3], say=lambda message: None) == []
    source = (catalog.SOLUTIONS_DIR / "step02" / "step02.py").read_text()
    body = next(b.body for b in skeleton.parse_blocks(source) if b.id == "step02.1")
    split = _interleave(body, '        # TODO(step03.9): a later TODO between the lines\n'
                              '        print("something else")\n')
    target = out / "steps" / "step03" / "step03.py"
    with open(target, "a") as f:
        f.write("\n\nclass Pasted:\n    def __call__(self, input):\n" + split)
    assert release.leaks(out, [2, 3]) == ["steps/step03/step03.py: the code of step02.1"]


def test_leak_check_ignores_lines_far_apart_and_trivial_lines(tmp_path):
    out = tmp_path / "release"
    release.make_release(out, [2, 3], say=lambda message: None)
    source = (catalog.SOLUTIONS_DIR / "step02" / "step02.py").read_text()
    body = next(b.body for b in skeleton.parse_blocks(source) if b.id == "step02.1")
    far = _interleave(body, "".join(f"        z{i} = {i}\n" for i in range(20)))
    with open(out / "steps" / "step03" / "step03.py", "a") as f:
        f.write("\n\nclass Apart:\n    def __call__(self, input):\n" + far)
    assert release.leaks(out, [2, 3]) == []  # the same lines, too far apart to be one answer
    for secret in release.secrets(list(range(1, 61))):
        assert all(not release.TRIVIAL.fullmatch(line) for line in secret.significant), secret
    assert all(release.TRIVIAL.fullmatch(line) for line in ("return y", "pass", "return x", "else:", ")"))
    assert not release.TRIVIAL.fullmatch("return np.exp(x)")


def test_the_whole_course_releases_without_a_leak(tmp_path):
    """Code that recurs in later steps is fenced there with the same id, so it is open too."""
    messages = []
    out = tmp_path / "release"
    assert release.make_release(out, list(range(1, 61)), say=messages.append) == []
    assert messages[0].startswith("writing steps 1-60") and any("checking" in m for m in messages)
    functions = (out / "steps" / "step43" / "dezero" / "functions.py").read_text()
    assert "TODO(step03.1)" in functions and "TODO(step09.5)" in functions
    assert "TODO(step19.4)" in (out / "steps" / "step49" / "dezero" / "datasets.py").read_text()


def _nox_command():
    """How to run nox: this interpreter's, the PATH's, or the .venv of this checkout or its main worktree."""
    if importlib.util.find_spec("nox"):
        return [sys.executable, "-m", "nox"]
    if found := shutil.which("nox"):
        return [found]
    roots = [catalog.REPO]
    common = subprocess.run(["git", "-C", str(catalog.REPO), "rev-parse", "--path-format=absolute",
                             "--git-common-dir"], capture_output=True, text=True)
    if common.returncode == 0:
        roots.append(Path(common.stdout.strip()).parent)
    for root in roots:
        if (root / ".venv" / "bin" / "nox").is_file():
            return [str(root / ".venv" / "bin" / "nox")]
    pytest.skip("nox is not installed here")


@pytest.fixture(scope="module")
def small_release(tmp_path_factory):
    out = tmp_path_factory.mktemp("nox") / "release"
    assert release.make_release(out, [1, 2, 3, 4, 5], say=lambda message: None) == []
    return out


def _nox(out, *args):
    return subprocess.run([*_nox_command(), "-f", str(out / "noxfile.py"), *args], capture_output=True,
                          text=True, timeout=120, cwd=out)


def test_student_noxfile_has_only_the_released_grade_sessions(small_release):
    assert (small_release / "noxfile.py").read_text() == release.STUDENT_NOXFILE.read_text()
    listed = _nox(small_release, "--list")
    assert listed.returncode == 0, listed.stderr
    sessions = re.findall(r"^([*-]) (\S+)", listed.stdout, re.M)
    assert sessions == [("*", "steps")] + [("-", f"grade-{n:02d}") for n in range(1, 6)], listed.stdout


def test_plain_nox_in_a_release_lists_its_steps(small_release):
    proc = _nox(small_release)
    assert proc.returncode == 0, proc.stderr
    assert "This release holds steps 1-5:" in proc.stdout and "nox -s grade-01" in proc.stdout
    assert "05  backprop theory" in proc.stdout and "06 " not in proc.stdout


def test_grading_a_step_outside_the_release_says_so(small_release):
    proc = _nox(small_release, "-s", "grade-07")
    assert proc.returncode != 0
    assert "step 7 is not part of this release; released: 1-5" in proc.stdout + proc.stderr
    proc = _nox(small_release, "--session", "grade-99")
    assert proc.returncode != 0 and "there is no step 99" in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", ["_stamp", "_pins", "_nox_env_is_the_course"])
def test_student_noxfile_finds_the_course_environment_as_the_course_noxfile_does(name):
    """The release's noxfile decides which environment grades with the same code as the course's:
    a fix to one that the other lacks would grade a release in another environment."""
    def source(path: Path) -> str:
        text = path.read_text()
        node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
        return ast.get_source_segment(text, node) or ""

    course = source(catalog.REPO / "noxfile.py")
    assert course, f"noxfile.py has no {name}"
    assert source(release.STUDENT_NOXFILE) == course, (
        f"{name} differs between noxfile.py and {release.STUDENT_NOXFILE.name}: keep them the same")
