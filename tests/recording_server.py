"""A unix-socket HTTP server for tests: records the raw bytes of each request, answers a fixed response."""
from __future__ import annotations

import os
import socket
import tempfile
import threading

RESPONSE_BODY = b'{"ok":true}'


class RecordingServer:
    """Serves keep-alive connections on a fresh socket; `requests` holds each raw request."""

    def __init__(self, status: int = 200, headers=(("Api-Version", "1.41"),), bodies=None):
        self.dir = tempfile.mkdtemp(prefix="ee-rec-")
        self.path = os.path.join(self.dir, "rec.sock")
        self.status = status
        self.extra_headers = headers
        self.bodies = dict(bodies or {})  # request path (no query) → the JSON body it answers; else RESPONSE_BODY
        self.requests: list = []
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        self._sock.listen(16)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Stop listening and remove the socket.

        The accepting thread is woken and joined: a thread left blocked in accept() keeps a file
        descriptor number reserved (Linux takes it before waiting), and a few hundred such threads
        push later descriptors past select()'s limit of 1024.
        """
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(5)
        self._sock.close()
        try:
            os.unlink(self.path)
            os.rmdir(self.dir)
        except OSError:
            pass

    def take(self) -> list:
        """The requests recorded so far (and forget them)."""
        with self._lock:
            got, self.requests = self.requests, []
        return got

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        reader = _Reader(conn)
        with conn:
            while True:
                raw = reader.request()
                if raw is None:
                    return
                with self._lock:
                    self.requests.append(raw)
                method, _, rest = raw.partition(b" ")
                path = rest.partition(b" ")[0].partition(b"?")[0].decode("latin-1")
                conn.sendall(self._response(method == b"HEAD", self.bodies.get(path, RESPONSE_BODY)))

    def _response(self, head_only: bool, body: bytes) -> bytes:
        lines = [f"HTTP/1.1 {self.status} Status", "Content-Type: application/json",
                 f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in self.extra_headers]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        return head if head_only else head + body


class _Reader:
    """Reads whole HTTP/1.1 requests (Content-Length bodies, 100-continue) off one connection."""

    def __init__(self, conn):
        self.conn = conn
        self.buf = b""

    def _fill(self) -> bool:
        data = self.conn.recv(65536)
        self.buf += data
        return bool(data)

    def request(self):
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                return None
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        length, expect = 0, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
            elif name.strip().lower() == b"expect" and b"100-continue" in value.lower():
                expect = True
        if expect and len(self.buf) < length:
            self.conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        while len(self.buf) < length:
            if not self._fill():
                return None
        body, self.buf = self.buf[:length], self.buf[length:]
        return head + b"\r\n\r\n" + body
