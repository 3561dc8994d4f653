"""Solutions → skeletons: the one source of truth for student code.

A solution block is fenced (no nesting):
    # SOLUTION(step14.1): Add gx to x.grad when x already has a gradient.
    ...body...
    # END SOLUTION
An opened block becomes exactly three lines at the fence's indentation:
    # TODO(step14.1): Add gx to x.grad when x already has a gradient.
    raise NotImplementedError("TODO(step14.1): add gx to x.grad when x already has a gradient")
    # END TODO(step14.1)
A block that stays solved keeps its body and loses its fence lines.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from grader import catalog
from grader.instructor import snapshots

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# SOLUTION\((?P<id>step\d{2}\.\d+)\): (?P<text>\S.*?)\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
CODE_SUFFIXES = (".py",)


class FenceError(ValueError):
    """A malformed SOLUTION fence; the message names file and line."""


@dataclass(frozen=True)
class Block:
    id: str
    text: str
    indent: str
    body: str  # the lines between the fences, as written
    begin: int  # 0-based line of the opening fence
    end: int  # 0-based line of the closing fence


def parse_blocks(source: str, where: str = "<source>") -> list[Block]:
    """The solution blocks of a source text, in order."""
    lines = source.splitlines(keepends=True)
    blocks, open_at = [], None
    for n, line in enumerate(lines):
        if m := BEGIN.match(line):
            if open_at is not None:
                raise FenceError(f"{where}:{n + 1}: SOLUTION fence inside another (line {open_at[0] + 1})")
            open_at = (n, m)
        elif END.match(line):
            if open_at is None:
                raise FenceError(f"{where}:{n + 1}: END SOLUTION without an opening fence")
            start, m = open_at
            body = "".join(lines[start + 1 : n])
            blocks.append(Block(m["id"], m["text"], m["indent"], body, start, n))
            open_at = None
        elif "SOLUTION(" in line and line.lstrip().startswith("#"):
            raise FenceError(f"{where}:{n + 1}: malformed SOLUTION fence: {line.strip()}")
    if open_at is not None:
        raise FenceError(f"{where}:{open_at[0] + 1}: SOLUTION fence never closed")
    return blocks


def todo_lines(block: Block) -> str:
    """The three lines that replace an opened block."""
    message = block.text[0].lower() + block.text[1:]
    message = message.rstrip(".").replace("\\", "\\\\").replace('"', '\\"')
    i = block.indent
    return (
        f"{i}# TODO({block.id}): {block.text}\n"
        f'{i}raise NotImplementedError("TODO({block.id}): {message}")\n'
        f"{i}# END TODO({block.id})\n"
    )


def make_skeleton(source: str, is_open: Callable[[str], bool], where: str = "<source>") -> str:
    """Open the blocks whose id is_open accepts; strip the fences of the others."""
    lines = source.splitlines(keepends=True)
    out, last = [], 0
    for block in parse_blocks(source, where):
        out.extend(lines[last : block.begin])
        out.append(todo_lines(block) if is_open(block.id) else block.body)
        last = block.end + 1
    out.extend(lines[last:])
    return "".join(out)


def opens_step(step: int) -> Callable[[str], bool]:
    """The skeleton of step N opens only step N's own blocks."""
    prefix = f"{catalog.step_name(step)}."
    return lambda block_id: block_id.startswith(prefix)


def code_files(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()
                  and "__pycache__" not in p.parts)


def generate(step: int, out_dir: Path, is_open: Callable[[str], bool] | None = None) -> list[Path]:
    """Write the skeleton of a step (its full snapshot, blocks opened) into out_dir; returns the files."""
    is_open = is_open or opens_step(step)
    written = []
    for rel, src in snapshots.files(step).items():
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix in CODE_SUFFIXES:
            dest.write_text(make_skeleton(src.read_text(encoding="utf-8"), is_open, rel), encoding="utf-8")
        else:  # package data (dezero/data/digits.csv.gz) goes along as it is
            shutil.copyfile(src, dest)
        written.append(dest)
    return written


def drift(step: int, scratch: Path) -> list[str]:
    """Files of steps/stepNN that differ from what the generator makes (empty: no drift)."""
    out = scratch / catalog.step_name(step)
    if out.exists():
        shutil.rmtree(out)
    problems = []
    for made in generate(step, out):
        rel = made.relative_to(out)
        committed = catalog.step_dir(step) / rel
        if not committed.is_file():
            problems.append(f"{committed.relative_to(catalog.REPO)} is missing")
        elif committed.read_bytes() != made.read_bytes():
            problems.append(f"{committed.relative_to(catalog.REPO)} differs from its solution")
    return problems


def block_ids(step: int) -> list[str]:
    """The ids of a step's own blocks, in file order."""
    prefix = f"{catalog.step_name(step)}."
    ids = []
    for rel, src in snapshots.files(step).items():
        if src.suffix in CODE_SUFFIXES:
            blocks = parse_blocks(src.read_text(encoding="utf-8"), rel)
            ids += [b.id for b in blocks if b.id.startswith(prefix)]
    return ids


def inconsistent_blocks() -> list[str]:
    """Ids whose body differs between the snapshots that carry them, and bad fences."""
    bodies: dict[str, dict[str, list[str]]] = {}
    problems = []
    for src in code_files(catalog.SOLUTIONS_DIR):
        rel = str(src.relative_to(catalog.REPO))
        try:
            blocks = parse_blocks(src.read_text(encoding="utf-8"), rel)
        except FenceError as exc:
            problems.append(str(exc))
            continue
        for b in blocks:
            owner = int(b.id[4:6])
            if int(src.relative_to(catalog.SOLUTIONS_DIR).parts[0][4:6]) < owner:
                problems.append(f"{rel}: block {b.id} appears before its own step")
            key = _normalise(b.body, b.indent) + "\x00" + b.text
            bodies.setdefault(b.id, {}).setdefault(key, []).append(rel)
    for block_id, variants in sorted(bodies.items()):
        if len(variants) > 1:
            where = "; ".join(", ".join(files) for files in variants.values())
            problems.append(f"{block_id} has {len(variants)} different bodies: {where}")
    return problems


def _normalise(body: str, indent: str) -> str:
    return "\n".join(line.removeprefix(indent).rstrip() for line in body.splitlines())
