"""The repository explains itself: every file path its Markdown and docstrings name exists in it,
and nothing points at notes kept outside the repository."""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Iterator
from pathlib import Path

from grader import catalog

REPO = catalog.REPO
SKIP = {".git", ".nox", ".venv", "__pycache__", ".grader", "build"}
TOP = r"(?:grader|dezero|solutions|steps|tests|docs|bench|constraints|\.ci)"
PATH = re.compile(r"(?<![\w./-])(" + TOP + r"/[\w.*/…<>{}()\-]*[\w*…>})])")
LINK = re.compile(r"\]\((?!https?:|mailto:|#)([\w./-]*[./][\w./-]*)(?:#[\w-]*)?\)")
PLACEHOLDER = re.compile(r"NN|\(N-1\)|\(NN-1\)|\bN\b|\*\*?|…|<[^>]*>|\{[^}]*\}")
OUTSIDE = re.compile(r"DESIGN\.md|STYLE\.md|CURRICULUM|GLOSSARY|§\s?\d")
FILES = sorted(p.relative_to(REPO).as_posix() for p in REPO.rglob("*")
               if not SKIP & set(p.relative_to(REPO).parts))


def _texts() -> Iterator[tuple[Path, str]]:
    """Markdown files whole; Python docstrings and comments."""
    for path in REPO.rglob("*.md"):
        if not SKIP & set(path.relative_to(REPO).parts):
            yield path, path.read_text(encoding="utf-8")
    for path in REPO.rglob("*.py"):
        if SKIP & set(path.relative_to(REPO).parts):
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node, clean=False)
                if doc:
                    yield path, doc
        yield path, "\n".join(line[line.index("#"):] for line in source.splitlines() if "#" in line)


def _exists(ref: str, where: Path) -> bool:
    """ref names a file or folder relative to the text's folder, the repository root or, in a step
    guide, any step folder; placeholders (stepNN, *, …, <name>) match any name."""
    ref = ref.rstrip(".")
    while ref.endswith(")") and ref.count(")") > ref.count("("):
        ref = ref[:-1]
    bases = [where.parent.relative_to(REPO).as_posix(), ""]
    if where.parent.parent.name == "steps":
        bases.append("steps/step*")
    for base in bases:
        full = f"{base}/{ref}".lstrip("/") if base else ref
        pattern = PLACEHOLDER.sub("*", full)
        if "*" not in pattern and (REPO / full).exists():
            return True
        if "*" in pattern and any(fnmatch.fnmatch(f, pattern) or fnmatch.fnmatch(f, pattern + "/*")
                                   for f in FILES):
            return True
    return False


def test_every_named_path_exists():
    missing = set()
    for path, text in _texts():
        for ref in PATH.findall(text) + LINK.findall(text):
            if not _exists(ref, path):
                missing.add(f"{path.relative_to(REPO)}: {ref}")
    assert not missing, "paths that do not exist:\n" + "\n".join(sorted(missing))


def test_nothing_points_outside_the_repository():
    found = {f"{path.relative_to(REPO)}: {m.group(0)}" for path, text in _texts()
             for m in OUTSIDE.finditer(text) if path.name != Path(__file__).name}
    assert not found, "references to notes that are not in the repository:\n" + "\n".join(sorted(found))


def test_the_checker_catches_a_missing_path():
    assert _exists("grader/plugin.py", REPO / "README.md")
    assert _exists("steps/stepNN/hints.toml", REPO / "README.md")
    assert not _exists("grader/nowhere.py", REPO / "README.md")
    assert not _exists("dezero/functions.py", REPO / "README.md")  # a package, not a file
