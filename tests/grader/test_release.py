"""A student release: no answers inside, grading works there, carry moves one's own work forward."""

import json
import subprocess
import sys

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

