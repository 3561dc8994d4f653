"""Targets: which code a step's tests run against, and how the child process loads it.

Fixture contract (docs/contracts.md): every test gets the code under test through two
fixtures and never imports it by name.
- `dz`: the framework. Steps 1-22: the step module (stepNN.py). From step 23: the target's
  `dezero` package. On the `reference` target: the top-level `dezero`, through a small
  adapter that finds a name in dezero, dezero.functions or dezero.utils.
- `script`: the step's own module (stepNN.py). For steps 1-22 it is the same module as `dz`.
  On `reference`, steps 1-22 have no script (tests that use it are not applicable); from
  step 23 on it is the solution's script running on the reference package.
A name the reference does not have makes the test not applicable, never failed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

from grader import catalog

KINDS = ("student", "solution", "reference", "skeleton")
GENERATED = ("solution", "skeleton")  # written from solutions/ for each run (build)


@dataclass(frozen=True)
class Target:
    """A resolved target: its kind and the folder its code is loaded from."""

    kind: str  # student | solution | reference | skeleton | submission
    step: int
    root: Path  # folder laid out like steps/stepNN

    @property
    def label(self) -> str:
        return self.kind if self.kind != "submission" else f"submission {self.root}"


class TargetError(Exception):
    """The target cannot be graded at all (a usage or setup problem)."""


def resolve(name: str, step: int) -> Target:
    """Turn a --target value into a Target; solution and skeleton are written by build()."""
    if name == "student":
        return Target("student", step, catalog.step_dir(step))
    if name in ("solution", "reference", "skeleton"):
        no_reference = name == "reference" and not (catalog.REPO / "dezero").is_dir()
        if not catalog.SOLUTIONS_DIR.is_dir() or no_reference:
            raise TargetError(f"the {name} target is for instructors: this checkout (a student release) "
                              "has no solutions or reference package; grade your own code (--target student)")
    if name == "reference":
        return Target(name, step, catalog.SOLUTIONS_DIR / catalog.step_name(step))
    if name in GENERATED:
        return Target(name, step, Path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise TargetError(
            f"--target {name!r} is neither one of {', '.join(KINDS)} nor a folder. "
            f"Give a folder laid out like steps/{catalog.step_name(step)}."
        )
    inner = path / catalog.step_name(step)
    if inner.is_dir() and not (path / f"{catalog.step_name(step)}.py").exists():
        path = inner  # a folder laid out like steps/: grade its step folder
    return Target("submission", step, path.resolve())


def build(target: Target, dest: Path) -> Path:
    """Write the code of a generated target into dest: the full solution snapshot of the step,
    or its skeleton (the step's own TODOs open). Instructors only: needs solutions/."""
    from grader.instructor import skeleton, snapshots

    if target.kind == "solution":
        return snapshots.materialise(target.step, dest)
    skeleton.generate(target.step, dest)
    return dest


# ---- child side: loading a target inside the pytest process ----


class LoadError(Exception):
    """The target's code could not be imported; the message is for the student."""


class NotApplicable(AttributeError):
    """A name the target does not have by design: the test is reported not applicable.

    An AttributeError, so that getattr(dz, name, default) probes by tools still work.
    """


class MissingFile(AttributeError):
    """A file the target should have and lacks: the tests that use it fail."""


class ReferenceAdapter:
    """Finds a step's names in the reference package. Renames and unwraps, no answer code."""

    _MODULES = ("", ".functions", ".utils", ".core")

    def __init__(self, package: ModuleType, step: int):
        self._package = package
        self._step = step
        self._modules = [importlib.import_module(package.__name__ + m) for m in self._MODULES]

    def __getattr__(self, name: str) -> Any:
        for module in self._modules:
            if hasattr(module, name):
                return getattr(module, name)
        raise NotApplicable(
            f"the reference dezero has no `{name}` (it belongs to step {self._step}'s own module)"
        )

    def __repr__(self) -> str:
        return "<reference dezero>"


class NoScript:
    """Stands for a step script the target does not have: tests that use it do not apply."""

    def __init__(self, reason: str):
        self._reason = reason

    def __getattr__(self, name: str) -> NoReturn:
        raise NotApplicable(self._reason)

    def __repr__(self) -> str:
        return "<no script>"


def missing_message(name: str) -> str:
    """A file the step needs is absent; the run's private copy path would mean nothing to the student."""
    return f"{name} is missing: put it in the graded folder (the target on the scorecard's first line)"


class MissingScript:
    """Stands for a step script the target should have: tests that use it fail."""

    def __init__(self, path: Path):
        self._path = path

    def __getattr__(self, name: str) -> NoReturn:
        raise MissingFile(missing_message(self._path.name))

    def __repr__(self) -> str:
        return "<missing script>"


def _import_file(path: Path, module_name: str) -> ModuleType:
    if not path.is_file():
        raise LoadError(missing_message(path.name))
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None, f"{path} is a .py file: it has a source loader"
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # SyntaxError, SystemExit, anything at import
        sys.modules.pop(module_name, None)
        raise LoadError(describe_import_error(exc, path)) from None
    return module


def _import_package(root: Path) -> ModuleType:
    for name in [m for m in sys.modules if m == "dezero" or m.startswith("dezero.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    if not (root / "dezero" / "__init__.py").is_file():
        raise LoadError(missing_message("dezero/__init__.py"))
    try:
        return importlib.import_module("dezero")
    except BaseException as exc:
        raise LoadError(describe_import_error(exc, root / "dezero")) from None


def load(kind: str, step: int, root: Path) -> tuple[ModuleType | ReferenceAdapter,
                                                  ModuleType | NoScript | MissingScript]:
    """Import a target's code; returns (dz, script). Raises LoadError with a student message."""
    name = catalog.step_name(step)
    script_path = root / f"{name}.py"
    if kind == "reference":
        package = _import_package(catalog.REPO)
        dz = ReferenceAdapter(package, step)
        if not catalog.is_package_step(step):
            return dz, NoScript(f"step {step}'s own module is not part of the reference")
        if not script_path.is_file():
            return dz, NoScript(f"step {step} has no script")
        return dz, _import_file(script_path, name)
    if not catalog.is_package_step(step):
        module = _import_file(script_path, name)
        return module, module
    package = _import_package(root)
    if script_path.is_file():
        return package, _import_file(script_path, name)
    if (catalog.SOLUTIONS_DIR / name / f"{name}.py").is_file():
        return package, MissingScript(script_path)
    return package, NoScript(f"step {step} has no script")


def describe_import_error(exc: BaseException, where: Path) -> str:
    """One clear paragraph for a failed import: file and line, no wall of traceback."""
    if isinstance(exc, SyntaxError):
        text = (exc.text or "").rstrip()
        where_ = f"{Path(exc.filename or where).name}, line {exc.lineno}"
        return f"SyntaxError in {where_}: {exc.msg}" + (f"\n    {text.strip()}" if text else "")
    if isinstance(exc, SystemExit):
        return f"{where.name} called sys.exit({exc.code!r}) while being imported; remove that call"
    frame = student_frame(exc, where if where.is_dir() else where.parent)
    at = f"\n  at {frame}" if frame else ""
    return f"importing {where.name} raised {type(exc).__name__}: {exc}{at}"


def student_frame(exc: BaseException, root: Path) -> str:
    """'step07.py:41 in backward: gx = ...' for the deepest frame inside the student's folder."""
    root = root.resolve()
    found = ""
    for fs in traceback.extract_tb(exc.__traceback__):
        try:
            inside = Path(fs.filename).resolve().is_relative_to(root)
        except (OSError, ValueError):
            inside = False
        if inside:
            rel = Path(fs.filename).resolve().relative_to(root)
            found = f"{rel}:{fs.lineno} in {fs.name}: {(fs.line or '').strip()}"
    return found
