"""How a body that does not fit its schema is told: where the problem is, what was given, and
the item form that writes what the spec wants (`Env[]=…`, `[]=…`, `[0][Name]=…`, `:=JSON`)."""
from __future__ import annotations

from explorer.lang.commands import ESCAPABLE
from explorer.lang.jsonvalues import KINDS
from explorer.lang.jsonvalues import kind as json_kind

# what `field:=…` looks like for each JSON type, quoted for the shell's words
_EXAMPLE = {"integer": "1", "number": "1.5", "boolean": "true", "array": "'[\"a\"]'", "object": "'{\"k\":\"v\"}'"}
# Docker's StrSlice (Cmd, Entrypoint…) decodes a plain string too; the spec says so only in prose.
_STRING_OR_ARRAY = "string or an array"
_ITEMS_SHOWN = 3  # words of an array body's example: enough to show the form, short enough to read
_VALUE_SHOWN = 60  # a value the hint writes out again, to paste; a longer one is only named


def type_problem(schema: dict, value, path: list, index=None) -> str:
    """Why `value` is not of the type `schema` wants, with the item form that fits, or ""."""
    wanted = schema.get("type")
    wanted = [wanted] if isinstance(wanted, str) else wanted if isinstance(wanted, list) else []
    known = [t for t in wanted if t in KINDS]
    if not known or any(KINDS[t](value) for t in known):
        return ""
    if "array" in known and isinstance(value, str) and _STRING_OR_ARRAY in str(schema.get("description")):
        return ""
    wants = " or ".join(map(article, known))
    text = f"{where(path)} is {article(json_kind(value))} ({show(value)}), the spec wants {wants}"
    if not path:
        return text + _top_level(schema, known, index)
    if isinstance(value, str) and _parses_as(value, known):
        if len(value) > _VALUE_SHOWN:
            return text + f" (write {field(path)}:= instead of = to send it as JSON)"
        item = f"{field(path)}:={value}"
        if any(ch.isspace() or ch in "'\"\\" for ch in item):  # the words of a line split there
            import shlex  # only on the error path

            item = shlex.quote(item)
        return text + f" (write {item} to send it as JSON)"
    if isinstance(value, str) and known[0] == "array":
        return text + f" (write {field(path)}[]=VALUE for each element, or {field(path)}:={_EXAMPLE['array']})"
    if isinstance(value, str):  # `=` always sends a string: say how the others are written
        return text + f" (write it as JSON with :=, e.g. {field(path)}:={_EXAMPLE.get(known[0], 'null')})"
    return text


def _top_level(schema: dict, known: list, index) -> str:
    """The items that write the whole body the spec wants."""
    if known[0] == "array":
        words = array_items(schema, index)
        return f": use []=… items (e.g. {' '.join(words)}), or ':=JSON' for the whole body"
    if known[0] == "object":
        return ": use field=value and field:=json items"
    return ": use ':=JSON' for the whole body"


def array_items(schema: dict, index=None) -> list:
    """Items that write the first element of an array body as the spec's example has it
    (`[]=DEBUG=1`, `[0][Name]=network '[0][Value][]=host'`), or a placeholder of its type."""
    import shlex  # only on the error path and in help

    example = schema.get("example")
    first = example[0] if isinstance(example, list) and example else None
    if first is None:
        items = schema.get("items")
        items = index.resolve(items) if index is not None and isinstance(items, dict) else items
        props = items.get("properties") if isinstance(items, dict) else None
        first = {next(iter(props)): "VALUE"} if isinstance(props, dict) and props else "VALUE"
    if not isinstance(first, dict):
        return [shlex.quote(_item("[]", first))]
    words: list = []
    for key, value in first.items():
        name = f"[0][{_escaped(str(key))}]"
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            words += [_item(name + "[]", v) for v in value]
        elif value != "":
            words.append(_item(name, value))
    return [shlex.quote(w) for w in words[:_ITEMS_SHOWN]]


def _item(name: str, value) -> str:
    if isinstance(value, str):
        return f"{name}={value}"
    from explorer.core import jsontext  # json: only on the error path and in help

    try:
        return f"{name}:={jsontext.dumps(value, separators=(',', ':'))}"
    except ValueError:  # a spec's example too deep to write: the form alone
        return f"{name}:=JSON"


def _parses_as(text: str, types: list) -> bool:
    from explorer.core import jsontext  # json: only on the error path

    try:
        value = jsontext.loads(text)
    except ValueError:
        return False
    return any(KINDS[t](value) for t in types)


def _escaped(key: str) -> str:
    """A key as an item's name writes it: each separator or bracket behind a backslash."""
    return "".join("\\" + ch if ch in ESCAPABLE else ch for ch in key)


def article(kind: str) -> str:
    """`an array`, `a string`."""
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def show(value) -> str:
    """A value as JSON, cut at 40 characters."""
    from explorer.core import jsontext  # json: only on the error path

    try:
        text = jsontext.dumps(value, ensure_ascii=False)
    except ValueError:
        text = f"a {json_kind(value)} too deep to show"
    return text if len(text) <= 40 else text[:37] + "..."


def field(path: list) -> str:
    """A body path as the item name that sets it: HostConfig[RestartPolicy][Name], Env[0]."""
    if not path:
        return ""
    head = _escaped(str(path[0])) if isinstance(path[0], str) else f"[{path[0]}]"
    return head + "".join(f"[{_escaped(p) if isinstance(p, str) else p}]" for p in path[1:])


def where(path: list) -> str:
    """`field X[y]`, or `the body`."""
    return f"field {field(path)}" if path else "the body"
