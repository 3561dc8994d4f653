"""A small reader of Graphviz DOT text, so tests check graphs by structure, not by string.

parse_dot reads one digraph (nodes, edge chains, attribute lists, defaults); node_kind
tells the book's two node styles apart.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TypedDict

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|->|--|[{}\[\]=,;]|-?(?:\.\d+|\d+(?:\.\d*)?)|[^\W\d]\w*|\S', re.S)
_ID = re.compile(r'".*"|-?(?:\.\d+|\d+(?:\.\d*)?)|[^\W\d]\w*', re.S)
_KEYWORDS = ("node", "edge", "graph", "digraph", "subgraph", "strict")


class DotGraph(TypedDict):
    """What parse_dot reads: node statements, edges and the default attributes per kind."""

    nodes: list[tuple[str, dict[str, str]]]  # (id, attrs), in order, repeats included
    edges: list[tuple[str, str, dict[str, str]]]  # (a, b, attrs)
    attrs: dict[str, dict[str, str]]  # 'node', 'edge', 'graph' -> defaults


def _unquote(token: str) -> str:
    """A token's text as Graphviz shows it: quotes dropped, \\" and \\\\ unescaped."""
    if not token.startswith('"'):
        return token
    return re.sub(r'\\(["\\\n])', lambda m: "" if m[1] == "\n" else m[1], token[1:-1])


def parse_dot(text: str) -> DotGraph:
    """Parse one digraph: {'nodes': [(id, attrs)], 'edges': [(a, b, attrs)], 'attrs': defaults}.

    Node statements (kept in order, repeats included), edge chains, attribute lists, defaults
    and graph attributes. AssertionError at the first unreadable token.
    """
    tokens, pos = [m.group() for m in _TOKEN.finditer(text)] + ["", ""], 0
    graph: DotGraph = {"nodes": [], "edges": [], "attrs": {"node": {}, "edge": {}, "graph": {}}}

    def take(*expected: str, what: str | None = None) -> str:
        nonlocal pos
        tok, pos = tokens[pos], pos + 1
        if (_ID.fullmatch(tok) and tok.lower() not in _KEYWORDS) if what else tok.lower() in expected:
            return _unquote(tok) if what else tok.lower()
        wanted = what or " or ".join(repr(e) if e else "the end" for e in expected)
        raise AssertionError(f"cannot read the DOT text: expected {wanted} but found "
                             f"{tok or 'the end'!r} (token {pos}) in:\n{text}")

    def attrs(kind: str) -> dict[str, str]:
        found = dict(graph["attrs"][kind])
        while tokens[pos] == "[":
            take("[")
            while tokens[pos] != "]":
                key = take(what="an attribute name")
                take("=")
                found[key] = take(what="an attribute value")
                if tokens[pos] in (",", ";"):
                    take(",", ";")
            take("]")
        return found

    take("digraph")
    if tokens[pos] != "{":
        take(what="the graph's name")
    take("{")
    while tokens[pos] != "}":
        if tokens[pos].lower() in ("node", "edge", "graph") and tokens[pos + 1] == "[":
            kind = take(tokens[pos].lower())
            graph["attrs"][kind] = attrs(kind)
        elif tokens[pos + 1] == "=":
            key = take(what="a graph attribute")
            take("=")
            graph["attrs"]["graph"][key] = take(what="a value")
        else:
            chain = [take(what="a node ID")]
            while tokens[pos] == "->":
                take("->")
                chain.append(take(what="a node ID after ->"))
            if len(chain) == 1:
                graph["nodes"].append((chain[0], attrs("node")))
            else:
                edge_attrs = attrs("edge")
                graph["edges"] += [(a, b, edge_attrs) for a, b in pairwise(chain)]
        if tokens[pos] == ";":
            take(";")
    take("}")
    take("")
    return graph


def node_kind(attrs: dict[str, str]) -> str:
    """'variable' (orange filled ellipse), 'function' (light-blue filled box) or what it is instead."""
    filled = "filled" in [s.strip() for s in attrs.get("style", "").split(",")]
    color, shape = attrs.get("fillcolor", attrs.get("color")), attrs.get("shape", "ellipse")
    if filled and (color, shape) in (("orange", "ellipse"), ("orange", "oval")):
        return "variable"
    return "function" if filled and (color, shape) == ("lightblue", "box") else f"neither style: {attrs}"
