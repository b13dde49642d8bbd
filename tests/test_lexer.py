"""Highlighting: every character keeps its place; each part of a request gets its style."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.completion.specview import SpecView
from explorer.repl.lexer import fragments
from explorer.spec import load_index

META = ("exit", "help")


@pytest.fixture(scope="module")
def view(spec_v141):
    return SpecView(load_index(str(spec_v141)))


def styles(text, view):
    return [(style.removeprefix("class:"), piece) for style, piece in fragments(text, view, META) if piece.strip()]


def test_request_line_styles(view):
    assert styles("POST /containers/web/start detachKeys==x Tty:=true X-A:b Image={{IMG}}", view) == [
        ("method", "POST"), ("path", "/"), ("path", "containers"), ("path", "/"), ("path.value", "web"),
        ("path", "/"), ("path", "start"), ("query", "detachKeys"), ("separator", "=="), ("value", "x"),
        ("field", "Tty"), ("separator", ":="), ("value", "true"), ("header", "X-A"), ("separator", ":"),
        ("value", "b"), ("field", "Image"), ("separator", "="), ("variable", "{{IMG}}")]


def test_meta_operation_force_and_comment(view):
    assert styles("help ContainerList", view) == [("meta", "help"), ("argument", "ContainerList")]
    assert styles("!ContainerList all==1 # note", view)[:2] == [("force", "!"), ("operation", "ContainerList")]
    assert styles("GET /x # note", view)[-1] == ("comment", "# note")
    assert styles("curl GET /_ping", view)[:2] == [("meta", "curl"), ("method", "GET")]


def test_without_a_spec_paths_are_plain_paths():
    assert ("path.value", "web") not in styles("GET /containers/web/json", None)


@given(st.text(max_size=60))
def test_fragments_keep_every_character(text):
    assert "".join(piece for _, piece in fragments(text, None, META)) == text


def test_an_item_is_split_where_the_parser_splits_it(view):
    """`Labels[com.example:x]=1` is a body field for the parser (the `:` is inside brackets): so here too."""
    from explorer.lang.commands import parse

    line = "POST /containers/create 'Labels[com.example:x]=1'"
    item = parse(line).items[0]
    assert (item.kind, item.name) == ("field", "Labels[com.example:x]")
    assert ("field", "'Labels[com.example:x]") in styles(line, view)
    assert ("header", "'Labels[com.example") not in styles(line, view)


def test_array_items_and_a_bare_json_body(view):
    assert styles("POST /plugins/x/set []=A=1 :=[]", view)[-5:] == [
        ("field", "[]"), ("separator", "="), ("value", "A=1"), ("separator", ":="), ("value", "[]")]
    assert styles("POST /containers/create a\\=b=c", view)[-3:] == [
        ("field", "a\\=b"), ("separator", "="), ("value", "c")]
