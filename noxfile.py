#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Sessions of the DeZero step course.

Students:    nox -s grade-07            (grade your step 7; add `-- --lang ko` for Korean hints)
Instructors: nox -s tests               (grader tests, every step on solution and reference,
                                          skeleton drift, integrity), nox -s lint

All grade sessions and `tests` share one environment, .nox/course, built from pyproject.toml
and constraints/grading.txt, and rebuilt only when one of those two files changes.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import sys
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv" if shutil.which("uv") else "virtualenv"
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).resolve().parent
COURSE_ENV = ROOT / ".nox" / "course"
CONSTRAINTS = ROOT / "constraints" / "grading.txt"
sys.path.insert(0, str(ROOT))
from grader.catalog import TITLES  # noqa: E402  (stdlib-only module; no environment needed)


def _env_stamp() -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def course_python(session: nox.Session) -> str:
    """The shared environment's python, (re)built only when its inputs changed."""
    python = COURSE_ENV / "bin" / "python"
    stamp = COURSE_ENV / ".stamp"
    COURSE_ENV.parent.mkdir(exist_ok=True)
    with open(COURSE_ENV.parent / ".course.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and stamp.exists() and stamp.read_text() == _env_stamp():
            return str(python)
        session.log("Setting up the course environment in .nox/course (first run only) ...")
        base = getattr(sys, "_base_executable", sys.executable)
        session.run(base, "-m", "venv", "--clear", str(COURSE_ENV), external=True)
        session.run(str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-c", str(CONSTRAINTS), "-e", f"{ROOT}[test,viz]", external=True)
        stamp.write_text(_env_stamp())
    return str(python)


def _grade_session(step: int, title: str):
    def grade(session: nox.Session) -> None:
        test_file = ROOT / "steps" / f"step{step:02d}" / f"test_step{step:02d}.py"
        if not test_file.is_file():
            session.error(f"Step {step} ({title}) has no content yet in this checkout")
        session.run(course_python(session), "-m", "grader", "grade", str(step), *session.posargs,
                    external=True)

    grade.__doc__ = f"Grade step {step}: {title}."
    return grade


for _step, _title in TITLES.items():
    nox.session(name=f"grade-{_step:02d}", venv_backend="none", default=False,
                tags=["grade"])(_grade_session(_step, _title))


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Instructor suite: grader + reference tests, skeleton drift, integrity of every step."""
    python = course_python(session)
    session.run(python, "-m", "grader", "skeletons", external=True)
    session.run(python, "-m", "pytest", "tests", "-q", "-n", "2", *session.posargs, external=True)
    session.run(python, "-m", "grader", "integrity", external=True)


@nox.session(venv_backend="none", default=False)
def skeletons(session: nox.Session) -> None:
    """Check that steps/ matches what solutions/ generate; `-- --write` regenerates."""
    session.run(course_python(session), "-m", "grader", "skeletons", *session.posargs, external=True)


@nox.session(venv_backend="none", default=False)
def integrity(session: nox.Session) -> None:
    """Solution and reference pass, skeleton and each open TODO fail (`-- --steps 1-10`)."""
    session.run(course_python(session), "-m", "grader", "integrity", *session.posargs, external=True)


@nox.session(venv_backend="none", default=False)
def progress(session: nox.Session) -> None:
    """Show where you stand across the 60 steps (from your past grading runs)."""
    session.run(course_python(session), "-m", "grader", "progress", external=True)


@nox.session(venv_backend="none", default=False)
def batch(session: nox.Session) -> None:
    """Grade a folder of class submissions: `nox -s batch -- SUBMISSIONS --steps 1-10 --out grades`."""
    session.run(course_python(session), "-m", "grader", "batch", *session.posargs, external=True)


@nox.session(venv_backend="none", default=False)
def release(session: nox.Session) -> None:
    """Write a student repository without solutions: `nox -s release -- OUT --steps 1-10`."""
    session.run(course_python(session), "-m", "grader", "release", *session.posargs, external=True)


@nox.session(name="batch-bench", venv_backend="none", default=False)
def batch_bench(session: nox.Session) -> None:
    """Grade 200 synthetic submissions over five steps in one batch; print the time per submission."""
    session.run(course_python(session), "bench/batch_bench.py", *session.posargs, external=True)


OFFICIAL_ENV = ROOT / ".nox" / "bench-official"


@nox.session(venv_backend="none", default=False)
def bench(session: nox.Session) -> None:
    """Time the reference against PyPI's dezero 0.0.13 and a numpy floor; print ratios."""
    python = course_python(session)
    official = OFFICIAL_ENV / "bin" / "python"
    if not official.exists():
        session.run(sys.executable, "-m", "venv", str(OFFICIAL_ENV), external=True)
        session.run(str(official), "-m", "pip", "install", "-q", "dezero==0.0.13", "numpy==2.4.6",
                    "matplotlib", "pillow", external=True)
    env = {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None}  # benchmarks only, never in tests
    session.run(python, "bench/run.py", "--official-python", str(official), *session.posargs,
                external=True, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff over the grader, the reference, the solutions and the tests."""
    session.install("ruff")
    session.run("ruff", "check", "grader", "dezero", "solutions", "tests", "noxfile.py", *session.posargs)


if __name__ == "__main__":
    nox.main()
