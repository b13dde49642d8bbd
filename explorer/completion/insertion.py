"""What Tab inserts at once: the only candidate, or the longest start all candidates share.

As bash, zsh and IPython do: `Attac<Tab>` becomes `Attach` (AttachStdin, AttachStdout and
AttachStderr all start so) and the menu shows the rest; nothing is inserted that some candidate
does not start with. A hint (explorer.completion.candidates.Candidate) is never inserted, and its
text bounds what the others may insert: `{id}` stands for any name, so beside `json` nothing is.
Pure: the REPL's Tab key (explorer.repl.completer) applies the result.
"""
from __future__ import annotations

import os
from typing import NamedTuple


class Insertion(NamedTuple):
    """Replace the `-start` characters before the cursor with `text`; `whole`: it is the only candidate."""

    text: str
    start: int
    whole: bool


def aligned(text: str, cands: list) -> tuple:
    """(start, texts): every candidate rewritten to replace the same characters before the cursor,
    the earliest any of them replaces, so that their texts can be compared."""
    start = min(c.start for c in cands)
    end = len(text)
    return start, [text[end + start:end + c.start] + c.text for c in cands]


def insertion(text: str, cands: list) -> Insertion | None:
    """What Tab inserts for the cursor at the end of `text`, or None (nothing: show the menu)."""
    if not cands:
        return None
    if len(cands) == 1 and not cands[0].hint:
        only = cands[0]
        replaced = text[len(text) + only.start:]
        return Insertion(only.text, only.start, True) if only.text != replaced else None
    start, texts = aligned(text, cands)
    typed = text[len(text) + start:]
    common = os.path.commonprefix(texts)
    # only what lengthens the typed text (its letter case may follow the candidates: `containerl`
    # gives `ContainerL…` only once something is added)
    if len(common) > len(typed) and common.lower().startswith(typed.lower()):
        return Insertion(common, start, False)
    return None
