"""The scorecard's words in English and Korean: labels, one-word outcome marks, and the
grader's standard messages (the child and the runner write them in English; a report in
Korean translates them here, line by line, so a message means the same in both).
"""

from __future__ import annotations

import locale
import os
import re
import unicodedata

from grader.results import Outcome

LANGS = ("en", "ko")

MARKS: dict[str, dict[str, str]] = {
    "en": {Outcome.PASSED: "PASS", Outcome.FAILED: "FAIL", Outcome.NOT_STARTED: "TODO", Outcome.ERROR: "ERR",
           Outcome.TIMEOUT: "TIME", Outcome.CRASHED: "DIED", Outcome.INVALID: "VOID",
           Outcome.NOT_APPLICABLE: "n/a"},
    "ko": {Outcome.PASSED: "통과", Outcome.FAILED: "실패", Outcome.NOT_STARTED: "미착수",
           Outcome.ERROR: "오류", Outcome.TIMEOUT: "시간초과", Outcome.CRASHED: "중단",
           Outcome.INVALID: "무효", Outcome.NOT_APPLICABLE: "해당없음"},
}

LABELS: dict[str, dict[str, str]] = {
    "en": {"step": "Step", "target": "target", "hint": "hint", "score": "Score", "passed": "passed",
           "of": "of", "tests": "tests", "all": "All tests passed. Well done!",
           "na": "not applicable to this target", "failing": "failing", "likely": "most likely in",
           "follows": "this may follow from {todo}: fix that first",
           "not_started": "not started: write it in {file} ({where}): {text}",
           "guide": "The guide explains it under “{section}” ({guide}).",
           "next": "Next: the TODOs above, one at a time; `--lang ko` shows everything in Korean.",
           "fix_error": "Next: fix the error above first; no test can check a TODO until the code loads.",
           "level": "hint {level}/3", "error": "error"},
    "ko": {"step": "단계", "target": "대상", "hint": "힌트", "score": "점수", "passed": "통과",
           "of": "/", "tests": "테스트", "all": "모든 테스트를 통과했습니다. 잘했습니다!",
           "na": "이 대상에는 해당하지 않음", "failing": "실패한 테스트", "likely": "가능성이 가장 높은 곳:",
           "follows": "{todo} 때문에 실패했을 수 있습니다. {todo}부터 고쳐보세요",
           "not_started": "아직 작성하지 않았습니다: {file}의 {where}에 작성해보세요. {text}",
           "guide": "가이드의 “{section}” 절에서 설명합니다({guide}).",
           "next": "다음: 위의 TODO를 하나씩 구현해보세요.",
           "fix_error": ("다음: 먼저 위의 오류를 고쳐보세요. "
                         "코드를 불러올 수 있어야 테스트가 TODO를 확인할 수 있습니다."),
           "level": "힌트 {level}/3", "error": "오류"},
}

_KO_MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), k) for p, k in [
    (r"^smallest failing input: (.*)$", r"실패하는 가장 작은 입력: \1"),
    (r"^not started: (.*)$", r"아직 작성하지 않았습니다: \1"),
    (r"^timed out after (\S+) s \(an infinite loop, or a computation far slower than expected\?\)$",
     r"\1초가 지나 멈췄습니다(무한 루프이거나 예상보다 훨씬 느린 계산인가요?)"),
    (r"^importing the code did not finish within (\S+) s \(an infinite loop at import\?\)$",
     r"코드 임포트가 \1초 안에 끝나지 않았습니다(임포트할 때 무한 루프가 있나요?)"),
    (r"^the whole run exceeded (\S+) s$", r"전체 실행이 \1초를 넘었습니다"),
    (r"^the test process died \((.*)\) while this test ran; the other tests were still graded$",
     r"이 테스트를 실행하는 동안 테스트 프로세스가 종료되었습니다(\1). 나머지 테스트는 채점했습니다"),
    (r"^importing the code ended the process \((.*)\)$",
     r"코드를 임포트하다가 프로세스가 종료되었습니다(\1)"),
    (r"^the test process ended early \((.*)\)$", r"테스트 프로세스가 일찍 끝났습니다(\1)"),
    (r"^the test was skipped or marked xfail while the code under test ran; that is not a pass(.*)$",
     r"채점 대상 코드가 실행되는 동안 테스트를 건너뛰거나 xfail로 표시했습니다. 통과가 아닙니다\1"),
    (r"^SyntaxError in (.*), line (\d+): (.*)$", r"\1의 \2번째 줄에 문법 오류가 있습니다: \3"),
    (r"^importing (\S+) raised (\w+): (.*)$", r"\1을(를) 임포트하다가 \2 예외가 발생했습니다: \3"),
    (r"^(\S+) called sys.exit\((.*)\) while being imported; remove that call$",
     r"\1을(를) 임포트하는 동안 sys.exit(\2)를 호출했습니다. 그 호출을 지워보세요"),
    (r"^(\S+) is missing: put it in the graded folder \(the target on the scorecard's first line\)$",
     r"\1 파일이 없습니다. 채점하는 폴더(성적표 첫 줄의 대상)에 두세요"),
    (r"^MemoryError: the code ran out of memory.*$",
     r"MemoryError: 메모리가 부족합니다(아주 큰 배열이나 끝나지 않는 리스트가 있나요?)"),
    (r"^this run scores 0 because it was flagged: (.*)$", r"문제가 발견되어 이번 실행은 0점입니다: \1"),
    (r"^(.*) was edited, so this run does not count; restore it with `git checkout -- (.*)` and grade again$",
     r"\1 파일이 수정되어 이번 실행은 인정되지 않습니다. `git checkout -- \2`로 되돌린 뒤 다시 채점해보세요"),
    (r"^not applicable: it checks the step's own API, which the reference does not have$",
     r"해당없음: 이 단계만의 API를 확인하는 테스트이고, 참조 구현에는 그 API가 없습니다"),
    (r"^Graphviz's dot is not installed .*$",
     r"Graphviz의 dot이 설치되어 있지 않습니다(sudo apt install graphviz)"),
    # the command line's usage errors (grader.cli)
    (r"^'(.*)' is not a step number; available steps: (.*)$",
     r"'\1'은(는) 단계 번호가 아닙니다. 있는 단계: \2"),
    (r"^there is no step (\d+): the course has steps 1-60 \(available here: (.*)\)$",
     r"\1단계는 없습니다. 과정은 1–60단계입니다(여기 있는 단계: \2)"),
    (r"^step (\d+) \((.*)\) has no content yet; available steps: (.*)$",
     r"\1단계(\2)에는 아직 내용이 없습니다. 있는 단계: \3"),
    (r"^--target '(.*)' is neither one of (.*) nor a folder\. Give a folder laid out like (.*)\.$",
     r"--target '\1'은(는) \2 중 어느 것도 아니고 폴더도 아닙니다. \3처럼 구성된 폴더를 주세요."),
    (r"^the (\w+) target is for instructors: .*\(--target student\)$",
     r"\1 대상은 강사용입니다. 이 저장소(학생 배포본)에는 정답 코드와 참조 패키지가 없습니다. "
     r"자신의 코드를 채점하세요(--target student)"),
    (r"^--([\w-]+) must be positive \(got (.*)\)$", r"--\1은(는) 양수여야 합니다(받은 값: \2)"),
    (r"^this command is for instructors: .*$",
     r"강사용 명령입니다. 이 저장소(학생 배포본)에는 solutions/와 grader/instructor/가 없습니다"),
    (r"^step (\d+) is not in this checkout, so there is nothing to compare with$",
     r"\1단계가 이 저장소에 없어 비교할 것이 없습니다"),
    (r"^carry (\d+) needs both (.*) and (.*)$", r"carry \1에는 \2와(과) \3이(가) 모두 있어야 합니다"),
    # numpy.testing's own lines around a test's err_msg, and pytest.approx's table
    (r"^Not equal to tolerance (.*)$", r"허용 오차 \1 안에서 같지 않습니다"),
    (r"^Arrays are not equal$", r"배열이 같지 않습니다"),
    (r"^Arrays are not almost equal to (.*)$", r"배열이 \1까지 거의 같지 않습니다"),
    (r"^(\s*)Mismatched elements: (.*)$", r"\1다른 원소: \2"),
    (r"^(\s*)comparison failed\. Mismatched elements: (.*)$", r"\1비교 실패. 다른 원소: \2"),
    (r"^(\s*)Index(\s*)\| Obtained(\s*)\| Expected\s*$", r"\1인덱스\2| 실제\3| 기대"),
    (r"^Mismatch at index:$", r"다른 곳:"),
    (r"^( \[.*\]: )(.*) \(ACTUAL\), (.*) \(DESIRED\)$", r"\1\2 (실제), \3 (기대)"),
    (r"^(\s*)Max absolute difference(?: among violations)?: (.*)$", r"\1최대 절대 차이: \2"),
    (r"^(\s*)Max relative difference(?: among violations)?: (.*)$", r"\1최대 상대 차이: \2"),
    (r"^\(shapes (.*) mismatch\)$", r"(형상 \1이 다릅니다)"),
    (r"^( ?)ACTUAL: (.*)$", r"\1실제: \2"),
    (r"^( ?)DESIRED: (.*)$", r"\1기대: \2"),
]]


# The Korean of grader.checks' messages (grader.messages templates; a step's own are in its
# hints.toml). tests/grader/test_messages.py keeps the two lists in step.
CHECK_MESSAGES: dict[str, dict[str, str]] = {"ko": {
    "{0} is None": "{0}이(가) None입니다",
    "{0} has shape {1}, expected {2}": "{0}의 형상이 {1}입니다. {2}이어야 합니다",
    "{0} losses for {1} iterations": "반복 {1}번에 손실이 {0}개입니다",
    "input {0}: grad is wrong at index {1}: backprop gives {2}, central difference gives {3} "
    "(|diff| {4} > tolerance {5}); input shape {6}{7}":
        "입력 {0}: 인덱스 {1}의 미분값이 틀렸습니다. 역전파는 {2}, 중앙차분은 {3}입니다"
        "(|차이| {4} > 허용 오차 {5}). 입력 형상 {6}{7}",
    "{0} at index {1} is {2}, expected {3}; shape {4}":
        "{0}의 인덱스 {1} 값이 {2}입니다. {3}이어야 합니다. 형상 {4}",
    "the loss of iteration {0} is {1}, the numpy net's is {2} (the first {3} agree)":
        "반복 {0}의 손실이 {1}인데, numpy 신경망은 {2}입니다(앞의 {3}번은 같습니다)",
    "the loss of iteration 0 is {0}, the numpy net's is {1} (before any update: the forward pass)":
        "반복 0의 손실이 {0}인데, numpy 신경망은 {1}입니다(갱신 전이므로 순전파를 보세요)",
    "the function returned {0}, not a Variable{1}": "함수가 Variable이 아니라 {0}을(를) 반환했습니다{1}",
    "the output has no creator, so no graph was built: does the code compute on .data and wrap the "
    "result in a new Variable?{0}":
        "출력에 창조자가 없어 그래프가 만들어지지 않았습니다. .data로 계산한 결과를 새 Variable로 "
        "감싸고 있나요?{0}",
    "input {0}: grad is None after backward(){1}": "입력 {0}: backward() 뒤에도 미분값이 None입니다{1}",
    "input {0}: grad has shape {1}, the input has shape {2}{3}":
        "입력 {0}: 미분값의 형상은 {1}인데 입력의 형상은 {2}입니다{3}",
    "input {0} (shape {1}): along a random direction backprop gives {2}, central difference gives {3}{4}":
        "입력 {0}(형상 {1}): 무작위 방향으로 역전파는 {2}, 중앙차분은 {3}입니다{4}",
}}


def translate(message: str, lang: str) -> str:
    """A grader message in lang (English messages pass through unchanged; so does student text)."""
    if lang != "ko":
        return message
    out = []
    for line in message.splitlines():
        for pattern, korean in _KO_MESSAGES:
            if pattern.match(line):
                line = pattern.sub(korean, line)
                break
        out.append(line)
    return "\n".join(out)


def default_lang() -> str:
    """ko when the locale says Korean (LANG=ko_KR.UTF-8, …), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    code = locale.getlocale()[0] or ""
    return "ko" if code.lower().startswith("ko") else "en"


def width(text: str) -> int:
    """Columns text takes in a terminal (Hangul is two columns wide)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))
