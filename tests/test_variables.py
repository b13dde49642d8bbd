"""Variables: JSON paths, captures, set/unset/vars (tests/test_slots.py: where values go)."""
from __future__ import annotations

import pytest

from explorer.core.errors import UsageError
from explorer.lang import variables
from explorer.lang.variables import MISSING
from tests.canned_transport import answer, canned_session

HOSTILE = """it's "q" $HOME `id` $(id) \\ ; & | > < * ? ~ # ! {{x}}"""


# -- paths ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, steps", [
    (".", ()),
    (".Id", ("Id",)),
    (".State.Running", ("State", "Running")),
    (".Names[0]", ("Names", 0)),
    (".[0].Names[-1]", (0, "Names", -1)),
    ('.Labels["com.example.x"]', ("Labels", "com.example.x")),
    (".NetworkSettings.Networks.bridge.IPAddress", ("NetworkSettings", "Networks", "bridge", "IPAddress")),
])
def test_parse_path(text, steps):
    assert variables.parse_path(text) == steps


@pytest.mark.parametrize("text", ["Id", ".Names[", ".a..b", ".a[x]", ".a b"])
def test_bad_paths_say_how_to_write_one(text):
    with pytest.raises(UsageError, match="JSON path"):
        variables.parse_path(text)


DOC = {"Id": "abc", "Names": ["/web", "/alias"], "State": {"Running": True, "Error": None}, "Count": 0}


@pytest.mark.parametrize("path, value", [
    (".Id", "abc"),
    (".Names[0]", "/web"),
    (".Names[-1]", "/alias"),
    (".State.Running", True),
    (".State.Error", None),  # null is a value, not missing
    (".Count", 0),
    (".Names[2]", MISSING),
    (".Nope", MISSING),
    (".Id.deeper", MISSING),
    (".Names.first", MISSING),
    (".State[0]", MISSING),
])
def test_extract(path, value):
    assert variables.extract(DOC, variables.parse_path(path)) == value


@pytest.mark.parametrize("value, text", [
    ("abc", "abc"), (True, "true"), (None, "null"), (12, "12"), (1.5, "1.5"),
    (["/a", 1], '["/a",1]'), ({"k": "ü"}, '{"k":"ü"}'),
])
def test_as_text(value, text):
    assert variables.as_text(value) == text


# -- the commands ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, name, rest", [
    (("cid", "=", "abc"), "cid", ["abc"]),
    (("cid=abc",), "cid", ["abc"]),
    (("cid=", ".Id"), "cid", [".Id"]),
    (("msg", "=", "hello", "world"), "msg", ["hello", "world"]),
    (("e", "=", ""), "e", [""]),
])
def test_split_assignment(args, name, rest):
    assert variables.split_assignment(args) == (name, rest)


@pytest.mark.parametrize("args, needle", [
    ((), "set NAME = VALUE"),
    (("cid",), "set NAME = VALUE"),
    (("cid", "="), "give a value"),
    (("1x", "=", "a"), "not a variable name"),
    (("a-b", "=", "a"), "not a variable name"),
])
def test_bad_assignments(args, needle):
    with pytest.raises(UsageError, match=needle):
        variables.split_assignment(args)


def test_set_from_the_last_response(spec_v141):
    body = {"Id": "f00d", "Names": ["/web"], "State": {"Running": True}}
    session, _, _, err = canned_session(spec_v141, [answer(200, body, headers=(
        ("Content-Type", "application/json"), ("Api-Version", "1.41"), ("X-Thing", "t1")))])
    lines = ["GET /containers/web/json", "set cid = .Id", "set name = .Names[0]", "set running = .State.Running",
             "set code = status", "set thing = header x-thing", "set lit = hello world", "set quoted = '.Id'"]
    for line in lines:
        assert session.execute(line).ok, err.getvalue()
    # quotes go before `set` sees a word
    assert session.variables == {"cid": "f00d", "name": "/web", "running": "true", "code": "200",
                                 "thing": "t1", "lit": "hello world", "quoted": "f00d"}


def test_set_errors_are_one_line_and_set_nothing(spec_v141):
    session, _, _, err = canned_session(spec_v141, [answer(200, {"Id": "x"})])
    assert session.execute("set cid = .Id").exit_code == 2
    assert b"no response yet" in err.getvalue()
    session.execute("GET /_ping")
    assert session.execute("set cid = .Missing").exit_code == 2
    assert b"set cid: the last response has no .Missing" in err.getvalue()
    assert session.execute("set cid = header Nope").exit_code == 2
    assert session.variables == {}


def test_a_non_json_body_is_explained(spec_v141):
    session, _, _, err = canned_session(spec_v141, [answer(200, b"OK", headers=(("Content-Type", "text/plain"),))])
    session.execute("GET /_ping")
    assert session.execute("set x = .Id").exit_code == 2
    assert b"not JSON (text/plain)" in err.getvalue()


def test_unset_and_vars(spec_v141):
    session, _, out, err = canned_session(spec_v141)
    assert session.execute("vars").ok
    assert b"no variables" in out.getvalue()
    session.execute("set a = 1")
    session.execute("set b = two words")
    out.truncate(0), out.seek(0)
    session.execute("vars")
    assert out.getvalue() == b"a = 1\nb = two words\n"
    assert session.execute("unset a").ok
    assert session.variables == {"b": "two words"}
    assert session.execute("unset a").exit_code == 2
    assert b"unknown variable a" in err.getvalue()
    assert session.execute("GET /containers/{{a}}/json").exit_code == 2


def test_a_dry_run_capture_leaves_a_placeholder(spec_v141):
    session, fake, _, _ = canned_session(spec_v141)
    session.dry_run = True
    assert session.execute("set cid = .Id").ok
    assert session.variables["cid"] == "$cid"
    assert fake.sent == []
