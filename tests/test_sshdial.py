"""The dial-stdio bridge's byte mover (explorer.shell.sshdial): what libcurl sends reaches ssh whole,
however little of it each write to the unbuffered pipe takes."""
from __future__ import annotations

import socket
from types import SimpleNamespace

from explorer.shell import sshdial


class _Trickle:
    """ssh's stdin as an unbuffered pipe may be: each write takes at most a few bytes."""

    def __init__(self):
        self.taken = bytearray()
        self.closed = False

    def write(self, data) -> int:
        self.taken += bytes(data[:5])
        return min(5, len(data))

    def close(self) -> None:
        self.closed = True


def test_upstream_writes_all_of_what_a_short_write_left():
    ours, theirs = socket.socketpair()
    sent = b"GET /_ping HTTP/1.1\r\nHost: localhost\r\n\r\n"
    theirs.sendall(sent)
    theirs.close()  # libcurl's end: _upstream returns after the last byte
    stdin = _Trickle()
    try:
        sshdial._upstream(ours, SimpleNamespace(stdin=stdin))
    finally:
        ours.close()
    assert bytes(stdin.taken) == sent and stdin.closed
