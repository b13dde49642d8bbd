"""Files we keep between runs: where the cache lives, and writing a file so no reader sees half of it."""
from __future__ import annotations

import os
from collections.abc import Mapping


def cache_dir(kind: str, env: Mapping | None = None) -> str:
    """$XDG_CACHE_HOME/engine-explorer/<kind> (XDG default ~/.cache; a relative value is ignored)."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".cache")
    return os.path.join(base, "engine-explorer", kind)


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
