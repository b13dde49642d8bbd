"""Syntax highlighting of the line being typed: method, path, parameter values, items, variables."""
from __future__ import annotations

from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.lexers import Lexer

from explorer.lang import words
from explorer.lang.commands import METHODS, separator
from explorer.lang.slots import REFERENCE
from explorer.repl.completer import SUGGEST_CHARS

_STYLE = {"query": "query", "header": "header", "field": "field", "json": "field"}  # by separator kind


class RequestLexer(Lexer):
    """Colours the command language; `view` returns the current SpecView (or None)."""

    def __init__(self, view, meta_words) -> None:
        self._view = view
        self._meta_words = meta_words

    def lex_document(self, document):
        if len(document.text) > SUGGEST_CHARS:  # a pasted megabyte: plain, not seconds a keystroke
            return lambda i: [("", document.lines[i])] if i < len(document.lines) else []
        try:
            lines = list(split_lines(fragments(document.text, self._view(), self._meta_words)))
        except Exception:  # highlighting must never break the prompt: show the text plain
            lines = [[("", line)] for line in document.lines]
        return lambda i: lines[i] if i < len(lines) else []


def fragments(text: str, view, meta_words=()) -> list:
    """(style, text) pieces covering all of `text`."""
    found = words.scan(text)
    out, pos, role = [], 0, "first"
    for word in found.words:
        out.append(("", text[pos:word.start]))
        styled, role = _word(word.raw, role, view, meta_words)
        out += styled
        pos = word.end
    if found.comment is not None:
        out += [("", text[pos:found.comment]), ("class:comment", text[found.comment:])]
        pos = len(text)
    out.append(("", text[pos:]))
    return [(style, piece) for frag in out for style, piece in _variables(frag) if piece]


def _word(word: str, role: str, view, meta_words) -> tuple:
    """The styled pieces of one word, and the role of the next word."""
    if role == "first":
        if word.lower() in meta_words or word == "curl":
            return [("class:meta", word)], "meta-args" if word != "curl" else "first"
        if word.startswith("!") and len(word) > 1:
            rest, role = _word(word[1:], "first", view, meta_words)
            return [("class:force", "!")] + rest, role
        if word.upper() in METHODS:
            return [("class:method", word)], "target"
        role = "target"
    if role == "target":
        if word.startswith("/"):
            return _path(word, view), "item"
        return [("class:operation", word)], "item"
    if role == "item":
        return _item(word), "item"
    return [("class:argument", word)], role


def _path(word: str, view) -> list:
    """The path, with the segments that fill a template's parameters set apart."""
    path, mark, query = word.partition("?")
    params = _param_values(view, path)
    out = []
    for i, seg in enumerate(path.split("/")):
        if i:
            out.append(("class:path", "/"))
        out.append(("class:path.value" if seg and seg in params else "class:path", seg))
    if mark:
        out += [("class:separator", "?"), ("class:query", query)]
    return out


def _param_values(view, path: str) -> set:
    if view is None or "'" in path or '"' in path:
        return set()
    try:
        matches = view.index.match(path)
    except Exception:
        return set()
    return set(matches[0][1].values()) if matches else set()


def _item(word: str) -> list:
    if word.startswith(("@", ":=")):  # a raw body: @file, or a bare `:=JSON`
        mark = word[:1] if word[0] == "@" else ":="
        return [("class:separator", mark), ("class:value", word[len(mark):])]
    sep = separator(word)
    if sep is None:
        return [("class:field" if "[" in word else "class:argument", word)]
    at, mark, kind = sep
    return [(f"class:{_STYLE[kind]}", word[:at]), ("class:separator", mark), ("class:value", word[at + len(mark):])]


def _variables(frag: tuple) -> list:
    """Split a fragment so that each {{NAME}} gets the variable style."""
    style, text = frag
    if "{{" not in text:
        return [frag]
    out, pos = [], 0
    for m in REFERENCE.finditer(text):
        out += [(style, text[pos:m.start()]), ("class:variable", m.group())]
        pos = m.end()
    return out + [(style, text[pos:])]
