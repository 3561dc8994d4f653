"""Step 25: the DOT language: write by hand the text that Graphviz draws a graph from.

The book's step 25 is theory only; the package beside this script is step 24's, unchanged.
The exercise writes DOT text for graphs given as plain data, in step 15's format: a dict that
maps each function's name to (input variable names, output variable names), in call order.
Step 26 writes the same text for real DeZero graphs.
"""

KINDS = ("variable", "function")


def quote(text) -> str:
    """text (or a number) as a DOT string in double quotes, with \\ and " escaped.

    A quoted string is always a valid DOT ID or label, whatever it holds: spaces, quotes,
    Korean letters or a keyword such as node.
    """
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_node(node_id, label: str, kind: str) -> str:
    """One node line, in the book's style: 1 [label="x", color=orange, style=filled].

    A variable is an orange filled ellipse (dot's default shape); a function is a light-blue
    filled box (shape=box). The ID and the label are written with quote().
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'variable' or 'function', not {kind!r}")
    # SOLUTION(step25.1): Return the node line of node_id with its label and kind's style.
    style = "color=orange, style=filled" if kind == "variable" else "color=lightblue, style=filled, shape=box"
    return f"{quote(node_id)} [label={quote(label)}, {style}]"
    # END SOLUTION


def dot_edge(src, dst) -> str:
    """One edge line: an arrow from the node src to the node dst, both written with quote()."""
    # SOLUTION(step25.2): Return the line of an arrow from src to dst.
    return f"{quote(src)} -> {quote(dst)}"
    # END SOLUTION


def dot_graph(graph: dict) -> str:
    """The DOT text of graph ({function: (inputs, outputs)}), wrapped in digraph g { ... }.

    Every variable and every function is one node whose ID and label are its name, written
    once, when first met. Each function has an arrow from each input and to each output, so
    a function used as f(x, x) gets two arrows from x.
    """
    lines, seen = [], set()
    for f, (inputs, outputs) in graph.items():
        # SOLUTION(step25.3): Add the nodes of f and of its unseen variables, and f's arrows.
        for v in [*inputs, *outputs]:
            if v not in seen:
                seen.add(v)
                lines.append(dot_node(v, v, "variable"))
        lines.append(dot_node(f, f, "function"))
        lines += [dot_edge(x, f) for x in inputs]
        lines += [dot_edge(f, y) for y in outputs]
        # END SOLUTION
    return "digraph g {\n" + "".join(line + "\n" for line in lines) + "}\n"


if __name__ == "__main__":
    # The book's first picture: y = exp(x). Draw it with
    #   python steps/step25/step25.py | dot -T png -o sample.png
    print(dot_graph({"Exp": (["x"], ["y"])}), end="")
