"""The only module that imports pycurl: send a Request over a unix socket or TCP, as curl does."""
from __future__ import annotations

import _thread
import os
import time
from collections.abc import Callable
from typing import Any

import pycurl

from explorer import __version__
from explorer.core.config import Endpoint
from explorer.core.errors import EngineError, TimedOut
from explorer.http import bodyfile, curlerrors, encoding, message
from explorer.http.message import Response, parse_headers, too_large

USER_AGENT = f"engine-explorer/{__version__}"


class Transport:
    """One reused curl handle per engine, so requests share a keep-alive connection.

    Per request pycurl calls back into Python once per header line, once per body chunk and, with
    the progress meter on, about ten times more: each call costs about a microsecond, which on a
    keep-alive socket is a tenth of a request. So header lines go straight into a list (a C method,
    no Python frame) unless the caller needs the headers the moment they arrive (`eager`); a body
    nobody watches arrive (no sink, no on_headers) goes into a list the same way; and the
    progress callback, whose only job is to let Ctrl-C in while libcurl waits, is on only when
    someone can press Ctrl-C without it killing the process (`interruptible`: the REPL; a
    non-interactive run leaves SIGINT at its default, as curl does) or the response may idle for
    ever (`eager` streams).
    """

    def __init__(self, endpoint: Endpoint, connect_timeout: float = 5.0, timeout: float = 0,
                 interruptible: bool = False, stoppable: bool = False):
        self.endpoint = endpoint
        self.connect_timeout_ms = int(connect_timeout * 1000)
        self.timeout_ms = int(timeout * 1000)
        self.interruptible = interruptible
        self.cancel: Any = None  # a threading.Event: once set, the transfer ends at libcurl's next progress call
        self._curl = pycurl.Curl()
        self._base = endpoint.base_url.rstrip("/")
        self._mode: tuple | None = None  # what the handle is set for (see send); None after a non-GET
        self._lines: list = []  # this response's raw header lines
        self._parsed: tuple = (0, "", None)  # (status, reason, Headers), as _write parsed them
        self._parsed_at = -1
        self._sink: Callable | None = None
        self._on_headers: Callable | None = None  # called once, before the first body byte (or at the end)
        self._chunks: list = []
        self._received = 0
        # stoppable: the socket libcurl has open (-1: none), so that stop() can end a transfer
        # (_thread, documented and built in: `threading` would cost a -c start its import)
        self._guard = _thread.allocate_lock() if stoppable else None
        self._fd = -1
        self._stopping = False
        self._inflater: encoding.Inflater | None = None  # a body compressed unasked, inflated as it comes
        self._asked_compressed = False
        self._failure: EngineError | None = None  # why a callback of ours stopped the transfer
        self._deadline: float | None = None  # perf_counter() when --timeout runs out
        self.max_kept = message.MAX_KEPT

    def close(self) -> None:
        """Close the connection."""
        self._curl.close()

    def stop(self) -> None:
        """End the transfer this (stoppable) transport is in, at once, from any thread; it sends
        nothing more. An endless stream (GET /events) idles in libcurl's poll, which no flag
        would reach: shutting its socket down ends the poll, and send() raises EngineError."""
        import socket  # only the events follower stops a transfer; a -c start never loads it

        if self._guard is None:
            raise ValueError("stop() needs Transport(stoppable=True)")
        with self._guard:  # the socket cannot be closed (and its number reused) meanwhile: see _closing
            self._stopping = True
            if self._fd >= 0:
                dup = socket.socket(fileno=os.dup(self._fd))
                try:
                    dup.shutdown(socket.SHUT_RDWR)
                except OSError:  # not connected yet, or already gone: libcurl finds out either way
                    pass
                finally:
                    dup.close()

    def send(self, req, sink=None, on_headers=None, eager: bool = False, timeout: float | None = None) -> Response:
        """Send `req`; with `sink`, each body chunk goes to sink(bytes) as it arrives.

        `timeout` (seconds) bounds this request only, in place of the transport's own.

        `on_headers(status, reason, headers)` is called once the final response's headers are in:
        before the first body chunk, or when the response is complete if it has no body; with
        `eager` (a stream that may idle), as soon as the header block ends. Either callback
        returning 0 stops the transfer (EngineError "stopped reading"): pycurl would print an
        exception raised in a callback, so callers keep it and return 0 (KeyboardInterrupt alone
        passes through pycurl, and ends the transfer too).
        """
        c = self._curl
        if self._stopping:
            raise EngineError("stopped reading the response")
        plain = req.method == "GET" and not req.headers and req.body is None and not req.body_file \
            and not req.compressed
        # (progress callback?, headers at once?, body straight into a list?)
        mode = (self.interruptible or eager, eager, sink is None and on_headers is None)
        # Resetting and re-setting every option costs more than libcurl's whole request on a
        # keep-alive socket; a plain GET after a plain GET in the same mode only needs a new URL.
        if not (plain and mode == self._mode) or timeout is not None:
            c.reset()
            self._set_options(c, *mode)
        self._mode = mode if plain and timeout is None else None  # the next request sets its own timeout
        limit_ms = self.timeout_ms if timeout is None else max(1, int(timeout * 1000))
        if timeout is not None:
            c.setopt(pycurl.TIMEOUT_MS, limit_ms)
        self._lines.clear()
        self._chunks.clear()
        self._parsed_at = -1  # len(self._lines) when self._parsed was parsed from them
        self._sink, self._on_headers, self._received = sink, on_headers, 0
        self._inflater, self._failure = None, None
        self._asked_compressed = req.compressed
        c.setopt(pycurl.URL, self._base + req.target())
        upload = None if plain else _set_method_and_body(c, req)
        start = time.perf_counter()
        self._deadline = start + limit_ms / 1000 if limit_ms else None
        try:
            c.perform()
        except pycurl.error as err:
            self._mode = None
            if self._stopping:
                raise EngineError("stopped reading the response") from None
            raise self._explain(err) from None
        finally:
            if upload is not None:
                upload.close()
        parsed = self._parsed_at == len(self._lines)  # by _write, at the first body byte
        status, reason, headers = self._parsed if parsed else parse_headers(self._lines)
        if self._on_headers is not None:  # no body came: the headers are all there is
            self._on_headers = None
            if on_headers(status, reason, headers) == 0:
                raise EngineError("stopped reading the response")
        body = b"".join(self._chunks)
        if mode[2] and body and not req.compressed:
            body = self._inflated(body, headers)
        elif self._inflater is not None:
            self._inflater.check_end()
        return Response(status, reason, headers, body, time.perf_counter() - start,
                        len(body) if mode[2] else self._received)

    def _set_options(self, c, interruptible: bool, eager: bool, collect: bool) -> None:
        if self.endpoint.socket:
            c.setopt(pycurl.UNIX_SOCKET_PATH, self.endpoint.socket)
        if self.endpoint.tls is not None:
            _set_tls(c, self.endpoint.tls)
        c.setopt(pycurl.USERAGENT, USER_AGENT)
        # The path goes as built: no libcurl (7.88 squashes `.`/`..`, 8.x also %2E) may rewrite it.
        # curlcmd prints --path-as-is where that matters, so the curl command does the same.
        c.setopt(pycurl.PATH_AS_IS, 1)
        c.setopt(pycurl.CONNECTTIMEOUT_MS, self.connect_timeout_ms)
        if self.timeout_ms:
            c.setopt(pycurl.TIMEOUT_MS, self.timeout_ms)
        c.setopt(pycurl.NOSIGNAL, 1)
        # A kept body is counted as it comes (a Python call per chunk costs no measurable
        # instructions against libcurl's own per request): an endless one stops at max_kept.
        c.setopt(pycurl.WRITEFUNCTION, self._collect if collect else self._write)
        c.setopt(pycurl.HEADERFUNCTION, self._header_line if eager else self._lines.append)
        if self._guard is not None:
            c.setopt(pycurl.SOCKOPTFUNCTION, self._opened)
            c.setopt(pycurl.CLOSESOCKETFUNCTION, self._closing)
        if interruptible:
            # A Ctrl-C wakes libcurl's poll, which then calls this: Python runs the signal handler
            # and KeyboardInterrupt ends even an idle endless stream (events, logs follow) at once.
            c.setopt(pycurl.NOPROGRESS, 0)
            c.setopt(pycurl.XFERINFOFUNCTION, self._progress)

    def _progress(self, *_progress):
        """libcurl's progress callback (at least once a second, idle or not): returning to Python lets
        pending signals run; a set `cancel` (a thread of `stats` told to stop) aborts the transfer."""
        return 1 if self.cancel is not None and self.cancel.is_set() else None

    def _opened(self, fd: int, purpose: int) -> int:
        """libcurl made a socket (stoppable transports): note it, or refuse it once stopping."""
        assert self._guard is not None  # set as a callback only then
        with self._guard:
            self._fd = fd
            return pycurl.SOCKOPT_ERROR if self._stopping else pycurl.SOCKOPT_OK

    def _closing(self, fd: int) -> int:
        """libcurl closes a socket (stoppable transports): forget it first, under the lock stop() takes."""
        assert self._guard is not None
        with self._guard:
            if self._fd == fd:
                self._fd = -1
            os.close(fd)
        return 0

    def _header_line(self, line: bytes):
        self._lines.append(line)
        if line == b"\r\n" and self._on_headers is not None:
            status, reason, headers = parse_headers(self._lines)
            if status < 200 and status != 101:  # a 100 Continue: its block is no use (a 101's stream follows)
                self._lines.clear()
                return None
            on_headers, self._on_headers = self._on_headers, None
            self._start_body(headers)
            return on_headers(status, reason, headers)  # 0 aborts, as for the sink
        return None

    def _start_body(self, headers) -> None:
        """The final headers are in: a body compressed unasked is inflated from its first byte."""
        if not self._asked_compressed:
            self._inflater = encoding.inflater(headers.get("Content-Encoding"))

    def _collect(self, data: bytes):
        self._chunks.append(data)
        self._received += len(data)
        return 0 if self._received > self.max_kept else None  # 0 aborts: curl error 23, see _explain

    def _write(self, data: bytes):
        if self._on_headers is not None:
            on_headers, self._on_headers = self._on_headers, None
            self._parsed, self._parsed_at = parse_headers(self._lines), len(self._lines)  # send() reuses it
            self._start_body(self._parsed[2])
            if on_headers(*self._parsed) == 0:
                return 0
        self._received += len(data)
        if self._inflater is not None:
            return self._write_inflated(data)
        if self._sink is None:
            self._chunks.append(data)
            return None
        return self._sink(data)  # a count other than len(data) (e.g. 0) aborts: curl error 23

    def _write_inflated(self, data: bytes):
        inflater = self._inflater
        assert inflater is not None
        try:
            for piece in inflater.pieces(data):
                if self._sink is None:
                    self._chunks.append(piece)
                elif self._sink(piece) == 0:
                    return 0
                # a few compressed bytes can hold gigabytes: libcurl cannot time out inside this call
                if self._deadline is not None and time.perf_counter() > self._deadline:
                    raise self._timed_out()
        except EngineError as err:
            self._failure = err
            return 0
        return None

    def _inflated(self, body: bytes, headers) -> bytes:
        """A kept body the engine compressed unasked, inflated (within max_kept)."""
        if encoding.inflater(headers.get("Content-Encoding")) is None:
            return body
        return encoding.inflate(body, self.max_kept)

    def _timed_out(self) -> EngineError:
        # TimedOut says how much came: a stream that was flowing is ended so, as asked (delivery)
        return TimedOut(f"timed out talking to {self.endpoint.display}: the engine did not answer in time; "
                        "check it, or allow longer with --timeout", self._received)

    def _explain(self, err) -> EngineError:
        code, message = err.args[0], err.args[1] if len(err.args) > 1 else ""
        if self._failure is not None:
            return self._failure
        if code == pycurl.E_WRITE_ERROR and self._sink is None and self._received > self.max_kept:
            return too_large(self.max_kept)
        if code == pycurl.E_OPERATION_TIMEDOUT:
            return self._timed_out()
        return curlerrors.explain(code, message, self.endpoint)


def _set_tls(c, tls) -> None:
    """What curl's --cacert, --cert, --key and --insecure set (explorer.http.curlcmd.tls_options prints them)."""
    if tls.ca:
        c.setopt(pycurl.CAINFO, tls.ca)
    if tls.cert:
        c.setopt(pycurl.SSLCERT, tls.cert)
        c.setopt(pycurl.SSLKEY, tls.key)
    if not tls.verify:
        c.setopt(pycurl.SSL_VERIFYPEER, 0)
        c.setopt(pycurl.SSL_VERIFYHOST, 0)


def _set_method_and_body(c, req):
    """Set options exactly as the curl CLI does for the argv curlcmd prints; returns an open file."""
    if req.compressed:  # curl --compressed: ask for any encoding libcurl decodes, and decode it
        c.setopt(pycurl.ACCEPT_ENCODING, "")
    if req.headers:
        # UTF-8 bytes, as the curl CLI passes its -H argument through unchanged
        c.setopt(pycurl.HTTPHEADER, [(f"{k}: {v}" if v else f"{k};").encode("utf-8", "surrogateescape")
                                     for k, v in req.headers])
    if req.method == "HEAD":
        c.setopt(pycurl.NOBODY, 1)
        return None
    upload, body = None, req.body
    if req.body_file:
        upload, size = bodyfile.open_sized(req.body_file)
        if size:
            c.setopt(pycurl.POST, 1)
            c.setopt(pycurl.READDATA, upload)
            c.setopt(pycurl.POSTFIELDSIZE_LARGE, size)
        else:  # /proc, /sys, a pipe: no size to go by, so read to the end first, as curl reads @file
            body = bodyfile.read_unsized(upload, req.body_file)
            upload.close()
            upload = None
    if body is not None:
        c.setopt(pycurl.POSTFIELDS, body)
        c.setopt(pycurl.POSTFIELDSIZE_LARGE, len(body))
    if req.method != "GET" or req.body_file or body is not None:
        c.setopt(pycurl.CUSTOMREQUEST, req.method)
    return upload


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


def libcurl_version() -> tuple:
    """(pycurl's version line, the version of the libcurl it sends with), e.g. ("PycURL/7.45.2 libcurl/8.…", "8.…")."""
    return pycurl.version, pycurl.version_info()[1]
