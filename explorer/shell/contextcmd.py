"""`context`: docker's contexts listed as `docker context ls` lists them (the one in use marked `*`);
`context NAME` makes the session talk to that context's engine from the next line on.

The switch is the session's own (`docker context use` is what makes it last): the engine, the API
version, the spec and, in the REPL, the live values and the prompt follow it.
"""
from __future__ import annotations

from explorer.core import contexts
from explorer.core.config import engine_address
from explorer.core.errors import ExplorerError, UsageError
from explorer.core.outcome import Outcome
from explorer.core.protocols import Shell

HEADER = ("NAME", "DESCRIPTION", "DOCKER ENDPOINT", "ERROR")  # docker 23+'s columns (20.10 adds two Kubernetes ones)
_MIN_WIDTH, _PADDING = 10, 3  # docker's tabwriter settings


def command(session: Shell, args: tuple) -> Outcome:
    """`context` lists the contexts; `context NAME` switches to one."""
    if not args:
        _write(session, listing(session))
    elif len(args) == 1:
        session.use_context(args[0])
    else:
        raise UsageError("write `context` (list docker's contexts) or `context NAME` (use one)")
    return Outcome()


def listing(session: Shell) -> str:
    """The table `docker context ls` prints, for this session's DOCKER_CONFIG and current context."""
    try:
        current = session.endpoint().context or contexts.DEFAULT
    except ExplorerError:  # a context that is not there: the list is how the user finds the right name
        current = session.settings.context or contexts.DEFAULT
    rows = [_default_row(session, current)]
    for item in contexts.listing(session.env):
        if item.context is None:
            rows.append((item.name, "", "", item.error))
            continue
        mark = " *" if item.name == current else ""
        rows.append((item.name + mark, item.context.description, item.context.host, ""))
    rows.sort(key=lambda row: contexts.natural(row[0].removesuffix(" *")))  # docker sorts "default" in too
    return _table([HEADER, *rows])


def _default_row(session: Shell, current: str) -> tuple:
    """docker's "default": the engine -H, DOCKER_HOST, config.toml's host or the default socket gives."""
    try:
        host, error = engine_address(session.engine.context_settings(contexts.DEFAULT), session.env).display, ""
    except ExplorerError as err:
        host, error = "", str(err)
    mark = " *" if current == contexts.DEFAULT else ""
    return contexts.DEFAULT + mark, contexts.DEFAULT_DESCRIPTION, host, error


def _table(rows: list) -> str:
    widths = [max(_MIN_WIDTH, max(len(row[i]) for row in rows) + _PADDING) for i in range(len(HEADER) - 1)]
    lines = ["".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + row[-1] for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def _write(session: Shell, text: str) -> None:
    session.console.stdout.write(text.encode("utf-8", "replace") + b"\n")
    session.console.stdout.flush()
