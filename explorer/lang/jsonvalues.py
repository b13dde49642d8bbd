"""JSON values as json.loads (or a spec's YAML) hands them over: their kind, equality, and bounds.

One rule for the whole program: `expect .X == 1` and a body checked against a spec's `enum`
both ask the same question. Python's == answers it wrongly in one place: True == 1 and
False == 0, while JSON's true is not 1. Numbers compare by value (1 is 1.0), as JSON Schema's
`enum` and `const` do. The bounds are the JSON Schema keywords that limit a single value.
"""
from __future__ import annotations

import re
from typing import TypeGuard

KINDS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def kind(value: object) -> str:
    """The JSON type name of `value`, the narrowest first (1 is an integer, 1.5 a number)."""
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if KINDS[name](value):
            return name
    return type(value).__name__


def same(a: object, b: object) -> bool:
    """JSON equality: true is not 1, 1 is 1.0, arrays and objects compare member by member.

    A loop over pairs rather than recursion: a response may nest deeper than Python's stack.
    """
    pairs = [(a, b)]
    while pairs:
        a, b = pairs.pop()
        if isinstance(a, bool) or isinstance(b, bool):
            if a is not b:  # True is never 1
                return False
        elif isinstance(a, list):
            if not (isinstance(b, list) and len(a) == len(b)):
                return False
            pairs.extend(zip(a, b, strict=True))
        elif isinstance(a, dict):
            if not (isinstance(b, dict) and a.keys() == b.keys()):
                return False
            pairs.extend((a[k], b[k]) for k in a)
        elif a != b:  # numbers, strings, null; a scalar never equals an array or an object
            return False
    return True


# -- bounds: minimum/maximum and the exclusive ones, min/maxItems, min/maxLength, pattern ---------

def unmet_bound(schema: dict, value: object) -> str:
    """What `schema` wants instead when `value` breaks one of its bounds ("at most 100"), or ""."""
    if isinstance(value, bool):
        return ""  # a bound only ever applies to numbers, strings and arrays
    if isinstance(value, (int, float)):
        return _number_bound(schema, value)
    if isinstance(value, str):
        return _count_bound(schema, len(value), "Length", "character") or _pattern_bound(schema, value)
    if isinstance(value, list):
        return _count_bound(schema, len(value), "Items", "item")
    return ""


def _number_bound(schema: dict, value: float) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    strict_low, strict_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    # Swagger 2.0 and OpenAPI 3.0: exclusive… is a boolean making minimum/maximum strict;
    # OpenAPI 3.1 (JSON Schema 2020-12): exclusive… is itself the strict bound.
    if _is_number(low) and (value < low or (strict_low is True and value == low)):
        return f"more than {low}" if strict_low is True else f"at least {low}"
    if _is_number(high) and (value > high or (strict_high is True and value == high)):
        return f"less than {high}" if strict_high is True else f"at most {high}"
    if _is_number(strict_low) and value <= strict_low:
        return f"more than {strict_low}"
    if _is_number(strict_high) and value >= strict_high:
        return f"less than {strict_high}"
    return ""


def _count_bound(schema: dict, count: int, keyword: str, unit: str) -> str:
    low, high = schema.get("min" + keyword), schema.get("max" + keyword)
    if _is_number(low) and count < low:
        return f"at least {low} {unit}" + "s" * (low != 1)
    if _is_number(high) and count > high:
        return f"at most {high} {unit}" + "s" * (high != 1)
    return ""


def _is_number(bound: object) -> TypeGuard[float]:
    return isinstance(bound, (int, float)) and not isinstance(bound, bool)


def _pattern_bound(schema: dict, value: str) -> str:
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return ""
    rx = spec_pattern(pattern)
    return f"a match for {pattern}" if rx is not None and rx.search(value) is None else ""


_PATTERNS: dict = {}  # a spec pattern → its regex, or None when Python cannot read it as RE2 does


def spec_pattern(pattern: str) -> re.Pattern | None:
    """A spec's `pattern` (Go's RE2, as Docker writes them) as a Python regex, or None to skip it.

    RE2's `$` is the end of the text, Python's also matches before a final newline: it becomes
    \\Z. RE2's \\d, \\w, \\s and \\b are ASCII, hence re.ASCII. What Python rejects (\\pL, \\z) or
    only warns about ([[:alpha:]], a POSIX class it would read as a plain set) is skipped.
    """
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = _compile(_end_is_end(pattern))
    return _PATTERNS[pattern]


def _end_is_end(pattern: str) -> str:
    """`pattern` with each `$` outside a set and not escaped written as \\Z."""
    out: list[str] = []
    escaped, set_open = False, -1  # set_open: where the current [...] began, or -1
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif set_open < 0 and ch == "[":
            set_open = len(out)
        elif set_open >= 0 and ch == "]" and "".join(out[set_open + 1:]) not in ("", "^"):
            set_open = -1  # a ] first in a set ([]a] or [^]a]) is a plain character
        elif set_open < 0 and ch == "$":
            ch = r"\Z"
        out.append(ch)
    return "".join(out)


def _compile(pattern: str) -> re.Pattern | None:
    import warnings  # only when a value meets a pattern

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a FutureWarning means Python would read it otherwise
        try:
            return re.compile(pattern, re.ASCII)
        except (re.error, Warning, RecursionError, OverflowError):
            return None
