"""Live views of streams in the shell: stats as a table redrawn in place (`docker stats`), events as
one readable line each. They are sinks (explorer.response.sinks' interface: feed, close,
`streaming`, `error`) that delivery uses instead of the JSON lines, at the prompt only, and never
when the body goes to a file or a command. Ctrl-C ends the request; the last table stays on screen.
"""
from __future__ import annotations

import threading

from explorer.core.console import terminal_size
from explorer.response.streams import InbandError, JsonLines, NotJson, classify
from explorer.response.views import events, stats
from explorer.response.views.table import cell, render

CLEAR_BELOW = "\x1b[J"  # erase from the cursor to the end of the screen


def sink_for(operation: str | None, console):
    """The live view for a stream of `operation` in the shell, or None (the JSON lines, then)."""
    if operation == "ContainerStats":
        return LiveStats(Screen(console.stdout), StatsBoard(), console.color)
    if operation == "SystemEvents":
        return LiveEvents(console.stdout, console.color)
    return None


class Screen:
    """A block of lines redrawn in place: the cursor goes back up over the last drawing first."""

    def __init__(self, out, size=terminal_size) -> None:
        self.out = out
        self.size = size
        self.drawn = 0  # lines the last drawing took

    def draw(self, lines: list) -> None:
        """Replace the last drawing with `lines`, cut to the terminal's height (a line says so)."""
        _, height = self.size()
        if len(lines) > height - 1:
            hidden = len(lines) - (height - 2)
            lines = lines[:max(height - 2, 1)] + [f"… {hidden} more lines (a taller terminal shows them)"]
        up = f"\x1b[{self.drawn}F" if self.drawn else ""
        self.out.write((up + CLEAR_BELOW + "\n".join(lines) + "\n").encode("utf-8", "replace"))
        self.out.flush()
        self.drawn = len(lines)


class StatsBoard:
    """The latest sample of each container, written by the streams' threads, read by the drawing."""

    def __init__(self) -> None:
        self._rows: dict = {}  # container ID → its table row, in the order they came
        self._lock = threading.Lock()
        self.changed = threading.Event()

    def waiting(self, container_id: str, name: str) -> None:
        """A container whose stream has started, before its first sample."""
        with self._lock:
            self._rows.setdefault(container_id, stats.waiting_row(container_id, name))
        self.changed.set()

    def update(self, value: dict) -> None:
        """A stats object has come."""
        found = stats.sample(value)
        with self._lock:
            self._rows[found.id] = stats.row(found)
        self.changed.set()

    def remove(self, container_id: str) -> None:
        """The container's stream ended (it stopped, or went away)."""
        with self._lock:
            self._rows.pop(container_id, None)
        self.changed.set()

    def ids(self) -> set:
        """The containers on the board."""
        with self._lock:
            return set(self._rows)

    def lines(self, columns: int, bold: bool = False) -> list:
        """The table as it stands."""
        with self._lock:
            rows = list(self._rows.values())
        return render(stats.HEADERS, rows, columns, bold) if rows else ["(no running containers)"]


class LiveStats:
    """GET /containers/{id}/stats: the table redrawn at each sample."""

    streaming = True

    def __init__(self, screen: Screen, board: StatsBoard, color: bool) -> None:
        self.screen, self.board, self.color = screen, board, color
        self.lines = JsonLines()
        self.error: str | None = None

    def feed(self, chunk: bytes) -> None:
        """Draw each sample a chunk completes."""
        self._values(self.lines.feed(chunk))

    def close(self) -> None:
        """A last sample without a newline."""
        self._values(self.lines.close())

    def _values(self, items) -> None:
        drawn = False
        for value, _ in items:
            message = classify(value)
            if isinstance(message, InbandError):
                self.error = message.message
            elif isinstance(value, dict):
                self.board.update(value)
                drawn = True
        if drawn:
            self.screen.draw(self.board.lines(self.screen.size()[0], self.color))


class LiveEvents:
    """GET /events: one line per event, as it happens."""

    streaming = True

    def __init__(self, out, color: bool) -> None:
        self.out, self.color = out, color
        self.lines = JsonLines()
        self.error: str | None = None

    def feed(self, chunk: bytes) -> None:
        """Show the events a chunk completes."""
        self._show(self.lines.feed(chunk))

    def close(self) -> None:
        """An event without a newline at the end."""
        self._show(self.lines.close())

    def _show(self, items) -> None:
        shown = []
        for value, raw in items:
            message = classify(value)
            if isinstance(message, InbandError):
                self.error = message.message
            elif isinstance(value, dict):
                shown.append(events.line(value, self.color))
            elif isinstance(value, NotJson):
                shown.append(cell(raw.decode("utf-8", "replace")))
        if shown:
            self.out.write(("\n".join(shown) + "\n").encode("utf-8", "replace"))
            self.out.flush()
