"""A response as it came back: status, headers (split only when walked) and body. No pycurl here."""
from __future__ import annotations

from typing import NamedTuple

from explorer.core.errors import EngineError

# Bytes of a body kept whole (JSON or text, to be shown or read by captures). An engine that sends
# more is stopped there rather than held in memory (an endless body would take it all).
MAX_KEPT = 64 << 20


def too_large(limit: int = MAX_KEPT) -> EngineError:
    """The error for a kept body that passed `limit` bytes."""
    return EngineError(f"the response body passed {limit >> 20} MiB and was still coming: a JSON or text "
                       "body is kept whole to be shown; send it to a file (`> FILE`)")


class Response(NamedTuple):
    """What came back: status line, headers in order, body (empty when streamed to a sink)."""

    status: int
    reason: str
    headers: tuple  # of (name, value)
    body: bytes
    elapsed: float  # seconds
    size: int  # body bytes received

    def with_body(self, body: bytes) -> Response:
        """The same response holding `body` (dataclasses.replace is slow on the hot path)."""
        return Response(self.status, self.reason, self.headers, body, self.elapsed, self.size)

    def header(self, name: str) -> str | None:
        """The last value of header `name` (case-insensitive), or None."""
        return find_header(self.headers, name)


def find_header(headers, name: str) -> str | None:
    """The last value of header `name` (case-insensitive) in Headers or (name, value) pairs, or None."""
    if type(headers) is Headers:
        return headers.get(name)
    low, size = name.lower(), len(name)
    found = None
    for key, value in headers:
        if len(key) == size and key.lower() == low:  # the length test spares most lower() calls
            found = value
    return found


def parse_headers(lines: list) -> tuple:
    """(status, reason, Headers) of the last header block in `lines` (so not a 100 Continue)."""
    blob = b"".join(lines)
    cut = blob.rfind(b"\r\n\r\n", 0, len(blob) - 4)
    if cut >= 0:
        blob = blob[cut + 4:]
    eol = blob.find(b"\r\n")
    if eol < 0:
        eol = len(blob)
    parts = blob[:eol].decode("latin-1").split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    reason = parts[2] if len(parts) > 2 else ""
    return status, reason, Headers(blob[eol:], blob[:eol])


class Headers:
    """A response's header lines as (name, value) pairs, split only when someone walks them.

    Most responses are asked for one header or two (Content-Type): `get` finds one in the raw
    block, where splitting every line into pairs cost half as much as libcurl's whole request.
    Compares equal to the tuple of its pairs.
    """

    __slots__ = ("_block", "_lower", "_pairs", "_status_line")

    def __init__(self, block: bytes = b"", status_line: bytes = b"") -> None:
        self._block = block  # b"\r\nName: value\r\n…": the lines after the status line
        self._status_line = status_line  # b"HTTP/1.1 200 OK"
        self._lower: bytes | None = None
        self._pairs: tuple | None = None

    def raw(self) -> bytes:
        """The status line and header lines as received, ending with the blank line (`curl -i`)."""
        return self._status_line + self._block

    def get(self, name: str) -> str | None:
        """The last value of header `name` (case-insensitive), or None."""
        if self._lower is None:
            self._lower = self._block.lower()
        try:
            key = b"\r\n" + name.lower().encode("latin-1") + b":"
        except UnicodeEncodeError:
            return None
        at = self._lower.rfind(key)
        if at < 0:
            return None
        start = at + len(key)
        end = self._block.find(b"\r\n", start)
        return self._block[start:end if end >= 0 else len(self._block)].decode("latin-1").strip()

    def pairs(self) -> tuple:
        """Every header as (name, value), in order."""
        if self._pairs is None:
            found = []
            for text in self._block.decode("latin-1").split("\r\n"):
                name, sep, value = text.partition(":")
                if sep:
                    found.append((name, value.strip()))
            self._pairs = tuple(found)
        return self._pairs

    def __iter__(self):
        return iter(self.pairs())

    def __len__(self) -> int:
        return len(self.pairs())

    def __getitem__(self, i):
        return self.pairs()[i]

    def __eq__(self, other) -> bool:
        if isinstance(other, Headers):
            return self.pairs() == other.pairs()
        if isinstance(other, (tuple, list)):
            return self.pairs() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pairs())

    def __repr__(self) -> str:
        return f"Headers({self.pairs()!r})"
