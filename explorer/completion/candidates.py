"""Suggestions → candidates: one function per suggestion type, chosen through a table (pgcli's shape).

Each function takes the suggestion and the Sources (spec view, live values, variables) and
returns Candidates; prompt_toolkit never appears here, the REPL's completer wraps them.
"""
from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from explorer.completion import classify as c
from explorer.completion.live import Snapshot
from explorer.completion.specview import SpecView, is_container, type_label

LIMIT = 300  # candidates of one kind: a menu longer than this is read by typing more, not scrolling
_SAFE = re.compile(r"^[A-Za-z0-9_@%+=:,./-]*$")  # needs no shell quoting


@dataclass(frozen=True)
class Candidate:
    """Replace the `-start` characters before the cursor with `text`; show `display` and `meta`.

    A `hint` is shown and never inserted: a path parameter with no live values to offer (`{id}`,
    with what it stands for), or "… N more" when a list is cut at LIMIT. Its `text` is what every
    value it stands for starts with (the typed text, or the common start of the values not
    shown), so that Tab inserts no more than all of them share (explorer.completion.insertion).
    """

    text: str
    start: int
    display: str = ""
    meta: str = ""
    hint: bool = False


@dataclass(frozen=True)
class Sources:
    """What candidates come from: the spec (None offline without one), live values, variables."""

    view: SpecView | None = None
    live: Snapshot = field(default_factory=Snapshot)
    variables: Mapping = field(default_factory=dict)  # name → value
    meta_words: tuple = ()
    contexts: tuple = ()  # docker's context names, "default" among them


def complete(text: str, sources: Sources) -> list:
    """Every candidate for the cursor at the end of `text`, in the order to show them."""
    out: list = []
    for suggestion in c.classify(text, sources.meta_words):
        out.extend(DISPATCH[type(suggestion)](suggestion, sources))
    return out


def _methods(s: c.Method, src: Sources) -> list:
    return [Candidate(m, -len(s.prefix), m, "HTTP method") for m in c.METHODS if m.startswith(s.prefix.upper())]


def _meta_commands(s: c.MetaCommand, src: Sources) -> list:
    low = s.prefix.lower()
    return [Candidate(w, -len(s.prefix), w, "command") for w in sorted(src.meta_words) if w.startswith(low)]


def _meta_args(s: c.MetaArg, src: Sources) -> list:
    low = s.prefix.lower()
    return [Candidate(w, -len(s.prefix), w, "") for w in s.choices if w.startswith(low)]


def _context_names(s: c.ContextName, src: Sources) -> list:
    # docker's names need no quoting: letters, digits and _.+- only
    return [Candidate(name, -len(s.prefix), name, "docker context") for name in src.contexts
            if name.startswith(s.prefix)]


def _operation_ids(s: c.OperationId, src: Sources) -> list:
    if src.view is None:
        return []
    low = s.prefix.lower()
    first: list = []
    then: list = []
    rest: list = []
    for name, op in src.view.operation_ids():
        if s.method and op.method != s.method:
            continue
        if name.startswith(low):
            (first if len(first) < LIMIT else rest).append(op)
        elif len(low) > 2 and low in name:
            then.append(op)
    found = first + then
    out = [Candidate(op.operation_id, -len(s.prefix), op.operation_id, _summary(op)) for op in found[:LIMIT]]
    cut = rest + found[LIMIT:]
    if cut:
        out.append(_more(len(cut), os.path.commonprefix([op.operation_id for op in cut]), s.prefix))
    return out


def _more(count: int, common: str, prefix: str) -> Candidate:
    """The hint closing a list cut at LIMIT; `common`: what the values left out all start with."""
    return Candidate(common if _SAFE.match(common) else prefix, -len(prefix), f"… {count} more",
                     "type more to narrow them down", hint=True)


def _paths(s: c.Path, src: Sources) -> list:
    if src.view is None:
        return []
    if not s.prefix:  # after a method: start the path
        return [cand if cand.hint else Candidate("/" + cand.text, 0, cand.display, cand.meta)
                for cand in _paths(c.Path("/", s.method), src)]
    segments = s.prefix[1:].split("/")
    done, partial = segments[:-1], segments[-1]
    out, values, hints = [], [], []
    for step in src.view.tree.steps(done, s.method):
        suffix = _continues(step.node, s.method)
        if not step.param:
            if step.segment.startswith(partial):
                out.append(Candidate(step.segment + suffix, -len(partial), step.segment + suffix,
                                     _node_meta(step.node, s.method)))
            continue
        source = src.live.list_for_param(step.param, step.node.prefix[: -len(step.segment)])
        found = _live(src.live, source, partial, suffix) if source else []
        values += found
        if not found and step.segment.startswith(partial):  # nothing live to offer: say what goes here
            what = _param_text(step.node, step.param) + (" · none on the engine" if source else "")
            hints.append(Candidate(partial, -len(partial), step.segment + suffix, what, hint=True))
    return out + _unique(values) + hints


def _param_text(node, param: str) -> str:
    """What path parameter `param` stands for, from the first operation below `node` that has it."""
    stack = [node]
    while stack:
        here = stack.pop()
        for op in here.ops.values():
            found = op.param(param, "path")
            if found is not None and found.description:
                return " ".join(found.description.split())[:60]
        stack.extend(list(here.params.values()) + list(here.literals.values()))
    return f"path parameter {param}"


def _continues(node, method: str | None) -> str:
    """"/" when the path must go on below `node` (nothing for `method` ends there)."""
    ends_here = node.ops and (method is None or method in node.ops)
    return "" if ends_here or not (node.literals or node.params) else "/"


def _node_meta(node, method: str | None) -> str:
    op = node.ops.get(method) if method else next(iter(node.ops.values()), None)
    if op is not None:
        return _summary(op)
    return f"{node.count} operations" if node.count != 1 else "1 operation"


def _query_names(s: c.QueryName, src: Sources) -> list:
    op = _operation(s.op, src)
    if op is None:
        return []
    params = list(op.params_in("query"))
    if not s.op.target.startswith("/"):  # an operationId takes its path parameters as name==value
        params = list(op.params_in("path")) + params
    low = s.prefix.lower()
    found = [p for p in params if p.name.lower().startswith(low)]
    found.sort(key=lambda p: (p.name in s.used, not p.required))
    return [Candidate(p.name + "==", -len(s.prefix), p.name + "==", _param_meta(p)) for p in found]


def _header_names(s: c.HeaderName, src: Sources) -> list:
    op = _operation(s.op, src)
    if op is None:
        return []
    low = s.prefix.lower()
    found = [p for p in op.params_in("header") if p.name.lower().startswith(low)]
    found.sort(key=lambda p: (p.name in s.used, not p.required))
    return [Candidate(p.name + ":", -len(s.prefix), p.name + ":", _param_meta(p)) for p in found]


def _field_names(s: c.FieldName, src: Sources) -> list:
    view, op = src.view, _operation(s.op, src)
    if view is None or op is None or op.body is None:
        return []
    parent = view.field(op, s.keys)
    required = set(parent.get("required") or ()) if isinstance(parent, dict) else set()
    close = "]" if s.keys else ""
    low = s.prefix.lower()
    out = []
    for name, schema in view.fields(op, s.keys):
        if not name.lower().startswith(low):
            continue
        text = name + close + ("[" if is_container(schema) else "=" if _is_text(schema) else ":=")
        meta = type_label(schema) + (" · required" if name in required else "")
        out.append((name in s.used, name not in required, Candidate(text, -len(s.prefix), text, meta)))
    return [cand for *_, cand in sorted(out, key=lambda t: t[:2])]


def _is_text(schema: dict) -> bool:
    return schema.get("type", "string") == "string"


def _query_values(s: c.QueryValue, src: Sources) -> list:
    op = _operation(s.op, src)
    if op is None:
        return []
    param = op.param(s.name, "query")
    if param is None and not s.op.target.startswith("/"):
        param = op.param(s.name, "path")
        if param is not None:
            prefix = op.path.partition("{" + s.name + "}")[0]
            return _live(src.live, src.live.list_for_param(s.name, prefix), s.prefix)
    if param is None:
        return []
    return _choices(param.enum, param.type, param.default, s.prefix)


def _filter_keys(s: c.FilterKey, src: Sources) -> list:
    view, op = src.view, _operation(s.op, src)
    if view is None or op is None:
        return []
    return [Candidate(f'{s.lead}{key}":["', -len(s.prefix), key, text.replace("`", "")[:60])
            for key, text in view.filter_keys(op, s.name) if key.startswith(s.prefix)]


def _field_values(s: c.FieldValue, src: Sources) -> list:
    view, op = src.view, _operation(s.op, src)
    if view is None or op is None or op.body is None:
        return []
    schema = view.field(op, s.keys) or {}
    kind = schema.get("type", "")
    out = _choices(tuple(schema.get("enum") or ()), kind, schema.get("default"), s.prefix, as_json=s.json)
    if not s.json or kind != "string":
        out += _live(src.live, src.live.list_for_field(op.operation_id, s.keys), s.prefix)
    return out


def _header_values(s: c.HeaderValue, src: Sources) -> list:
    op = _operation(s.op, src)
    param = op.param(s.name, "header") if op is not None else None
    return _choices(param.enum, param.type, param.default, s.prefix) if param is not None else []


def _variables(s: c.Variable, src: Sources) -> list:
    names = sorted(n for n in src.variables if isinstance(n, str) and n.startswith(s.prefix))
    return [Candidate(n + "}}", -len(s.prefix), n, "variable") for n in names]


def _choices(enum: tuple, kind: str, default, prefix: str, as_json: bool = False) -> list:
    """Enum values, or true/false for a boolean; the default marked."""
    if enum:
        values = [str(v) if not as_json else _json_text(v) for v in enum if v not in ("", None)]
    elif kind == "boolean":
        values = ["true", "false"]
    else:
        return []
    shown = str(default).lower() if isinstance(default, bool) else str(default)
    return [Candidate(_quote(v), -len(prefix), v, "default" if v == shown else kind or "value")
            for v in values if v.startswith(prefix)]


def _json_text(value) -> str:
    from explorer.core import jsontext  # json: only JSON-valued candidates need it

    try:
        return jsontext.dumps(value)
    except ValueError:  # a spec's enum value nested too deeply: offered as text
        return str(value)[:200]


def _live(live: Snapshot, name: str, prefix: str, suffix: str = "") -> list:
    """The values of live list `name` starting with `prefix` (at most LIMIT, then a hint)."""
    if not name:
        return []
    found = live.matching(name, prefix, LIMIT)
    out = _unique([Candidate(_quote(v.text) + suffix, -len(prefix), v.text + suffix, v.meta) for v in found.values])
    if found.total > len(found.values):
        out.append(_more(found.total - len(found.values), found.common, prefix))
    return out


def _operation(target: c.Target, src: Sources):
    return src.view.operation(target.method, target.target) if src.view is not None else None


def _summary(op) -> str:
    return op.summary or f"{op.method} {op.path}"


def _param_meta(p) -> str:
    kind = p.type + (f" of {p.items}" if p.items else "") if p.type else "value"
    extra = " · required" if p.required else ""
    if p.enum:
        extra += " · " + "|".join(str(v) for v in p.enum)[:40]
    return kind + extra


def _quote(text: str) -> str:
    return text if _SAFE.match(text) else shlex.quote(text)


def _unique(cands: list) -> list:
    seen: set = set()
    out = []
    for cand in cands:
        if cand.text not in seen:
            seen.add(cand.text)
            out.append(cand)
    return out


DISPATCH: dict[type, Callable[[Any, Sources], list]] = {
    c.Method: _methods,
    c.MetaCommand: _meta_commands,
    c.MetaArg: _meta_args,
    c.ContextName: _context_names,
    c.OperationId: _operation_ids,
    c.Path: _paths,
    c.QueryName: _query_names,
    c.HeaderName: _header_names,
    c.FieldName: _field_names,
    c.QueryValue: _query_values,
    c.FilterKey: _filter_keys,
    c.FieldValue: _field_values,
    c.HeaderValue: _header_values,
    c.Variable: _variables,
}
