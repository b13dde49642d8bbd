"""Files we keep between runs: where they live (the XDG folders), and writing one so no reader sees half of it."""
from __future__ import annotations

import os
from collections.abc import Mapping

from explorer.core.errors import UsageError, shown

_XDG_DEFAULTS = {"cache": ".cache", "state": ".local/state", "config": ".config"}


def xdg_dir(kind: str, env: Mapping | None = None) -> str:
    """$XDG_{CACHE,STATE,CONFIG}_HOME/engine-explorer, by the XDG rules: a relative value is ignored,
    and the default is under $HOME (~/.cache, ~/.local/state, ~/.config). Not created here."""
    env = os.environ if env is None else env
    base = env.get(f"XDG_{kind.upper()}_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(env.get("HOME") or os.path.expanduser("~"), _XDG_DEFAULTS[kind])
    return os.path.join(base, "engine-explorer")


def user_path(name: str) -> str:
    """A file name the user gave (`> f`, `@f`, `save f`, `-f f`, --spec f…), `~` expanded.

    One holding a NUL byte is refused here, once for all: no file name can hold one, and Python's
    open() would raise ValueError rather than say so.
    """
    return os.path.expanduser(check_file_name(name))


def check_file_name(name: str) -> str:
    """`name`, unless it holds a NUL byte, which no file name can: a UsageError saying so."""
    if "\0" in name:
        raise UsageError(f"`{shown(name)}`: a file name cannot hold a NUL byte")
    return name


def cache_dir(kind: str, env: Mapping | None = None) -> str:
    """$XDG_CACHE_HOME/engine-explorer/<kind>."""
    return os.path.join(xdg_dir("cache", env), kind)


def write_atomic(target: str, data: bytes) -> bool:
    """Write via a temporary file and rename, so readers never see half a file; False on failure.

    A cache that cannot be written (read-only home, full disk) only costs speed, so it is silent.
    """
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
