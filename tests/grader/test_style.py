"""House rules that a reader of the tree relies on: no module longer than 500 lines."""

from grader import catalog

LIMIT = 500
FOLDERS = ("grader", "dezero", "solutions", "steps", "bench", "tests")


def test_no_module_is_longer_than_500_lines():
    long = []
    for folder in FOLDERS:
        for path in sorted((catalog.REPO / folder).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > LIMIT:
                long.append(f"{path.relative_to(catalog.REPO)}: {lines} lines")
    assert not long, "split these modules:\n" + "\n".join(long)
