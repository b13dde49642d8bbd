"""Refuse, before sending, what the spec has but the engine's API version does not.

A spec newer than the engine (`--spec v1.56.yaml` against a 1.41 engine, or a spec folder whose
oldest is newer) offers operations, query parameters and body fields the engine does not know: it
would answer "404 page not found", or silently ignore a parameter. The version that added each one
comes from the local specs (explorer.spec.history); a `!` line is sent anyway.
"""
from __future__ import annotations

from explorer.core import versions
from explorer.core.errors import UsageError
from explorer.spec import history


def checker(session, index):
    """The `check(op, req)` for request.build with `index`, or None when there is nothing to check."""
    if index is None or not index.info.api_version:
        return None
    return lambda op, req: check(session, index, op, req)


def check(session, index, op, req) -> None:
    """Raise UsageError when `req` uses something added after the API version it goes as."""
    spoken = req.api_version
    if not spoken or not versions.is_docker(spoken) or not versions.newer(index.info.api_version, spoken):
        return  # the spec is not newer than the request's version: everything in it is known there
    found = history.history(session.env, index.info.source, index.info.api_version)
    if found is None:
        return
    for what, span in _items(index, op, req, found):
        if span.added and versions.newer(span.added, spoken):
            raise UsageError(versions.too_new(what, span.added, spoken, _who(session, spoken)))


def _who(session, spoken: str) -> str:
    """Who says the requests go as `spoken`: the engine, or a pin."""
    origin = session.version_origin()
    if origin and session.api_version(False) == spoken:
        return f"{origin} pins"
    return "this engine speaks" if session.api_version(False) == spoken else "this line asks for"


def _items(index, op, req, found):
    """(what, Span) for the operation, each query parameter and header it names, each body field."""
    name = op.operation_id or f"{op.method} {op.path}"
    yield name, found.span(op.method, op.path)
    for key, _ in req.query:
        if op.param(key, "query") is not None:
            yield f"{name}'s query parameter {key}", found.span(op.method, op.path, "query", (key,))
    for key, _ in req.headers:
        if op.param(key, "header") is not None:
            yield f"{name}'s header {key}", found.span(op.method, op.path, "header", (key,))
    for chain in sorted(_body_chains(index, op, req)):
        shown = chain[0] + "".join(f"[{k}]" for k in chain[1:])
        yield f"{name}'s body field {shown}", found.span(op.method, op.path, "field", chain)


def _body_chains(index, op, req) -> set:
    if req.body is None or op.body is None or not isinstance(op.body.schema, dict):
        return set()
    import json  # only a request with a body, checked against a newer spec

    try:
        body = json.loads(req.body)
    except ValueError:  # not JSON (a tar, text): no fields to check
        return set()
    return history.body_chains(index.resolve(op.body.schema), body)
