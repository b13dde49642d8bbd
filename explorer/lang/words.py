"""The one shell-word scanner: a line → words, as a POSIX shell (and bash's $'…') reads them.

Everything that reads words uses it: the parser (`split`), comments and redirects, completion
and highlighting (which run on half-typed lines, so it never raises: an unclosed quote is
reported on the word it leaves open), and redaction. Each word keeps its raw text and offsets
beside its value, so a completion knows what to replace and a highlighter what to colour.

Quoting, as in sh: outside quotes `\\x` is x and `\\` newline joins lines; '…' is literal; in "…"
a backslash escapes only $ ` " \\ and newline; $'…' takes C escapes (\\n, \\t, \\xHH, \\uHHHH,
\\0NNN…), where \\xHH and octal give a byte (one that is not UTF-8 is kept as that byte, the way
Python keeps such bytes: a surrogate escape); $"…" reads as "…". A `#` that starts a word
starts a comment. The first `|` or `>` outside quotes is where a redirect begins.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from explorer.core.errors import UsageError

WHITESPACE = " \t\r\n"  # as shlex: other control characters are part of a word
_IN_DOUBLE_QUOTES = '$`"\\\n'  # what a backslash escapes inside "…"


class Word(NamedTuple):
    """One word: as typed (`raw`, at text[start:end]), its value, and the quote it leaves open."""

    raw: str
    value: str
    open_quote: str = ""  # "'", '"' or "$'" left open, or "\\" for a trailing backslash
    start: int = 0
    end: int = 0


class Scan(NamedTuple):
    """The words of a line, where a `#` comment starts, and its first unquoted `|` or `>`."""

    words: tuple
    comment: int | None = None
    operator: int | None = None


def scan(text: str) -> Scan:
    """Read `text` into words; never raises."""
    words: list = []
    i, n, operator = 0, len(text), None
    while i < n:
        ch = text[i]
        if ch in WHITESPACE:
            i += 1
            continue
        if text.startswith("\\\n", i):  # a line continuation between words
            i += 2
            continue
        if ch == "#":
            return Scan(tuple(words), i, operator)
        word, i, found = _word(text, i)
        if operator is None:
            operator = found
        words.append(word)
    return Scan(tuple(words), None, operator)


def _word(text: str, start: int):
    """(Word starting at `start`, where it ends, the index of its first bare | or > or None)."""
    value, quote, i, n, operator = [], "", start, len(text), None
    while i < n:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                value.append(ch)
            i += 1
        elif quote == '"':
            if ch == '"':
                quote = ""
                i += 1
            elif ch == "\\" and i + 1 < n and text[i + 1] in _IN_DOUBLE_QUOTES:
                if text[i + 1] != "\n":
                    value.append(text[i + 1])
                i += 2
            else:
                value.append(ch)
                i += 1
        elif quote == "$'":
            if ch == "'":
                quote = ""
                i += 1
            elif ch == "\\":
                piece, i = _c_escape(text, i)
                value.append(piece)
            else:
                value.append(ch)
                i += 1
        elif ch in WHITESPACE:
            break
        elif ch == "\\":
            if i + 1 == n:
                return Word(text[start:n], "".join(value), "\\", start, n), n, operator
            if text[i + 1] != "\n":
                value.append(text[i + 1])
            i += 2
        elif ch == "'" or ch == '"':
            quote = ch
            i += 1
        elif ch == "$" and i + 1 < n and text[i + 1] in "'\"":
            quote = "$'" if text[i + 1] == "'" else '"'
            i += 2
        else:
            if operator is None and ch in "|>":
                operator = i
            value.append(ch)
            i += 1
    return Word(text[start:i], "".join(value), quote, start, i), i, operator


_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
           "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def _c_escape(text: str, i: int) -> tuple:
    """The text of the $'…' escape at text[i] (a backslash), and where it ends."""
    if i + 1 >= len(text):
        return "\\", i + 1
    kind = text[i + 1]
    if kind in _SIMPLE:
        return _SIMPLE[kind], i + 2
    if kind in "01234567":
        digits = _run(text, i + 1, "01234567", 3)
        return _byte(int(digits, 8) & 0xFF), i + 1 + len(digits)
    if kind in "xuU":
        digits = _run(text, i + 2, "0123456789abcdefABCDEF", {"x": 2, "u": 4, "U": 8}[kind])
        if not digits:
            return "\\" + kind, i + 2
        code = int(digits, 16)
        if kind == "x":
            piece = _byte(code)
        elif 0xD800 <= code <= 0xDFFF:  # no character: the bytes bash writes (lone_surrogates_as_bytes)
            piece = _bash_bytes(chr(code))
        else:
            piece = chr(code) if code <= 0x10FFFF else "\ufffd"
        return piece, i + 2 + len(digits)
    if kind == "c" and i + 2 < len(text):
        return chr(ord(text[i + 2]) & 0x1F), i + 3
    return "\\" + kind, i + 2  # an unknown escape stays as written, as bash leaves it


def _run(text: str, start: int, allowed: str, limit: int) -> str:
    end = start
    while end < len(text) and end - start < limit and text[end] in allowed:
        end += 1
    return text[start:end]


def _byte(value: int) -> str:
    """A byte as Python text: ASCII as itself, any other byte as its surrogate escape."""
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


# A surrogate that is not the surrogate escape of a byte (U+DC80-U+DCFF): no text, and no byte either.
_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def lone_surrogates_as_bytes(text: str) -> str:
    """`text` with each lone surrogate (`$'\\ud800'`, or pasted) made the bytes bash writes for it.

    bash writes `$'\\ud800'` as ED A0 80 (UTF-8's pattern applied to the code point), which is not
    UTF-8; so do we, each byte kept as its surrogate escape: a path or header then sends those
    bytes, and a JSON string refuses them as it refuses any byte that is not UTF-8.
    """
    if text.isascii() or _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub(lambda m: _bash_bytes(m.group(0)), text)


def _bash_bytes(surrogate: str) -> str:
    return "".join(map(_byte, surrogate.encode("utf-8", "surrogatepass")))


# -- what the rest of the program asks -------------------------------------------------------------

def split(line: str) -> list:
    """The words of a line, `#` comment dropped; an unclosed quote is a UsageError."""
    found = scan(line)
    if found.words and found.words[-1].open_quote:
        left = found.words[-1].open_quote
        what = "a trailing backslash escapes nothing" if left == "\\" else f"no closing {left[-1]}"
        raise UsageError(f"cannot split the line: {what} (close the quote, or escape it with \\)")
    return [w.value for w in found.words]


def strip_comment(line: str) -> str:
    """`line` without its `#` comment (only a `#` that starts a word outside quotes starts one)."""
    if "#" not in line:
        return line
    at = scan(line).comment
    return line if at is None else line[:at]


def before_cursor(text: str) -> tuple:
    """(the words before the one being typed, that word ("" after a space), inside a comment?)."""
    found = scan(text)
    if found.comment is not None:
        return found.words, Word("", "", "", len(text), len(text)), True
    words = found.words
    if words and words[-1].end == len(text):
        return words[:-1], words[-1], False
    return words, Word("", "", "", len(text), len(text)), False
