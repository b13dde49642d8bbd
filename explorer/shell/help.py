"""`help [TARGET]`: an operation's documentation as plain text, from the spec alone (no engine needed)."""
from __future__ import annotations

import re
import textwrap

from explorer.core import jsontext
from explorer.core.console import page, pager_command
from explorer.core.errors import SpecError, UsageError, shown
from explorer.core.outcome import Outcome
from explorer.core.output import visible
from explorer.http.request import split_target
from explorer.lang.commands import META_WORDS, METHODS
from explorer.shell import example, helpcurl, helpversions, metahelp
from explorer.spec import history

TREE_DEPTH = 6  # body fields nested deeper are summarised, not listed
WIDTH = 110  # tree lines are cut to this many columns
_NAME_COLUMN = 34
_TYPE_COLUMN = 17
_SENTENCE_END = re.compile(r"\.(\s+(?=[A-Z`])|$)")  # "e.g. `/path`" does not end one; ". The" does


def command(session, args):
    """`help [[METHOD] PATH | OperationId]`: paged on a terminal when taller than it."""
    index = session.index()
    if index is None:
        raise SpecError("help needs a spec and none was found: "
                        "pass --spec FILE or set ENGINE_EXPLORER_SPEC_DIR")
    version = session.api_version(False)
    curl = lambda req: session.curl_line(req._replace(api_version=version))  # noqa: E731
    try:
        found = history.history(session.env, index.info.source, index.info.api_version) if args else None
        text = render(index, " ".join(args), curl=curl, since=helpversions.since(found, version))
    except UsageError:
        text = helpversions.from_newer(session, index, " ".join(args), version, render)
        if not text:
            raise
    settings = session.settings
    # a spec is text from elsewhere: its control characters are written out
    page(session.console, visible(text), pager_command(settings.pager, settings.paging))
    return Outcome()


def render(index, target: str | None, curl=None, since=None) -> str:
    """Help for `[METHOD] PATH`, an operationId or a path prefix; the operations by tag when no target.

    `curl(Request) -> str` renders the curl template (omitted when None); `since(method, path, kind,
    names) -> str` says which API versions added or removed an item (from explorer.spec.history).
    """
    if not target or not target.strip():
        return _overview(index)
    topic = metahelp.find(target.strip())
    if topic is not None:
        return metahelp.render(target.strip(), topic)
    ops = _find(index, target.split())
    if len(ops) > 1 and not _same_path(ops):
        return "\n".join(_op_line(op) for op in ops)
    return "\n\n".join(_operation(index, op, curl, since or _NO_SINCE) for op in ops)


def _overview(index) -> str:
    lines = ["Requests: [METHOD] PATH|OperationId [name==query Name:header field=value field:=json @file]",
             "          body: field=@file (its text), field:=@file.json, []=v and [0][k]=v (an array), "
             "':=JSON' (the whole body), a\\=b=c (an escaped key)",
             "          !REQUEST sends it without checking it against the spec",
             "          curl REQUEST prints the curl line only; a pasted curl line is sent",
             "Commands: " + ", ".join(sorted(META_WORDS)) + "; help COMMAND for one",
             "          help [METHOD] PATH|OperationId for one operation; help WORD finds operations by id, "
             "path or summary",
             ""]
    for tag, ops in index.tags():
        lines.append(tag)
        lines += ["  " + _op_line(op) for op in ops]
    return "\n".join(lines)


def _op_line(op) -> str:
    return f"{op.operation_id:<28} {op.method:<6} {op.path:<40} {op.summary}".rstrip()


def _same_path(ops) -> bool:
    return len({op.path for op in ops}) == 1


def _find(index, words: list) -> list:
    """The operations `words` name: [METHOD] PATH (all its methods), OperationId, or a path prefix."""
    method = words[0].upper() if len(words) > 1 and words[0].upper() in METHODS else None
    rest = words[1:] if method else words
    if len(rest) != 1:
        raise UsageError("help takes one target: `help ContainerList`, `help /containers/json`, "
                         "`help POST /containers/create`")
    target = rest[0]
    if not target.startswith("/"):
        op = index.by_id(target) or index.by_id_ci(target)
        if op is not None:
            return [op]
        found = search(index, target)
        if found:
            return found
        near = ", ".join(index.closest_ids(target)) or "none"
        raise UsageError(f"no operation {shown(target, 200)} (closest: {near}); `help` lists them all")
    path = split_target(target)[0]
    matches = index.match(path)
    if matches and index.spans_a_typo(path, matches[0][0]):  # /containers/web/strat is no container "web/strat"
        near = index.closest_request(method, path) or "closest: none"
        raise UsageError(f"no path {path} ({near}); `help` lists them all")
    if matches and method:  # as request.build does: the best template that has this method
        for template, _ in matches:
            if index.get(method, template):
                return [index.get(method, template)]
        have = sorted({m for t, _ in matches for m in index.methods(t)})
        raise UsageError(f"{path} has no {method} operation: it has {', '.join(have)}")
    if matches:
        template = matches[0][0]
        return [index.get(m, template) for m in index.methods(template)]
    under = [op for op in index.operations if op.path.startswith(path.rstrip("/") + "/")
             and method in (None, op.method)]
    if under:
        return under
    near = ", ".join(index.closest_paths(path)) or "none"
    raise UsageError(f"no path {path} (closest: {near}); `help` lists them all")


def search(index, word: str) -> list:
    """The operations whose operationId, path or summary hold `word` (ignoring case), in tag order."""
    low = word.lower()
    return [op for op in index.operations
            if low in op.operation_id.lower() or low in op.path.lower() or low in (op.summary or "").lower()]


# -- one operation ------------------------------------------------------------------------

def _NO_SINCE(*_) -> str:
    return ""


def _operation(index, op, curl, since) -> str:
    added = since(op.method, op.path)
    lines = [f"{op.operation_id}: {op.method} {op.path}" + (f"  [{', '.join(op.tags)}]" if op.tags else "")
             + (f"  ({added})" if added else "")]
    if op.summary:
        lines.append(op.summary)
    if op.description and op.description.strip() != op.summary.strip():
        lines += ["", op.description.strip()]
    params = [p for p in op.params if p.location != "body"]
    if params:
        lines += ["", "Parameters:"]
        for p in params:
            added = since(op.method, op.path, p.location, (p.name,)) if p.location in ("query", "header") else ""
            lines.append("  " + _param_line(p) + (f"  {added}" if added else ""))
            lines += _indented(p.description, "      ")
    if op.body is not None:
        field = lambda names: since(op.method, op.path, "field", names)  # noqa: E731
        lines += ["", _body_heading(op)] + _body_tree(index, op.body.schema, field)
    if op.responses:
        lines += ["", "Responses:"]
        lines += [f"  {code}  {_first_line(desc)}".rstrip() for code, desc in op.responses]
    lines += ["", example.heading(op), "  " + example.line(op, index)]
    if curl is not None:
        lines += ["", "Curl:", "  " + helpcurl.unbrace(curl(helpcurl.template_request(op, index)))]
    return "\n".join(lines)


def _param_line(p) -> str:
    kind = f"array of {p.items}" if p.type == "array" and p.items else p.type or "any"
    text = f"{p.name:<20} {p.location:<7} {kind}"
    if p.required:
        text += "  required"
    if p.enum:
        text += "  one of: " + ", ".join(str(e) if e != "" else '""' for e in p.enum)
    if p.default not in (None, ""):
        text += f"  default: {_json(p.default)}"
    return text


def _indented(text: str, prefix: str) -> list:
    return [prefix + line if line.strip() else "" for line in textwrap.dedent(text or "").strip().splitlines()]


def _first_line(text: str) -> str:
    return (text or "").strip().split("\n", 1)[0]


def _body_heading(op) -> str:
    body = op.body
    media = ", ".join(op.consumes) or "any content type"
    head = f"Body ({'required, ' if body.required else ''}{media})"
    return head + (f": {_first_line(body.description)}" if body.description else ":")


# -- the body schema as a field tree ---------------------------------------------------------

def _body_tree(index, schema, since) -> list:
    if not isinstance(schema, dict):
        return ["  (no schema)"]
    resolved = index.resolve(schema)
    if isinstance(resolved, dict) and isinstance(resolved.get("properties"), dict):
        lines: list = []
        _tree(resolved, 1, lines, since)
    else:  # an array, a map, a string: say so, then the fields of what it holds
        lines = [f"  {type_text(resolved)}"]
        _tree(resolved, 2, lines, since)
    return lines


def _tree(schema: dict, depth: int, lines: list, since, chain: tuple = ()) -> None:
    """Append one line per field of `schema` (through arrays and maps), children indented; `since(chain)`
    says which versions added or removed a field."""
    fields = _fields_of(schema)
    if not fields:
        return
    props, required = fields
    if depth > TREE_DEPTH:
        lines.append("  " * depth + f"… {len(props)} more fields (nested too deep to list)")
        return
    for name, sub in props.items():
        if not isinstance(sub, dict):
            continue
        lines.append(_field_line(name, sub, name in required, depth, since(chain + (name,))))
        _tree(sub, depth + 1, lines, since, chain + (name,))


def _fields_of(schema) -> tuple | None:
    """(properties, required names) of the object inside `schema`, looking through arrays and maps."""
    for _ in range(8):  # array of map of array of …: bounded, a cycle stays a $ref
        if not isinstance(schema, dict) or "$ref" in schema:
            return None
        props = schema.get("properties")
        if isinstance(props, dict) and props:
            return props, set(schema.get("required") or ())
        nxt = schema.get("items") if schema.get("type") == "array" else schema.get("additionalProperties")
        schema = nxt
    return None


def _field_line(name: str, schema: dict, required: bool, depth: int, added: str = "") -> str:
    head = ("  " * depth + name).ljust(_NAME_COLUMN - 1) + " " + type_text(schema).ljust(_TYPE_COLUMN)
    flags = [flag for flag, on in (("required", required), ("nullable", _nullable(schema)), (added, added)) if on]
    if isinstance(schema.get("enum"), list):
        flags.append("one of: " + ", ".join(_json(e) for e in schema["enum"][:8]))
    if flags:
        head += "  " + "  ".join(flags)
    summary = _SENTENCE_END.split(_first_line(schema.get("description", "")), 1)[0]
    if summary and len(head) + 4 < WIDTH:
        room = WIDTH - len(head) - 3
        head += "  " + (summary if len(summary) <= room else summary[:room - 1] + "…")
    return head.rstrip()


def type_text(schema) -> str:
    """A schema's type in a few words: `string`, `array of integer`, `map of string`, `Mount (recursive)`."""
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1] + " (recursive)"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "|".join(str(k) for k in kind if k != "null")
    if kind == "array":
        return "array of " + type_text(schema.get("items"))
    extra = schema.get("additionalProperties")
    if kind in ("object", None) and isinstance(extra, dict) and not schema.get("properties"):
        return "map of " + type_text(extra)
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            return " | ".join(type_text(alt) for alt in schema[key])
    if not kind:
        return "object" if schema.get("properties") else "any"
    return kind


def _nullable(schema: dict) -> bool:
    kind = schema.get("type")
    listed = isinstance(kind, list) and "null" in kind  # OpenAPI 3.1
    return bool(schema.get("x-nullable") or schema.get("nullable") or listed)


def _json(value) -> str:
    try:
        return jsontext.dumps(value, ensure_ascii=False)
    except ValueError as err:  # a spec's example or default too deep to write
        return f"({err})"

