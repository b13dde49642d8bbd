"""One response, from its headers to its last byte: its kind, where it goes, status and errors.

`deliver` sends a request with a sink, so bodies are shown (or written) as they arrive: streams
never pile up in memory, and Ctrl-C ends a long-lived request (logs follow, events, stats, wait,
attach) at once — the KeyboardInterrupt comes out of the transport and goes on to the REPL.
"""
from __future__ import annotations

import time
from typing import Any

from explorer.core.config import Settings
from explorer.core.errors import ExplorerError, TimedOut, UsageError
from explorer.core.outcome import Outcome
from explorer.http.message import Response, find_header
from explorer.lang.redirect import WRITE, Redirect
from explorer.response import kinds, sinks, streamstatus
from explorer.response.destination import Target
from explorer.response.show import show

PATH_STAT = "X-Docker-Container-Path-Stat"


def deliver(session, req, redirect=None, include: bool = False):
    """Send `req` and show or write its response; the Outcome (exit 1 on >= 400 or an in-band error).
    `include` (a pasted `curl -i`): the status line and headers go first, where the body goes."""
    console = session.console
    ex, kind, operation = _exchange_and_kind(session, req)
    if redirect is not None:
        target = Target(redirect, console)
    else:
        target = _binary_guard(console, req, kind)
    reception = Reception(console, ex, target, session.settings, operation, include)
    try:
        resp = _send(session, req, reception, kind)
        try:
            outcome = reception.finish(resp)
        except BrokenPipeError:  # the command went away (`| head -1`): the request is over, not failed
            outcome = Outcome(0, reception.status or None)
    except BaseException:
        reception.abandon()
        if target is not None:
            target.close(quiet=True)
        raise
    piped = target.close() if target is not None else 0  # a full disk shows here, at the last flush
    session.last_response = reception.response
    session.last_operation = operation  # which table `last` shows it as
    if piped and outcome.exit_code == 0:
        outcome = outcome._replace(exit_code=1)  # as a shell pipeline reports its last command
    return outcome


def _send(session, req, reception, kind):
    """The response; None when the reader went away. A failure inside a callback is raised here.

    A body expected to be JSON or text is kept whole anyway (to be formatted): libcurl collects
    it, and it is looked at once complete, which spares a Python callback chain per chunk. Any
    other kind is handed over as it arrives; a stream's headers as soon as they come (`eager`),
    to be shown before its first event.
    """
    transport = session.transport()
    try:
        if kind in _KEPT_WHOLE and reception.target is None:
            resp = transport.send(req)
            if reception.on_headers(resp.status, resp.reason, resp.headers) is None and resp.body:
                reception.feed(resp.body)
        else:
            resp = transport.send(req, sink=reception.feed, on_headers=reception.on_headers,
                                  eager=kind in kinds.STREAMS)
    except TimedOut as err:
        resp = reception.timed_out(err)  # a stream that was flowing: --timeout ended it, as asked
        if resp is None:
            raise
    except ExplorerError:
        if reception.failure is None:
            raise
        resp = None
    failure = reception.failure
    if failure is not None and not isinstance(failure, BrokenPipeError):
        raise failure
    return None if failure is not None else resp


_KEPT_WHOLE = frozenset({kinds.JSON, kinds.TEXT, kinds.EMPTY})


def expected_kind(session, req) -> str:
    """The kind of body `req` is expected to get (explorer.response.kinds), before it is sent."""
    return _exchange_and_kind(session, req)[1]


def _exchange_and_kind(session, req) -> tuple:
    """(exchange, the kind expected, the operationId or None), remembered per spec and request
    line: requests repeat."""
    version = req.api_version
    try:
        version = version or session.api_version(need_engine=False)
        index = session.index()
    except ExplorerError:
        index = None
    key = (index, req.method, req.path, req.query, version, req.operation_id)
    found = _EXCHANGES.get(key)
    if found is None:
        op = _operation(index, req)
        ex = kinds.Exchange(req.method, req.path, req.query, version, op.produces if op else ())
        if len(_EXCHANGES) > 4096:
            _EXCHANGES.clear()
        found = _EXCHANGES[key] = (ex, kinds.expected(ex), op.operation_id if op else None)
    return found


_EXCHANGES: dict = {}


def _operation(index, req):
    if index is None:
        return None
    if req.operation_id:
        return index.by_id(req.operation_id)
    for template in index.match_templates(req.path):
        op = index.get(req.method, template)
        if op is not None:
            return op
    return None


def _binary_guard(console, req, kind):
    """A tar is never written to a terminal: ask for a file name (REPL), or refuse before sending."""
    if kind != kinds.BINARY or not (console.interactive or console.tty):
        return None
    what = f"{req.method} {req.path}"
    if console.interactive and console.ask is not None:
        name = (console.ask(f"{what} returns a tar; save it to file: ") or "").strip()
        if name:
            return Target(Redirect(WRITE, name), console)
        raise UsageError(f"nothing saved: {what} returns a tar, which is not shown; add `> FILE`")
    raise UsageError(f"{what} returns a tar, which is not written to a terminal: add `> FILE` or `| tar t`")


class Reception:
    """The response as it arrives: decides its kind at the headers, then feeds the matching sink."""

    def __init__(self, console, ex: kinds.Exchange, target=None, settings=None, operation: str | None = None,
                 include: bool = False) -> None:
        self.console = console
        self.ex = ex
        self.target = target
        self.settings = settings if settings is not None else Settings()  # the view, the pager, --timeout
        self.operation = operation  # the spec's operationId: which table or live view shows it
        self.timeout = self.settings.timeout  # --timeout: when it ends a stream, the stream is over, not failed
        self.sink: Any = None  # the sink for the body's kind (explorer.response.sinks), made at the headers
        self.status = 0
        self.head: streamstatus.Head | None = None  # the status line and headers, once they came
        self.stopped = False  # --timeout ended the stream
        self.started = time.perf_counter()
        self.response = None
        self.failure: BaseException | None = None  # raised while writing, which stopped the transfer
        self.include = include  # `curl -i`: the status line and headers before the body

    def on_headers(self, status: int, reason: str, headers: tuple):
        """Called by the transport before the first body byte; 0 stops the transfer."""
        try:
            self._start(status, reason, headers)
        except Exception as err:  # noqa: BLE001 - kept, and raised again by deliver
            return self._fail(err)
        return None

    def feed(self, chunk: bytes):
        """A body chunk, as it arrives; 0 stops the transfer."""
        try:
            self.sink.feed(chunk)
        except Exception as err:  # noqa: BLE001 - kept, and raised again by deliver
            return self._fail(err)
        return None

    def _fail(self, err: BaseException) -> int:
        self.failure = err
        return 0

    def timed_out(self, err: TimedOut):
        """--timeout ran out: the Response so far when it ended a stream that was flowing, else None."""
        head, sink = self.head, self.sink
        if head is None or sink is None or not sink.streaming or kinds.decide(
                self.ex, head.status, find_header(head.headers, "Content-Type")) not in kinds.STREAMS:
            return None
        self.stopped = True
        return Response(head.status, head.reason, head.headers, b"", time.perf_counter() - self.started,
                        err.received)

    def _start(self, status: int, reason: str, headers: tuple) -> None:
        self.status = status
        self.head = streamstatus.Head(status, reason, headers, time.perf_counter() - self.started)
        kind = kinds.decide(self.ex, status, find_header(headers, "Content-Type"))
        target = self.target if status < 400 else None  # an error message is for the user's eyes
        if self.include:
            from explorer.response import curlout  # a pasted line's -i only

            curlout.write_head(self.console, target, curlout.head(status, reason, headers))
        if target is not None and kind != kinds.EMPTY:
            target.open()  # `> file` makes the file even when the body is empty
        if kind == kinds.BINARY and target is None and (self.console.interactive or self.console.tty):
            raise UsageError(f"{self.ex.method} {self.ex.path} sent a binary body, which is not written "
                             "to a terminal: repeat it with `> FILE`")
        sink = self.sink = self._live(kind, target) or sinks.make(kind, self.console, target)
        if sink.streaming:
            streamstatus.opened(self.console, self.head)

    def _live(self, kind: str, target):
        """A live view of a JSON stream (stats, events) at the prompt, unless the view is json."""
        if kind != kinds.JSON_STREAM or target is not None or not self.console.interactive:
            return None
        if self.settings.view == "json":
            return None
        # live views: the shell with a view other than json only
        from explorer.response.views.live import sink_for

        return sink_for(self.operation, self.console)

    def finish(self, resp):
        """The body is complete: finish the output, show status and any error; the Outcome."""
        sink = self.sink
        if sink is None:  # the headers never came
            sink = self.sink = sinks.Buffer()
        sink.close()
        if resp is None:
            return Outcome(0, self.status or None)
        if sink.streaming:
            self.response = resp
            if self.target is not None:
                self.target.close()  # a piped command's last output comes before the closing line
            streamstatus.ended(self.console, resp, self.timeout if self.stopped else None)
        else:
            data = sink.data
            self.response = resp if data is resp.body else resp.with_body(data)
            self.console.status(self.response)
            self._show(self.response)
            if resp.status == 400 and kinds.overlay_kind(self.ex) == kinds.WEBSOCKET:  # "not websocket protocol"
                self.console.note(f"hint: a websocket is asked for with the upgrade headers: {kinds.WEBSOCKET_HEADERS}")
        if self.ex.path.endswith("/archive"):
            self._path_stat(resp)
        if sink.error:
            self.console.error(sink.error)
        failed = resp.status >= 400 or sink.error is not None
        return _outcome(1 if failed else 0, resp.status)

    def abandon(self) -> None:
        """Ctrl-C or an error mid-body: end what is on screen; never mask the original exception."""
        try:
            if self.sink is not None:
                self.sink.close()
        except Exception:  # noqa: BLE001 - the exception being raised matters more
            pass

    def _show(self, resp) -> None:
        if not resp.body:
            return
        if self.target is not None and resp.status < 400:
            self.target.write(resp.body)
            return
        show(self.console, resp, self.operation, self.settings)

    def _path_stat(self, resp) -> None:
        """Archive requests: the decoded X-Docker-Container-Path-Stat (HEAD's only answer)."""
        stat = decode_path_stat(resp.header(PATH_STAT))
        if stat is None:
            return
        from explorer.core import jsontext  # json: archive requests only

        if self.ex.method != "HEAD":
            if self.console.interactive or self.console.verbose:
                self.console.note("path stat: " + jsontext.dumps(stat, ensure_ascii=False))
            return
        text = jsontext.dumps(stat, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace") + b"\n"
        if self.target is not None:
            self.target.write(text)
            return
        shown = resp._replace(body=text, headers=(("Content-Type", "application/json"),))
        self.console.stdout.write(self.console.format_body(shown))
        self.console.stdout.flush()


def decode_path_stat(value: str | None):
    """The JSON object in an X-Docker-Container-Path-Stat header (base64), or None."""
    if not value:
        return None
    import base64  # these: archive requests only
    import binascii

    from explorer.core import jsontext  # json: archive requests only, as the two above

    try:
        stat = jsontext.loads(base64.b64decode(value + "=" * (-len(value) % 4)))
        jsontext.dumps(stat)  # it is shown: a value too deep to write is no path stat either
        return stat
    except (binascii.Error, ValueError):
        return None


def _outcome(code: int, status: int) -> Outcome:
    """Outcome(code, status): the few distinct ones are made once (a record costs a call to make)."""
    made = _OUTCOMES.get((code, status))
    if made is None:
        made = _OUTCOMES[(code, status)] = Outcome(code, status)
    return made


_OUTCOMES: dict = {}
