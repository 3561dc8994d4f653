"""Time one workload on one implementation, in this process; prints one JSON line.

    python bench/harness.py reference chain
    python bench/harness.py official goldstein    (in a venv holding PyPI's dezero 0.0.13)
    python bench/harness.py numpy chain           (the numpy floor)
"""

import json
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workloads import WORKLOADS  # noqa: E402

REPEATS = 5
SLOW = {"mlp32": 2, "mlp64": 2}  # one epoch is seconds long: fewer repeats


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


def main(impl: str, workload: str) -> None:
    make, make_floor = WORKLOADS[workload]
    dz = load(impl)
    run = make_floor() if impl == "numpy" else make(dz)
    run()  # warm up
    times = []
    for _ in range(SLOW.get(workload, REPEATS)):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    where = getattr(getattr(dz, "module", None), "__file__", "numpy")
    print(json.dumps({"impl": impl, "workload": workload, "best": min(times), "from": where}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
