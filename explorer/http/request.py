"""The request model, and building one from a parsed line and the spec."""
from __future__ import annotations

import re
import time
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl

from explorer.core import versions
from explorer.core.errors import UsageError, shown
from explorer.http import validate
from explorer.lang import slots, times
from explorer.lang.commands import RequestLine

JSON = "application/json"


class Request(NamedTuple):
    """Everything needed to send a request, or to print it as curl: one model for both."""

    method: str
    path: str  # the path as sent, percent-encoded, without the /v1.NN prefix: "/containers/web%201/json"
    query: tuple = ()  # of (name, value), decoded and in order; a repeated name repeats the key
    headers: tuple = ()  # of (name, value)
    body: bytes | None = None
    body_file: str | None = None
    api_version: str | None = None  # "1.41" → sent as /v1.41/...; None → unversioned
    operation_id: str = ""
    compressed: bool = False  # curl --compressed: ask for a compressed body (Accept-Encoding), and inflate it

    def target(self) -> str:
        """The request target as sent: `/v1.41/containers/json?all=1`, percent-encoded."""
        if len(self.path) + sum(len(k) + len(v) for k, v in self.query) > MEMO_CHARS:
            return _target.__wrapped__(self.path, self.query, self.api_version)  # not kept: see MEMO_CHARS
        return _target(self.path, self.query, self.api_version)

    def header(self, name: str) -> str | None:
        """The value of header `name` (case-insensitive), or None."""
        low = name.lower()
        for key, value in self.headers:
            if key.lower() == low:
                return value
        return None


# Memoised targets and path matches are bounded in count; a request longer than this is not kept at
# all, or 1,024 pasted megabyte paths would stay in memory for the rest of the session.
MEMO_CHARS = 1024


@lru_cache(maxsize=1024)
def _target(path: str, query: tuple, api_version: str | None) -> str:
    """Memoised: scripts and benchmarks send the same request again and again."""
    encoded = f"/v{api_version}{path}" if api_version else path
    if query:
        encoded += "?" + "&".join(f"{slots.percent(k)}={slots.percent(v)}" for k, v in query)
    return encoded


# Bytes a typed path keeps as they are (RFC 3986 pchar and "/"), and its `%XX` escapes, whose hex
# digits go in upper case: libcurl 8 rewrites `%2e` as `%2E` even with PATH_AS_IS, and 7.88 does not.
_PATH_UNSAFE = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]+|%[0-9a-f][0-9A-Fa-f]|%[0-9A-F][a-f]")
_DOT_SEGMENT = re.compile(r"(?:^|/)(?:\.|%2[eE]){1,2}(?=/|$)")


def encode_path(text: str, references: bool = False) -> str:
    """A typed path as sent: what a URL cannot hold is percent-encoded, the rest kept as typed.

    With `references`, `{{NAME}}` references are left in place, to be filled (and encoded) later.
    """
    if not references or "{{" not in text:
        return _PATH_UNSAFE.sub(_percent_match, text)
    pieces = slots.REFERENCE.split(text)  # literal, name, literal, …
    return "".join(_PATH_UNSAFE.sub(_percent_match, p) if i % 2 == 0 else "{{" + p + "}}"
                   for i, p in enumerate(pieces))


def _percent_match(m) -> str:
    text = m.group(0)
    if len(text) == 3 and text[0] == "%":
        return text.upper()  # an escape as typed, in upper case
    return slots.percent(text)


def has_dot_segment(path: str) -> bool:
    """Does `path` have a `.` or `..` segment (also as %2E), which curl would squash without --path-as-is?"""
    return ("." in path or "%2" in path) and _DOT_SEGMENT.search(path) is not None


def split_target(target: str, references: bool = False) -> tuple:
    """`/v1.41/containers/json?all=1` → ("/containers/json", (("all", "1"),), "1.41").

    The path comes back as it is sent (see encode_path), the query decoded.
    """
    path, _, query = target.partition("?")
    path = encode_path(path, references)
    version, path = versions.split_prefix(path)
    return path, parse_query(query), version


def parse_query(query: str) -> tuple:
    """`a=1&b=x%20y` → (("a", "1"), ("b", "x y")): a query as written, decoded (`+` is a space)."""
    return tuple(parse_qsl(query, keep_blank_values=True)) if query else ()


def build(line: RequestLine, index, api_version: str | None, values=slots.NO_VALUES, warn=None,
          complete=None, check=None) -> Request:
    """Turn a parsed request line into a Request, resolved and checked against the spec.

    `warn(text)` hears what is sent all the same: a body field the spec does not name.
    `check(op, req)` may refuse the built request before the spec's own checks (an item newer
    than the engine's API version: explorer.shell.versiongate); a `!` line skips both.

    `{{NAME}}` references take their `values` only now, each in its slot (explorer.lang.slots): the
    operation, the path's shape, query keys and header names are settled before any value is seen.
    `complete(request)` adds what the client adds (docker's config.json: explorer.http.registryauth)
    before the check, since a spec may require a header the client fills.
    """
    items = line.items
    query_items = [(i.name, i.value) for i in items if i.kind == "query"] if items else []
    if query_items:
        query_items = _filled_query(query_items, values)
    if line.target.startswith("/"):
        path, query, version = split_target(line.target, references=True)
        if query:
            query = tuple(_filled_query(query, values))
        method, op = _resolve_path(index, line.method, path, line.force)
        if "{{" in path:
            path = _fill_path(index, op, path, values)
        if query_items:
            query = query + tuple(query_items)
    else:
        op = _resolve_id(index, line.target, line.method)
        method, version = op.method, None
        path, query_items = _fill_template(op, query_items)
        query = tuple(query_items)
    if query and op is not None:
        query = _absolute_times(op, query, values, warn)
    req = Request(method, path, query, _headers(line, values) if items else (), None, None,
                  version or api_version, op.operation_id if op else "")
    if items:
        req = _with_body(req, line, op, values, warn)
    if req.body is None and req.body_file is None and op is not None and op.body is not None:
        req = _empty_object(req, op, index)
    if complete is not None:
        req = complete(req)
    if op is not None and not line.force:
        if check is not None:
            check(op, req)
        for text in validate.check(op, req, index):
            if warn is not None:
                warn(text)
    return req


def _absolute_times(op, query: tuple, values, warn) -> tuple:
    """`since==5m`, `until==2024-01-02` → Unix timestamps, for the engine's timestamp parameters
    (a query `since` or `until` its spec calls a timestamp), as docker's CLI sends them. An export
    (values not `checked`: its script runs later) gets a note that the time is fixed now."""
    out, changed = list(query), []
    for i, (name, value) in enumerate(query):
        if name in ("since", "until") and value and not value.isdigit():
            param = op.param(name, "query")
            if param is not None and "timestamp" in (param.description or "").lower():
                out[i] = (name, times.timestamp(value, time.time(), f"{name}=={value}") or value)
                changed += [f"{name}=={value}"] if out[i][1] != value else []
    if changed and not values.checked and warn is not None:
        warn(f"note: {', '.join(changed)} goes into the script as the timestamp it stands for now, "
             "not recomputed when it runs")
    return tuple(out)


def _filled_query(pairs, values) -> list:
    out = []
    for name, value in pairs:
        slots.refuse(name, "a query parameter's name")
        out.append((name, slots.fill(value, slots.QUERY, values)))
    return out


def _fill_path(index, op, path: str, values) -> str:
    """The typed path with its references filled, each in the path parameter it stands in."""
    params = dict(index.match(path)).get(op.path) if op is not None else None
    if params is None:  # no spec to say where parameters are: each reference fills one segment
        return "/".join(slots.fill(seg, slots.SEGMENT, values) for seg in path.split("/"))
    filled = {name: slots.fill(text, slots.path_slot(op.path, name), values) for name, text in params.items()}
    out = _TEMPLATE_PARAM.sub(lambda m: filled.get(m.group(1), m.group(0)), op.path)
    return out + "/" if path.endswith("/") and not out.endswith("/") else out


_TEMPLATE_PARAM = re.compile(r"\{([^{}/]+)\}")


def _resolve_path(index, method, path, force=False):
    if index is None:
        return method or "GET", None
    templates = index.match_templates(path)
    if force and method and not any(index.get(method, t) for t in templates):
        return method, None  # `!` with a method: sent as written, unchecked (an engine may have what the spec lacks)
    # a one-segment parameter holding a `/` is a typo (`/containers/web/strat`), unless `!` says send it
    if not templates or (not force and index.spans_a_typo(path, templates[0])):
        near = index.closest_request(method, path) or "closest: none"
        raise UsageError(f"unknown path {shown(path, 200)}; {near}")
    if method:
        for template in templates:
            op = index.get(method, template)
            if op:
                return method, op
        have = [m for m in index.methods(templates[0]) if not index.destroys(m, templates[0])]
        near = f"it has {', '.join(have)}" if have else index.closest_request(method, path) or "it has DELETE"
        raise UsageError(f"{method} is not an operation of {shown(path, 200)}; {near}")
    template = templates[0]
    op = index.get("GET", template)
    if op is not None:
        return "GET", op
    methods = index.methods(template)
    # Never imply a DELETE: losing a container to a forgotten method word is too costly.
    if len(methods) == 1 and methods[0] != "DELETE":
        return methods[0], index.get(methods[0], template)
    near = index.closest_request(None, path)
    if methods == ["DELETE"]:
        raise UsageError(f"{shown(path, 200)} is DELETE only, which is never implied" + (f"; {near}" if near else ""))
    raise UsageError(f"{shown(path, 200)} has {', '.join(methods)}: say which" + (f"; {near}" if near else ""))


def _resolve_id(index, name, method):
    if index is None:
        raise UsageError(f"`{name}` looks like an operationId, but no spec is loaded: use a path")
    op = index.by_id(name) or index.by_id_ci(name)
    if op is None:
        near = ", ".join(index.closest_ids(name)) or "none"
        raise UsageError(f"unknown operationId {shown(name, 200)}; closest: {near}")
    if method and method != op.method:
        raise UsageError(f"{op.operation_id} is {op.method} {op.path}, not {method}")
    return op


def _fill_template(op, query_items):
    """Fill the template's {params} from `name==value` items; the rest stay query items.

    A value goes in as a path value (explorer.lang.slots): percent-encoded, never a `.`/`..` component.
    """
    values, rest = {}, []
    wanted = {p.name for p in op.params_in("path")}
    for name, value in query_items:
        if name in wanted and name not in values:
            values[name] = slots.encode(value, slots.path_slot(op.path, name), f"{name}=={value}")
        else:
            rest.append((name, value))
    missing = [n for n in _TEMPLATE_PARAM.findall(op.path) if n not in values]
    if missing:
        raise UsageError(f"{op.operation_id} needs path parameter {missing[0]}: add {missing[0]}==VALUE")
    return _TEMPLATE_PARAM.sub(lambda m: values[m.group(1)], op.path), rest


def _headers(line: RequestLine, values) -> tuple:
    headers = []
    for item in line.items:
        if item.kind != "header":
            continue
        slots.refuse(item.name, "a header's name")
        label = f"header `{shown(item.name)}`"
        if not item.name.strip():
            raise UsageError(f"{label}: a header needs a name")
        slots.check_header_text(item.name + item.value, label)
        headers.append((item.name, slots.fill(item.value, slots.HEADER, values)))
    return tuple(headers)


def _with_body(req: Request, line: RequestLine, op, values, warn) -> Request:
    if not line.items:
        return req
    from explorer.http import bodyitems  # its forms and files: only a line with items

    made = bodyitems.from_items(line.items, op, values, warn)
    if made is None:
        return req
    if req.method == "HEAD":  # libcurl sends HEAD without a body, and curl refuses --head with one
        raise UsageError("a HEAD request has no body: drop the body items, or use GET")
    return _typed(req._replace(body=made.data, body_file=made.file), made.content_type)


def _empty_object(req: Request, op, index) -> Request:
    """`{}` for a JSON object body with no required fields, given none: the engine answers a missing
    body with 400 "EOF" (exec start) or "Config cannot be empty", where docker's CLI sends `{}`.

    Not for an update of a versioned object (a `version` query parameter is required): there `{}`
    would replace the whole spec with an empty one, so nothing is sent and the engine says why.
    """
    if (op.consumes and JSON not in op.consumes) or index is None or not isinstance(op.body.schema, dict):
        return req
    if any(p.name == "version" and p.required and p.location == "query" for p in op.params):
        return req
    schema = index.resolve(op.body.schema)
    if not isinstance(schema, dict) or schema.get("required") or not (
            schema.get("type") == "object" or isinstance(schema.get("properties"), dict)):
        return req
    return _typed(req._replace(body=b"{}"), JSON)


def _typed(req: Request, content_type: str) -> Request:
    if req.header("Content-Type"):
        return req
    return req._replace(headers=req.headers + (("Content-Type", content_type),))
