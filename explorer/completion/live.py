"""Live values (container names, image references, network IDs…) as the engine lists them.

`collect` asks the engine's list endpoints (specs/live-values.yaml says which) and builds a
Snapshot: an immutable set the completer reads on every keystroke. The refresher
(explorer.completion.refresher) builds them in a thread of its own and swaps each new one in.
The lists are asked unversioned, so nothing here needs the session.
"""
from __future__ import annotations

import heapq
import os
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import NamedTuple

from explorer.completion.overlay import ListSource, Overlay
from explorer.core import jsontext
from explorer.core.errors import ExplorerError
from explorer.http.request import Request, split_target
from explorer.http.transport import Transport

EACH_LIMIT = 50  # at most this many per-item requests (exec IDs) per refresh
_AFTER_ALL = "\U0010ffff"  # sorts after any text a prefix can continue with


@dataclass(frozen=True)
class LiveValue:
    """One value to offer, with what it is (`container · running · busybox:local`)."""

    text: str
    meta: str = ""


class Matches(NamedTuple):
    """The values of one list that start with a prefix: the first `limit` of them, in the list's
    order, how many there are, and the longest text they all start with (what Tab may insert)."""

    values: tuple
    total: int
    common: str


class _Sorted:
    """One list's values sorted by text, so a prefix finds its matches by bisection: a keystroke
    costs the same with 10,000 containers as with 10."""

    def __init__(self, values: tuple) -> None:
        self.values = values
        self.order = sorted(range(len(values)), key=lambda i: values[i].text)
        self.keys = [values[i].text for i in self.order]

    def matching(self, prefix: str, limit: int) -> Matches:
        lo, hi = 0, len(self.keys)
        if prefix:
            lo = bisect_left(self.keys, prefix)
            hi = bisect_left(self.keys, prefix + _AFTER_ALL, lo)
        if hi <= lo:
            return Matches((), 0, "")
        common = os.path.commonprefix([self.keys[lo], self.keys[hi - 1]])  # sorted: first and last say it
        if hi - lo == len(self.keys):
            return Matches(self.values[:limit], hi - lo, common)
        first = heapq.nsmallest(limit, self.order[lo:hi])  # the list's own order (names before IDs)
        return Matches(tuple(self.values[i] for i in first), hi - lo, common)


@dataclass(frozen=True)
class Snapshot:
    """Everything fetched by one refresh; `reachable` None until the first refresh is done."""

    values: dict = field(default_factory=dict)  # list name → tuple of LiveValue
    overlay: Overlay | None = None
    reachable: bool | None = None
    engine_version: str = ""
    engine_kind: str = ""  # "docker" | "podman" | "" (from /_ping's Server header)
    error: str = ""  # why the last refresh found nothing (one line), "" when it worked
    objects: dict = field(default_factory=dict)  # list name → how many objects (a name and an ID are one)
    _sorted: dict = field(default_factory=dict, compare=False, repr=False)  # list name → _Sorted, made once

    def list_for_param(self, param: str, template_prefix: str) -> str:
        """The list feeding path parameter `param` of templates starting `template_prefix`, when
        this snapshot has it (even empty); "" otherwise."""
        name = self.overlay.list_for_param(param, template_prefix) if self.overlay is not None else ""
        return name if name in self.values else ""

    def list_for_field(self, operation_id: str, keys: tuple) -> str:
        """The list feeding body field `keys` of `operation_id`, when this snapshot has it."""
        name = self.overlay.list_for_field(operation_id, keys) if self.overlay is not None else ""
        return name if name in self.values else ""

    def for_param(self, param: str, template_prefix: str) -> tuple:
        """Values for path parameter `param` of templates starting with `template_prefix`."""
        return self.values.get(self.list_for_param(param, template_prefix), ())

    def for_field(self, operation_id: str, keys: tuple) -> tuple:
        """Values for body field `keys` of `operation_id`."""
        return self.values.get(self.list_for_field(operation_id, keys), ())

    def matching(self, name: str, prefix: str, limit: int) -> Matches:
        """The values of list `name` starting with `prefix` (see Matches)."""
        index = self._sorted.get(name)
        if index is None:  # the refresher sorts in its thread (prepared); a snapshot made by hand sorts here
            index = self._sorted[name] = _Sorted(self.values.get(name, ()))
        return index.matching(prefix, limit)

    def prepared(self) -> Snapshot:
        """This snapshot with every list sorted, so no keystroke pays for it."""
        for name in self.values:
            self.matching(name, "", 0)
        return self

    def counts(self) -> dict:
        """How many objects each list holds (for `refresh`): a container with a name and an ID is one."""
        return {name: self.objects.get(name, 0) for name in self.values}


def collect(overlay: Overlay, get, only=None, previous: Snapshot | None = None) -> Snapshot:
    """One refresh: ask the lists of `overlay` through `get(target) -> Response`.

    `only` (list names) asks just those, and the lists they walk, keeping the other lists of
    `previous`; None asks them all.
    """
    try:
        ping = get("/_ping")
    except ExplorerError as err:
        return Snapshot(overlay=overlay, reachable=False, error=str(err))
    server = (ping.header("Server") or "").lower()
    kind = "podman" if "libpod" in server or "podman" in server else "docker"
    wanted = _wanted(overlay, only)
    keep = previous is not None and previous.reachable and only is not None
    values = dict(previous.values) if keep and previous else {}
    objects = dict(previous.objects) if keep and previous else {}
    asked = [s for s in overlay.lists if s.name in wanted]
    swarm = _swarm_active(overlay, get) if any(s.needs == "swarm" for s in asked) else False
    items: dict = {}
    for source in asked:
        if source.needs == "swarm" and not swarm:
            values.pop(source.name, None)
            objects.pop(source.name, None)
            continue
        found = _each_items(source, items, overlay, get) if source.each else _list_items(source, get)
        items[source.name] = found
        values[source.name] = extract(source, found)
        objects[source.name] = count_objects(source, found)
    return Snapshot(values, overlay, True, ping.header("Api-Version") or "", kind, objects=objects)


def _wanted(overlay: Overlay, only) -> set:
    """The lists to ask: `only` (all when None) and the lists those walk (execs walk containers)."""
    wanted = {s.name for s in overlay.lists} if only is None else set(only)
    wanted |= {s.each for s in overlay.lists if s.name in wanted and s.each}
    return wanted


def _swarm_active(overlay: Overlay, get) -> bool:
    request, path = overlay.swarm
    doc = _get_json(get, request) if request else None
    return dig(doc, path) is True if isinstance(doc, dict) else False


def _list_items(source: ListSource, get) -> list:
    doc = _get_json(get, source.request)
    if source.root and isinstance(doc, dict):
        doc = doc.get(source.root)
    return [item for item in doc if isinstance(item, dict)] if isinstance(doc, list) else []


def _each_items(source: ListSource, items: dict, overlay: Overlay, get) -> list:
    """Ask `source.request` once per matching item of the list it walks (exec IDs: per container)."""
    walked = next((s for s in overlay.lists if s.name == source.each), None)
    if walked is None or not walked.ids:
        return []
    found = []
    for item in items.get(source.each, ())[:EACH_LIMIT]:
        if all(dig(item, k) == v for k, v in source.where):
            ident = dig(item, walked.ids[0])
            doc = _get_json(get, source.request.replace("{id}", str(ident))) if ident else None
            if isinstance(doc, dict):
                found.append(doc)
    return found


def _get_json(get, target: str):
    """The decoded JSON answer of a GET, or None (error status, bad JSON, engine gone)."""
    try:
        resp = get(target)
    except ExplorerError:
        return None
    if resp.status != 200:
        return None
    try:
        return jsontext.loads(resp.body)
    except ValueError:
        return None


def extract(source: ListSource, items: list) -> tuple:
    """The values of `items`: names first, then IDs, without duplicates."""
    names, ids = [], []
    for item in items:
        meta = " · ".join([source.label] + [str(v) for v in (dig(item, m) for m in source.meta) if v])
        item_names = [_clean(v, source) for f in source.names for v in _strings(dig(item, f))]
        item_names = [n for n in item_names if n and "<none>" not in n]
        names += [LiveValue(n, meta) for n in item_names]
        id_meta = f"{source.label} {item_names[0]}" if item_names else meta
        for f in source.ids:
            for v in _strings(dig(item, f)):
                text = _clean(v, source)
                ids.append(LiveValue(text[:source.short] if source.short else text, id_meta))
    unique: dict = {}
    for value in names + ids:
        unique.setdefault(value.text, value)
    return tuple(unique.values())


def count_objects(source: ListSource, items: list) -> int:
    """How many objects `items` hold: one per ID (a container's exec IDs are several), else one
    per item that has a name."""
    if source.ids:
        return sum(len(_strings(dig(item, f))) for item in items for f in source.ids)
    return sum(1 for item in items if any(_strings(dig(item, f)) for f in source.names))


def _clean(value: str, source: ListSource) -> str:
    return value[len(source.strip):] if source.strip and value.startswith(source.strip) else value


def _strings(value) -> list:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def dig(doc, dotted: str):
    """`doc["Spec"]["Name"]` for "Spec.Name"; None when any step is missing."""
    for key in dotted.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


class engine_getter:  # noqa: N801 - used as a function: get = engine_getter(endpoint); get(target)
    """`get(target) -> Response` over a transport of its own, for the refresher's thread."""

    def __init__(self, endpoint, timeout: float = 5.0, headers: tuple = ()) -> None:
        self.transport = Transport(endpoint, connect_timeout=min(timeout, 2.0), timeout=timeout)
        self.headers = headers  # docker's config.json HttpHeaders: on every request, as docker sends them

    def __call__(self, target: str):
        path, query, _ = split_target(target)
        return self.transport.send(Request("GET", path, query, self.headers))

    def close(self) -> None:
        """Release the connection."""
        self.transport.close()
