"""Time one workload on one implementation, in this process; prints one JSON line.

    python bench/harness.py reference chain
    python bench/harness.py official goldstein    (in a venv holding PyPI's dezero 0.0.13)
    python bench/harness.py numpy chain           (the numpy floor)
    python bench/harness.py reference mlp-memory  (MiB of arrays kept, not a time)
    python bench/harness.py pytorch mlp-memory    (in a venv holding torch; memory workloads only)
"""

import json
import math
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workloads import BESIDE_A_BUSY_CORE, MEMORY, WORKLOADS  # noqa: E402

REPEATS = 5
SLOW = {"mlp32": 2, "mlp64": 2}  # one epoch is seconds long: fewer repeats
# A sample repeats a short workload until it lasts about this long, and gives the time per run.
# On a shared machine the best of five 70 ms runs catches a quiet moment that the best of five
# 2 s runs cannot: samples of like length make the implementations' times comparable.
SAMPLE_SECONDS = 1.0


def load(impl: str):
    if impl == "official":
        np.int = int  # PyPI's 0.0.13 uses np.int, which numpy >= 1.24 removed
    if impl in ("reference", "official"):
        if impl == "reference":
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        import dezero
        import dezero.functions as F

        return types.SimpleNamespace(Variable=dezero.Variable, F=F, module=dezero)
    return None


# keeps one core busy; stops by itself if this process dies without killing it
BUSY_LOOP = """
import os
parent = os.getppid()
while os.getppid() == parent:
    for _ in range(100_000):
        pass
"""


def busy_core() -> subprocess.Popen:
    """A second process that keeps one core busy with a Python loop until it is killed.

    It runs in a session of its own, as another program would. Linux (autogroup) shares the
    CPU between sessions first: a child in the benchmark's own session would take half of the
    benchmark's share on a machine that other sessions keep busy, and would then measure how
    many threads each implementation runs, not what a second busy program costs it.
    """
    return subprocess.Popen([sys.executable, "-c", BUSY_LOOP], start_new_session=True)


def main(impl: str, workload: str) -> None:
    if impl == "pytorch" and workload not in MEMORY:
        sys.exit(f"{workload}: only the memory workloads ({', '.join(MEMORY)}) have a PyTorch version")
    dz = load(impl)
    where = getattr(getattr(dz, "module", None), "__file__", "numpy")
    if workload in MEMORY:
        measure, floor, in_torch = MEMORY[workload]
        mib = {"numpy": floor, "pytorch": in_torch}.get(impl, lambda: measure(dz))()
        if impl == "pytorch":
            import torch

            where = torch.__file__
        print(json.dumps({"impl": impl, "workload": workload, "mib": mib, "from": where}))
        return
    make, make_floor = WORKLOADS[workload]
    run = make_floor() if impl == "numpy" else make(dz)
    busy = busy_core() if workload in BESIDE_A_BUSY_CORE else None
    try:
        start = time.perf_counter()
        run()  # warm up, and the length of one run
        per_sample = max(1, math.ceil(SAMPLE_SECONDS / (time.perf_counter() - start)))
        times = []
        for _ in range(SLOW.get(workload, REPEATS)):
            start = time.perf_counter()
            for _ in range(per_sample):
                run()
            times.append((time.perf_counter() - start) / per_sample)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
    print(json.dumps({"impl": impl, "workload": workload, "best": min(times), "runs_per_sample": per_sample,
                      "from": where}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
