"""Exports run where one machine is not enough; both are checked here, locally."""

import json
import shutil
import subprocess
import sys
import zipfile

import yaml

from grader import catalog
from grader.instructor import export, skeleton


def test_gradescope_autograder_writes_a_valid_results_json(tmp_path):
    archive = export.gradescope(tmp_path / "autograder.zip", [4, 7])
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(root / "source")
        assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(zf.namelist())
        assert not any(n.startswith(("solutions/", "dezero/", "grader/instructor/")) for n in zf.namelist())
        assert zf.read("steps.txt").split() == [b"4", b"7"]
    submission = root / "submission" / "my-work"
    shutil.copytree(catalog.SOLUTIONS_DIR / "step04", submission / "step04")
    skeleton.generate(7, submission / "step07")
    (root / "work").mkdir()
    (root / "work" / "step00.json").write_text('{"score": 99, "max_score": 0, "execution_time": 0, '
                                               '"output": "", "tests": []}')  # not a listed step: ignored
    env = {"AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable, "PATH": "/usr/bin:/bin"}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, timeout=180, check=True)
    results = json.loads((root / "results" / "results.json").read_text())
    step04 = [t for t in results["tests"] if t["number"].startswith("4.")]
    step07 = [t for t in results["tests"] if t["number"].startswith("7.")]
    assert step04 and all(t["status"] == "passed" for t in step04)
    assert step07 and all(t["status"] == "failed" for t in step07)
    assert results["score"] == sum(t["score"] for t in results["tests"]) < results["max_score"]


def test_classroom_workflow_is_yaml_naming_real_sessions(tmp_path):
    path = export.classroom(tmp_path, [1, 4])
    workflow = yaml.safe_load(path.read_text())
    steps = workflow["jobs"]["grade"]["steps"]
    commands = [s["with"]["command"] for s in steps if "with" in s and "command" in s["with"]]
    assert commands == ["nox -s grade-01", "nox -s grade-04"]
    noxfile = (catalog.REPO / "noxfile.py").read_text()
    assert 'name=f"grade-{_step:02d}"' in noxfile and "for _step, _title in TITLES.items()" in noxfile
    assert all(int(c.split("-")[-1]) in catalog.TITLES for c in commands)
