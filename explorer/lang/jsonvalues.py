"""JSON values as json.loads (or a spec's YAML) hands them over, compared the way JSON means them.

One rule for the whole program: `expect .X == 1` and a body checked against a spec's `enum`
both ask the same question. Python's == answers it wrongly in one place: True == 1 and
False == 0, while JSON's true is not 1. Numbers compare by value (1 is 1.0), as JSON Schema's
`enum` and `const` do.
"""
from __future__ import annotations


def same(a: object, b: object) -> bool:
    """JSON equality: true is not 1, 1 is 1.0, arrays and objects compare member by member."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b  # both booleans and equal; True is never 1
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b  # numbers, strings, null; a scalar never equals an array or an object
