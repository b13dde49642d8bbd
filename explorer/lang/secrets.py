"""Credentials in lines of the command language, and the one routine that redacts them.

A line is read with the one shell-word scanner (explorer.lang.words), so what is redacted is
what would be sent, however it was quoted. Credentials are the values of credential headers:
an item `X-Registry-Auth:…` (or a body field of that name), and a pasted curl line's
`-H 'X-Registry-Auth: …'`. A value made only of `{{NAME}}` references holds none itself, but
then NAME does: its `set NAME = …` lines are redacted too (`secret_variables` finds the names).
"""
from __future__ import annotations

import shlex

from explorer.core.errors import UsageError
from explorer.lang import variables, words
from explorer.lang.commands import separator
from explorer.lang.slots import REFERENCE

SECRET_HEADERS = frozenset({"x-registry-auth", "x-registry-config"})
REDACTED = "<redacted>"


def redact_value(name: str, value: str) -> str:
    """The value to show for header `name`: a credential becomes <redacted>."""
    return REDACTED if value and name.strip().lower() in SECRET_HEADERS else value


def redact_line(line: str, secret_names=frozenset()) -> str:
    """`line` with credential values (and `set` values of `secret_names`) as <redacted>.

    Only the words that change are written again (quoted); the rest of the line stays as typed.
    """
    found = words.scan(line)
    if not found.words:
        return line
    if secret_names and found.words[0].value == "set":
        return _redacted_set(line, found.words, secret_names)
    edits, before = [], ""
    for word in found.words:
        redacted = _redacted_word(word.value, before)
        if redacted is not None:
            edits.append((word.start, word.end, shlex.quote(redacted)))
        before = word.value
    for start, end, text in reversed(edits):
        line = line[:start] + text + line[end:]
    return line


def secret_variables(lines) -> set:
    """Names of the variables that fill a credential somewhere in `lines`."""
    names: set = set()
    for line in lines:
        before = ""
        for word in words.scan(line).words:
            value = _credential(word.value, before)
            if value is not None:
                names.update(m.group(1) for m in REFERENCE.finditer(value) if not m.group(1).startswith("env."))
            before = word.value
    return names


def _credential(word: str, before: str):
    """The credential value a word carries (possibly only references), or None."""
    found = _split(word, before)
    return found[2] if found is not None else None


def _split(word: str, before: str):
    """(what comes before the value, the header name, the value) of a credential word, or None."""
    if before in ("-H", "--header"):
        head, text = "", word
    elif word.startswith("-H") and len(word) > 2:
        head, text = "-H", word[2:]
    elif word.startswith("--header="):
        head, text = "--header=", word[len("--header="):]
    else:
        sep = separator(word)
        if sep is None:
            return None
        at, mark, _ = sep
        name = word[:at]
        return (name + mark, name, word[at + len(mark):]) if name.strip().lower() in SECRET_HEADERS else None
    name, colon, value = text.partition(":")
    if not colon or name.strip().lower() not in SECRET_HEADERS:
        return None
    return head + name + ":", name, value


def _redacted_word(word: str, before: str):
    """The word with its credential as <redacted>, or None when it has none to hide."""
    found = _split(word, before)
    if found is None:
        return None
    head, _, value = found
    if not value.strip() or not REFERENCE.sub("", value).strip():
        return None  # empty, or only {{NAME}} references: no secret in the text itself
    return head + value[:len(value) - len(value.lstrip())] + REDACTED


def _redacted_set(line: str, found: tuple, secret_names) -> str:
    try:
        name, rest = variables.split_assignment([w.value for w in found[1:]])
    except UsageError:  # not an assignment: nothing to redact
        return line
    if name in secret_names and not variables.is_capture(rest):
        return f"set {name} = {shlex.quote(REDACTED)}"
    return line
