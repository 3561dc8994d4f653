"""The class gradebook: one CSV row per student and step."""

from __future__ import annotations

import csv
import io

from grader.report.files import write_atomic

COLUMNS = ("student", "step", "score", "max_score", "status", "seconds", "flags")


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write(rows: list[dict], path) -> None:
    write_atomic(path, to_csv(rows))
