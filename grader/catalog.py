"""Where the course lives on disk and what each of the 60 steps is called."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STEPS_DIR = REPO / "steps"
SOLUTIONS_DIR = REPO / "solutions"
FIRST_PACKAGE_STEP = 23  # from here on a step holds a dezero/ package snapshot
TODO_ID = re.compile(r"TODO\((step\d{2}\.\d+)\)")

TITLES = {
    1: "a variable is a box", 2: "functions as objects", 3: "composing functions",
    4: "numerical differentiation", 5: "backprop theory: the chain rule by hand",
    6: "backprop by hand", 7: "automatic backprop", 8: "recursion to loop",
    9: "friendlier functions", 10: "unit tests", 11: "variable-length arguments",
    12: "variadic calling", 13: "backprop with several inputs",
    14: "repeated variables", 15: "complex graphs: generations in theory",
    16: "generations", 17: "memory and weak references", 18: "saving memory",
    19: "an easier Variable", 20: "operator overloading (1)",
    21: "operator overloading (2)", 22: "operator overloading (3)",
    23: "packaging into dezero", 24: "optimization test functions",
    25: "the DOT language", 26: "visualizing graphs", 27: "Taylor series",
    28: "gradient descent", 29: "Newton's method by hand",
    30: "higher-order derivatives: theory (1)", 31: "higher-order derivatives: theory (2)",
    32: "core.py: grads as Variables", 33: "Newton's method, automatic",
    34: "higher derivatives of sin", 35: "tanh and its graph", 36: "double backprop",
    37: "tensors", 38: "shape functions", 39: "sum", 40: "broadcasting",
    41: "matrix product", 42: "linear regression", 43: "a neural network",
    44: "parameters and layers", 45: "layers of layers", 46: "optimizers",
    47: "softmax and cross entropy", 48: "multi-class classification",
    49: "the Dataset class", 50: "the DataLoader", 51: "MNIST", 52: "GPU",
    53: "saving and loading parameters", 54: "dropout and test mode",
    55: "CNN mechanics (1)", 56: "CNN mechanics (2)", 57: "conv2d and pooling",
    58: "VGG16", 59: "RNN", 60: "LSTM and the sequence loader",
}


def title(step: int, lang: str = "en") -> str:
    """The step's title; in Korean, the one its Korean guide starts with (`# STEP 14 · …`)."""
    if lang == "ko":
        guide = step_dir(step) / "README.ko.md"
        if guide.is_file():
            first = guide.read_text(encoding="utf-8").split("\n", 1)[0]
            if " · " in first:
                return first.split(" · ", 1)[1].strip()
    return TITLES[step]


def step_name(step: int) -> str:
    """'step07' for 7."""
    return f"step{step:02d}"


def step_dir(step: int) -> Path:
    return STEPS_DIR / step_name(step)


def test_file(step: int) -> Path:
    return step_dir(step) / f"test_{step_name(step)}.py"


def available_steps() -> list[int]:
    """Steps whose tests exist in this checkout."""
    return [n for n in TITLES if test_file(n).is_file()]


def is_package_step(step: int) -> bool:
    return step >= FIRST_PACKAGE_STEP


def flat_package_problem(step: int, steps: list[int]) -> str:
    """Why a flat upload's one dezero/ cannot be `step`'s package when `steps` are graded: it could
    be any of several package steps' ('' when only one package step is graded)."""
    package_steps = [s for s in steps if is_package_step(s)]
    if len(package_steps) <= 1:
        return ""
    return (f"a flat dezero/ could be the package of any of steps {describe_steps(package_steps)}: "
            f"put step {step} in its own {step_name(step)}/ folder")


def describe_steps(steps: list[int]) -> str:
    """'1-10, 12' for [1..10, 12]."""
    if not steps:
        return "none"
    runs, start, prev = [], steps[0], steps[0]
    for n in steps[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        runs.append(f"{start}" if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(runs)
