"""Assertion messages in other languages.

A test's message is usually an f-string: f"got {y!r} for x={x!r}". Its template is the text with
each field numbered in order, "got {0} for x={1}", and a translation is a template too, free to
reorder the fields: "x={1}에서 {0}이(가) 나왔습니다". templates() reads them from a test file's
source (assert messages, AssertionError(...), pytest.fail(...) and numpy.testing's err_msg=); a
step keeps their Korean in its hints.toml:

    [messages.ko]
    "got {0} for x={1}" = "x={1}에서 {0}이(가) 나왔습니다"

translate() finds each template in a failure message and rewrites what it matches. A field
matches any text, newlines included (an array's repr spans lines); text that no template matches
stays as it is.
"""

from __future__ import annotations

import ast
import functools
import re
import string
from collections.abc import Iterator, Mapping
from pathlib import Path

_FIELD = re.compile(r"\{(\d+)\}")


def templates(path: Path) -> list[str]:
    """The message templates of the asserts, AssertionErrors, pytest.fail calls and err_msg= of a
    file, in the order they appear, each once; messages that are not string literals or f-strings (a name,
    a call) have no template."""
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        message: ast.expr | None = None
        if isinstance(node, ast.Assert):
            message = node.msg
        elif isinstance(node, ast.Call) and node.args and _is_message_call(node.func):
            message = node.args[0]
        elif isinstance(node, ast.keyword) and node.arg == "err_msg":  # numpy.testing's own line
            message = node.value
        template = _template(message) if message is not None else None
        if message is not None and template and _FIELD.sub("", template).strip(" .,:;()'\"\n"):
            found.append((message.lineno, message.col_offset, template))
    return list(dict.fromkeys(template for _, _, template in sorted(found)))


def _is_message_call(func: ast.expr) -> bool:
    """AssertionError(...) or pytest.fail(...)."""
    if isinstance(func, ast.Name):
        return func.id == "AssertionError"
    return isinstance(func, ast.Attribute) and func.attr == "fail" and isinstance(func.value, ast.Name) \
        and func.value.id == "pytest"


def _template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _escape(node.value)
    if isinstance(node, ast.JoinedStr):
        out, field = [], 0
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(_escape(str(part.value)))
            else:
                out.append(f"{{{field}}}")
                field += 1
        return "".join(out)
    return None


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def fields(template: str) -> list[int]:
    """The field numbers a template uses, sorted ("{{" and "}}" are literal braces)."""
    return sorted({int(name) for _, name, _, _ in string.Formatter().parse(template) if name is not None})


@functools.cache  # a batch translates the same few hundred templates again and again
def _pattern(template: str) -> re.Pattern[str]:
    """A template as a regex over whole lines. Its text is matched literally; a field is any
    text, newlines included, up to the first place where the template's next text follows (the
    last text: followed by the end of a line); a field at the very end takes the rest of the line.
    Fields are possessive, never tried again at another length, so a match costs time in
    proportion to the message: a message may hold the student's own text, and no text may make
    translating it slow. A field right after another is empty (the first took the text)."""
    parts = list(string.Formatter().parse(template))  # (text, field or None, spec, conversion)
    out = ["(?m)^"]
    after_field = False
    for i, (text, field, _, _) in enumerate(parts):
        out.append(re.escape(text))
        if field is None:
            continue
        rest = [later for later, _, _, _ in parts[i + 1:]]
        following = next((later for later in rest if later), "")
        if after_field and not text:
            out.append("()")
        elif not following:
            out.append(r"([^\n]*+)")
        else:
            end = "$" if following == "".join(rest) and parts[-1][1] is None else ""
            out.append(rf"((?:(?!{re.escape(following)}{end})[\s\S])*+)")
        after_field = True
    return re.compile("".join(out) + "$")


def translate(message: str, table: Mapping[str, str], inner: bool = True) -> str:
    """message with the text each template of table matches rewritten as its translation; the
    longest templates first, so a short one cannot take part of a long one's text. With inner,
    a field's text is translated too, one level down (a check's message inside a test's:
    "at x = {0}: {1}"); never deeper, so no text can make it recurse without end."""
    for english in sorted(table, key=len, reverse=True):
        def rewrite(match: re.Match[str], to: str = table[english]) -> str:
            values = match.groups()
            return to.format(*(translate(value, table, inner=False) for value in values) if inner else values)

        message = _pattern(english).sub(rewrite, message)
    return message


def step_templates(step_dir: Path) -> Iterator[tuple[Path, str]]:
    """(test file, template) for every message template of a step's tests."""
    for path in sorted(step_dir.glob("test_*.py")):
        for template in templates(path):
            yield path, template
