"""Check a built Request against its Operation before anything is sent.

Parameters first (unknown, missing, enum, type and bounds of query values), then a JSON body
against the body schema (type, required fields, enum, bounds, nested objects and arrays,
x-nullable, additionalProperties). Each problem is one UsageError; a leading `!` skips all of
this (see request.build). The common case, no query and no body, costs two attribute reads.

Ours rather than jsonschema's, which cannot read what Docker's specs rely on: x-nullable, a
StrSlice (`Cmd` sent as a plain string) and Go's field names matched ignoring case.
"""
from __future__ import annotations

import re

from explorer.core.errors import UsageError
from explorer.http import bodyfile
from explorer.http.bodyhints import field as _field
from explorer.http.bodyhints import show as _show
from explorer.http.bodyhints import type_problem
from explorer.http.bodyhints import where as _where
from explorer.lang import secrets
from explorer.lang.jsonvalues import same, unmet_bound

SEND_ANYWAY = "prefix the line with ! to send anyway"
MAX_DEPTH = 64  # deeper JSON is left unchecked rather than risk the recursion limit
MAX_BODY_FILE = 8 << 20  # a larger @file is sent unchecked: reading it twice would cost too much

# What Docker's handlers accept for a boolean query value (strconv.ParseBool, httputils.BoolValue).
_BOOLEAN = frozenset({"1", "0", "true", "false", "t", "f", "yes", "no"})
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def problem(text: str) -> UsageError:
    """The UsageError for one mismatch, ending with how to send it anyway."""
    return UsageError(f"{text}; {SEND_ANYWAY}")


def check(op, req, index) -> tuple:
    """Raise a UsageError for the first way `req` does not fit `op` (nothing to check without an op).

    Returns warnings: body fields the spec does not name where its schema allows any (sent as written).
    """
    if op is None or not (op.params or req.query):  # GET /_ping: nothing to check, nothing to pay
        return ()
    _check_query(op, req.query)
    _check_headers(op, req)
    return _check_body(op, req, index)


# -- parameters ---------------------------------------------------------------------------

def _check_query(op, query: tuple) -> None:
    known = {p.name: p for p in op.params if p.location == "query"}
    for name, value in query:
        param = known.get(name)
        if param is None:
            raise problem(f"{op.operation_id} has no query parameter {name}{_closest(name, known)}")
        message = _query_value_problem(param, value)
        if message:
            raise problem(f"{op.operation_id}: {name}=={value} {message}")
    present = {name for name, _ in query}
    for param in known.values():
        if param.required and param.name not in present:
            raise problem(f"{op.operation_id} needs query parameter {param.name} (add {param.name}==VALUE)")


def _closest(name: str, known) -> str:
    from difflib import get_close_matches  # only on the error path

    near = get_close_matches(name, list(known), 3, 0.6)
    if near:
        return f" (did you mean {' or '.join(near)}?)"
    return f" (it has {', '.join(sorted(known))})" if known else " (it takes none)"


def _query_value_problem(param, value: str) -> str:
    """Why `value` does not fit `param`, or "" when it does."""
    if param.enum and value not in {_enum_text(e) for e in param.enum}:
        return "is not one of " + ", ".join(_enum_text(e) or '""' for e in param.enum)
    kind = param.items if param.type == "array" else param.type
    if kind == "boolean" and value.lower() not in _BOOLEAN:
        return "is not a boolean (use 1/0 or true/false)"
    if kind == "integer" and not _INTEGER.fullmatch(value):
        return "is not an integer"
    if kind == "number" and not _NUMBER.fullmatch(value):
        return "is not a number"
    if isinstance(param.schema, dict) and param.type != "array":  # a loader may keep a query value's bounds
        typed = int(value) if kind == "integer" else float(value) if kind == "number" else value
        wants = unmet_bound(param.schema, typed)
        return f"does not fit: the spec wants {wants}" if wants else ""
    return ""


def _enum_text(value) -> str:
    """An enum value as it appears in a query string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _check_headers(op, req) -> None:
    # Header enums are not checked: Docker's specs have one, ImageBuild's Content-type, and their
    # own `consumes` for that operation contradicts it.
    for param in op.params:
        if param.location == "header" and param.required and req.header(param.name) is None:
            raise problem(f"{op.operation_id} needs header {param.name} (add {param.name}:VALUE)")


# -- the body -----------------------------------------------------------------------------

def _check_body(op, req, index) -> tuple:
    param = op.body
    if param is None:
        return ()
    if req.body is None and not req.body_file:
        if param.required:
            json_ok = _is_json(_first(op.consumes))
            how = "body fields (field=value, field:=json) or @file" if json_ok else "@file"
            raise problem(f"{op.operation_id} needs a body: add {how}")
        return ()
    if param.schema is None or index is None or not _is_json(req.header("Content-Type")):
        return ()
    doc = _load_json(req, op)
    if doc is _UNCHECKED:
        return ()
    checker = _Checker(index, secrets.body_fields(op.operation_id or op.path))
    found = checker.mismatch(index.resolve(param.schema), doc, [], 0)
    if found:
        raise problem(f"{op.operation_id} body: {found}")
    more = len(checker.unknown) - UNKNOWN_SHOWN  # the rest are counted: a pasted thousand would be a thousand lines
    return tuple(f"warning: {op.operation_id} body: {text}; sent as written" for text in checker.unknown[:UNKNOWN_SHOWN]
                 ) + ((f"warning: {op.operation_id} body: {more} more fields not in the spec; sent as written",)
                      if more > 0 else ())


def _first(items: tuple) -> str:
    return items[0] if items else ""


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


_UNCHECKED = object()


def _load_json(req, op):
    """The JSON document of the body (or its @file), or _UNCHECKED when it is not ours to read."""
    data = req.body
    if data is None:
        try:
            data = bodyfile.read_whole(req.body_file, "@" + req.body_file, MAX_BODY_FILE)
        except UsageError:
            return _UNCHECKED  # too large to read twice; or the transport says why it cannot be read
    import json  # not at import: most requests have no body

    try:
        return json.loads(data)
    except (ValueError, RecursionError) as err:
        what = f"@{req.body_file}" if req.body is None else "the body"
        raise problem(f"{op.operation_id}: {what} is not valid JSON ({str(err)[:80]})") from None


UNKNOWN_SHOWN = 5  # body fields the spec does not name that get a warning line each (and a did-you-mean)

class _Checker:
    """One body check: a `$ref` left by a cycle is resolved when the data reaches it."""

    def __init__(self, index, hidden=()) -> None:
        self.index = index
        self.hidden = hidden  # the operation's secret fields: a problem with one never shows its value
        self.unknown: list = []  # fields the spec does not name, where it allows any: warned about

    def mismatch(self, schema, value, path: list, depth: int) -> str:
        """Why `value` (at `path`) does not fit `schema`, or "" when it does."""
        if depth > MAX_DEPTH or not isinstance(schema, dict):
            return ""
        if "$ref" in schema:
            schema = self.index.resolve(schema)
            if not isinstance(schema, dict) or "$ref" in schema:
                return ""  # outside this spec: nothing to check against
        if value is None:
            return "" if _nullable(schema) else f"{_where(path)} is null, which the spec does not allow"
        alternatives = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(alternatives, list) and alternatives:
            if all(self.mismatch(alt, value, path, depth + 1) for alt in alternatives):
                return f"{_where(path)} ({_show(value)}) fits none of the shapes the spec allows"
        found = type_problem(schema, value, path, self.index) or _enum_problem(schema, value, path)
        if not found:
            wants = unmet_bound(schema, value)
            found = f"{_where(path)} is {_show(value)}, the spec wants {wants}" if wants else ""
        if found and path and path[0] in self.hidden:  # the value of a secret, as we wrote it in: hidden
            return found.replace(_show(value), secrets.REDACTED).replace(f":={value} ", f":={secrets.REDACTED} ")
        if found:
            return found
        if isinstance(value, dict):
            return self._object(schema, value, path, depth)
        if isinstance(value, list):
            items = schema.get("items")
            for i, item in enumerate(value):
                found = self.mismatch(items, item, path + [i], depth + 1)
                if found:
                    return found
        return ""

    def _object(self, schema: dict, value: dict, path: list, depth: int) -> str:
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        folded = None  # Go's encoding/json matches field names ignoring case, and so does Docker
        for name in schema.get("required") or ():
            if name not in value:
                folded = folded or {k.lower() for k in value}
                if str(name).lower() not in folded:
                    return f"{_where(path)} lacks required field {name} (add {_field(path + [name])}=VALUE)"
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            sub = props.get(key)
            if sub is None:
                sub = _fold(props, key)
            if sub is None:
                if extra is False:
                    return f"{_where(path + [key])} is not a field the spec allows{_closest_field(key, props)}"
                if extra is None and props:  # allowed, but most likely a typo: Imag=busybox
                    near = _closest_field(key, props) if len(self.unknown) < UNKNOWN_SHOWN else ""
                    self.unknown.append(f"{_where(path + [key])} is not in the spec{near}")
                sub = extra
            found = self.mismatch(sub, item, path + [key], depth + 1)
            if found:
                return found
        return ""


def _fold(props: dict, key: str):
    low = key.lower()
    for name, sub in props.items():
        if name.lower() == low:
            return sub
    return None


def _closest_field(key: str, props: dict) -> str:
    from difflib import get_close_matches  # only on the error path

    near = get_close_matches(key, list(props), 1, 0.6)
    return f" (did you mean {near[0]}?)" if near else ""


def _nullable(schema: dict) -> bool:
    types = schema.get("type")
    return bool(schema.get("x-nullable") or schema.get("nullable")
                or (isinstance(types, list) and "null" in types)
                or (isinstance(schema.get("enum"), list) and None in schema["enum"]))


def _enum_problem(schema: dict, value, path: list) -> str:
    enum = schema.get("enum")
    if not isinstance(enum, list) or not enum or any(same(value, e) for e in enum):
        return ""
    shown = ", ".join(_show(e) for e in enum[:8]) + (", …" if len(enum) > 8 else "")
    return f"{_where(path)} is {_show(value)}, not one of {shown}"
