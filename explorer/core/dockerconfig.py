"""The docker CLI's own config.json, as far as engine-explorer reads it: `currentContext`.

That is what `docker context use NAME` writes; it chooses the engine only when nothing else does
(explorer.core.precedence). Reading the contexts themselves is issue 15's (see
explorer.core.config.engine_address).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple


class CurrentContext(NamedTuple):
    """The context config.json names (None: none, or "default"), the file, and a warning if unreadable."""

    name: str | None
    path: str
    warning: str = ""


def config_dir(env: Mapping) -> str:
    """$DOCKER_CONFIG, else ~/.docker (as the docker CLI finds it)."""
    return env.get("DOCKER_CONFIG") or os.path.join(env.get("HOME") or os.path.expanduser("~"), ".docker")


def current_context(env: Mapping) -> CurrentContext:
    """config.json's currentContext; an unreadable file gives a warning, as the docker CLI prints one."""
    path = os.path.join(config_dir(env), "config.json")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return CurrentContext(None, path)
    except OSError as err:
        return CurrentContext(None, path, f"{path}: cannot read it ({err.strerror}); its currentContext is ignored")
    import json  # only a start that nothing else gave an engine reads docker's file

    try:
        document = json.loads(data)
    except ValueError as err:
        return CurrentContext(None, path, f"{path}: not JSON ({err}); its currentContext is ignored")
    name = document.get("currentContext") if isinstance(document, dict) else None
    if not isinstance(name, str) or name in ("", "default"):
        return CurrentContext(None, path)
    return CurrentContext(name, path)
