"""A unix-socket server for tests that answers every request with bytes an engine once sent (recorded
from the real one), then closes the connection: an engine's quirk, replayed where it cannot be run."""
from __future__ import annotations

import socket

from tests.listener import Listener


class ReplayServer(Listener):
    """Answers each request on a fresh socket with `response` (a whole raw HTTP response)."""

    def __init__(self, response: bytes):
        super().__init__("ee-replay-")
        self.response = response
        self.start()

    def serve(self, conn) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:  # the requests replayed here carry no body
                data = conn.recv(65536)
                if not data:
                    break
                head += data
            conn.sendall(self.response)
            conn.shutdown(socket.SHUT_WR)
