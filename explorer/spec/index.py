"""SpecIndex: the loaded spec as lookups: by id, by (method, template), by concrete path, by tag.

Built once from a parsed document (load.py turns Swagger 2.0 / OpenAPI 3 into the model) and
then cached by cache.py: only plain data (info, operations, tag order) is stored; the lookup
tables are rebuilt lazily, and schema definitions travel in a second file read only on use.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from explorer.core.errors import SpecError
from explorer.lang.commands import METHODS
from explorer.spec.model import Operation, SpecInfo
from explorer.spec.resolve import Resolver

UNTAGGED = "default"  # tag shown for operations without one (Swagger UI's name for it)
MEMO_CHARS = 1024  # a path longer than this is matched afresh each time, never kept
CLOSEST_CHARS = 200  # characters of an unknown path or operationId compared when looking for the closest

_LIT, _PARAM, _MIXED = 0, 1, 2  # kinds of template segment
_PARAM_RX = re.compile(r"\{([^{}/]+)\}")


def build_index(doc: dict, source: str, sha256: str) -> SpecIndex:
    """The index of a parsed document (see load.parse_document) read from `source`."""
    from explorer.spec import load  # only a cold start builds an index

    try:
        return SpecIndex(load.spec_info(doc, source, sha256), load.operations(doc), load.definitions(doc),
                         load.tag_order(doc), load.schema_ref_prefix(doc))
    except (AttributeError, KeyError, TypeError, ValueError) as err:  # parseable, but not shaped like a spec
        raise SpecError(f"{source}: unexpected spec structure ({type(err).__name__}: {err}); "
                        "check it is an OpenAPI/Swagger file") from None


class SpecIndex:
    """Read-only lookups over one spec. Returned dicts and schemas are shared: do not mutate them."""

    def __init__(self, info: SpecInfo, operations: tuple, definitions: dict | None = None,
                 tag_order: tuple = (), ref_prefix: str = "#/definitions/") -> None:
        self.info = info
        self.operations = tuple(operations)
        self._tag_order = tuple(tag_order)
        self._ref_prefix = ref_prefix
        self._definitions = definitions
        self._definitions_loader: Callable[[], dict] | None = None
        # lookup tables, built on first use: a warm start pays only for what it asks
        self._by_key: dict | None = None
        self._by_id: dict | None = None
        self._by_id_ci: dict | None = None
        self._routes: dict | None = None
        self._span_rx: dict = {}
        self._methods: dict | None = None
        self._matches: dict = {}  # concrete path → match() result: requests repeat paths
        self._templates: dict = {}  # concrete path → its templates (match_templates)
        self._resolved: dict = {}  # $ref → resolved schema, shared by every resolve() call
        self._resolved_nodes: dict = {}  # id(node) → (node, resolved): a sub-tree shared in the spec stays shared

    # -- what cache.py stores: plain data only; tables are cheap to rebuild, definitions go elsewhere --

    @property
    def tag_order(self) -> tuple:
        """Tags in the order the spec lists them."""
        return self._tag_order

    @property
    def ref_prefix(self) -> str:
        """Where `$ref`s point: "#/definitions/" (Swagger 2.0) or "#/components/schemas/"."""
        return self._ref_prefix

    def set_definitions_loader(self, loader: Callable[[], dict]) -> None:
        """Let `definitions` be read on first use (cache.py keeps them in a separate file)."""
        self._definitions_loader = loader

    def with_info(self, info: SpecInfo) -> SpecIndex:
        """The same index describing another source (same content found at another path)."""
        clone = SpecIndex(info, self.operations, self._definitions, self._tag_order, self._ref_prefix)
        clone._routes = self._routes
        clone._definitions_loader = self._definitions_loader
        return clone

    @property
    def definitions(self) -> dict:
        """Schema definitions (`definitions` or `components/schemas`), `$ref`s unresolved."""
        if self._definitions is None:
            loader, self._definitions_loader = self._definitions_loader, None
            self._definitions = loader() if loader else {}
        return self._definitions

    # -- lookups by name --

    def by_id(self, op_id: str) -> Operation | None:
        """The operation with exactly this operationId."""
        if self._by_id is None:
            self._by_id = {}
            for op in self.operations:
                self._by_id.setdefault(op.operation_id, op)
        return self._by_id.get(op_id)

    def by_id_ci(self, name: str) -> Operation | None:
        """The operation whose operationId equals `name` ignoring case."""
        if self._by_id_ci is None:
            self._by_id_ci = {}
            for op in self.operations:
                self._by_id_ci.setdefault(op.operation_id.lower(), op)
        return self._by_id_ci.get(name.lower())

    def get(self, method: str, template: str) -> Operation | None:
        """The operation for `method` (any case) on the path template `template`."""
        if self._by_key is None:
            self._by_key = {(op.method, op.path): op for op in self.operations}
        return self._by_key.get((method.upper(), template))

    def templates(self) -> list[str]:
        """Every path template, sorted."""
        return sorted({op.path for op in self.operations})

    def methods(self, template: str) -> list[str]:
        """The upper-case methods defined on `template`, GET HEAD POST PUT DELETE PATCH … order."""
        if self._methods is None:
            table: dict = {}
            for op in self.operations:
                table.setdefault(op.path, set()).add(op.method)
            self._methods = {t: sorted(ms, key=_method_rank) for t, ms in table.items()}
        return list(self._methods.get(template, ()))

    def tags(self) -> list[tuple[str, list[Operation]]]:
        """Operations grouped by tag, tags in the spec's order (an operation may be in several)."""
        groups: dict[str, list[Operation]] = {tag: [] for tag in self._tag_order}
        for op in self.operations:
            for tag in op.tags or (UNTAGGED,):
                groups.setdefault(tag, []).append(op)
        return [(tag, ops) for tag, ops in groups.items() if ops]

    # -- lookups by concrete path --

    def match(self, path: str) -> list[tuple[str, dict[str, str]]]:
        """Templates matching a decoded concrete path (no /v1.NN prefix, no query), best first.

        A parameter matches one segment; only when no template matches that way may a
        parameter span segments (image names like docker.io/library/busybox:latest).
        """
        return [(t, dict(params)) for t, params in self._matched(path)]

    def match_templates(self, path: str) -> tuple:
        """The templates of match(path), best first, without their parameters (no copies made)."""
        found = self._templates.get(path)
        if found is None:
            found = tuple(t for t, _ in self._matched(path))
            if len(path) <= MEMO_CHARS:  # a pasted megabyte is not kept for the session
                if len(self._templates) > 4096:
                    self._templates.clear()
                self._templates[path] = found
        return found

    def _matched(self, path: str) -> list:
        cached = self._matches.get(path)
        if cached is None:
            cached = self._match(path)
            if len(path) <= MEMO_CHARS:  # bounded in count (paths carry live names) and in size
                if len(self._matches) > 4096:
                    self._matches.clear()
                self._matches[path] = cached
        return cached

    def _match(self, path: str) -> list[tuple[str, dict[str, str]]]:
        segs = path.strip("/").split("/")
        routes = self._route_table()
        found = []
        for template, parts, rank in routes.get(len(segs), ()):
            params = _match_segments(parts, segs)
            if params is not None:
                found.append((rank, template, params))
        if not found:
            for count, entries in routes.items():
                for template, parts, rank in entries if count < len(segs) else ():
                    params = self._match_spanning(template, parts, path.strip("/"))
                    if params is not None:
                        found.append((rank, template, params))
        return [(template, params) for _, template, params in sorted(found)]

    def route_table(self) -> dict:
        """Templates by segment count, each with parsed segments and a rank (lower = more literal).

        Plain data: cache.py stores it with the operations, so a start does not rebuild it.
        """
        return self._route_table()

    def set_route_table(self, routes: dict) -> None:
        """Use `routes` (a route_table() from the cache) instead of building it."""
        self._routes = routes

    def _route_table(self) -> dict:
        if self._routes is None:
            self._routes = {}
            for template in self.templates():
                parts = tuple(_parse_segment(s) for s in template.strip("/").split("/"))
                # most literal segments first; on a tie, the earlier literal is more specific
                rank = (-sum(k == _LIT for k, _ in parts), tuple(k != _LIT for k, _ in parts))
                self._routes.setdefault(len(parts), []).append((template, parts, rank))
        return self._routes

    def _match_spanning(self, template: str, parts: tuple, path: str) -> dict | None:
        if all(kind == _LIT for kind, _ in parts):
            return None
        rx = self._span_rx.get(template)
        if rx is None:
            rx = self._span_rx[template] = _spanning_regex(parts)
        m = rx[0].fullmatch(path)
        return {name: m.group(group) for group, name in rx[1].items()} if m else None

    def closest_paths(self, path: str, n: int = 3) -> list[str]:
        """Up to `n` templates most like `path` (a mistyped template or concrete path).

        Only the path's first CLOSEST_CHARS characters are compared: SequenceMatcher is quadratic,
        and a megabyte-long path took minutes to be told it is unknown.
        """
        from difflib import SequenceMatcher  # only for an unknown path

        path = path[:CLOSEST_CHARS]
        segs = path.strip("/").split("/")
        scored = []
        for entries in self._route_table().values():
            for template, parts, _ in entries:
                ratio = SequenceMatcher(None, path, _fill_template(parts, segs) or template).ratio()
                if ratio >= 0.6:
                    scored.append((-ratio, template))
        return [t for _, t in sorted(scored)[:n]]

    def closest_request(self, method: str | None, path: str) -> str:
        """`closest: METHOD PATH` for an unknown `method path`, never a destructive one unless typed."""
        from explorer.spec import hints  # difflib: only for a path that names no operation

        return hints.closest(self, method, path[:CLOSEST_CHARS])  # difflib is quadratic: a megabyte took minutes

    def destroys(self, method: str, template: str) -> bool:
        """Is `method template` a removal, kill or prune (explorer.spec.effects), never offered as a fix?"""
        from explorer.spec import hints  # effects: only on the error path

        return hints.destroys(method, template)

    def spans_a_typo(self, path: str, template: str) -> bool:
        """Does `path` reach `template` only by a one-segment parameter holding a `/` (a typo)?"""
        if path.strip("/").count("/") == template.strip("/").count("/"):
            return False  # the common case, on the hot path: one segment per parameter
        from explorer.spec import hints  # effects: only for a path that spans segments

        return hints.spans_a_typo(self, path)

    def closest_ids(self, name: str, n: int = 3) -> list[str]:
        """Up to `n` operationIds most like `name`, ignoring case."""
        from difflib import get_close_matches  # only for an unknown operationId

        lowered = {op.operation_id.lower(): op.operation_id for op in self.operations}
        return [lowered[k] for k in get_close_matches(name[:CLOSEST_CHARS].lower(), list(lowered), n, 0.6)]

    # -- schemas --

    def resolve(self, schema: object) -> object:
        """`schema` with every `$ref` resolved (memoised; a cycle stays a `{"$ref": …}`), allOf merged."""
        return Resolver(self.definitions, self._ref_prefix, self._resolved, self._resolved_nodes).walk(schema)


def _method_rank(method: str) -> tuple:
    return (METHODS.index(method) if method in METHODS else len(METHODS), method)


def _parse_segment(seg: str) -> tuple[int, str]:
    if seg.startswith("{") and seg.endswith("}") and seg.count("{") == 1:
        return (_PARAM, seg[1:-1])
    return (_MIXED, seg) if _PARAM_RX.search(seg) else (_LIT, seg)


def _match_segments(parts: tuple, segs: list[str]) -> dict | None:
    """Captured params when each template segment matches the same-position path segment."""
    params = {}
    for (kind, text), seg in zip(parts, segs, strict=False):
        if kind == _LIT:
            if text != seg:
                return None
        elif kind == _PARAM:
            if not seg:
                return None
            params[text] = seg
        else:  # a segment mixing text and parameters, e.g. "{name}.json"
            rx, names = _spanning_regex(((kind, text),))
            m = rx.fullmatch(seg)
            if m is None:
                return None
            params.update({name: m.group(group) for group, name in names.items()})
    return params


def _spanning_regex(parts: tuple) -> tuple[re.Pattern, dict[str, str]]:
    """A regex for the whole template where each parameter may contain slashes, plus group→name."""
    names: dict[str, str] = {}  # parameter names need not be identifiers: groups get p0, p1…
    pieces = []
    for kind, text in parts:
        # re.split with a group alternates: literal, parameter name, literal, …
        chunks = _PARAM_RX.split("{" + text + "}" if kind == _PARAM else text)
        for i, chunk in enumerate(chunks):
            if i % 2 == 0:
                pieces.append(re.escape(chunk))
            else:
                names[f"p{len(names)}"] = chunk
                pieces.append(f"(?P<p{len(names) - 1}>.+)")
        pieces.append("/")
    return re.compile("".join(pieces[:-1])), names


def _fill_template(parts: tuple, segs: list[str]) -> str:
    """The template with its parameters replaced by the path's segments, when shapes agree."""
    if len(parts) != len(segs) or all(kind != _LIT for kind, _ in parts):
        return ""
    return "/" + "/".join(seg if kind == _PARAM else text for (kind, text), seg in zip(parts, segs, strict=False))
