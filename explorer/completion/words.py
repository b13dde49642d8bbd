"""A forgiving shell-word scanner for half-typed lines: open quotes and stray backslashes are fine.

`commands.split` (shlex) rejects an unclosed quote, but completion and highlighting run on every
keystroke, when the line is unfinished by nature. This scanner never raises; it keeps each word's
raw text (what is on screen, so a completion knows how much to replace) beside its unquoted value.
"""
from __future__ import annotations

from dataclasses import dataclass

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


@dataclass(frozen=True)
class Word:
    """One word of the line: as typed (`raw`), unquoted (`value`), and the quote left open, if any."""

    raw: str
    value: str
    open_quote: str = ""


@dataclass(frozen=True)
class Scan:
    """The words before the cursor; `current` is the word being typed ("" after a space)."""

    done: tuple  # of Word: complete words before the current one
    current: Word
    comment: bool = False  # the cursor is inside a `#` comment


def spans(text: str) -> list:
    """(start, end, "word" | "comment") of each word and of a trailing `#` comment, in order."""
    out: list = []
    start, quote, escaped = None, "", False
    for i, ch in enumerate(text):
        if start is None:
            if ch.isspace():
                continue
            if ch == "#":
                out.append((i, len(text), "comment"))
                return out
            start = i
        if escaped:
            escaped = False
        elif quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                escaped = True
        elif ch == "\\":
            escaped = True
        elif ch in "'\"":
            quote = ch
        elif ch.isspace():
            out.append((start, i, "word"))
            start = None
    if start is not None:
        out.append((start, len(text), "word"))
    return out


def unquote(raw: str) -> Word:
    """The word's value with quotes and escapes removed, and the quote it leaves open."""
    value, quote, escaped = [], "", False
    for ch in raw:
        if escaped:
            value.append(ch)
            escaped = False
        elif quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                escaped = True
            else:
                value.append(ch)
        elif ch == "\\":
            escaped = True
        elif ch in "'\"":
            quote = ch
        else:
            value.append(ch)
    return Word(raw, "".join(value), quote)


def scan(text: str) -> Scan:
    """Split `text` (the line before the cursor) into words the way a POSIX shell would."""
    text = text.replace("\\\n", "  ")  # a trailing backslash continues the line
    found = spans(text)
    if found and found[-1][2] == "comment":
        return Scan(tuple(unquote(text[s:e]) for s, e, _ in found[:-1]), Word("", ""), comment=True)
    words = [unquote(text[s:e]) for s, e, _ in found]
    if words and found[-1][1] == len(text):
        return Scan(tuple(words[:-1]), words[-1])
    return Scan(tuple(words), Word("", ""))


def item_separator(text: str):
    """(position, separator) of an item's earliest separator, `==` over `=` and `:=` over `:`; or None."""
    best = None
    for mark in ("==", ":=", "=", ":"):
        at = text.find(mark)
        if at > 0 and (best is None or at < best[0]):
            best = (at, mark)
    return best
