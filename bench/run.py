"""Run every workload on the reference, the official DeZero and the numpy floor; print ratios.

    python bench/run.py --official-python .nox/bench-official/bin/python

Each implementation runs in a process of its own (both packages are called `dezero`), and the
three take turns for --rounds rounds; each keeps its best time, so a slow spell of a shared
machine does not fall on one of them alone. Targets are printed as PASS/MISS; nothing here
fails a build.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# workload -> (minimum speed-up over the official package, maximum slow-down against numpy)
TARGETS = {"chain": (1.5, None), "wide": (1.5, None), "goldstein": (1.0, None), "newton": (1.0, None),
           "mlp32": (1.0, 1.3), "mlp64": (1.0, 1.3), "conv": (2.0, None)}


def measure(python: str, impl: str, workload: str) -> float | None:
    proc = subprocess.run([python, str(HERE / "harness.py"), impl, workload],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  {impl}/{workload} failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])["best"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official-python", help="python of a venv holding dezero==0.0.13")
    parser.add_argument("--workloads", default=",".join(TARGETS))
    parser.add_argument("--rounds", type=int, default=3, help="turns of the three (default 3)")
    args = parser.parse_args()
    print(f"{'workload':<12}{'reference':>12}{'official':>12}{'numpy':>12}"
          f"{'official/ref':>14}{'ref/numpy':>11}  targets")
    for workload in args.workloads.split(","):
        runs = {"reference": sys.executable, "official": args.official_python, "numpy": sys.executable}
        samples = {impl: [] for impl in runs}
        for _ in range(max(1, args.rounds)):
            for impl, python in runs.items():
                samples[impl].append(measure(python, impl, workload) if python else None)
        ref, off, floor = (min((s for s in samples[impl] if s is not None), default=None) for impl in runs)
        speedup = off / ref if off and ref else None
        overhead = ref / floor if ref and floor else None
        min_speedup, max_overhead = TARGETS[workload]
        fast = speedup is not None and speedup >= min_speedup
        checks = [f"official/ref >= {min_speedup}: {_verdict(speedup, fast)}"]
        if max_overhead:
            lean = overhead is not None and overhead <= max_overhead
            checks.append(f"ref/numpy <= {max_overhead}: {_verdict(overhead, lean)}")
        print(f"{workload:<12}{_ms(ref):>12}{_ms(off):>12}{_ms(floor):>12}"
              f"{_x(speedup):>14}{_x(overhead):>11}  " + "; ".join(checks), flush=True)
    return 0


def _verdict(value, ok) -> str:
    return "-" if value is None else ("PASS" if ok else "MISS")


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.1f} ms"


def _x(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"


if __name__ == "__main__":
    sys.exit(main())
