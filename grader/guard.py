"""Guards around a grading run: the visible tests are pristine, and student code keeps its
hands off the test machinery.

- A SHA-256 manifest of every steps/stepNN/test_stepNN.py (grader/manifest.json), written
  by `python -m grader skeletons --write` and checked by `python -m grader skeletons`.
- A static scan of every file of the private copy a run grades, decoded as Python's importer
  decodes it (a `coding:` cookie included), for imports of pytest, _pytest, hypothesis or
  grader, and for any use of sys.modules, builtins or __builtins__. A file it cannot read, or
  a compiled module it cannot see into, is a finding too.
- The hashes of that copy and of the tests' copy, compared before and after a run.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.machinery
import importlib.util
import json
import threading
from pathlib import Path

from grader import catalog

MANIFEST = Path(__file__).resolve().parent / "manifest.json"
FORBIDDEN_MODULES = ("pytest", "_pytest", "hypothesis", "grader", "builtins")
FORBIDDEN_NAMES = ("__builtins__",)
_PARSE_LOCK = threading.Lock()
COMPILED = (*importlib.machinery.EXTENSION_SUFFIXES, *importlib.machinery.BYTECODE_SUFFIXES, ".pth")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def current_manifest() -> dict[str, str]:
    """{relative path: sha256} of every visible test file in this checkout."""
    return {str(catalog.test_file(n).relative_to(catalog.REPO)): _sha256(catalog.test_file(n))
            for n in catalog.available_steps()}


def write_manifest() -> None:
    MANIFEST.write_text(json.dumps(current_manifest(), indent=1, sort_keys=True) + "\n")


def stale_manifest() -> list[str]:
    """Test files whose hash differs from the committed manifest (empty: in step)."""
    recorded = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    current = current_manifest()
    problems = [f"{path} is not in grader/manifest.json" for path in current if path not in recorded]
    problems += [f"{path} changed since grader/manifest.json was written"
                 for path, digest in current.items() if path in recorded and recorded[path] != digest]
    return problems


@functools.cache
def recorded_manifest() -> dict[str, str]:
    """The manifest as this process first read it: code graded later cannot change it for us."""
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}


def edited_tests(step: int) -> list[str]:
    """The visible test files of a step that differ from the manifest (what a student edited)."""
    path = catalog.test_file(step)
    rel = str(path.relative_to(catalog.REPO))
    recorded = recorded_manifest()
    if rel in recorded and path.is_file() and _sha256(path) != recorded[rel]:
        return [rel]
    return []


def matches_manifest(step: int, data: bytes) -> bool:
    """True when data is the visible test file the manifest records for step (or none is recorded)."""
    rel = str(catalog.test_file(step).relative_to(catalog.REPO))
    recorded = recorded_manifest().get(rel)
    return recorded is None or hashlib.sha256(data).hexdigest() == recorded


def scan_source(source: str, filename: str) -> list[str]:
    """'step07.py:3: imports pytest' for each touch of the test machinery in one file."""
    try:
        with _PARSE_LOCK:  # CPython 3.11's parser is not safe to run in two threads at once
            tree = ast.parse(source, filename)
    except SyntaxError:
        return []  # reported by the loader, with file and line
    except (ValueError, RecursionError, MemoryError, SystemError) as exc:
        return [f"{filename}: cannot be parsed ({type(exc).__name__}), so it cannot be checked"]
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.expr)):
            continue  # everything looked for below is a statement or an expression, with a line
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("__import__", "import_module") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        for name in names:
            if name.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"{filename}:{node.lineno}: imports {name}")
        if isinstance(node, ast.Attribute) and node.attr == "modules" and _is_name(node.value, "sys"):
            found.append(f"{filename}:{node.lineno}: uses sys.modules")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{filename}:{node.lineno}: uses {node.id}")
    return sorted(set(found), key=lambda s: (s.split(":")[0], int(s.split(":")[1])))


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def scan_tree(root: Path) -> list[str]:
    """Findings of the static scan over every file under root (a run's private code copy)."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if path.name.endswith(COMPILED):
            found.append(f"{rel}: a compiled file, which the scan cannot read; submit the source")
        elif path.suffix == ".py":
            try:
                source = importlib.util.decode_source(path.read_bytes())
            except (SyntaxError, UnicodeDecodeError, LookupError, ValueError) as exc:
                found.append(f"{rel}: cannot be read as Python source ({exc})")
                continue
            found += scan_source(source, rel)
    return found


def tree_hashes(root: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under root (missing root: empty)."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Files added, removed or changed between two tree_hashes."""
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
