"""The one shell-word scanner: what a POSIX shell (and bash's $'…') reads, on whole and half-typed lines."""
from __future__ import annotations

import shlex

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from explorer.core.errors import UsageError
from explorer.lang import commands
from explorer.lang.words import before_cursor, scan, split, strip_comment


@pytest.mark.parametrize("line, words", [
    ("GET /x", ["GET", "/x"]),
    ("a 'b c' \"d e\"", ["a", "b c", "d e"]),
    ("a\\ b 'c'd\"e\"", ["a b", "cde"]),
    ('"a\\"b\\\\c\\$d\\x"', ['a"b\\c$d\\x']),
    ("$'a\\nb\\tc\\x41\\u00e9\\'q'", ["a\nb\tcAé'q"]),
    ("$'\\101\\e\\cA'", ["A\x1b\x01"]),
    ("$'\\xff'", ["\udcff"]),  # a byte that is not UTF-8 stays that byte (surrogate escape)
    ('$"a b"', ["a b"]),
    ("a # comment 'unclosed", ["a"]),
    ("a#b", ["a#b"]),
    ("'#' x", ["#", "x"]),
    ("a\\\nb", ["ab"]),
    ("a \\\n b", ["a", "b"]),
    ("a \x0b b", ["a", "\x0b", "b"]),  # only space, tab, CR and LF separate words, as in shlex
])
def test_split(line, words):
    assert split(line) == words


def test_quotes_are_read_where_they_are_not_across_the_line():
    """The old $'…' rewrite ran over the whole line: a `$'` inside single quotes ate the next word."""
    line = "POST /containers/create Image=busybox:local 'Labels[price]=5$' 'Labels[b]=x'"
    assert split(line)[-2:] == ["Labels[price]=5$", "Labels[b]=x"]
    cmd = commands.parse(line)
    assert [(i.name, i.value) for i in cmd.items][1:] == [("Labels[price]", "5$"), ("Labels[b]", "x")]


@pytest.mark.parametrize("line", ["a 'b", 'a "b', "a $'b", "a b\\"])
def test_an_open_quote_is_one_usage_error(line):
    with pytest.raises(UsageError, match="cannot split the line"):
        split(line)


def test_scan_never_raises_and_reports_the_open_quote():
    assert scan("x 'ab").words[-1].open_quote == "'"
    assert scan("x $'ab").words[-1].open_quote == "$'"
    assert scan("x ab\\").words[-1].open_quote == "\\"
    found = scan("GET  /x # c")
    assert [(w.start, w.end, w.raw) for w in found.words] == [(0, 3, "GET"), (5, 7, "/x")]
    assert found.comment == 8


@pytest.mark.parametrize("line, at", [
    ("GET /x | jq .", 7), ("GET /x > f", 7), ("GET '/x|y' > f", 11), ("GET /x $'a\\'b' | c", 15),
    ("GET /x # | no", None), ("GET \"a>b\"", None), ("GET a\\|b", None),
])
def test_the_first_bare_operator(line, at):
    assert scan(line).operator == at


@pytest.mark.parametrize("text, done, current, in_comment", [
    ("", [], "", False),
    ("GET ", ["GET"], "", False),
    ("GET /x", ["GET"], "/x", False),
    ("a 'b c", ["a"], "b c", False),
    ('a "b\\"c', ["a"], 'b"c', False),
    ("a \\ b", ["a"], " b", False),
    ("a b\\", ["a"], "b", False),
    ("x # y", ["x"], "", True),
    ("x#y", [], "x#y", False),
])
def test_before_cursor(text, done, current, in_comment):
    got_done, got_current, got_comment = before_cursor(text)
    assert ([w.value for w in got_done], got_current.value, got_comment) == (done, current, in_comment)


def test_strip_comment():
    assert strip_comment("GET /x # c") == "GET /x "
    assert strip_comment("GET '/x # c'") == "GET '/x # c'"


# Text shlex reads as a POSIX shell does: no $, backquote or # (bash-only or comment rules), and
# no backslash-newline (a shell joins the lines; shlex keeps the newline).
shellish = st.text(alphabet=st.sampled_from(list("ab \t'\"\\=:[]/\n") + ["é"]), max_size=24).filter(
    lambda t: "\\\n" not in t)


@settings(max_examples=300)
@example("a 'b\\' c")
@example('"a\\"b"')
@given(shellish)
def test_split_agrees_with_shlex(line):
    try:
        expected = shlex.split(line)
    except ValueError:
        with pytest.raises(UsageError):
            split(line)
        return
    assert split(line) == expected


@settings(max_examples=300)
@given(st.text(max_size=30))
def test_scan_never_raises_and_words_cover_their_raw_text(text):
    found = scan(text)
    for word in found.words:
        assert text[word.start:word.end] == word.raw and word.raw
