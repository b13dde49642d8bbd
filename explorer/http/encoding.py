"""A body the engine compressed without being asked: inflated here, piece by piece, within a bound.

curl (and libcurl) decode a Content-Encoding only when the request asked for one (`--compressed`,
libcurl's ACCEPT_ENCODING); asking changes the request, so the curl line would no longer be the
request sent. An engine (or a proxy in front of it) that sends gzip or deflate anyway gets its
body inflated here instead, and the request stays as printed. No single piece of output is larger
than PIECE, so a gzip bomb costs no more memory than any other endless body.
"""
from __future__ import annotations

from explorer.core.errors import EngineError

PIECE = 1 << 20  # bytes of output per step of the inflater
_AUTO = 32 + 15  # 15: zlib.MAX_WBITS; 32: gzip or zlib framing, whichever the body has
_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})


def inflater(content_encoding: str | None) -> Inflater | None:
    """An Inflater for a Content-Encoding we decode, or None (none given, or one we leave alone)."""
    if not content_encoding:
        return None
    return Inflater() if content_encoding.strip().lower() in _ENCODINGS else None


class Inflater:
    """gzip/deflate bytes → the body's bytes, as they arrive."""

    def __init__(self) -> None:
        import zlib  # only a compressed body needs it: most runs never see one

        self._z = zlib.decompressobj(_AUTO)
        self._error = zlib.error
        self._seen = False

    def pieces(self, data: bytes):
        """The inflated bytes of `data`, at most PIECE at a time; EngineError when it is not gzip."""
        self._seen = self._seen or bool(data)
        try:
            out = self._z.decompress(data, PIECE)
            while out:
                yield out
                out = self._z.decompress(self._z.unconsumed_tail, PIECE) if self._z.unconsumed_tail else b""
        except self._error as err:
            raise EngineError(f"the engine said its body is compressed (Content-Encoding), but it is not: {err}")\
                from None

    def check_end(self) -> None:
        """At the end of the body: one that stopped inside its compressed stream was cut short."""
        if self._seen and not self._z.eof:
            raise EngineError("the engine's compressed body ends early: the response was cut short")


def inflate(data: bytes, limit: int) -> bytes:
    """A whole compressed body inflated; EngineError past `limit` bytes or when it is not compressed."""
    parts, size = [], 0
    z = Inflater()
    for piece in z.pieces(data):
        size += len(piece)
        if size > limit:
            raise EngineError(f"the engine's compressed body inflates past {limit >> 20} MiB: not kept")
        parts.append(piece)
    z.check_end()
    return b"".join(parts)
