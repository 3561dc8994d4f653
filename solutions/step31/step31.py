"""Step 31: higher-order derivatives (2): a backprop whose result has a graph of its own.

The book's step 31 is theory only (no script): if backward computes with Variables, the
backward pass builds a graph, and that graph can be differentiated again. This exercise is
the course's: the backward rules of Mul and Pow written on Variables, and grad(y, x), a
small backprop that runs such rules, so grad(grad(y, x), x) is the second derivative.
Step 32 moves the same rules and loop into the core (core.py).
The package is step 26's, unchanged: its own backward still computes on ndarrays.
"""

from collections import Counter

import numpy as np

from dezero import Function, Variable


def graph_functions(y: Variable) -> list:
    """Every function in the graph behind y, each once, y's creator first (step 30)."""
    funcs, seen = [], set()
    stack = [] if y.creator is None else [y.creator]
    while stack:
        f = stack.pop()
        # SOLUTION(step30.1): Record f once; push the creators of its inputs.
        if f in seen:
            continue
        seen.add(f)
        funcs.append(f)
        stack.extend(x.creator for x in f.inputs if x.creator is not None)
        # END SOLUTION
    return funcs


def function_counts(y: Variable) -> dict:
    """How many functions of each kind the graph behind y holds, e.g. {'Mul': 2, 'Pow': 1}."""
    return dict(Counter(type(f).__name__ for f in graph_functions(y)))


def add_rule(f: Function, gy: Variable) -> tuple:
    """d(x0 + x1): gy for both inputs."""
    # SOLUTION(step13.3): Return the upstream grad once for each input.
    return gy, gy
    # END SOLUTION


def sub_rule(f: Function, gy: Variable) -> tuple:
    """d(x0 - x1): gy for x0, -gy for x1."""
    # SOLUTION(step22.2): Return the grads of both inputs of a subtraction.
    return gy, -gy
    # END SOLUTION


def neg_rule(f: Function, gy: Variable) -> Variable:
    """d(-x): -gy."""
    # SOLUTION(step22.1): Return the grad of the input of a negation.
    return -gy
    # END SOLUTION


def mul_rule(f: Function, gy: Variable) -> tuple:
    """d(x0 * x1): gy * x1 for x0 and gy * x0 for x1, computed on Variables."""
    # SOLUTION(step31.1): Return gy * x1 and gy * x0, with the input Variables of f.
    x0, x1 = f.inputs
    return gy * x1, gy * x0
    # END SOLUTION


def div_rule(f: Function, gy: Variable) -> tuple:
    """d(x0 / x1): gy / x1 for x0 and gy * (-x0 / x1 ** 2) for x1."""
    x0, x1 = f.inputs
    return gy / x1, gy * (-x0 / x1**2)


def pow_rule(f: Function, gy: Variable) -> Variable:
    """d(x ** c): c * x ** (c - 1) * gy, computed on Variables (c is f.c, a constant)."""
    # SOLUTION(step31.2): Return c * x ** (c - 1) * gy, with the input Variable of f.
    (x,) = f.inputs
    c = f.c
    return c * x ** (c - 1) * gy
    # END SOLUTION


RULES = {"Add": add_rule, "Sub": sub_rule, "Neg": neg_rule, "Mul": mul_rule, "Div": div_rule, "Pow": pow_rule}


def grad(y: Variable, x: Variable) -> Variable | None:
    """dy/dx as a Variable with a graph of its own; None when y does not depend on x.

    Variable.backward's loop, except that the grads live in a dict keyed by id(variable)
    and every rule computes on Variables: grad(grad(y, x), x) is the second derivative.
    """
    grads = {id(y): Variable(np.ones_like(y.data))}
    for f in sorted(graph_functions(y), key=lambda f: f.generation, reverse=True):
        # SOLUTION(step31.3): Apply f's rule to its outputs' grads; add each result to its input's.
        gys = [grads[id(output())] for output in f.outputs]
        gxs = RULES[type(f).__name__](f, *gys)
        if not isinstance(gxs, tuple):
            gxs = (gxs,)
        for v, gv in zip(f.inputs, gxs):
            grads[id(v)] = gv if id(v) not in grads else grads[id(v)] + gv
        # END SOLUTION
    return grads.get(id(x))


if __name__ == "__main__":
    x = Variable(np.array(2.0))
    y = x**4 - 2 * x**2
    gx = grad(y, x)
    gx2 = grad(gx, x)
    print("y = x ** 4 - 2 * x ** 2 at x = 2.0")
    print("dy/dx   =", gx, " behind it:", function_counts(gx))
    print("d2y/dx2 =", gx2)
    print("d3y/dx3 =", grad(gx2, x))
    gx = grad(3 * x, x)
    print("y = 3 * x: dy/dx =", gx, " behind it:", function_counts(gx))
    print("d2y/dx2 =", grad(gx, x), "(dy/dx does not depend on x)")
