"""Grading from Jupyter: `from grader import grade; grade(23)` shows the scorecard as HTML,
with the terminal's labels, counts, time and next line, in English or Korean, and records
the run in the progress history as a terminal run does."""

from __future__ import annotations

import html

from grader.i18n import LABELS, MARKS
from grader.report.scorecard import next_line
from grader.results import Outcome, StepResult

COLORS: dict[str, str] = {Outcome.PASSED: "#2a7", Outcome.NOT_APPLICABLE: "#999",
                          Outcome.NOT_STARTED: "#c90"}
STYLE = "text-align:left;vertical-align:top;padding:2px 8px"


class Scorecard:
    """A graded step: HTML in a notebook, the terminal scorecard everywhere else."""

    def __init__(self, result: StepResult, lang: str = "en"):
        self.result = result
        self.lang = lang

    def __repr__(self) -> str:
        from grader.report import scorecard

        return scorecard.render(self.result, self.lang)

    def _repr_html_(self) -> str:
        r, labels, marks = self.result, LABELS[self.lang], MARKS[self.lang]
        rows = []
        for t in r.tests:
            color = COLORS.get(t.outcome, "#c33")
            detail = html.escape(t.message) if t.outcome not in (Outcome.PASSED, Outcome.NOT_STARTED) else ""
            mark = marks.get(t.outcome, "?")
            rows.append(f"<tr><td style='{STYLE};color:{color};font-weight:bold'>{mark}</td>"
                        f"<td style='{STYLE}'>{t.score:g}/{t.points:g}</td><td style='{STYLE}'>"
                        f"{html.escape(t.description)}{f'<pre>{detail}</pre>' if detail else ''}</td></tr>")
        todos = "".join(f"<li><b>{html.escape(f.todo)}</b> {html.escape(f.text)}</li>" for f in r.todos)
        head = html.escape(f"{labels['step']} {r.step:02d} · {r.title} · {labels['target']}: {r.target}")
        passed = sum(t.outcome == Outcome.PASSED for t in r.applicable)
        summary = (f"{labels['score']}: {r.score:g}/{r.max_score:g} · {passed} {labels['of']} "
                   f"{len(r.applicable)} {labels['tests']} {labels['passed']} · {r.elapsed:.1f} s")
        closing = next_line(r, labels)
        return (f"<div style='text-align:left'><b>{head}</b><table style='margin:0'>{''.join(rows)}</table>"
                f"{f'<ul>{todos}</ul>' if todos else ''}<p><b>{html.escape(summary)}</b><br>"
                f"{html.escape(closing)}</p></div>")


def grade(step: int, target: str = "student", lang: str | None = None) -> Scorecard:
    """Grade one step in a child process (as the command line does) and return its scorecard."""
    from grader import catalog, i18n, progress, runner, targets

    if step not in catalog.available_steps():
        raise ValueError(f"step {step} has no content here; available: "
                         f"{catalog.describe_steps(catalog.available_steps())}")
    lang = lang or i18n.default_lang()
    result = runner.run_step(runner.RunOptions(targets.resolve(target, step), lang))
    try:
        progress.record(result)
    except OSError:
        pass  # a read-only checkout still grades
    return Scorecard(result, lang)
