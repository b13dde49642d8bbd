"""specs/views.yaml → tables: which rows and columns a response body makes, per operationId, and the
generic table for any other array of objects.

A table here is a Table: a title (or ""), the headers, and the rows as cell text (made safe to
print). explorer.response.views.table fits them to the terminal.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from explorer.core.datafiles import data_file, parsed
from explorer.core.errors import SpecError
from explorer.response.views import cells, stats
from explorer.response.views.table import Table, cell, cut

FILE_NAME = "views.yaml"
GENERIC_CELL = 60  # a nested value in the generic table is cut here before fitting


class Column(NamedTuple):
    """One column: its header, the dotted path of its field, its format, shown only when present."""

    header: str
    path: tuple  # () for the item itself
    format: object  # cells.FORMATS' function
    optional: bool = False


def tables(value, operation: str | None, now: float | None = None) -> list | None:
    """The tables `value` (a parsed body) makes for `operation`; None when it makes none (an object
    with no table of its own, or a list of things that are not objects)."""
    entry = load().get(operation or "")
    if entry is not None:
        if entry.get("stats"):
            return stats.sample_table(value)
        if "sections" in entry:
            return [_section(value, section, now) for section in entry["sections"]] if isinstance(value, dict) else None
        found = _table(value, entry, now)
        return [found] if found is not None else None
    return [generic(value)] if _listlike(value) else None


def _listlike(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) or not isinstance(v, list) for v in value)


def _section(value: dict, section: dict, now) -> Table:
    found = _table(value, section, now)
    return (found or Table("", [], []))._replace(title=section.get("title", ""))


def _table(value, entry: dict, now) -> Table | None:
    if "titles" in entry:
        return _given(value, entry["titles"], entry["rows"])
    items = value.get(entry["root"]) if entry.get("root") and isinstance(value, dict) else value
    if items is None:
        items = []
    if not isinstance(items, list):
        return None
    columns = [c for c in entry["columns"] if not c.optional or any(_has(i, c.path) for i in items)]
    explode = entry.get("explode")
    rows = []
    for item in items:
        if not isinstance(item, dict):
            return None
        for element in _elements(item, explode):
            rows.append([cell(c.format(element if explode and c.path == (explode,) else _get(item, c.path), item, now))
                         for c in columns])
    return Table("", [c.header for c in columns], rows)


def _elements(item: dict, explode: str | None) -> list:
    if not explode:
        return [None]
    found = item.get(explode)
    return found if isinstance(found, list) and found else [None]


def _given(value, titles: str, rows: str) -> Table | None:
    """A table whose headers and rows the body holds (`top`: Titles and Processes)."""
    if not isinstance(value, dict) or not isinstance(value.get(titles), list):
        return None
    headers = [cell(cells.text(t)) for t in value[titles]]
    body = [[cell(cells.text(v)) for v in row] for row in value.get(rows) or [] if isinstance(row, list)]
    return Table("", headers, body)


def generic(items: list) -> Table:
    """Any array: a column per field of its objects (first seen, first), nested values as compact JSON."""
    headers: dict = {}
    for item in items:
        if isinstance(item, dict):
            for key in item:
                headers.setdefault(key, None)
    if not headers:
        return Table("", ["VALUE"], [[cell(cells.text(v))] for v in items])
    names = list(headers)
    rows = [[_generic_cell(item.get(name)) for name in names] if isinstance(item, dict)
             else [_generic_cell(item)] + [""] * (len(names) - 1) for item in items]
    return Table("", names, rows)


def _generic_cell(value) -> str:
    if isinstance(value, (dict, list)):
        return cut(cell(cells.compact(value)), GENERIC_CELL) if value else ""
    return cell(cells.text(value))


def _get(item, path: tuple):
    for key in path:
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _has(item, path: tuple) -> bool:
    for key in path:
        if not isinstance(item, dict) or key not in item:
            return False
        item = item[key]
    return True


# -- the data file ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load(path: str | None = None) -> dict:
    """operationId → its table entry, columns made Column; the parsed YAML kept between starts."""
    path = path or data_file(FILE_NAME)
    try:
        # a cache of the wrong shape fails in `use`, and is rebuilt from the file (not blamed on it)
        return parsed(path, _read_yaml, "views", use=lambda doc: {op: _entry(e) for op, e in doc["tables"].items()})
    except OSError as err:
        raise SpecError(f"{path}: cannot read the table views ({err.strerror}); reinstall") from None
    except (TypeError, KeyError, ValueError, AttributeError) as err:
        raise SpecError(f"{path}: not a valid views file ({err}); fix or reinstall it") from None


def _entry(entry: dict) -> dict:
    found = dict(entry)
    if "columns" in entry:
        found["columns"] = [_column(c) for c in entry["columns"]]
    if "sections" in entry:
        found["sections"] = [_entry(s) for s in entry["sections"]]
    return found


def _column(spec: list) -> Column:
    header, field, *rest = spec
    name = rest[0] if rest else "text"
    if name.startswith("cut:"):
        limit = int(name[4:])
        fmt = lambda value, item=None, now=None: cut(cells.flat(value), limit)  # noqa: E731
    else:
        fmt = cells.FORMATS[name]
    path = () if field == "." else tuple(str(field).split("."))
    return Column(str(header), path, fmt, len(rest) > 1 and rest[1] == "optional")


def _read_yaml(path: str) -> dict:
    import yaml  # cold path: once per change of the file

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except yaml.YAMLError as err:
        first = " ".join(str(err).split())[:120]
        raise SpecError(f"{path}: cannot read the table views ({first}); fix or reinstall it") from None
    if not isinstance(doc, dict):
        raise SpecError(f"{path}: not a valid views file (no tables); fix or reinstall it")
    return doc
