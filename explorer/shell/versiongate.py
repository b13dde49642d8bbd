"""Refuse, before sending, what the engine's API version does not have, naming both versions.

Two ways a request asks for more than the engine speaks:

- The spec in use is newer than the request's API version (`--spec v1.56.yaml` against a 1.41
  engine, or a spec folder whose oldest is newer): it offers operations, query parameters and body
  fields the engine does not know, which it answers with "404 page not found" or silently ignores.
- The spec matches, but the line names something it lacks: a newer local spec may have it (then
  "VolumeUpdate is API 1.42+" says more than "PUT is not an operation of /volumes/x").

The version that added each one comes from the local specs (explorer.spec.history); a `!` line is
sent anyway. A request that names only what its spec has, against a spec no newer than its version,
costs nothing here: the history and the other specs are read only on the two paths above.
"""
from __future__ import annotations

from functools import lru_cache

from explorer.core import versions
from explorer.core.errors import SpecError, UsageError
from explorer.http import request
from explorer.spec import load_index, sources


class TooNew(UsageError):
    """A request that uses what its API version does not have."""


def build(session, line, index, version, values):
    """request.build of `line`, checked against `version` (see checker); when it fails or warns against
    `index`, a newer local spec may say why (explain). Its warnings are shown only once that is known."""
    notes: list = []
    try:
        req = request.build(line, index, version, values, notes.append, session.docker.complete,
                            None if line.force else checker(session, index, line, version))
    except TooNew:
        raise
    except UsageError:
        _held_back(session, line, index, version, values, notes, failed=True)
        raise
    _held_back(session, line, index, version, values, notes, failed=False)
    return req


def _held_back(session, line, index, version, values, notes: list, failed: bool) -> None:
    """A failed or warned line is explained from a newer spec when one has what it names; else its notes.
    Only the spec's warnings count ("warning: … not in the spec"): a `note:` (what an export holds) says
    nothing a newer spec could explain, and explaining builds the line again (files, credential helpers)."""
    warned = any(text.startswith("warning:") for text in notes)
    if (failed or warned) and not line.force and index is not None:
        explain(session, line, version, values)
    for text in notes:
        session.console.note(text)


def checker(session, index, line, version):
    """The `check(op, req)` for request.build of `line` with `index`, or None when the spec is no newer
    than `version` (and the line's own /v1.NN/ pins none older): then all it has, the engine has."""
    if index is None or not index.info.api_version:
        return None
    if not (version and _newer(index.info.api_version, version)) and not line.target.startswith("/v"):
        return None
    return lambda op, req: check(session, index, op, req)


def check(session, index, op, req) -> None:
    """Raise TooNew when `req` uses something its spec has and its API version does not."""
    spoken = req.api_version
    if spoken and _newer(index.info.api_version, spoken):
        from explorer.spec import history  # its NamedTuples cost a start: only a spec newer than the request

        found = history.history(session.env, index.info.source, index.info.api_version)
        if found is None:
            return
        for what, span in _items(index, op, req, found):
            if span.lacks_in(spoken):
                raise TooNew(versions.too_new(what, span.added, spoken, _who(session, spoken), span.before))


@lru_cache(maxsize=64)
def _newer(spec: str, spoken: str) -> bool:
    """Is the spec's version newer than the Docker API version a request goes as? (asked per request)"""
    return versions.is_docker(spoken) and versions.newer(spec, spoken)


def explain(session, line, version, values) -> None:
    """After `line` failed to build: raise TooNew when the newest local spec has what it names, added
    after `version`; return when that is not why (the caller re-raises its own error)."""
    newest = newest_index(session, version) if version and versions.is_docker(version) else None
    if newest is None:
        return
    try:
        request.build(line, newest, version, values, None, session.docker.complete,
                      checker(session, newest, line, version))
    except TooNew:
        raise
    except UsageError:
        return


def newest_index(session, version: str):
    """The index of the newest local spec, when it is newer than `version` (else None)."""
    local = sources.local_specs(session.env)
    newest = max(local, key=versions.key, default="")
    if not newest or not versions.newer(newest, version):
        return None
    try:
        return load_index(local[newest], env=session.env)
    except SpecError:  # a damaged file says nothing here: the line's own error stands
        return None


def _who(session, spoken: str) -> str:
    """Who says the requests go as `spoken`: a pin, the engine, or the line's own /v1.NN/."""
    if session.api_version(False) != spoken:
        return "this line asks for"
    origin = session.engine.version_origin()
    return f"{origin} pins" if origin else "this engine speaks"


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
    from explorer.core import jsontext  # json: only a request with a body, checked against a newer spec

    try:
        body = jsontext.loads(req.body)
    except ValueError:  # not JSON (a tar, text), or deeper than Python can read: no fields to check
        return set()
    from explorer.spec import history  # as in check(): only a spec newer than the request

    return history.body_chains(index.resolve(op.body.schema), body)
