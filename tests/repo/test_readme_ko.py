"""README.ko.md follows README.md: the same `##` / `###` sections in the same order, and the same
commands in their fenced code blocks, so a section or a command added to one README and not the
other fails here."""

from __future__ import annotations

import re
from pathlib import Path

from grader import catalog

README = catalog.REPO / "README.md"
README_KO = catalog.REPO / "README.ko.md"
FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")
HEADING = re.compile(r"^(#{2,3}) +(\S.*?)\s*#*\s*$")
SHELL = {"bash", "sh", "shell", "console"}
CODE = {"python", "py", "json"}  # compared too: code stays as it is, only comments are translated
COMMENT = re.compile(r"(?:^|\s)#.*$")  # a comment: `#` at the start of the line or after a space


def _lines_and_blocks(path: Path) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The lines outside fenced code blocks, and each block as (info string, lines)."""
    prose: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            blocks.append((match.group(2).lower(), []))
        elif fence is not None and line.strip().startswith(fence[0] * len(fence)) \
                and not line.strip().strip(fence[0]):
            fence = None
        elif fence is not None:
            blocks[-1][1].append(line)
        else:
            prose.append(line)
    return prose, blocks


def headings(path: Path) -> list[tuple[str, str]]:
    """(level, title) of each `##` and `###` heading outside code blocks, in order."""
    prose, _ = _lines_and_blocks(path)
    return [(m.group(1), m.group(2)) for m in map(HEADING.match, prose) if m]


def commands(path: Path) -> set[str]:
    """The code of every line of the shell, Python and JSON blocks, with its comment cut off and
    its whitespace collapsed (a console block's `$ ` prompt dropped)."""
    found = set()
    for info, lines in _lines_and_blocks(path)[1]:
        if info not in SHELL | CODE:
            continue
        for line in lines:
            if info == "console":
                if not line.startswith("$ "):
                    continue  # output, not a command
                line = line[2:]
            if info != "json":
                line = COMMENT.sub("", line)
            code = " ".join(line.split())
            if code:
                found.add(code)
    return found


def test_korean_readme_has_the_same_sections_in_the_same_order():
    english, korean = headings(README), headings(README_KO)
    levels_en = [level for level, _ in english]
    levels_ko = [level for level, _ in korean]
    for level in ("##", "###"):
        assert levels_en.count(level) == levels_ko.count(level), (
            f"README.md has {levels_en.count(level)} `{level}` headings, README.ko.md "
            f"{levels_ko.count(level)}:\n" + _side_by_side(english, korean))
    assert levels_en == levels_ko, (
        "the sections are not in the same order:\n" + _side_by_side(english, korean))


def test_every_command_of_one_readme_is_in_the_other():
    english, korean = commands(README), commands(README_KO)
    assert english, "README.md has no command in a fenced code block: the test reads it wrong"
    only_en, only_ko = sorted(english - korean), sorted(korean - english)
    message = [f"code lines of {name} missing from {other}:\n  " + "\n  ".join(lines)
               for name, other, lines in (("README.md", "README.ko.md", only_en),
                                          ("README.ko.md", "README.md", only_ko)) if lines]
    assert not message, "\n".join(message)


def _side_by_side(english: list[tuple[str, str]], korean: list[tuple[str, str]]) -> str:
    rows = []
    for i in range(max(len(english), len(korean))):
        en = " ".join(english[i]) if i < len(english) else "—"
        ko = " ".join(korean[i]) if i < len(korean) else "—"
        rows.append(f"  {en:<45} | {ko}")
    return "\n".join(rows)


def test_the_reader_sees_commands_and_headings(tmp_path):
    """The parser keeps what it must: a heading-like line inside a block is code, a comment is
    cut off, a `#` inside a word is kept, and a console block's output is left out."""
    sample = tmp_path / "sample.md"
    sample.write_text("## Top\n\n```bash\n## not a heading\nnox -s grade-01    # grade\n"
                      "echo a#b\n```\n\n### Sub ###\n\n```console\n$ python -m grader progress\n"
                      "step  title\n```\n\n```\nplain text # kept out\n```\n", encoding="utf-8")
    assert headings(sample) == [("##", "Top"), ("###", "Sub")]
    assert commands(sample) == {"nox -s grade-01", "echo a#b", "python -m grader progress"}
