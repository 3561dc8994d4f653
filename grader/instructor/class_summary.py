"""summary.html: where the class struggles. One self-contained page: no external assets, no script.

The page shows the score distribution of each step (an inline SVG histogram), one row per
student (each links to feedback/<student>.html), the submissions that need a look (grouped by
student: a step not graded, or flagged with more than `not-started`), and the tests, worst
pass rate first, with their failures grouped by the kind of mistake: the outcome and the
message's first line with its numbers and array contents replaced by placeholders (see
`mistake_key`), so forty students' different numbers are one misconception. The shrunk
counterexample ("smallest failing input: …") is no part of the key; each group shows one.

Text that may come from a submission (ids, entry names, reasons, messages) is shown without
control characters, and escaped.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grader import catalog
from grader.instructor.gradebook import Row
from grader.report.files import clean_text, write_atomic
from grader.results import Outcome

FEEDBACK = "feedback"  # the folder of per-student pages, next to summary.html
BUCKETS = 11  # tenths of the maximum score: 0-9%, 10-19%, … 90-99%, and 100%
KEY_LENGTH = 240  # of a normalised message
SAMPLE_LENGTH = 140  # of a message or counterexample shown as it was
NAMES_SHOWN = 8  # students listed per kind of mistake
COUNTEREXAMPLE = ("smallest failing input: ", "실패하는 가장 작은 입력: ")  # English, Korean
HINT = "hint: "  # course_json appends the hint on a line of its own
ROUTINE_FLAGS = frozenset({"not-started"})  # unfinished work: the score shows it, nothing to look at

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:76em;padding:0 1.5em;color:#222}
h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #eee;padding-bottom:.2em}
nav a{margin-right:1.2em}a{color:#1a5fb4;text-decoration:none}a:hover{text-decoration:underline}
.muted{color:#777}.small{font-size:85%}
table{border-collapse:collapse;margin:1em 0}
td,th{padding:.25em .6em;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
th{background:#f6f6f6;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1em 1.5em}
figure{margin:0;width:260px}figcaption{font-size:85%;margin-bottom:.2em}
svg text{font:10px system-ui,sans-serif;fill:#444}
.bar{display:inline-block;height:.8em;background:#4a7;vertical-align:baseline}.low{background:#c54}
.grades td.num{padding:.25em .5em}.s-none{color:#999}.s-bad{color:#b33;font-weight:600}
code{font:12.5px ui-monospace,monospace;background:#f4f4f4;padding:0 .25em;overflow-wrap:anywhere}
.tag{display:inline-block;padding:0 .4em;border-radius:.3em;font-size:85%;color:#fff;background:#777}
.o-failed{background:#c54}.o-error{background:#85a}.o-timeout{background:#d80}.o-crashed{background:#444}
.o-not_started{background:#999}.o-invalid{background:#222}
.mistakes td{max-width:34em}.mistakes td.rate{white-space:nowrap}.mistakes tbody{border-top:2px solid #ccc}
.grades td.entry{color:#666}
"""

_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?!\w)|"
                     r"(?<![\w.])[-+]?(?:nan|inf)(?!\w)")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
_NUMPY_SCALAR = re.compile(r"\b(?:np|numpy)\.\w+\(<n>\)")
_LIST = re.compile(r"\[\s*(?:(?:<n>|\[…\]|\.\.\.|…)\s*,?\s*)+\]")
_TUPLE = re.compile(r"\(\s*(?:<n>\s*,\s*)+(?:<n>\s*)?\)|(?<![\w)\]])\(\s*\)")  # (3, 4), (2,) and ()
_ARRAY = re.compile(r"\b(?:np\.|numpy\.)?array\(\s*(?:\[…\]|<n>)\s*(?:,\s*dtype=[\w.]+\s*)?\)")


def _text(value: object) -> str:
    return html.escape(clean_text(str(value)))


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _step(row: Row) -> int:
    return int(row["step"])


def _fraction(score: float, max_score: float) -> float:
    return float(score) / float(max_score) if float(max_score) else 0.0


def feedback_href(student: str, folder: str = FEEDBACK) -> str:
    """The link to a student's feedback page: the id URL-escaped as one path segment."""
    try:
        raw = student.encode("utf-8", "surrogateescape")  # how Python names a file with undecodable bytes
    except UnicodeEncodeError:
        raw = student.encode("utf-8", "replace")
    return f"{quote(folder)}/{quote(raw, safe='')}.html"


def needs_a_look(row: Row) -> bool:
    """A row an instructor should open: not graded, or flagged with more than a TODO left open (a
    class where most students leave one open would otherwise list everyone)."""
    return row["status"] != "graded" or bool(set(str(row["flags"]).split()) - ROUTINE_FLAGS)


def _student_link(student: str, folder: str | None) -> str:
    if folder is None:
        return _text(student)
    return f'<a href="{html.escape(feedback_href(student, folder))}">{_text(student)}</a>'


# Kinds of mistakes.

def split_output(output: str) -> tuple[str, str]:
    """(the message's first line, the first shrunk counterexample or "") of a test's output: the
    counterexample line and the hint are no part of the message."""
    message, example = "", ""
    for line in clean_text(output, lines=True).split("\n"):
        line = " ".join(line.split())
        if line.startswith(HINT):
            break
        prefix = next((p for p in COUNTEREXAMPLE if line.startswith(p)), None)
        if prefix is not None:
            example = example or line[len(prefix):]
        elif line and not message:
            message = line
    return message, example


def normalise(message: str) -> str:
    """A message with its numbers as <n>, its arrays, lists and tuples of numbers as array(…), […]
    and (…), and memory addresses as 0x…: the same mistake with other values reads the same."""
    text = _ADDRESS.sub("0x…", " ".join(message.split()))
    text = _NUMBER.sub("<n>", text)
    text = _NUMPY_SCALAR.sub("<n>", text)
    previous = None
    while previous != text:  # nested lists from the inside out
        previous, text = text, _LIST.sub("[…]", text)
    text = _TUPLE.sub("(…)", text)
    text = _ARRAY.sub("array(…)", text)
    return _short(text, KEY_LENGTH)


def mistake_key(outcome: str, output: str) -> tuple[str, str]:
    """What groups failures into one kind of mistake: the outcome and the normalised message."""
    message, _ = split_output(output)
    return outcome, normalise(message) if message else "(no message)"


@dataclass
class Mistake:
    """One kind of mistake in one test: how many made it, and one instance of each detail."""

    outcome: str
    message: str  # normalised
    students: list[str] = field(default_factory=list)
    sample: str = ""  # one message as it was (its first line)
    example: str = ""  # the simplest shrunk counterexample seen: the shortest, then the first in order

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass
class TestSummary:
    """One test of one step over the class: its pass rate and its failures by kind, most common first."""

    step: int
    name: str
    graded: int = 0
    passed: int = 0
    mistakes: list[Mistake] = field(default_factory=list)

    __test__ = False  # not a pytest test class

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 1.0

    @property
    def failures(self) -> int:
        return self.graded - self.passed


def _simpler(example: str, than: str) -> bool:
    return (len(example), example) < (len(than), than)


def misconceptions(rows: list[Row]) -> list[TestSummary]:
    """Every test that was run, worst pass rate first, its failures grouped by mistake_key."""
    tests: dict[tuple[int, str], TestSummary] = {}
    kinds: dict[tuple[int, str], dict[tuple[str, str], Mistake]] = defaultdict(dict)
    for row in rows:
        result: dict[str, Any] = row.get("result") or {}
        for t in result.get("tests") or []:
            outcome, name = str(t.get("outcome", "")), str(t.get("name", ""))
            if outcome in (Outcome.NOT_APPLICABLE, Outcome.PENDING):
                continue
            test = tests.setdefault((_step(row), name), TestSummary(_step(row), name))
            test.graded += 1
            if outcome == Outcome.PASSED:
                test.passed += 1
                continue
            output = str(t.get("output") or "")
            key = mistake_key(outcome, output)
            mistake = kinds[_step(row), name].setdefault(key, Mistake(*key))
            mistake.students.append(row["student"])
            message, example = split_output(output)
            mistake.sample = mistake.sample or message
            if example and (not mistake.example or _simpler(example, mistake.example)):
                mistake.example = example
    for where, test in tests.items():
        test.mistakes = sorted(kinds[where].values(), key=lambda m: (-m.count, m.outcome, m.message))
    return sorted(tests.values(), key=lambda t: (t.rate, -t.failures, t.step, t.name))


# The sections of the page.

def _histogram(rows: list[Row], step: int, scale: int) -> str:
    """One step's histogram: students per tenth of the maximum score, as an inline SVG."""
    buckets = [0] * BUCKETS
    graded = [r for r in rows if _step(r) == step and r["status"] == "graded" and float(r["max_score"])]
    for r in graded:
        tenth = int(10 * _fraction(r["score"], r["max_score"]) + 1e-9)
        buckets[min(max(tenth, 0), BUCKETS - 1)] += 1
    other = sum(1 for r in rows if _step(r) == step) - len(graded)
    width, height, left, base, bar = 260, 132, 8, 100, 20
    title = f"Step {step:02d}: {catalog.TITLES.get(step, '')}"
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{html.escape(title)}, score distribution"><title>{html.escape(title)}</title>',
             f'<line x1="{left}" y1="{base}" x2="{left + BUCKETS * 22}" y2="{base}" stroke="#bbb"/>']
    for i, n in enumerate(buckets):
        x = left + i * 22
        h = max(round(80 * n / scale), 1) if n else 0
        colour = "#c54" if i < 5 else "#d90" if i < 8 else "#4a7"
        label = "100%" if i == 10 else f"{10 * i}–{10 * i + 9}%"
        parts.append(f'<rect x="{x}" y="{base - h}" width="{bar}" height="{h}" '
                     f'fill="{colour}"><title>{n} student(s): {label}</title></rect>')
        if n:
            parts.append(f'<text x="{x + bar // 2}" y="{base - h - 3}" text-anchor="middle">{n}</text>')
    for i, label in ((0, "0%"), (5, "50%"), (10, "100%")):
        mid = left + i * 22 + bar // 2
        parts.append(f'<text x="{mid}" y="{base + 13}" text-anchor="middle">{label}</text>')
    note = f"{len(graded)} graded" + (f", {other} not graded" if other else "")
    if graded:
        mean = sum(_fraction(r["score"], r["max_score"]) for r in graded) / len(graded)
        note += f", mean {mean:.0%}"
    parts.append(f'<text x="{left}" y="{base + 28}">{note}</text></svg>')
    return (f"<figure><figcaption><b>{step:02d}</b> {html.escape(catalog.TITLES.get(step, ''))}"
            f"</figcaption>{''.join(parts)}</figure>")


def _charts(rows: list[Row], steps: list[int]) -> str:
    counts: defaultdict[tuple[int, int], int] = defaultdict(int)
    for r in rows:
        if r["status"] == "graded" and float(r["max_score"]):
            tenth = int(10 * _fraction(r["score"], r["max_score"]) + 1e-9)
            counts[_step(r), min(max(tenth, 0), BUCKETS - 1)] += 1
    scale = max(counts.values(), default=0)  # one scale for every step: the charts compare
    return f'<div class="charts">{"".join(_histogram(rows, step, scale) for step in steps)}</div>'


def _cell(row: Row | None) -> str:
    if row is None:
        return '<td class="num s-none">–</td>'
    flags = f' title="{_text(row["flags"])}"' if row["flags"] else ""
    if row["status"] != "graded":
        return f'<td class="num s-bad"{flags}>{_text(row["status"])}</td>'
    fraction = _fraction(row["score"], row["max_score"])
    hue = round(120 * fraction)  # red to green
    mark = " ⚑" if needs_a_look(row) else ""
    return (f'<td class="num" style="background:hsl({hue},60%,92%)"{flags}>'
            f'{float(row["score"]):g}/{float(row["max_score"]):g}{mark}</td>')


def _students(rows: list[Row], steps: list[int], folder: str | None) -> str:
    by_student: dict[str, dict[int, Row]] = defaultdict(dict)
    for r in rows:
        by_student[r["student"]][_step(r)] = r
    step_max = {step: max((float(r["max_score"]) for r in rows if _step(r) == step), default=0.0)
                for step in steps}
    with_entry = any(r.get("entry") for r in rows)
    head = "".join(f'<th class="num" title="{html.escape(catalog.TITLES.get(s, ""))}">{s:02d}</th>'
                   for s in steps)
    lines = []
    for student in sorted(by_student):
        mine = by_student[student]
        entry = next((str(r.get("entry") or "") for r in mine.values()), "")
        graded = {s: r for s, r in mine.items() if s in step_max and r["status"] == "graded"}
        total = sum(float(r["score"]) for r in graded.values())
        # a graded step's own maximum (tests that do not apply are left out of it), else the class's
        total_max = sum(float(graded[s]["max_score"]) if s in graded else step_max[s] for s in steps)
        share = f" ({total / total_max:.0%})" if total_max else ""
        lines.append(f"<tr><td>{_student_link(student, folder)}</td>"
                     + (f'<td class="entry">{_text(entry)}</td>' if with_entry else "")
                     + "".join(_cell(mine.get(s)) for s in steps)
                     + f'<td class="num"><b>{total:g}</b>/{total_max:g}{share}</td></tr>')
    return (f'<table class="grades"><tr><th>student</th>{"<th>entry</th>" if with_entry else ""}{head}'
            f'<th class="num">total</th></tr>{"".join(lines)}</table>')


def _needs_a_look(rows: list[Row], folder: str | None) -> str:
    """Rows not graded or flagged, by student; the steps with the same status and reason together."""
    groups: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(lambda: defaultdict(list))
    entries: dict[str, str] = {}
    for r in rows:
        if needs_a_look(r):
            groups[r["student"]][r["status"], r["flags"]].append(_step(r))
            entries[r["student"]] = str(r.get("entry") or "")
    if not groups:
        return ('<p class="muted">Nothing: every step of every submission was graded, with no flags '
                'but not-started.</p>')
    lines = []
    for student in sorted(groups):
        problems = sorted(groups[student].items(), key=lambda item: min(item[1]))
        first = (f'<td rowspan="{len(problems)}">{_student_link(student, folder)}</td>'
                 f'<td rowspan="{len(problems)}">{_text(entries[student])}</td>')
        for i, ((status, flags), steps) in enumerate(problems):
            which = html.escape(catalog.describe_steps(sorted(steps)))
            lines.append(f"<tr>{first if i == 0 else ''}<td>{which}</td><td>{_text(status)}</td>"
                         f"<td>{_text(flags)}</td></tr>")
    return (f"<p>{len(groups)} student(s).</p><table><tr><th>student</th><th>entry</th><th>steps</th>"
            f"<th>status</th><th>flags, or why</th></tr>{''.join(lines)}</table>")


def _bar(fraction: float) -> str:
    cls = "bar low" if fraction < 0.5 else "bar"
    return f'<span class="{cls}" style="width:{max(fraction, 0.01) * 6:.2f}em"></span> {fraction:.0%}'


def _names(students: list[str], folder: str | None) -> str:
    shown = ", ".join(_student_link(s, folder) for s in students[:NAMES_SHOWN])
    more = len(students) - NAMES_SHOWN
    return shown + (f' <span class="muted">and {more} more</span>' if more > 0 else "")


def _mistake_cells(m: Mistake, folder: str | None) -> str:
    sample = _short(m.sample, SAMPLE_LENGTH)  # the values of one failure, for a wrong result
    telling = m.outcome in (Outcome.FAILED, Outcome.ERROR) and sample and normalise(sample) != sample
    as_was = f'<br><span class="muted small">e.g. {_text(sample)}</span>' if telling else ""
    example = f"<code>{_text(_short(m.example, SAMPLE_LENGTH))}</code>" if m.example else ""
    return (f'<td><span class="tag o-{html.escape(m.outcome)}">{_text(m.outcome)}</span> '
            f'<code>{_text(m.message)}</code>{as_was}</td><td class="num">{m.count}</td>'
            f'<td>{example}</td><td class="small">{_names(m.students, folder)}</td>')


def _mistakes(rows: list[Row], folder: str | None) -> str:
    tests = misconceptions(rows)
    failing = [t for t in tests if t.failures]
    bodies = []
    for t in failing:
        span = len(t.mistakes)
        head = (f'<td rowspan="{span}">{t.step:02d}</td><td rowspan="{span}">{_text(t.name)}</td>'
                f'<td rowspan="{span}" class="rate">{_bar(t.rate)}<br>'
                f'<span class="muted small">{t.passed} of {t.graded}</span></td>')
        lines = [f"<tr>{head if i == 0 else ''}{_mistake_cells(m, folder)}</tr>"
                 for i, m in enumerate(t.mistakes)]
        bodies.append(f"<tbody>{''.join(lines)}</tbody>")
    passed = [t for t in tests if not t.failures]
    table = (f'<table class="mistakes"><thead><tr><th>step</th><th>test</th><th>passed</th>'
             f'<th>kind of mistake</th><th class="num">count</th><th>smallest failing input</th>'
             f'<th>students</th></tr></thead>{"".join(bodies)}</table>' if failing
             else '<p class="muted">No test failed.</p>')
    rest = (f'<p class="muted small">Passed by everyone graded ({len(passed)}): '
            + "; ".join(f"{t.step:02d} {_text(t.name)}" for t in passed) + "</p>") if passed else ""
    return table + rest


def render(rows: list[Row], steps: list[int], feedback: str | None = FEEDBACK) -> str:
    """The page. feedback: the folder of the per-student pages, relative to the page (None: no links)."""
    students = sorted({r["student"] for r in rows})
    look = len({r["student"] for r in rows if needs_a_look(r)})
    return (f"<!doctype html><html lang='en'><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>Class summary</title><style>{STYLE}</style><body>"
            f"<h1>Class summary</h1><p>{len(students)} students, steps "
            f"{html.escape(catalog.describe_steps(steps))}; {look} need a look.</p>"
            f"<nav><a href='#distribution'>Score distribution</a><a href='#look'>Needs a look</a>"
            f"<a href='#mistakes'>Misconceptions</a><a href='#students'>Students</a></nav>"
            f"<h2 id='distribution'>Score distribution per step</h2>"
            f"<p class='muted small'>Students per tenth of the step's maximum score; the last bar is "
            f"full marks.</p>{_charts(rows, steps)}"
            f"<h2 id='look'>Submissions that need a look</h2>{_needs_a_look(rows, feedback)}"
            f"<h2 id='mistakes'>Misconceptions: tests, worst pass rate first</h2>"
            f"<p class='muted small'>Each test's failures grouped by the kind of mistake: the outcome and "
            f"the message, its numbers shown as &lt;n&gt; and its arrays as […]; most common first.</p>"
            f"{_mistakes(rows, feedback)}"
            f"<h2 id='students'>Students</h2>{_students(rows, steps, feedback)}</body></html>\n")


def write(rows: list[Row], steps: list[int], path: Path, feedback: str | None = FEEDBACK) -> None:
    write_atomic(path, render(rows, steps, feedback))
