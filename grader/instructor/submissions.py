"""Class submissions: find one entry per student and unpack archives safely.

An entry is a folder laid out like a student's `steps/` (step01/, step02/, …) or a
.zip / .tar.gz of one. Archives are checked before anything is written: no absolute
paths, no `..`, no links, names in UTF-8, and a cap on the unpacked size. A bad entry
gets a reason; it never stops the others.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_UNPACKED = 50 * 2**20  # bytes per submission
ARCHIVES = (".zip", ".tar.gz", ".tgz")


@dataclass
class Submission:
    student: str  # a unique id: the entry's name, with -2, -3 … for repeats
    source: Path
    root: Path | None = None  # folder holding stepNN/ after unpacking
    problem: str = ""  # why it cannot be graded


def _name(path: Path) -> str:
    for suffix in ARCHIVES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def discover(folder: Path) -> list[Submission]:
    """One Submission per entry of folder, in name order, with unique student ids."""
    entries: list[Submission] = []
    seen: dict[str, int] = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        base = _name(path)
        seen[base] = seen.get(base, 0) + 1
        student = base if seen[base] == 1 else f"{base}-{seen[base]}"
        entries.append(Submission(student, path))
    return entries


def _check_member(name: str, is_link: bool, size: int, total: int) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name):
        return f"the archive holds an absolute path: {name}"
    if ".." in path.parts:
        return f"the archive holds a path that climbs out with '..': {name}"
    if is_link:
        return f"the archive holds a link, which is not accepted: {name}"
    if total + size > MAX_UNPACKED:
        return f"the archive unpacks to more than {MAX_UNPACKED // 2**20} MB"
    return ""


def unpack(sub: Submission, into: Path) -> None:
    """Set sub.root (unpacking an archive into `into`) or sub.problem."""
    src = sub.source
    try:
        if src.is_dir():
            sub.root = _steps_root(src)
            outside = [p for p in src.rglob("*") if p.is_symlink()
                       and not p.resolve().is_relative_to(src.resolve())]
            if outside:
                sub.root, sub.problem = None, f"a link points outside the submission: {outside[0].name}"
        elif src.name.endswith(".zip"):
            _unzip(src, into)
            sub.root = _steps_root(into)
        elif src.name.endswith((".tar.gz", ".tgz")):
            _untar(src, into)
            sub.root = _steps_root(into)
        else:
            sub.problem = f"{src.name} is neither a folder nor a .zip/.tar.gz archive"
    except (ValueError, OSError, zipfile.BadZipFile, tarfile.TarError, UnicodeError) as exc:
        sub.root, sub.problem = None, str(exc) or type(exc).__name__


def _unzip(src: Path, into: Path) -> None:
    with zipfile.ZipFile(src) as zf:
        total = 0
        for info in zf.infolist():
            if not info.flag_bits & 0x800:  # names not flagged UTF-8 must still decode as UTF-8
                info.filename.encode("cp437").decode("utf-8")
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            problem = _check_member(info.filename, is_link, info.file_size, total)
            if problem:
                raise ValueError(problem)
            total += info.file_size
        zf.extractall(into)


def _untar(src: Path, into: Path) -> None:
    with tarfile.open(src, "r:gz") as tf:
        total, members = 0, tf.getmembers()
        for m in members:
            m.name.encode("utf-8")
            problem = _check_member(m.name, m.issym() or m.islnk() or m.isdev(), m.size, total)
            if problem:
                raise ValueError(problem)
            total += m.size
        tf.extractall(into, members=members, filter="data")


def _steps_root(folder: Path) -> Path:
    """The folder holding stepNN/: the folder itself, a steps/ inside, or its single subfolder."""
    for candidate in (folder, folder / "steps"):
        if any(candidate.glob("step[0-9][0-9]")):
            return candidate
    subs = [p for p in folder.iterdir() if p.is_dir()]
    if len(subs) == 1:
        return _steps_root(subs[0])
    raise ValueError("no stepNN/ folder found (a submission is laid out like steps/)")


def content_hash(step_dir: Path) -> str:
    """A hash of every file of one step folder: unchanged submissions are not graded again."""
    digest = hashlib.sha256()
    if step_dir.is_dir():
        for path in sorted(p for p in step_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(step_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
