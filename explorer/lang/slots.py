"""Values are data: a `{{NAME}}` reference fills one slot of an already parsed line, never its text.

A line is split into words, items and a target with its references still in place; only then
does each reference take its value, encoded for the slot it sits in:

    slot       where it sits                             how the value goes in
    SEGMENT    a path parameter (/containers/{id})       percent-encoded as one segment: `/`, `?`,
                                                         `#`, `%` and every other reserved byte
    IMAGE      an image or plugin name in a path          the same per component, with `/` between
               (/images/{name}/…, /plugins/{name}/…,      components and `:`/`@` (tag, digest) kept,
               /distribution/{name}/json, Podman's        as the docker CLI sends references
               /libpod/images|manifests/{name}/…)
    QUERY      a query value                             as text (the URL encodes it)
    HEADER     a header value                            as text; CR, LF and NUL are refused
    STRING     a body field's value or key, or text      as text; it must be UTF-8
               inside a JSON string of `field:=…`
    JSON       a whole JSON value inside `field:=…`      it must be one JSON value on its own
    WORD       a file name (@file, > file), a            as text
               meta command's argument

A path value whose raw or percent-decoded form has an empty, `.` or `..` component is refused:
the engine decodes %2F before it cleans a path, so such a value could climb to another endpoint.
References are refused where a value would change what the request is: the method, a path
written as a whole, a query key or a header name.

`Values` gives the session's values; the sh export passes its own (shellvars.Markers), which
puts a marker in each slot and leaves the checks to the exported script.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from urllib.parse import quote

from explorer.core.errors import UsageError

# `{{ NAME }}` or `{{env.NAME}}`; nothing else is a reference, so JSON such as {"a":{"b":1}} is safe.
REFERENCE = re.compile(r"\{\{\s*((?:env\.)?[A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# A reference being typed: `{{NAM` at the end of a word (completion offers the names).
PARTIAL_REFERENCE = re.compile(r"\{\{\s*((?:env\.)?[A-Za-z0-9_]*)$")

SEGMENT, IMAGE, QUERY, HEADER, STRING, JSON, WORD = (
    "segment", "image", "query", "header", "string", "json", "word")

# Path parameters that hold an image or plugin reference, which may contain `/` (docker's router
# declares them {name:.*}): the first literal segment of the template (after libpod/) names them.
_IMAGE_COLLECTIONS = frozenset({"images", "plugins", "distribution", "manifests"})
_ENCODED_DOT_OR_SLASH = re.compile(r"%2[eEfF]")
_BAD_COMPONENTS = frozenset({"", ".", ".."})


def references(text: str) -> list:
    """The names referenced in `text`, in order (`env.X` as such)."""
    return [m.group(1) for m in REFERENCE.finditer(text)] if "{{" in text else []


def canonical(text: str) -> str:
    """`{{ NAME }}` → `{{NAME}}`, so that a reference with spaces inside stays one shell word."""
    return REFERENCE.sub(lambda m: "{{" + m.group(1) + "}}", text) if "{{" in text else text


def lookup(name: str, variables: dict, env) -> str:
    """The value of `name` (`env.X` reads the environment); an unknown one is a UsageError."""
    if name.startswith("env."):
        value = env.get(name[4:])
        if value is None:
            raise UsageError(f"unknown variable {name}: {name[4:]} is not set in the environment")
        return value
    if name not in variables:
        raise UsageError(f"unknown variable {name}: set it first (`set {name} = VALUE`) "
                         f"or pass --var {name}=VALUE")
    return variables[name]


class Values:
    """What the references of a line stand for: the session's variables and the environment."""

    checked = True  # values are known here, so they are checked here (an export checks at run time)

    def __init__(self, variables: dict, env) -> None:
        self.variables = variables
        self.env = env

    def piece(self, name: str, slot: str) -> str:
        """The text that stands for `{{name}}` in `slot`, encoded for it."""
        return encode(lookup(name, self.variables, self.env), slot, "{{" + name + "}}")


NO_VALUES = Values({}, {})


def encode(value: str, slot: str, label: str) -> str:
    """`value` as it goes into `slot` (see the module's table); `label` names it in errors."""
    if slot == SEGMENT:
        check_path_value(value, label)
        return percent(value)
    if slot == IMAGE:
        check_path_value(value, label)
        return percent(value, ":@/")  # each component encoded, the `/` between them kept
    if slot == HEADER:
        check_header_text(value, label)
    if slot == STRING:
        check_text(value, label)
    elif slot == JSON:
        check_json(value, label)
    return value


def percent(value: str, safe: str = "") -> str:
    """Percent-encode every byte of `value` but ASCII letters, digits, `-._~` and `safe`."""
    return quote(value.encode("utf-8", "surrogateescape"), safe=safe)


def check_path_value(value: str, label: str) -> None:
    """Refuse a path value that is empty or has a `.`/`..`/empty component, raw or decoded."""
    for form in (value, _ENCODED_DOT_OR_SLASH.sub(_decoded, value)):
        if not _BAD_COMPONENTS.isdisjoint(form.split("/")):
            shown = value if len(value) <= 40 else value[:40] + "..."
            raise UsageError(f"{label} = {shown!r} cannot go into the path: a path value may not be empty "
                             "or have an empty, `.` or `..` component (it would reach another endpoint)")


def _decoded(m) -> str:
    return "." if m.group(0)[2] in "eE" else "/"


def check_header_text(text: str, label: str) -> None:
    """Refuse a header name or value holding CR, LF or NUL: it would end the header (or the request)."""
    if "\r" in text or "\n" in text or "\0" in text:
        raise UsageError(f"{label}: a header name or value cannot hold a line break or NUL "
                         "(line breaks would start another header)")


def check_text(value: str, label: str) -> None:
    """Refuse text that is not valid UTF-8 (a JSON string cannot hold it)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{label} is not valid UTF-8 text: a JSON string cannot hold it") from None


def check_json(value: str, label: str) -> None:
    """Refuse a value that is not exactly one JSON value."""
    from explorer.core import jsontext  # json: only lines that fill := items need it

    try:
        jsontext.loads(value)
    except ValueError:
        raise UsageError(f"{label} is not a JSON value, so it cannot stand alone in `:=` JSON: "
                         f"write it inside a JSON string, or use field={label} for text") from None


def path_slot(template: str, param: str) -> str:
    """SEGMENT, or IMAGE for a parameter that holds an image or plugin reference."""
    if param != "name":
        return SEGMENT
    parts = template.strip("/").split("/")
    if parts[0] == "libpod":
        parts = parts[1:]
    return IMAGE if parts and parts[0] in _IMAGE_COLLECTIONS else SEGMENT


# -- filling ---------------------------------------------------------------------------------------

def fill(text: str, slot: str, values) -> str:
    """`text` with each reference replaced by its value encoded for `slot`; the rest as written."""
    if "{{" not in text:
        return text
    return REFERENCE.sub(lambda m: values.piece(m.group(1), slot), text)


def refuse(text: str, where: str) -> None:
    """A UsageError when `text` holds a reference: `where` is a place a value may not change."""
    found = references(text)
    if found:
        raise UsageError(f"{{{{{found[0]}}}}} cannot stand in {where}: a variable fills a value "
                         "(a path segment, query value, header value or body field), never a name")


def fill_json(text: str, values) -> str:
    """The JSON source of a `field:=…` item with its references filled.

    Inside a JSON string a reference is text (escaped as JSON); outside, it must be one whole
    JSON value. Either way it cannot add keys, elements or structure around it.
    """
    if "{{" not in text:
        return text
    out, pos = [], 0
    inside = _string_spans(text)
    for m in REFERENCE.finditer(text):
        out.append(text[pos:m.start()])
        if inside(m.start()):
            out.append(_json_escaped(values.piece(m.group(1), STRING), values))
        else:
            out.append(values.piece(m.group(1), JSON))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _json_escaped(text: str, values) -> str:
    if not values.checked:
        return text  # a marker: letters and digits, escaped by the script that knows the value
    import json  # only lines that fill := items need it

    return json.dumps(text, ensure_ascii=False)[1:-1]


def _string_spans(text: str):
    """A test `inside(i)`: is position i inside a JSON string literal of `text`?"""
    starts: list = []  # alternating: opening quote index, closing quote index, …
    escaped = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\" and len(starts) % 2:
            escaped = True
        elif ch == '"':
            starts.append(i)

    def inside(i: int) -> bool:  # a binary search: a line of 100,000 references is not 10^10 steps
        return bisect_left(starts, i) % 2 == 1

    return inside
