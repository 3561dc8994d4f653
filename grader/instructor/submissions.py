"""Class submissions: find one entry per student and unpack archives safely.

An entry is a folder laid out like a student's `steps/` (step01/, step02/, …) or a
.zip / .tar.gz of one, possibly inside one enclosing folder. A flat upload, `stepNN.py` files
side by side (and a `dezero/` folder), is accepted wherever the step is unambiguous (locate).
`__MACOSX/`, dotfiles and
dot-folders (`.git`, `.venv`, …) and `__pycache__/` are ignored: never unpacked, counted
or hashed. Everything is checked before anything is written: no absolute paths, no `..`,
no links (in a folder: none that point outside it), names in UTF-8 (a zip's may be CP949,
as Korean Windows writes them), at most MAX_ENTRIES
entries kept, MAX_DEPTH folders deep and MAX_UNPACKED bytes; an archive holds at most
MAX_MEMBERS members and MAX_ARCHIVE_BYTES in all. A bad entry gets a reason; it never stops the others. Every
walk is a loop, never a recursion, so no tree is too deep to be refused properly.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader import catalog

MAX_UNPACKED = 50 * 2**20  # bytes kept per submission
MAX_ENTRIES = 2000  # files and folders kept per submission
MAX_DEPTH = 16  # path components of a kept entry, the enclosing folders included
MAX_MEMBERS = 20_000  # members of an archive, ignored ones included: checked before anything else
MAX_ARCHIVE_BYTES = 2**30  # what all members of an archive declare, ignored ones included
ARCHIVES = (".zip", ".tar.gz", ".tgz")
IGNORED = frozenset({"__MACOSX", "__pycache__"})  # besides every name that starts with a dot
ID_LENGTH = 100
PROBLEMS = (ValueError, OSError, EOFError, zlib.error, zipfile.BadZipFile, tarfile.TarError)


@dataclass
class Submission:
    student: str  # a unique id: the entry's name, with -2, -3 … for repeats
    source: Path
    root: Path | None = None  # folder holding stepNN/ after unpacking
    problem: str = ""  # why it cannot be graded
    entry: str = ""  # the entry's name as it is in the submissions folder


def ignored(name: str) -> bool:
    """Entries that are never part of a submission: macOS metadata, dotfiles, caches."""
    return name.startswith(".") or name in IGNORED


def _name(path: Path) -> str:
    for suffix in ARCHIVES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


def _clean_id(name: str) -> str:
    """An id usable as a file name and on a terminal: unprintable characters become _, and the
    text is NFC, as an LMS writes names (a Mac writes 김철수 decomposed: it would be another id that
    looks the same, and the same file on the Mac's disk)."""
    text = unicodedata.normalize("NFC", display_name(name))
    text = "".join(ch if ch.isprintable() and ch != "\ufffd" else "_" for ch in text)
    return text.strip()[:ID_LENGTH] or "student"


def discover(folder: Path) -> list[Submission]:
    """One Submission per entry of folder, in name order, with unique student ids.

    An entry's id is its name (without the archive suffix) when it is the first, in name
    order, to claim that name; a later one gets the first `name-N` (N = 2, 3, …) that no entry
    claims and no entry got, compared without case. So kim/, kim-2/ and kim.zip are kim,
    kim-2 and kim-3, in every run over the same entries.
    """
    paths = sorted((p for p in folder.iterdir() if not ignored(p.name)), key=lambda p: p.name)
    bases = [_clean_id(_name(p)) for p in paths]
    claimed = {base.casefold() for base in bases}
    given: set[str] = set()
    entries: list[Submission] = []
    for path, base in zip(paths, bases, strict=True):
        student, n = base, 1
        while student.casefold() in given or (n > 1 and student.casefold() in claimed):
            n += 1
            student = f"{base}-{n}"
        given.add(student.casefold())
        entries.append(Submission(student, path, entry=display_name(path.name)))
    return entries


def _short(name: str) -> str:
    name = display_name(name)
    return name if len(name) <= 80 else f"{name[:40]}…{name[-30:]}"


class _Budget:
    """Counts what a submission keeps and refuses it once it passes a cap."""

    def __init__(self) -> None:
        self.entries, self.bytes = 0, 0

    def keep(self, parts: tuple[str, ...], size: int, name: str) -> None:
        if len(parts) > MAX_DEPTH:
            raise ValueError(f"the submission is nested more than {MAX_DEPTH} folders deep: {_short(name)}")
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise ValueError(f"the submission holds more than {MAX_ENTRIES} files and folders "
                             f"(not counting __MACOSX/, dotfiles and __pycache__/)")
        self.bytes += size
        if self.bytes > MAX_UNPACKED:
            raise ValueError(f"the submission unpacks to more than {MAX_UNPACKED // 2**20} MB")


def _check_name(name: str) -> tuple[str, ...]:
    """The parts of an archive member's name, or ValueError when the name is unsafe."""
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name) or name.startswith("\\"):
        raise ValueError(f"the archive holds an absolute path: {_short(name)}")
    if ".." in path.parts or ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise ValueError(f"the archive holds a path that climbs out with '..': {_short(name)}")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"the archive holds a name that is not UTF-8: {_short(name)}") from None
    return path.parts


def _kept(parts: tuple[str, ...]) -> bool:
    return bool(parts) and not any(ignored(part) for part in parts)


def unpack(sub: Submission, into: Path) -> None:
    """Set sub.root (unpacking an archive into `into`) or sub.problem.

    A submission's own problems (a bad archive, a cap) set sub.problem; anything else raises.
    """
    src = sub.source
    try:
        if src.is_dir():
            _check_folder(src)
            sub.root = _steps_root(src)
        elif src.name.endswith(".zip"):
            _unzip(src, into)
            sub.root = _steps_root(into)
        elif src.name.endswith((".tar.gz", ".tgz")):
            _untar(src, into)
            sub.root = _steps_root(into)
        else:
            sub.problem = f"{_short(src.name)} is neither a folder nor a .zip/.tar.gz archive"
    except PROBLEMS as exc:
        sub.root, sub.problem = None, str(exc) or type(exc).__name__


def walk(folder: Path) -> Iterator[tuple[Path, tuple[str, ...], os.DirEntry[str]]]:
    """Every entry under folder that is kept (see ignored), folders before their contents,
    without following links: (path, parts relative to folder, its DirEntry). A loop, not a
    recursion; the caller stops it when it has seen enough."""
    stack: list[tuple[Path, tuple[str, ...]]] = [(folder, ())]
    while stack:
        current, prefix = stack.pop()
        with os.scandir(current) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            if ignored(entry.name):
                continue
            path, parts = current / entry.name, (*prefix, entry.name)
            yield path, parts, entry
            if entry.is_dir(follow_symlinks=False):
                stack.append((path, parts))


def _check_folder(src: Path) -> None:
    """The caps and checks of an archive, for a folder graded where it is (links may stay
    inside it)."""
    top, budget = src.resolve(), _Budget()
    for path, parts, entry in walk(src):
        name = "/".join(parts)
        try:
            entry.name.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"the submission holds a name that is not UTF-8: {_short(name)}") from None
        info = entry.stat(follow_symlinks=False)
        if entry.is_symlink():
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a loop of links
                raise ValueError(f"a link cannot be followed: {_short(name)}") from None
            if not target.is_relative_to(top):
                raise ValueError(f"a link points outside the submission: {_short(name)}")
        elif not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise ValueError(f"the submission holds a special file (a pipe or a device): {_short(name)}")
        budget.keep(parts, info.st_size if stat.S_ISREG(info.st_mode) else 0, name)


# What a zip's names are written in when the archive does not flag them UTF-8: UTF-8 all the same
# (most tools today), else the code page of Korean Windows, whose zip tools write CP949.
UNFLAGGED_ENCODINGS = ("utf-8", "cp949")


def _unflagged_name(name: str) -> str:
    """A zip member's name not flagged UTF-8 (zipfile decoded it as cp437), in UNFLAGGED_ENCODINGS."""
    raw = name.encode("cp437")
    for encoding in UNFLAGGED_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"the archive holds a name that is neither UTF-8 nor CP949: {_short(name)} "
                     "(zip it again with a tool that writes UTF-8 names)")


def _unzip(src: Path, into: Path) -> None:
    with zipfile.ZipFile(src) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ValueError(f"the archive holds more than {MAX_MEMBERS} members")
        if sum(info.file_size for info in infos) > MAX_ARCHIVE_BYTES:
            raise ValueError(f"the archive holds more than {MAX_ARCHIVE_BYTES // 2**20} MB in all")
        keep, budget = [], _Budget()
        for info in infos:
            if not info.flag_bits & 0x800:  # zipfile read the name as cp437: decode its bytes again
                info.filename = _unflagged_name(info.filename)
            parts = _check_name(info.filename)
            if "\\" in info.filename:  # Windows tools that write its separator (the format says /)
                info.filename = info.filename.replace("\\", "/")
                parts = _check_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ValueError(f"the archive holds a link, which is not accepted: {_short(info.filename)}")
            if _kept(parts):
                budget.keep(parts, info.file_size, info.filename)
                keep.append(info)
        into.mkdir(parents=True, exist_ok=True)
        for info in keep:
            zf.extract(info, into)


def _untar(src: Path, into: Path) -> None:
    with tarfile.open(src, "r:gz") as tf:
        keep, budget, raw = [], _Budget(), 0
        for count, m in enumerate(tf, 1):  # member by member: a huge archive is refused early
            raw += m.size
            if count > MAX_MEMBERS:
                raise ValueError(f"the archive holds more than {MAX_MEMBERS} members")
            if raw > MAX_ARCHIVE_BYTES:
                raise ValueError(f"the archive holds more than {MAX_ARCHIVE_BYTES // 2**20} MB in all")
            parts = _check_name(m.name)
            if m.issym() or m.islnk():
                raise ValueError(f"the archive holds a link, which is not accepted: {_short(m.name)}")
            if not (m.isfile() or m.isdir()):
                raise ValueError(f"the archive holds a special file (a pipe or a device): {_short(m.name)}")
            if _kept(parts):
                budget.keep(parts, m.size, m.name)
                keep.append(m)
        into.mkdir(parents=True, exist_ok=True)
        tf.extractall(into, members=keep, filter="data")


def _has_step_folders(folder: Path) -> bool:
    return any(p.is_dir() for p in folder.glob("step[0-9][0-9]"))


def _has_flat_steps(folder: Path) -> bool:
    """stepNN.py files (or a dezero/ package) right in folder: a flat upload."""
    return (any(p.is_file() for p in folder.glob("step[0-9][0-9].py"))
            or (folder / "dezero").is_dir())


def _steps_root(folder: Path) -> Path:
    """The folder holding stepNN/ (or, for a flat upload, stepNN.py): the folder itself, a
    steps/ inside, or (looked through, however many times) its single subfolder. stepNN/
    folders win over flat files at the same level."""
    current = folder
    for _ in range(MAX_DEPTH + 1):
        candidates = (current, current / "steps")
        for found in (_has_step_folders, _has_flat_steps):
            for candidate in candidates:
                if candidate.is_dir() and found(candidate):
                    return candidate
        subs = [p for p in current.iterdir() if not ignored(p.name) and p.is_dir()]
        if len(subs) != 1:
            break
        current = subs[0]
    raise ValueError("no stepNN/ folder or stepNN.py found (a submission is laid out like steps/, "
                     "or holds the stepNN.py files)")


@dataclass(frozen=True)
class StepSource:
    """Where one step of a submission is: a folder laid out like steps/stepNN (its own stepNN/
    folder, or the submission's root for a flat upload), or why there is none."""

    folder: Path | None
    flat: bool = False
    status: str = ""  # when folder is None: missing | invalid
    problem: str = ""


def locate(root: Path, step: int, steps: list[int]) -> StepSource:
    """Step `step` of the submission at root, graded with `steps`.

    Its stepNN/ folder if there is one. Otherwise a flat upload: stepNN.py in root (before
    step 23), or for a package step stepNN.py or dezero/ in root, but only when exactly one
    package step is graded: one dezero/ cannot be two steps' package.
    """
    name = catalog.step_name(step)
    if (root / name).is_dir():
        return StepSource(root / name)
    script = (root / f"{name}.py").is_file()
    if not catalog.is_package_step(step):
        if script:
            return StepSource(root, flat=True)
        return StepSource(None, status="missing", problem=f"no {name}/ folder or {name}.py")
    package = (root / "dezero").is_dir()
    if not (script or package):
        return StepSource(None, status="missing", problem=f"no {name}/ folder, {name}.py or dezero/")
    problem = catalog.flat_package_problem(step, steps) if package else ""
    if problem:
        return StepSource(None, status="invalid", problem=problem)
    return StepSource(root, flat=True)


def content_hash(step_dir: Path) -> str:
    """A hash of every kept file of one step folder: unchanged submissions are not graded again."""
    digest = hashlib.sha256()
    if step_dir.is_dir():
        for path, parts, entry in sorted(walk(step_dir), key=lambda item: item[1]):
            if entry.is_file():  # a regular file, or a link to one inside the submission
                digest.update("/".join(parts).encode("utf-8", "surrogateescape") + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def flat_hash(root: Path, step: int) -> str:
    """A hash of the files a flat upload's step is graded from: stepNN.py, and dezero/ for a
    package step (the other steps' files do not count)."""
    name = catalog.step_name(step)
    digest = hashlib.sha256(b"flat\0")
    script = root / f"{name}.py"
    files = [(f"{name}.py", script)] if script.is_file() else []
    if catalog.is_package_step(step) and (root / "dezero").is_dir():
        files += sorted((("dezero/" + "/".join(parts)), path) for path, parts, entry in walk(root / "dezero")
                        if entry.is_file())
    for label, path in files:
        digest.update(label.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
