"""The course's auto-grader: runs a step's tests against a target and reports.

`python -m grader grade 7` grades your code of step 7; in Jupyter, `from grader import
grade; grade(7)` shows the same scorecard as HTML. See `python -m grader --help`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.notebook import Scorecard

__all__ = ["__version__", "grade"]
__version__ = "0.1.0"


def grade(step: int, target: str = "student", lang: str | None = None) -> Scorecard:
    """Grade one step and return its scorecard (HTML in a notebook, text elsewhere).

    lang: en or ko; by default from the locale, as on the command line."""
    from grader.notebook import grade as _grade

    return _grade(step, target, lang)
