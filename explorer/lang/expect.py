"""`expect …`: parse an assertion about the last response and check it."""
from __future__ import annotations

import json
import re
from typing import NamedTuple

from explorer.core import jsontext
from explorer.core.errors import UsageError
from explorer.lang import variables
from explorer.lang.jsonvalues import same

COMPARISONS = ("==", "!=", "<", ">", "<=", ">=", "contains", "matches")
SHOWN = 200  # characters of the actual value a failure message shows


class Expectation(NamedTuple):
    """`SUBJECT OP WORD` or `SUBJECT exists`; the subject is words such as ("header", "Content-Type")."""

    subject: tuple
    op: str
    word: str = ""

    def describe(self) -> str:
        """How failure messages name it: `.State.Running == true`."""
        subject = " ".join(self.subject)
        if self.op == "exists":
            return f"{subject} exists"
        word = self.word if self.word and not re.search(r"\s", self.word) else json.dumps(self.word)
        return f"{subject} {self.op} {word}"


def parse(args) -> Expectation:
    """`status 201`, `.Path OP WORD`, `header Name OP WORD`, `… exists`."""
    words = list(args)
    if not words:
        raise UsageError("expect what? e.g. `expect status 201` or `expect .State.Running == true`")
    size = _subject_size(words)
    subject, rest = tuple(words[:size]), words[size:]
    if rest == ["exists"]:
        return Expectation(subject, "exists")
    if rest and rest[0] in COMPARISONS and len(rest) >= 2:
        return Expectation(subject, rest[0], " ".join(rest[1:]))
    if subject == ("status",) and len(rest) == 1:
        return Expectation(subject, "==", rest[0])
    raise UsageError(f"expect {' '.join(subject)} … needs `OP VALUE` (OP: {', '.join(COMPARISONS)}) "
                     "or `exists`")


def _subject_size(words: list) -> int:
    head = words[0]
    if head == "status" or head.startswith("."):
        if head.startswith("."):
            variables.parse_path(head)  # a bad path is reported here, before any request
        return 1
    if head == "header":
        if len(words) < 2:
            raise UsageError("expect header NAME …: which header?")
        return 2
    raise UsageError(f"expect `{head}`? expect status, .Json.Path or header NAME")


def evaluate(exp: Expectation, response) -> tuple:
    """(passed, the actual value as shown in a failure message)."""
    _, actual, _ = variables.read_source(list(exp.subject), response)
    if actual is variables.MISSING:
        return False, "nothing"
    return check(actual, exp.op, exp.word), shown(actual)


def shown(value) -> str:
    """The actual value for a message: text as is, the rest as JSON, cut at SHOWN characters."""
    text = variables.as_text(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "..."


def check(actual, op: str, word: str) -> bool:
    """Does `actual` (a JSON value, or a header/body string) satisfy `op word`?"""
    if op == "exists":
        return True
    if op in ("==", "!="):
        return equal(actual, word) == (op == "==")
    if op in ("<", ">", "<=", ">="):
        return _compare(actual, op, word)
    if op == "contains":
        if isinstance(actual, list):
            return any(equal(item, word) for item in actual)
        if isinstance(actual, dict):
            return word in actual
        return word in variables.as_text(actual)
    if op == "matches":
        try:
            return re.search(word, variables.as_text(actual)) is not None
        except re.error as err:
            raise UsageError(f"`{word}` is not a regular expression: {err}") from None
    raise UsageError(f"unknown comparison {op}")


def equal(actual, word: str) -> bool:
    """A string equals the word as typed; anything else equals the word read as JSON."""
    if isinstance(actual, str):
        return actual == word
    try:
        wanted = jsontext.loads(word)
    except ValueError:
        return False
    return same(actual, wanted)


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _compare(actual, op: str, word: str) -> bool:
    left, right = _number(actual), _number(word)
    if left is None or right is None:
        return False
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def is_status_check(text: str) -> bool:
    """True when a script line is `expect status …` (it may cover the error response before it)."""
    words = text.split(None, 2)
    return len(words) >= 2 and words[0] == "expect" and words[1] == "status"
