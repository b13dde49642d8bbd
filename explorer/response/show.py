"""A complete body on its way to stdout: the engine's bytes anywhere but a terminal; on a terminal
the view in use (JSON indented and coloured, a table, key: value blocks), through the pager when it
is taller than the screen. Streams never come here: they are shown as they arrive, never paged."""
from __future__ import annotations

from explorer.core.console import page, pager_command, terminal_size


def show(console, resp, operation: str | None, settings, view: str | None = None) -> None:
    """Write `resp`'s body for `console`: `view` (default: the settings') applies on a terminal only."""
    view = view or settings.view
    text = None
    if view != "json" and console.on_terminal and resp.status < 400 and is_json(resp):
        # tables and blocks: only a view other than json loads them
        from explorer.response import views

        text = views.render(resp.body, operation, view, terminal_size()[0], bold=console.color)
    pager = pager_command(settings.pager, settings.paging) if console.on_terminal else None
    if text is None:
        data = console.format_body(resp)
        if pager is None:
            console.stdout.write(data)
            console.stdout.flush()
            return
        text = data.decode("utf-8", "replace").removesuffix("\n")
    page(console, text, pager)


def is_json(resp) -> bool:
    """A body labelled JSON (the views read nothing else)."""
    return "json" in (resp.header("Content-Type") or "").lower()
