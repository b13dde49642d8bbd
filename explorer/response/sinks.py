"""Body writers, one per response kind: each takes chunks as they arrive (`feed`) and ends (`close`).

JSON and text are kept whole (to be formatted and paged); a tar passes through; Docker's streams
are written as they arrive by explorer.response.streamsinks, imported only for them.
"""
from __future__ import annotations

from explorer.core.console import live
from explorer.http import message
from explorer.response import kinds


def make(kind: str, console, target=None):
    """The sink for a body of `kind`; `target` (a redirect.Target) replaces stdout when given."""
    if kind in (kinds.JSON, kinds.TEXT, kinds.EMPTY):
        return Buffer(target)
    out = target if target is not None else console.stdout
    if kind == kinds.BINARY:
        return Passthrough(out)
    if kind == kinds.WEBSOCKET:
        from explorer.response.websocket import WebSocketSink  # the websocket attach only

        return WebSocketSink(console, target)
    # json and the stream framing: streams only
    from explorer.response import streamsinks

    if kind in (kinds.MULTIPLEXED, kinds.DOCKER_STREAM, kinds.RAW):
        return streamsinks.demultiplexed(console, target, raw=kind == kinds.RAW)
    return streamsinks.json_stream(console, target)


class Buffer:
    """A JSON or text body, kept whole to be formatted (and paged) at the end.

    Past `limit` bytes it is no longer kept: a body going to `overflow` (a `> file`) streams on
    into it (then `streaming`), any other stops the transfer (message.too_large).
    """

    error = None

    def __init__(self, overflow=None, limit: int | None = None) -> None:
        self.parts: list = []
        self.size = 0
        self.overflow = overflow
        self.limit = limit or message.MAX_KEPT
        self.streaming = False

    def feed(self, chunk: bytes) -> None:
        """Keep a chunk (or pass it on, once the body is too large to keep)."""
        if self.streaming:
            self.overflow.write(chunk)
            return
        self.parts.append(chunk)
        self.size += len(chunk)
        if self.size > self.limit:
            if self.overflow is None:
                raise message.too_large(self.limit)
            for part in self.parts:
                self.overflow.write(part)
            self.parts, self.streaming = [], True

    def close(self) -> None:
        """Flush what streamed on."""
        if self.streaming:
            self.overflow.flush()

    @property
    def data(self) -> bytes:
        """The whole body."""
        return b"".join(self.parts)


class Passthrough:
    """Bytes as they come (a tar, a file): written and flushed chunk by chunk."""

    streaming = True
    error = None

    def __init__(self, out) -> None:
        self.out = out
        self.flush = out.flush if live((out,)) else None

    def feed(self, chunk: bytes) -> None:
        """Write a chunk."""
        self.out.write(chunk)
        if self.flush is not None:
            self.flush()

    def close(self) -> None:
        """Flush."""
        self.out.flush()
