"""Body items (`a[b]=x`, `a[]:=1`, `n[0]=y`) → one JSON document."""
from __future__ import annotations

import re

from explorer.core.errors import UsageError, shown

_KEY = re.compile(r"\[([^\]]*)\]")


def key_path(name: str) -> list:
    """`HostConfig[PortBindings][80/tcp][]` → ["HostConfig", "PortBindings", "80/tcp", None].

    A string is an object key, an int a list index, None an append (`[]`).
    """
    head, _, tail = name.partition("[")
    if not head or "]" in head:
        raise UsageError(f"`{name}`: a body field needs a name before its first [")
    path: list = [head]
    tail = "[" + tail if tail else ""
    pos = 0
    for m in _KEY.finditer(tail):
        if m.start() != pos:
            break
        inner = m.group(1)
        if inner.isdigit() and len(inner) > 18:  # no list is that long, and int() refuses 4,300 digits
            raise UsageError(f"`{shown(name)}`: index {shown(inner, 20)} is past the end of any list")
        path.append(None if inner == "" else int(inner) if inner.isdigit() else inner)
        pos = m.end()
    if pos != len(tail):
        raise UsageError(f"`{name}`: brackets must be [key], [index] or [] (e.g. HostConfig[NetworkMode])")
    return path


def json_value(name: str, text: str):
    """Parse the value of a `name:=json` item."""
    import json  # these: not at import, most lines have no := item

    from explorer.core import jsontext  # as json: only := items need it

    try:
        return jsontext.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"`{name}:=`: not valid JSON ({err.msg} at column {err.colno}); "
                         "quote it for the shell, e.g. 'Cmd:=[\"echo\",\"hi\"]'") from None
    except ValueError as err:
        raise UsageError(f"`{shown(name)}:=`: {err}; no API field takes that") from None


def build(items, key=None) -> dict:
    """Fold (name, value) pairs, in order, into one JSON object.

    `key(text)`, when given, turns each object key as parsed into the key used: it fills
    `{{NAME}}` references once the brackets are read, so a value cannot add or close one.
    """
    doc: dict = {}
    for name, value in items:
        path = key_path(name)
        if key is not None and "{{" in name:
            path = [key(k) if isinstance(k, str) else k for k in path]
        _assign(doc, path, value, name)
    return doc


def dumps(doc) -> bytes:
    """The body bytes of a JSON document: compact, UTF-8, DEL escaped as jq escapes it.

    The sh export builds bodies with jq, so both must write the same bytes.
    """
    from explorer.core import jsontext  # json: not at import, most requests have no body

    try:
        text = jsontext.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    except ValueError as err:
        raise UsageError(f"the body cannot be written as JSON: {err}; no API field takes that") from None
    try:
        return text.replace("\x7f", "\\u007f").encode()
    except UnicodeEncodeError:  # a byte that is not UTF-8 (a surrogate escape) in a string or key
        raise UsageError("the body holds text that is not UTF-8: a JSON string cannot hold it "
                         "(send such bytes with @file)") from None


def _assign(doc, path: list, value, name: str) -> None:
    node = doc
    for key, nxt in zip(path, path[1:], strict=False):
        node = _step(node, key, [] if nxt is None or isinstance(nxt, int) else {}, name)
    _put(node, path[-1], value, name)


def _step(node, key, empty, name):
    """Descend into node[key], creating it as `empty` when absent."""
    if key is None:
        node.append(empty)
        return node[-1]
    if isinstance(node, dict):
        if not isinstance(key, str):
            key = str(key)
        child = node.setdefault(key, empty)
    else:
        child = _list_slot(node, key, empty, name)
    if not isinstance(child, (dict, list)) or type(child) is not type(empty):
        raise UsageError(f"`{name}` conflicts with an earlier item that set a different type there")
    return child


def _put(node, key, value, name: str) -> None:
    if key is None:
        if not isinstance(node, list):
            raise UsageError(f"`{name}`: [] appends to a list, but this is an object")
        node.append(value)
    elif isinstance(node, dict):
        node[str(key)] = value
    else:
        _list_slot(node, key, None, name)
        node[key] = value


def _list_slot(node: list, key, empty, name: str):
    if not isinstance(key, int):
        raise UsageError(f"`{name}`: [{key}] is an object key, but this is a list")
    if key > len(node):
        raise UsageError(f"`{name}`: index {key} skips past the end of the list (length {len(node)})")
    if key == len(node):
        node.append(empty)
    return node[key]
