"""Docker's stream formats, pure (no I/O): multiplexed frames, JSON-object streams, progress messages.

A multiplexed stream is a run of frames, each an 8-byte header `[stream, 0, 0, 0, size (4 bytes,
big-endian)]` and `size` payload bytes; stream 1 is stdout, 2 stderr (0 stdin, written as stdout).
A container with a TTY sends its bytes unframed; the engine's Content-Type does not always say
which (dockerd 20.10 sends none on logs and `raw-stream` for both), so a header that is not a
valid frame header switches the demultiplexer to pass-through. A header that stops making sense
after valid frames (Podman 4.3's `attach logs=1 stream=0` gives sizes that leave out each line's
newline) is reported once (`broken_at`); the demultiplexer then skips to the next byte run that
reads as a header, and the bytes it skipped go on as text of the current stream.
"""
from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from explorer.core import jsontext

STDOUT, STDERR = 1, 2
_HEADER = struct.Struct(">B3sL")
_PAD = b"\0\0\0"
_NEXT_HEADER = re.compile(b"[\x00-\x02]\x00\x00\x00")  # where a broken stream may go on framed
_EMPTY_FRAMES = re.compile(b"(?:\0{8})+")


class Demuxer:
    """Multiplexed bytes → (stream, payload) pieces; frames may be split across chunks anywhere."""

    def __init__(self) -> None:
        self._head = b""  # a frame header split across chunks
        self._stream = STDOUT
        self._left = 0  # payload bytes of the current frame still to come
        self.raw = False  # the bytes turned out not to be frames: everything is stdout
        self.framed = False  # a frame header was read: what follows must be frames too
        self.broken_at: int | None = None  # the offset where frames stopped making sense
        self.on_break: Callable[[int], None] | None = None  # called with broken_at, once
        self._seen = 0  # bytes fed before this chunk (kept in _head included)
        self.cut_short = ""  # set by close when the stream ended inside a frame: what is missing

    def feed(self, chunk: bytes) -> list:
        """The (stream, payload) pieces in `chunk`, in order; adjacent pieces of one stream joined."""
        runs: list = []  # of (stream, [payloads])

        def add(stream: int, data: bytes) -> None:
            if runs and runs[-1][0] == stream:
                runs[-1][1].append(data)
            else:
                runs.append((stream, [data]))

        self.feed_into(chunk, lambda data: add(STDOUT, data), lambda data: add(STDERR, data))
        return [(stream, b"".join(parts)) for stream, parts in runs]

    def feed_into(self, chunk: bytes, out, err) -> None:
        """Hand the payloads in `chunk` on as they come: stdout's to out(bytes), stderr's to err(bytes).

        Hot (once per chunk of a 200 MB log, which the engine sends a frame at a time), so it
        writes slices straight through and keeps to plain locals.
        """
        if self.raw:
            if chunk:
                out(chunk)
            return
        base = self._seen - len(self._head)
        self._seen += len(chunk)
        if self._head:
            chunk, self._head = self._head + chunk, b""
        end, left, pos = len(chunk), self._left, 0
        write = err if self._stream == STDERR else out
        if left and left >= end:  # all of it belongs to the current frame
            self._left = left - end
            write(chunk)
            return
        while True:
            if left:
                write(chunk[pos:pos + left])
                pos += left
            if end - pos < 8:
                self._head, self._left = chunk[pos:], 0
                return
            kind, pad, left = _HEADER.unpack_from(chunk, pos)
            if not (kind or left) and pad == _PAD:  # empty frames (a run of zeros): one step for the run
                pos = _EMPTY_FRAMES.match(chunk, pos).end()  # type: ignore[union-attr]  # it matched 8 zeros
                self.framed = True
                continue
            if kind > 2 or pad != _PAD:
                if not self.framed:
                    self.raw, self._left = True, 0  # a TTY stream: show it as it is
                    out(chunk[pos:])
                    return
                left, pos = 0, self._resync(chunk, pos, base, write)
                if pos < 0:
                    return
                continue
            pos += 8
            self.framed = True
            self._stream = STDERR if kind == STDERR else STDOUT
            write = err if kind == STDERR else out
            if end - pos <= left:
                if pos < end:
                    write(chunk[pos:])
                self._left = left - (end - pos)
                return

    def _resync(self, chunk: bytes, pos: int, base: int, write) -> int:
        """A header at `pos` that is none, after frames: report it once, write the bytes up to the
        next run that reads as a header as text, and return where that run starts (-1: not in
        this chunk; its last 7 bytes are kept, a header may begin in them)."""
        if self.broken_at is None:
            self.broken_at = base + pos
            if self.on_break is not None:
                self.on_break(self.broken_at)
        found = _NEXT_HEADER.search(chunk, pos + 1)
        stop = found.start() if found else max(pos + 1, len(chunk) - 7)
        write(chunk[pos:stop])
        if found is None:
            self._head, self._left = chunk[stop:], 0
            return -1
        return stop

    def close(self) -> list:
        """What is left at the end: a stream shorter than one header is unframed output.

        A framed stream that ends inside a frame (its header, or its payload) was cut short: that
        is said in `cut_short`, and the bytes of a half header are not output.
        """
        head, left, self._head, self._left = self._head, self._left, b"", 0
        if self.raw:
            return []
        if self.broken_at is not None:  # text after a broken frame: it goes where that frame went
            return [(self._stream, head)] if head else []
        if left:
            self.cut_short = f"{left} bytes of its last frame never came"
        elif head and self.framed:
            self.cut_short = f"its last frame header has {len(head)} of 8 bytes"
        elif head:
            return [(STDOUT, head)]
        return []


class NotJson(bytes):
    """A line of a JSON stream that is not JSON: passed on as text."""


class LongText(NotJson):
    """A piece of a line too long to hold (MAX_PENDING): passed on as it came, newline included."""


class JsonLines:
    """Bytes → JSON values as each completes: one per line (json-seq and concatenated values too).

    `feed` returns (value, raw line) pairs; a line that is not JSON comes as (NotJson(line), line).
    A value spread over several lines (pretty-printed) is held until it completes.
    """

    MAX_PENDING = 1 << 20  # a "value" still incomplete after this many bytes is shown as text

    def __init__(self) -> None:
        self._rest: list = []  # bytes after the last newline
        self._rest_size = 0
        self._pending = b""  # lines of a value that has not completed yet
        self._long = False  # inside a line longer than MAX_PENDING: passed on as LongText to its end

    def feed(self, chunk: bytes) -> list:
        """The values completed by `chunk` (and the pieces of a line too long to hold)."""
        items: list = []
        if self._long:
            end = chunk.find(b"\n") + 1
            piece = chunk[:end] if end else chunk
            items.append((LongText(piece), piece))
            if not end:
                return items
            self._long, chunk = False, chunk[end:]
        cut = chunk.rfind(b"\n")
        if cut < 0:
            self._rest.append(chunk)
            self._rest_size += len(chunk)
            if self._rest_size + len(self._pending) > self.MAX_PENDING:
                items += self._too_long()
            return items
        lines = b"".join(self._rest + [chunk[:cut]]).split(b"\n")
        self._rest = [chunk[cut + 1:]] if cut + 1 < len(chunk) else []
        self._rest_size = len(chunk) - cut - 1
        for line in lines:
            items += self._line(line)
        return items

    def _too_long(self) -> list:
        """An open line past MAX_PENDING: what is held goes on as text, the rest of the line as it comes."""
        held = ([self._pending, b"\n"] if self._pending else []) + self._rest
        data = b"".join(held)
        self._rest, self._rest_size, self._pending, self._long = [], 0, b"", True
        return [(LongText(data), data)]

    def close(self) -> list:
        """The values (or text) left at the end of the stream."""
        if self._long:
            self._long = False
            return []
        items = self._line(b"".join(self._rest), final=True)
        self._rest, self._rest_size = [], 0
        return items

    def _line(self, line: bytes, final: bool = False) -> list:
        line = line.rstrip(b"\r").lstrip(b"\x1e")  # CRLF from build, RS from application/json-seq
        if self._pending:
            line, self._pending = self._pending + b"\n" + line, b""
        if not line.strip():
            return []
        values, state = parse_values(line)
        if state == "whole":
            return [(v, line) for v in values]
        if state == "partial" and not final and len(line) < self.MAX_PENDING:
            self._pending = line
            return []
        return [(NotJson(line), line)]


def parse_values(line: bytes) -> tuple:
    """(values, "whole") for a line of whole JSON values; ([], "partial") when the last one is cut
    short at the end of the line; ([], "bad") when it is not JSON."""
    try:
        return [jsontext.loads(line)], "whole"
    except jsontext.Unreadable:
        return [], "bad"  # too deep or a number too long: shown as the text it is
    except ValueError:
        pass
    try:
        text = line.decode("utf-8").rstrip()
    except UnicodeDecodeError:
        return [], "bad"
    values, pos = [], 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        try:
            value, pos = jsontext.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            # JSON strings hold no raw newline, so a value spread over lines breaks off at the end
            return [], "partial" if err.pos >= len(text) and text[pos] in "{[" else "bad"
        except ValueError:
            return [], "bad"
        values.append(value)
    return values, "whole"


# -- progress and the other messages of a JSON-object stream ------------------------------------


@dataclass(frozen=True)
class Progress:
    """`{"id": …, "status": …, "progressDetail": {"current", "total"}}`: one layer's progress."""

    id: str
    status: str
    current: int | None = None
    total: int | None = None

    @property
    def finished(self) -> bool:
        """True when this step is known to be complete."""
        if self.total and self.current is not None and self.current >= self.total:
            return True
        return any(word in self.status.lower() for word in _DONE_WORDS)


_DONE_WORDS = ("complete", "already exists", "pushed", "mounted from", "loaded")
_HEADINGS = ("Pulling from ",)  # a status with an id that heads a pull


@dataclass(frozen=True)
class InbandError:
    """`{"errorDetail": {"message": …}, "error": …}`: the request failed after its 200."""

    message: str


@dataclass(frozen=True)
class Text:
    """Text meant to be read as it is: build output (`stream`), or a `status` without an id."""

    text: str


def classify(value):
    """A stream value → Progress, InbandError, Text, or None for any other object (events, stats…)."""
    if not isinstance(value, dict):
        return None
    if "errorDetail" in value or "error" in value:
        detail = value.get("errorDetail") or {}
        message = detail.get("message") if isinstance(detail, dict) else None
        return InbandError(str(message or value.get("error") or "the engine reported an error"))
    if "Action" in value or "Type" in value:  # events repeat the old `status`/`id` fields
        return None
    if isinstance(value.get("stream"), str):
        return Text(value["stream"])
    status = value.get("status")
    if isinstance(status, str) and status.startswith(_HEADINGS) and "id" in value:
        return Text(f"{value['id']}: {status}\n")  # its id is the tag pulled, not a layer: no bar
    if "id" in value and (isinstance(status, str) or "progressDetail" in value):
        return _progress(value)
    if isinstance(status, str) and set(value) <= {"status", "progressDetail"}:
        return Text(status + "\n")
    return None


def _progress(value: dict) -> Progress:
    detail = value.get("progressDetail")
    detail = detail if isinstance(detail, dict) else {}
    current, total = detail.get("current"), detail.get("total")
    return Progress(
        id=str(value.get("id")), status=str(value.get("status") or ""),
        current=current if isinstance(current, int) else None,
        total=total if isinstance(total, int) and total > 0 else None,
    )
