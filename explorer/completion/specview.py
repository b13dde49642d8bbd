"""The spec index as completion needs it: operation of a half-typed line, body fields, filter keys.

One SpecView per loaded index; what it derives (path tree, resolved body schemas, sorted ids)
is built on first use and kept, so each keystroke only looks things up.
"""
from __future__ import annotations

import re

from explorer.completion.pathtree import PathTree
from explorer.core import versions

_FILTER_KEY = re.compile(r"^\s*-\s*`([A-Za-z0-9_.-]+)", re.M)


class SpecView:
    """Lookups over one SpecIndex for the completer, the toolbar and the lexer."""

    def __init__(self, index) -> None:
        self.index = index
        self._tree: PathTree | None = None
        self._ids: list | None = None
        self._schemas: dict = {}

    @property
    def tree(self) -> PathTree:
        """The path templates by segment."""
        if self._tree is None:
            self._tree = PathTree(self.index.operations)
        return self._tree

    def operation_ids(self) -> list:
        """(lower-case operationId, operation) of every operation, ordered by operationId."""
        if self._ids is None:
            ops = sorted(self.index.operations, key=lambda op: op.operation_id)
            self._ids = [(op.operation_id.lower(), op) for op in ops]
        return self._ids

    def operation(self, method: str | None, target: str):
        """The operation a request line means (`target` a path or an operationId), or None."""
        if not target.startswith("/"):
            op = self.index.by_id(target) or self.index.by_id_ci(target)
            return op if op and method in (None, op.method) else None
        path = versions.split_prefix(target.partition("?")[0])[1]
        try:
            matches = self.index.match(path)
        except Exception:  # a path the matcher cannot take (odd characters): no operation
            return None
        for template, _ in matches:
            methods = self.index.methods(template)
            if method:
                if method in methods:
                    return self.index.get(method, template)
            elif "GET" in methods or len(methods) == 1:
                return self.index.get("GET" if "GET" in methods else methods[0], template)
        return None

    def body_schema(self, op) -> dict:
        """The operation's body schema with `$ref`s resolved ({} when it has no JSON body)."""
        key = (op.method, op.path)
        if key not in self._schemas:
            body = op.body
            schema = self.index.resolve(body.schema) if body is not None and body.schema else {}
            self._schemas[key] = schema if isinstance(schema, dict) else {}
        return self._schemas[key]

    def fields(self, op, keys: tuple) -> list:
        """(name, schema) of the body fields under `keys` (a map takes any key: none listed)."""
        node = self.field(op, keys)
        if node is None:
            return []
        props = node.get("properties")
        return [(k, v if isinstance(v, dict) else {}) for k, v in props.items()] if isinstance(props, dict) else []

    def field(self, op, keys: tuple) -> dict | None:
        """The schema of the body field at `keys`, or None when the spec does not have it."""
        node: dict | None = self.body_schema(op)
        for key in keys:
            node = child_schema(node, key) if node is not None else None
        return node

    def filter_keys(self, op, name: str) -> list:
        """(key, description line) of the filters the parameter's description lists."""
        param = op.param(name, "query")
        if param is None:
            return []
        out = []
        for m in _FILTER_KEY.finditer(param.description or ""):
            line = param.description[m.start():].strip().splitlines()[0]
            out.append((m.group(1), line.lstrip("- ")))
        return list({k: (k, d) for k, d in out}.values())


def child_schema(node: dict, key: str) -> dict | None:
    """The schema of `node[key]`: a property, a map value, or an array item (`[]`, `[0]`)."""
    if not isinstance(node, dict):
        return None
    if node.get("type") == "array" or ("items" in node and "properties" not in node):
        items = node.get("items")
        return items if isinstance(items, dict) and (key == "" or key.isdigit()) else None
    props = node.get("properties")
    if isinstance(props, dict) and isinstance(props.get(key), dict):
        return props[key]
    extra = node.get("additionalProperties")
    return extra if isinstance(extra, dict) and key else None


def type_label(schema: dict) -> str:
    """`string`, `integer`, `array of string`, `object`, `map of string`… for display."""
    kind = schema.get("type") or ("object" if "properties" in schema else "")
    if kind == "array":
        items = schema.get("items")
        return f"array of {type_label(items if isinstance(items, dict) else {}) or 'any'}"
    if kind == "object" and "properties" not in schema and isinstance(schema.get("additionalProperties"), dict):
        return f"map of {type_label(schema['additionalProperties']) or 'any'}"
    if schema.get("x-nullable"):
        kind += " or null"
    return kind


def is_container(schema: dict) -> bool:
    """True for an object or map: its fields are given one by one with `Name[key]`."""
    return isinstance(schema.get("properties"), dict) or (
        schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict))
