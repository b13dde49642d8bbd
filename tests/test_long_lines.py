"""A long line costs work in proportion to its length, and the prompt does no work on a pasted megabyte.

Work is counted, not timed: the Python lines run while a line of n and of 2n characters is
executed. Linear work at most doubles, quadratic work grows fourfold; and each character added
costs a few dozen lines at most: a megabyte took 5-100 s when closest-path search compared the
whole string with every template.
"""
from __future__ import annotations

import io
import sys
from functools import partial

import pytest
from prompt_toolkit.document import Document

from explorer.cli import dispatcher
from explorer.completion.specview import SpecView
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.repl.completer import SUGGEST_CHARS, ReplCompleter
from explorer.repl.lexer import RequestLexer
from explorer.repl.toolbar import toolbar_text
from explorer.shell.session import Session
from explorer.spec import load_index

# Python lines run per character added: splitting and checking a word costs a few dozen;
# comparing a whole path with every template cost ~2,800 (a megabyte: minutes).
PER_CHAR = 100

SHAPES = {
    "an unknown path": lambda n: "GET /" + "a" * n,
    "an unknown path of many segments": lambda n: "GET " + "/ab" * (n // 3),
    "an unknown operationId": lambda n: "ContainerLis" + "t" * n,
    "help for an unknown path": lambda n: "help /" + "b" * n,
    "many references in := JSON": lambda n: "POST /containers/create a:='[" + ",".join(['"{{v}}"'] * (n // 8)) + "]'",
    "many items": lambda n: "POST /containers/create " + " ".join(f"L{i}=1" for i in range(n // 6)),
    "many escapes": lambda n: "POST /containers/create $'Image=" + "\\x41" * (n // 4) + "'",
    "a pasted curl": lambda n: "curl " + "-H a:b " * (n // 7) + "http://localhost/version",
}


def work(fn) -> int:
    """How many Python lines run while fn() runs (in this thread)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", SHAPES)
def test_a_line_costs_work_in_proportion_to_its_length(spec_v141, shape):
    session = Session(Settings(host="unix:///nonexistent/ee.sock", spec=str(spec_v141), api_version="1.41"),
                      Console(stdout=io.BytesIO(), stderr=io.BytesIO()), env={"HOME": "/nonexistent"},
                      commands=dispatcher())
    session.dry_run = True
    session.execute("set v = x")
    session.execute(SHAPES[shape](1000))  # whatever is done once (the spec, caches) is not counted
    cost = [work(partial(session.execute, SHAPES[shape](n))) for n in (4000, 8000)]
    session.close()
    assert cost[1] < 3 * cost[0], cost  # linear: at most twice; quadratic: about four times
    assert cost[1] - cost[0] < PER_CHAR * 4000, cost


def test_a_pasted_megabyte_gets_no_completion_highlighting_or_toolbar_work(spec_v141):
    view = SpecView(load_index(str(spec_v141)))
    line = "GET /containers/json " + "a==1 " * (SUGGEST_CHARS // 5) + "a"
    assert len(line) > SUGGEST_CHARS
    completer = ReplCompleter(lambda: pytest.fail("sources were asked for"))
    assert list(completer.get_completions(Document(line), None)) == []
    lexer = RequestLexer(lambda: view, ("help",))
    assert lexer.lex_document(Document(line))(0) == [("", line)]
    assert "too long for completion" in toolbar_text(view, line)


def test_a_long_path_is_not_kept_for_the_rest_of_the_session(spec_v141):
    from explorer.http.request import Request, _target

    index = load_index(str(spec_v141))
    path = "/containers/" + "a" * 100_000 + "/json"
    assert index.match_templates(path) == ("/containers/{id}/json",)
    assert path not in index._templates and path not in index._matches  # 4,096 of them were 400 MB
    kept = _target.cache_info().currsize
    for req in (Request("GET", path, (), api_version="1.41"), Request("GET", "/x", (("a", "b" * 2000),))):
        assert req.target().endswith(("/json", "b" * 100))
    assert _target.cache_info().currsize == kept
