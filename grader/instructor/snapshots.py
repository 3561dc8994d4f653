"""Full step snapshots from one source: `solutions/stepNN` holds only what step NN changes.

A full snapshot of step N is steps 1..N overlaid:
- the package files (everything under `dezero/`) carry over from earlier steps, the latest
  version winning, so a file shared by steps 57-60 lives once, in step 57;
- a step's own script `stepNN.py` belongs to that step alone (steps 1-22 are nothing else);
- `solutions/stepNN/snapshot.toml` may list `removed = [...]`: files of earlier steps that the
  snapshot of step NN and later no longer has (`solutions/step32/snapshot.toml` removes
  `core_simple.py`, which `core.py` replaces).
Every command that runs a solution (the solution and skeleton targets, integrity, the skeleton
generator, release, `show`) reads snapshots through `files(step)`.
"""

from __future__ import annotations

import filecmp
import shutil
import tomllib
from pathlib import Path

from grader import catalog

MANIFEST = "snapshot.toml"
PACKAGE = "dezero"


def stored(step: int) -> Path:
    """The folder that holds what step changes."""
    return catalog.SOLUTIONS_DIR / catalog.step_name(step)


def _own_files(step: int) -> dict[str, Path]:
    folder = stored(step)
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def removed(step: int) -> list[str]:
    """The paths step's snapshot.toml removes (checked: each must exist in the step before)."""
    manifest = stored(step) / MANIFEST
    if not manifest.is_file():
        return []
    with manifest.open("rb") as f:
        data = tomllib.load(f)
    paths = data.get("removed", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ValueError(f"{manifest}: `removed` must be a list of paths")
    return paths


def files(step: int) -> dict[str, Path]:
    """The full snapshot of step: relative path → the stored file that provides it."""
    if not stored(step).is_dir():
        raise FileNotFoundError(f"{stored(step)} does not exist: step {step} has no solution")
    snapshot: dict[str, Path] = {}
    for n in range(1, step + 1):
        for rel in removed(n):
            if rel not in snapshot:
                raise ValueError(f"{stored(n) / MANIFEST}: {rel} is not in step {n - 1}'s snapshot")
            del snapshot[rel]
        for rel, path in _own_files(n).items():
            if rel.startswith(f"{PACKAGE}/") or n == step:
                snapshot[rel] = path
    return dict(sorted(snapshot.items()))


def materialise(step: int, dest: Path) -> Path:
    """Write the full solution snapshot of step into dest (created; must not hold other files)."""
    for rel, src in files(step).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    return dest


def repeated_files() -> list[str]:
    """Stored files identical to the same file of the previous step's snapshot (should be none)."""
    problems = []
    steps = solution_steps()
    for step in steps:
        if step - 1 not in steps:
            continue
        before = files(step - 1)
        for rel, path in _own_files(step).items():
            if rel in before and filecmp.cmp(before[rel], path, shallow=False):
                problems.append(f"{path.relative_to(catalog.REPO)} repeats step {step - 1}'s file: delete it")
    return problems


def solution_steps() -> list[int]:
    """Steps that have a solution folder."""
    return [n for n in catalog.TITLES if stored(n).is_dir()]


def script_name(step: int) -> str:
    return f"{catalog.step_name(step)}.py"
