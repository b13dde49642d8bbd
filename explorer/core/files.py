"""Files we keep between runs: where they live (the XDG folders), and writing one so no reader sees half of it."""
from __future__ import annotations

import os
from collections.abc import Mapping

_XDG_DEFAULTS = {"cache": ".cache", "state": ".local/state", "config": ".config"}


def xdg_dir(kind: str, env: Mapping | None = None) -> str:
    """$XDG_{CACHE,STATE,CONFIG}_HOME/engine-explorer, by the XDG rules: a relative value is ignored,
    and the default is under $HOME (~/.cache, ~/.local/state, ~/.config). Not created here."""
    env = os.environ if env is None else env
    base = env.get(f"XDG_{kind.upper()}_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(env.get("HOME") or os.path.expanduser("~"), _XDG_DEFAULTS[kind])
    return os.path.join(base, "engine-explorer")


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
