"""The Docker export, checked where no Docker engine runs: the build context that .dockerignore
leaves, and the Dockerfile's steps replayed in a folder by tests/dockerfile_steps.py."""

import shlex
import subprocess
import sys

import pytest

from grader import catalog


def _dockerfile_steps():
    import importlib.util

    path = catalog.REPO / "tests" / "dockerfile_steps.py"
    spec = importlib.util.spec_from_file_location("dockerfile_steps", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dockerignore_sends_only_what_the_dockerfile_copies():
    steps = _dockerfile_steps()
    files = steps.context(steps.ignore_rules((catalog.REPO / ".dockerignore").read_text()))
    tops = {f.split("/")[0] for f in files}
    assert tops == {"pyproject.toml", "conftest.py", "README.md", "constraints", "grader", "steps"}
    assert not any("__pycache__" in f or "/.grader/" in f for f in files)
    copied = {src for word, args in steps.instructions((catalog.REPO / "Dockerfile").read_text())
              if word == "COPY" for src in shlex.split(args)[:-1]}
    assert copied == tops


def test_dockerfile_steps_replayed_without_docker():
    """tests/dockerfile_steps.py performs the Dockerfile's COPY and RUN steps in a folder and its
    ENTRYPOINT as a non-root user; pip needs a package index."""
    script = catalog.REPO / "tests" / "dockerfile_steps.py"
    proc = subprocess.run([sys.executable, str(script), "--seed-cache"], capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode in (75, 77):
        pytest.skip(proc.stderr.strip().splitlines()[0])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "out/: step 1 3/3, step 4 0/9, results.json 3/12" in proc.stdout
