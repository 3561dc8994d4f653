"""Beyond one machine: a Gradescope autograder zip and a GitHub Classroom workflow.

Both run this grader unchanged, one submission per container: Gradescope calls
run_autograder, which grades each step of the submission and merges the per-step
results.json files; Classroom runs one `nox -s grade-NN` per step.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from grader import catalog

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -euo pipefail
apt-get update -qq && apt-get install -y -qq graphviz python3-venv >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q -c /autograder/source/constraints/grading.txt \\
    -e '/autograder/source[test,viz]'
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes results/results.json.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PY="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
export PYTHONPATH="$ROOT/source${{PYTHONPATH:+:$PYTHONPATH}}"
mkdir -p "$ROOT/results" "$ROOT/work"
for step in {steps}; do
    name=$(printf 'step%02d' "$step")
    folder=$(find "$ROOT/submission" -maxdepth 3 -type d -name "$name" | head -n 1)
    [ -n "$folder" ] || folder="$ROOT/submission/$name"
    (cd "$ROOT/source" && "$PY" -m grader grade "$step" --target "$folder" \\
        --gradescope "$ROOT/work/$name.json" > "$ROOT/work/$name.txt" 2>&1) || true
done
"$PY" - "$ROOT" <<'MERGE'
import json, pathlib, sys
root = pathlib.Path(sys.argv[1])
merged = {{"score": 0, "max_score": 0, "execution_time": 0, "visibility": "visible",
          "stdout_visibility": "hidden", "output": "", "tests": []}}
for part in sorted((root / "work").glob("step*.json")):
    r = json.loads(part.read_text())
    for key in ("score", "max_score", "execution_time"):
        merged[key] += r[key]
    merged["tests"] += r["tests"]
    merged["output"] += r["output"]
for name in sorted((root / "work").glob("step*.txt")):
    if not (root / "work" / (name.stem + ".json")).exists():
        merged["output"] += f"{{name.stem}}: could not be graded:\\n{{name.read_text()[-2000:]}}\\n"
(root / "results" / "results.json").write_text(json.dumps(merged, indent=1))
MERGE
"""

COURSE_PARTS = ("grader", "constraints", "pyproject.toml", "conftest.py", "README.md")


def _add_tree(zf: zipfile.ZipFile, path: Path, arcname: str) -> None:
    if path.is_file():
        zf.write(path, arcname)
        return
    for child in sorted(path.rglob("*")):
        if child.is_file() and "__pycache__" not in child.parts:
            zf.write(child, f"{arcname}/{child.relative_to(path)}")


def gradescope(out: Path, steps: list[int]) -> Path:
    """Write the autograder zip: setup.sh and run_autograder at the top, the course beside them.

    It holds the grader, the constraints (pinned requirements) and each step's tests and
    hints, never solutions or the reference package.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder",
                                                    RUN_AUTOGRADER.format(steps=" ".join(map(str, steps))))):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            zf.writestr(info, text)
        zf.writestr("requirements.txt", (catalog.REPO / "constraints" / "grading.txt").read_text())
        for part in COURSE_PARTS:
            _add_tree(zf, catalog.REPO / part, part)
        for step in steps:
            folder = catalog.step_dir(step)
            for path in sorted(folder.iterdir()):
                if path.name.startswith("test_") or path.name in ("hints.toml",):
                    zf.write(path, f"steps/{folder.name}/{path.name}")
    return out


def classroom(out: Path, steps: list[int]) -> Path:
    """Write .github/workflows/classroom.yml with one graded test per step (nox -s grade-NN)."""
    tests = []
    for step in steps:
        points = _points(step)
        tests.append({"id": f"step{step:02d}", "name": f"Step {step:02d}: {catalog.TITLES[step]}",
                      "command": f"nox -s grade-{step:02d}", "points": points})
    lines = ["name: Autograding", "on: [push, workflow_dispatch]", "permissions:", "  checks: write",
             "  actions: read", "  contents: read", "jobs:", "  grade:", "    runs-on: ubuntu-latest",
             "    steps:", "      - uses: actions/checkout@v4", "      - uses: actions/setup-python@v5",
             "        with:", "          python-version: '3.11'",
             "      - run: sudo apt-get install -y graphviz && pip install nox"]
    for t in tests:
        lines += [f"      - name: {json.dumps(t['name'])}", f"        id: {t['id']}",
                  "        uses: classroom-resources/autograding-command-grader@v1", "        with:",
                  f"          test-name: {json.dumps(t['name'])}", f"          command: {t['command']}",
                  "          timeout: 10", f"          max-score: {t['points']:g}"]
    lines += ["      - name: Report", "        uses: classroom-resources/autograding-grading-reporter@v1",
              "        env:"]
    for t in tests:
        lines.append(f"          {t['id'].upper()}_RESULTS: \"${{{{steps.{t['id']}.outputs.result}}}}\"")
    lines += ["        with:", f"          runners: {','.join(t['id'] for t in tests)}"]
    path = out / ".github" / "workflows" / "classroom.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def _points(step: int) -> float:
    """The step's total points, read from its tests' grade markers (no import of the tests)."""
    import re

    text = catalog.test_file(step).read_text()
    return float(sum(float(p) for p in re.findall(r"grade\(points=([\d.]+)", text)))
