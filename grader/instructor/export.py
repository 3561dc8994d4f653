"""Beyond one machine: a Gradescope autograder zip and a GitHub Classroom workflow.

Both run this grader unchanged, one submission per container. Gradescope calls run_autograder,
which grades each step of the upload as an unprivileged user and merges the per-step reports
as root (grader/report/gradescope.py). Classroom grades each step once and checks each test
of it with classroom-resources/autograding-command-grader, worth the test's points. The
platforms' own files are templates/gradescope/ and templates/classroom*.yml.
"""

from __future__ import annotations

import json
import os
import shlex
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from string import Template

from grader import catalog, runner, targets
from grader.collection import CollectionError, TestInfo
from grader.report import gradescope as gs_report

TEMPLATES = Path(__file__).resolve().parent / "templates"

COURSE_PARTS = ("grader", "constraints", "pyproject.toml", "conftest.py", "README.md")
LEFT_OUT = ("instructor",)  # grader/instructor/ is not needed to grade, so it does not ship
RUNNER_LACKS = ("cupy",)  # GitHub's hosted runners have no GPU; the workflow installs Graphviz
REPORTS = ".grader/classroom"  # where the Classroom workflow keeps each step's JSON report
GRADE_MINUTES = 15  # a step's grading (the grader's own whole-run limit is 10 minutes)


class ExportError(Exception):
    """The export cannot be written as asked; the message says why."""


def _add_tree(zf: zipfile.ZipFile, path: Path, arcname: str) -> None:
    if path.is_file():
        zf.write(path, arcname)
        return
    for child in sorted(path.rglob("*")):
        if child.is_file() and "__pycache__" not in child.parts \
                and not any(part in LEFT_OUT for part in child.relative_to(path).parts):
            zf.write(child, f"{arcname}/{child.relative_to(path)}")


def hidden_files(hidden: Path, step: int) -> list[Path]:
    """The instructor's hidden test files of a step, found as the runner finds them."""
    opts = runner.RunOptions(targets.Target("submission", step, Path()), hidden=hidden)
    return runner.hidden_tests(opts)


def gradescope(out: Path, steps: list[int], hidden: Path | None = None) -> Path:
    """Write the autograder zip: setup.sh and run_autograder at the top, the course beside them.

    It holds the grader, the constraints (pinned requirements), each step's tests and hints and,
    with `hidden`, the instructor's hidden tests of those steps (under hidden/, graded with
    Gradescope's `after_published` visibility); never solutions or the reference package. Every
    step's tests must collect, hidden ones included.
    """
    hidden = hidden.resolve() if hidden else None
    extra = {step: hidden_files(hidden, step) for step in steps} if hidden else {}
    if hidden and not any(extra.values()):
        raise ExportError(f"--hidden {hidden} holds no tests of steps {catalog.describe_steps(steps)}: "
                          "expected DIR/stepNN/test_*.py or DIR/test_stepNN*.py")
    for step, most in gs_report.maxima(steps, hidden).items():
        if not isinstance(most, float):
            raise ExportError(f"the tests of step {step} cannot be collected:\n{most}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for script in sorted((TEMPLATES / "gradescope").iterdir()):
            info = zipfile.ZipInfo(script.name)
            info.external_attr = 0o100755 << 16
            zf.writestr(info, script.read_text())
        zf.writestr("steps.txt", " ".join(map(str, steps)) + "\n")
        zf.writestr("requirements.txt", (catalog.REPO / "constraints" / "grading.txt").read_text())
        for part in COURSE_PARTS:
            _add_tree(zf, catalog.REPO / part, part)
        for step in steps:
            folder = catalog.step_dir(step)
            for path in sorted(folder.iterdir()):
                if path.name.startswith("test_") or path.name in ("hints.toml",):
                    zf.write(path, f"steps/{folder.name}/{path.name}")
            for path in extra.get(step, []):
                assert hidden is not None
                zf.write(path, f"hidden/{path.relative_to(hidden)}")
    return out


def classroom_tests(steps: list[int]) -> dict[int, list[TestInfo]]:
    """Each step's tests as the grader collects them, less those a hosted runner cannot run (the
    grader reports them not applicable there and leaves them out of its maximum)."""
    def one(step: int) -> list[TestInfo]:
        try:
            infos = gs_report.collected(step)
        except CollectionError as exc:
            raise ExportError(f"the tests of step {step} cannot be collected:\n{exc}") from None
        tests = [i for i in infos if not set(i.needs) & set(RUNNER_LACKS)]
        for info in tests:
            if not float(info.points).is_integer():
                raise ExportError(f"{info.nodeid} is worth {info.points:g} points: Classroom's command "
                                  "grader takes whole points")
        return tests

    with ThreadPoolExecutor(max_workers=max(1, min(len(steps), os.cpu_count() or 2))) as pool:
        return dict(zip(steps, pool.map(one, steps), strict=True))


def classroom(out: Path, steps: list[int]) -> Path:
    """Write .github/workflows/classroom.yml: per step, one grading run (the scorecard in the log,
    the JSON report in .grader/classroom/) and one check per test, worth its points."""
    step_template = Template((TEMPLATES / "classroom-step.yml").read_text())
    test_template = Template((TEMPLATES / "classroom-test.yml").read_text())
    parts, ids = [], []
    for step, tests in classroom_tests(steps).items():
        name = catalog.step_name(step)
        report = f"{REPORTS}/{name}.json"
        parts.append(step_template.substitute(
            name=json.dumps(f"Step {step:02d}: grade ({catalog.TITLES[step]}); its log is the scorecard"),
            command=json.dumps(f"python -m grader grade {step} --json {report}"), minutes=GRADE_MINUTES))
        for k, info in enumerate(tests, 1):
            ident = f"{name}test{k:02d}"
            ids.append(ident)
            label = f"Step {step:02d} · {info.description}" + (f" [{info.todo}]" if info.todo else "")
            parts.append(test_template.substitute(
                name=json.dumps(label if len(label) <= 120 else label[:119] + "…"), id=ident,
                command=json.dumps(f"python {REPORTS}/check.py {report} {shlex.quote(info.nodeid)}"),
                points=int(info.points)))
    env = [f'          {ident.upper()}_RESULTS: "${{{{steps.{ident}.outputs.result}}}}"' for ident in ids]
    text = Template((TEMPLATES / "classroom.yml").read_text()).substitute(
        grade_steps="".join(parts).rstrip("\n"), report_env="\n".join(env), runners=",".join(ids))
    path = out / ".github" / "workflows" / "classroom.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
