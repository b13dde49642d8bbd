"""An operation's example line in our own grammar, for `help`: what to type to send it.

Required parameters are `{{name}}` references, so the line runs as it is once each is `set`
(or with the value typed in its place); required body fields as `Field={{Field}}` or, for
the JSON types, `Field:=…` with an empty value of the type; an array body as `[]=…` items
from the spec's example.
"""
from __future__ import annotations

import re

from explorer.http import bodyhints
from explorer.http.request import JSON
from explorer.lang import secrets

_PARAM = re.compile(r"\{([^{}/]+)\}")
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")
_EMPTY = {"integer": "0", "number": "0", "boolean": "false", "array": "'[]'", "object": "'{}'"}


def heading(op) -> str:
    """The line above the example: how its placeholders are filled."""
    if _names(op):
        return "Example (`set NAME = VALUE` first, or type the value in place of {{NAME}}):"
    return "Example:"


def line(op, index=None) -> str:
    """`METHOD /path/{{id}} name=={{name}} Header:{{header}} Field={{Field}}` for `op`."""
    words = [op.method, _PARAM.sub(lambda m: "{{" + _name(m.group(1)) + "}}", op.path)]
    for p in op.params:
        if p.required and p.location == "query":
            words.append(f"{p.name}=={{{{{_name(p.name)}}}}}")
        elif p.required and p.location == "header":  # a credential from the environment, as `save` writes it
            secret = secrets.header_variable(p.name)
            words.append(f"{p.name}:{{{{{'env.' + secret if secret else _name(p.name)}}}}}")
    if op.body is not None:
        words += _body_words(op, index)
    return " ".join(words)


def _names(op) -> bool:
    return "{" in op.path or any(p.required and p.location in ("query", "header") for p in op.params) or (
        op.body is not None and op.body.required)


def _name(text: str) -> str:
    """A parameter's name as a variable name: `X-Registry-Auth` → `X_Registry_Auth`."""
    return _NOT_NAME.sub("_", text).strip("_") or "value"


def _body_words(op, index) -> list:
    if op.consumes and JSON not in op.consumes:
        return ["@{{file}}"]  # a tar, an image, a plugin: the reason to call it, even where optional
    schema = index.resolve(op.body.schema) if index is not None else op.body.schema
    if not isinstance(schema, dict):
        return []
    if schema.get("type") == "array":  # PluginPull, PluginSet: a top-level array, as its example has it
        return bodyhints.array_items(schema, index)
    if not schema.get("required"):
        # an update of a versioned object replaces its whole spec: it goes from a file, never as `{}`
        versioned = any(p.name == "version" and p.required and p.location == "query" for p in op.params)
        return ["@{{spec}}"] if versioned and op.body.required else []
    props = schema.get("properties") or {}
    words = []
    for name in schema["required"]:
        kind = str((props.get(name) or {}).get("type"))
        words.append(f"{name}:={_EMPTY[kind]}" if kind in _EMPTY else f"{name}={{{{{_name(name)}}}}}")
    return words
