"""ContainerAttachWebsocket's body: RFC 6455 frames from the server, read as they come (no I/O),
and the sink that shows their payloads.

After its `101 Switching Protocols` the engine sends the container's output as websocket frames
(dockerd 20.10: one binary frame per write, stdout and stderr unmarked), then a close frame. A frame
is two bytes (FIN, RSV1-3, opcode; MASK, 7-bit length), a 16- or 64-bit length when that says 126 or
127, a 4-byte masking key when MASK is set (a server must not mask; unmasked anyway), the payload.
Data frames (text 1, binary 2, continuation 0) are written as they come; a close frame (8) ends it;
pings and pongs (9, 10) carry nothing to show: like curl, we never answer. Anything else (a reserved
opcode, an RSV bit no extension asked for, a control frame split or over 125 bytes) means the bytes
stopped being frames: reported once, and the rest written as it came.
"""
from __future__ import annotations

from typing import NamedTuple

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0, 1, 2, 8, 9, 10
_DATA = frozenset({CONTINUATION, TEXT, BINARY})
_CONTROL = frozenset({CLOSE, PING, PONG})
CLOSE_REASONS = {1000: "normal", 1001: "going away", 1002: "protocol error", 1003: "unsupported data",
                 1005: "no code", 1006: "abnormal", 1007: "invalid data", 1008: "policy violation",
                 1009: "too big", 1011: "server error"}


class Closed(NamedTuple):
    """A close frame: its code (None when it had none) and reason."""

    code: int | None
    reason: str

    def describe(self) -> str:
        """`1000 (normal)`, `1011 (server error): why`."""
        if self.code is None:
            return "no code"
        text = f"{self.code} ({CLOSE_REASONS.get(self.code, 'unknown')})"
        return f"{text}: {self.reason}" if self.reason else text


class Frames:
    """Websocket bytes → payload pieces, as they arrive; frames may be split across chunks anywhere."""

    def __init__(self) -> None:
        self._head = b""  # a frame header not complete yet
        self._left = 0  # payload bytes of the current frame still to come
        self._op = CONTINUATION
        self._mask = b""
        self._at = 0  # payload bytes of the current frame already unmasked
        self._control = b""  # a control frame's payload, kept until complete
        self._seen = 0  # bytes fed before this chunk (its held head included)
        self.closed: Closed | None = None
        self.broken_at: int | None = None  # where the bytes stopped being frames
        self.ended_inside = False  # set by end(): the stream stopped inside a frame

    def feed(self, chunk: bytes) -> list:
        """The data payload pieces in `chunk` (bytes each), in order."""
        if self.broken_at is not None:
            return [chunk] if chunk else []
        base = self._seen - len(self._head)
        self._seen += len(chunk)
        data, pos, self._head = self._head + chunk, 0, b""
        pieces: list = []
        while pos < len(data):
            if self._left:
                pos = self._payload(data, pos, pieces)
                continue
            header = _header(data, pos)
            if header is None:
                self._head = data[pos:]
                break
            if header == "bad":
                self.broken_at = base + pos
                pieces.append(data[pos:])
                break
            pos = self._begin(header, data, pos, pieces)
        return pieces

    def end(self) -> None:
        """The body ended: note a frame left unfinished."""
        self.ended_inside = bool(self._head or self._left) and self.broken_at is None

    def _begin(self, header: tuple, data: bytes, pos: int, pieces: list) -> int:
        op, size, mask, length = header
        self._op, self._mask, self._at, self._left = op, mask, 0, size
        if op in _CONTROL:
            self._control = b""
        if not size:
            self._finish_control()
        return pos + length

    def _payload(self, data: bytes, pos: int, pieces: list) -> int:
        take = min(self._left, len(data) - pos)
        piece = data[pos:pos + take]
        if self._mask:
            piece = _unmask(piece, self._mask, self._at)
        self._at += take
        self._left -= take
        if self._op in _DATA:
            pieces.append(piece)
        else:
            self._control += piece
            if not self._left:
                self._finish_control()
        return pos + take

    def _finish_control(self) -> None:
        if self._op == CLOSE and self.closed is None:
            payload = self._control
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
            self.closed = Closed(code, payload[2:].decode("utf-8", "replace"))


def _header(data: bytes, pos: int):
    """(opcode, payload size, masking key, header length) of the frame at `pos`; None when the header
    is not all there yet; "bad" when the bytes are no frame header."""
    if len(data) - pos < 2:
        return None
    first, second = data[pos], data[pos + 1]
    op, size, length = first & 0x0F, second & 0x7F, 2
    if first & 0x70 or op not in _DATA | _CONTROL or (op in _CONTROL and (not first & 0x80 or size > 125)):
        return "bad"
    if size >= 126:
        extra = 2 if size == 126 else 8
        if len(data) - pos < 2 + extra:
            return None
        size, length = int.from_bytes(data[pos + 2:pos + 2 + extra], "big"), 2 + extra
    mask = b""
    if second & 0x80:
        if len(data) - pos < length + 4:
            return None
        mask, length = data[pos + length:pos + length + 4], length + 4
    return op, size, mask, length


def _unmask(piece: bytes, mask: bytes, at: int) -> bytes:
    """XOR with the masking key, which runs on from payload byte `at`."""
    key = (mask[at % 4:] + mask[:at % 4]) * (len(piece) // 4 + 1)
    return (int.from_bytes(piece, "big") ^ int.from_bytes(key[:len(piece)], "big")).to_bytes(len(piece), "big")


class WebSocketSink:
    """The payloads of a websocket body, written as they arrive; its close and any break said in notes."""

    streaming = True
    error: str | None = None

    def __init__(self, console, target=None) -> None:
        self.console = console
        self.out = target if target is not None else console.stdout
        self.frames = Frames()
        self.open = False  # the REPL: the last payload did not end its line
        self.reported = False

    def feed(self, chunk: bytes) -> None:
        """Write the payloads a chunk carries."""
        for piece in self.frames.feed(chunk):
            if piece:
                self.out.write(piece)
                self.open = not piece.endswith(b"\n")
        self.out.flush()
        if self.frames.broken_at is not None and not self.reported:
            self.reported = True
            self._note(f"warning: the websocket frames stop making sense at byte {self.frames.broken_at}: "
                       "the rest is shown as it came")

    def close(self) -> None:
        """End an unfinished line on the terminal; say how the websocket closed."""
        self.frames.end()
        if self.console.interactive and self.open:
            self.out.write(b"\n")  # the prompt starts on its own line
            self.open = False
        self.out.flush()
        if self.frames.ended_inside:
            self._note("warning: the websocket stream ended inside a frame")
        closed = self.frames.closed
        if closed is not None and (self.console.interactive or self.console.verbose):
            self._note(f"websocket closed: {closed.describe()}")

    def _note(self, text: str) -> None:
        if self.console.interactive and self.open:
            self.out.write(b"\n")  # the note starts its own line
            self.open = False
        self.console.note(text)
