"""`diff N`: what step N changes, as a unified diff of each file against step N-1.

Step N's script is compared with step N-1's script. In an instructor checkout the diff is
of the full solution snapshots (fences included); in a student release, of the step
folders with every TODO block reduced to its two comment lines, so a student's own answers
never show up as changes.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from grader import catalog

SCRIPT = "<script>"
_REGION = re.compile(r"^([ \t]*# TODO\((step\d{2}\.\d+)\):.*?\n).*?(^[ \t]*# END TODO\(\2\)[ \t]*\n)",
                     re.S | re.M)


def _step_files(step: int, solutions: bool) -> dict[str, Path]:
    if step < 1:
        return {}
    if solutions:
        from grader.instructor import snapshots

        return snapshots.files(step)
    folder = catalog.step_dir(step)
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            and (p.parent != folder or p.name == f"{catalog.step_name(step)}.py")}


def _texts(step: int, solutions: bool) -> dict[str, tuple[str, str | None]]:
    """key → (path shown, text or None for a binary file); the step script's key is SCRIPT."""
    out = {}
    for rel, path in _step_files(step, solutions).items():
        key = SCRIPT if rel == f"{catalog.step_name(step)}.py" else rel
        try:
            text: str | None = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and not solutions:
            text = _REGION.sub(r"\1\3", text)
        out[key] = (rel, text)
    return out


def diff(step: int, solutions: bool) -> str:
    """The changes of step against step - 1 ('' when there are none)."""
    old, new = _texts(step - 1, solutions), _texts(step, solutions)
    before, after = f"step{step - 1:02d}", catalog.step_name(step)
    parts = []
    for key in sorted(set(old) | set(new), key=lambda k: (k != SCRIPT, k)):
        (a_rel, a), (b_rel, b) = old.get(key, (key, "")), new.get(key, (key, ""))
        if a == b:
            continue
        if a is None or b is None:
            how = "added" if key not in old else "removed" if key not in new else "changed"
            parts.append(f"binary file {b_rel} {how}\n")
            continue
        if key in new and key not in old:
            parts.append(f"new file {after}/{b_rel}\n")
        elif key not in new:
            parts.append(f"removed {before}/{a_rel}\n")
        parts += difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                      f"{before}/{a_rel}" if key in old else "/dev/null",
                                      f"{after}/{b_rel}" if key in new else "/dev/null")
    return "".join(parts)
