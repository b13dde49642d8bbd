"""One line of input → one typed command. Pure: no spec, no I/O."""
from __future__ import annotations

import shlex
from dataclasses import dataclass

from explorer.errors import UsageError

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
META_WORDS = ("help", "exit", "quit", "version")

# Item separators, longest first so that `==` wins over `=` and `:=` over `:`.
_SEPARATORS = (("==", "query"), (":=", "json"), ("=", "field"), (":", "header"))


@dataclass(frozen=True)
class Item:
    """One request item: `name==v` query, `Name:v` header, `f=v` field, `f:=json`, `@file` body."""

    kind: str  # "query" | "header" | "field" | "json" | "file"
    name: str
    value: str


@dataclass(frozen=True)
class RequestLine:
    """`[METHOD] TARGET [ITEM ...]`; `target` is a path (maybe with ?query) or an operationId."""

    method: str | None
    target: str
    items: tuple = ()
    force: bool = False


@dataclass(frozen=True)
class CurlPreview:
    """`curl REQUEST`: print the curl line, send nothing."""

    request: RequestLine


@dataclass(frozen=True)
class CurlPaste:
    """A pasted curl command line, to be parsed by curlcmd and executed."""

    argv: tuple


@dataclass(frozen=True)
class Meta:
    """A meta command such as `help TARGET` or `exit`."""

    name: str
    args: tuple = ()


def parse(line: str):
    """Parse one line; None for a blank line or a comment."""
    words = split(line)
    if not words:
        return None
    head = words[0]
    if head == "curl":
        return _parse_curl(words)
    if head.lower() in META_WORDS:
        return Meta(head.lower(), tuple(words[1:]))
    return parse_request(words)


def split(line: str) -> list:
    """Shell-split a line, `#` comments dropped; a bad quote is a UsageError."""
    stripped = strip_comment(line).strip()
    if not stripped:
        return []
    try:
        return shlex.split(stripped)
    except ValueError as err:
        raise UsageError(f"cannot split the line: {err} (close the quote, or escape it with \\)") from None


def strip_comment(line: str) -> str:
    """Drop a `#` comment the way a shell does: only a `#` that starts a word, outside quotes."""
    quote = None
    escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


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
    target, rest = words[0], words[1:]
    if not (target.startswith("/") or target.isidentifier()):
        raise UsageError(f"`{target}` is neither a path (starting with /) nor an operationId")
    return RequestLine(method, target, tuple(parse_item(w) for w in rest), force)


def parse_item(word: str) -> Item:
    """One httpie-style item; the earliest separator wins, the longer one on a tie."""
    if word.startswith("@"):
        if len(word) == 1:
            raise UsageError("`@` needs a file name: `@context.tar`")
        return Item("file", "", word[1:])
    best = None
    for sep, kind in _SEPARATORS:
        at = word.find(sep)
        if at > 0 and (best is None or at < best[0]):
            best = (at, sep, kind)
    if best is None:
        raise UsageError(
            f"`{word}` is not an item: use name==value (query), Name:value (header), "
            "field=value or field:=json (body), @file (raw body)"
        )
    at, sep, kind = best
    return Item(kind, word[:at], word[at + len(sep):])
