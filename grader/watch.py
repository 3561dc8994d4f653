"""`grade N --watch`: grade again after every save of the step's files and show what changed."""

from __future__ import annotations

import dataclasses
import time

from grader.pool import serving
from grader.progress import changes, record
from grader.runner import RunOptions


def watch(options: RunOptions, lang: str) -> int:
    """Grade, then grade again after every save of the step's files; show what changed. The runs
    fork from one warm worker (grader.pool), so a grade after a save skips the imports."""
    with serving():
        return _watch(dataclasses.replace(options, group="watch"), lang)


def _watch(options: RunOptions, lang: str) -> int:
    from grader import runner
    from grader.report import scorecard

    def stamp() -> list[tuple[str, int]]:
        files = sorted(p for p in options.target.root.rglob("*.py") if "__pycache__" not in p.parts)
        return [(str(p), p.stat().st_mtime_ns) for p in files]

    previous, seen = None, None
    print(f"watching {options.target.root} (Ctrl-C to stop)")
    try:
        while True:
            if stamp() != seen:
                seen = stamp()
                result = runner.run_step(options)
                record(result)
                if previous is None:
                    print(scorecard.render(result, lang))
                else:
                    print("\n".join(changes(previous, result)) or "no change")
                    print(f"score {result.score:g}/{result.max_score:g}")
                previous = {"tests": {t.name: t.outcome for t in result.tests}}
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
