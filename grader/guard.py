"""Guards around a grading run: the visible tests are pristine, and student code keeps its
hands off the test machinery.

- A SHA-256 manifest of every steps/stepNN/test_stepNN.py (grader/manifest.json), written
  by `python -m grader skeletons --write` and checked by `python -m grader skeletons`.
- A static scan of the student's files for imports of pytest, _pytest, hypothesis or
  grader, and for any use of sys.modules, builtins or __builtins__.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from grader import catalog

MANIFEST = Path(__file__).resolve().parent / "manifest.json"
FORBIDDEN_MODULES = ("pytest", "_pytest", "hypothesis", "grader", "builtins")
FORBIDDEN_NAMES = ("__builtins__",)


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


def edited_tests(step: int) -> list[str]:
    """The visible test files of a step that differ from the manifest (what a student edited)."""
    if not MANIFEST.exists():
        return []
    recorded = json.loads(MANIFEST.read_text())
    path = catalog.test_file(step)
    rel = str(path.relative_to(catalog.REPO))
    if rel in recorded and path.is_file() and _sha256(path) != recorded[rel]:
        return [rel]
    return []


def student_files(step: int, root: Path) -> list[Path]:
    """The files a student writes for a step: stepNN.py and, from step 23, dezero/**.py."""
    files = [root / f"{catalog.step_name(step)}.py"]
    if catalog.is_package_step(step):
        files += sorted((root / "dezero").rglob("*.py"))
    return [f for f in files if f.is_file()]


def scan_source(source: str, filename: str) -> list[str]:
    """'step07.py:3: imports pytest' for each touch of the test machinery in one file."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError:
        return []  # reported by the loader, with file and line
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


def scan(step: int, root: Path) -> list[str]:
    """Findings of the static scan over a target's student files."""
    found = []
    for path in student_files(step, root):
        found += scan_source(path.read_text(encoding="utf-8", errors="replace"),
                             str(path.relative_to(root)))
    return found
