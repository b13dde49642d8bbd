"""Live values (container names, image references, network IDs…) fetched in a background thread.

The completer reads `Refresher.snapshot`, an immutable Snapshot; the thread builds a whole new one
and swaps it in, so a keystroke never waits for the engine and never sees a half-built set. The
thread owns its own transport (curl handles must not be shared between threads) and asks
unversioned list endpoints, so it needs nothing from the session.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from explorer.completion import overlay
from explorer.completion.overlay import ListSource, Overlay
from explorer.core import jsontext
from explorer.core.errors import ExplorerError
from explorer.http.request import Request, split_target
from explorer.http.transport import Transport

EACH_LIMIT = 50  # at most this many per-item requests (exec IDs) per refresh


@dataclass(frozen=True)
class LiveValue:
    """One value to offer, with what it is (`container · running · busybox:local`)."""

    text: str
    meta: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Everything fetched by one refresh; `reachable` None until the first refresh is done."""

    values: dict = field(default_factory=dict)  # list name → tuple of LiveValue
    overlay: Overlay | None = None
    reachable: bool | None = None
    engine_version: str = ""
    engine_kind: str = ""  # "docker" | "podman" | "" (from /_ping's Server header)
    error: str = ""  # why the last refresh found nothing (one line), "" when it worked

    def for_param(self, param: str, template_prefix: str) -> tuple:
        """Values for path parameter `param` of templates starting with `template_prefix`."""
        if self.overlay is None:
            return ()
        return self.values.get(self.overlay.list_for_param(param, template_prefix), ())

    def for_field(self, operation_id: str, keys: tuple) -> tuple:
        """Values for body field `keys` of `operation_id`."""
        if self.overlay is None:
            return ()
        return self.values.get(self.overlay.list_for_field(operation_id, keys), ())

    def counts(self) -> dict:
        """How many values of each list (for `refresh`)."""
        return {name: len(vals) for name, vals in self.values.items()}


def collect(overlay: Overlay, get) -> Snapshot:
    """One refresh: ask every list of `overlay` through `get(target) -> Response`."""
    try:
        ping = get("/_ping")
    except ExplorerError as err:
        return Snapshot(overlay=overlay, reachable=False, error=str(err))
    server = (ping.header("Server") or "").lower()
    kind = "podman" if "libpod" in server or "podman" in server else "docker"
    swarm = _swarm_active(overlay, get) if any(s.needs == "swarm" for s in overlay.lists) else False
    items: dict = {}
    values: dict = {}
    for source in overlay.lists:
        if source.needs == "swarm" and not swarm:
            continue
        found = _each_items(source, items, overlay, get) if source.each else _list_items(source, get)
        items[source.name] = found
        values[source.name] = extract(source, found)
    return Snapshot(values, overlay, True, ping.header("Api-Version") or "", kind)


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

    def __init__(self, endpoint, timeout: float = 5.0) -> None:
        self.transport = Transport(endpoint, connect_timeout=min(timeout, 2.0), timeout=timeout)

    def __call__(self, target: str):
        path, query, _ = split_target(target)
        return self.transport.send(Request("GET", path, query))

    def close(self) -> None:
        """Release the connection."""
        self.transport.close()


class Refresher:
    """A daemon thread that rebuilds the Snapshot whenever asked; asking never blocks."""

    def __init__(self, make_getter, load_overlay=None, on_update=None) -> None:
        self._make_getter = make_getter  # called in the thread: the transport belongs to it
        self._load_overlay = load_overlay
        self._on_update = on_update or (lambda: None)
        self._snapshot = Snapshot()
        self._cond = threading.Condition()
        self._asked = 1  # refreshes asked for (the first one by being created), and done:
        self._done = 0  # the thread catches up to `_asked`
        self._stopped = False
        self._thread: threading.Thread | None = None

    @property
    def snapshot(self) -> Snapshot:
        """The newest complete set of values (an empty one before the first refresh)."""
        return self._snapshot

    def start(self) -> None:
        """Start the thread; it begins with a first refresh."""
        self._thread = threading.Thread(target=self._run, name="live-values", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Ask for a refresh (after a request that changed state, or `refresh`); returns at once."""
        with self._cond:
            self._asked += 1
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait until every refresh asked so far is done; False on timeout."""
        with self._cond:
            target = self._asked
            return self._cond.wait_for(lambda: self._done >= target or self._stopped, timeout)

    def close(self) -> None:
        """Stop the thread (it finishes the refresh it is in, off the caller's time)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def _run(self) -> None:
        get = None
        try:
            # make_getter runs here, off the prompt's thread: what it imports (the REPL's completion
            # modules too) loads while the user reads the prompt.
            get = self._make_getter()
            overlay = self._overlay()
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._asked > self._done or self._stopped)
                    if self._stopped:
                        return
                    target = self._asked
                self._refresh(overlay, get)
                with self._cond:
                    self._done = target
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._stopped = True
                self._cond.notify_all()
            if get is not None and hasattr(get, "close"):
                get.close()

    def _overlay(self) -> Overlay | None:
        try:
            return (self._load_overlay or overlay.load)()
        except ExplorerError as err:
            self._snapshot = Snapshot(error=str(err))
            return None

    def _refresh(self, overlay: Overlay | None, get) -> None:
        """Build a new snapshot and swap it in; a failure keeps the old values, never the thread down."""
        if overlay is None:
            return
        try:
            fresh = collect(overlay, get)
        except Exception as err:  # a bug here must not kill completion: keep what we had
            fresh = Snapshot(self._snapshot.values, overlay, self._snapshot.reachable,
                             self._snapshot.engine_version, self._snapshot.engine_kind,
                             error=f"live values: internal error {type(err).__name__}: {err}")
        self._snapshot = fresh
        self._on_update()
