"""What the docker CLI's config.json says about requests: `HttpHeaders`, `auths`, `credsStore`, `credHelpers`.

docker reads `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`) once per command, adds
its HttpHeaders to every request and looks registry credentials up in it (explorer.core.credentials).
A file that cannot be read or is not what docker writes is one warning, and is then ignored, as
docker itself warns and goes on.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from explorer.core.dockerconfig import config_dir

_EMPTY: Mapping = {}


class ClientConfig(NamedTuple):
    """The parts of config.json a request uses; read-only mappings, never changed once read."""

    path: str
    http_headers: tuple = ()  # of (name, value), in the file's order
    auths: Mapping = _EMPTY  # server address as written → its entry (auth, identitytoken, …)
    creds_store: str = ""  # the default credential helper: docker-credential-<creds_store>
    cred_helpers: Mapping = _EMPTY  # registry host → helper name, over creds_store
    warning: str = ""


def read(env: Mapping) -> ClientConfig:
    """config.json as docker reads it for requests; no file is an empty config, a bad one a warning."""
    path = os.path.join(config_dir(env), "config.json")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return ClientConfig(path)
    except OSError as err:
        return ClientConfig(path, warning=f"{path}: cannot read it ({err.strerror}); it is ignored")
    import json  # only when there is a file: most starts have none

    try:
        document = json.loads(data)
    except ValueError as err:
        return ClientConfig(path, warning=f"{path}: not JSON ({err}); it is ignored")
    if not isinstance(document, dict):
        return ClientConfig(path, warning=f"{path}: not a JSON object; it is ignored")
    return _parsed(path, document)


def _parsed(path: str, document: dict) -> ClientConfig:
    wrong = [key for key, kind in (("HttpHeaders", dict), ("auths", dict), ("credsStore", str),
                                   ("credHelpers", dict)) if not isinstance(document.get(key, kind()), kind)]
    headers = document.get("HttpHeaders") or {}
    if isinstance(headers, dict) and not all(isinstance(v, str) for v in headers.values()):
        wrong.append("HttpHeaders")
    helpers = document.get("credHelpers") or {}
    if isinstance(helpers, dict) and not all(isinstance(v, str) for v in helpers.values()):
        wrong.append("credHelpers")
    if wrong:
        return ClientConfig(path, warning=f"{path}: {wrong[0]} is not what docker writes there; the file is ignored")
    auths = {key: entry for key, entry in (document.get("auths") or {}).items() if isinstance(entry, dict)}
    return ClientConfig(path, tuple(headers.items()), auths, document.get("credsStore") or "", helpers)
