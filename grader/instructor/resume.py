"""What a batch row's resume key is made of besides the submission: the grader's own code, and a
step's tests, hints and hidden tests. A key that has not changed is not graded again."""

from __future__ import annotations

import hashlib
from pathlib import Path

from grader import catalog
from grader.instructor import submissions

GRADER = Path(__file__).resolve().parent.parent


def hash_files(files: list[tuple[str, Path]]) -> str:
    """One hash over labelled files (a missing one counts as absent)."""
    digest = hashlib.sha256()
    for label, path in files:
        digest.update(label.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"absent")
    return digest.hexdigest()


def grader_version() -> str:
    """A hash of the grader's own code: a new grader grades everything again."""
    files = sorted(p for p in GRADER.rglob("*.py") if "__pycache__" not in p.parts)
    files.append(GRADER / "manifest.json")
    return hash_files([(p.relative_to(GRADER).as_posix(), p) for p in files])


def step_inputs(step: int, hidden: Path | None) -> list[tuple[str, Path]]:
    """What a step's grade depends on besides the submission: its tests, hints and hidden tests."""
    files = [("tests", catalog.test_file(step)), ("hints", catalog.step_dir(step) / "hints.toml")]
    if hidden is not None:
        name = catalog.step_name(step)
        found = list(submissions.walk(hidden / name)) if (hidden / name).is_dir() else []
        files += sorted((f"hidden/{'/'.join(parts)}", p) for p, parts, entry in found if entry.is_file())
        files += sorted((f"hidden/{p.name}", p) for p in hidden.glob(f"test_{name}*.py"))
    return files
