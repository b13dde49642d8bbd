"""The thread that keeps live values fresh: it builds a new Snapshot when asked and swaps it in.

The completer reads `Refresher.snapshot` on every keystroke and never waits for the engine nor
sees a half-built set. Refreshes are asked for by the REPL after a request that changed state,
by `refresh`, and by the engine itself: an events follower (explorer.completion.events), started
here once the overlay says which events matter, asks again for the lists an event touches. The
thread owns its own transport (curl handles must not be shared between threads).

For a new engine (a `context` switch), close this refresher and start another on the new endpoint.
"""
from __future__ import annotations

import threading
import time

from explorer.completion import overlay
from explorer.completion.live import Snapshot, collect
from explorer.completion.overlay import Overlay
from explorer.core.errors import ExplorerError

# After a refresh that took d seconds, one asked for by an event waits until PACE × d have passed:
# on a busy engine (events every moment, 10,000 containers) following costs at most a third of a
# core, and a small engine's refresh (milliseconds) is not delayed in any way one could see.
PACE = 2.0


class Refresher:
    """A daemon thread that rebuilds the Snapshot whenever asked; asking never blocks.

    `make_getter()` runs in the thread and gives `get(target) -> Response`; `on_update()` is
    called (in the thread) after each new snapshot; `make_follower(overlay, request)`, when
    given, makes an events follower (start/close/following) that calls `request(lists)`;
    those refreshes are paced (PACE), the others are done at once.
    """

    def __init__(self, make_getter, load_overlay=None, on_update=None, make_follower=None) -> None:
        self._make_getter = make_getter  # called in the thread: the transport belongs to it
        self._load_overlay = load_overlay
        self._on_update = on_update or (lambda: None)
        self._make_follower = make_follower
        self._follower = None
        self._snapshot = Snapshot()
        self._cond = threading.Condition()
        self._asked = 1  # refreshes asked for (the first one by being created), and done:
        self._done = 0  # the thread catches up to `_asked`
        self._lists: set | None = None  # the lists asked for since the last refresh; None: all
        self._urgent = True  # something other than an event asked: no pacing
        self._calm = 0.0  # monotonic time before which an event's refresh waits (PACE)
        self._stopped = False
        self._first = threading.Event()  # set once the first refresh is over (or cannot happen)
        self._thread: threading.Thread | None = None

    @property
    def snapshot(self) -> Snapshot:
        """The newest complete set of values (an empty one before the first refresh)."""
        return self._snapshot

    @property
    def following(self) -> bool:
        """True while the engine's events stream is connected: changes made elsewhere show up."""
        follower = self._follower
        return bool(follower is not None and follower.following)

    def start(self) -> None:
        """Start the thread; it begins with a first refresh."""
        self._thread = threading.Thread(target=self._run, name="live-values", daemon=True)
        self._thread.start()

    def request(self, lists=None) -> None:
        """Ask for a refresh of `lists` (names; None: all of them); returns at once.

        Requests that come while a refresh runs are merged into the next one.
        """
        self._ask(lists, True)

    def _from_event(self, lists=None) -> None:
        """The events follower's request: like request(), but paced (PACE)."""
        self._ask(lists, False)

    def _ask(self, lists, urgent: bool) -> None:
        with self._cond:
            if lists is None or self._lists is None:
                self._lists = None
            else:
                self._lists.update(lists)
            self._asked += 1
            self._urgent = self._urgent or urgent
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait until every refresh asked so far is done; False on timeout."""
        with self._cond:
            target = self._asked
            return self._cond.wait_for(lambda: self._done >= target or self._stopped, timeout)

    def wait_first(self, timeout: float) -> bool:
        """Wait (at most `timeout` s) for the first snapshot; True once it is there or cannot come."""
        return self._first.wait(max(0.0, timeout))

    def close(self) -> None:
        """Stop the thread and the events follower (the thread finishes the refresh it is in,
        off the caller's time)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
            follower = self._follower
        if follower is not None:
            follower.close()

    def join(self, timeout: float) -> bool:
        """Wait for the threads (this one, the follower's) to end after close(); True when they have."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        follower = self._follower
        ended = follower.join(timeout) if follower is not None else True
        return ended and not (thread is not None and thread.is_alive())

    def _run(self) -> None:
        get = None
        try:
            # make_getter runs here, off the prompt's thread: what it imports (the REPL's completion
            # modules too) loads while the user reads the prompt.
            get = self._make_getter()
            loaded = self._overlay()
            self._follow(loaded)
            while self._next(loaded, get):
                pass
        finally:
            with self._cond:
                self._stopped = True
                self._cond.notify_all()
            self._first.set()
            if get is not None and hasattr(get, "close"):
                get.close()

    def _next(self, loaded: Overlay | None, get) -> bool:
        """Wait for a request, do the refresh; False once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._asked > self._done or self._stopped)
            # only events asked: wait out the pause after the last refresh, unless another request comes
            self._cond.wait_for(lambda: self._urgent or self._stopped, self._calm - time.monotonic())
            if self._stopped:
                return False
            target, lists, self._lists, self._urgent = self._asked, self._lists, set(), False
        started = time.monotonic()
        self._refresh(loaded, get, lists)
        self._calm = time.monotonic() + PACE * (time.monotonic() - started)
        with self._cond:
            self._done = target
            self._cond.notify_all()
        self._first.set()  # before on_update: what it wakes may ask whether the first values are in
        self._on_update()
        return True

    def _overlay(self) -> Overlay | None:
        try:
            return (self._load_overlay or overlay.load)()
        except ExplorerError as err:
            self._snapshot = Snapshot(error=str(err))
            return None

    def _follow(self, loaded: Overlay | None) -> None:
        """Start the events follower, unless there is nothing to follow or we are closed already."""
        if self._make_follower is None or loaded is None or not loaded.event_types():
            return
        follower = self._make_follower(loaded, self._from_event)
        with self._cond:
            if self._stopped:
                return
            self._follower = follower
        follower.start()

    def _refresh(self, loaded: Overlay | None, get, lists) -> None:
        """Build a new snapshot and swap it in; a failure keeps the old values, never the thread down."""
        if loaded is None:
            return
        old = self._snapshot
        try:
            fresh = collect(loaded, get, lists, old).prepared()
        except Exception as err:  # a bug here must not kill completion: keep what we had
            fresh = Snapshot(old.values, loaded, old.reachable, old.engine_version, old.engine_kind,
                             error=f"live values: internal error {type(err).__name__}: {err}", objects=old.objects)
        self._snapshot = fresh
