"""The only module that imports pycurl: send a Request over a unix socket or TCP, as curl does."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pycurl

from explorer import __version__
from explorer.errors import EngineError

USER_AGENT = f"engine-explorer/{__version__}"


@dataclass(frozen=True)
class Endpoint:
    """Where the engine listens: a unix socket (base_url is then http://localhost) or a URL."""

    socket: str | None
    base_url: str = "http://localhost"

    @property
    def display(self) -> str:
        """How the user would write it with -H."""
        return f"unix://{self.socket}" if self.socket else self.base_url


@dataclass(frozen=True)
class Response:
    """What came back: status line, headers in order, body (empty when streamed to a sink)."""

    status: int
    reason: str
    headers: tuple  # of (name, value)
    body: bytes
    elapsed: float  # seconds
    size: int  # body bytes received

    def header(self, name: str) -> str | None:
        """The last value of header `name` (case-insensitive), or None."""
        low = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == low:
                found = value
        return found


class Transport:
    """One reused curl handle per engine, so requests share a keep-alive connection."""

    def __init__(self, endpoint: Endpoint, connect_timeout: float = 5.0, timeout: float = 0):
        self.endpoint = endpoint
        self.connect_timeout_ms = int(connect_timeout * 1000)
        self.timeout_ms = int(timeout * 1000)
        self._curl = pycurl.Curl()

    def close(self) -> None:
        """Close the connection."""
        self._curl.close()

    def send(self, req, sink=None) -> Response:
        """Send `req`; with `sink`, each body chunk goes to sink(bytes) as it arrives."""
        c = self._curl
        c.reset()
        head = _HeaderParser()
        chunks: list = []
        received = [0]

        def write(data: bytes) -> None:
            received[0] += len(data)
            (sink or chunks.append)(data)

        upload = self._configure(c, req, write, head.feed)
        start = time.perf_counter()
        try:
            c.perform()
        except pycurl.error as err:
            raise self._explain(err) from None
        finally:
            if upload is not None:
                upload.close()
        return Response(c.getinfo(pycurl.RESPONSE_CODE), head.reason, tuple(head.headers),
                        b"".join(chunks), time.perf_counter() - start, received[0])

    def _configure(self, c, req, write, header):
        c.setopt(pycurl.URL, self.endpoint.base_url.rstrip("/") + req.target())
        if self.endpoint.socket:
            c.setopt(pycurl.UNIX_SOCKET_PATH, self.endpoint.socket)
        c.setopt(pycurl.USERAGENT, USER_AGENT)
        c.setopt(pycurl.CONNECTTIMEOUT_MS, self.connect_timeout_ms)
        if self.timeout_ms:
            c.setopt(pycurl.TIMEOUT_MS, self.timeout_ms)
        c.setopt(pycurl.WRITEFUNCTION, write)
        c.setopt(pycurl.HEADERFUNCTION, header)
        if req.headers:
            # UTF-8 bytes, as the curl CLI passes its -H argument through unchanged
            c.setopt(pycurl.HTTPHEADER, [(f"{k}: {v}" if v else f"{k};").encode() for k, v in req.headers])
        return _set_method_and_body(c, req)

    def _explain(self, err) -> EngineError:
        code, message = err.args[0], err.args[1] if len(err.args) > 1 else ""
        where = self.endpoint.display
        sock = self.endpoint.socket
        if code == pycurl.E_COULDNT_CONNECT and sock:
            if not os.path.exists(sock):
                return EngineError(f"no engine socket at {sock}: start the engine, or point -H/DOCKER_HOST at one")
            if not os.access(sock, os.R_OK | os.W_OK):
                return EngineError(f"permission denied on {sock}: use sudo, join the docker group, "
                                   "or use the rootless socket (unix://$XDG_RUNTIME_DIR/docker.sock)")
            return EngineError(f"connection refused at {where}: the engine is not listening; start it")
        if code == pycurl.E_OPERATION_TIMEDOUT:
            return EngineError(f"timed out talking to {where}: the engine did not answer in time; "
                               "check it, or allow longer with --timeout")
        if code == pycurl.E_COULDNT_CONNECT:
            return EngineError(f"cannot connect to {where}: start the engine or check -H ({message})")
        if code in (pycurl.E_GOT_NOTHING, pycurl.E_RECV_ERROR, pycurl.E_SEND_ERROR):
            return EngineError(f"the engine at {where} closed the connection ({message}); is it still running?")
        if code == pycurl.E_WRITE_ERROR:
            return EngineError("stopped reading the response")
        return EngineError(f"request to {where} failed: {message} (curl error {code})")


def _set_method_and_body(c, req):
    """Set options exactly as the curl CLI does for the argv curlcmd prints; returns an open file."""
    if req.method == "HEAD":
        c.setopt(pycurl.NOBODY, 1)
        return None
    upload = None
    if req.body_file:
        try:
            upload = open(req.body_file, "rb")
        except OSError as err:
            raise EngineError(f"cannot read {req.body_file}: {err.strerror}") from None
        c.setopt(pycurl.POST, 1)
        c.setopt(pycurl.READDATA, upload)
        c.setopt(pycurl.POSTFIELDSIZE_LARGE, os.fstat(upload.fileno()).st_size)
    elif req.body is not None:
        c.setopt(pycurl.POSTFIELDS, req.body)
        c.setopt(pycurl.POSTFIELDSIZE_LARGE, len(req.body))
    if req.method != "GET" or upload is not None or req.body is not None:
        c.setopt(pycurl.CUSTOMREQUEST, req.method)
    return upload


class _HeaderParser:
    """Collects the final response's status reason and headers (skipping 100 Continue)."""

    def __init__(self):
        self.reason = ""
        self.headers: list = []

    def feed(self, line: bytes) -> None:
        text = line.decode("latin-1").rstrip("\r\n")
        if text.startswith("HTTP/"):
            self.reason = text.split(" ", 2)[2] if text.count(" ") >= 2 else ""
            self.headers = []
        elif ":" in text:
            name, _, value = text.partition(":")
            self.headers.append((name, value.strip()))


def fetch(url: str, timeout: float = 60.0) -> bytes:
    """GET a URL (a spec download): the body, or EngineError saying why not."""
    c = pycurl.Curl()
    chunks: list = []
    try:
        c.setopt(pycurl.URL, url)
        c.setopt(pycurl.USERAGENT, USER_AGENT)
        c.setopt(pycurl.FOLLOWLOCATION, 1)
        c.setopt(pycurl.TIMEOUT_MS, int(timeout * 1000))
        c.setopt(pycurl.WRITEFUNCTION, chunks.append)
        c.perform()
        status = c.getinfo(pycurl.RESPONSE_CODE)
    except pycurl.error as err:
        raise EngineError(f"cannot download {url}: {err.args[-1]}") from None
    finally:
        c.close()
    if status and status >= 400:
        raise EngineError(f"cannot download {url}: HTTP {status}")
    return b"".join(chunks)
