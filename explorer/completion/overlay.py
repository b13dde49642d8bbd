"""specs/live-values.yaml: which engine list feeds which path parameter or body field.

The file ships inside the package as `explorer.specs` (see pyproject); a checkout reads it from
specs/ beside explorer/. Loaded by the live refresher's thread, never on a keystroke.
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.datafiles import data_file, parsed
from explorer.core.errors import SpecError

FILE_NAME = "live-values.yaml"


@dataclass(frozen=True)
class ListSource:
    """One list endpoint and what to keep from its answer."""

    name: str
    request: str
    root: str = ""
    names: tuple = ()
    ids: tuple = ()
    strip: str = ""
    short: int = 0
    label: str = ""
    meta: tuple = ()
    needs: str = ""  # "swarm", or ""
    each: str = ""  # another list whose ids fill {id} in `request`
    where: tuple = ()  # ((field, value), …) an item of `each` must match
    events: tuple = ()  # "type" or "type:action" of the engine events after which to ask again


@dataclass(frozen=True)
class Overlay:
    """The whole file: lists, and the rows binding parameters and fields to them."""

    lists: tuple = ()  # of ListSource, `each` lists after the lists they walk
    params: tuple = ()  # of (prefix, param names, list name)
    fields: tuple = ()  # of (operationId, keys, list name)
    swarm: tuple = ("", "")  # (request, field) telling whether swarm lists can be asked
    quiet: frozenset = frozenset()  # event actions that change no list

    def event_types(self) -> tuple:
        """The event types some list follows (GET /events asks for these only), sorted."""
        return tuple(sorted({e.partition(":")[0] for s in self.lists for e in s.events}))

    def lists_for_event(self, kind: str, action: str) -> tuple:
        """The lists to ask again after an event of type `kind` and `action` (`exec_create: sh` → exec_create)."""
        verb = action.partition(":")[0].strip()
        if verb in self.quiet:
            return ()
        return tuple(s.name for s in self.lists if kind in s.events or f"{kind}:{verb}" in s.events)

    def list_for_param(self, param: str, template_prefix: str) -> str:
        """The list feeding path parameter `param` of a template starting `template_prefix`."""
        best, found = -1, ""
        for prefix, names, source in self.params:
            if param in names and template_prefix.startswith(prefix) and len(prefix) > best:
                best, found = len(prefix), source
        return found

    def list_for_field(self, operation_id: str, keys: tuple) -> str:
        """The list feeding body field `keys` of `operation_id`, or ""."""
        for op_id, field_keys, source in self.fields:
            if op_id == operation_id and field_keys == tuple(keys):
                return source
        return ""


def overlay_file() -> str:
    """Where live-values.yaml is: in the installed package, else specs/ of the checkout."""
    return data_file(FILE_NAME)


def load(path: str | None = None) -> Overlay:
    """Read and check the overlay; a broken file is a SpecError naming it."""
    path = path or overlay_file()
    try:
        # kept as marshal data: yaml (~20 ms to import) only when the file changed, so the first
        # live values, and a first Tab waiting for them, come sooner
        return parse(parsed(path, _read, "live-values"))
    except OSError as err:
        raise SpecError(f"{path}: cannot read the live-values overlay ({err.strerror})") from None
    except (TypeError, KeyError, ValueError, AttributeError) as err:
        first = " ".join(str(err).split())[:120]
        raise SpecError(f"{path}: not a valid live-values overlay ({first}); fix or reinstall it") from None


def _read(path: str) -> dict:
    """The parsed file; a YAML error becomes ValueError (load then names the file)."""
    import yaml  # only when the kept copy is stale (see load)

    with open(path, encoding="utf-8") as fh:
        try:
            doc = yaml.safe_load(fh)
        except yaml.YAMLError as err:
            raise ValueError(str(err)) from None
    if not isinstance(doc, dict):
        raise ValueError("the file is not a mapping")
    return doc


def parse(doc: dict) -> Overlay:
    """The overlay from its parsed YAML document."""
    lists = tuple(_source(name, entry) for name, entry in doc["lists"].items())
    names = {s.name for s in lists}
    params = tuple((row["prefix"], tuple(row["params"]), row["list"]) for row in doc.get("params") or ())
    fields = tuple((row["operation"], tuple(row["keys"]), row["list"]) for row in doc.get("fields") or ())
    for _, _, source in params + fields:
        if source not in names:
            raise ValueError(f"no list called {source!r}")
    for s in lists:
        if s.each and s.each not in names:
            raise ValueError(f"list {s.name!r} walks unknown list {s.each!r}")
    ordered = tuple(s for s in lists if not s.each) + tuple(s for s in lists if s.each)
    swarm = doc.get("swarm") or {}
    quiet = frozenset(str(a) for a in (doc.get("events") or {}).get("quiet") or ())
    return Overlay(ordered, params, fields, (swarm.get("request", ""), swarm.get("field", "")), quiet)


def _source(name: str, entry: dict) -> ListSource:
    each = entry.get("each") or {}
    return ListSource(
        name=name, request=str(entry["request"]), root=entry.get("root", ""),
        names=tuple(entry.get("names") or ()), ids=tuple(entry.get("ids") or ()),
        strip=entry.get("strip", ""), short=int(entry.get("short", 0)), label=entry.get("label", name),
        meta=tuple(entry.get("meta") or ()), needs=entry.get("needs", ""),
        each=each.get("list", ""), where=tuple((each.get("where") or {}).items()),
        events=tuple(str(e) for e in entry.get("events") or ()))
