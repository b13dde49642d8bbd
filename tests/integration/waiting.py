"""Waiting on events in integration tests: never a guessed delay, always a deadline that fails the test.

Ctrl-C is played as SIGINT to the main thread, where session.execute runs; "the request is waiting"
is read from the main thread's stack (inside libcurl's perform()); "the stream is open" is the
transport's on_headers callback.
"""
from __future__ import annotations

import contextlib
import linecache
import signal
import sys
import threading
import time

WAIT = 60  # seconds: how long a test waits for an event before it fails (never how fast it must come)


def _main_thread() -> int:
    ident = threading.main_thread().ident
    assert ident is not None  # the main thread is running: it runs the tests
    return ident


def ctrl_c() -> None:
    """What a Ctrl-C does: SIGINT to the main thread, where session.execute runs."""
    signal.pthread_kill(_main_thread(), signal.SIGINT)


def _main_stack() -> list:
    frame, stack = sys._current_frames().get(_main_thread()), []
    while frame is not None:
        stack.append(frame)
        frame = frame.f_back
    return stack


def _in_transport_send(frame) -> bool:
    return frame.f_code.co_name == "send" and frame.f_code.co_filename.endswith("transport.py")


def waiting_in_libcurl() -> bool:
    """True while the main thread is inside libcurl's perform(): a request sent, its answer awaited."""
    stack = _main_stack()
    return bool(stack) and _in_transport_send(stack[0]) and \
        "perform()" in linecache.getline(stack[0].f_code.co_filename, stack[0].f_lineno)


def in_a_request() -> bool:
    """True while the main thread is anywhere inside the transport's send."""
    return any(_in_transport_send(frame) for frame in _main_stack())


def _poll(condition, stop: threading.Event) -> bool:
    """Whether `condition` came true within WAIT s (polled; checked once more when `stop` is set)."""
    deadline = time.monotonic() + WAIT
    while not stop.is_set() and time.monotonic() < deadline:
        if condition():
            return True
        stop.wait(0.01)
    return condition()


@contextlib.contextmanager
def ctrl_c_once(condition, rescue):
    """Within the block, press Ctrl-C once `condition` holds (the request waits in libcurl, idle), then
    watch the request end. The yielded dict says whether it was pressed and whether the request then
    left the transport within WAIT s; if not, `rescue()` ends it another way, so a Ctrl-C that is
    not let in fails the test instead of hanging it. Polls states, never guesses a delay, and the
    thread ends with the block: a late press can never reach another request or test."""
    seen = {"pressed": False, "ended": False}
    stop = threading.Event()

    def press():
        if not _poll(condition, stop) or stop.is_set():
            return
        ctrl_c()
        seen["pressed"] = True
        seen["ended"] = _poll(lambda: not in_a_request(), stop)
        if not seen["ended"]:
            rescue()

    thread = threading.Thread(target=press, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(WAIT)


class WhenOpen:
    """Runs `action` in a thread once the next response's headers are in: the stream is open, so what
    the action causes (a container starting) is seen by it, with no guess at how long opening takes."""

    def __init__(self, monkeypatch, session, action) -> None:
        self.action = action
        self.result: object = None
        self.thread: threading.Thread | None = None
        real_send = session.transport().send

        def send(req, sink=None, on_headers=None, eager=False, timeout=None):
            def opened(status, reason, headers):
                if self.thread is None:
                    self.thread = threading.Thread(target=self._run, daemon=True)
                    self.thread.start()
                return on_headers(status, reason, headers)

            return real_send(req, sink=sink, on_headers=opened if on_headers else None, eager=eager,
                             timeout=timeout)

        monkeypatch.setattr(session.transport(), "send", send)

    def _run(self) -> None:
        try:
            self.result = self.action()
        except Exception as err:  # kept for the test to report, not lost in a thread
            self.result = err

    def outcome(self):
        """What the action returned (or raised); fails if the stream never opened or the action hangs."""
        assert self.thread is not None, "the response never opened"
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), f"the action did not finish within {WAIT} s"
        return self.result
