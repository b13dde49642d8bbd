"""`view`, `last` and `pager`: how responses show on a terminal, for the rest of the session.

Each changes the session's settings (so `config` shows the value in effect, and says it came from
this session). Whatever they say, output that is not a terminal is the engine's body as sent.
"""
from __future__ import annotations

from explorer.core.config import Settings
from explorer.core.configkeys import VIEWS
from explorer.core.console import pager_command as resolve_pager
from explorer.core.errors import UsageError
from explorer.core.outcome import Outcome
from explorer.core.protocols import Shell
from explorer.response.show import show


def view_command(session: Shell, args: tuple) -> Outcome:
    """`view [json|table|expanded]` (pgcli's \\x): how responses show from now on; bare `view` says which."""
    if args:
        session.settings = changed(session.settings, "view", _view(args, "view"), f"view {args[0].lower()}")
    note = "" if session.console.on_terminal else " (on a terminal; here bodies are written as sent)"
    session.console.note(f"view {session.settings.view}{note}")
    return Outcome()


def last_command(session: Shell, args: tuple) -> Outcome:
    """`last [json|table|expanded]`: the last response's body again, in another view."""
    view = _view(args, "last") if args else None
    resp = session.last_response
    if resp is None:
        raise UsageError("`last` shows the last response again, and none came yet")
    if not resp.body:
        raise UsageError("the last response kept no body to show (a stream is shown as it arrives, not kept)")
    show(session.console, resp, session.last_operation, session.settings, view)
    return Outcome()


def pager_command(session: Shell, args: tuple) -> Outcome:
    """`pager on|off`: page long output (help, bodies) on a terminal; bare `pager` says how."""
    settings = session.settings
    if args == ("off",):
        session.settings = changed(settings, "pager", settings.pager, "pager off")._replace(paging=False)
    elif args == ("on",):
        # `pager = ""` in the file meant none: asked for one now, the default (less -FRX) it is
        session.settings = changed(settings, "pager", settings.pager or None, "pager on")._replace(paging=True)
    elif args:
        raise UsageError("write `pager on` or `pager off` (the command is the `pager` setting, or $PAGER)")
    settings = session.settings
    command = resolve_pager(settings.pager, settings.paging)
    if not settings.paging:
        session.console.note("pager off")
    elif command is None:
        session.console.note("pager on, but there is none: less is not installed; set $PAGER or `pager` in config.toml")
    else:
        session.console.note(f"pager on: {command} (output taller than the terminal; streams never)")
    return Outcome()


def changed(settings: Settings, key: str, value, how: str) -> Settings:
    """`settings` with config key `key` set to `value` by the shell command `how`, for `config` to show."""
    origins = tuple((name, origin) for name, origin in settings.origins if name != key)
    field = {"view": "view", "pager": "pager"}[key]
    return settings._replace(origins=origins + ((key, f"this session: `{how}`"),), **{field: value})


def _view(args: tuple, command: str) -> str:
    if len(args) != 1 or args[0].lower() not in VIEWS:
        raise UsageError(f"write `{command} json`, `{command} table` or `{command} expanded`")
    return args[0].lower()
