"""Read a spec file (YAML or JSON; Swagger 2.0 or OpenAPI 3.x) into a plain, normalised dict.

Only this module imports yaml, and only when a file really has to be parsed: a warm start
reads the cached index (see cache.py) and never gets here.
"""
from __future__ import annotations

import json
import re

from explorer.core import jsontext, versions
from explorer.core.errors import SpecError
from explorer.lang.commands import METHODS
from explorer.spec import bounds
from explorer.spec.model import Operation, Param, SpecInfo

_HTTP_METHODS = tuple(m.lower() for m in METHODS)  # the keys of a path item that are operations
# A parameter's bounds, kept for the validator (a body's schema keeps its own).
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern")
_loader_class = None  # built on first YAML parse; module-level so it is built once


def load_document(path: str) -> dict:
    """Read and parse the spec file at `path`; SpecError when unreadable, malformed or not a spec."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise SpecError(f"{path}: cannot read the spec file ({err.strerror}); check the path") from None
    return parse_document(data, path)


def parse_document(data: bytes, name: str) -> dict:
    """Parse spec text already read from `name` (used in messages), validate its shape, normalise it."""
    doc = _parse_json(data, name) if _looks_like_json(data, name) else _parse_yaml(data, name)
    bounds.check_size(doc, name)
    if not isinstance(doc, dict) or not ("swagger" in doc or "openapi" in doc):
        raise SpecError(f"{name}: not an OpenAPI/Swagger spec (no 'swagger' or 'openapi' key); "
                        "point to a Docker Engine API spec file")
    if not isinstance(doc.get("paths"), dict):
        raise SpecError(f"{name}: the spec has no 'paths'; point to a Docker Engine API spec file")
    _normalise_response_codes(doc["paths"])
    return doc


def _looks_like_json(data: bytes, name: str) -> bool:
    # json is many times faster than YAML; any JSON document is also YAML, so guessing wrong
    # only costs speed, except for error line numbers, which is why the extension wins.
    if name.endswith(".json"):
        return True
    return not name.endswith((".yaml", ".yml")) and data.lstrip()[:1] == b"{"


def _parse_json(data: bytes, name: str) -> object:
    try:
        return jsontext.loads(data)
    except UnicodeDecodeError as err:
        raise SpecError(f"{name}: not UTF-8 text ({err.reason}); point to a spec file") from None
    except json.JSONDecodeError as err:
        raise SpecError(f"{name}:{err.lineno}: {err.msg} (invalid JSON); fix the file or use another spec") from None
    except jsontext.Unreadable as err:
        raise SpecError(f"{name}: {err}; fix the file or use another spec") from None


def _parse_yaml(data: bytes, name: str) -> object:
    import yaml  # lazy: costs ~20 ms and only a cold start needs it

    try:
        return yaml.load(data, Loader=_yaml_loader(yaml))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        reason = str(err.problem or err.context or "syntax error")
        if err.problem and err.context and err.context_mark:  # where the broken construct began
            reason += f" ({err.context} on line {err.context_mark.line + 1})"
        reason = " ".join(reason.split())
        raise SpecError(f"{name}{line}: {reason} (invalid YAML); fix the file or use another spec") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        reason = " ".join(str(err).split())
        raise SpecError(f"{name}: {reason} (invalid YAML); fix the file or use another spec") from None
    except (RecursionError, ValueError, OverflowError) as err:  # a value the constructor cannot build
        reason = " ".join(str(err).split())[:120]
        raise SpecError(f"{name}: {type(err).__name__}: {reason} (unreadable YAML); use another spec") from None


def _yaml_loader(yaml):
    """CSafeLoader (SafeLoader without libyaml) minus timestamp resolution.

    Unquoted dates in examples would otherwise become datetime objects, which then cannot be
    printed back as JSON bodies; a spec is text, so they stay strings.
    """
    global _loader_class
    if _loader_class is None:
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        resolvers = {
            first: [(tag, rx) for tag, rx in entries if tag != "tag:yaml.org,2002:timestamp"]
            for first, entries in base.yaml_implicit_resolvers.items()
        }
        _loader_class = type("SpecLoader", (base,), {"yaml_implicit_resolvers": resolvers})
    return _loader_class


def _normalise_response_codes(paths: dict) -> None:
    """YAML reads `200:` as int 200; every consumer expects the string "200"."""
    for item in paths.values():
        if not isinstance(item, dict):
            continue
        for method in _HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            responses = op.get("responses")
            if isinstance(responses, dict) and any(not isinstance(k, str) for k in responses):
                op["responses"] = {str(k): v for k, v in responses.items()}


# -- Swagger 2.0 / OpenAPI 3 → the model (explorer.spec.model); build_index calls these --

def is_openapi3(doc: dict) -> bool:
    """True for OpenAPI 3.x, False for Swagger 2.0."""
    return "openapi" in doc


def schema_ref_prefix(doc: dict) -> str:
    """Where schema `$ref`s point: "#/definitions/" (Swagger 2) or "#/components/schemas/"."""
    return "#/components/schemas/" if is_openapi3(doc) else "#/definitions/"


def definitions(doc: dict) -> dict:
    """The named schemas of the spec, `$ref`s unresolved."""
    found = (doc.get("components") or {}).get("schemas") if is_openapi3(doc) else doc.get("definitions")
    return found if isinstance(found, dict) else {}


def tag_order(doc: dict) -> tuple:
    """Tag names in the order the spec lists them."""
    return tuple(str(t["name"]) for t in doc.get("tags") or () if isinstance(t, dict) and "name" in t)


def spec_info(doc: dict, source: str, sha256: str) -> SpecInfo:
    """Title, versions and flavour of the spec read from `source`."""
    found = doc.get("info")
    info: dict = found if isinstance(found, dict) else {}
    title, version = str(info.get("title", "")), str(info.get("version", ""))
    flavour = _flavour(doc, title)
    api_version = version if flavour == "docker" and versions.is_docker(version) else ""
    api_version = api_version or api_version_from_name(source)
    extra = {"format": "openapi" if is_openapi3(doc) else "swagger",
             "spec_version": str(doc.get("openapi") or doc.get("swagger")),
             "base_path": _base_path(doc)}
    return SpecInfo(source, sha256, title, version, api_version, flavour, extra)


def api_version_from_name(path: str) -> str:
    """"1.41" for a file named v1.41.yaml (or .yml, .json), else ""."""
    return versions.of_file_name(path)


def _flavour(doc: dict, title: str) -> str:
    lowered = title.lower()
    if "podman" in lowered or "libpod" in lowered or any(p.startswith("/libpod/") for p in doc["paths"]):
        return "podman"
    return "docker" if "docker" in lowered or "engine api" in lowered else "other"


def _base_path(doc: dict) -> str:
    if not is_openapi3(doc):
        return str(doc.get("basePath") or "")
    servers = doc.get("servers") or [{}]
    url = str(servers[0].get("url", "")) if isinstance(servers[0], dict) else ""
    return re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", "", url).rstrip("/")


def operations(doc: dict) -> tuple:
    """Every operation of the spec, in the order the spec lists them, with unique operationIds."""
    found, seen = [], set()
    for template, item in doc["paths"].items():
        item = _deref(doc, item)
        shared = item.get("parameters") or []
        for method in _HTTP_METHODS:
            raw = item.get(method)
            if isinstance(raw, dict):
                op = _operation(doc, method.upper(), str(template), raw, shared)
                if op.operation_id in seen:  # a duplicate would be unreachable by id
                    op = op._replace(operation_id=_synthetic_id(op.method, op.path))
                seen.add(op.operation_id)
                found.append(op)
    return tuple(found)


def _operation(doc: dict, method: str, template: str, raw: dict, shared: list) -> Operation:
    params = _merge_params(doc, shared, raw.get("parameters") or [])
    consumes, produces = raw.get("consumes"), raw.get("produces")
    found = raw.get("responses")
    responses: dict = found if isinstance(found, dict) else {}
    if is_openapi3(doc):
        body, consumes = _request_body(doc, raw.get("requestBody"))
        params += (body,) if body else ()
        produces = _response_types(doc, responses)
    return Operation(
        method=method,
        path=template,
        operation_id=str(raw.get("operationId") or _synthetic_id(method, template)),
        summary=str(raw.get("summary") or ""),
        description=str(raw.get("description") or ""),
        tags=tuple(str(t) for t in raw.get("tags") or ()),
        params=params,
        consumes=tuple(doc.get("consumes") or () if consumes is None else consumes),
        produces=tuple(doc.get("produces") or () if produces is None else produces),
        responses=tuple((code, str(_deref(doc, r).get("description") or "")) for code, r in responses.items()),
    )


def _synthetic_id(method: str, template: str) -> str:
    """"get" + "/containers/{id}/json" → "getContainersIdJson"."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", template) if w]
    return method.lower() + ("".join(w[0].upper() + w[1:] for w in words) or "Root")


def _merge_params(doc: dict, shared: list, own: list) -> tuple:
    """Path-level parameters overridden by operation-level ones with the same (name, in)."""
    merged: dict = {}
    for raw in list(shared) + list(own):
        param = _deref(doc, raw)
        if isinstance(param, dict) and "name" in param:
            merged[(param["name"], param.get("in"))] = param
    return tuple(_param(doc, p) for p in merged.values())


def _param(doc: dict, raw: dict) -> Param:
    location = str(raw.get("in", "query"))
    name, required = str(raw["name"]), bool(raw.get("required", location == "path"))
    description = str(raw.get("description") or "")
    if location == "body":
        return Param(name, location, required=required, description=description, schema=raw.get("schema") or {})
    # Swagger 2 puts type/enum/default on the parameter, OpenAPI 3 in its schema
    shape = _deref(doc, raw["schema"]) if isinstance(raw.get("schema"), dict) else raw
    items = _deref(doc, shape.get("items")) if isinstance(shape.get("items"), dict) else {}
    bounds = {key: shape[key] for key in _BOUNDS if key in shape}  # the validator holds values to them
    return Param(name, location, type=str(shape.get("type") or ""), required=required, description=description,
                 enum=tuple(shape.get("enum") or ()), default=shape.get("default"), items=str(items.get("type") or ""),
                 schema=bounds or None)


def _request_body(doc: dict, raw: object) -> tuple:
    """OpenAPI 3 requestBody → (body Param or None, consumed content types)."""
    body = _deref(doc, raw) if isinstance(raw, dict) else {}
    content = body.get("content") if isinstance(body.get("content"), dict) else {}
    if not content:
        return None, ()
    types = tuple(content)
    best = next((t for t in types if t == "application/json"), None) or \
        next((t for t in types if t.endswith("json")), types[0])
    schema = _deref(doc, content[best]).get("schema") or {}
    param = Param("body", "body", required=bool(body.get("required", False)),
                  description=str(body.get("description") or ""), schema=schema)
    return param, types


def _response_types(doc: dict, responses: dict) -> tuple:
    types: dict = {}
    for raw in responses.values():
        content = _deref(doc, raw).get("content")
        types.update(dict.fromkeys(content if isinstance(content, dict) else ()))
    return tuple(types)


def _deref(doc: dict, node: object, depth: int = 0) -> dict:
    """`node`, or what its local `$ref` points to (parameters, responses…); {} when unusable."""
    if not isinstance(node, dict):
        return {}
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/") or depth > 20:
        return node
    target: object = doc
    for key in ref[2:].split("/"):
        key = key.replace("~1", "/").replace("~0", "~")
        target = target.get(key) if isinstance(target, dict) else None
    return _deref(doc, target, depth + 1)
