"""The request model, and building one from a parsed line and the spec."""
from __future__ import annotations

import os
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote

from explorer import body, validate
from explorer.commands import RequestLine
from explorer.errors import UsageError
from explorer.lazyre import LazyPattern
from explorer.records import record

_VERSION_PREFIX = LazyPattern(r"^/v(\d+\.\d+(?:\.\d+)?)(?=/|$)")  # Podman's docs write /v5.0.0/libpod/…
JSON = "application/json"


@record
class Request:
    """Everything needed to send a request, or to print it as curl: one model for both."""

    method: str
    path: str  # decoded path without the /v1.NN prefix, e.g. "/containers/web 1/json"
    query: tuple = ()  # of (name, value), in order; a repeated name repeats the key
    headers: tuple = ()  # of (name, value)
    body: bytes | None = None
    body_file: str | None = None
    api_version: str | None = None  # "1.41" → sent as /v1.41/...; None → unversioned
    operation_id: str = ""

    def target(self) -> str:
        """The request target as sent: `/v1.41/containers/json?all=1`, percent-encoded."""
        return _target(self.path, self.query, self.api_version)

    def header(self, name: str) -> str | None:
        """The value of header `name` (case-insensitive), or None."""
        low = name.lower()
        for key, value in self.headers:
            if key.lower() == low:
                return value
        return None


@lru_cache(maxsize=1024)
def _target(path: str, query: tuple, api_version: str | None) -> str:
    """Memoised: scripts and benchmarks send the same request again and again."""
    encoded = "/".join(_quote_segment(s) for s in path.split("/"))
    if api_version:
        encoded = f"/v{api_version}{encoded}"
    if query:
        encoded += "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
    return encoded


def _quote_segment(segment: str) -> str:
    # curl squashes "." and ".." segments; encoded, they reach the engine as typed.
    if segment in (".", ".."):
        return segment.replace(".", "%2E")
    return quote(segment, safe="!$&'()*+,;=:@~")


def split_target(target: str) -> tuple:
    """`/v1.41/containers/json?all=1` → ("/containers/json", (("all", "1"),), "1.41")."""
    path, _, query = target.partition("?")
    if "%" in path:
        path = unquote(path)
    version = None
    m = _VERSION_PREFIX.match(path) if path.startswith("/v") else None
    if m:
        version, path = m.group(1), path[m.end():] or "/"
    return path, tuple(parse_qsl(query, keep_blank_values=True)) if query else (), version


def build(line: RequestLine, index, api_version: str | None) -> Request:
    """Turn a parsed request line into a Request, resolved and checked against the spec."""
    items = line.items
    query_items = [(i.name, i.value) for i in items if i.kind == "query"] if items else []
    if line.target.startswith("/"):
        path, query, version = split_target(line.target)
        method, op = _resolve_path(index, line.method, path)
        if query_items:
            query = query + tuple(query_items)
    else:
        op = _resolve_id(index, line.target, line.method)
        method, version = op.method, None
        path, query_items = _fill_template(op, query_items)
        query = tuple(query_items)
    req = Request(method, path, query, _headers(line) if items else (), None, None, version or api_version,
                  op.operation_id if op else "")
    if items:
        req = _with_body(req, line, op)
    if op is not None and not line.force:
        validate.check(op, req, index)
    return req


def _resolve_path(index, method, path):
    if index is None:
        return method or "GET", None
    templates = index.match_templates(path)
    if not templates:
        near = ", ".join(index.closest_paths(path)) or "none"
        raise UsageError(f"unknown path {path}; closest: {near}")
    if method:
        for template in templates:
            op = index.get(method, template)
            if op:
                return method, op
        have = ", ".join(index.methods(templates[0]))
        raise UsageError(f"{method} is not an operation of {path}; it has {have}")
    template = templates[0]
    op = index.get("GET", template)
    if op is not None:
        return "GET", op
    methods = index.methods(template)
    # Never imply a DELETE: losing a container to a forgotten method word is too costly.
    if len(methods) == 1 and methods[0] != "DELETE":
        return methods[0], index.get(methods[0], template)
    raise UsageError(f"{path} has {', '.join(methods)}: say which, e.g. `{methods[0]} {path}`")


def _resolve_id(index, name, method):
    if index is None:
        raise UsageError(f"`{name}` looks like an operationId, but no spec is loaded: use a path")
    op = index.by_id(name) or index.by_id_ci(name)
    if op is None:
        near = ", ".join(index.closest_ids(name)) or "none"
        raise UsageError(f"unknown operationId {name}; closest: {near}")
    if method and method != op.method:
        raise UsageError(f"{op.operation_id} is {op.method} {op.path}, not {method}")
    return op


def _fill_template(op, query_items):
    """Fill the template's {params} from `name==value` items; the rest stay query items."""
    values, rest = {}, []
    wanted = {p.name for p in op.params_in("path")}
    for name, value in query_items:
        if name in wanted and name not in values:
            values[name] = value
        else:
            rest.append((name, value))
    missing = [n for n in re.findall(r"\{([^}]+)\}", op.path) if n not in values]
    if missing:
        raise UsageError(f"{op.operation_id} needs path parameter {missing[0]}: add {missing[0]}==VALUE")
    path = re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], op.path)
    return path, rest


def _headers(line: RequestLine) -> tuple:
    headers = []
    for item in line.items:
        if item.kind != "header":
            continue
        if any(c in item.name + item.value for c in "\r\n") or not item.name.strip():
            raise UsageError(f"header `{item.name}`: names and values cannot hold line breaks")
        headers.append((item.name, item.value))
    return tuple(headers)


def _with_body(req: Request, line: RequestLine, op) -> Request:
    fields = [(i.name, i.value if i.kind == "field" else body.json_value(i.name, i.value))
              for i in line.items if i.kind in ("field", "json")]
    files = [i.value for i in line.items if i.kind == "file"]
    if fields and files:
        raise UsageError("give either body fields or one @file, not both")
    if len(files) > 1:
        raise UsageError("only one @file body per request")
    if files:
        path = os.path.expanduser(files[0])
        if not os.path.isfile(path):
            raise UsageError(f"@{files[0]}: no such file")
        return _typed(req._replace(body_file=path), _file_content_type(op, path))
    if fields:
        import json  # only requests with a body pay for it

        data = json.dumps(body.build(fields), ensure_ascii=False, separators=(",", ":"))
        return _typed(req._replace(body=data.encode()), JSON)
    return req


def _file_content_type(op, path: str) -> str:
    """A .json file goes as JSON where the operation takes JSON; otherwise its first other type."""
    consumes = op.consumes if op is not None else ()
    if JSON in consumes and (path.endswith(".json") or consumes == (JSON,)):
        return JSON
    for kind in consumes:
        if kind != JSON:
            return kind
    return "application/octet-stream"


def _typed(req: Request, content_type: str) -> Request:
    if req.header("Content-Type"):
        return req
    return req._replace(headers=req.headers + (("Content-Type", content_type),))
