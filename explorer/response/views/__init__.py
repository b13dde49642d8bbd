"""Views of a response for a person at a terminal, on top of the faithful body (never instead of it):
tables (`view table`: specs/views.yaml's columns, else a generic table of any array), `key: value`
blocks (`view expanded`), and the live views of stats and events (explorer.response.views.live).

Only explorer.response.show asks for them, and only for a terminal: pipes, `> file`, `-f` into a
file and exports get the engine's bytes. Imported only when a view other than json is in use.
"""
from __future__ import annotations

import json

from explorer.response.views import expanded, layout, table

VIEWS = ("json", "table", "expanded")


def render(body: bytes, operation: str | None, view: str, columns: int, now: float | None = None,
           bold: bool = False) -> str | None:
    """The text of `view` for a JSON body, fitted to `columns`; None when the view does not apply
    (json, a body that is not JSON, or an object with no table: the JSON view shows those)."""
    if view not in ("table", "expanded"):
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    if view == "expanded":
        return "\n".join(expanded.render(value, records(value, operation), bold))
    found = layout.tables(value, operation, now)
    if found is None:
        return None
    return "\n".join(lines(found, columns, bold))


def lines(tables: list, columns: int, bold: bool = False) -> list:
    """The lines of tables one under another, each section under its title."""
    out: list = []
    for found in tables:
        if found.title:
            out += ([""] if out else []) + [found.title + ":", ""]
        if not found.headers:
            out.append("(none)")
            continue
        out += table.render(found.headers, found.rows, columns, bold)
    return out


def records(value, operation: str | None) -> list | None:
    """The items the expanded view shows one block each: a table's rows where the body wraps them
    (VolumeList's Volumes, top's Processes under their Titles), else None (the body itself)."""
    entry = layout.load().get(operation or "") or {}
    if entry.get("root") and isinstance(value, dict) and isinstance(value.get(entry["root"]), list):
        return value[entry["root"]]
    if entry.get("titles") and isinstance(value, dict):
        titles = [str(t) for t in value.get(entry["titles"]) or []]
        return [dict(zip(titles, row, strict=False)) for row in value.get(entry["rows"]) or [] if isinstance(row, list)]
    return None
