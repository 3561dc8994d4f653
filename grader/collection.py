"""The trusted list of a step's tests: what the parent grades, whatever the child reports.

A separate `pytest --collect-only` over the verified test files, with the plugin in collect
mode (no target is loaded, so no student code runs). Its result — each test's node id,
statement, points, TODO id, declared timeout and needs — is cached by the hash of the test
files and of the plugin, in `.grader/collections/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader import catalog, spawn

CACHE = catalog.REPO / ".grader" / "collections"
_PLUGIN_FILES = ("plugin.py", "events.py", "collection.py")
# The plugins of every pytest the grader starts: Hypothesis's and its own, and none that the
# environment happens to have installed. Autoloading would also mark all of Hypothesis for pytest's
# assertion rewriting, which recompiles it from source in every process (about a second of CPU:
# PYTHONDONTWRITEBYTECODE keeps the rewritten code from being cached).
PYTEST_PLUGINS = ("-p", "_hypothesis_pytestplugin", "-p", "grader.plugin", "--noconftest",
                  "-p", "no:cacheprovider")
PYTEST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


@dataclass(frozen=True)
class TestInfo:
    """One test as the instructor's files declare it."""

    nodeid: str
    name: str
    description: str
    points: float
    todo: str | None
    timeout: float | None
    reference: bool  # False: a test of a step-only API, not applicable on the reference
    needs: tuple[str, ...]  # what the machine must have: "dot", "cupy"

    __test__ = False  # not a pytest test class


class CollectionError(Exception):
    """The instructor's tests cannot be collected; the message holds pytest's own words."""


def _key(rootdir: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in [*(catalog.REPO / "grader" / name for name in _PLUGIN_FILES), *files]:
        name = path.relative_to(rootdir) if path.is_relative_to(rootdir) else path.name
        digest.update(f"{name}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def collect(rootdir: Path, files: list[Path], step: int) -> list[TestInfo]:
    """The tests of files (under rootdir), in file order; cached by content."""
    key = _key(rootdir, files)
    cached = CACHE / f"{key}.json"
    if cached.is_file():
        try:
            return [_info(d) for d in json.loads(cached.read_text())]
        except (ValueError, TypeError, KeyError):
            pass  # a torn cache file: collect again
    tests = _run_collection(rootdir, files, step)
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps([asdict(t) for t in tests]))
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only checkout still grades, collecting every time
    return tests


def _info(d: dict[str, Any]) -> TestInfo:
    return TestInfo(nodeid=str(d["nodeid"]), name=str(d["name"]), description=str(d["description"]),
                    points=float(d["points"]), todo=d["todo"], timeout=d["timeout"],
                    reference=bool(d["reference"]), needs=tuple(d.get("needs") or ()))


def _run_collection(rootdir: Path, files: list[Path], step: int) -> list[TestInfo]:
    with tempfile.TemporaryDirectory(prefix="grader-collect-") as tmp:
        out = Path(tmp) / "tests.json"
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n")
        cmd = [sys.executable, "-m", "pytest", "--collect-only", "-q", *PYTEST_PLUGINS,
               "-c", str(ini), "--rootdir", str(rootdir),
               "--import-mode=importlib", "--grader-collect", str(out), "--grader-step", str(step),
               *map(str, files)]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", **PYTEST_ENV)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(catalog.REPO), env.get("PYTHONPATH")]))
        code, output = spawn.run_registered(cmd, Path(tmp), env, timeout=300)
        if code != 0 or not out.is_file():
            raise CollectionError(output.strip()[-3000:] or f"exit code {code}")
        return [_info(d) for d in json.loads(out.read_text())]
