"""A unix-socket HTTP server that misbehaves on purpose: the peer a robust client must survive.

`HostileServer(answer)` reads each request and hands the connection to `answer(conn, request)`,
which writes whatever it likes (bad status lines, NUL headers, broken chunking, a body cut short,
a reset mid-frame, an endless body, one byte a second…). A hostile server is a real peer, not a
fake: the client under test talks to it over a real socket with libcurl. ANSWERS names the
catalogue that tests and scripts/fuzz share.
"""
from __future__ import annotations

import gzip
import socket
import struct
import threading
import zlib

from tests.listener import Listener

JSON_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\n"


class HostileServer(Listener):
    """Serves `answer(conn, request_bytes)` for each request on a fresh socket, one thread a connection."""

    def __init__(self, answer) -> None:
        super().__init__("ee-hostile-")
        self.answer = answer
        self.stop = threading.Event()  # set on close: endless answers end
        self.start()

    def close(self) -> None:
        """Stop answering, drop every connection, remove the socket."""
        self.stop.set()
        super().close()

    def serve(self, conn) -> None:
        with conn:
            try:
                request = _read_request(conn)
                if request is not None:
                    self.answer(conn, request, self.stop)
            except OSError:
                pass  # the client hung up: that is its right


def _read_request(conn) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
    return head + b"\r\n\r\n" + body


# -- answers: each is answer(conn, request, stop) ---------------------------------------------------

def raw(data: bytes):
    """Send `data`, then close."""
    def answer(conn, request, stop):
        conn.sendall(data)
    return answer


def reset_after(data: bytes):
    """Send `data`, then reset the connection (RST, not FIN)."""
    def answer(conn, request, stop):
        conn.sendall(data)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return answer


def endless(head: bytes, piece: bytes):
    """Send `head`, then `piece` again and again until the client or the server stops."""
    def answer(conn, request, stop):
        conn.sendall(head)
        block = piece * max(1, 65536 // len(piece))
        while not stop.is_set():
            conn.sendall(block)
    return answer


def dribble(data: bytes, every: float = 1.0):
    """Send `data` one byte every `every` seconds (a slow-loris server)."""
    def answer(conn, request, stop):
        for i in range(len(data)):
            if stop.wait(every if i else 0):
                return
            conn.sendall(data[i:i + 1])
    return answer


def silent():
    """Accept, read the request, never answer (until the server stops)."""
    def answer(conn, request, stop):
        stop.wait()
    return answer


def response(body: bytes, content_type: str = "application/json", status: str = "200 OK",
             extra: str = "") -> bytes:
    """A whole, well-formed response."""
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nApi-Version: 1.41\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def frame(stream: int, payload: bytes) -> bytes:
    """One frame of Docker's multiplexed stream."""
    return struct.pack(">B3xL", stream, len(payload)) + payload


def chunked(*pieces: bytes) -> bytes:
    """A chunked body of `pieces`, with its last chunk."""
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


_BOMB: list = []


def _bomb() -> bytes:
    """A response whose gzip body inflates to 256 MiB of zeros (made once, a MiB at a time)."""
    if not _BOMB:
        packer, zeros = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)  # 256 kB on the wire
        body = b"".join(packer.compress(zeros) for _ in range(256)) + packer.flush()
        _BOMB.append(response(body, extra="Content-Encoding: gzip\r\n"))
    return _BOMB[0]


DEEP = b"[" * 5000 + b"]" * 5000
MUX_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nApi-Version: 1.41\r\n"
STREAM_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\n"

# What each case sends, whatever was asked: the matrix scripts/fuzz runs every request kind against.
ANSWERS = {
    "bad status line": raw(b"HTTP/1.1 abc\r\n\r\n"),
    "no status line": raw(b"garbage\r\n\r\n{}"),
    "http/0.9": raw(b"{\"a\":1}"),
    "nul in a header": raw(b"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\nContent-Length: 2\r\n\r\n{}"),
    "huge header": raw(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\nContent-Length: 2\r\n\r\n{}"),
    "endless headers": endless(b"HTTP/1.1 200 OK\r\n", b"X-A: b\r\n"),
    "non-utf8 reason": raw(b"HTTP/1.1 200 \xff\xfe\x1b]0;pwned\x07\r\nContent-Length: 2\r\n\r\n{}"),
    "bad chunk size": raw(JSON_HEAD.encode() + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
    "chunk cut short": raw(JSON_HEAD.encode() + b"Transfer-Encoding: chunked\r\n\r\n10\r\n{}"),
    "body cut short": raw(JSON_HEAD.encode() + b"Content-Length: 100\r\n\r\n{\"a\":"),
    "content-length lies": raw(JSON_HEAD.encode() + b"Content-Length: -5\r\n\r\n{}"),
    "reset mid-body": reset_after(JSON_HEAD.encode() + b"Content-Length: 100\r\n\r\n{\"a\":"),
    "reset mid-frame": reset_after(MUX_HEAD + b"\r\n" + frame(1, b"hello")[:9]),
    "frame cut short": raw(MUX_HEAD + b"Connection: close\r\n\r\n" + frame(1, b"hello world")[:12]),
    "bad frame": raw(MUX_HEAD + b"Connection: close\r\n\r\n" + b"\x07\x01\x02\x03" + b"\xff" * 12),
    "endless json": endless(JSON_HEAD.encode() + b"\r\n", b"[1,2,3,"),
    "endless text": endless(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", b"all work and no play "),
    "endless json line": endless(STREAM_HEAD + b"\r\n", b"[" * 64),
    "endless frame": endless(MUX_HEAD + b"\r\n" + struct.pack(">B3xL", 1, 0xFFFFFFFF), b"x" * 4096),
    "slow loris": dribble(response(b'{"a":1}'), 0.5),
    "deep json": raw(response(DEEP)),
    "deep json line": raw(STREAM_HEAD + b"Connection: close\r\n\r\n" + DEEP + b"\n"),
    "huge number": raw(response(b"[" + b"9" * 5000 + b"]")),
    "non-utf8 json": raw(response(b'{"a":"\xff\xfe"}')),
    "escapes in text": raw(response(b"\x1b]0;pwned\x07\x1b[2J\xc2\x9b31m \x9b hi\n", "text/plain")),
    "escapes in error": raw(response(b'{"message":"\\u001b]0;pwned\\u0007 no\\nway"}', status="500 Oops")),
    "in-band error": raw(STREAM_HEAD + b"Connection: close\r\n\r\n"
                         + b'{"errorDetail":{"message":"\\u001b[2Jbad\\r\\nworse"}}\n'),
    "gzip unasked": raw(response(gzip.compress(b'{"a":1}'), extra="Content-Encoding: gzip\r\n")),
    "bad gzip": raw(response(b"\x1f\x8b not gzip", extra="Content-Encoding: gzip\r\n")),
    "gzip bomb": lambda conn, request, stop: conn.sendall(_bomb()),
    "close at once": raw(b""),
    "reset at once": reset_after(b""),
    "100 forever": endless(b"", b"HTTP/1.1 100 Continue\r\n\r\n"),
    "silent": silent(),
}

