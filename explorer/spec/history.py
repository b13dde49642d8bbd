"""Which API version added (or removed) each operation, parameter and body field, from the local specs.

Built once from every spec file found (spec folder, cache, system; plus the one in use), by loading
each one's index and listing what it has; kept as marshal data under the index cache, named for the
files it was built from (path, size, mtime), so a later session reads one file. Only what changed
between the oldest and the newest spec is stored: an item every spec has needs no entry.

Nothing on the start path reads it: the send-time check asks only when the spec in use is newer than
the API version the request goes as, and `help` and the toolbar when they document an item.

Keys: (METHOD, template with `{}` for each parameter, kind, *names), kind "op" (no names), "query",
"header" or "field"; a field's names are its chain of property names, through arrays and maps (the
array index or map key a user types is not part of it), as `help` draws the body's field tree.
"""
from __future__ import annotations

import marshal
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from explorer.core import versions
from explorer.core.errors import SpecError
from explorer.core.files import cache_dir, write_atomic
from explorer.spec import sources
from explorer.spec.cache import SUFFIX, fnv32, load_index

_PARAM = re.compile(r"\{[^{}/]*\}")
_LOADED: dict = {}  # (spec file in use, its version) → History: what `loaded` gives without any I/O
_DEPTH = 10  # body fields nested deeper are not tracked (help's tree stops at 6)


class Span(NamedTuple):
    """The first spec version that has an item ("" when the oldest spec has it, or nothing is known)
    and the first after it that lacks it again ("" when the newest has it); `before` and `last`, the
    versions of the specs read just before each: with a gap between (1.41, then 1.52), which version
    between added or removed it is not known."""

    added: str = ""
    removed: str = ""
    before: str = ""
    last: str = ""

    def lacks_in(self, version: str) -> bool:
        """Is the item known to be missing from API `version` (older than the spec that added it, and
        no newer than the last spec read without it)?"""
        return bool(self.added) and not versions.newer(version, self.before or self.added) and \
            versions.newer(self.added, version)


NO_SPAN = Span()


class History(NamedTuple):
    """The versions of the specs read, oldest first, and the span of each item that changed."""

    versions: tuple
    spans: dict

    def span(self, method: str, template: str, kind: str = "op", names: tuple = ()) -> Span:
        """The Span of an operation (kind "op") or one of its parameters or fields."""
        found = self.spans.get((method, _PARAM.sub("{}", template), kind) + tuple(names))
        return Span(*found) if found else NO_SPAN


def history(env: Mapping = os.environ, in_use: str = "", in_use_version: str = "") -> History | None:
    """The History of the local specs (and `in_use`, the spec file of the session); None with fewer than two."""
    found = sources.local_specs(env)
    if in_use and in_use_version and in_use_version not in found:
        found = {**found, in_use_version: in_use}
    if len(found) < 2:
        return None
    files = []
    for version in sorted(found, key=versions.key):
        try:
            st = os.stat(found[version])
        except OSError:
            continue
        files.append((version, os.path.abspath(found[version]), st.st_size, st.st_mtime_ns))
    where = tuple((k, env[k]) for k in ("XDG_CACHE_HOME", "HOME") if k in env)  # what cache_dir reads
    built = _LOADED[(in_use, in_use_version)] = _cached(tuple(files), where)
    return built


def loaded(in_use: str, in_use_version: str) -> History | None:
    """The History `history()` gave for this spec in use, or None before it has: for the toolbar, which is
    drawn on every keystroke and must neither build it (seconds on a first run) nor list the folders."""
    return _LOADED.get((in_use, in_use_version))


@lru_cache(maxsize=4)
def _cached(files: tuple, where: tuple) -> History:
    """Read from the cache file for exactly these `files`, else built and written there."""
    key = "\n".join(f"{v} {p} {s} {m}" for v, p, s, m in files).encode("utf-8", "surrogateescape")
    env = dict(where)
    target = os.path.join(cache_dir("index", env), f"spans-{fnv32(key):08x}-{len(files)}-{SUFFIX}.marshal")
    try:
        with open(target, "rb") as f:
            stored_key, found = marshal.loads(f.read())
        if stored_key == key:
            return History(*found)
    except Exception:  # missing or damaged: built again, as the index cache does
        pass
    built = build(_readable(files, env))
    write_atomic(target, marshal.dumps((key, tuple(built))))
    return built


def _readable(files: tuple, env: dict) -> list:
    """(version, SpecIndex) of each file that can be read: one that cannot (a damaged download) is left
    out, and said so where it is the spec in use, not here, where it would refuse unrelated requests."""
    out = []
    for version, path, _, _ in files:
        try:
            out.append((version, load_index(path, env=env)))
        except SpecError:
            continue
    return out


def build(indexes: list) -> History:
    """The History of (version, SpecIndex) pairs, oldest first."""
    order = tuple(v for v, _ in indexes)
    first: dict = {}
    last: dict = {}
    for i, (_, index) in enumerate(indexes):
        for item in items(index):
            first.setdefault(item, i)
            last[item] = i
    spans = {}
    for item, start in first.items():
        end = last[item]
        added = order[start] if start > 0 else ""
        removed = order[end + 1] if end + 1 < len(order) else ""
        if added or removed:
            spans[item] = (added, removed, order[start - 1] if added else "", order[end] if removed else "")
    return History(order, spans)


def items(index) -> set:
    """Every key of `index`: its operations, their query and header parameters and body fields."""
    out: set = set()
    for op in index.operations:
        head = (op.method, _PARAM.sub("{}", op.path))
        out.add(head + ("op",))
        out.update(head + (p.location, p.name) for p in op.params if p.location in ("query", "header"))
        if op.body is not None and isinstance(op.body.schema, dict):
            _fields(index.resolve(op.body.schema), head + ("field",), 0, out)
    return out


def _fields(schema, chain: tuple, depth: int, out: set) -> None:
    props = properties(schema)
    if not props or depth >= _DEPTH:
        return
    for name, sub in props.items():
        out.add(chain + (name,))
        _fields(sub, chain + (name,), depth + 1, out)


def properties(schema) -> dict:
    """The properties of the object `schema` holds, looking through arrays and maps ({} when none)."""
    for _ in range(8):  # array of map of array of …: bounded; a cycle stays a $ref
        if not isinstance(schema, dict) or "$ref" in schema:
            return {}
        props = schema.get("properties")
        if isinstance(props, dict) and props:
            return props
        schema = schema.get("items") if schema.get("type") == "array" else schema.get("additionalProperties")
    return {}


def field_chain(schema, keys: tuple) -> tuple:
    """The property chain of typed `keys` (`HostConfig`, `Mounts`, `0`, `Type`) in `schema`: an array
    index or a map key is skipped; () when a key is none of these (not in the spec)."""
    chain: tuple = ()
    node = schema
    for key in keys:
        if not isinstance(node, dict):
            return ()
        props = node.get("properties")
        extra = node.get("additionalProperties")
        if isinstance(props, dict) and isinstance(props.get(key), dict):
            chain, node = chain + (key,), props[key]
        elif node.get("type") == "array" and (key == "" or key.isdigit()):
            node = node.get("items")
        elif isinstance(extra, dict) and key:
            node = extra
        else:
            return ()
    return chain


def body_chains(schema, body) -> set:
    """The property chains a JSON `body` sets in `schema` (keys the spec does not name are left out)."""
    out: set = set()
    _walk(schema, body, (), out, 0)
    return out


def _walk(schema, value, chain: tuple, out: set, depth: int) -> None:
    if depth > _DEPTH or not isinstance(schema, dict):
        return
    if isinstance(value, list):
        items_schema = schema.get("items") if schema.get("type") == "array" else None
        for item in value:
            _walk(items_schema, item, chain, out, depth + 1)
        return
    if not isinstance(value, dict):
        return
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    for key, sub in value.items():
        if isinstance(props, dict) and isinstance(props.get(key), dict):
            out.add(chain + (key,))
            _walk(props[key], sub, chain + (key,), out, depth + 1)
        elif isinstance(extra, dict):
            _walk(extra, sub, chain, out, depth + 1)
