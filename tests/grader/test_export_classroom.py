"""The GitHub Classroom export: the workflow is valid YAML with Classroom's triggers and reporter,
each test is a check worth its points from the grader's own collection (all 60 steps), and every
command of it runs here as Actions would run it (Actions cannot run here)."""

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from grader import catalog
from grader.instructor import export, skeleton, snapshots
from grader.report import gradescope as gs_report


def _workflow(tmp_path: Path, steps: list[int]) -> dict:
    text = export.classroom(tmp_path, steps).read_text()
    return yaml.safe_load(text)


def test_classroom_workflow_gives_each_test_its_points_and_each_step_the_grader_maximum(tmp_path):
    steps = catalog.available_steps()
    assert len(steps) == 60
    workflow = _workflow(tmp_path, steps)
    assert workflow["on"] == ["push", "workflow_dispatch", "repository_dispatch"]
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    job = workflow["jobs"]["run-autograding-tests"]  # the check run the reporter posts the points to
    install = next(s["run"] for s in job["steps"] if "apt-get install" in s.get("run", ""))
    assert install.index("apt-get update") < install.index("apt-get install")
    assert "-c constraints/grading.txt" in install
    checks = [s for s in job["steps"]
              if s.get("uses", "").startswith("classroom-resources/autograding-command-grader@")]
    reporter = job["steps"][-1]
    ids = [s["id"] for s in checks]
    assert reporter["with"]["runners"] == ",".join(ids) and all(i.isalnum() for i in ids)
    assert set(reporter["env"]) == {f"{i.upper()}_RESULTS" for i in ids}
    for step in steps:
        name = catalog.step_name(step)
        mine = [s for s in checks if s["id"].startswith(f"{name}test")]
        infos = gs_report.collected(step)
        runner_max = sum(i.points for i in infos if "cupy" not in i.needs)  # hosted runners: Graphviz, no GPU
        assert sum(s["with"]["max-score"] for s in mine) == runner_max, step
        assert all(isinstance(s["with"]["max-score"], int) and s["with"]["max-score"] > 0 for s in mine)
        assert [shlex.split(s["with"]["command"])[-1] for s in mine] == \
            [i.nodeid for i in infos if "cupy" not in i.needs]
        if shutil.which("dot"):
            assert runner_max == gs_report.maximum(step)  # what the grader counts on such a machine


def _checkout(base: Path, steps: dict[int, str]) -> Path:
    """A student repository: the grader, the pins and, per step, its tests with the code given."""
    repo = base / "repo"
    for part in ("grader", "constraints"):
        shutil.copytree(catalog.REPO / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "conftest.py"):
        shutil.copy(catalog.REPO / part, repo / part)
    for step, code in steps.items():
        dest = repo / "steps" / catalog.step_name(step)
        shutil.copytree(catalog.step_dir(step), dest, ignore=shutil.ignore_patterns("__pycache__", "step*.py",
                                                                                     "dezero"))
        if code == "solution":
            snapshots.materialise(step, dest)
        else:  # "skeleton" or the TODO ids left open: a step partly done
            opened = None if code == "skeleton" else set(code.split(","))
            skeleton.generate(step, dest, None if opened is None else opened.__contains__)
    return repo


def test_classroom_commands_run_here_and_add_up_to_the_partial_score(tmp_path):
    """Every run step and command of the workflow, run here as Actions would (the install step
    aside: this environment is the course's): step 1 solved, step 4 with only step04.1 done."""
    workflow = _workflow(tmp_path, [1, 4])
    repo = _checkout(tmp_path, {1: "solution", 4: "step04.2"})
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    (bin_dir / "python").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}  # the command grader passes these two
    passed: dict[str, bool] = {}
    for s in workflow["jobs"]["run-autograding-tests"]["steps"]:
        if "run" in s and "apt-get" not in s["run"]:
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s["run"]],
                                  cwd=repo, env=env, capture_output=True, text=True, timeout=300)
            allowed = (0, 1) if s.get("continue-on-error") else (0,)
            assert proc.returncode in allowed, proc.stdout + proc.stderr
        elif "command" in s.get("with", {}):
            proc = subprocess.run(["/bin/sh", "-c", s["with"]["command"]], cwd=repo, env=env,
                                  capture_output=True, text=True, timeout=60)
            assert proc.returncode in (0, 1), proc.stdout + proc.stderr
            passed[s["id"]] = proc.returncode == 0
    points = {s["id"]: s["with"]["max-score"] for s in workflow["jobs"]["run-autograding-tests"]["steps"]
              if "id" in s}
    reports = {step: json.loads((repo / ".grader" / "classroom" / f"step{step:02d}.json").read_text())
               for step in (1, 4)}
    for step, report in reports.items():
        mine = [i for i in passed if i.startswith(f"step{step:02d}")]
        assert sum(points[i] for i in mine if passed[i]) == report["score"]
        assert sum(points[i] for i in mine) == report["max_score"]
    assert reports[1]["score"] == reports[1]["max_score"]
    todo = {t["test_id"]: t["todo"] for t in reports[4]["tests"]}
    assert 0 < reports[4]["score"] < reports[4]["max_score"]
    checks4 = [s for s in workflow["jobs"]["run-autograding-tests"]["steps"]
               if s.get("id", "").startswith("step04")]
    for s in checks4:
        assert passed[s["id"]] == (todo[shlex.split(s["with"]["command"])[-1]] == "step04.1")


def test_classroom_check_fails_a_test_that_was_not_graded(tmp_path):
    workflow = _workflow(tmp_path, [1])
    repo = tmp_path / "repo"
    repo.mkdir()
    writer = next(s["run"] for s in workflow["jobs"]["run-autograding-tests"]["steps"]
                  if "check.py" in s.get("run", ""))
    subprocess.run(["bash", "-c", writer], cwd=repo, check=True)
    command = next(s["with"]["command"] for s in workflow["jobs"]["run-autograding-tests"]["steps"]
                   if "command" in s.get("with", {}))
    proc = subprocess.run(["/bin/sh", "-c", command.replace("python ", f"{sys.executable} ", 1)], cwd=repo,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "not graded" in proc.stderr


def test_export_cli_keeps_hidden_tests_out_of_classroom(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "grader", "export", "classroom", str(tmp_path / "c"),
                           "--steps", "1", "--hidden", str(tmp_path)], capture_output=True, text=True,
                          cwd=catalog.REPO, timeout=120)
    assert proc.returncode == 2 and "student's repository holds every test" in proc.stderr
