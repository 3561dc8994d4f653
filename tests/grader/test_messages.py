"""Failure messages in Korean: every message template of every step's tests, and of grader.checks,
has its Korean, with the same fields; translate() rewrites what each template matches."""

import re
from pathlib import Path

import numpy as np
import pytest

from grader import catalog, checks, hints, i18n, messages

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _check_table(english: list[str], korean: dict[str, str], where: str) -> None:
    missing = [t for t in english if t not in korean]
    stale = [t for t in korean if t not in english]
    assert not missing, f"{where}: no Korean for {len(missing)} message(s), first: {missing[0]!r}"
    assert not stale, f"{where}: Korean for message(s) no test has, first: {stale[0]!r}"
    for template, translated in korean.items():
        assert HANGUL.search(translated), f"{where}: {translated!r} is not Korean"
        assert messages.fields(translated) == messages.fields(template), (
            f"{where}: {translated!r} must use the fields of {template!r}")
        values = [f"<{i}>" for i in range(len(messages.fields(template)))]
        translated.format(*values)  # literal braces are doubled


@pytest.mark.parametrize("step", catalog.available_steps(), ids=lambda s: f"step{s:02d}")
def test_every_message_of_a_steps_tests_has_its_korean(step):
    folder = catalog.STEPS_DIR / catalog.step_name(step)
    english = [template for _, template in messages.step_templates(folder)]
    _check_table(english, hints.load_hints(folder).messages.get("ko", {}),
                 f"steps/{folder.name}/hints.toml [messages.ko]")


def test_every_message_of_the_shared_checks_has_its_korean():
    _check_table(messages.templates(Path(checks.__file__)), i18n.CHECK_MESSAGES["ko"],
                 "grader/i18n.py CHECK_MESSAGES")


def test_templates_number_the_fields_of_fstrings_and_double_literal_braces(tmp_path):
    test = tmp_path / "test_x.py"
    test.write_text('import pytest\n'
                    'def test_x(y, x):\n'
                    '    assert y == 2, f"got {y!r} for x={x:.3f} in {{a set}}"\n'
                    '    assert x, "plain text"\n'
                    '    assert x, f"{x}"\n'  # nothing to translate
                    '    if x:\n'
                    '        raise AssertionError(f"y is {y}")\n'
                    '    pytest.fail("stopped here")\n'
                    '    np.testing.assert_allclose(x, y, err_msg=f"x is not {y}")\n')
    assert messages.templates(test) == ["got {0} for x={1} in {{a set}}", "plain text", "y is {0}",
                                        "stopped here", "x is not {0}"]


def test_translate_rewrites_whole_lines_and_may_reorder_fields():
    table = {"got {0} for x={1}": "x={1}일 때 {0}이(가) 나왔습니다", "x is {0}": "x는 {0}입니다"}
    message = "smallest failing input: x=0.5\ngot array([[1, 2],\n       [3, 4]]) for x=0.5\nwhere x is 3"
    assert messages.translate(message, table) == (
        "smallest failing input: x=0.5\nx=0.5일 때 array([[1, 2],\n       [3, 4]])이(가) 나왔습니다\n"
        "where x is 3")  # a template never matches from the middle of a line


def test_a_message_inside_a_field_is_translated_too():
    table = {"{0} at x = {1}: {2}": "x = {1}일 때 {0}: {2}",
             "input {0}: grad is None": "입력 {0}: 미분값이 None입니다"}
    assert messages.translate("x + 3 at x = 1.0: input 0: grad is None", table) == (
        "x = 1.0일 때 x + 3: 입력 0: 미분값이 None입니다")


def test_a_field_may_be_empty():
    """grader.checks ends a message with {where}, which is "" outside a TODO's test."""
    table = i18n.CHECK_MESSAGES["ko"]
    assert messages.translate("input 0: grad is None after backward()", table) == (
        "입력 0: backward() 뒤에도 미분값이 None입니다")
    assert messages.translate("input 0: grad is None after backward() [TODO step23.1]", table) == (
        "입력 0: backward() 뒤에도 미분값이 None입니다 [TODO step23.1]")


def test_a_field_ends_where_the_template_goes_on():
    table = {"x is {0}.": "x는 {0}입니다.", "{0} has shape {1}, expected {2}": "{0}: {1}, {2}이어야 함"}
    assert messages.translate("x is 1.5.", table) == "x는 1.5입니다."
    assert messages.translate("g has shape (2, 3), expected (3,)", table) == "g: (2, 3), (3,)이어야 함"


def test_a_students_text_cannot_make_translation_recurse_or_backtrack():
    """A message may hold the student's own text: fields are translated one level down only, and a
    field never tries other lengths (a lazy or greedy field would backtrack on repeated text)."""
    table = {"x: {0}": "x는 {0}", "{0} at index {1} is {2}, expected {3}; shape {4}": "{4}"}
    deep = "x: " * 700
    assert messages.translate(deep, table) == "x는 x는 " + "x: " * 698  # the message and its field
    messages.translate(("a at index b is c, expected d" * 80)[:2000], table)  # no match, and no wait
    for template in table:
        pattern = messages._pattern(template).pattern
        assert "+?" not in pattern and "*?" not in pattern and ".*" not in pattern, pattern


def test_a_longer_template_wins_over_a_shorter_one_it_contains():
    table = {"{0} is None": "{0}이(가) None입니다",
             "input {0}: grad is None": "입력 {0}: 미분값이 None입니다"}
    assert messages.translate("input 1: grad is None", table) == "입력 1: 미분값이 None입니다"


def test_a_failing_test_reads_in_korean(grade, tmp_path):
    """Grading a wrong step 1 with --lang ko: the test's own message is shown in Korean."""
    from grader.instructor.snapshots import materialise

    folder = materialise(1, tmp_path / "step01")
    code = folder / "step01.py"
    code.write_text(code.read_text().replace("self.data = data", "self.data = data.copy()"))
    proc, report = grade(1, folder, "--lang", "ko")
    assert report is not None, proc.stderr
    failed = [t for t in report["tests"] if t["status"] == "failed"]
    assert failed, proc.stdout
    assert "Variable(a).data는" in failed[0]["output"], failed[0]["output"]
    assert "should be the ndarray" not in proc.stdout


def test_fields_are_numbered_and_doubled_braces_are_text():
    assert messages.fields("a {0} b {{c}} {1}") == [0, 1]
    assert messages.fields("{{0}} is text") == []


def test_numpy_testings_own_lines_read_in_korean():
    """The lines numpy.testing writes around a test's err_msg are the grader's to translate."""
    try:
        np.testing.assert_allclose(np.array([1.0, 2.0]), np.array([1.0, 3.0]), rtol=1e-12, err_msg="x ** 2")
    except AssertionError as exc:
        message = str(exc)
    korean = i18n.translate(message, "ko")
    assert "허용 오차 rtol=1e-12, atol=0 안에서 같지 않습니다" in korean
    assert "다른 원소: 1 / 2 (50%)" in korean
    assert "최대 절대 차이: 1." in korean and " 실제: array([1., 2.])" in korean
    assert " 기대: array([1., 3.])" in korean and "x ** 2" in korean
    assert "다른 곳:\n [1]: 2.0 (실제), 3.0 (기대)" in korean
    assert not re.search(r"Not equal|Mismatched|Max (absolute|relative)|ACTUAL|DESIRED", korean), korean


def test_pytest_approxs_table_reads_in_korean():
    try:
        assert (2.0, 2.0) == pytest.approx((2.0, 3.0))
    except AssertionError as exc:
        message = str(exc)
    korean = i18n.translate(message, "ko")
    assert "비교 실패. 다른 원소: 1 / 2:" in korean and "인덱스 | 실제 | 기대" in korean, korean
    assert "최대 절대 차이: 1.0" in korean and "최대 상대 차이:" in korean, korean
