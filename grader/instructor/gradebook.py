"""The class gradebook: one CSV row per student and step.

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

from grader.report.files import clean_text, write_atomic

COLUMNS = ("student", "entry", "step", "score", "max_score", "status", "seconds", "flags")
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
    flags: str  # timed-out, crashed, not-started, tampered; or why it was not graded
    result: NotRequired[dict[str, Any]]  # grader.report.course_json.to_dict, when it was graded
    hash: NotRequired[str | None]  # the content hash of the step's folder
    key: NotRequired[str]  # what it was graded with: content, tests, grader and options (batch's resume)


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
