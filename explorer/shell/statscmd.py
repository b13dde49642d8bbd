"""`stats [CONTAINER…]`: `docker stats` at the prompt: a table of every running container (or the ones
named), redrawn each second from one GET /containers/{id}/stats stream per container, until Ctrl-C.

Each stream runs in a thread of its own, on a transport of its own, and writes its samples to a
board (explorer.response.views.live.StatsBoard); this thread draws the board and, with no names
given, asks for the list of running containers every few seconds, so that ones started since join
the table and ones stopped leave it.
"""
from __future__ import annotations

import json
import threading
import time

from explorer.core.console import terminal_size
from explorer.core.errors import ExplorerError, UsageError
from explorer.core.outcome import Outcome
from explorer.core.protocols import Shell
from explorer.http.request import Request, encode_path
from explorer.response.streams import JsonLines
from explorer.response.views.live import Screen, StatsBoard

REFRESH_S = 1.0  # docker stats redraws about as often
RELIST_EVERY = 5  # refreshes between two lists of the running containers
STOP_WAIT_S = 5.0  # how long a stream may take to notice the end (its next sample comes within a second)


def command(session: Shell, args: tuple) -> Outcome:
    """Run the live table until Ctrl-C; the table stays on screen and the prompt comes back."""
    console = session.console
    if not console.on_terminal:
        raise UsageError("`stats` is a live view for a terminal; for data, "
                         "GET /containers/{id}/stats stream==0 (one sample) or stream==1")
    version = session.api_version()
    board = StatsBoard()
    streams: dict = {}
    screen = Screen(console.stdout)
    console.note(f"stats: one GET /v{version}/containers/{{id}}/stats stream per container; Ctrl-C ends")
    try:
        _follow(session, args, version, board, streams)
        tick = 0
        board.changed.wait(REFRESH_S)  # the first samples, drawn as soon as they come
        board.changed.set()  # and the table drawn even with none ("no running containers")
        while True:
            if board.changed.is_set():  # one drawing a second, however many samples came
                board.changed.clear()
                screen.draw(board.lines(terminal_size()[0], console.color))
            time.sleep(REFRESH_S)
            tick += 1
            _forget_ended(board, streams)
            if not args and tick % RELIST_EVERY == 0:
                _follow(session, args, version, board, streams)
    except KeyboardInterrupt:
        return Outcome()
    finally:
        for stream in streams.values():
            stream.stop.set()
        for stream in streams.values():
            stream.join(STOP_WAIT_S)


def _follow(session: Shell, names: tuple, version: str | None, board: StatsBoard, streams: dict) -> None:
    """Start a stream for each container to show that has none; with no names, stop those of
    containers no longer running (a stopped container's stream idles rather than ends)."""
    found = _containers(session, names, version)
    if not names:
        running = {cid for cid, _ in found}
        for cid in [cid for cid in streams if cid not in running]:
            streams.pop(cid).stop.set()
            board.remove(cid)
    for cid, name in found:
        if cid not in streams:
            board.waiting(cid, name)
            streams[cid] = Stream(session, cid, version, board)
            streams[cid].start()


def _forget_ended(board: StatsBoard, streams: dict) -> None:
    """Containers whose stream ended (stopped, removed) leave the table."""
    for cid in [cid for cid, stream in streams.items() if not stream.is_alive()]:
        del streams[cid]
        board.remove(cid)


def _containers(session: Shell, names: tuple, version: str | None) -> list:
    """(ID, name) of the running containers, or of those named (as IDs or names)."""
    req = Request("GET", "/containers/json", api_version=version)
    resp = session.transport().send(req)
    if resp.status >= 400:
        detail = resp.body[:200].decode("utf-8", "replace").strip()
        raise ExplorerError(f"GET /containers/json answered {resp.status}: {detail}")
    found = [(c.get("Id", ""), (c.get("Names") or [""])[0]) for c in json.loads(resp.body) if isinstance(c, dict)]
    if not names:
        return found
    chosen = []
    for name in names:
        match = [(cid, n) for cid, n in found if cid.startswith(name) or n.lstrip("/") == name]
        if not match:
            raise UsageError(f"stats: no running container {name}")
        chosen += match[:1]
    return chosen


class Stream(threading.Thread):
    """One container's stats stream, feeding the board until it ends or is told to stop."""

    def __init__(self, session: Shell, container_id: str, version: str | None, board: StatsBoard) -> None:
        super().__init__(daemon=True, name=f"stats-{container_id[:12]}")
        self.transport = session.engine.new_transport()
        self.request = Request("GET", f"/containers/{encode_path(container_id)}/stats", api_version=version)
        self.board = board
        self.stop = threading.Event()
        self.transport.cancel = self.stop  # an idle stream (a stopped container's) ends within a second too
        self.lines = JsonLines()

    def run(self) -> None:
        """Send the request; samples go to the board as they come."""
        try:
            self.transport.send(self.request, sink=self._feed, on_headers=self._headers, eager=True)
        except ExplorerError:
            pass  # stopped by us, or the container went away: the board forgets it at the next list
        finally:
            self.transport.close()

    def _headers(self, status: int, reason: str, headers) -> int | None:
        return 0 if status >= 400 or self.stop.is_set() else None

    def _feed(self, chunk: bytes) -> int | None:
        if self.stop.is_set():
            return 0  # ends the transfer
        for value, _ in self.lines.feed(chunk):
            if isinstance(value, dict) and "id" in value:
                self.board.update(value)
        return None
