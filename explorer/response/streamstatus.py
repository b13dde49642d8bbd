"""A streamed body's status lines: its status when its headers come (a stream may never end, or be
interrupted), and how it ended: `done · 5.2 s · 1.2 kB`, or `stopped after 2 s (--timeout)`."""
from __future__ import annotations

from typing import Any, NamedTuple

from explorer.core.console import human_size


class Head(NamedTuple):
    """A response's status line and headers, as `Console.status` shows them before any body came."""

    status: int
    reason: str
    headers: Any
    elapsed: float  # seconds until the headers came
    size: int | None = None  # not known yet


def opened(console, head: Head) -> None:
    """The status line (REPL, -v) and the headers (-v, `headers on`), as the stream begins."""
    console.status(head)


def ended(console, resp, stopped_after: float | None) -> None:
    """The stream's last line: --timeout's ending always (it explains the end), else with -v or in the REPL."""
    if stopped_after is not None:
        console.note(f"stopped after {stopped_after:g} s (--timeout) · {human_size(resp.size)}")
    elif console.interactive or console.verbose:
        took = f"{resp.elapsed * 1000:.0f} ms" if resp.elapsed < 1 else f"{resp.elapsed:.1f} s"
        console.note(f"done · {took} · {human_size(resp.size)}")
