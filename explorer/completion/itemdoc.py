"""The parameter or body field under the cursor, documented in one line for the toolbar.

What it is (`since` query integer), its first sentence, its enum and default, and the API
versions that added or removed it, from the local specs (explorer.spec.history, built once and
cached on disk; the REPL loads it in a thread, and the toolbar says it once it is there), said only
when it is newer than the oldest spec known.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from explorer.completion.classify import FieldName, FieldValue, HeaderName, HeaderValue, QueryName, QueryValue, classify
from explorer.completion.specview import type_label
from explorer.core import versions
from explorer.lang.words import before_cursor
from explorer.spec import history

_SENTENCE = re.compile(r"(?<=[a-z0-9)`'\"])(?<!e\.g)(?<!i\.e)\.(\s|$)")  # "e.g. SIGINT" goes on
_WIDTH = 100  # the description is cut to this many characters


class Item(NamedTuple):
    """Where to look an item up: its kind ("query", "header", "path" or "field") and its name or keys."""

    kind: str
    keys: tuple


def word_end(text: str, cursor: int) -> int:
    """The end of the word the cursor is in (or just after): the toolbar documents the whole word."""
    end = cursor
    while end < len(text) and not text[end].isspace():
        end += 1
    return end


def describe(view, text: str) -> str:
    """One line about the parameter or field the end of `text` is in; "" when it is in none."""
    done, current, _ = before_cursor(text)
    if not done or not current.value:
        return ""
    found_line = _describe(view, text)
    if not found_line and not any(mark in current.value for mark in "=:"):  # `HostConfig[Init]`: a whole name
        found_line = _describe(view, text + "=")
    return found_line


def _describe(view, text: str) -> str:
    for found in classify(text):
        op = view.operation(found.op.method, found.op.target) if hasattr(found, "op") else None
        if op is None:
            continue
        item = _item(op, found)
        if item is not None:
            line = _param_line(op, item) if item.kind != "field" else _field_line(view, op, item)
            if line:
                return line + _added(view, op, item)
    return ""


def _item(op, found) -> Item | None:
    if isinstance(found, QueryValue):
        return Item("query" if op.param(found.name, "query") else "path", (found.name,))
    if isinstance(found, QueryName) and op.param(found.prefix, "query"):
        return Item("query", (found.prefix,))
    if isinstance(found, (HeaderName, HeaderValue)):
        name = found.prefix if isinstance(found, HeaderName) else found.name
        return Item("header", (name,)) if op.param(name, "header") else None
    if isinstance(found, FieldValue):
        return Item("field", found.keys)
    if isinstance(found, FieldName) and found.prefix:
        return Item("field", found.keys + (found.prefix,))
    return None


def _param_line(op, item: Item) -> str:
    param = op.param(item.keys[0], item.kind)
    if param is None:
        return ""
    kind = f"array of {param.items}" if param.type == "array" and param.items else param.type or "string"
    return _line(f"{param.name} ({item.kind}, {kind})", param.description, param.enum, param.default)


def _field_line(view, op, item: Item) -> str:
    schema = view.field(op, item.keys)
    if not isinstance(schema, dict):
        return ""
    name = item.keys[0] + "".join(f"[{k}]" for k in item.keys[1:])
    enum = schema.get("enum")
    enum = tuple(enum) if isinstance(enum, list) else ()
    return _line(f"{name} (body, {type_label(schema) or 'any'})", schema.get("description") or "",
                 enum, schema.get("default"))


def _line(head: str, description: str, enum: tuple, default) -> str:
    parts = [head]
    first = _SENTENCE.split(" ".join((description or "").split()), 1)[0].strip()
    if first:
        parts.append(first if len(first) <= _WIDTH else first[:_WIDTH - 1] + "…")
    if enum:
        parts.append("one of: " + ", ".join(_shown(e) for e in enum[:8]) + (", …" if len(enum) > 8 else ""))
    if default not in (None, ""):
        parts.append(f"default: {_shown(default)}")
    return " · ".join(parts)


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return '""' if value == "" else str(value)


# -- the API version that added it ------------------------------------------------------------

def _added(view, op, item: Item) -> str:
    """` · added in API v1.42` (or removed), from the local specs' history (explorer.spec.history)."""
    info = view.index.info
    if not info.api_version or not op.operation_id:
        return ""
    # what the REPL's livefeed thread (or help) loaded: the toolbar, drawn on every keystroke, builds nothing
    found = history.loaded(info.source, info.api_version)
    if found is None:
        return ""
    names = item.keys
    if item.kind == "field":
        body = op.body.schema if op.body is not None else None
        names = history.field_chain(view.index.resolve(body), item.keys) if isinstance(body, dict) else ()
        if not names:
            return ""
    text = versions.since_text(*found.span(op.method, op.path, item.kind, names))
    return f" · {text}" if text else ""
