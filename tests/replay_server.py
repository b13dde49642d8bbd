"""A unix-socket server for tests that answers every request with bytes an engine once sent (recorded
from the real one), then closes the connection: an engine's quirk, replayed where it cannot be run."""
from __future__ import annotations

import os
import socket
import tempfile
import threading


class ReplayServer:
    """Answers each request on a fresh socket with `response` (a whole raw HTTP response)."""

    def __init__(self, response: bytes):
        self.response = response
        self.dir = tempfile.mkdtemp(prefix="ee-replay-")
        self.path = os.path.join(self.dir, "replay.sock")
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        self._sock.listen(4)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        """The server as -H takes it."""
        return "unix://" + self.path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(5)
        self._sock.close()
        os.unlink(self.path)
        os.rmdir(self.dir)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:  # the requests replayed here carry no body
                    data = conn.recv(65536)
                    if not data:
                        break
                    head += data
                conn.sendall(self.response)
                conn.shutdown(socket.SHUT_WR)
