"""The skeleton generator: a pure function from solution text to skeleton text."""

import pytest

from grader.instructor import skeleton, snapshots

SOURCE = '''def f(x):
    y = 1
    # SOLUTION(step07.1): Return "twice" x.
    return 2 * x
    # END SOLUTION


def g(x):
    # SOLUTION(step06.1): Return x.
    return x
    # END SOLUTION
'''


def test_opened_block_becomes_three_todo_lines():
    out = skeleton.make_skeleton(SOURCE, lambda i: i == "step07.1")
    assert '    # TODO(step07.1): Return "twice" x.\n' in out
    assert '    raise NotImplementedError("TODO(step07.1): return \\"twice\\" x")\n' in out
    assert "    # END TODO(step07.1)\n" in out
    assert "return 2 * x" not in out


def test_closed_block_keeps_body_and_drops_fences():
    out = skeleton.make_skeleton(SOURCE, lambda i: i == "step07.1")
    assert "    return x\n" in out
    assert "SOLUTION" not in out


def test_skeleton_compiles_and_raises_with_the_todo_id():
    namespace = {}
    exec(skeleton.make_skeleton(SOURCE, lambda i: True), namespace)
    with pytest.raises(NotImplementedError, match=r"TODO\(step07\.1\)"):
        namespace["f"](3)


def test_parse_blocks_reads_ids_in_order():
    assert [b.id for b in skeleton.parse_blocks(SOURCE)] == ["step07.1", "step06.1"]


@pytest.mark.parametrize("bad, problem", [
    ("# SOLUTION(step01.1): a\n# SOLUTION(step01.2): b\n# END SOLUTION\n", "inside another"),
    ("x = 1\n# END SOLUTION\n", "without an opening"),
    ("# SOLUTION(step01.1): a\nx = 1\n", "never closed"),
    ("# SOLUTION(step1.1): a\n# END SOLUTION\n", "malformed"),
])
def test_bad_fences_name_the_line(bad, problem):
    with pytest.raises(skeleton.FenceError, match=problem):
        skeleton.parse_blocks(bad, "x.py")


def test_committed_skeletons_match_their_solutions(tmp_path):
    from grader import catalog

    steps = [n for n in catalog.available_steps() if n in snapshots.solution_steps()]
    assert steps, "no step has a solution"
    for step in steps:
        assert skeleton.drift(step, tmp_path) == [], f"step {step}: run python -m grader skeletons --write"
    assert skeleton.inconsistent_blocks() == []
