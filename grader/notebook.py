"""Grading from Jupyter: `from grader import grade; grade(23)` shows the scorecard as HTML."""

from __future__ import annotations

import html

from grader.results import Outcome, StepResult

COLORS: dict[str, str] = {Outcome.PASSED: "#2a7", Outcome.NOT_APPLICABLE: "#999", Outcome.NOT_STARTED: "#c90"}


class Scorecard:
    """A graded step: HTML in a notebook, the terminal scorecard everywhere else."""

    def __init__(self, result: StepResult, lang: str = "en"):
        self.result = result
        self.lang = lang

    def __repr__(self) -> str:
        from grader.report import scorecard

        return scorecard.render(self.result, self.lang)

    def _repr_html_(self) -> str:
        r = self.result
        rows = []
        for t in r.tests:
            color = COLORS.get(t.outcome, "#c33")
            detail = html.escape(t.message + (f"\nhint: {t.hint}" if t.hint else ""))
            rows.append(f"<tr><td style='color:{color};font-weight:bold'>{t.outcome}</td>"
                        f"<td>{t.score:g}/{t.points:g}</td><td>{html.escape(t.description)}"
                        f"{f'<pre>{detail}</pre>' if t.outcome != 'passed' and detail else ''}</td></tr>")
        head = html.escape(f"Step {r.step:02d} · {r.title} · target: {r.target}")
        return (f"<div><b>{head}</b><table>{''.join(rows)}</table>"
                f"<b>Score: {r.score:g}/{r.max_score:g}</b></div>")


def grade(step: int, target: str = "student", lang: str = "en") -> Scorecard:
    """Grade one step in a child process (as the command line does) and return its scorecard."""
    from grader import catalog, runner, targets

    if step not in catalog.available_steps():
        raise ValueError(f"step {step} has no content here; available: "
                         f"{catalog.describe_steps(catalog.available_steps())}")
    result = runner.run_step(runner.RunOptions(targets.resolve(target, step), lang))
    return Scorecard(result, lang)
