"""Student releases.

`release OUT --steps SPEC` writes a student repository: the released steps with the TODOs
of EVERY released step open in every released folder (so step 12's folder does not
hand out step 11's answer), the grader without its instructor tools, a student noxfile
(grade sessions for the released steps only), pyproject and a student README; no solutions
and no reference package. A leak check then scans it for solution code.

The leak check looks for the body of every released block in every code file but the tests:
- a body with two or more *significant* lines (not trivial like `return y` or `pass`, and
  not shown anyway by the skeleton of the block's own step) is found when those lines appear
  in order within a window of nearby lines, whatever lies between them (a pasted answer split
  by a later TODO or by other code is still found);
- a body with one significant line is found as its whole run of code lines, as written;
- a body with none is no secret and is not looked for.
"""

from __future__ import annotations

import bisect
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from string import Template

from grader import catalog
from grader.instructor import skeleton, snapshots

TOP_FILES = ("pyproject.toml", "conftest.py", ".gitignore")
TOP_DIRS = ("grader", "constraints")

TEMPLATES = Path(__file__).resolve().parent / "templates"
STUDENT_README = TEMPLATES / "student-README.md"
STUDENT_NOXFILE = TEMPLATES / "student-noxfile.py"

# Lines that say nothing about an answer on their own: bare keywords, the return of a lone
# name (`return y`, `return self`), closing brackets.
TRIVIAL = re.compile(r"(pass|break|continue|else:|try:|finally:|return|raise"
                     r"|return [A-Za-z_]\w*|[)\]}]+[,:]?)")


def _owner(block_id: str) -> int:
    return int(block_id[4:6])


def _say(message: str) -> None:
    print(f"release: {message}", flush=True)


def make_release(out: Path, steps: list[int], say: Callable[[str], None] = _say) -> list[str]:
    """Write the release into out (which must not exist); returns the leak check's findings.

    say(message) reports what it is doing (printed by default)."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder for the release")
    out.mkdir(parents=True, exist_ok=True)
    listing = catalog.describe_steps(steps)
    say(f"writing steps {listing} into {out}")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "instructor")  # grader/instructor stays home
    for name in TOP_FILES:
        if (catalog.REPO / name).exists():
            shutil.copy2(catalog.REPO / name, out / name)
    for name in TOP_DIRS:
        shutil.copytree(catalog.REPO / name, out / name, ignore=ignore)
    shutil.copyfile(STUDENT_NOXFILE, out / "noxfile.py")
    say(f"copied {', '.join(d + '/' for d in TOP_DIRS)}, {', '.join(TOP_FILES)} and the student noxfile "
        "(grade sessions for the released steps only)")
    released = set(steps)
    for n, step in enumerate(steps, 1):
        src, dest = catalog.step_dir(step), out / "steps" / catalog.step_name(step)
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        for test in src.glob("test_*.py"):
            shutil.copy2(test, dest / test.name)
        skeleton.generate(step, dest, is_open=lambda block_id: _owner(block_id) in released)
        if n == len(steps) or n % 10 == 0:
            say(f"{n}/{len(steps)} step folders written (every released TODO open)")
    text = Template(STUDENT_README.read_text()).substitute(steps=listing, first=steps[0],
                                                           first2=f"{steps[0]:02d}")
    (out / "README.md").write_text(text)
    return leaks(out, steps, say)


def _code_lines(text: str) -> list[str]:
    """The code lines of a text, stripped: no blank lines, no comment lines."""
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


@dataclass(frozen=True)
class Secret:
    """What the leak check looks for of one released block."""

    block_id: str
    body: tuple[str, ...]  # the code lines of the body
    significant: tuple[str, ...]  # found in order within `window` lines when there are two or more

    @property
    def window(self) -> int:
        return 2 * len(self.body) + 10

    def found_in(self, lines: list[str], where: dict[str, list[int]]) -> bool:
        if len(self.significant) >= 2:
            return _in_order(self.significant, where, self.window)
        return self.body[0] in where and _contains(lines, list(self.body))


def secrets(steps: list[int]) -> list[Secret]:
    """What to look for: each released block's body, less what its own step's skeleton shows."""
    released = set(steps)
    bodies: dict[str, list[str]] = {}
    for src in skeleton.code_files(catalog.SOLUTIONS_DIR):
        for block in skeleton.parse_blocks(src.read_text(encoding="utf-8"), str(src)):
            if _owner(block.id) in released:
                bodies[block.id] = _code_lines(block.body)
    found = []
    shown_by: dict[int, list[str]] = {}
    for block_id, body in sorted(bodies.items()):
        step = _owner(block_id)
        if step not in shown_by:
            shown_by[step] = _skeleton_lines(step)
        shown = shown_by[step]
        # Code that the block's own step shows anyway (self.grad = None in __init__) is no secret.
        if not body or _contains(shown, body):
            continue
        visible = set(shown)
        significant = tuple(line for line in body if not TRIVIAL.fullmatch(line) and line not in visible)
        if significant:
            found.append(Secret(block_id, tuple(body), significant))
    return found


def leaks(root: Path, steps: list[int], say: Callable[[str], None] | None = None) -> list[str]:
    """'file: the code of step07.2' for every released block body found in root's code."""
    wanted = secrets(steps)
    # The tests are given to students on purpose.
    files = [p for p in skeleton.code_files(root) if not p.name.startswith("test_")]
    if say:
        say(f"checking {len(files)} code files for the code of {len(wanted)} released blocks")
    found = []
    seen: dict[str, list[str]] = {}  # the same text in many folders is checked once
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if text not in seen:
            lines = _code_lines(text)
            where: dict[str, list[int]] = {}
            for i, line in enumerate(lines):
                where.setdefault(line, []).append(i)
            seen[text] = [s.block_id for s in wanted if s.found_in(lines, where)]
        found += [f"{path.relative_to(root)}: the code of {block_id}" for block_id in seen[text]]
    if any((root / name).exists() for name in ("solutions", "dezero")):
        found.append("the release holds solutions/ or the reference dezero/")
    return found


def _skeleton_lines(step: int) -> list[str]:
    """The code lines a student sees in the skeleton of step (its own blocks open)."""
    lines = []
    for src in snapshots.files(step).values():
        if src.suffix not in skeleton.CODE_SUFFIXES:
            continue
        text = skeleton.make_skeleton(src.read_text(encoding="utf-8"), skeleton.opens_step(step))
        lines += _code_lines(text) + [""]
    return lines


def _contains(lines: list[str], body: list[str]) -> bool:
    n = len(body)
    return any(lines[i : i + n] == body for i in range(len(lines) - n + 1))


def _in_order(wanted: tuple[str, ...], where: dict[str, list[int]], window: int) -> bool:
    """True when the lines of wanted occur in this order, first to last within window lines."""
    if any(line not in where for line in wanted):
        return False
    for start in where[wanted[0]]:
        at = start
        for line in wanted[1:]:
            positions = where[line]
            k = bisect.bisect_right(positions, at)
            if k == len(positions):
                return False  # no later start can complete the run either
            at = positions[k]
        if at - start < window:
            return True
    return False


__all__ = ["Secret", "leaks", "make_release", "secrets"]
