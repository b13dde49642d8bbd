"""What can come at the cursor: text before the cursor → small typed suggestions. Pure.

No spec, no prompt_toolkit, no I/O: `classify("GET /cont") == (Path("/cont", "GET"),)`. The
candidates module turns each suggestion into completions using the spec index, live values and
variables. Every suggestion's `prefix` is the text the chosen completion replaces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from explorer.core.configkeys import VIEWS
from explorer.lang.commands import METHODS, separator
from explorer.lang.slots import PARTIAL_REFERENCE
from explorer.lang.words import Word, before_cursor

_KEY = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Target:
    """The request the items belong to: its method (None: the spec's default) and path or operationId."""

    method: str | None
    target: str


@dataclass(frozen=True)
class Method:
    """An HTTP method as the first word."""

    prefix: str


@dataclass(frozen=True)
class MetaCommand:
    """A meta command (help, exit, …) as the first word."""

    prefix: str


@dataclass(frozen=True)
class MetaArg:
    """A meta command's word from a fixed set (`view table`, `pager off`)."""

    prefix: str
    choices: tuple


# the meta commands whose one argument is a word from a fixed set
_META_CHOICES = {"view": VIEWS, "last": VIEWS, "pager": ("on", "off"), "headers": ("on", "off")}


@dataclass(frozen=True)
class ContextName:
    """A docker context's name, after `context`."""

    prefix: str


@dataclass(frozen=True)
class OperationId:
    """An operationId as the target; only those with `method` when it is given."""

    prefix: str
    method: str | None = None


@dataclass(frozen=True)
class Path:
    """A path, completed segment by segment; only paths that have `method` when it is given."""

    prefix: str
    method: str | None = None


@dataclass(frozen=True)
class QueryName:
    """A query parameter name (`all==`); `used` ones are offered last."""

    op: Target
    prefix: str
    used: tuple = ()


@dataclass(frozen=True)
class HeaderName:
    """A header the operation declares (`X-Registry-Auth:`)."""

    op: Target
    prefix: str
    used: tuple = ()


@dataclass(frozen=True)
class FieldName:
    """A body field under `keys` (`HostConfig[` → keys ("HostConfig",)); `used` at the top level."""

    op: Target
    keys: tuple
    prefix: str
    used: tuple = ()


@dataclass(frozen=True)
class QueryValue:
    """The value of query (or, for an operationId, path) parameter `name`."""

    op: Target
    name: str
    prefix: str


@dataclass(frozen=True)
class FilterKey:
    """A key inside a `filters==` JSON value; `lead` is the `'{"` still to be typed before it."""

    op: Target
    name: str
    prefix: str
    lead: str = ""


@dataclass(frozen=True)
class FieldValue:
    """The value of body field `keys`; `json` for `:=` (raw JSON), else `=` (a string)."""

    op: Target
    keys: tuple
    prefix: str
    json: bool = False


@dataclass(frozen=True)
class HeaderValue:
    """The value of header `name`."""

    op: Target
    name: str
    prefix: str


@dataclass(frozen=True)
class Variable:
    """A variable name after `{{`."""

    prefix: str


def classify(text: str, meta_words=()) -> tuple:
    """The suggestions for the cursor at the end of `text`; () when nothing fits."""
    done, current, in_comment = before_cursor(text)
    if in_comment:
        return ()
    var = PARTIAL_REFERENCE.search(current.value)
    if var:
        return (Variable(var.group(1)),)
    words = list(done)
    if words and words[0].value == "curl":
        if any(w.value.startswith("-") or "://" in w.value for w in words[1:] + [current]):
            return ()  # a pasted curl command line: its options are curl's, not ours
        words = words[1:]
    return _request(words, current, meta_words)


def _is_meta_start(prefix: str, meta_words) -> bool:
    return any(w.startswith(prefix.lower()) for w in meta_words)


def _request(words: list, current: Word, meta_words) -> tuple:
    """`[!][METHOD] TARGET ITEM…` with `current` after `words`."""
    if words and words[0].value.lower() in meta_words:
        return _meta_args(words, current)
    if words and words[0].value.startswith("!"):
        first = words[0].value[1:]
        words = ([Word(first, first)] if first else []) + words[1:]
    elif not words and current.value.startswith("!"):
        current = Word(current.raw[1:], current.value[1:], current.open_quote)
    if not words:
        return _first_word(current.value, meta_words)
    method = words[0].value.upper() if words[0].value.upper() in METHODS else None
    rest = words[1:] if method else words
    if not rest:
        return _target(current.value, method)
    return _item(Target(method, rest[0].value), rest[1:], current)


def _first_word(prefix: str, meta_words) -> tuple:
    if prefix.startswith("/"):
        return (Path(prefix),)
    if not prefix:
        return (Method(""), MetaCommand(""))
    out: list = []
    if any(m.startswith(prefix.upper()) for m in METHODS):
        out.append(Method(prefix))
    if _is_meta_start(prefix, meta_words):
        out.append(MetaCommand(prefix))
    if prefix.isidentifier():
        out.append(OperationId(prefix))
    return tuple(out)


def _target(prefix: str, method: str | None) -> tuple:
    if prefix.startswith("/"):
        return (Path(prefix, method),) if "?" not in prefix else ()
    if not prefix:
        return (Path("", method), OperationId("", method))
    return (OperationId(prefix, method),) if prefix.isidentifier() else ()


def _meta_args(words: list, current: Word) -> tuple:
    """Arguments of a meta command: `help` takes one target, `context` one context, `view`/`last`/`pager`
    one word of a set."""
    command = words[0].value.lower()
    if command == "context" and len(words) == 1:
        return (ContextName(current.value),)
    if command in _META_CHOICES and len(words) == 1:
        return (MetaArg(current.value, _META_CHOICES[command]),)
    if command != "help" or len(words) > 1:
        return ()
    prefix = current.value
    if prefix.startswith("/"):
        return (Path(prefix),)
    if not prefix:
        return (OperationId(""), Path(""))
    return (OperationId(prefix),) if prefix.isidentifier() else ()


def _item(op: Target, items: list, current: Word) -> tuple:
    """The item being typed after the target: a name, or the value after its separator."""
    text = current.value
    if text.startswith(("@", ":=")):  # a raw body: a file, or a bare `:=JSON`
        return ()
    sep = separator(text)
    if sep is None:
        return _item_name(op, items, current)
    at, mark, _ = sep
    name, value = text[:at], text[at + len(mark):]
    if mark == "==":
        if name == "filters":
            return _filter_key(op, name, current.raw)
        return (QueryValue(op, name, value),)
    if mark == ":":
        return (HeaderValue(op, name, value),)
    keys = _keys(name)
    return (FieldValue(op, keys, value, json=mark == ":="),) if keys else ()


def _item_name(op: Target, items: list, current: Word) -> tuple:
    text = current.value
    used = _used(items)
    if "[" in text:
        head, _, tail = text.rpartition("[")
        keys = _keys(head)
        if keys is None or "]" in tail:
            return ()
        return (FieldName(op, keys, tail),)
    return (QueryName(op, text, used["query"]), FieldName(op, (), text, used["field"]),
            HeaderName(op, text, used["header"]))


def _keys(name: str):
    """`HostConfig[RestartPolicy]` → ("HostConfig", "RestartPolicy"), `[0][Name]` (in an array
    body) → ("0", "Name"); None when malformed."""
    head, bracket, tail = name.partition("[")
    if not head and not bracket:
        return None
    keys, pos, tail = [head] if head else [], 0, bracket + tail
    for m in _KEY.finditer(tail):
        if m.start() != pos:
            return None
        keys.append(m.group(1))
        pos = m.end()
    if not head and keys and keys[0] != "" and not keys[0].isdigit():
        return None  # an array body starts with [] or [N], as explorer.lang.body reads it
    return tuple(keys) if pos == len(tail) else None


def _used(items: list) -> dict:
    """Names already given, by kind: query names, top-level body fields, headers."""
    used: dict = {"query": [], "field": [], "header": []}
    for word in items:
        sep = separator(word.value)
        if sep is None:
            continue
        name = word.value[:sep[0]]
        kind = {"query": "query", "header": "header"}.get(sep[2], "field")
        used[kind].append(name.partition("[")[0] if kind == "field" else name)
    return {k: tuple(dict.fromkeys(v)) for k, v in used.items()}


_FILTER_VALUE = re.compile(r"""filters==('?)(\{?)((?:.*[,{]\s*)?)("?)([A-Za-z0-9_.-]*)$""")


def _filter_key(op: Target, name: str, raw: str) -> tuple:
    """Inside `filters=='{"status":["exited"],"la`: the key being typed, and what must precede it."""
    m = _FILTER_VALUE.fullmatch(raw)
    if m is None:
        return ()
    quote, brace, inner, dquote, key = m.groups()
    if inner and not brace:
        return ()
    if inner.count("[") != inner.count("]") or inner.count('"') % 2:
        return ()  # inside a list of values or a string, not where a key goes
    lead = ("" if quote else "'") + ("" if brace else "{") + ("" if dquote else '"')
    return (FilterKey(op, name, key, lead),)
