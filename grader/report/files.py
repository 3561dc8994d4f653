"""Output files: atomic writes (a reader never sees half a report), and text that came from a
submission made safe to show on a terminal or in a page."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

MODE = 0o644  # reports are read by people and tools other than the grader's user

# C0 and C1 controls (escape sequences, carriage returns, NULs), bidirectional overrides and
# isolates (text that reads differently from what it is), lone surrogates (undecodable bytes).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # what str.splitlines splits on


def clean_text(text: str, lines: bool = False) -> str:
    """text without control characters. With lines=True it keeps \\n and \\t (other line breaks
    become \\n); otherwise every line break and tab becomes a space. Undecodable characters
    become U+FFFD."""
    text = _BREAKS.sub("\n", text)
    if not lines:
        text = text.replace("\n", " ").replace("\t", " ")
    return _UNSAFE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


def write_atomic(path: Path | str, text: str) -> None:
    """Write text (UTF-8) to path through a temporary file in the same folder; the file is 0644."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, MODE)  # mkstemp creates 0600; set the mode itself, whatever the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
