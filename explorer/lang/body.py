"""Body items (`a[b]=x`, `a[]:=1`, `n[0]=y`, `[]=x`) → one JSON document."""
from __future__ import annotations

from explorer.core.errors import UsageError, shown
from explorer.lang.commands import ESCAPABLE as _ESCAPABLE  # one set: what a backslash makes literal


def key_path(name: str) -> list:
    """`HostConfig[PortBindings][80/tcp][]` → ["HostConfig", "PortBindings", "80/tcp", None].

    A string is an object key, an int a list index, None an append (`[]`). A name that starts
    with a bracket (`[]`, `[0][Name]`) is inside a top-level array. A backslash makes the next
    separator or bracket part of the key (`a\\=b` → "a=b", `Labels[a\\]b]` → "a]b").
    """
    if "\\" not in name and "[" not in name and "]" not in name:  # the common case: a plain name
        if not name:
            raise UsageError("``: a body field needs a name, or [] / [N] for an array body")
        return [name]
    head, at = _literal(name, 0, "[")
    if "]" in head[1]:
        raise UsageError(f"`{shown(name)}`: a ] before its [ (escape a literal one as \\])")
    if not head[0] and at == len(name):
        raise UsageError(f"`{shown(name)}`: a body field needs a name, or [] / [N] for an array body")
    path: list = [head[0]] if head[0] else []
    while at < len(name):
        if name[at] != "[":
            raise UsageError(f"`{shown(name)}`: brackets must be [key], [index] or [] (e.g. HostConfig[NetworkMode])")
        (inner, bare, escaped), end = _literal(name, at + 1, "]")
        if end == len(name):
            raise UsageError(f"`{shown(name)}`: a [ is not closed (escape a literal one as \\[)")
        if not escaped and inner.isdigit() and len(inner) > 18:  # no list is that long; int() refuses 4,300 digits
            raise UsageError(f"`{shown(name)}`: index {shown(inner, 20)} is past the end of any list")
        path.append(None if inner == "" and not escaped else inner if escaped or not inner.isdigit() else int(inner))
        at = end + 1
    if isinstance(path[0], str) and not head[0]:
        raise UsageError(f"`{shown(name)}`: an array body starts with [] or [N]; an object's field has its name "
                         "before the brackets")
    return path


def _literal(name: str, start: int, stop: str) -> tuple:
    """((the key from `start` to the first unescaped `stop`, its unescaped characters, whether any
    were escaped), where that `stop` is, or len(name))."""
    end = name.find(stop, start)
    if end < 0:
        end = len(name)
    if "\\" not in name[start:end]:  # the common case, read without a loop over its characters
        return (name[start:end], name[start:end], False), end
    out, bare, escaped, i = [], [], False, start
    while i < len(name) and name[i] != stop:
        if name[i] == "\\" and i + 1 < len(name) and name[i + 1] in _ESCAPABLE:
            out.append(name[i + 1])
            escaped, i = True, i + 2
            continue
        out.append(name[i])
        bare.append(name[i])
        i += 1
    return ("".join(out), "".join(bare), escaped), i


def json_value(name: str, text: str, file: str | None = None):
    """Parse the value of a `name:=json` item; `file` is the item as typed when `text` came from
    the file it names (`Cmd:=@cmd.json`), so a message names the item once and blames the file."""
    import json  # these: not at import, most lines have no := item

    from explorer.core import jsontext  # as json: only := items need it

    label = shown(f"{name}:=") if file is None else shown(file, 200)  # a file name is told whole
    try:
        return jsontext.loads(text)
    except json.JSONDecodeError as err:
        if file is not None:  # the shell did not read the file: quoting it would not help
            raise UsageError(f"`{label}`: the file is not valid JSON (line {err.lineno} column {err.colno}: "
                             f"{err.msg})") from None
        raise UsageError(f"`{label}`: not valid JSON ({err.msg} at column {err.colno}); "
                         "quote it for the shell, e.g. 'Cmd:=[\"echo\",\"hi\"]'") from None
    except ValueError as err:
        raise UsageError(f"`{label}`: {err}; no API field takes that") from None


def build(items, key=None):
    """Fold (name, value) pairs, in order, into one JSON document: an object, or an array when
    the names start with a bracket (`[]=a`, `[0][Name]=b`).

    `key(text)`, when given, turns each object key as parsed into the key used: it fills
    `{{NAME}}` references once the brackets are read, so a value cannot add or close one.
    """
    doc: dict | list | None = None
    for name, value in items:
        path = key_path(name)
        if key is not None and "{{" in name:
            path = [key(k) if isinstance(k, str) else k for k in path]
        array = not isinstance(path[0], str)
        if doc is None:
            doc = [] if array else {}
        elif array != isinstance(doc, list):
            raise UsageError(f"`{shown(name)}`: the body cannot be both an array ([]=…, [0]=…) "
                             "and an object (field=…)")
        _assign(doc, path, value, name)
    return {} if doc is None else doc


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
