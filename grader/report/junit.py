"""JUnit XML, the format CI systems read: one testsuite per step, one testcase per test."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from grader.report.files import write_atomic
from grader.results import Outcome, StepResult


def to_xml(result: StepResult) -> str:
    applicable = result.applicable
    failed = [t for t in applicable if t.outcome in (Outcome.FAILED, Outcome.NOT_STARTED, Outcome.INVALID)]
    errors = [t for t in applicable if t.outcome in (Outcome.ERROR, Outcome.TIMEOUT, Outcome.CRASHED)]
    suite = ET.Element("testsuite", {
        "name": f"step{result.step:02d}", "tests": str(len(result.tests)),
        "failures": str(len(failed)), "errors": str(len(errors)),
        "skipped": str(len(result.tests) - len(applicable)), "time": f"{result.elapsed:.3f}",
    })
    for t in result.tests:
        case = ET.SubElement(suite, "testcase", {
            "classname": f"step{result.step:02d}", "name": t.name, "time": f"{t.duration:.3f}",
        })
        ET.SubElement(case, "properties").extend([
            ET.Element("property", {"name": "description", "value": t.description}),
            ET.Element("property", {"name": "points", "value": f"{t.points:g}"}),
            ET.Element("property", {"name": "outcome", "value": t.outcome}),
        ])
        if t.outcome == Outcome.NOT_APPLICABLE:
            ET.SubElement(case, "skipped", {"message": t.message or "not applicable"})
        elif t.outcome != Outcome.PASSED:
            tag = "error" if t in errors else "failure"
            node = ET.SubElement(case, tag, {"message": t.outcome, "type": t.outcome})
            node.text = t.message + (f"\nhint: {t.hint}" if t.hint else "")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def write(result: StepResult, path: Path) -> None:
    write_atomic(path, to_xml(result))
