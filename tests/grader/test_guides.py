"""Each step guide's TODO table matches its skeleton: every TODO listed, each in the file named.

Tables are `| id | file | where | what |`, or `| id | where | what |` below a line "All in `path`:"
("모두 `path`에 있습니다."); a file is relative to the step's folder or, from `steps/`, to the repository.
"""

import re

import pytest

from grader import catalog
from grader.instructor import skeleton

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
