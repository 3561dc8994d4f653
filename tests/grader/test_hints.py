"""Every step's hints.toml: three hints per TODO in both languages, none of them an answer,
and a Korean statement for every test; a scorecard shows no hint before work starts."""

import ast

import pytest

from grader import catalog, hints
from grader.instructor import skeleton, snapshots

STEPS = catalog.available_steps()


def _tests(step):
    tree = ast.parse(catalog.test_file(step).read_text())
    return {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and f.name.startswith("test_")}


@pytest.mark.parametrize("step", STEPS)
def test_every_todo_has_a_three_level_ladder_in_both_languages(step):
    table = hints.load_hints(catalog.step_dir(step))
    assert set(table.ladders) == set(skeleton.block_ids(step))
    for todo, ladder in table.ladders.items():
        for lang in hints.LANGS:
            levels = ladder.get(lang, [])
            assert len(levels) == hints.LEVELS and all(h.strip() for h in levels), (todo, lang)


@pytest.mark.parametrize("step", STEPS)
def test_no_hint_holds_a_line_of_its_answer(step):
    table = hints.load_hints(catalog.step_dir(step))
    blocks = {b.id: b for p in snapshots.files(step).values() if p.suffix == ".py"
              for b in skeleton.parse_blocks(p.read_text())}
    for todo, ladder in table.ladders.items():
        answer = [line.strip() for line in blocks[todo].body.splitlines() if len(line.strip()) >= 10]
        for text in ladder["en"] + ladder["ko"]:
            assert not [line for line in answer if line in text], (todo, text)


@pytest.mark.parametrize("step", STEPS)
def test_every_test_has_a_korean_statement(step):
    korean = hints.load_hints(catalog.step_dir(step)).descriptions.get("ko", {})
    assert set(korean) == _tests(step)
    assert all(text.strip() for text in korean.values())


@pytest.mark.parametrize("step", [1, 14, 33, 47])
def test_the_untouched_skeleton_shows_no_hint(grade, step):
    for lang in ("en", "ko"):
        proc, report = grade(step, "skeleton", "--lang", lang)
        assert report["score"] < report["max_score"]
        todo_tests = [t for t in report["tests"] if t["outcome"] == "not_started"]
        assert todo_tests
        ladders = hints.load_hints(catalog.step_dir(step)).ladders
        shown = [h for ladder in ladders.values() for h in ladder[lang] if h in proc.stdout]
        assert shown == [], shown


def test_a_first_failing_grade_shows_only_the_nudge(grade, submission):
    folder = submission(4, {"return (y1.data - y0.data) / (2 * eps)": "return (y1.data - y0.data) / eps"})
    proc, report = grade(4, folder)
    shown = " ".join(proc.stdout.split())
    ladder = [" ".join(h.split()) for h in hints.load_hints(catalog.step_dir(4)).ladders["step04.2"]["en"]]
    assert ladder[0] in shown and ladder[1] not in shown and ladder[2] not in shown


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_code_that_cannot_load_gets_no_hint_but_the_error_first(grade, submission, lang):
    folder = submission(4, prepend="def broken(:\n")
    proc, report = grade(4, folder, "--lang", lang)
    assert {t["outcome"] for t in report["tests"]} == {"error"}
    ladders = hints.load_hints(catalog.step_dir(4)).ladders
    shown = " ".join(proc.stdout.split())
    assert not [h for ladder in ladders.values() for h in ladder[lang] if " ".join(h.split()) in shown]
    assert {"en": "fix the error above first", "ko": "먼저 위의 오류를 고쳐보세요"}[lang] in proc.stdout


@pytest.mark.parametrize("step", STEPS)
def test_a_todo_not_started_is_told_where_to_write_it(step):
    for todo in skeleton.block_ids(step):
        for lang in hints.LANGS:
            entry = hints.guide_entry(catalog.step_dir(step), todo, lang)
            assert entry is not None and (catalog.REPO / entry.file).is_file(), (todo, lang, entry)
            assert entry.section in ("The idea", "핵심 개념"), (todo, lang, entry.section)
