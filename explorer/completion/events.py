"""Follow the engine's events (GET /events), so that live values follow changes made anywhere.

A container created from another shell is offered about as soon as the engine reports it: each
event names the lists it touches (specs/live-values.yaml, `events:`), and the refresher is asked
for those. The follower has its own thread and its own transport, reconnects with backoff when
the stream breaks (asking for a whole refresh once it is back, for what it missed), and gives up
on an engine that answers /events with an error: live values are then refreshed after the
session's own changes and by `refresh`, as without it.
"""
from __future__ import annotations

import json
import threading
import time

from explorer.completion.overlay import Overlay
from explorer.core.errors import ExplorerError
from explorer.http.request import Request
from explorer.http.transport import Transport

RETRY_FIRST_S = 0.5  # the first wait before reconnecting; it doubles up to RETRY_MAX_S
RETRY_MAX_S = 30.0
STEADY_S = 10.0  # a stream that lasted this long worked: the next wait starts short again
UNSUPPORTED = (400, 404, 405, 501)  # an engine (or proxy) without /events; other errors are retried


class EventFollower:
    """A daemon thread reading the engine's event stream; `request(lists)` is called for each
    event that changes some list, and `request(None)` each time the stream (re)connects."""

    def __init__(self, endpoint, overlay: Overlay, request, make_transport=None, headers: tuple = ()) -> None:
        self.endpoint = endpoint
        self.headers = headers  # docker's config.json HttpHeaders, as on every request docker sends
        self.overlay = overlay
        self._request = request
        self._make_transport = make_transport or _stoppable_transport
        self._types = overlay.event_types()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._transport: Transport | None = None
        self._thread: threading.Thread | None = None
        self.following = False  # the stream is connected now
        self.supported = True  # False once the engine said it has no events
        self.events = 0  # events read so far (that changed a list or not)

    def start(self) -> None:
        """Start following in the background."""
        self._thread = threading.Thread(target=self._run, name="live-events", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop following: the stream is cut at once (not at its next event), the thread ends."""
        self._stop.set()
        with self._lock:
            transport = self._transport
        if transport is not None:
            transport.stop()

    def join(self, timeout: float) -> bool:
        """Wait for the thread to end after close(); True when it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self) -> None:
        transport = self._make_transport(self.endpoint)
        with self._lock:
            self._transport = transport
        try:
            delay = RETRY_FIRST_S
            while not self._stop.is_set():
                started = time.monotonic()
                if not self._stream(transport):
                    self.supported = False
                    return
                if time.monotonic() - started >= STEADY_S:
                    delay = RETRY_FIRST_S
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, RETRY_MAX_S)
        finally:
            self.following = False
            with self._lock:
                self._transport = None
            transport.close()

    def _stream(self, transport: Transport) -> bool:
        """Read one connection's events until it ends; False when the engine has no events."""
        status = [0]
        pending = bytearray()

        def on_headers(code, reason, headers) -> None:
            status[0] = code
            if code == 200:
                self.following = True
                self._request(None)  # what changed while we were not listening

        def sink(data: bytes):
            pending.extend(data)
            if b"\n" not in data:
                return None
            *lines, rest = bytes(pending).split(b"\n")
            pending[:] = rest
            try:
                for line in lines:
                    self._event(line)
            except Exception:  # a bug: pycurl would print it over the prompt; cut this stream instead
                return 0
            return None

        query = (("filters", json.dumps({"type": list(self._types)}, separators=(",", ":"))),)
        try:
            transport.send(Request("GET", "/events", query, self.headers), sink=sink, on_headers=on_headers, eager=True)
        except ExplorerError:  # the engine went away, or close() cut the stream
            pass
        except Exception:  # a bug costs following (until the next try), never the prompt
            pass
        self.following = False
        return status[0] not in UNSUPPORTED

    def _event(self, line: bytes) -> None:
        """One JSON line of the stream: ask for the lists it touches."""
        try:
            event = json.loads(line)
        except ValueError:
            return
        if not isinstance(event, dict):
            return
        self.events += 1
        kind = event.get("Type") or ("container" if "status" in event else "")
        action = event.get("Action") or event.get("status") or ""
        if isinstance(kind, str) and isinstance(action, str):
            lists = self.overlay.lists_for_event(kind, action)
            if lists:
                self._request(lists)


def _stoppable_transport(endpoint) -> Transport:
    """A transport of the follower's own, with no overall timeout (the stream is endless)."""
    return Transport(endpoint, connect_timeout=2.0, stoppable=True)
