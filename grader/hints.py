"""Hints per TODO id, read from a step's hints.toml in English or Korean."""

from __future__ import annotations

import tomllib
from pathlib import Path

LANGS = ("en", "ko")


def load_hints(step_dir: Path) -> dict[str, dict[str, str]]:
    """{'step07.1': {'en': ..., 'ko': ...}} from step_dir/hints.toml (empty when absent)."""
    path = step_dir / "hints.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        table = tomllib.load(f)
    # [step04.1] parses as table "step04" holding "1": flatten back to "step04.1".
    return {f"{step}.{k}": entry for step, todos in table.items() for k, entry in todos.items()}


def hint_for(hints: dict[str, dict[str, str]], todo: str | None, lang: str) -> str:
    if not todo or todo not in hints:
        return ""
    entry = hints[todo]
    return entry.get(lang) or entry.get("en", "")
