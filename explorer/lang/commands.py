"""One line of input → one typed command. Pure: no spec, no I/O."""
from __future__ import annotations

import re
from typing import NamedTuple

from explorer.core.errors import UsageError, shown
from explorer.lang import slots
from explorer.lang.words import split as split_words

# The HTTP methods we send, in the order help and completion list them; the spec loader reads
# only these operations from a path item, and the index sorts by this order.
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
# The first words of meta commands. The shell's dispatcher, wired by explorer.cli, runs each one
# (tests/test_layers.py checks that the two agree).
META_WORDS = frozenset({"help", "exit", "quit", "version", "headers", "set", "unset", "vars", "expect",
                        "config", "context", "save", "run", "export", "import", "edit", "refresh",
                        "view", "last", "pager", "stats"})

# Item separators, longest first so that `==` wins over `=` and `:=` over `:`.
_SEPARATORS = (("==", "query"), (":=", "json"), ("=", "field"), (":", "header"))


class Item(NamedTuple):
    """One request item: `name==v` query, `Name:v` header, `f=v` field, `f:=json`, `@file` body."""

    kind: str  # "query" | "header" | "field" | "json" | "file"
    name: str
    value: str


class RequestLine(NamedTuple):
    """`[METHOD] TARGET [ITEM ...]`; `target` is a path (maybe with ?query) or an operationId."""

    method: str | None
    target: str
    items: tuple = ()
    force: bool = False


class CurlPreview(NamedTuple):
    """`curl REQUEST`: print the curl line, send nothing."""

    request: RequestLine


class CurlPaste(NamedTuple):
    """A pasted curl command line, to be parsed by curlcmd and executed."""

    argv: tuple


class Meta(NamedTuple):
    """A meta command such as `help TARGET` or `exit`."""

    name: str
    args: tuple = ()


def parse(line: str):
    """Parse one line; None for a blank line or a comment.

    `{{NAME}}` references stay in the words as written (explorer.lang.slots fills them later); a
    pasted curl line is curl's, so its text is never read for references.
    """
    if "{{" in line and not line.lstrip().startswith("curl"):
        line = slots.canonical(line)
    words = split(line)
    if not words:
        return None
    head = words[0]
    method = head.upper()
    if method in METHODS and len(words) > 1:  # the common case first: METHOD TARGET …
        return _request(method, words[1], words[2:], False)
    if head == "curl":
        return _parse_curl(words)
    if head.lower() in META_WORDS:
        return Meta(head.lower(), tuple(words[1:]))
    return parse_request(words)


def split(line: str) -> list:
    """Shell-split a line, `#` comment dropped; an unclosed quote is a UsageError (lang.words)."""
    if line.isascii() and _PLAIN.isdisjoint(line):
        return line.split()  # the common case: no quote, escape or comment to read
    return split_words(line)


# What makes a line more than words between spaces: quotes, escapes, comments, and the whitespace
# that str.split() cuts at but a shell does not.
_PLAIN = frozenset("'\"\\#$\x0b\x0c\x1c\x1d\x1e\x1f")


def _parse_curl(words: list):
    rest = words[1:]
    if not rest:
        raise UsageError("curl needs a request: `curl GET /version`, or paste a curl command line")
    if any(w.startswith("-") or "://" in w or w.startswith("localhost") for w in rest):
        return CurlPaste(tuple(words))
    return CurlPreview(parse_request(rest))


def parse_request(words: list) -> RequestLine:
    """`[!][METHOD] TARGET [ITEM ...]` from already split words."""
    force = False
    if words[0].startswith("!"):
        force = True
        words = [words[0][1:]] + list(words[1:]) if words[0] != "!" else list(words[1:])
        if not words or not words[0]:
            raise UsageError("`!` must be followed by a request")
    method = None
    if words[0].upper() in METHODS:
        method, words = words[0].upper(), words[1:]
    if not words:
        raise UsageError(f"{method} needs a path or an operationId, e.g. `{method} /containers/json`")
    return _request(method, words[0], words[1:], force)


def _request(method, target: str, rest: list, force: bool) -> RequestLine:
    if not (target.startswith("/") or target.isidentifier()):
        if target.startswith("{{"):
            raise UsageError(f"`{target}`: a variable cannot be the whole path, only a value in it "
                             "(e.g. /containers/{{cid}}/json)")
        raise UsageError(f"`{target}` is neither a path (starting with /) nor an operationId")
    return RequestLine(method, target, tuple([parse_item(w) for w in rest]) if rest else (), force)


def parse_item(word: str) -> Item:
    """One httpie-style item; the earliest separator outside [brackets] wins, the longer on a tie.

    A `\\` before a separator character (`= : [ ] @ \\`) makes it part of the name. A query or
    header name comes back unescaped; a body field's name keeps its escapes, which
    explorer.lang.body reads with the brackets. A bare `:=JSON` (no name) is the whole body.
    """
    if not word:
        raise UsageError('an empty word ("") is not an item: use name==value (query), Name:value (header), '
                         "field=value or field:=json (body), []=value (an array body), @file (raw body)")
    if word.startswith("@"):
        if len(word) == 1:
            raise UsageError("`@` needs a file name: `@context.tar`")
        return Item("file", "", word[1:])
    if word.startswith(":="):
        return Item("json", "", word[2:])
    best = separator(word) if word[0] not in "=:" else None
    if best is None:
        raise UsageError(
            f"`{shown(word)}` is not an item: use name==value (query), Name:value (header), "
            "field=value or field:=json (body), []=value (an array body), @file (raw body)"
        )
    at, sep, kind = best
    name = word[:at]
    if kind in ("query", "header") and "\\" in name:
        name = unescape(name)
    return Item(kind, name, word[at + len(sep):])


ESCAPABLE = frozenset("=:[]@\\")  # what a backslash makes literal in an item's name


def unescape(name: str) -> str:
    """`a\\=b` → `a=b`: each backslash before an ESCAPABLE character dropped (any other stays)."""
    return _ESCAPED.sub(r"\1", name)


_ESCAPED = re.compile("\\\\([" + re.escape("".join(sorted(ESCAPABLE))) + "])")


def separator(word: str):
    """(index, separator, kind) of the first separator outside brackets (label keys hold `:`)
    and not escaped by a backslash."""
    depth, escaped = 0, False
    for at, ch in enumerate(word):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif depth == 0 and at > 0 and ch in "=:":
            for sep, kind in _SEPARATORS:
                if word.startswith(sep, at):
                    return at, sep, kind
    return None
