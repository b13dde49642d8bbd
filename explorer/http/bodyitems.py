"""A request's body from its items: fields and JSON (an object, or an array: `[]=x`), a field's
value read from a file (`f=@file` its text, `f:=@file.json` its JSON), a bare `:=JSON` that is
the whole body, or one `@file` sent as it is.

Whether a value is a file is decided on the item as typed: a value that comes from a
`{{variable}}` is data, so one that starts with `@` is never read as a file name.
"""
from __future__ import annotations

from typing import NamedTuple

from explorer.core.errors import UsageError, shown
from explorer.http import bodyfile
from explorer.lang import body, slots

JSON = "application/json"


class Body(NamedTuple):
    """The bytes to send (or the file to send them from), and the Content-Type they go with."""

    data: bytes | None = None
    file: str | None = None
    content_type: str = JSON


def from_items(items, op, values, warn=None) -> Body | None:
    """The body the items of a request line make, or None when they make none."""
    fields = [i for i in items if i.kind in ("field", "json")]
    files = [i for i in items if i.kind == "file"]
    if fields and files:
        raise UsageError("give either body fields or one @file, not both")
    if len(files) > 1:
        raise UsageError("only one @file body per request")
    if files:
        name = slots.fill(files[0].value, slots.WORD, values)
        path = bodyfile.check(name, "@" + name)
        return Body(file=path, content_type=file_content_type(op, path))
    if not fields:
        return None
    if any(i.name == "" for i in fields):
        if len(fields) > 1:
            raise UsageError("a bare `:=JSON` is the whole body: give it alone, without other body items")
        return Body(_whole(fields[0], values, warn))
    doc = body.build([(i.name, _value(i, values, warn)) for i in fields],
                     lambda key: slots.fill(key, slots.STRING, values))
    return Body(body.dumps(doc))


def _whole(item, values, warn) -> bytes:
    """A bare `:=JSON` (or `:=@file.json`): the JSON as written, checked to be one JSON value."""
    if _is_file(item.value):
        text = _file_text(item, values, warn)
        body.json_value("", text, f":={item.value}")
    else:
        text = slots.fill_json(item.value, values)
        body.json_value("", text)
    return text.encode("utf-8", "surrogateescape")


def _value(item, values, warn):
    if item.value[:1] == "@" and len(item.value) > 1:  # as _is_file, without a call per item
        text = _file_text(item, values, warn)
        return text if item.kind == "field" else body.json_value(item.name, text, f"{item.name}:={item.value}")
    if item.kind == "field":
        return slots.fill(item.value, slots.STRING, values)
    return body.json_value(item.name, slots.fill_json(item.value, values))


def _is_file(value: str) -> bool:
    return value.startswith("@") and len(value) > 1


def _file_text(item, values, warn) -> str:
    """The text of the file a `f=@file` / `f:=@file` item names (a `{{NAME}}` may fill its name)."""
    label = f"{item.name}{'=' if item.kind == 'field' else ':='}{item.value}"
    name = slots.fill(item.value[1:], slots.WORD, values)
    try:
        data = bodyfile.read_whole(name, label)
    except UsageError as err:
        if item.kind != "field":
            raise
        literal = f" (for the text {item.value} itself write {item.name}:='\"{item.value}\"')"
        raise UsageError(f"{err}{shown(literal, 200)}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"`{shown(label, 200)}`: the file is not UTF-8 text, which a JSON string "
                         "cannot hold") from None
    if not values.checked and warn is not None:
        warn(f"note: {label} goes into the script as the file holds it now, not read again when it runs")
    return text


def file_content_type(op, path: str) -> str:
    """A .json file goes as JSON where the operation takes JSON; otherwise its first other type."""
    consumes = op.consumes if op is not None else ()
    if JSON in consumes and (path.endswith(".json") or consumes == (JSON,)):
        return JSON
    for kind in consumes:
        if kind != JSON:
            return kind
    return "application/octet-stream"
