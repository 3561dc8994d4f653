"""Run every workload on the reference, the official DeZero and the numpy floor; print ratios.

    python bench/run.py --official-python .nox/bench-official/bin/python

PyTorch is measured too (the memory workload only) when a venv holds it: --torch-python, by
default .nox/bench-torch/bin/python if it exists. Make it once with
    python3 -m venv .nox/bench-torch && .nox/bench-torch/bin/pip install torch==2.13.0 numpy==2.4.6

Each implementation runs in a process of its own (both packages are called `dezero`), and the
three take turns for --rounds rounds; each keeps its best time, so a slow spell of a shared
machine does not fall on one of them alone. `conv` and `conv-busy` (the same convolution while
a second process keeps a core busy) take their turns in the same rounds, so the two ratios
compare like with like. `mlp-memory` is not a time but the MiB of arrays that 100 forward
passes of an MLP keep alive; its target is PyTorch's figure from the same run (38.5 MiB when
PyTorch is not installed). Each timed sample lasts about a second (harness.py repeats a short
workload), so a 70 ms workload and a 2 s one see a shared machine's load alike. Targets are
printed as PASS/MISS; nothing here fails a build.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TORCH_ENV = HERE.parent / ".nox" / "bench-torch"
# workload -> (minimum speed-up over the official package, maximum slow-down against numpy)
TARGETS = {"chain": (1.5, None), "wide": (1.5, None), "goldstein": (1.0, None), "newton": (1.0, None),
           "mlp32": (1.0, 1.3), "mlp64": (1.0, 1.3), "conv": (2.0, None), "conv-busy": (2.0, None)}
TOGETHER = [("conv", "conv-busy")]  # measured turn by turn in the same rounds
MAX_CONTENTION_SLOWDOWN = 1.2  # (ref/official beside a busy core) / (ref/official alone)
MEMORY_TARGET = 38.5  # MiB: what PyTorch 2.13 keeps for the same 100 passes (the official: 76.7)


def measure(python: str, impl: str, workload: str, key: str = "best") -> float | None:
    proc = subprocess.run([python, str(HERE / "harness.py"), impl, workload],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  {impl}/{workload} failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])[key]


def groups(workloads: list[str]) -> list[list[str]]:
    """The workloads in the order asked, those of a TOGETHER pair in one group."""
    out: list[list[str]] = []
    for workload in workloads:
        pair = next((p for p in TOGETHER if workload in p), None)
        group = [w for w in pair if w in workloads] if pair else [workload]
        if group not in out:
            out.append(group)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official-python", help="python of a venv holding dezero==0.0.13")
    parser.add_argument("--workloads", default=",".join([*TARGETS, "mlp-memory"]))
    parser.add_argument("--rounds", type=int, default=3, help="turns of the three (default 3)")
    parser.add_argument("--torch-python", help="python of a venv holding torch, for mlp-memory "
                        f"(default: {TORCH_ENV / 'bin' / 'python'} if it exists)")
    args = parser.parse_args()
    torch_python = args.torch_python or (str(TORCH_ENV / "bin" / "python")
                                         if (TORCH_ENV / "bin" / "python").exists() else None)
    runs = {"reference": sys.executable, "official": args.official_python, "numpy": sys.executable}
    asked = args.workloads.split(",")
    unknown = [w for w in asked if w not in TARGETS and w != "mlp-memory"]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(TARGETS)}, mlp-memory")
    timed = [w for w in asked if w in TARGETS]
    if timed:
        print(f"{'workload':<12}{'reference':>12}{'official':>12}{'numpy':>12}"
              f"{'official/ref':>14}{'ref/numpy':>11}  targets")
    best: dict[str, dict[str, float | None]] = {}
    for group in groups(timed):
        samples = {(w, impl): [] for w in group for impl in runs}
        for _ in range(max(1, args.rounds)):
            for workload in group:
                for impl, python in runs.items():
                    samples[workload, impl].append(measure(python, impl, workload) if python else None)
        for workload in group:
            best[workload] = {impl: min((s for s in samples[workload, impl] if s is not None), default=None)
                              for impl in runs}
            print_row(workload, **best[workload])
    if "conv" in best and "conv-busy" in best:
        print_contention(best["conv"], best["conv-busy"])
    if "mlp-memory" in asked:
        print_memory({impl: measure(python, impl, "mlp-memory", "mib") if python else None
                      for impl, python in {**runs, "pytorch": torch_python}.items()})
    return 0


def print_row(workload: str, reference, official, numpy) -> None:
    speedup = official / reference if official and reference else None
    overhead = reference / numpy if reference and numpy else None
    min_speedup, max_overhead = TARGETS[workload]
    fast = speedup is not None and speedup >= min_speedup
    checks = [f"official/ref >= {min_speedup}: {_verdict(speedup, fast)}"]
    if max_overhead:
        lean = overhead is not None and overhead <= max_overhead
        checks.append(f"ref/numpy <= {max_overhead}: {_verdict(overhead, lean)}")
    print(f"{workload:<12}{_ms(reference):>12}{_ms(official):>12}{_ms(numpy):>12}"
          f"{_x(speedup):>14}{_x(overhead):>11}  " + "; ".join(checks), flush=True)


def print_contention(alone: dict, busy: dict) -> None:
    """ref/official alone and beside a busy core; the reference must not lose more than 1.2x."""
    ratio = {name: t["reference"] / t["official"] if t["reference"] and t["official"] else None
             for name, t in (("alone", alone), ("busy", busy))}
    growth = ratio["busy"] / ratio["alone"] if ratio["alone"] and ratio["busy"] else None
    ok = growth is not None and growth <= MAX_CONTENTION_SLOWDOWN
    print(f"\ncontention (conv): ref/official {_x(ratio['alone'])} alone, {_x(ratio['busy'])} beside "
          f"a busy core: {_x(growth)}; target <= {MAX_CONTENTION_SLOWDOWN}x: {_verdict(growth, ok)}")


def print_memory(mib: dict) -> None:
    """The reference must keep no more than PyTorch (measured in this run, else MEMORY_TARGET)."""
    ref, torch = mib["reference"], mib["pytorch"]
    target, source = (torch, "PyTorch, this run") if torch is not None else (MEMORY_TARGET, "PyTorch 2.13")
    ok = ref is not None and round(ref, 1) <= round(target, 1)
    print(f"\nmlp-memory (MiB of arrays that 100 forward passes keep): reference {_mib(ref)}, "
          f"official {_mib(mib['official'])}, PyTorch {_mib(torch)}, numpy floor {_mib(mib['numpy'])}; "
          f"target <= {_mib(target)} ({source}): {_verdict(ref, ok)}")


def _verdict(value, ok) -> str:
    return "-" if value is None else ("PASS" if ok else "MISS")


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.1f} ms"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _x(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"


if __name__ == "__main__":
    sys.exit(main())
