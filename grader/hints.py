"""A step's hints.toml: three hints per TODO and language (a nudge, the approach, the detail),
the Korean statement of every test and the Korean of its tests' messages (grader.messages).

    [step14.1]
    en = ["nudge", "approach", "detail"]
    ko = ["…", "…", "…"]

    [tests.ko]
    test_add_repeated_input_accumulates_grad = "…"

    [messages.ko]
    "x.grad should be {0}, got {1}" = "x.grad는 {0}이어야 하는데 {1}입니다"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

LANGS = ("en", "ko")
LEVELS = 3


@dataclass
class StepHints:
    ladders: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # todo → lang → hints
    descriptions: dict[str, dict[str, str]] = field(default_factory=dict)  # lang → test name → text
    messages: dict[str, dict[str, str]] = field(default_factory=dict)  # lang → template → translation


def load_hints(step_dir: Path) -> StepHints:
    """The hints of the step in step_dir (empty when it has no hints.toml)."""
    path = step_dir / "hints.toml"
    if not path.is_file():
        return StepHints()
    with path.open("rb") as f:
        table = tomllib.load(f)
    hints = StepHints(descriptions=table.pop("tests", {}), messages=table.pop("messages", {}))
    # [step04.1] parses as table "step04" holding "1": flatten back to "step04.1".
    for step, todos in table.items():
        for k, entry in todos.items():
            hints.ladders[f"{step}.{k}"] = {lang: [text] if isinstance(text, str) else list(text)
                                             for lang, text in entry.items()}
    return hints


def hint_for(hints: StepHints, todo: str | None, lang: str, level: int = 1) -> str:
    """The hint of a TODO at a level (1 nudge, 2 approach, 3 detail; capped at what exists)."""
    if not todo or todo not in hints.ladders:
        return ""
    ladder = hints.ladders[todo].get(lang) or hints.ladders[todo].get("en", [])
    return ladder[min(max(level, 1), len(ladder)) - 1] if ladder else ""


def description(hints: StepHints, test_name: str, english: str, lang: str) -> str:
    """A test's statement in lang (the English docstring when no translation exists)."""
    return hints.descriptions.get(lang, {}).get(test_name.split("[")[0], english) if lang != "en" else english


_ROW = re.compile(r"^\|\s*`(step\d{2}\.\d+)`\s*\|(.+)\|\s*$")
_ALL_IN = re.compile(r"^(?:All in|모두) `([^`]+)`")


@dataclass(frozen=True)
class GuideEntry:
    file: str  # where the TODO is, as the guide's table says
    where: str  # the function or method
    text: str  # what to write
    section: str  # the heading of the guide's section that explains it
    guide: str  # the guide's path


def guide_entry(step_dir: Path, todo: str, lang: str) -> GuideEntry | None:
    """What a guide's TODO table says of a TODO, and the section to read."""
    guide = step_dir / ("README.ko.md" if lang == "ko" else "README.md")
    if not guide.is_file():
        return None
    lines = guide.read_text(encoding="utf-8").splitlines()
    headings = [ln[3:].strip() for ln in lines if ln.startswith("## ")]
    section = headings[2] if len(headings) > 2 else (headings[-1] if headings else "")
    all_in = ""
    for line in lines:
        if found := _ALL_IN.match(line):
            all_in = found.group(1)
        match = _ROW.match(line)
        if match and match.group(1) == todo:
            cells = [c.strip() for c in match.group(2).split("|")]
            if len(cells) == 2:  # | id | where | what |, below "All in `file`:"
                cells.insert(0, all_in)
            file, where, text = cells[0].strip("`"), cells[1].replace("`", ""), " | ".join(cells[2:])
            if not file.startswith("steps/"):
                file = f"steps/{step_dir.name}/{file}"
            return GuideEntry(file, where, text, section, f"steps/{step_dir.name}/{guide.name}")
    return None
