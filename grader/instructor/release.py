"""Student releases.

`release OUT --steps SPEC` writes a student repository: the released steps with the TODOs
of EVERY released step open in every released folder (so step 12's folder does not
hand out step 11's answer), the grader without its instructor tools, noxfile, pyproject and
a student README; no solutions and no reference package. A leak check then scans it for solution code.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from string import Template

from grader import catalog
from grader.instructor import skeleton, snapshots

TOP_FILES = ("noxfile.py", "pyproject.toml", "conftest.py", ".gitignore")
TOP_DIRS = ("grader", "constraints")

STUDENT_README = Path(__file__).resolve().parent / "templates" / "student-README.md"


def _owner(block_id: str) -> int:
    return int(block_id[4:6])


def make_release(out: Path, steps: list[int]) -> list[str]:
    """Write the release into out (which must not exist); returns the leak check's findings."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder for the release")
    out.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "instructor")  # grader/instructor stays home
    for name in TOP_FILES:
        if (catalog.REPO / name).exists():
            shutil.copy2(catalog.REPO / name, out / name)
    for name in TOP_DIRS:
        shutil.copytree(catalog.REPO / name, out / name, ignore=ignore)
    released = set(steps)
    for step in steps:
        src, dest = catalog.step_dir(step), out / "steps" / catalog.step_name(step)
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        for test in src.glob("test_*.py"):
            shutil.copy2(test, dest / test.name)
        skeleton.generate(step, dest, is_open=lambda block_id: _owner(block_id) in released)
    listing = catalog.describe_steps(steps)
    text = Template(STUDENT_README.read_text()).substitute(steps=listing, first=steps[0],
                                                           first2=f"{steps[0]:02d}")
    (out / "README.md").write_text(text)
    return leaks(out, steps)


def _normalised_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def leaks(root: Path, steps: list[int]) -> list[str]:
    """'file: the code of step07.2' for every released block body found in root's code."""
    released = set(steps)
    bodies = {}
    for src in skeleton.code_files(catalog.SOLUTIONS_DIR):
        for block in skeleton.parse_blocks(src.read_text(encoding="utf-8"), str(src)):
            if _owner(block.id) in released:
                bodies[block.id] = _normalised_lines(block.body)
    # Code that the block's own step shows anyway (self.grad = None in __init__) is no secret.
    for block_id in list(bodies):
        shown = _skeleton_lines(_owner(block_id))
        if _contains(shown, bodies[block_id]):
            del bodies[block_id]
    found = []
    for path in skeleton.code_files(root):
        if path.name.startswith("test_"):
            continue  # the tests are given to students on purpose
        lines = _normalised_lines(path.read_text(encoding="utf-8", errors="replace"))
        joined = "\n".join(lines)
        for block_id, body in sorted(bodies.items()):
            if body and "\n".join(body) in joined and _contains(lines, body):
                found.append(f"{path.relative_to(root)}: the code of {block_id}")
    if any((root / name).exists() for name in ("solutions", "dezero")):
        found.append("the release holds solutions/ or the reference dezero/")
    return found


def _skeleton_lines(step: int) -> list[str]:
    """The code lines a student sees in the skeleton of step (its own blocks open)."""
    lines = []
    for src in snapshots.files(step).values():
        if src.suffix not in skeleton.CODE_SUFFIXES:
            continue
        text = skeleton.make_skeleton(src.read_text(encoding="utf-8"), skeleton.opens_step(step))
        lines += _normalised_lines(text) + [""]
    return lines


def _contains(lines: list[str], body: list[str]) -> bool:
    n = len(body)
    return any(lines[i : i + n] == body for i in range(len(lines) - n + 1))


__all__ = ["leaks", "make_release"]
