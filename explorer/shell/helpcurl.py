"""The curl template of `help`: every query parameter as a `{name}` placeholder, the required body."""
from __future__ import annotations

import re

from explorer.core import jsontext
from explorer.http.request import JSON, Request, encode_path

_BRACED = re.compile(r"%7B([A-Za-z0-9_.-]+)%7D")


def _json(value) -> str:
    try:
        return jsontext.dumps(value, ensure_ascii=False)
    except ValueError as err:  # a spec's example or default too deep to write
        return f"({err})"


def template_request(op, index=None):
    """A Request for `op` with placeholders: `{id}` in the path, `{term}` for each query parameter
    (all of them, required or not: the template shows what there is), `{Name}` for required headers."""
    query = tuple((p.name, f"{{{p.name}}}") for p in op.params if p.location == "query")
    headers = tuple((p.name, f"{{{p.name}}}") for p in op.params if p.location == "header" and p.required)
    req = Request(op.method, encode_path(op.path), query, headers, operation_id=op.operation_id)
    if op.body is None:
        return req
    if JSON in op.consumes or not op.consumes:
        schema = op.body.schema
        skeleton = _skeleton(index.resolve(schema) if index is not None else schema)
        return req._replace(body=_json(skeleton).encode(), headers=headers + (("Content-Type", JSON),))
    return req._replace(body_file="{file}", headers=headers + (("Content-Type", op.consumes[0]),))


def _skeleton(schema) -> dict | list:
    """The required top-level fields of a body, strings as `{Name}` placeholders."""
    if isinstance(schema, dict) and schema.get("type") == "array":
        return []
    if not isinstance(schema, dict) or not isinstance(schema.get("required"), list):
        return {}
    props = schema.get("properties") or {}
    empty = {"integer": 0, "number": 0, "boolean": False, "array": [], "object": {}}
    return {name: empty.get(str((props.get(name) or {}).get("type")), f"{{{name}}}") for name in schema["required"]}


def unbrace(line: str) -> str:
    """Show percent-encoded placeholders as typed: %7Bid%7D → {id}."""
    return _BRACED.sub(r"{\1}", line)
