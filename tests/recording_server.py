"""An HTTP server for tests: records the raw bytes of each request, answers a fixed response.

On a unix socket (`path`, the default), or on 127.0.0.1 (`tcp=True`: `url` is http://127.0.0.1:PORT),
or over TLS there (`tls=ServerTLS(...)`: `url` is https://…, and the client must show a certificate
signed by `client_ca`, as dockerd --tlsverify asks).
"""
from __future__ import annotations

import ssl
import threading
from typing import NamedTuple

from tests.listener import Listener

RESPONSE_BODY = b'{"ok":true}'


class ServerTLS(NamedTuple):
    """The server's certificate and key, and the CA its clients' certificates must chain to."""

    cert: str
    key: str
    client_ca: str


class RecordingServer(Listener):
    """Serves keep-alive connections on a fresh socket; `requests` holds each raw request."""

    def __init__(self, status: int = 200, headers=(("Api-Version", "1.41"),), body: bytes = RESPONSE_BODY,
                 tcp: bool = False, tls: ServerTLS | None = None, bodies=None):
        super().__init__("ee-rec-", tcp=bool(tcp or tls))
        if tcp or tls:
            self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.status = status
        self.extra_headers = headers
        self.body = body
        self.bodies = dict(bodies or {})  # request path (no query) → the JSON body it answers; else `body`
        self.requests: list = []
        self.handshake_errors: list = []  # why TLS clients were turned away
        self._lock = threading.Lock()
        self._tls = _server_context(tls) if tls else None
        self.start()

    def take(self) -> list:
        """The requests recorded so far (and forget them)."""
        with self._lock:
            got, self.requests = self.requests, []
        return got

    def take_script(self) -> list:
        """The requests an exported script sent (and forget them), less the version check it makes before
        its first: a GET /_ping (asserted), as an engine-explorer session pinned to a version sends none."""
        got = self.take()
        if got:
            assert got[0].startswith(b"GET /_ping HTTP/1.1\r\n"), got[0]
        return got[1:]

    def serve(self, conn) -> None:
        if self._tls is not None:
            try:
                conn = self._tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError) as err:
                self.handshake_errors.append(str(err))
                conn.close()
                return
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
                conn.sendall(self._response(method == b"HEAD", self.bodies.get(path, self.body)))

    def _response(self, head_only: bool, body: bytes) -> bytes:
        lines = [f"HTTP/1.1 {self.status} Status", "Content-Type: application/json",
                 f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in self.extra_headers]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        return head if head_only else head + body


def _server_context(tls: ServerTLS) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.cert, tls.key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(tls.client_ca)
    return context


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
