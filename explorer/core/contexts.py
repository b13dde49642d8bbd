"""Docker contexts, read from the docker CLI's own store, as `docker context create` writes it.

$DOCKER_CONFIG/contexts/meta/<sha256 of the name>/meta.json holds the name, a description and the
docker endpoint (Host, SkipTLSVerify); contexts/tls/<the same>/docker/{ca,cert,key}.pem hold its TLS
files, each optional. "default" is not stored: it is the engine -H, DOCKER_HOST or the default
socket gives. Only a start or a `context` command that names a context loads this module.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from typing import NamedTuple

from explorer.core.dockerconfig import config_dir
from explorer.core.errors import UsageError

DEFAULT = "default"
DEFAULT_DESCRIPTION = "Current DOCKER_HOST based configuration"  # as `docker context ls` says it
_DIGITS = re.compile(r"(\d+)")


class Context(NamedTuple):
    """One stored context, as far as its docker endpoint goes."""

    name: str
    description: str
    host: str  # the endpoint's Host as stored; "" means docker's default socket
    skip_verify: bool  # SkipTLSVerify: TLS without checking the engine's certificate
    files: tuple  # (ca.pem, cert.pem, key.pem): each a path, or None when the context has none
    meta: str  # its meta.json


class Listed(NamedTuple):
    """A line of `context`: a context, or the name and why it cannot be read."""

    name: str
    context: Context | None
    error: str = ""


def store(env: Mapping) -> str:
    """$DOCKER_CONFIG/contexts (~/.docker/contexts)."""
    return os.path.join(config_dir(env), "contexts")


def context_id(name: str) -> str:
    """The folder name docker gives a context: the sha256 of its name, in hex."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def load(name: str, env: Mapping, source: str = "") -> Context:
    """The context `name`; one UsageError when it is not there or cannot be read (`source`: who named it)."""
    meta = os.path.join(store(env), "meta", context_id(name), "meta.json")
    named = f"docker context {name!r}" + (f" ({source})" if source else "")
    try:
        with open(meta, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise UsageError(f"{named}: there is no such context in {store(env)} "
                         "(`context` lists them, `docker context create` makes one)") from None
    except OSError as err:
        raise UsageError(f"{named}: cannot read {meta}: {err.strerror}") from None
    return _parsed(name, meta, data, named)


def _parsed(name: str, meta: str, data: bytes, named: str) -> Context:
    try:
        document = json.loads(data)
        endpoint = (document.get("Endpoints") or {}).get("docker") or {}
        description = (document.get("Metadata") or {}).get("Description") or ""
        host, skip = endpoint.get("Host") or "", bool(endpoint.get("SkipTLSVerify"))
    except (ValueError, AttributeError) as err:
        raise UsageError(f"{named}: {meta} is not a context's meta.json ({err})") from None
    if not isinstance(host, str) or not isinstance(description, str):
        raise UsageError(f"{named}: {meta} is not a context's meta.json (Host or Description is not text)")
    folder = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(meta))), "tls", context_id(name), "docker")
    files = tuple(path if os.path.isfile(path) else None
                  for path in (os.path.join(folder, f) for f in ("ca.pem", "cert.pem", "key.pem")))
    return Context(name, description, host, skip, files, meta)


def listing(env: Mapping) -> list:
    """Every stored context (Listed), in `docker context ls` order; "default" is not among them."""
    folder = os.path.join(store(env), "meta")
    try:
        ids = sorted(entry.name for entry in os.scandir(folder) if entry.is_dir())
    except FileNotFoundError:
        return []
    except OSError as err:
        raise UsageError(f"cannot read docker's contexts in {folder}: {err.strerror}") from None
    found = []
    for ident in ids:
        meta = os.path.join(folder, ident, "meta.json")
        try:
            with open(meta, "rb") as fh:
                name = json.loads(fh.read()).get("Name")
            if not isinstance(name, str) or context_id(name) != ident:
                raise ValueError("its Name does not match its folder")
            found.append(Listed(name, load(name, env)))
        except (OSError, ValueError, AttributeError, UsageError) as err:
            found.append(Listed(ident[:12], None, f"{meta}: {getattr(err, 'strerror', None) or err}"))
    return sorted(found, key=lambda item: natural(item.name))


def names(env: Mapping) -> tuple:
    """Every context name, "default" first, in `docker context ls` order, for completion: a context
    that cannot be read is left out (`context` shows why)."""
    try:
        listed = listing(env)
    except UsageError:  # an unreadable store: nothing to offer but "default"
        listed = []
    return (DEFAULT, *(item.name for item in listed if item.context is not None))


def store_stamp(env: Mapping) -> float | None:
    """When the store last gained or lost a context (its meta folder's mtime); None: no store."""
    try:
        return os.stat(os.path.join(store(env), "meta")).st_mtime
    except OSError:
        return None


def natural(name: str) -> list:
    """Sort key that orders ctx2 before ctx10, as docker's sortorder.NaturalLess."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(name) if part]
