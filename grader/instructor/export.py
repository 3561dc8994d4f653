"""Beyond one machine: a Gradescope autograder zip and a GitHub Classroom workflow.

Both run this grader unchanged, one submission per container: Gradescope calls
run_autograder, which grades each step of the submission and merges the per-step
results.json files (grader/report/gradescope.py); Classroom runs one `nox -s grade-NN` per
step. The platforms' own files are templates/gradescope/ and templates/classroom*.yml.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from string import Template

from grader import catalog

TEMPLATES = Path(__file__).resolve().parent / "templates"

COURSE_PARTS = ("grader", "constraints", "pyproject.toml", "conftest.py", "README.md")
LEFT_OUT = ("instructor",)  # grader/instructor/ is not needed to grade, so it does not ship


def _add_tree(zf: zipfile.ZipFile, path: Path, arcname: str) -> None:
    if path.is_file():
        zf.write(path, arcname)
        return
    for child in sorted(path.rglob("*")):
        if child.is_file() and "__pycache__" not in child.parts \
                and not any(part in LEFT_OUT for part in child.relative_to(path).parts):
            zf.write(child, f"{arcname}/{child.relative_to(path)}")


def gradescope(out: Path, steps: list[int]) -> Path:
    """Write the autograder zip: setup.sh and run_autograder at the top, the course beside them.

    It holds the grader, the constraints (pinned requirements) and each step's tests and
    hints, never solutions or the reference package.
    """
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
    return out


def classroom(out: Path, steps: list[int]) -> Path:
    """Write .github/workflows/classroom.yml with one graded test per step (nox -s grade-NN)."""
    step_template = Template((TEMPLATES / "classroom-step.yml").read_text())
    ids = [f"step{step:02d}" for step in steps]
    graded = [step_template.substitute(name=json.dumps(f"Step {step:02d}: {catalog.TITLES[step]}"),
                                       id=ident, command=f"nox -s grade-{step:02d}",
                                       points=f"{_points(step):g}")
              for step, ident in zip(steps, ids, strict=True)]
    env = [f'          {ident.upper()}_RESULTS: "${{{{steps.{ident}.outputs.result}}}}"' for ident in ids]
    text = Template((TEMPLATES / "classroom.yml").read_text()).substitute(
        grade_steps="".join(graded).rstrip("\n"), report_env="\n".join(env), runners=",".join(ids))
    path = out / ".github" / "workflows" / "classroom.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _points(step: int) -> float:
    """The step's total points, read from its tests' grade markers (no import of the tests)."""
    import re

    text = catalog.test_file(step).read_text()
    return float(sum(float(p) for p in re.findall(r"grade\(points=([\d.]+)", text)))
