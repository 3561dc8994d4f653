"""Synthetic class submissions, for batch tests and `nox -s batch-bench`.

A mix of solutions, skeletons, half-solved steps and adversarial entries (a hang, a
crash, a bad archive, a file that is no submission), made from this repository's own
solutions and skeletons.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path

from grader import catalog
from grader.instructor import skeleton, snapshots

KINDS = ("solution", "skeleton", "half", "hang", "crash", "zip", "bad-archive", "not-a-submission")


def _copy_solution(step: int, dest: Path) -> Path:
    folder = dest / catalog.step_name(step)
    return snapshots.materialise(step, folder)


def _edit_first_block(folder: Path, step: int, new_body: str) -> None:
    """Replace the body of the step's first solution block with new_body (same indentation)."""
    block_id = skeleton.block_ids(step)[0]
    for path in skeleton.code_files(folder):
        text = path.read_text()
        blocks = [b for b in skeleton.parse_blocks(text) if b.id == block_id]
        if blocks:
            b = blocks[0]
            lines = text.splitlines(keepends=True)
            body = "".join(b.indent + line + "\n" for line in new_body.splitlines())
            path.write_text("".join(lines[: b.begin + 1]) + body + "".join(lines[b.end :]))
            return


def make_student(root: Path, name: str, kind: str, steps: list[int]) -> Path:
    """One submission entry of the given kind under root; returns its path."""
    if kind == "not-a-submission":
        path = root / f"{name}.txt"
        path.write_text("my homework is in the mail\n")
        return path
    if kind == "bad-archive":
        path = root / f"{name}.tar.gz"
        with tarfile.open(path, "w:gz") as tf:
            info = tarfile.TarInfo("../outside.py")
            info.size = 2
            tf.addfile(info, io.BytesIO(b"x\n"))
        return path
    folder = root / name
    folder.mkdir()
    for i, step in enumerate(steps):
        target = _copy_solution(step, folder)
        if kind == "skeleton" or (kind == "half" and i % 2):
            skeleton.generate(step, target)
        elif kind == "hang":
            _edit_first_block(target, step, "while True:\n    pass")
        elif kind == "crash":
            _edit_first_block(target, step, "import os\nos._exit(3)")
    if kind == "zip":
        archive = root / f"{name}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for path in folder.rglob("*"):
                zf.write(path, path.relative_to(folder))
        shutil.rmtree(folder)
        return archive
    return folder


def make_class(root: Path, n: int, steps: list[int]) -> list[Path]:
    """n students cycling through KINDS."""
    root.mkdir(parents=True, exist_ok=True)
    return [make_student(root, f"student{i:03d}", KINDS[i % len(KINDS)], steps) for i in range(n)]
