"""Assertions: parsing `expect …`, what each comparison means, and the failure message."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.errors import UsageError
from explorer.lang import expect, variables
from explorer.lang.expect import Expectation
from tests.canned_transport import answer, canned_session


@pytest.mark.parametrize("args, parsed", [
    (("status", "201"), Expectation(("status",), "==", "201")),
    (("status", "!=", "404"), Expectation(("status",), "!=", "404")),
    (("status", "<", "300"), Expectation(("status",), "<", "300")),
    ((".State.Running", "==", "true"), Expectation((".State.Running",), "==", "true")),
    ((".Names", "contains", "/web"), Expectation((".Names",), "contains", "/web")),
    ((".Id", "matches", "^[0-9a-f]{64}$"), Expectation((".Id",), "matches", "^[0-9a-f]{64}$")),
    ((".Warnings", "exists"), Expectation((".Warnings",), "exists")),
    (("header", "Content-Type", "contains", "json"), Expectation(("header", "Content-Type"), "contains", "json")),
    (("header", "Api-Version", "exists"), Expectation(("header", "Api-Version"), "exists")),
    ((".Name", "==", "two", "words"), Expectation((".Name",), "==", "two words")),
])
def test_parse(args, parsed):
    assert expect.parse(args) == parsed


@pytest.mark.parametrize("args, needle", [
    ((), "expect what?"),
    (("Running", "==", "true"), "expect status, .Json.Path or header NAME"),
    ((".Id",), "needs `OP VALUE`"),
    ((".Id", "=", "x"), "needs `OP VALUE`"),
    ((".Id", "=="), "needs `OP VALUE`"),
    (("header",), "which header"),
    ((".Names[", "exists"), "not a JSON path"),
])
def test_parse_errors(args, needle):
    with pytest.raises(UsageError, match=needle):
        expect.parse(args)


@pytest.mark.parametrize("actual, op, word, passed", [
    ("/web", "==", "/web", True),
    ("true", "==", "true", True),  # a string equals the word as typed
    (True, "==", "true", True),
    (True, "==", "1", False),  # true is not 1
    (1, "==", "true", False),
    (0, "==", "false", False),
    (201, "==", "201", True),
    (1, "==", "1.0", True),
    (None, "==", "null", True),
    (["/web"], "==", '["/web"]', True),
    ({"a": 1}, "==", '{"a":1}', True),
    ({"a": 1}, "==", '{"a":1.0}', True),
    ([True], "==", "[1]", False),  # the same rule at any depth
    ({"a": [0]}, "==", '{"a":[false]}', False),
    (None, "==", "0", False),
    ([1], "contains", "true", False),
    ([True], "contains", "1", False),
    ("x", "!=", "y", True),
    (404, "!=", "404", False),
    (["/web", "/db"], "contains", "/web", True),
    (["/web"], "contains", "/we", False),  # a list holds elements, not substrings
    ([1, 2], "contains", "2", True),
    ("application/json", "contains", "json", True),
    ({"Running": True}, "contains", "Running", True),  # an object contains its keys
    ({"Running": True}, "contains", "true", False),
    (12345, "contains", "234", True),
    ("a" * 64, "matches", "^[a-f]{64}$", True),
    ("abc", "matches", "^b", False),
    (["x"], "matches", r'\["x"\]', True),  # non-strings are matched as compact JSON
    (3, "<", "5", True),
    (3, ">", "5", False),
    ("7", ">", "5", True),
    (5, "<=", "5", True),
    (5, ">=", "6", False),
    ("abc", "<", "5", False),
    (True, "<", "5", False),
    (None, "exists", "", True),
])
def test_check(actual, op, word, passed):
    assert expect.check(actual, op, word) is passed


def test_a_bad_regex_is_a_usage_error():
    with pytest.raises(UsageError, match="not a regular expression"):
        expect.check("x", "matches", "(")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


@given(json_values)
def test_every_value_equals_what_set_would_store(value):
    """`set x = .Path` then `expect .Path == {{x}}` always passes."""
    assert expect.check(value, "==", variables.as_text(value))
    assert not expect.check(value, "!=", variables.as_text(value))


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_compare_as_numbers(a, b):
    assert expect.check(a, "<", repr(b)) is (a < b) or math.isclose(a, b)


@pytest.mark.parametrize("exp, text", [
    (Expectation(("status",), "==", "201"), "status == 201"),
    (Expectation((".Warnings",), "exists"), ".Warnings exists"),
    (Expectation(("header", "Content-Type"), "contains", "json"), "header Content-Type contains json"),
    (Expectation((".Name",), "==", "two words"), '.Name == "two words"'),
    (Expectation((".Name",), "==", ""), '.Name == ""'),
])
def test_describe(exp, text):
    assert exp.describe() == text


def run(session, *lines):
    return [session.execute(line) for line in lines]


def test_a_failure_names_the_script_line_and_the_actual_value(spec_v141):
    session, _, _, err = canned_session(spec_v141, [answer(200, {"State": {"Running": False}})])
    session.script_stack.append("deploy.ee:7")
    ok, failed, missing = run(session, "GET /containers/web/json", "expect .State.Running == true",
                              "expect .State.Pid exists")
    assert ok.ok and failed.exit_code == 1 and missing.exit_code == 1
    assert err.getvalue().decode().splitlines() == [
        "deploy.ee:7: expected .State.Running == true, got false",
        "deploy.ee:7: expected .State.Pid exists, got nothing",
    ]


def test_in_the_repl_a_pass_is_noted_and_a_failure_has_no_location(spec_v141):
    session, _, out, err = canned_session(spec_v141, [answer(201, {"Id": "a" * 64, "Warnings": []})],
                                          interactive=True)
    outcomes = run(session, "POST /containers/create Image=x", "expect status 201",
                   "expect .Id matches '^[0-9a-f]{64}$'", "expect .Warnings exists",
                   "expect header Content-Type contains json", "expect status 200")
    assert [o.exit_code for o in outcomes] == [0, 0, 0, 0, 0, 1]
    assert b"ok: status == 201" in out.getvalue()
    assert err.getvalue() == b"expected status == 200, got 201\n"


def test_long_values_are_cut_in_the_message(spec_v141):
    session, _, _, err = canned_session(spec_v141, [answer(200, {"Log": "x" * 500})])
    run(session, "GET /containers/web/json", "expect .Log == short")
    message = err.getvalue().decode()
    assert message.endswith("got " + "x" * expect.SHOWN + "...\n")


def test_expect_before_any_response_is_a_usage_error(spec_v141):
    session, _, _, err = canned_session(spec_v141)
    assert session.execute("expect status 200").exit_code == 2
    assert b"no response yet" in err.getvalue()


def test_is_status_check():
    assert expect.is_status_check("expect status 404")
    assert expect.is_status_check("  expect  status >= 400")
    assert not expect.is_status_check("expect .Status == 1")
    assert not expect.is_status_check("GET /status")
