"""The course's auto-grader: runs a step's tests against a target and reports.

`python -m grader grade 7` grades your code of step 7; see `python -m grader --help`.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
