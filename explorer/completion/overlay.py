"""specs/live-values.yaml: which engine list feeds which path parameter or body field.

The file ships inside the package as `explorer.specs` (see pyproject); a checkout reads it from
specs/ beside explorer/. Loaded by the live refresher's thread, never on a keystroke.
"""
from __future__ import annotations

from dataclasses import dataclass

from explorer.core.datafiles import data_file
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


@dataclass(frozen=True)
class Overlay:
    """The whole file: lists, and the rows binding parameters and fields to them."""

    lists: tuple = ()  # of ListSource, `each` lists after the lists they walk
    params: tuple = ()  # of (prefix, param names, list name)
    fields: tuple = ()  # of (operationId, keys, list name)
    swarm: tuple = ("", "")  # (request, field) telling whether swarm lists can be asked

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
    import yaml  # ~20 ms: loaded in the refresher's thread, never before the first prompt

    path = path or overlay_file()
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        return parse(doc)
    except OSError as err:
        raise SpecError(f"{path}: cannot read the live-values overlay ({err.strerror})") from None
    except (yaml.YAMLError, TypeError, KeyError, ValueError, AttributeError) as err:
        first = " ".join(str(err).split())[:120]
        raise SpecError(f"{path}: not a valid live-values overlay ({first}); fix or reinstall it") from None


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
    return Overlay(ordered, params, fields, (swarm.get("request", ""), swarm.get("field", "")))


def _source(name: str, entry: dict) -> ListSource:
    each = entry.get("each") or {}
    return ListSource(
        name=name, request=str(entry["request"]), root=entry.get("root", ""),
        names=tuple(entry.get("names") or ()), ids=tuple(entry.get("ids") or ()),
        strip=entry.get("strip", ""), short=int(entry.get("short", 0)), label=entry.get("label", name),
        meta=tuple(entry.get("meta") or ()), needs=entry.get("needs", ""),
        each=each.get("list", ""), where=tuple((each.get("where") or {}).items()))
