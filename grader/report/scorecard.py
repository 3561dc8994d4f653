"""The terminal scorecard."""

from __future__ import annotations

import textwrap

from grader.report.files import clean_text
from grader.results import Outcome, StepResult, TestResult

MARKS: dict[str, str] = {
    Outcome.PASSED: "PASS", Outcome.FAILED: "FAIL", Outcome.NOT_STARTED: "TODO", Outcome.ERROR: "ERR ",
    Outcome.TIMEOUT: "TIME", Outcome.CRASHED: "DIED", Outcome.INVALID: "EDIT", Outcome.NOT_APPLICABLE: "n/a ",
}
LABELS = {
    "en": {"hint": "hint", "score": "Score", "passed": "passed", "of": "of", "tests": "tests",
           "all": "All tests passed. Well done!", "na": "not applicable to this target",
           "todo": "Next: open the TODOs above; `--lang ko` shows the hints in Korean."},
    "ko": {"hint": "힌트", "score": "점수", "passed": "통과", "of": "/", "tests": "테스트",
           "all": "모든 테스트를 통과했습니다. 잘했습니다!", "na": "이 대상에는 해당하지 않음",
           "todo": "위의 TODO를 구현해보세요."},
}


def _fmt(points: float) -> str:
    return f"{points:g}"


def _test_lines(t: TestResult, labels: dict[str, str]) -> list[str]:
    # Messages and names may come from a submission: no control characters reach the terminal.
    todo = f"  [{clean_text(t.todo)}]" if t.todo else ""
    description = clean_text(t.description)
    if t.outcome == Outcome.NOT_APPLICABLE:
        return [f"  {MARKS[t.outcome]}  -    {description}  ({labels['na']})"]
    lines = [f"  {MARKS.get(t.outcome, '????')}  {_fmt(t.score)}/{_fmt(t.points)}  {description}{todo}"]
    if t.outcome != Outcome.PASSED:
        for part in clean_text(t.message, lines=True).splitlines():
            lines += textwrap.wrap(part, 96, initial_indent=" " * 9, subsequent_indent=" " * 11) or [""]
        if t.hint:
            lines += textwrap.wrap(f"{labels['hint']}: {clean_text(t.hint)}", 96, initial_indent="         ",
                                   subsequent_indent="           ")
    return lines


def render(result: StepResult, lang: str = "en") -> str:
    """The scorecard of one step as text."""
    labels = LABELS.get(lang, LABELS["en"])
    head = f"Step {result.step:02d} · {clean_text(result.title)} · target: {clean_text(result.target)}"
    lines = [head, "-" * min(len(head), 100)]
    if result.setup_error:
        lines += ["  " + ln for ln in clean_text(result.setup_error, lines=True).splitlines()]
        return "\n".join(lines)
    lines += [f"  ! {clean_text(flag)}" for flag in result.flags]
    for t in result.tests:
        lines += _test_lines(t, labels)
    applicable = result.applicable
    passed = sum(t.outcome == Outcome.PASSED for t in applicable)
    lines.append("-" * min(len(head), 100))
    lines.append(f"{labels['score']}: {_fmt(result.score)}/{_fmt(result.max_score)}  ·  "
                 f"{passed} {labels['of']} {len(applicable)} {labels['tests']} {labels['passed']}  ·  "
                 f"{result.elapsed:.1f} s")
    if applicable:
        lines.append(labels["all"] if result.all_passed else labels["todo"])
    return "\n".join(lines)
