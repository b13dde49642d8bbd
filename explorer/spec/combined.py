"""One index over both API families a Podman service speaks: `/libpod/…` from Podman's spec, the
rest from Docker's, so completion, validation and `help` cover both in one session.

Both specs name their schemas freely (each has a `Container`), so Podman's definitions go under
`libpod/` and every `$ref` of its libpod operations and definitions is rewritten to point there.
The rewrite walks Podman's definitions only when a schema is first resolved.
"""
from __future__ import annotations

from explorer.spec.index import SpecIndex
from explorer.spec.model import Operation

LIBPOD = "/libpod/"
_SUB = "libpod"  # the key Podman's definitions live under in the combined definitions


def is_libpod(path: str) -> bool:
    """Is `path` (no /vX prefix) one of Podman's own routes?"""
    return path.startswith(LIBPOD)


def has_libpod(index: SpecIndex | None) -> bool:
    """Does `index` know any libpod route?"""
    return index is not None and any(is_libpod(op.path) for op in index.operations)


def with_libpod(docker: SpecIndex | None, podman: SpecIndex) -> SpecIndex:
    """Docker's operations (or, without Docker's spec, Podman's compatible ones) plus Podman's libpod ones."""
    base = docker if docker is not None else podman
    prefix = podman.ref_prefix
    libpod = tuple(_moved(op, prefix, base.ref_prefix) for op in podman.operations if is_libpod(op.path))
    kept = tuple(op for op in base.operations if not is_libpod(op.path))
    tags = base.tag_order + tuple(t for t in podman.tag_order if t not in base.tag_order)
    index = SpecIndex(base.info, kept + libpod, None, tags, base.ref_prefix)
    index.set_definitions_loader(lambda: {**base.definitions,
                                          _SUB: _rewrite(podman.definitions, prefix, base.ref_prefix)})
    return index


def _moved(op: Operation, old: str, new: str) -> Operation:
    params = tuple(p._replace(schema=_rewrite(p.schema, old, new)) if p.schema is not None else p for p in op.params)
    return op._replace(params=params)


def _rewrite(node: object, old: str, new: str) -> object:
    """`node` with each `$ref` to `old`+Name pointing at `new` + libpod/Name."""
    if isinstance(node, list):
        return [_rewrite(item, old, new) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(old):
            out[key] = f"{new}{_SUB}/{value[len(old):]}"
        else:
            out[key] = _rewrite(value, old, new)
    return out
