"""The only module that imports pycurl: send a Request over a unix socket or TCP, as curl does."""
from __future__ import annotations

import os
import time
from typing import NamedTuple

import pycurl

from explorer import __version__
from explorer.errors import EngineError

USER_AGENT = f"engine-explorer/{__version__}"


class Endpoint(NamedTuple):
    """Where the engine listens: a unix socket (base_url is then http://localhost) or a URL."""

    socket: str | None
    base_url: str = "http://localhost"

    @property
    def display(self) -> str:
        """How the user would write it with -H."""
        return f"unix://{self.socket}" if self.socket else self.base_url


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
        self._base = endpoint.base_url.rstrip("/")
        self._plain = False  # the handle holds only the constant options (see send)
        self._sink = None
        self._chunks: list = []
        self._received = 0
        self._head = _HeaderParser()

    def close(self) -> None:
        """Close the connection."""
        self._curl.close()

    def send(self, req, sink=None, on_headers=None) -> Response:
        """Send `req`; with `sink`, each body chunk goes to sink(bytes) as it arrives.

        `on_headers(status, reason, headers)` is called once the final response's headers are
        in, before the first body chunk: stream renderers decide how to show the body there.
        Either returning 0 stops the transfer (EngineError "stopped reading"): pycurl would print
        an exception raised in a callback, so callers keep it and return 0 (KeyboardInterrupt
        alone passes through pycurl, and ends the transfer too).
        """
        c = self._curl
        plain = req.method == "GET" and not req.headers and req.body is None and not req.body_file
        # Resetting and re-setting every option costs more than libcurl's whole request on a
        # keep-alive socket; a plain GET after a plain GET only needs a new URL.
        if not (plain and self._plain):
            c.reset()
            self._constant_options(c)
        self._plain = plain
        self._sink, self._chunks, self._received = sink, [], 0
        self._head = _HeaderParser(on_headers)
        c.setopt(pycurl.HEADERFUNCTION, self._head.feed)  # called per header line: no extra frame
        c.setopt(pycurl.URL, self._base + req.target())
        upload = None if plain else _set_method_and_body(c, req)
        start = time.perf_counter()
        try:
            c.perform()
        except pycurl.error as err:
            self._plain = False
            raise self._explain(err) from None
        finally:
            if upload is not None:
                upload.close()
        status, reason, headers = self._head.result()
        return Response(status, reason, headers, b"".join(self._chunks),
                        time.perf_counter() - start, self._received)

    def _constant_options(self, c) -> None:
        if self.endpoint.socket:
            c.setopt(pycurl.UNIX_SOCKET_PATH, self.endpoint.socket)
        c.setopt(pycurl.USERAGENT, USER_AGENT)
        c.setopt(pycurl.CONNECTTIMEOUT_MS, self.connect_timeout_ms)
        if self.timeout_ms:
            c.setopt(pycurl.TIMEOUT_MS, self.timeout_ms)
        c.setopt(pycurl.NOSIGNAL, 1)
        c.setopt(pycurl.WRITEFUNCTION, self._write)
        # A Ctrl-C wakes libcurl's poll, which then calls this: Python runs the signal handler and
        # KeyboardInterrupt ends even an idle endless stream (events, logs follow) at once.
        c.setopt(pycurl.NOPROGRESS, 0)
        c.setopt(pycurl.XFERINFOFUNCTION, _let_signals_in)

    def _write(self, data: bytes):
        self._received += len(data)
        if self._sink is None:
            self._chunks.append(data)
            return None
        return self._sink(data)  # a count other than len(data) (e.g. 0) aborts: curl error 23


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


def _let_signals_in(*_progress) -> None:
    """libcurl's progress callback: returning to Python is the point (pending signals run)."""


def _set_method_and_body(c, req):
    """Set options exactly as the curl CLI does for the argv curlcmd prints; returns an open file."""
    if req.headers:
        # UTF-8 bytes, as the curl CLI passes its -H argument through unchanged
        c.setopt(pycurl.HTTPHEADER, [(f"{k}: {v}" if v else f"{k};").encode() for k, v in req.headers])
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
    """Keeps the raw header lines; parses the final response's block (not 100 Continue) once."""

    def __init__(self, on_headers=None):
        self.on_headers = on_headers
        self.lines: list = []
        self.parsed = (-1, None)  # (len(lines) when parsed, result()): parse each block once

    def feed(self, line: bytes):
        self.lines.append(line)  # kept cheap: libcurl calls this once per header line
        if self.on_headers is not None and line == b"\r\n":
            status, reason, headers = self.result()
            if status >= 200:
                return self.on_headers(status, reason, headers)  # 0 aborts, as for the sink
        return None

    def result(self) -> tuple:
        """(status, reason, headers) of the last header block (a 100 Continue block is skipped)."""
        if self.parsed[0] != len(self.lines):
            self.parsed = (len(self.lines), self._parse())
        return self.parsed[1]

    def _parse(self) -> tuple:
        start = 0
        for i, raw in enumerate(self.lines):
            if raw.startswith(b"HTTP/"):
                start = i
        # One decode and split for the block: per-line work here is paid on every request.
        status_line, *lines = b"".join(self.lines[start:]).decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        reason = parts[2] if len(parts) > 2 else ""
        headers = []
        for text in lines:
            name, sep, value = text.partition(":")
            if sep:
                headers.append((name, value.strip()))
        return status, reason, tuple(headers)


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
