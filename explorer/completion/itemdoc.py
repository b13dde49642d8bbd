"""The parameter or body field under the cursor, documented in one line for the toolbar.

What it is (`since` query integer), its first sentence, its enum and default, and the API
version that added it: the oldest of the local specs that has it, found by bisecting them
(each spec index is cached on disk; the answer is memoised), said only when it is newer than
the oldest spec known.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import NamedTuple

from explorer.completion.classify import FieldName, FieldValue, HeaderName, HeaderValue, QueryName, QueryValue, classify
from explorer.completion.specview import child_schema, type_label
from explorer.core import versions
from explorer.lang.words import before_cursor

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


def describe(view, text: str, env=None) -> str:
    """One line about the parameter or field the end of `text` is in; "" when it is in none."""
    done, current, _ = before_cursor(text)
    if not done or not current.value:
        return ""
    found_line = _describe(view, text, env)
    if not found_line and not any(mark in current.value for mark in "=:"):  # `HostConfig[Init]`: a whole name
        found_line = _describe(view, text + "=", env)
    return found_line


def _describe(view, text: str, env) -> str:
    for found in classify(text):
        op = view.operation(found.op.method, found.op.target) if hasattr(found, "op") else None
        if op is None:
            continue
        item = _item(op, found)
        if item is not None:
            line = _param_line(op, item) if item.kind != "field" else _field_line(view, op, item)
            if line:
                return line + _added(view, op, item, env)
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

def _added(view, op, item: Item, env) -> str:
    current = view.index.info.api_version
    if not current or not op.operation_id:
        return ""
    found = added_in(current, op.method, op.path, item.kind, item.keys, _env_key(env))
    return f" · added in API v{found}" if found else ""


def _env_key(env) -> tuple:
    """What decides the local specs, as a hashable key for the memo."""
    env = os.environ if env is None else env
    return tuple((k, env[k]) for k in ("ENGINE_EXPLORER_SPEC_DIR", "XDG_CACHE_HOME", "HOME") if k in env)


@lru_cache(maxsize=512)
def added_in(current: str, method: str, path: str, kind: str, keys: tuple, env_key: tuple = ()) -> str:
    """The oldest local spec version ≤ `current` that has the item, when it is not the oldest one ("")."""
    from explorer.spec import sources  # only when the toolbar documents an item

    local = sources.local_specs(dict(env_key))
    known = sorted((v for v in local if versions.key(v) <= versions.key(current)), key=versions.key)
    if len(known) < 2 or not _has(local[known[-1]], method, path, kind, keys):
        return ""
    low, high = 0, len(known) - 1  # the item is in known[high]; bisect for the first that has it
    while low < high:
        mid = (low + high) // 2
        if _has(local[known[mid]], method, path, kind, keys):
            high = mid
        else:
            low = mid + 1
    return known[low] if low > 0 else ""


@lru_cache(maxsize=2048)
def _has(spec_path: str, method: str, path: str, kind: str, keys: tuple) -> bool:
    op = _index(spec_path).get(method, path)
    if op is None:
        return False
    if kind != "field":
        return op.param(keys[0], kind) is not None
    node = _index(spec_path).resolve(op.body.schema) if op.body is not None and op.body.schema else None
    for key in keys:
        node = child_schema(node, key) if isinstance(node, dict) else None
    return isinstance(node, dict)


@lru_cache(maxsize=32)
def _index(spec_path: str):
    from explorer.spec import load_index  # only when the toolbar documents an item

    return load_index(spec_path)
