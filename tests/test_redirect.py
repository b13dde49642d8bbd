"""`| command`, `> file`, `>> file`: splitting them off a line, and writing to them."""
from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.console import Console
from explorer.core.errors import UsageError
from explorer.lang.redirect import APPEND, PIPE, WRITE, Redirect, split
from explorer.response.destination import Target


@pytest.mark.parametrize("line, head, redirect", [
    ("GET /version | jq .Version", "GET /version ", Redirect(PIPE, "jq .Version")),
    ("GET /version|jq", "GET /version", Redirect(PIPE, "jq")),
    ("GET /containers/x/export > x.tar", "GET /containers/x/export ", Redirect(WRITE, "x.tar")),
    ("GET /x >> 'my log.txt'", "GET /x ", Redirect(APPEND, "my log.txt")),
    ("GET /x >out", "GET /x ", Redirect(WRITE, "out")),
    ("GET /x | grep a | wc -l", "GET /x ", Redirect(PIPE, "grep a | wc -l")),
    ("GET /x > out # a comment", "GET /x ", Redirect(WRITE, "out")),
    ("POST /containers/create 'Cmd:=[\"sh\",\"-c\",\"echo a >&2 | cat\"]'",
     "POST /containers/create 'Cmd:=[\"sh\",\"-c\",\"echo a >&2 | cat\"]'", None),
    ('GET /x "a|b" c\\>d', 'GET /x "a|b" c\\>d', None),
    ("GET /x # | not a pipe", "GET /x ", None),
    ("help | less", "help | less", None),  # meta commands keep their arguments
    # a container's stderr into the pipe (or file) too, as a shell's 2>&1 and |& do
    ("GET /x/logs 2>&1 | grep a", "GET /x/logs ", Redirect(PIPE, "grep a", True)),
    ("GET /x/logs |& grep a", "GET /x/logs ", Redirect(PIPE, "grep a", True)),
    ("GET /x/logs > out.txt 2>&1", "GET /x/logs ", Redirect(WRITE, "out.txt", True)),
    ("GET /x/logs 2>&1", "GET /x/logs ", None),  # both go to the terminal already
    ("", "", None),
])
def test_split(line, head, redirect):
    assert split(line) == (head, redirect)


@pytest.mark.parametrize("line, message", [
    ("GET /x |", "needs a command"),
    ("GET /x >", "one file name"),
    ("GET /x > a b", "one file name"),
    ("GET /x > 'open", "close the quote"),
    ("GET /x >>> y", "one file name"),
    ("GET /x 2>&1 > out", "`2>&1` goes before a `| command`"),
])
def test_split_errors(line, message):
    with pytest.raises(UsageError, match=message):
        split(line)


@given(st.text(alphabet=st.characters(blacklist_characters="|>#'\"\\"), max_size=40))
def test_lines_without_operators_are_untouched(text):
    line = "GET /x " + text
    assert split(line) == (line, None)


def console():
    return Console(stdout=io.BytesIO(), stderr=io.BytesIO())


def test_write_then_append(tmp_path):
    path = tmp_path / "out.txt"
    for op, data in ((WRITE, b"one\n"), (APPEND, b"two\n")):
        target = Target(Redirect(op, str(path)), console())
        target.write(data)
        assert target.close() == 0
    assert path.read_bytes() == b"one\ntwo\n"


def test_the_file_is_made_only_when_written(tmp_path):
    target = Target(Redirect(WRITE, str(tmp_path / "never")), console())
    target.close()
    assert not (tmp_path / "never").exists()


def test_an_unwritable_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot open"):
        Target(Redirect(WRITE, str(tmp_path / "no" / "such" / "dir")), console()).write(b"x")


def test_pipe_feeds_a_command_whose_output_reaches_our_stdout():
    con = console()
    target = Target(Redirect(PIPE, "tr a-z A-Z"), con)
    target.write(b"hello\n")
    assert target.close() == 0
    assert con.stdout.getvalue() == b"HELLO\n"


def test_pipe_reports_the_command_status_and_tolerates_early_exit():
    target = Target(Redirect(PIPE, "head -c 1 >/dev/null; exit 3"), console())
    target.write(b"x" * 10)
    assert target.close() == 3
    assert target.close() == 3  # idempotent
