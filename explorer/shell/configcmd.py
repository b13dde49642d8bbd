"""`config`: the settings in effect and where each came from; `config init` writes a commented
config.toml; `config path` says where it is read from."""
from __future__ import annotations

import os

from explorer.core import configfile, configkeys
from explorer.core.errors import ExplorerError, UsageError
from explorer.core.outcome import Outcome
from explorer.core.protocols import Shell

_COLUMN = 44  # where the `# origin` comments start, so the listing reads as a table


def command(session: Shell, args: tuple) -> Outcome:
    """`config [init | path]`."""
    file = session.settings.config_file or configfile.path(env=session.env)
    if not args:
        _write(session, listing(session, file))
    elif args == ("path",):
        _write(session, file)
    elif args == ("init",):
        configfile.write_example(file)
        session.console.note(f"wrote {file}: uncomment a line to change a setting (read at the next start)")
    else:
        raise UsageError("write `config` (the settings in effect), `config init` or `config path`")
    return Outcome()


def listing(session: Shell, file: str) -> str:
    """Each key as a config.toml line with its value in effect, and where that came from."""
    settings = session.settings
    origins = dict(settings.origins)
    lines = []
    for key in configkeys.KEYS:
        value = getattr(settings, key.field)
        origin = origins.get(key.name, "default")
        if key.name == "host" and value is None:
            value, origin = _default_host(session, origin)
        text = f"{key.name} = {configkeys.describe(value)}" if value is not None else f"# {key.name}: not set"
        note = f"{origin} · {key.pending}" if key.pending else origin
        lines.append(f"{text:<{_COLUMN}} # {note}")
    state = "" if os.path.exists(file) else " (there is none: `config init` writes one)"
    lines.append(f"# config file: {file}{state}")
    return "\n".join(lines)


def _default_host(session: Shell, origin: str) -> tuple:
    """The address the session uses when no source gave one: a socket, DOCKER_HOST, or a context's."""
    context = session.settings.context not in (None, "default")
    try:
        endpoint = session.endpoint()
    except ExplorerError:
        return None, "the context decides" if context else origin
    return endpoint.display, f"context {endpoint.context}" if context else f"default: {endpoint.why}"


def _write(session: Shell, text: str) -> None:
    session.console.stdout.write(text.encode("utf-8", "replace") + b"\n")
    session.console.stdout.flush()
