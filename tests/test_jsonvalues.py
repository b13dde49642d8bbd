"""jsonvalues.same: JSON equality, the one rule behind `expect … ==` and a spec's `enum`."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft6Validator

from explorer.lang.jsonvalues import same

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
