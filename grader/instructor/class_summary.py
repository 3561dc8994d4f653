"""summary.html: where the class struggles. One self-contained page, no external assets.

Text that may come from a submission (ids, entry names, reasons) is shown without control
characters, and escaped."""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from grader import catalog
from grader.instructor.gradebook import Row
from grader.report.files import clean_text, write_atomic
from grader.results import Outcome

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.2em .6em;border-bottom:1px solid #ddd}
.bar{display:inline-block;height:.8em;background:#4a7}.low{background:#c54}"""


def _text(value: object) -> str:
    return html.escape(clean_text(str(value)))


def _bar(fraction: float) -> str:
    cls = "bar low" if fraction < 0.5 else "bar"
    return f'<span class="{cls}" style="width:{max(fraction, 0.01) * 10:.1f}em"></span> {fraction:.0%}'


def _distribution(rows: list[Row], step: int) -> str:
    """Counts of students per tenth of the maximum score."""
    buckets = [0] * 11
    for r in rows:
        if int(r["step"]) == step and r["max_score"]:
            buckets[int(10 * r["score"] / r["max_score"])] += 1
    cells = "".join(f"<td title='{10 * i}%'>{n}</td>" for i, n in enumerate(buckets))
    return f"<tr><th>{step:02d} {html.escape(catalog.TITLES[step])}</th>{cells}</tr>"


def _test_rates(rows: list[Row]) -> list[tuple[float, int, str, int]]:
    passed: defaultdict[tuple[int, str], int] = defaultdict(int)
    seen: defaultdict[tuple[int, str], int] = defaultdict(int)
    for r in rows:
        for t in r.get("result", {}).get("tests", []):
            if t["outcome"] == Outcome.NOT_APPLICABLE:
                continue
            key = (int(r["step"]), t["name"])
            seen[key] += 1
            passed[key] += t["outcome"] == Outcome.PASSED
    return sorted((passed[k] / seen[k], k[0], k[1], seen[k]) for k in seen)


def render(rows: list[Row], steps: list[int]) -> str:
    students = sorted({r["student"] for r in rows})
    head = "".join(f"<th>{10 * i}%</th>" for i in range(11))
    dist = "".join(_distribution(rows, step) for step in steps)
    rates = "".join(
        f"<tr><td>{step:02d}</td><td>{_text(name)}</td><td>{_bar(rate)}</td><td>{n}</td></tr>"
        for rate, step, name, n in _test_rates(rows))
    problems = "".join(f"<tr><td>{_text(r['student'])}</td><td>{_text(r.get('entry', ''))}</td>"
                       f"<td>{int(r['step']):02d}</td><td>{_text(r['status'])}</td><td>{_text(r['flags'])}</td></tr>"
                       for r in rows if r["status"] != "graded" or r["flags"])
    return (f"<!doctype html><meta charset='utf-8'><title>Class summary</title><style>{STYLE}</style>"
            f"<h1>Class summary</h1><p>{len(students)} students, steps "
            f"{html.escape(catalog.describe_steps(steps))}.</p>"
            f"<h2>Score distribution per step</h2><table><tr><th>step</th>{head}</tr>{dist}</table>"
            f"<h2>Tests, worst pass rate first</h2><table><tr><th>step</th><th>test</th>"
            f"<th>passed</th><th>graded</th></tr>{rates}</table>"
            f"<h2>Submissions that need a look</h2><table><tr><th>student</th><th>entry</th><th>step</th>"
            f"<th>status</th><th>flags</th></tr>{problems}</table>")


def write(rows: list[Row], steps: list[int], path: Path) -> None:
    write_atomic(path, render(rows, steps))
