"""Feedback to hand back: feedback/<student>.txt and feedback/<student>.html, one of each per
student, in the batch's language.

Each holds a table of the student's steps (score, maximum, or why a step was not graded), the
total, then the scorecard of each graded step as `python -m grader grade` prints it, with the
level-1 hint of each unfinished TODO (grader.report.scorecard; a batch run gives level 1). The
page is self-contained (no script, no external asset); text that may come from a submission is
shown without control characters, and escaped.
"""

from __future__ import annotations

import html
from pathlib import Path

from grader import catalog
from grader.i18n import LABELS
from grader.instructor.gradebook import Row
from grader.report.files import clean_text, write_atomic

WORDS: dict[str, dict[str, str]] = {
    "en": {"title": "Feedback", "entry": "submitted as", "total": "Total",
           "missing": "not submitted", "invalid": "could not be read", "error": "not graded (a grader error: "
           "your instructor will look at it)", "why": "why", "graded": "graded"},
    "ko": {"title": "채점 결과", "entry": "제출물", "total": "합계",
           "missing": "제출하지 않음", "invalid": "읽을 수 없음", "error": "채점하지 못함(채점기 오류: "
           "강사가 확인합니다)", "why": "이유", "graded": "채점됨"},
}

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em}
table{border-collapse:collapse;margin:1em 0}
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto;white-space:pre-wrap}"""


def _fmt(value: float) -> str:
    return f"{float(value):g}"


def _words(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    lang = lang if lang in WORDS else "en"
    return WORDS[lang], LABELS[lang]


def _status(row: Row, words: dict[str, str]) -> str:
    """What the table says of a step besides its score: blank when it was graded."""
    if row["status"] == "graded":
        return ""
    return words.get(row["status"], row["status"])


def _totals(rows: list[Row]) -> tuple[float, float]:
    return sum(float(r["score"]) for r in rows), sum(float(r["max_score"]) for r in rows)


def _percent(score: float, maximum: float) -> str:
    return f" ({100 * score / maximum:.0f}%)" if maximum else ""


def _section(row: Row, lang: str) -> str:
    """A step's scorecard, or for a step not graded, a short card that says why."""
    card = row.get("scorecard")
    if card:
        return clean_text(card, lines=True)
    words, labels = _words(lang)
    step = int(row["step"])
    head = f"{labels['step']} {step:02d} · {catalog.title(step, lang)}"
    lines = [head, "-" * min(len(head), 100), f"  {_status(row, words) or words['graded']}"]
    if row["flags"] and row["status"] != "error":  # a grader error's reason is for the instructor
        lines.append(f"  {words['why']}: {clean_text(row['flags'])}")
    lines.append(f"{labels['score']}: {_fmt(row['score'])}/{_fmt(row['max_score'])}")
    return "\n".join(lines)


def render_text(student: str, rows: list[Row], lang: str) -> str:
    """The text file of one student (rows: theirs, in step order)."""
    words, labels = _words(lang)
    score, maximum = _totals(rows)
    entry = clean_text(rows[0]["entry"]) if rows else ""
    lines = [f"{words['title']}: {clean_text(student)}", f"{words['entry']}: {entry}", ""]
    for r in rows:
        step = int(r["step"])
        status = _status(r, words)
        lines.append(f"  {labels['step']} {step:02d}  {_fmt(r['score']):>5}/{_fmt(r['max_score']):<5}"
                     f"  {catalog.title(step, lang)}" + (f"  [{status}]" if status else ""))
    lines += [f"{words['total']}: {_fmt(score)}/{_fmt(maximum)}{_percent(score, maximum)}", ""]
    lines += [section + "\n" for section in (_section(r, lang) for r in rows)]
    return "\n".join(lines)


def _e(text: object) -> str:
    return html.escape(clean_text(str(text)))


def render_html(student: str, rows: list[Row], lang: str) -> str:
    """The page of one student: the same as the text file; each step's section has the id stepNN."""
    words, labels = _words(lang)
    score, maximum = _totals(rows)
    entry = rows[0]["entry"] if rows else ""
    table = "".join(
        f"<tr><td><a href='#{catalog.step_name(int(r['step']))}'>{int(r['step']):02d}</a></td>"
        f"<td>{_e(catalog.title(int(r['step']), lang))}</td>"
        f"<td>{_fmt(r['score'])}/{_fmt(r['max_score'])}</td><td>{_e(_status(r, words))}</td></tr>"
        for r in rows)
    sections = "".join(
        f"<section id='{catalog.step_name(int(r['step']))}'><pre>"
        f"{html.escape(_section(r, lang))}</pre></section>" for r in rows)
    return (f"<!doctype html><html lang='{_e(lang)}'><meta charset='utf-8'>"
            f"<title>{_e(words['title'])}: {_e(student)}</title><style>{STYLE}</style>"
            f"<h1>{_e(words['title'])}: {_e(student)}</h1><p>{_e(words['entry'])}: {_e(entry)}</p>"
            f"<table><tr><th>{_e(labels['step'])}</th><th></th><th>{_e(labels['score'])}</th><th></th></tr>"
            f"{table}</table><p><strong>{_e(words['total'])}: {_fmt(score)}/{_fmt(maximum)}"
            f"{_percent(score, maximum)}</strong></p>{sections}</html>\n")


def write(rows: list[Row], lang: str, folder: Path) -> None:
    """feedback/<student>.txt and .html for every student with a row."""
    students: dict[str, list[Row]] = {}
    for row in rows:
        students.setdefault(row["student"], []).append(row)
    for student, own in students.items():
        own = sorted(own, key=lambda r: int(r["step"]))
        write_atomic(folder / f"{student}.txt", render_text(student, own, lang))
        write_atomic(folder / f"{student}.html", render_html(student, own, lang))
