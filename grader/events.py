"""The child → parent protocol, defined once for the plugin (writer) and the runner (reader).

The child writes one JSON object per line to an inherited pipe:
    {"event": "load_start"}                          the target's code starts to import
    {"event": "load_done", "error": str | null}      ... and has finished (or failed)
    {"event": "start", "nodeid": str}                a test starts
    {"event": "result", "nodeid": str, "outcome": str, "message": str,
     "todo": str | null, "duration": float}          its one result
    {"event": "flag", "text": str}                   the plugin saw something tampered with
The parent decides what counts: the list of tests comes from its own collection, and any line
that is not one of these, well formed and in order, marks the run tampered (see grader.runner).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import IO

MAX_LINE = 64 * 1024  # bytes; a longer line is a protocol violation, never read whole
MAX_TEXT = 8 * 1024  # characters of a message or flag kept


class ProtocolError(ValueError):
    """A line the child should never have written; the message says what was wrong."""


@dataclass(frozen=True)
class LoadStart:
    event = "load_start"


@dataclass(frozen=True)
class LoadDone:
    error: str | None
    event = "load_done"


@dataclass(frozen=True)
class Start:
    nodeid: str
    event = "start"


@dataclass(frozen=True)
class Result:
    nodeid: str
    outcome: str
    message: str
    todo: str | None
    duration: float
    event = "result"


@dataclass(frozen=True)
class Flag:
    text: str
    event = "flag"


Event = LoadStart | LoadDone | Start | Result | Flag
_KINDS: dict[str, type[Event]] = {k.event: k for k in (LoadStart, LoadDone, Start, Result, Flag)}
_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "load_start": {},
    "load_done": {"error": (str, type(None))},
    "start": {"nodeid": (str,)},
    "result": {"nodeid": (str,), "outcome": (str,), "message": (str,), "todo": (str, type(None)),
               "duration": (float, int)},
    "flag": {"text": (str,)},
}


def encode(event: Event) -> bytes:
    """One line of the protocol."""
    payload = {"event": event.event, **asdict(event)}
    for key in ("message", "error", "text"):
        if isinstance(payload.get(key), str):
            payload[key] = payload[key][:MAX_TEXT]
    return (json.dumps(payload, ensure_ascii=True) + "\n").encode()


def decode(line: bytes) -> Event:
    """The event of one line, or ProtocolError when the line is not exactly one of them."""
    if len(line) > MAX_LINE:
        raise ProtocolError(f"a line of {len(line)} bytes (at most {MAX_LINE})")
    try:
        payload = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError(f"a line that is not JSON: {line[:80]!r}") from None
    if not isinstance(payload, dict) or payload.get("event") not in _KINDS:
        raise ProtocolError(f"an unknown event: {str(payload)[:80]}")
    kind = payload.pop("event")
    fields = _FIELDS[kind]
    if set(payload) != set(fields):
        raise ProtocolError(f"a {kind} event with fields {sorted(payload)} (expected {sorted(fields)})")
    for key, types in fields.items():
        value = payload[key]
        if not isinstance(value, types) or isinstance(value, bool):
            raise ProtocolError(f"a {kind} event whose {key} is {type(value).__name__}")
    return _KINDS[kind](**payload)


class Writer:
    """The child's end: whole lines, flushed at once (one write per event)."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream

    def send(self, event: Event) -> None:
        self._stream.write(encode(event))
        self._stream.flush()
