"""What an operation does to the engine: nothing, a change, or a change to ask about first.

Per operation, from the spec and a short list of ours. The spec says which operation a request
is (its template, and so its method); the method gives the default: GET, HEAD and OPTIONS read,
anything else changes state. Our lists hold the operations where the method misleads:

- HARMLESS: POSTs that change nothing (checking credentials, waiting for a container);
- WRITES: GETs that can change a container (a websocket attach carries stdin, Podman's
  healthcheck runs a command in the container);
- DESTROYS: what the shell asks about before sending (besides every DELETE, a removal): prunes,
  kills, leaving the swarm. A `force` query that is true makes any change one to ask about.

Templates are written as the spec writes paths, with {} for a parameter; a request whose
operation is unknown (no spec, a pasted curl line to an odd path) is matched by its path.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote

from explorer.core import versions

READS = frozenset({"GET", "HEAD", "OPTIONS"})
HARMLESS = frozenset({"POST /auth", "POST /containers/{}/wait", "POST /libpod/containers/{}/wait"})
WRITES = frozenset({"GET /containers/{}/attach/ws", "GET /libpod/containers/{}/healthcheck"})
DESTROYS = {
    "POST /containers/{}/kill": "kill", "POST /libpod/containers/{}/kill": "kill",
    "POST /libpod/pods/{}/kill": "kill", "POST /swarm/leave": "leave",
    **{f"POST {prefix}/{what}/prune": "prune" for prefix in ("", "/libpod")
       for what in ("containers", "images", "volumes", "networks")},
    "POST /build/prune": "prune", "POST /libpod/pods/prune": "prune", "POST /libpod/system/prune": "prune",
}
# the first literal segment of a template (after libpod/) → what its parameter names
NOUNS = {"containers": "container", "images": "image", "volumes": "volume", "networks": "network",
         "plugins": "plugin", "nodes": "node", "services": "service", "secrets": "secret", "configs": "config",
         "pods": "pod", "manifests": "manifest list", "exec": "exec instance", "swarm": "swarm",
         "build": "build cache", "system": "system", "play": "kube play"}
# parameters that may span "/" (docker's router declares them {name:.*})
_SPANNING = frozenset({"images", "plugins", "distribution", "manifests"})
_FALSE = frozenset({"", "0", "no", "false", "none"})  # what Docker's BoolValue reads as false


class Effect(NamedTuple):
    """What one request does: `changes` the engine's state; `destroys` ("remove", "prune", "kill",
    "leave", "force" or ""), what to ask about; the `noun` of its path parameter and its `name`."""

    changes: bool
    destroys: str = ""
    noun: str = ""
    name: str = ""


def effect(method: str, path: str, template: str | None = None, query: tuple = ()) -> Effect:
    """The Effect of `method` on concrete `path` (no /v1.NN prefix); `template` is its operation's
    path template from the spec when known."""
    method = method.upper()
    pattern, name = _classify(method, path, template)
    key = f"{method} {pattern}" if pattern else ""
    changes = key not in HARMLESS if method not in READS else key in WRITES
    destroys = ""
    if changes:
        destroys = "remove" if method == "DELETE" else DESTROYS.get(key, "")
        if not destroys and any(k == "force" and v.lower() not in _FALSE for k, v in query):
            destroys = "force"
    return Effect(changes, destroys, _noun(pattern), name)


def _classify(method: str, path: str, template: str | None) -> tuple:
    """(the template with {} for its parameter, the first parameter's value decoded)."""
    if template is not None:
        pattern = _PARAM.sub("{}", template)
        found = _regex(pattern).fullmatch(path)
        return pattern, unquote(found.group(1)) if found and found.groups() else ""
    path = versions.split_prefix(path)[1]
    for pattern in _KNOWN:
        found = _regex(pattern).fullmatch(path)
        if found and f"{method} {pattern}" in _LISTED:
            return pattern, unquote(found.group(1)) if found.groups() else ""
    parts = path.strip("/").split("/")
    head = parts[1:] if parts[0] == "libpod" else parts
    if head and len(head) >= 2 and method == "DELETE":  # DELETE /{collection}/{name}: a removal all the same
        prefix = "/libpod" if parts[0] == "libpod" else ""
        return f"{prefix}/{head[0]}/{{}}", unquote("/".join(head[1:]))
    return "", ""


_PARAM = re.compile(r"\{[^{}/]*\}")
_LISTED = HARMLESS | WRITES | frozenset(DESTROYS)
_KNOWN = tuple(sorted({key.split(" ", 1)[1] for key in _LISTED}, key=len, reverse=True))


@lru_cache(maxsize=256)
def _regex(pattern: str):
    parts = pattern.strip("/").split("/")
    spans = (parts[1] if parts[0] == "libpod" and len(parts) > 1 else parts[0]) in _SPANNING
    return re.compile(re.escape(pattern).replace(r"\{\}", "(.+)" if spans else "([^/]+)"))


def _noun(pattern: str) -> str:
    parts = pattern.strip("/").split("/")
    head = parts[1] if parts[0] == "libpod" and len(parts) > 1 else parts[0]
    return NOUNS.get(head, head.rstrip("s"))
