"""The bottom toolbar: the operation the line is about (id, summary, required parameters, body type)."""
from __future__ import annotations

from explorer.completion import itemdoc
from explorer.lang.commands import METHODS
from explorer.lang.words import before_cursor
from explorer.repl.completer import SUGGEST_CHARS

HINT = "Tab completes · help TARGET documents · Alt-Enter or a trailing \\ continues the line · Ctrl-R searches history"


def toolbar_text(view, text: str, live=None, cursor: int | None = None) -> str:
    """One line describing the parameter or body field under the `cursor` (explorer.completion.itemdoc),
    else the operation of `text`; a hint when the line names none."""
    if len(text) > SUGGEST_CHARS:
        return f"a line of {len(text):,} characters is too long for completion and highlighting"
    if view is not None and cursor is not None:
        item = itemdoc.describe(view, text[:itemdoc.word_end(text, cursor)])
        if item:
            return item
    op = operation_of(view, text) if view is not None else None
    if op is None:
        if live is not None and live.reachable is False:
            return "engine unreachable: completion, help and curl previews work; requests will fail · " + HINT
        return HINT
    parts = [f"{op.operation_id}: {op.summary or op.method + ' ' + op.path}"]
    required = [_param_label(p) for p in op.params if p.required]
    if required:
        parts.append("required: " + ", ".join(required))
    if op.body is not None:
        parts.append("body: " + body_type(op.body.schema))
    return " · ".join(parts)


def operation_of(view, text: str):
    """The operation a (partial) request or `help TARGET` line names, or None."""
    done, _, _ = before_cursor(text + " ")
    words = [w.value for w in done]
    if words and words[0] == "curl":
        words = words[1:]
    if words and words[0] == "help":
        words = words[1:2]
    if words and words[0].startswith("!"):
        words[0] = words[0][1:]
    words = [w for w in words if w]
    if not words:
        return None
    method = words[0].upper() if words[0].upper() in METHODS else None
    target = words[1] if method and len(words) > 1 else words[0] if not method else ""
    if not target or not (target.startswith("/") or target.isidentifier()):
        return None
    return view.operation(method, target)


def _param_label(p) -> str:
    if p.location == "path":
        return "{" + p.name + "}"
    if p.location == "query":
        return p.name + "=="
    if p.location == "header":
        return p.name + ":"
    return "body"


def body_type(schema) -> str:
    """`ContainerConfig + 2 more fields`, `string`, …: the body's schema named briefly."""
    if not isinstance(schema, dict):
        return "raw data"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    if isinstance(schema.get("allOf"), list):
        return " + ".join(body_type(part) for part in schema["allOf"])
    if isinstance(schema.get("properties"), dict):
        return "object with " + ", ".join(list(schema["properties"])[:4]) + (
            "…" if len(schema["properties"]) > 4 else "")
    return schema.get("type") or "data"
