"""jsonvalues.same: JSON equality, the one rule behind `expect … ==` and a spec's `enum`."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft6Validator

from explorer.lang.jsonvalues import same, spec_pattern, unmet_bound

CASES = [
    # booleans are not numbers, in either order and at any depth
    (True, 1, False),
    (1, True, False),
    (False, 0, False),
    (0, False, False),
    (True, 1.0, False),
    (True, True, True),
    (False, False, True),
    (True, False, False),
    ([True], [1], False),
    ({"a": 0}, {"a": False}, False),
    ([[{"x": [True]}]], [[{"x": [1]}]], False),
    ([[{"x": [True]}]], [[{"x": [True]}]], True),
    # numbers compare by value
    (1, 1.0, True),
    (1.0, 1, True),
    (0, -0.0, True),
    (1, 1.5, False),
    ([1, {"n": 2}], [1.0, {"n": 2.0}], True),
    (2**53 + 1, float(2**53), False),  # exact, as JSON Schema's equality is: no rounding through float
    # null is only null
    (None, None, True),
    (None, 0, False),
    (None, False, False),
    (None, "", False),
    (None, [], False),
    (None, {}, False),
    ({"a": None}, {"a": None}, True),
    ({"a": None}, {}, False),
    # strings are not the numbers or booleans they spell
    ("1", 1, False),
    ("true", True, False),
    ("", "", True),
    # arrays: order and length count; objects: keys count, their order does not
    ([1, 2], [2, 1], False),
    ([1], [1, 1], False),
    ([], [], True),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    ({}, {}, True),
    # an array is never an object, nor a scalar
    ([], {}, False),
    ({}, [], False),
    ([1], 1, False),
    (1, [1], False),
    ("a", ["a"], False),
    ({"a": 1}, "a", False),
]


@pytest.mark.parametrize("a, b, equal", CASES)
def test_same(a, b, equal):
    assert same(a, b) is equal
    assert same(b, a) is equal


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=10)


@given(json_values)
def test_a_value_is_the_same_after_a_json_round_trip(value):
    assert same(value, json.loads(json.dumps(value)))


@given(json_values, json_values)
def test_same_is_json_schemas_const(a, b):
    """jsonschema's `const` (draft 6) is JSON Schema's equality, written by someone else: we agree."""
    assert same(a, b) is Draft6Validator({"const": b}).is_valid(a)


@given(json_values)
def test_same_is_json_schemas_const_on_near_copies(value):
    """Random pairs are rarely equal; a value and its near copies (bools and floats swapped in) probe the rule."""
    for other in (value, _numbers_as_floats(value), _bools_as_ints(value)):
        assert same(value, other) is Draft6Validator({"const": other}).is_valid(value)


def _numbers_as_floats(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) < 2**53:
        return float(value)
    if isinstance(value, list):
        return [_numbers_as_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers_as_floats(v) for k, v in value.items()}
    return value


def _bools_as_ints(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return [_bools_as_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _bools_as_ints(v) for k, v in value.items()}
    return value


# -- bounds --------------------------------------------------------------------------------------

@pytest.mark.parametrize("schema, value, wants", [
    ({"minimum": 0, "maximum": 100}, 100, ""),
    ({"minimum": 0, "maximum": 100}, 0, ""),
    ({"minimum": 0, "maximum": 100}, 101, "at most 100"),
    ({"minimum": 0, "maximum": 100}, 100.5, "at most 100"),
    ({"minimum": 0, "maximum": 100}, -1, "at least 0"),
    ({"minimum": 0, "maximum": 100}, -0.1, "at least 0"),
    ({"minimum": 0.5}, 0.5, ""),
    # Swagger 2.0 / OpenAPI 3.0: exclusive… is a boolean that makes the bound strict
    ({"minimum": 0, "exclusiveMinimum": True}, 0, "more than 0"),
    ({"minimum": 0, "exclusiveMinimum": True}, 1, ""),
    ({"minimum": 0, "exclusiveMinimum": False}, 0, ""),
    ({"maximum": 5, "exclusiveMaximum": True}, 5, "less than 5"),
    ({"maximum": 5, "exclusiveMaximum": True}, 4.99, ""),
    ({"maximum": 5, "exclusiveMaximum": False}, 5, ""),
    # OpenAPI 3.1 / JSON Schema 2020-12: exclusive… is the strict bound itself
    ({"exclusiveMinimum": 0}, 0, "more than 0"),
    ({"exclusiveMinimum": 0}, 0.001, ""),
    ({"exclusiveMaximum": 5}, 5, "less than 5"),
    ({"exclusiveMaximum": 5}, -100, ""),
    ({"maximum": 10, "exclusiveMaximum": 5}, 7, "less than 5"),
    # bounds apply to their own kind only: a boolean is not a number, a string not an array
    ({"minimum": 5}, True, ""),
    ({"maximum": 0}, True, ""),
    ({"minimum": 5}, "1", ""),
    ({"minItems": 2}, "a", ""),
    ({"minLength": 2}, ["a"], ""),
    ({"minimum": 5}, None, ""),
    ({"minimum": 5}, {"a": 1}, ""),
    ({"minimum": "5"}, 1, ""),  # a malformed bound is no bound
    ({"minimum": True}, 0, ""),
    # arrays
    ({"minItems": 2, "maxItems": 2}, [1, 2], ""),
    ({"minItems": 2, "maxItems": 2}, [1], "at least 2 items"),
    ({"minItems": 2, "maxItems": 2}, [1, 2, 3], "at most 2 items"),
    ({"minItems": 1}, [], "at least 1 item"),
    ({"maxItems": 1}, [1, 2], "at most 1 item"),
    ({"maxItems": 0}, [], ""),
    # strings: characters (code points), not bytes
    ({"minLength": 2, "maxLength": 3}, "ab", ""),
    ({"minLength": 2}, "a", "at least 2 characters"),
    ({"maxLength": 3}, "abcd", "at most 3 characters"),
    ({"maxLength": 1}, "é", ""),
    ({"maxLength": 1}, "🐳", ""),
    # patterns are searched, not matched whole: anchors are the spec's to write
    ({"pattern": "^[0-9a-fA-F]{64}$"}, "a" * 64, ""),
    ({"pattern": "^[0-9a-fA-F]{64}$"}, "g" * 64, "a match for ^[0-9a-fA-F]{64}$"),
    ({"pattern": "b"}, "abc", ""),
    ({"pattern": "^b"}, "abc", "a match for ^b"),
    ({"minLength": 64, "pattern": "^[0-9a-f]+$"}, "xyz", "at least 64 characters"),
])
def test_unmet_bound(schema, value, wants):
    assert unmet_bound(schema, value) == wants


NAME = "^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$"  # ContainerCreate's name==, the one query pattern in the specs


@pytest.mark.parametrize("pattern, text, matches", [
    (NAME, "web", True),
    (NAME, "/web-1.a_b", True),
    (NAME, "w", False),  # Docker wants two characters at least, and so does its pattern
    (NAME, "we b", False),
    (NAME, "-web", False),
    (NAME, "web\n", False),  # RE2's $ is the end of the text; Python's alone would match before the \n
    ("^a$|^b$", "b\n", False),
    (r"^\$$", "$", True),  # an escaped $ is a dollar sign
    ("^[$]+$", "$$", True),  # so is a $ in a set
    ("^[]$]+$", "]$", True),  # a ] first in a set is a plain character
    ("^[^]$]+$", "ab", True),
    ("^[^]$]+$", "a$", False),
    (r"^\d+$", "12", True),
    (r"^\d+$", "١٢", False),  # RE2's \d is ASCII
    (r"^\w+$", "é", False),
])
def test_spec_patterns_are_read_as_go_reads_them(pattern, text, matches):
    rx = spec_pattern(pattern)
    assert rx is not None and (rx.search(text) is not None) is matches


@pytest.mark.parametrize("pattern", [
    "(",  # not a regex at all
    r"^\pL+$",  # RE2's Unicode classes: Python's re has none
    "^[[:alpha:]]+$",  # an RE2 POSIX class: Python would read a plain set, and warns
    r"\Qa.b\E",  # RE2's literal text
])
def test_a_pattern_python_cannot_read_is_skipped_never_a_crash(pattern):
    assert spec_pattern(pattern) is None
    assert unmet_bound({"pattern": pattern}, "anything at all") == ""


@given(st.text(max_size=12), st.text(max_size=6))
def test_any_pattern_is_read_or_skipped(pattern, text):
    assert unmet_bound({"pattern": pattern}, text) in ("", f"a match for {pattern}")
