"""What a graded run tells the student about each TODO that is not done, in the run's language.

- A TODO not started gets no hint: where to write it and which section of the guide to read.
- A failing TODO gets one hint, at its ladder level: 1 (a nudge) on its first failing grade,
  higher on later failing grades whose block changed (grader.progress.ladder_levels); batch
  and platform runs use level 1 unless the instructor sets --hint-level.
- Where the failing tests point, grader.diagnosis ranks the step's TODOs by how well each one,
  broken alone, explains the failing and the passing tests. The likeliest comes first ("most
  likely in stepNN.k", with its hint), listing every failing test it explains, whatever their
  tags; a TODO whose failures it explains (grader.diagnosis.Diagnosis.follows) says it may follow
  from it, without a hint of its own. Without a map for the step (or with a tie), the blocks
  follow the tests' tags.
- Test statements and the grader's messages are given in the run's language (grader.i18n).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from grader import catalog, diagnosis, hints, i18n, messages, progress
from grader.carry import REGION
from grader.results import Outcome, StepResult, TestResult, TodoFeedback


@dataclass
class Diagnosed(TodoFeedback):
    """A TODO's feedback placed by the diagnosis: the likeliest cause, or one that may follow from it."""

    likely: bool = False  # the most likely place of the bug
    follows: str = ""  # the likeliest TODO, when it explains every failing test of this one


def add(result: StepResult, kind: str, code: Path, hint_level: int | None, lang: str) -> None:
    """Fill result.todos and each unfinished test's hint; translate statements and messages."""
    result.lang, result.title = lang, catalog.title(result.step, lang)
    step_dir = catalog.step_dir(result.step)
    table = hints.load_hints(step_dir)
    unfinished: dict[str, list[TestResult]] = {}
    for t in result.applicable:  # a file that cannot be loaded (ERROR) is no TODO's fault: no hint
        if t.todo and t.outcome not in (Outcome.PASSED, Outcome.INVALID, Outcome.ERROR):
            unfinished.setdefault(t.todo, []).append(t)
    states = {todo: ("not_started" if any(t.outcome == Outcome.NOT_STARTED for t in tests) else "failing",
                     block_hash(code, todo)) for todo, tests in unfinished.items()}
    loads = not any(t.outcome == Outcome.ERROR for t in result.applicable)
    diagnosed = diagnosis.diagnose(result) if loads else None
    likely = diagnosed.likely if diagnosed else None
    if likely is not None and likely.todo not in states:  # it broke only other TODOs' tests
        states[likely.todo] = ("failing", block_hash(code, likely.todo))
    if hint_level is None and kind == "student":
        levels = progress.ladder_levels(result.step, states)
    else:
        levels = {todo: hint_level or 1 for todo in states}
    if diagnosed is not None and likely is not None:  # the likeliest first, with its failing tests
        state, block = states[likely.todo]
        level = levels.get(likely.todo, 1)
        text = hints.hint_for(table, likely.todo, lang, level)
        # A test tagged with a TODO judged a second fault is listed there, not here (two real bugs).
        second = {todo for todo, (state, _) in states.items() if todo != likely.todo and state == "failing"
                  and not diagnosed.follows(todo, [t.name for t in unfinished.get(todo, [])])}
        mine = [t for t in result.applicable if t.name in likely.explained]  # in the file's order
        mine = [t for t in mine if t.todo not in second] or mine
        result.todos.append(Diagnosed(likely.todo, state, level, text, [t.name for t in mine], block,
                                      likely=True))
        for t in mine:
            t.hint = text
    for todo, (state, block) in sorted(states.items()):
        tests = unfinished.get(todo, [])
        names = [t.name for t in tests]
        if likely is not None and todo == likely.todo:
            continue
        if diagnosed and likely and state == "failing" and diagnosed.follows(todo, names):
            text = i18n.LABELS[lang]["follows"].format(todo=likely.todo)
            result.todos.append(Diagnosed(todo, state, 0, text, names, block, follows=likely.todo))
            continue  # its tests keep the likeliest's hint
        level = levels.get(todo, 1) if state == "failing" else 0
        text = hints.hint_for(table, todo, lang, level) if level else _not_started(step_dir, todo, lang)
        result.todos.append(TodoFeedback(todo, state, level, text, names, block))
        for t in tests:
            t.hint = text
    templates = {**i18n.CHECK_MESSAGES.get(lang, {}), **table.messages.get(lang, {})}
    for t in result.tests:
        t.description = hints.description(table, t.name, t.description, lang)
        t.message = i18n.translate(messages.translate(t.message, templates), lang)


def _not_started(step_dir: Path, todo: str, lang: str) -> str:
    labels = i18n.LABELS[lang]
    entry = hints.guide_entry(step_dir, todo, lang)
    if entry is None:
        return labels["not_started"].format(file=f"steps/{step_dir.name}", where=todo, text="")
    return (labels["not_started"].format(file=entry.file, where=entry.where, text=entry.text) + " "
            + labels["guide"].format(section=entry.section, guide=entry.guide))


def block_hash(code: Path, todo: str) -> str:
    """A short hash of what the student wrote in a TODO's block ('' when it cannot be found)."""
    if not code.is_dir():
        return ""
    for path in sorted(code.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if f"TODO({todo})" not in text:
            continue
        for match in REGION.finditer(text):
            if match.group(1) == todo:
                return hashlib.sha256(match.group(2).encode()).hexdigest()[:16]
    return ""


__all__ = ["Diagnosed", "add", "block_hash"]
