"""The class gradebook: one CSV row per student and step."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from grader.report.files import write_atomic

COLUMNS = ("student", "step", "score", "max_score", "status", "seconds", "flags")


class Row(TypedDict):
    """One student and step: the CSV's COLUMNS, and what a student's JSON keeps besides."""

    student: str
    step: int
    score: float
    max_score: float
    status: str  # graded | error | invalid | missing
    seconds: float
    flags: str
    result: NotRequired[dict[str, Any]]  # grader.report.course_json.to_dict, when it was graded
    hash: NotRequired[str | None]  # the content hash the step was graded at (batch's resume record)
    graded_with: NotRequired[float]  # the test timeout it was graded with


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write(rows: list[Row], path: Path) -> None:
    write_atomic(path, to_csv(rows))
