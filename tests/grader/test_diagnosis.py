"""The diagnosis: which TODO most likely broke a run (grader/diagnosis.py), its map
(grader/instructor/diagnosis_map.py, grader/diagnosis.json), the scorecard's "most likely in"
block (grader/feedback.py), and the benchmark's mutations (grader/instructor/mutants.py)."""

import json

from grader import catalog, diagnosis, feedback, hints
from grader.instructor import diagnosis_map, mutants, skeleton, snapshots
from grader.report import scorecard
from grader.results import Outcome, StepResult, TestResult

# A synthetic step: A's code runs in a1, a2, a3 and b2; B's in b1 and b2.
ROWS = {"step90.1": {"a1", "a2", "a3", "b2"}, "step90.2": {"b1", "b2"}}
TAGS = {"a1": "step90.1", "a2": "step90.1", "a3": "step90.1", "b1": "step90.2", "b2": "step90.2"}


def _top(failing, passing, rows=ROWS, tags=TAGS, skip=()):
    top = diagnosis.likeliest(diagnosis.rank(rows, failing, passing, tags, skip))
    return top.todo if top else None


def test_the_todo_that_explains_every_failure_ranks_first():
    # A broken: one of its own tests and B's b2 (which runs A's code) fail.
    assert _top({"a1", "b2"}, {"a2", "a3", "b1"}) == "step90.1"
    # B broken: its own two tests fail; A cannot explain b1.
    assert _top({"b1", "b2"}, {"a1", "a2", "a3"}) == "step90.2"


def test_a_todo_whose_own_tests_all_pass_is_not_blamed():
    # b2 runs both TODOs' code; A's own tests all pass, so B is blamed, not A.
    ranking = diagnosis.rank(ROWS, {"b2"}, {"a1", "a2", "a3", "b1"}, TAGS)
    assert [r.todo for r in ranking] == ["step90.2"]
    # Even when A would explain more: its own test passes.
    rows = {"step90.1": {"a1", "b1", "b2"}, "step90.2": {"b1"}}
    assert [r.todo for r in diagnosis.rank(rows, {"b1", "b2"}, {"a1"}, TAGS)] == ["step90.2"]


def test_passing_tests_that_run_a_todo_count_against_it():
    # Untagged tests t1, t2 run the code of both TODOs; t3 and t4 run only A's, and pass.
    rows = {"step90.1": {"t1", "t2", "t3", "t4"}, "step90.2": {"t1", "t2"}}
    tags = {"t1": None, "t2": None, "t3": None, "t4": None}
    ranking = diagnosis.rank(rows, {"t1", "t2"}, {"t3", "t4"}, tags)
    assert [r.todo for r in ranking] == ["step90.2", "step90.1"]
    assert ranking[1].explained == ("t1", "t2") and ranking[1].contradicted == ("t3", "t4")


def test_a_todo_not_started_and_one_that_explains_nothing_are_not_ranked():
    assert _top({"a1", "b2"}, {"a2", "a3"}, skip={"step90.1"}) == "step90.2"
    assert [r.todo for r in diagnosis.rank(ROWS, {"a1"}, {"a2"}, TAGS)] == ["step90.1"]
    assert diagnosis.rank(ROWS, set(), {"a1"}, TAGS) == []


def test_a_tie_names_no_one():
    rows = {"step90.1": {"t"}, "step90.2": {"t"}}
    ranking = diagnosis.rank(rows, {"t"}, set(), {"t": None})
    assert len(ranking) == 2 and diagnosis.likeliest(ranking) is None


def _diagnosis(rows, failing, passing, tags):
    ranking = diagnosis.rank(rows, failing, passing, tags)
    return diagnosis.Diagnosis(rows, frozenset(failing), frozenset(passing), tags, ranking)


def test_a_todo_whose_failures_the_likeliest_explains_follows_from_it_unless_it_fails_alone_too():
    # One bug in A: b2 fails with a1; B's other test passes, so B is no second bug.
    found = _diagnosis(ROWS, {"a1", "b2"}, {"a2", "a3", "b1"}, TAGS)
    assert found.likely.todo == "step90.1" and found.follows("step90.2", ["b2"])
    # Two bugs, as in step 4 with both TODOs wrong: every test of B fails (they all run A's code
    # too), so B broken as well explains the run far better than A alone.
    rows = {"step90.1": {"a1", "b1", "b2", "b3", "b4"}, "step90.2": {"b1", "b2", "b3", "b4"}}
    tags = {"a1": "step90.1", **{f"b{i}": "step90.2" for i in range(1, 5)}}
    found = _diagnosis(rows, set(tags), set(), tags)
    assert found.likely.todo == "step90.1" and not found.follows("step90.2", ["b1", "b2", "b3", "b4"])
    # A TODO with a failing test the likeliest does not explain never follows from it.
    found = _diagnosis(ROWS, {"a1", "a2", "b1"}, set(), TAGS)
    assert found.likely.todo == "step90.1" and not found.follows("step90.2", ["b1"])


def _step14(outcomes):
    """A graded step 14 with the given outcome per test name (the rest passed)."""
    tags = {"test_add_repeated_input_accumulates_grad": "step14.1",
            "test_repeated_input_leaves_upstream_grad_untouched": "step14.1",
            "test_sum_of_squares_of_same_variable_is_2kx": "step14.1",
            "test_repeated_input_expression_grad_matches_central_difference": "step14.1",
            "test_backward_twice_without_cleargrad_accumulates": "step14.1",
            "test_cleargrad_forgets_grad": "step14.2",
            "test_cleargrad_keeps_second_computation_clean": "step14.2"}
    tests = [TestResult(f"steps/step14/test_step14.py::{name}", name, name, 1, todo,
                        outcome=outcomes.get(name, Outcome.PASSED)) for name, todo in tags.items()]
    return StepResult(14, "repeated variables", "submission x", "x", tests)


# What `x.grad += gx` in step14.1 does to step 14's tests (measured): the cleargrad test fails too.
PLUS_EQUALS = {"test_add_repeated_input_accumulates_grad": Outcome.FAILED,
               "test_repeated_input_leaves_upstream_grad_untouched": Outcome.FAILED,
               "test_repeated_input_expression_grad_matches_central_difference": Outcome.FAILED,
               "test_cleargrad_keeps_second_computation_clean": Outcome.FAILED}


def test_the_card_puts_the_likeliest_todo_first_and_the_other_after_it(tmp_path, monkeypatch):
    rows = {"step14.1": {"test_add_repeated_input_accumulates_grad",
                         "test_repeated_input_leaves_upstream_grad_untouched",
                         "test_sum_of_squares_of_same_variable_is_2kx",
                         "test_repeated_input_expression_grad_matches_central_difference",
                         "test_backward_twice_without_cleargrad_accumulates",
                         "test_cleargrad_keeps_second_computation_clean"},
            "step14.2": {"test_cleargrad_forgets_grad", "test_cleargrad_keeps_second_computation_clean"}}
    monkeypatch.setattr(diagnosis, "rows_for", lambda step, path=diagnosis.MAP: rows)
    ladder = hints.load_hints(catalog.step_dir(14)).ladders
    for lang in ("en", "ko"):
        result = _step14(PLUS_EQUALS)
        feedback.add(result, "submission", tmp_path, None, lang)
        first, second = result.todos
        assert isinstance(first, feedback.Diagnosed) and first.likely and first.todo == "step14.1"
        assert "test_cleargrad_keeps_second_computation_clean" in first.tests
        assert isinstance(second, feedback.Diagnosed) and second.follows == "step14.1"
        card = scorecard.render(result)
        likely = {"en": "most likely in step14.1", "ko": "가능성이 가장 높은 곳: step14.1"}[lang]
        assert likely in card and card.index(likely) < card.index("step14.2  ")
        text = " ".join(card.split())
        assert " ".join(ladder["step14.1"][lang][0].split()) in text
        assert " ".join(ladder["step14.2"][lang][0].split()) not in text
        cleargrad = next(t for t in result.tests if t.name == "test_cleargrad_keeps_second_computation_clean")
        assert cleargrad.hint == ladder["step14.1"][lang][0]  # what --json and Gradescope show


def test_with_two_real_bugs_each_todo_lists_its_own_failing_tests(tmp_path, monkeypatch):
    # Step 4 with both TODOs wrong: step04.1's mutant breaks every test (they all call a Function),
    # but the numerical_diff tests are step04.2's to explain, and it gets its own hint.
    rows = {"step90.1": {"a1", "b1", "b2", "b3", "b4"}, "step90.2": {"b1", "b2", "b3", "b4"}}
    monkeypatch.setattr(diagnosis, "rows_for", lambda step, path=diagnosis.MAP: rows)
    tags = {"a1": "step90.1", **{f"b{i}": "step90.2" for i in range(1, 5)}}
    tests = [TestResult(f"steps/step04/test_step04.py::{n}", n, n, 1, todo, outcome=Outcome.FAILED)
             for n, todo in tags.items()]
    result = StepResult(4, "numerical differentiation", "submission x", "x", tests)
    feedback.add(result, "submission", tmp_path, 1, "en")
    first, second = result.todos
    assert isinstance(first, feedback.Diagnosed) and first.likely and first.tests == ["a1"]
    assert second.todo == "step90.2" and second.tests == ["b1", "b2", "b3", "b4"] and second.level == 1


def test_without_a_map_the_card_follows_the_tags(tmp_path, monkeypatch):
    monkeypatch.setattr(diagnosis, "rows_for", lambda step, path=diagnosis.MAP: None)
    result = _step14(PLUS_EQUALS)
    feedback.add(result, "submission", tmp_path, None, "en")
    assert [(type(f), f.todo) for f in result.todos] == [(feedback.TodoFeedback, "step14.1"),
                                                          (feedback.TodoFeedback, "step14.2")]
    assert "most likely" not in scorecard.render(result)


def test_a_map_built_for_other_tests_is_not_used(tmp_path):
    path = tmp_path / "diagnosis.json"
    entry = {"tests_sha256": diagnosis.tests_sha256(14), "breaks": {"step14.1": ["t"], "step14.2": []}}
    path.write_text(json.dumps({"format": diagnosis.FORMAT, "steps": {"14": entry}}))
    assert diagnosis.rows_for(14, path) == {"step14.1": frozenset({"t"}), "step14.2": frozenset()}
    assert diagnosis.rows_for(13, path) is None
    other = tmp_path / "other.json"
    stale = {**entry, "tests_sha256": "0" * 64}
    other.write_text(json.dumps({"format": diagnosis.FORMAT, "steps": {"14": stale}}))
    assert diagnosis.rows_for(14, other) is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert diagnosis.rows_for(14, broken) is None


def test_the_stale_map_check_fails_when_a_test_file_changes(tmp_path, monkeypatch):
    path = tmp_path / "diagnosis.json"
    rows = {todo: [] for todo in skeleton.block_ids(14)}
    copy = tmp_path / "test_step14.py"
    copy.write_bytes(catalog.test_file(14).read_bytes())
    real = catalog.test_file
    monkeypatch.setattr(catalog, "test_file", lambda step: copy if step == 14 else real(step))
    diagnosis_map.write({14: rows}, path)
    assert diagnosis_map.stale_steps([14], path) == {}
    copy.write_text(copy.read_text() + "\n# an edit\n")
    found = diagnosis_map.stale_steps([14, 13], path)
    assert list(found) == [14, 13] and "other tests" in found[14] and found[13] == "has no entry"
    problems = diagnosis_map.stale(path)
    assert any("step 14 was built for other tests" in p for p in problems)
    assert "python -m grader diagnosis --write" in problems[-1]


def test_a_comment_edit_in_a_solution_leaves_the_map_fresh_a_code_or_fence_edit_does_not(tmp_path,
                                                                                          monkeypatch):
    """The map depends on the solution's code and its SOLUTION fences (they make the mutants),
    not on its comments or blank lines."""
    files = dict(snapshots.files(14))
    rel = next(r for r, path in files.items() if "# SOLUTION(step14.1)" in path.read_text())
    copy = tmp_path / "copy.py"
    original = files[rel].read_text()
    copy.write_text(original)
    monkeypatch.setattr(snapshots, "files", lambda step: {**files, rel: copy} if step == 14 else {})
    before = diagnosis_map.solution_sha256(14)
    copy.write_text("# a new comment\n\n" + original.replace("\n", "  # noted\n", 3))
    assert diagnosis_map.solution_sha256(14) == before
    for edit in (original.replace("# SOLUTION(step14.1): ", "# SOLUTION(step14.1): Now "),
                 original + "\nEXTRA = 1\n"):
        copy.write_text(edit)
        assert diagnosis_map.solution_sha256(14) != before, edit[-200:]


def test_the_stored_map_is_up_to_date():
    found = diagnosis_map.stale_steps()
    assert not found, f"run `python -m grader diagnosis --write`: {found}"


def test_plus_equals_in_step_14_is_diagnosed_as_step14_1(grade, submission):
    """End to end, with the stored map: the card names step14.1, with its hint, not step14.2's."""
    assert 14 not in diagnosis_map.stale_steps([14]), "run `python -m grader diagnosis --write --steps 14`"
    proc, report = grade(14, submission(14, {"x.grad = x.grad + gx": "x.grad += gx"}))
    assert proc.returncode == 1
    text = " ".join(proc.stdout.split())
    ladder = hints.load_hints(catalog.step_dir(14)).ladders
    assert "most likely in step14.1" in text
    assert " ".join(ladder["step14.1"]["en"][0].split()) in text
    assert " ".join(ladder["step14.2"]["en"][0].split()) not in text
    assert "this may follow from step14.1" in text


def test_mutations_stay_in_the_block_and_compile():
    source = ("def f(a, b):\n"
              "    # SOLUTION(step90.1): Add.\n"
              "    c = a + b * 2\n"
              "    c = c + 1\n"
              "    return c\n"
              "    # END SOLUTION\n"
              "x = 1 + 2\n")
    block = skeleton.parse_blocks(source)[0]
    found = mutants.mutations_of_block(90, "m.py", source, block)
    kinds = {m.kind for m in found}
    assert kinds == {"operator", "delete", "constant", "inplace"}
    assert all(m.line in (3, 4, 5) and m.text.endswith("x = 1 + 2\n") for m in found)
    assert any(m.after == "    c += 1\n" for m in found)
    assert any(m.after == "    c = a - b * 2\n" for m in found)
    assert any(m.after == "    c = a + b * 3\n" for m in found)
    assert any(m.kind == "delete" and m.after == "    pass\n" and m.line == 5 for m in found)


def test_the_sample_is_fixed_by_the_seed():
    first = mutants.sample(14, 4, seed=0)
    assert [m.label for m in first] == [m.label for m in mutants.sample(14, 4, seed=0)]
    assert 0 < len(first) <= 4 and all(m.todo.startswith("step14.") for m in first)
