"""Sessions of your DeZero step course release.

    nox                       the steps of this release and how to grade them
    nox -s grade-NN           grade your step NN, e.g. grade-01 (add `-- --lang ko` for
                              Korean hints, `-- --watch` to grade again on every save)

There is one grade session per step of this release; `nox -s grade-NN` for any other step
says that the step is not part of this release. Grading runs in the environment nox runs in
when it holds this checkout at the pinned versions (the README's .venv); otherwise nox builds
.nox/course from pyproject.toml and constraints/grading.txt once.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import nox  # type: ignore[import-not-found, unused-ignore]

nox.needs_version = ">=2024.10.9"
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).resolve().parent
COURSE_ENV = ROOT / ".nox" / "course"
CONSTRAINTS = ROOT / "constraints" / "grading.txt"
sys.path.insert(0, str(ROOT))
from grader.catalog import TITLES, available_steps, describe_steps  # noqa: E402  (stdlib only)

RELEASED = available_steps()  # the steps whose folder and tests this release holds
GRADE = re.compile(r"grade-(\d+)")


def _stamp(*inputs: Path) -> str:
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.read_bytes())
    return digest.hexdigest()


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
    """The python that grades: nox's own when it holds the course, else .nox/course (built once)."""
    if _nox_env_is_the_course():
        return sys.executable
    python = COURSE_ENV / "bin" / "python"
    stamp = COURSE_ENV / ".stamp"
    inputs = (ROOT / "pyproject.toml", CONSTRAINTS)
    COURSE_ENV.parent.mkdir(exist_ok=True)
    with open(COURSE_ENV.parent / f".{COURSE_ENV.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and stamp.exists() and stamp.read_text() == _stamp(*inputs):
            return str(python)
        session.log("Setting up .nox/course (first run only) ...")
        base = getattr(sys, "_base_executable", sys.executable)
        session.run(base, "-m", "venv", "--clear", str(COURSE_ENV), external=True)
        session.run(str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "-c", str(CONSTRAINTS), "-e", f"{ROOT}[test,viz]", external=True)
        stamp.write_text(_stamp(*inputs))
    return str(python)


@nox.session(venv_backend="none")
def steps(session: nox.Session) -> None:
    """The steps of this release and how to grade them (what plain `nox` runs)."""
    first = RELEASED[0] if RELEASED else 1
    lines = [f"This release holds steps {describe_steps(RELEASED)}:"]
    lines += [f"  {step:02d}  {TITLES[step]}" for step in RELEASED]
    lines += [
        "",
        f"Grade a step:      nox -s grade-{first:02d}        (Korean: nox -s grade-{first:02d} -- --lang ko)",
        f"Without nox:       python -m grader grade {first}",
        "Grade on save:     nox -s grade-NN -- --watch",
        "Move on:           python -m grader carry NN   (your solved blocks of step NN-1 into step NN)",
        "Where you stand:   python -m grader progress",
        "Guides:            steps/stepNN/README.md (한국어: README.ko.md)",
    ]
    print("\n".join(lines), flush=True)


def _grade_session(step: int) -> Callable[[nox.Session], None]:
    def grade(session: nox.Session) -> None:
        session.run(course_python(session), "-m", "grader", "grade", str(step), *session.posargs,
                    external=True)

    grade.__doc__ = f"Grade step {step}: {TITLES[step]}."
    return grade


def _not_here(name: str, why: str) -> Callable[[nox.Session], None]:
    def grade(session: nox.Session) -> None:
        session.error(why)

    grade.__doc__ = f"{name}: {why}"
    return grade


def _requested_sessions() -> list[str]:
    """The session names asked for on nox's command line (-s/-e/--session/--sessions, NOXSESSION)."""
    argv = sys.argv[1:]
    if "--" in argv:
        argv = argv[: argv.index("--")]  # what follows goes to the session, not to nox
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("-s", "-e", "--session", "--sessions", nargs="*", action="extend", default=[])
    names: list[str] = parser.parse_known_args(argv)[0].session
    names += [n for n in os.environ.get("NOXSESSION", "").split(",") if n]
    return names


for _step in RELEASED:
    nox.session(name=f"grade-{_step:02d}", venv_backend="none", default=False)(_grade_session(_step))

# A grade session for a step this release does not hold exists only when asked for, to say so
# (`nox --list` shows the released steps alone).
for _name in dict.fromkeys(_requested_sessions()):
    if (m := GRADE.fullmatch(_name)) and _name not in {f"grade-{s:02d}" for s in RELEASED}:
        _n = int(m[1])
        if _n in RELEASED:
            _why = f"step {_n}'s session is grade-{_n:02d}"
        elif _n in TITLES:
            _why = f"step {_n} is not part of this release; released: {describe_steps(RELEASED)}"
        else:
            _why = f"there is no step {_n}: the course has steps 1-60; released: {describe_steps(RELEASED)}"
        nox.session(name=_name, venv_backend="none", default=False)(_not_here(_name, _why))
