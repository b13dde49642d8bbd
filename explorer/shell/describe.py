"""The question asked before a destructive request, naming the live object it would destroy.

`Remove container web (running, busybox:local)?`, `Kill container web (running, busybox:local)?`,
`Remove image busybox:local (sha256:0123456789ab, 2.1 MB, used by 1 container)?`,
`Remove all stopped containers (2: a, b)?`, `Leave the swarm (node 3x9f…, a manager)?`.

Each is found with a GET or two to the engine. When the object is not there (404), or a prune has
nothing to remove, there is nothing to ask: the request goes, and the engine answers as it does.
When the engine cannot say (unreachable, an odd answer), the question names what the path names.
"""
from __future__ import annotations

import json

from explorer.core.console import human_size
from explorer.core.errors import ExplorerError
from explorer.http.request import Request
from explorer.lang import slots

GONE = object()  # the engine says the object does not exist
_VERBS = {"remove": "Remove", "kill": "Kill"}
_PRUNED = {"container": "all stopped containers", "image": "dangling images", "volume": "unused volumes",
           "network": "unused networks", "build cache": "the build cache", "pod": "all stopped pods",
           "system": "all unused pods, containers, images, networks and volumes"}


def question(session, req, effect) -> str | None:
    """The question for `req` (its explorer.spec.effects.Effect given), or None: nothing to ask."""
    if effect.destroys == "prune":
        return _prune(session, req, effect.noun)
    if effect.destroys == "leave":
        return _leave(session, req)
    if effect.destroys == "force" and effect.noun not in _DESCRIBERS:
        return f"Send {req.method} {req.path} with force?"
    detail = _describe(session, effect.noun, effect.name) if effect.name else None
    if detail is GONE:
        return None
    what = f"{effect.noun} {effect.name}".strip() or req.path
    shown = f"{what} ({detail})" if detail else what
    if effect.destroys == "force":
        return f"{req.method} {req.path} with force, on {shown}?"
    return f"{_VERBS.get(effect.destroys, 'Remove')} {shown}?"


def _get(session, path: str, query: tuple = ()):
    """(status, JSON document or None) of GET `path`; (None, None) when the engine cannot say."""
    try:
        resp = session.transport().send(Request("GET", path, query, session.docker.headers(),
                                                api_version=session.api_version()))
        return resp.status, json.loads(resp.body) if resp.body else None
    except (ExplorerError, ValueError):
        return None, None


def _describe(session, noun: str, name: str):
    """A few words on the live object, GONE when the engine says it does not exist, or None."""
    found = _DESCRIBERS.get(noun)
    if found is None:
        return None
    inspect, words = found
    keep = ":@/" if noun in ("image", "plugin") else ""
    status, doc = _get(session, inspect.format(slots.percent(name, keep)))
    if status == 404:
        return GONE
    if status != 200 or not isinstance(doc, dict):
        return None
    try:
        return words(session, name, doc) or None
    except (AttributeError, KeyError, TypeError, ValueError):  # a shape we did not expect: ask plainly
        return None


def _container(session, name: str, doc: dict) -> str:
    return ", ".join(x for x in ((doc.get("State") or {}).get("Status"), (doc.get("Config") or {}).get("Image")) if x)


def _image(session, name: str, doc: dict) -> str:
    users = _count(session, "/containers/json", {"ancestor": [name]})
    short = str(doc.get("Id", ""))[:19]
    used = f"used by {users} container{'s' if users != 1 else ''}" if users is not None else ""
    return ", ".join(x for x in (short, human_size(int(doc.get("Size") or 0)), used) if x)


def _volume(session, name: str, doc: dict) -> str:
    users = _count(session, "/containers/json", {"volume": [name]})
    used = f"used by {users} container{'s' if users != 1 else ''}" if users is not None else ""
    return ", ".join(x for x in (f"driver {doc.get('Driver')}" if doc.get("Driver") else "", used) if x)


def _network(session, name: str, doc: dict) -> str:
    attached = len(doc.get("Containers") or {})
    return f"{doc.get('Driver', '?')}, {attached} container{'s' if attached != 1 else ''} attached"


def _count(session, path: str, filters: dict):
    status, doc = _get(session, path, (("all", "1"), ("filters", json.dumps(filters))))
    return len(doc) if status == 200 and isinstance(doc, list) else None


_DESCRIBERS = {
    "container": ("/containers/{}/json", _container),
    "image": ("/images/{}/json", _image),
    "volume": ("/volumes/{}", _volume),
    "network": ("/networks/{}", _network),
    "plugin": ("/plugins/{}/json", lambda s, n, d: "enabled" if d.get("Enabled") else "disabled"),
    "pod": ("/libpod/pods/{}/json", lambda s, n, d: str(d.get("State", "")).lower()),
    "node": ("/nodes/{}", lambda s, n, d: ", ".join(x for x in (d["Status"].get("State"), d["Spec"].get("Role")) if x)),
    "service": ("/services/{}", lambda s, n, d: ""),
    "secret": ("/secrets/{}", lambda s, n, d: ""),
    "config": ("/configs/{}", lambda s, n, d: ""),
}


def _prune(session, req, noun: str) -> str | None:
    what = _PRUNED.get(noun, f"unused {noun}s")
    filters = dict(req.query).get("filters")
    if noun == "image" and filters and '"dangling":["false"]' in filters.replace(" ", ""):
        what = "all images no container uses"
    if noun == "container" and not filters:
        status, doc = _get(session, "/containers/json",
                           (("all", "1"), ("filters", '{"status":["exited","created","dead"]}')))
        if status == 200 and isinstance(doc, list):
            if not doc:
                return None  # nothing to prune
            names = [str((c.get("Names") or [c.get("Id", "?")[:12]])[0]).lstrip("/") for c in doc[:5]]
            what += f" ({len(doc)}: {', '.join(names)}{', …' if len(doc) > 5 else ''})"
    return f"Remove {what}{f' matching {filters}' if filters else ''}?"


def _leave(session, req) -> str | None:
    status, doc = _get(session, "/info")
    swarm = (doc or {}).get("Swarm") or {} if status == 200 and isinstance(doc, dict) else None
    if swarm is None:
        return "Leave the swarm?"
    if swarm.get("LocalNodeState") in ("inactive", ""):
        return None  # not in a swarm: nothing to leave
    role = "a manager" if swarm.get("ControlAvailable") else "a worker"
    return f"Leave the swarm (node {str(swarm.get('NodeID', '?'))[:12]}, {role})?"
