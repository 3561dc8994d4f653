#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Sessions of the DeZero step course.

Students:    nox -s grade-07            (grade your step 7; add `-- --lang ko` for Korean hints)
Instructors: nox -s tests               (types, grader tests, every step on solution and
                                          reference, skeleton drift, integrity), nox -s lint

Grade sessions and `tests` run in the course environment: the `.venv` that the README's first
command made when it holds this checkout, else one shared .nox/course, built from pyproject.toml
and constraints/grading.txt and rebuilt only when one of those two files changes. The
checkers (mypy, ruff) live in .nox/tools, pinned by constraints/tools.txt; `bench` builds its
own environment with PyPI's dezero.
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
TOOLS_ENV = ROOT / ".nox" / "tools"
TOOLS = ROOT / "constraints" / "tools.txt"
sys.path.insert(0, str(ROOT))
from grader.catalog import TITLES  # noqa: E402  (stdlib-only module; no environment needed)


def _stamp(*inputs: Path) -> str:
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _shared_env(session: nox.Session, env: Path, inputs: tuple[Path, ...], *install: str) -> str:
    """A venv shared by several sessions, (re)built only when one of its input files changed."""
    python = env / "bin" / "python"
    stamp = env / ".stamp"
    env.parent.mkdir(exist_ok=True)
    with open(env.parent / f".{env.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and stamp.exists() and stamp.read_text() == _stamp(*inputs):
            return str(python)
        session.log(f"Setting up {env.relative_to(ROOT)} (first run only) ...")
        base = getattr(sys, "_base_executable", sys.executable)
        session.run(base, "-m", "venv", "--clear", str(env), external=True)
        session.run(str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *install,
                    external=True)
        stamp.write_text(_stamp(*inputs))
    return str(python)


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            pins[name.lower().replace("_", "-")] = version
    return pins


def _nox_env_is_the_course() -> bool:
    """True when nox itself runs in an environment that holds this checkout, installed editable,
    at the pinned versions (the README's first command makes .venv so): then that environment is
    the one for everything."""
    import json
    import site
    from importlib import metadata

    def installed(name: str) -> metadata.Distribution | None:  # by folder name: no METADATA read
        return next(iter(metadata.Distribution.discover(name=name, path=site.getsitepackages())), None)

    course = installed("dezero-course")
    source = json.loads(course.read_text("direct_url.json") or "{}") if course else {}
    if not source.get("dir_info", {}).get("editable") or source.get("url") != ROOT.as_uri():
        return False
    return all((dist := installed(name)) is not None and dist.version == version
               for name, version in _pins().items())


def course_python(session: nox.Session) -> str:
    """The course environment's python: numpy, pytest, Hypothesis, graphviz, this project.

    The environment nox runs in when it has the course at the pinned versions (the README's
    .venv); otherwise .nox/course, built once.
    """
    if _nox_env_is_the_course():
        return sys.executable
    return _shared_env(session, COURSE_ENV, (ROOT / "pyproject.toml", CONSTRAINTS),
                       "-c", str(CONSTRAINTS), "-e", f"{ROOT}[test,viz]")


def tools_python(session: nox.Session) -> str:
    """The checkers' environment: mypy and ruff at the versions constraints/tools.txt pins."""
    return _shared_env(session, TOOLS_ENV, (TOOLS,), "-r", str(TOOLS))


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
    """Instructor suite: types, grader + reference tests, skeleton drift, integrity of every step."""
    python = course_python(session)
    _typecheck(session)
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
def diagnosis(session: nox.Session) -> None:
    """How often the scorecard's "most likely in" names the mutated TODO (`-- --steps 1-10`)."""
    session.run(course_python(session), "-m", "grader", "diagnosis", *session.posargs, external=True)


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


@nox.session(name="class-check", venv_backend="none", default=False)
def class_check(session: nox.Session) -> None:
    """Issue 15's class graded by batch, every output checked; 60 steps' Classroom maxima (minutes)."""
    session.run(course_python(session), "-m", "pytest", "tests/grader/test_class_check.py", "-q",
                *session.posargs, external=True, env={"CLASS_CHECK": "1"})


@nox.session(name="batch-bench", venv_backend="none", default=False)
def batch_bench(session: nox.Session) -> None:
    """Grade 200 synthetic submissions over five steps in one batch; print the time per submission."""
    session.run(course_python(session), "bench/batch_bench.py", *session.posargs, external=True)


@nox.session(name="bench-grading", venv_backend="none", default=False)
def bench_grading(session: nox.Session) -> None:
    """Time every step's grade, a batch, integrity and `nox -s tests`, warm beside plain (`-- --help`)."""
    session.run(course_python(session), "bench/grading.py", "--nox", f"{sys.executable} -m nox",
                *session.posargs, external=True)


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


LINTED = ("grader", "dezero", "solutions", "tests", "bench", "noxfile.py")


@nox.session(venv_backend="none")
def lint(session: nox.Session) -> None:
    """Ruff over the grader, the reference, the solutions, the tests and the benchmarks."""
    session.run(tools_python(session), "-m", "ruff", "check", *LINTED, *session.posargs, external=True)


def _typecheck(session: nox.Session, *args: str) -> None:
    session.run(tools_python(session), "-m", "mypy", "--python-executable", course_python(session),
                *args, external=True)


@nox.session(venv_backend="none")
def typecheck(session: nox.Session) -> None:
    """mypy: every function of the grader annotated and checked; the reference checked as written."""
    _typecheck(session, *session.posargs)


if __name__ == "__main__":
    nox.main()
