"""The class gradebook: one CSV row per student and step (gradebook.csv), and the roster: one
row per student with each step's score and the totals (roster.csv), for an LMS's grade import.

The roster's first columns are the student columns Canvas's gradebook export has (Student, ID,
SIS User ID, SIS Login ID, Section): Canvas's import needs them, a header starting with Student
and ID and the student columns ending with Section. Student holds the course's student id (the
entry's name); the others are left empty, for the LMS's own ids. Every other row is a student
(Moodle's import stops at a row whose user it cannot find, so there is no points-possible or
totals row) and every grade a plain number (3, 2.5); a step without a row (a batch
cut short) is empty, which both read as no grade.

Text cells may come from a submission (a file name, a reason): control characters other than
line breaks and tabs are dropped, and a cell that a spreadsheet would read as a formula
(=, +, -, @ first, also after spaces or tabs) starts with a single quote.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from grader import catalog
from grader.report.files import clean_text, write_atomic

COLUMNS = ("student", "entry", "step", "score", "max_score", "status", "seconds", "flags")
LMS_STUDENT = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")  # Canvas's export, in its order
FORMULA = re.compile(r"[ \t\r\n]*[=+\-@]")


class Row(TypedDict):
    """One student and step: the CSV's COLUMNS, and what a student's JSON keeps besides."""

    student: str
    entry: str  # the entry's name in the submissions folder (a folder or an archive)
    step: int
    score: float
    max_score: float
    status: str  # graded | error | invalid | missing
    seconds: float
    flags: str  # timed-out, crashed, not-started, import-error, syntax-error, tampered; or why not graded
    result: NotRequired[dict[str, Any]]  # grader.report.course_json.to_dict, when it was graded
    hash: NotRequired[str | None]  # the content hash of the step's folder
    key: NotRequired[str]  # what it was graded with: content, tests, grader and options (batch's resume)
    scorecard: NotRequired[str]  # grader.report.scorecard.render, in the batch's language, when it was graded


def cell(value: object) -> object:
    """A CSV cell: numbers as they are, text without control characters and never a formula."""
    if not isinstance(value, str):
        return value
    text = clean_text(value, lines=True)
    return "'" + text if FORMULA.match(text) else text


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([cell(row.get(column, "")) for column in COLUMNS])
    return buffer.getvalue()


def write(rows: list[Row], path: Path) -> None:
    write_atomic(path, to_csv(rows))


def roster_columns(steps: list[int]) -> list[str]:
    names = [catalog.step_name(step) for step in steps]
    return [*LMS_STUDENT, "entry", *names, "total", "max_total", "percent"]


def _number(value: float) -> int | float:
    """3 rather than 3.0; at most two decimals."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def step_maxima(rows: list[Row]) -> dict[int, float]:
    """Each step's maximum as its rows carry it (every row does, graded or not)."""
    maxima: dict[int, float] = {}
    for row in rows:
        step = int(row["step"])
        maxima[step] = max(maxima.get(step, 0.0), float(row["max_score"]))
    return maxima


def roster(rows: list[Row], steps: list[int]) -> list[dict[str, object]]:
    """One record per student, in the order of the rows: roster_columns() to values.

    max_total is the sum of every step's maximum, also of a step the student has no row for (a
    batch cut short), so 3 of step 1 is not 100% of a ten-step batch; a step without a row in
    the whole class (its maximum unknown) is left out of it."""
    students: dict[str, list[Row]] = {}
    for row in rows:
        students.setdefault(row["student"], []).append(row)
    maxima = step_maxima(rows)
    records = []
    for student, own in students.items():
        by_step = {int(r["step"]): r for r in own}
        total = sum(float(r["score"]) for r in by_step.values())
        max_total = sum(float(by_step[s]["max_score"]) if s in by_step else maxima.get(s, 0.0) for s in steps)
        record: dict[str, object] = dict.fromkeys(LMS_STUDENT, "")
        record.update(Student=student, entry=own[0]["entry"])
        for step in steps:
            found = by_step.get(step)
            record[catalog.step_name(step)] = _number(found["score"]) if found else ""
        record.update(total=_number(total), max_total=_number(max_total),
                      percent=round(100 * total / max_total, 1) if max_total else "")
        records.append(record)
    return records


def roster_csv(rows: list[Row], steps: list[int]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = roster_columns(steps)
    writer.writerow(columns)
    for record in roster(rows, steps):
        writer.writerow([cell(record[column]) for column in columns])
    return buffer.getvalue()


def write_roster(rows: list[Row], steps: list[int], path: Path) -> None:
    write_atomic(path, roster_csv(rows, steps))
