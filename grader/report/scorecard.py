"""The terminal scorecard: one row per test (`LABEL SCORE/MAX STATEMENT`), what went wrong
under a failing test, then one block per TODO that is not done, with its hint or, for a TODO
not started, where to write it; the TODO that most likely broke the run comes first, and a TODO
whose failures it explains says so instead of giving a hint (grader.feedback). In the run's
language (grader.i18n)."""

from __future__ import annotations

import textwrap

from grader.i18n import LABELS, MARKS, pad
from grader.report.files import clean_text
from grader.results import Outcome, StepResult, TestResult, TodoFeedback

WIDTH = 96
MARK_COLUMNS = 8


def _fmt(points: float) -> str:
    return f"{points:g}"


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest) or [first.rstrip()]


def _test_lines(t: TestResult, lang: str) -> list[str]:
    # Messages and names may come from a submission: no control characters reach the terminal.
    mark = pad(MARKS[lang].get(t.outcome, "????"), MARK_COLUMNS)
    todo = f"  [{clean_text(t.todo)}]" if t.todo else ""
    description = clean_text(t.description)
    if t.outcome == Outcome.NOT_APPLICABLE:
        return [f"  {mark}-    {description}  ({LABELS[lang]['na']})"]
    lines = [f"  {mark}{_fmt(t.score)}/{_fmt(t.points)}  {description}{todo}"]
    if t.outcome not in (Outcome.PASSED, Outcome.NOT_STARTED, Outcome.INVALID):
        for part in clean_text(t.message, lines=True).splitlines():
            lines += _wrap(part, " " * 12, " " * 14)
    return lines


def _todo_lines(f: TodoFeedback, lang: str) -> list[str]:
    labels = LABELS[lang]
    if f.state == "not_started":
        return _wrap(clean_text(f.text), f"  {f.todo}  ", " " * 4)
    where = f"{labels['likely']} {f.todo}" if getattr(f, "likely", False) else f.todo
    head = f"  {where}  {labels['failing']}: {', '.join(f.tests)}"
    if getattr(f, "follows", ""):  # explained by the likeliest TODO: no hint of its own
        return _wrap(head, "", " " * 4) + _wrap(clean_text(f.text), " " * 4, " " * 6)
    hint = f"{labels['level'].format(level=f.level)}: {clean_text(f.text)}" if f.text else ""
    return _wrap(head, "", " " * 4) + (_wrap(hint, " " * 4, " " * 6) if hint else [])


def next_line(result: StepResult, labels: dict[str, str]) -> str:
    """What to do next: nothing, the TODOs, or first the error that keeps the code from loading."""
    if result.all_passed:
        return labels["all"]
    if not result.todos and any(t.outcome == Outcome.ERROR for t in result.applicable):
        return labels["fix_error"]
    return labels["next"]


def render(result: StepResult, lang: str | None = None) -> str:
    """The scorecard of one step as text."""
    lang = lang or result.lang
    labels = LABELS.get(lang, LABELS["en"])
    head = (f"{labels['step']} {result.step:02d} · {clean_text(result.title)} · "
            f"{labels['target']}: {clean_text(result.target)}")
    rule = "-" * min(len(head), 100)
    lines = [head, rule]
    if result.setup_error:
        lines += ["  " + ln for ln in clean_text(result.setup_error, lines=True).splitlines()]
        return "\n".join(lines)
    lines += [f"  ! {clean_text(flag)}" for flag in result.flags]
    void = next((t.message for t in result.tests if t.outcome == Outcome.INVALID), "")
    lines += _wrap(clean_text(void), "  ! ", " " * 4) if void else []  # said once, not per test
    for t in result.tests:
        lines += _test_lines(t, lang)
    if result.todos:
        lines.append(rule)
        for f in result.todos:
            lines += _todo_lines(f, lang)
    applicable = result.applicable
    passed = sum(t.outcome == Outcome.PASSED for t in applicable)
    lines.append(rule)
    lines.append(f"{labels['score']}: {_fmt(result.score)}/{_fmt(result.max_score)}  ·  "
                 f"{passed} {labels['of']} {len(applicable)} {labels['tests']} {labels['passed']}  ·  "
                 f"{result.elapsed:.1f} s")
    if applicable:
        lines.append(next_line(result, labels))
    return "\n".join(lines)
