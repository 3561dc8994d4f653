"""`carry N`: copy the student's own filled TODO blocks from steps/step(N-1) into the same,
still untouched, blocks of steps/stepNN, so moving on never means typing an answer twice."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from grader import catalog

REGION = re.compile(r"^[ \t]*# TODO\((step\d{2}\.\d+)\):.*?\n(.*?)^[ \t]*# END TODO\(\1\)[ \t]*\n",
                    re.S | re.M)


def _regions(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in REGION.finditer(text)}


def _pristine(block_id: str, body: str) -> bool:
    """True while a TODO block still holds only the generated raise line."""
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    return len(lines) == 1 and lines[0].startswith(f'raise NotImplementedError("TODO({block_id})')


def _fill(m: re.Match[str], done: dict[str, str], copied: list[str], where: Path) -> str:
    block_id, body = m.group(1), m.group(2)
    if block_id in done and _pristine(block_id, body):
        copied.append(f"{block_id} -> {where}")
        return m.group(0).replace(body, done[block_id], 1)
    return m.group(0)


def carry(step: int, steps_dir: Path | None = None) -> list[str]:
    """Copy filled blocks from step-1 into untouched blocks of step; returns what was copied."""
    steps_dir = steps_dir or catalog.STEPS_DIR
    prev_dir, this_dir = steps_dir / catalog.step_name(step - 1), steps_dir / catalog.step_name(step)
    if not prev_dir.is_dir() or not this_dir.is_dir():
        raise FileNotFoundError(f"carry {step} needs both {prev_dir} and {this_dir}")
    done: dict[str, str] = {}
    for path in prev_dir.rglob("*.py"):
        for block_id, body in _regions(path.read_text(encoding="utf-8")).items():
            if not _pristine(block_id, body):
                done[block_id] = body
    copied: list[str] = []
    for path in sorted(this_dir.rglob("*.py")):
        if path.name.startswith("test_"):
            continue
        text = path.read_text(encoding="utf-8")

        where = path.relative_to(steps_dir)
        new = REGION.sub(partial(_fill, done=done, copied=copied, where=where), text)
        if new != text:
            path.write_text(new, encoding="utf-8")
    return copied
