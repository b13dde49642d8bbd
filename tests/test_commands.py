"""commands.parse: one line → one typed command."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.errors import UsageError
from explorer.lang.commands import (
    CurlPaste,
    CurlPreview,
    Item,
    Meta,
    RequestLine,
    parse,
    parse_item,
    split,
)


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "  # indented comment"])
def test_blank_and_comment_lines_are_nothing(line):
    assert parse(line) is None


@pytest.mark.parametrize("line, method, target", [
    ("GET /version", "GET", "/version"),
    ("get /version", "GET", "/version"),
    ("/version", None, "/version"),
    ("delete /containers/x", "DELETE", "/containers/x"),
    ("ContainerList", None, "ContainerList"),
    ("POST ContainerCreate", "POST", "ContainerCreate"),
    ("GET '/containers/json?all=1'", "GET", "/containers/json?all=1"),
])
def test_request_lines(line, method, target):
    cmd = parse(line)
    assert isinstance(cmd, RequestLine)
    assert (cmd.method, cmd.target) == (method, target)


@pytest.mark.parametrize("word, item", [
    ("all==1", Item("query", "all", "1")),
    ("filters=={\"a\":[\"b=c\"]}", Item("query", "filters", "{\"a\":[\"b=c\"]}")),
    ("X-Registry-Auth:abc", Item("header", "X-Registry-Auth", "abc")),
    ("Content-Type:application/json", Item("header", "Content-Type", "application/json")),
    ("Image=busybox:local", Item("field", "Image", "busybox:local")),
    ("HostConfig[NetworkMode]=none", Item("field", "HostConfig[NetworkMode]", "none")),
    ("Cmd:=[\"a=b\"]", Item("json", "Cmd", "[\"a=b\"]")),
    ("Tty:=true", Item("json", "Tty", "true")),
    ("@ctx.tar", Item("file", "", "ctx.tar")),
    ("Env=A=1", Item("field", "Env", "A=1")),
    ("name==", Item("query", "name", "")),
    ("X-Empty:", Item("header", "X-Empty", "")),
    ("Labels[a:b]=c", Item("field", "Labels[a:b]", "c")),
    ("Labels[x=y]=z", Item("field", "Labels[x=y]", "z")),
    ("[]=x", Item("field", "[]", "x")),  # a top-level array's element
    ("[0][Value][]:=\"host\"", Item("json", "[0][Value][]", "\"host\"")),
    (":=[1,2]", Item("json", "", "[1,2]")),  # a bare := is the whole body
    ("a\\=b=c", Item("field", "a\\=b", "c")),  # a body name keeps its escapes for lang.body
    ("a\\:b:=1", Item("json", "a\\:b", "1")),
    ("x\\=y==1", Item("query", "x=y", "1")),  # query and header names come back unescaped
    ("X-A\\:B:v", Item("header", "X-A:B", "v")),
    ("Image=@img.txt", Item("field", "Image", "@img.txt")),  # the value as typed: a file, read at build
])
def test_items_take_the_earliest_separator(word, item):
    assert parse_item(word) == item


@pytest.mark.parametrize("word", ["plain", "=x", "==x", "@"])
def test_bad_items(word):
    with pytest.raises(UsageError):
        parse_item(word)


def test_comments_only_start_a_word():
    assert split("GET /x a==b#c # trailing") == ["GET", "/x", "a==b#c"]
    assert split("GET /x 'a==#quoted'") == ["GET", "/x", "a==#quoted"]
    assert split("GET /x a==\\#esc") == ["GET", "/x", "a==#esc"]


def test_unclosed_quote_is_a_usage_error():
    with pytest.raises(UsageError, match="close the quote"):
        parse("GET '/x")


def test_curl_preview_and_paste():
    assert parse("curl GET /version") == CurlPreview(RequestLine("GET", "/version"))
    assert isinstance(parse("curl --unix-socket /s http://localhost/version"), CurlPaste)
    assert isinstance(parse("curl http://localhost/v1.41/info"), CurlPaste)
    with pytest.raises(UsageError):
        parse("curl")


def test_meta_commands():
    assert parse("help ContainerList") == Meta("help", ("ContainerList",))
    assert parse("EXIT") == Meta("exit")


def test_force_prefix():
    assert parse("!POST /x").force and parse("! POST /x").force
    assert parse("!POST /x").method == "POST"
    with pytest.raises(UsageError):
        parse("!")


@pytest.mark.parametrize("line", ["GET", "GET foo-bar", "POST 12"])
def test_bad_targets(line):
    with pytest.raises(UsageError):
        parse(line)


@given(st.text(max_size=80))
def test_parse_never_raises_anything_but_usage_errors(text):
    try:
        parse(text)
    except UsageError:
        pass
