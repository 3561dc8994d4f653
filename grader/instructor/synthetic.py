"""Synthetic class submissions, for batch tests, `nox -s batch-bench` and `nox -s class-check`.

A mix of solutions, skeletons, half-solved steps and adversarial entries (a hang, a
crash, a bad archive, a file that is no submission), made from this repository's own
solutions and skeletons; and issue 15's class (make_done_when_class), every layout and
every kind of code an instructor meets in one folder.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
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
        archive = zip_folder(folder, root / f"{name}.zip")
        shutil.rmtree(folder)
        return archive
    return folder


def make_class(root: Path, n: int, steps: list[int]) -> list[Path]:
    """n students cycling through KINDS."""
    root.mkdir(parents=True, exist_ok=True)
    return [make_student(root, f"student{i:03d}", KINDS[i % len(KINDS)], steps) for i in range(n)]


# Issue 15's class: every layout and every kind of code, each entry saying what it holds.

CODE_KINDS = ("solution", "skeleton", "half", "syntax", "import", "hang", "hang-twin")


def write_kind(kind: str, step: int, dest: Path, position: int = 0) -> Path:
    """Write step's full folder (dest is its stepNN/) holding one of CODE_KINDS: half has the first
    half of the step's own TODOs done (a one-TODO step: done at an even position in the class's
    steps, open at an odd one); hang-twin raises where hang loops, so the same tests fail at once."""
    if kind == "solution":
        return snapshots.materialise(step, dest)
    if kind == "skeleton":
        skeleton.generate(step, dest)
        return dest
    if kind == "half":
        ids = skeleton.block_ids(step)
        opened = set(ids[len(ids) // 2:]) if len(ids) > 1 else set(ids) if position % 2 else set()
        skeleton.generate(step, dest, is_open=opened.__contains__)
        return dest
    snapshots.materialise(step, dest)
    script = dest / f"{catalog.step_name(step)}.py"
    if kind == "syntax":
        script.write_text("def broken(:\n    pass\n" + script.read_text())
    elif kind == "import":
        script.write_text("import no_such_module_in_this_class\n" + script.read_text())
    elif kind == "hang":
        _edit_first_block(dest, step, "while True:\n    pass")
    elif kind == "hang-twin":
        _edit_first_block(dest, step, "raise RuntimeError('the hang stands here')")
    else:
        raise ValueError(f"unknown kind of code: {kind}")
    return dest


@dataclass(frozen=True)
class Entry:
    """One entry of a class folder: the id batch should give it, its name, and what it holds
    ({step: kind of code}; None for a folder that holds no step at all)."""

    student: str
    entry: str
    steps: dict[int, str] | None


def zip_folder(folder: Path, archive: Path, prefix: str = "",
               extra: Iterable[tuple[str, str]] = ()) -> Path:
    """folder as a zip, each name under prefix; extra: (name, data) members added as they are."""
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, prefix + path.relative_to(folder).as_posix())
        for name, data in extra:
            zf.writestr(name, data)
    return archive


def _steps_folder(where: Path, steps: dict[int, str], order: list[int]) -> Path:
    for step, kind in sorted(steps.items()):
        write_kind(kind, step, where / catalog.step_name(step), order.index(step))
    return where


def make_done_when_class(root: Path, scratch: Path, steps: list[int]) -> list[Entry]:
    """Issue 15's class in root, graded with `steps` (three module steps a < b < c, then one
    package step p): solved, skeleton, half-solved, a syntax and an import error, a hang, a zip, a
    tar.gz, a Mac zip (__MACOSX/ beside the folder), a flat upload (stepNN.py files and p's
    dezero/), missing steps, an empty folder, kim/ kim-2/ kim.zip and a non-ASCII name.
    Archives are made from folders in scratch."""
    modules = [s for s in steps if not catalog.is_package_step(s)]
    packages = [s for s in steps if catalog.is_package_step(s)]
    if len(modules) != 3 or len(packages) != 1 or steps != sorted(steps) or steps[-1] != packages[0]:
        raise ValueError("the class needs three module steps and then one package step")
    a, b, c, p = steps
    root.mkdir(parents=True)
    entries = [
        Entry("solved", "solved", dict.fromkeys(steps, "solution")),
        Entry("skeleton", "skeleton", dict.fromkeys(steps, "skeleton")),
        Entry("half", "half", dict.fromkeys(steps, "half")),
        Entry("broken", "broken", {a: "syntax", b: "solution", c: "import"}),
        Entry("hang", "hang", {a: "solution", b: "hang"}),
        Entry("zipped", "zipped.zip", {a: "solution", c: "half"}),
        Entry("tarred", "tarred.tar.gz", {b: "solution", p: "solution"}),
        Entry("mac", "mac.zip", {a: "solution", c: "solution"}),
        Entry("flat", "flat", {a: "solution", b: "skeleton", c: "solution", p: "solution"}),
        Entry("missing", "missing", {b: "skeleton", c: "solution"}),
        Entry("empty", "empty", None),
        Entry("kim", "kim", {a: "solution"}),
        Entry("kim-2", "kim-2", {a: "skeleton"}),
        Entry("kim-3", "kim.zip", {b: "half"}),
        Entry("김철수", "김철수", {a: "solution", p: "solution"}),
    ]
    for e in entries:
        if e.steps is None:
            (root / e.entry).mkdir()
        elif e.student == "mac":  # __MACOSX/ beside the folder mac/, and a .DS_Store inside it
            _steps_folder(scratch / "mac" / "mac", e.steps, steps)
            first = catalog.step_name(min(e.steps))
            zip_folder(scratch / "mac", root / e.entry, extra=(
                (f"__MACOSX/mac/._{first}", "x"), (f"__MACOSX/mac/{first}/._{first}.py", "x"),
                ("mac/.DS_Store", "x")))
        elif e.entry.endswith(".zip"):  # the stepNN/ folders at the top of the zip
            zip_folder(_steps_folder(scratch / e.student, e.steps, steps), root / e.entry)
        elif e.entry.endswith(".tar.gz"):  # inside one enclosing folder
            _steps_folder(scratch / e.student, e.steps, steps)
            with tarfile.open(root / e.entry, "w:gz") as tf:
                tf.add(scratch / e.student, e.student)
        elif e.student == "flat":  # stepNN.py side by side, and the package step's dezero/
            made = _steps_folder(scratch / "flat", e.steps, steps)
            flat = root / e.entry
            flat.mkdir()
            for step in e.steps:
                name = catalog.step_name(step)
                shutil.copy(made / name / f"{name}.py", flat / f"{name}.py")
            shutil.copytree(made / catalog.step_name(p) / "dezero", flat / "dezero")
            (flat / ".DS_Store").write_text("x")
        else:
            _steps_folder(root / e.entry, e.steps, steps)
    return entries
