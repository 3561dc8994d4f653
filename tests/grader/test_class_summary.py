"""summary.html: the kinds of mistakes, the page's sections and escaping, and the page as a browser
renders it (Debian's `chromium`, headless; skipped where it is not installed)."""

import html
import re
import struct

import pytest

from grader.instructor import class_summary
from grader.instructor.class_summary import misconceptions, mistake_key, normalise, split_output

STEPS = [4, 7]
HINT = "\nhint: The docstring's formula needs f at two points around x."
APPROX = ("smallest failing input: x={x}\nassert {got} == {want} ± 4.0e-06\n  comparison failed\n"
          "  Obtained: {got}")
GRAD = ("smallest failing input: x=array({x})\ninput 0: grad is wrong at index (): backprop gives {got}, "
        "central difference gives {want} (|diff| 3.3 > tolerance 0.00034); input shape () [TODO step07.2]")
EVIL = "mal\x1b[31m<script>alert(1)</script>\u202e/x y"


def _test(name, outcome, output="", points=1.0):
    return {"name": name, "outcome": outcome, "output": output, "max_score": points,
            "score": points if outcome == "passed" else 0.0,
            "status": "passed" if outcome == "passed" else "failed"}


def _row(student, step, tests, status="graded", flags="", entry=None):
    score = sum(t["score"] for t in tests if t["outcome"] != "not_applicable")
    top = sum(t["max_score"] for t in tests if t["outcome"] != "not_applicable")
    row = {"student": student, "entry": entry or student, "step": step, "score": score, "max_score": top,
           "status": status, "seconds": 1.0, "flags": flags}
    if tests:
        row["result"] = {"score": score, "max_score": top, "step": step, "tests": tests}
    return row


def _class():
    """Six students over steps 4 and 7: a full mark, two with the same mistake in other numbers, one
    with another mistake, one flagged, one invalid entry, and a student id no page should trust."""
    d2, d3, d4 = "numerical_diff of Square is 2x", "numerical_diff of Exp is exp(x)", "central, not forward"

    def step4(kind, x=1.0):
        if kind == "ok":
            return [_test(d2, "passed"), _test(d3, "passed"), _test(d4, "passed"),
                    _test("gpu", "not_applicable")]
        if kind == "halved":  # forgot the 2 of 2 eps
            return [_test(d2, "failed", APPROX.format(x=x, got=4 * x, want=2 * x) + HINT),
                    _test(d3, "failed", APPROX.format(x=0.0, got=2.0, want=1.0) + HINT), _test(d4, "passed")]
        if kind == "todo":
            return [_test(t, "not_started", "not started: TODO(step04.2): return the central difference")
                    for t in (d2, d3, d4)]
        return [_test(d2, "failed", "assert 0 == 4.0 ± 4.0e-06"),
                _test(d3, "error", "TypeError: bad\nat x.py:3"), _test(d4, "passed")]

    def step7(ok, x=0.5):
        output = "" if ok else GRAD.format(x=x, got=2 * x, want=x)
        return [_test("backprop agrees with central differences", "passed" if ok else "failed", output, 2.0)]

    return [
        _row("ann", 4, step4("ok")), _row("ann", 7, step7(True)),
        _row("bo", 4, step4("halved", 2.0)), _row("bo", 7, step7(False, 0.25)),
        _row("cy", 4, step4("halved", 0.5)), _row("cy", 7, step7(True)),
        _row("di", 4, step4("other")), _row("di", 7, step7(False, 3.0), flags="timed-out"),
        _row("ed", 4, step4("todo")), _row("ed", 7, [], status="missing", flags="no step07/ folder"),
        _row(EVIL, 4, [], status="invalid", flags="unpacking failed: '..' in\x07 name", entry=EVIL + ".zip"),
        _row(EVIL, 7, [], status="invalid", flags="unpacking failed: '..' in\x07 name", entry=EVIL + ".zip"),
    ]


# The kinds of mistakes.

def test_split_output_drops_the_counterexample_and_the_hint():
    output = APPROX.format(x=2.0, got=8.0, want=4.0) + HINT
    assert split_output(output) == ("assert 8.0 == 4.0 ± 4.0e-06", "x=2.0")
    assert split_output("the grad\x1b[2J is None\nassert None is not None") == ("the grad[2J is None", "")
    assert split_output("") == ("", "")
    assert split_output("실패하는 가장 작은 입력: x=1\n값이 틀림") == ("값이 틀림", "x=1")


@pytest.mark.parametrize("message, key", [
    ("assert 8.000000000008 == 4.0 ± 4.0e-06", "assert <n> == <n> ± <n>"),
    ("x at index (2, 3) is -0.5, expected array([[1., 2.], [3., 4.]], dtype=float32); shape (3, 4)",
     "x at index (…) is <n>, expected array(…); shape (…)"),
    ("grad at index () is 1e-3; shape (2,)", "grad at index (…) is <n>; shape (…)"),
    ("got [0.5  0.25 0.75], expected [[1, 2], [3, 4]]", "got […], expected […]"),
    ("AssertionError: np.float64(3.0) != array(6.)", "AssertionError: <n> != array(…)"),
    ("<Variable object at 0x7f12ab34> is not 3.0.", "<Variable object at 0x…> is not <n>."),
    ("nan != -inf at step07.py, line 42", "<n> != <n> at step07.py, line <n>"),
    ("y.backward() left float64 grads [TODO step07.2]", "y.backward() left float64 grads [TODO step07.2]"),
])
def test_normalise_replaces_numbers_and_array_contents(message, key):
    assert normalise(message) == key


def test_the_same_mistake_with_other_numbers_is_one_kind():
    one = mistake_key("failed", APPROX.format(x=2.0, got=8.0, want=4.0) + HINT)
    assert one == mistake_key("failed", APPROX.format(x=0.5, got=2.0, want=1.0))
    assert one != mistake_key("error", APPROX.format(x=0.5, got=2.0, want=1.0))
    own = "the output's creator should be the function that made it"
    assert mistake_key("failed", own + "\nassert None is f") == ("failed", own)
    assert mistake_key("timeout", "") == ("timeout", "(no message)")


def test_misconceptions_are_counted_worst_first_with_one_counterexample():
    tests = misconceptions(_class())
    names = [(t.step, t.name) for t in tests]
    assert [t.rate for t in tests] == sorted(t.rate for t in tests) and (4, "gpu") not in names
    assert names[:2] == [(4, "numerical_diff of Exp is exp(x)"), (4, "numerical_diff of Square is 2x")]
    square = tests[1]
    assert (square.graded, square.passed) == (5, 1)
    assert [(m.outcome, m.message, m.count) for m in square.mistakes] == [
        ("failed", "assert <n> == <n> ± <n>", 3),
        ("not_started", "not started: TODO(step04.2): return the central difference", 1)]
    halved = square.mistakes[0]
    assert halved.students == ["bo", "cy", "di"] and halved.example == "x=0.5"  # the shortest of 2.0 and 0.5
    grad = next(t for t in tests if t.step == 7)
    assert (grad.graded, grad.passed, grad.mistakes[0].count) == (4, 2, 2)
    assert grad.mistakes[0].example == "x=array(3.0)"  # the shortest
    assert (tests[-1].name, tests[-1].rate) == ("central, not forward", 0.8)
    assert misconceptions([_row("ann", 4, [_test("t", "passed")])])[0].failures == 0


# The page.

def test_the_page_has_every_section_and_trusts_no_submitted_text():
    page = class_summary.render(_class(), STEPS)
    assert page.count("<svg") == len(STEPS) and "<script" not in page and "http" not in page
    assert not re.search(r"""\b(src|url)\s*[=(]|<link|@import""", page)  # self-contained
    assert not any(c in page for c in "\x1b\x07\u202e")
    assert html.escape("<script>") in page
    href = class_summary.feedback_href(EVIL)
    assert href == "feedback/mal%1B%5B31m%3Cscript%3Ealert%281%29%3C%2Fscript%3E%E2%80%AE%2Fx%20y.html"
    assert f'<a href="{href}">' in page and '<a href="feedback/ann.html">ann</a>' in page
    assert class_summary.feedback_href("ü\udcff") == "feedback/%C3%BC%FF.html"  # an undecodable byte
    assert re.search(r"<td>4, 7</td><td>invalid</td><td>unpacking failed", page)
    assert "<td>7</td><td>graded</td><td>timed-out</td>" in page  # di's flagged step
    assert "assert &lt;n&gt; == &lt;n&gt; ± &lt;n&gt;" in page and "worst pass rate" in page
    assert "e.g. assert 8.0 == 4.0 ± 4.0e-06" in page and "e.g. not started" not in page
    assert 'href="feedback/' not in class_summary.render(_class(), STEPS, feedback=None)


def test_a_todo_left_open_needs_no_look_but_a_hang_or_a_missing_step_does():
    rows = [_row("ann", 4, [_test("t", "not_started")], flags="not-started"),
            _row("bo", 4, [_test("t", "timeout")], flags="not-started timed-out"),
            _row("cy", 4, [], status="missing", flags="no step04/ folder")]
    assert [class_summary.needs_a_look(r) for r in rows] == [False, True, True]
    page = class_summary.render(rows, [4])
    assert "3 students, steps 4; 2 need a look." in page
    look = page[page.index("id='look'"):page.index("id='mistakes'")]
    assert "feedback/ann.html" not in look and "feedback/bo.html" in look and "feedback/cy.html" in look
    assert "0/1 ⚑" not in page.split("id='students'")[1].split("ann</a>")[1].split("</tr>")[0]


def test_an_empty_class_is_a_page():
    page = class_summary.render([], STEPS)
    assert page.count("<svg") == len(STEPS) and "No test failed" in page


# The page in a browser.

def _summary_page(tmp_path):
    page = tmp_path / "grades" / "summary.html"
    class_summary.write(_class(), STEPS, page)
    return page


def test_the_browser_renders_the_charts_and_the_misconceptions(tmp_path, chromium):
    proc = chromium(_summary_page(tmp_path), tmp_path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert len(re.findall(r"<svg\b", dom)) == len(STEPS)
    assert len(re.findall(r"<rect\b", dom)) == 11 * len(STEPS)  # a bar per tenth, empty ones too
    table = dom[dom.index('<table class="mistakes">'):]
    table = table[: table.index("</table>")]
    assert table.count("<tbody>") == 4 and "numerical_diff of Square is 2x" in table
    assert "assert &lt;n&gt; == &lt;n&gt; ± &lt;n&gt;" in table and "x=0.5" in table
    assert "<script" not in dom.split("<body>", 1)[1]  # the student's <script> stayed text


def test_the_browser_screenshot_is_a_png(tmp_path, chromium):
    shot = tmp_path / "summary.png"
    proc = chromium(_summary_page(tmp_path), tmp_path, f"--screenshot={shot}", "--window-size=1200,1600",
                    "--hide-scrollbars")
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 1600)
