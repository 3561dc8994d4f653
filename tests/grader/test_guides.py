"""Each step guide's TODO table matches its skeleton: every TODO listed, each in the file named.

Tables are `| id | file | where | what |`, or `| id | where | what |` below a line "All in `path`:"
("모두 `path`에 있습니다."); a file is relative to the step's folder or, from `steps/`, to the repository.
"""

import ast
import builtins
import keyword
import re

import pytest

from grader import catalog
from grader.instructor import skeleton, snapshots

HEADER = re.compile(r"^\| id \|(?P<file> (file|파일) \|)?", re.MULTILINE)
ALL_IN = re.compile(r"^(All in|모두) `([^`]+)`", re.MULTILINE)
ROW = re.compile(r"^\| `(step\d\d\.\d+)` \|([^|]*)\|", re.MULTILINE)


def table_rows(step: int, text: str) -> list[tuple[str, str]]:
    """(TODO id, file path from the repository root) for each row of the guide's table."""
    header = HEADER.search(text)
    assert header, "the guide has no TODO table (a line starting with '| id |')"
    all_in = ALL_IN.search(text[: header.start()])
    assert header["file"] or all_in, "a table without a file column needs a line 'All in `file`:' above it"
    rows = []
    for todo, cell in ROW.findall(text):
        path = cell.strip().strip("`") if header["file"] else all_in[2]
        if not path.startswith("steps/"):
            path = f"steps/{catalog.step_name(step)}/{path}"
        rows.append((todo, path))
    return rows


@pytest.mark.parametrize("step", catalog.available_steps())
@pytest.mark.parametrize("guide", ["README.md", "README.ko.md"])
def test_todo_table_names_the_file_that_holds_each_todo(step, guide):
    rows = table_rows(step, (catalog.step_dir(step) / guide).read_text(encoding="utf-8"))
    listed = [todo for todo, _ in rows]
    assert sorted(listed) == sorted(skeleton.block_ids(step)), f"{guide}: the table's TODO ids"
    for todo, path in rows:
        file = catalog.REPO / path
        assert file.is_file(), f"{guide}: {todo} names {path}, which does not exist"
        assert f"# TODO({todo})" in file.read_text(encoding="utf-8"), f"{guide}: {todo} is not in {path}"


_IGNORED = set(dir(builtins)) | set(keyword.kwlist) | {"self", "cls", "np"}


def _block_tree(body: str) -> ast.AST | None:
    try:
        return ast.parse("if 1:\n" + "\n".join("    " + line for line in body.splitlines()))
    except SyntaxError:
        return None


def needed_names(body: str, skeleton_text: str) -> set[str]:
    """Names a solution block uses that the student cannot see in the skeleton file and does
    not make up: attributes and functions of numpy, the package or the standard library."""
    tree = _block_tree(body)
    if tree is None:
        return set()
    used, own = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (own if isinstance(node.ctx, ast.Store) else used).add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            own.add(node.name)
        elif isinstance(node, ast.arg):
            own.add(node.arg)
    visible = set(re.findall(r"[A-Za-z_]\w*", skeleton_text))
    return used - own - visible - _IGNORED


@pytest.mark.parametrize("step", catalog.available_steps())
@pytest.mark.parametrize("guide", ["README.md", "README.ko.md"])
def test_the_guide_names_what_each_todo_needs_and_the_skeleton_does_not_show(step, guide):
    words = set(re.findall(r"[A-Za-z_]\w*", (catalog.step_dir(step) / guide).read_text(encoding="utf-8")))
    missing = []
    for rel, src in snapshots.files(step).items():
        if src.suffix != ".py":
            continue
        text = src.read_text(encoding="utf-8")
        shown = skeleton.make_skeleton(text, skeleton.opens_step(step))
        for block in skeleton.parse_blocks(text):
            if block.id.startswith(f"{catalog.step_name(step)}."):
                names = needed_names(block.body, shown) - words - set(re.findall(r"\w+", block.text))
                missing += [f"{block.id} ({rel}): {', '.join(sorted(names))}"] if names else []
    assert not missing, f"{guide} should name what these TODOs need:\n" + "\n".join(missing)


def _code_lines(text: str) -> list[str]:
    """Non-empty lines with trailing comments removed, stripped."""
    lines = (re.sub(r"\s+#.*$", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def copied_pairs(body: str, guide_text: str) -> list[tuple[str, str]]:
    """Two consecutive statements of a TODO's answer that stand together, verbatim, in the guide.

    One shared line (`loss.backward()`) is how the API is used; two in a row are a piece of the answer.
    """
    guide, answer = _code_lines(guide_text), _code_lines(body)
    shown = set(zip(guide, guide[1:], strict=False))
    pairs = zip(answer, answer[1:], strict=False)
    return [(a, b) for a, b in pairs if (a, b) in shown and max(len(a), len(b)) >= 10]


def test_copied_pairs_finds_two_answer_lines_in_a_row_and_ignores_one():
    body = "y.backward(create_graph=True)\ngx = x.grad\nx.cleargrad()\n"
    guide = "```\ngx = x.grad   # a comment\nx.cleargrad()\n```"
    assert copied_pairs(body, guide) == [("gx = x.grad", "x.cleargrad()")]
    assert copied_pairs(body, "```\ngx = x.grad\nprint(gx)\nx.cleargrad()\n```") == []


@pytest.mark.parametrize("step", catalog.available_steps())
@pytest.mark.parametrize("guide", ["README.md", "README.ko.md"])
def test_no_guide_holds_two_lines_of_an_answer_in_a_row(step, guide):
    text = (catalog.step_dir(step) / guide).read_text(encoding="utf-8")
    blocks = {b.id: b for p in snapshots.files(step).values() if p.suffix == ".py"
              for b in skeleton.parse_blocks(p.read_text())}
    found = {todo: pairs for todo in skeleton.block_ids(step)
             if (pairs := copied_pairs(blocks[todo].body, text))}
    assert not found, f"the guide shows lines of these TODOs' answers; show the idea on other code: {found}"


SHELL_BLOCK = re.compile(r"```(?:bash|sh|console)\n(.*?)```", re.S)


def shell_commands(text: str) -> list[str]:
    """The commands of a guide's shell blocks, comments removed."""
    return [cmd for block in SHELL_BLOCK.findall(text) for line in block.splitlines()
            if (cmd := line.split("  #")[0].strip())]


@pytest.mark.parametrize("step", catalog.available_steps())
@pytest.mark.parametrize("guide", ["README.md", "README.ko.md"])
def test_the_guides_commands_run_as_written_in_the_readmes_venv(step, guide):
    """Activate the README's .venv first; every session, script and grader command then exists."""
    from grader.cli import COMMANDS

    commands = shell_commands((catalog.step_dir(step) / guide).read_text(encoding="utf-8"))
    assert commands and commands[0] == "source .venv/bin/activate", "the first command activates .venv"
    cwd = catalog.REPO
    for cmd in commands[1:]:
        words = cmd.split()
        if words[0] == "cd":
            cwd = cwd / words[1]
            assert cwd.is_dir(), cmd
        elif words[:2] == ["nox", "-s"]:
            assert words[2] == f"grade-{step:02d}", cmd  # noxfile.py makes grade-NN for every step
        elif words[:3] == ["python", "-m", "grader"]:
            assert words[3] in COMMANDS, cmd
        elif words[0] == "python" and words[1] != "-c":
            assert (cwd / words[1]).is_file(), f"{cmd}: no {words[1]} from {cwd.relative_to(catalog.REPO)}"
        else:
            assert words[0] == "python", f"a command the test does not know: {cmd}"
