"""The first prompt's background work: the spec index loads in a thread of its own, off the prompt.

The prompt is drawn before the spec is read (start-to-prompt is benchmarked), so the first
keystrokes may come before it. Loading it in the event loop (as a run_in_terminal) made a Tab
that came first find no spec, and a Tab cannot wait for the loop it runs in; in a thread, Tab
waits for it briefly and Enter waits for it outright (the session is then used by one thread at a
time). What the session prints meanwhile (the "spec v1.41 from …" note, an error) is held back
and written above the prompt afterwards, never over it.
"""
from __future__ import annotations

import copy
import io
import threading
from collections.abc import Callable


class WarmUp:
    """Runs `load(console)` once in a thread, with the session's console holding its output."""

    def __init__(self, session, load: Callable, on_done: Callable[[], None]) -> None:
        self._session = session
        self._load = load
        self._on_done = on_done
        self.done = threading.Event()  # set once load has returned (or failed)
        self._started = False
        self._lock = threading.Lock()
        self._held: list = []  # (stream, bytes) to write once the terminal is ours

    def start(self) -> None:
        """Start loading (once; later calls do nothing). Called from the prompt's thread only."""
        if not self._started:
            self._started = True
            threading.Thread(target=self._run, name="spec-load", daemon=True).start()

    def wait(self, timeout: float) -> bool:
        """Wait for the load to end, at most `timeout` s; True once it has."""
        return self.done.wait(max(0.0, timeout))

    def flush(self) -> None:
        """Write what the load printed, once: from the main thread between prompts, or in
        run_in_terminal while one is up."""
        with self._lock:
            held, self._held = self._held, []
        for stream, data in held:
            stream.write(data)
            stream.flush()

    def _run(self) -> None:
        real = self._session.console
        # a copy with its own streams: the session is this thread's alone until `done`, and the
        # prompt's thread writes nothing through the console while a prompt is up
        held = copy.copy(real)
        held.stdout, held.stderr = io.BytesIO(), io.BytesIO()
        self._session.console = held
        try:
            self._load(held)
        finally:
            self._session.console = real
            with self._lock:
                self._held += [(stream, buf.getvalue()) for stream, buf in
                               ((real.stdout, held.stdout), (real.stderr, held.stderr)) if buf.getvalue()]
            self.done.set()
            self._on_done()
