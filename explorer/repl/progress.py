"""Progress of pulls, loads, pushes and builds as prompt_toolkit progress bars, one per layer id.

The same view interface as sinks.PlainView (`update`, `write`, `close`): sinks.JsonShown drives
it and never sees prompt_toolkit. The bars run in prompt_toolkit's own thread. A layer with no byte
counts yet ("Preparing", "Waiting", "Layer already exists") is a status line, not a 0% bar. Text
that arrives while a bar still moves (build output) is printed above the bars; text that comes once
every layer is done ("Digest: …", "Status: …", a push's digest) ends the block of bars, which stays
on screen, and is printed below it: in the order it came.
"""
from __future__ import annotations

import asyncio
import signal
import threading
import time

from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.layout.dimension import D
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.shortcuts import ProgressBar
from prompt_toolkit.shortcuts.progress_bar import formatters

from explorer.core.console import human_size


class Sizes(formatters.Formatter):
    """`1.2 MB/4.5 MB` (the counters count bytes)."""

    def format(self, progress_bar, progress, width):
        """The sizes of one counter."""
        done = human_size(progress.items_completed)
        return f"{done}/{human_size(progress.total)}" if progress.total else done

    def get_width(self, progress_bar):
        """Room for the widest."""
        return D.exact(max([len(self.format(progress_bar, c, 0)) for c in progress_bar.counters] + [1]))


class Measured(formatters.Formatter):
    """Another formatter, shown only for a counter with a known size: a bare status gets no 0% bar."""

    def __init__(self, inner: formatters.Formatter) -> None:
        self.inner = inner

    def format(self, progress_bar, progress, width):
        """The inner formatter's text, or nothing."""
        return self.inner.format(progress_bar, progress, width) if progress.total else ""

    def get_width(self, progress_bar):
        """The inner formatter's width."""
        return self.inner.get_width(progress_bar)


def _formatters() -> list:
    return [formatters.Label(), formatters.Text(" "), Measured(formatters.Percentage()), formatters.Text(" "),
            Measured(formatters.Bar()), formatters.Text(" "), Measured(Sizes()), formatters.Text(" ")]


def _interrupt_main_thread() -> None:
    """Ctrl-C on the bars (raw terminal mode) → KeyboardInterrupt in the thread doing the request."""
    ident = threading.main_thread().ident
    if ident is not None:
        signal.pthread_kill(ident, signal.SIGINT)


class ProgressBars:
    """Bars per id, started at the first progress message and gone at `close`."""

    def __init__(self, out, color: bool, output=None, input=None) -> None:
        self.out = out
        self.color = color
        self._io = {"output": output, "input": input}
        self._bars: ProgressBar | None = None
        self._counters: dict = {}
        self._open = False  # the last text written did not end its line

    def update(self, progress) -> None:
        """Move (or start) the bar of `progress.id`."""
        bars = self._bars if self._bars is not None else self._start()
        counter = self._counters.get(progress.id)
        if counter is None:
            counter = self._counters[progress.id] = bars(label="", total=progress.total)
        counter.label = f"{progress.id}: {progress.status}"
        if progress.total:
            counter.total = progress.total
        if progress.current is not None:
            counter.items_completed = progress.current
        if progress.finished:
            counter.items_completed = counter.total or counter.items_completed
            counter.done = True
        bars.invalidate()

    def write(self, text: str) -> None:
        """Show text (with its own newlines): above the bars while they run."""
        if not text:
            return
        data = text.encode("utf-8", "replace")
        self._open = not text.endswith("\n")
        if self._counters and all(counter.done for counter in self._counters.values()):
            self._end_block()  # what comes after the bars goes below them
        app = self._bars.app if self._bars is not None else None
        if app is None or not app.is_running or app.loop is None:
            self._emit(data)
            return
        done = asyncio.run_coroutine_threadsafe(self._above(data), app.loop)
        done.result()

    def close(self) -> None:
        """Stop the bars (they stay on screen as they last were)."""
        self._end_block()
        if self._open:
            self._emit(b"\n")
            self._open = False

    def _end_block(self) -> None:
        """Stop the bars, left on screen as they last were; a later layer starts a new block."""
        bars, self._bars, self._counters = self._bars, None, {}
        if bars is not None:
            bars.__exit__(None, None, None)

    def _start(self) -> ProgressBar:
        depth = None if self.color else ColorDepth.DEPTH_1_BIT
        bars = self._bars = ProgressBar(formatters=_formatters(), cancel_callback=_interrupt_main_thread,
                                        color_depth=depth, **self._io)
        bars.__enter__()
        for _ in range(200):  # until it runs, so that text written next goes above the bars
            if bars.app.is_running and bars.app.loop is not None:
                break
            time.sleep(0.005)
        return bars

    async def _above(self, data: bytes) -> None:
        await run_in_terminal(lambda: self._emit(data))

    def _emit(self, data: bytes) -> None:
        self.out.write(data)
        self.out.flush()
