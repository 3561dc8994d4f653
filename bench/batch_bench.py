"""Build a synthetic class and grade it in one batch; print the wall time per submission.

    python bench/batch_bench.py [--students 200] [--steps 1,4,7,9,13]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grader.instructor import batch, synthetic  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--steps", default="1,4,7,9,13")
    parser.add_argument("--timeout", type=float, default=2.0, help="per-test timeout for the run")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
        root, out = Path(tmp) / "class", Path(tmp) / "grades"
        synthetic.make_class(root, args.students, steps)
        start = time.monotonic()
        batch.run_batch(batch.BatchOptions(root, steps, out, jobs=os.cpu_count() or 2,
                                           test_timeout=args.timeout))
        wall = time.monotonic() - start
        rows = (out / "gradebook.csv").read_text().count("\n") - 1
    print(f"batch-bench: {args.students} submissions x {len(steps)} steps = {rows} gradebook rows "
          f"in {wall:.0f} s ({wall / args.students:.2f} s per submission, "
          f"{wall / max(rows, 1):.2f} s per step graded) on {os.cpu_count()} cores")
    return 0 if rows == args.students * len(steps) else 1


if __name__ == "__main__":
    sys.exit(main())
