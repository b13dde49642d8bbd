"""curlcmd: render is paste-safe for any value, and parse reads back what render prints."""
from __future__ import annotations

import shlex
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.errors import UsageError
from explorer.http.curlcmd import render, to_argv
from explorer.http.curlpaste import parse
from explorer.http.request import Request
from explorer.lang.slots import percent

SOCK = "/var/run/docker.sock"
BASE = "http://localhost"

# Text a shell or curl might misread: quotes, expansions, globs, newlines, unicode.
hostile = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
header_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=":;"),
                      min_size=1, max_size=20).map(str.strip).filter(bool)


@st.composite
def requests(draw):
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"]))
    segments = draw(st.lists(hostile.filter(lambda s: "/" not in s and s not in ("", ".", "..")),
                             min_size=1, max_size=3))
    query = tuple(draw(st.lists(st.tuples(hostile.filter(bool), hostile), max_size=3)))
    headers = tuple(draw(st.lists(st.tuples(header_text.filter(lambda s: " " not in s),
                                            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
                                                    max_size=20).map(str.strip)), max_size=2)))
    body = None
    if method in ("POST", "PUT"):
        body = draw(st.one_of(st.none(), hostile.map(str.encode)))
    # a Request holds its path as sent: percent-encoded
    return Request(method, "/" + "/".join(percent(s) for s in segments), query, headers, body, None, "1.41")


@settings(max_examples=300)
@given(requests())
def test_parse_reads_back_what_render_prints(req):
    line = render(req, SOCK, BASE, redact=False)
    pasted = parse(shlex.split(line))
    assert pasted.request == req
    assert pasted.socket == SOCK


@settings(max_examples=60, deadline=None)
@given(requests())
def test_bash_passes_every_argument_through_unchanged(req):
    argv = to_argv(req, SOCK, BASE)
    line = render(req, SOCK, BASE, redact=False)
    # Replace curl by a printer of its arguments: bash must hand over exactly our argv.
    out = subprocess.run(["bash", "-c", 'printf "%s\\0" ' + line[len("curl "):]],
                         capture_output=True, check=True).stdout
    assert out.split(b"\0")[:-1] == [a.encode("utf-8", "surrogateescape") for a in argv[1:]]


def test_get_has_no_method_flag_and_head_uses_head():
    assert render(Request("GET", "/version", api_version="1.41"), SOCK, BASE) == \
        "curl --unix-socket /var/run/docker.sock http://localhost/v1.41/version"
    assert "--head" in to_argv(Request("HEAD", "/_ping"), SOCK, BASE)
    assert "-X" not in to_argv(Request("HEAD", "/_ping"), SOCK, BASE)


def test_tcp_endpoints_have_no_socket():
    line = render(Request("GET", "/info", api_version="1.44"), None, "http://10.0.0.1:2375")
    assert line == "curl http://10.0.0.1:2375/v1.44/info"


def test_file_bodies_and_at_signs():
    argv = to_argv(Request("PUT", "/containers/x/archive", body_file="/tmp/a b.tar"), SOCK, BASE)
    assert argv[argv.index("--data-binary") + 1] == "@/tmp/a b.tar"
    argv = to_argv(Request("POST", "/x", body=b"@not-a-file"), SOCK, BASE)
    assert "--data-raw" in argv and "@not-a-file" in argv


def test_credentials_are_variables_unless_asked():
    req = Request("POST", "/images/create", (("fromImage", "x"),), (("X-Registry-Auth", "c2VjcmV0"),))
    assert "c2VjcmV0" not in render(req, SOCK, BASE)
    assert '-H "X-Registry-Auth: $REGISTRY_AUTH"' in render(req, SOCK, BASE)
    assert "c2VjcmV0" in render(req, SOCK, BASE, redact=False)


@pytest.mark.parametrize("line, method, path, query, version", [
    ("curl --unix-socket /s http://localhost/v1.41/containers/json?all=1", "GET", "/containers/json",
     (("all", "1"),), "1.41"),
    ("curl -s --unix-socket /s -X POST http://localhost/v1.24/containers/x/start", "POST",
     "/containers/x/start", (), "1.24"),
    ("curl -sSL --unix-socket /s http://localhost/images/json", "GET", "/images/json", (), None),
    ("curl -I --unix-socket /s http://localhost/_ping", "HEAD", "/_ping", (), None),
    ("curl -G --unix-socket /s -d all=1 -d limit=2 http://localhost/containers/json", "GET",
     "/containers/json", (("all", "1"), ("limit", "2")), None),
    ("curl -XDELETE --unix-socket=/s 'http://localhost/v1.41/containers/x?force=1'", "DELETE",
     "/containers/x", (("force", "1"),), "1.41"),
])
def test_parse_docs_style_lines(line, method, path, query, version):
    req = parse(shlex.split(line)).request
    assert (req.method, req.path, req.query, req.api_version) == (method, path, query, version)


def test_parse_bodies():
    req = parse(shlex.split("curl --unix-socket /s -H 'Content-Type: application/json' "
                            "-d '{\"Image\":\"alpine\"}' http://localhost/containers/create")).request
    assert req.method == "POST" and req.body == b'{"Image":"alpine"}'
    req = parse(shlex.split("curl --json '{\"a\":1}' http://localhost/x")).request
    assert req.header("Content-Type") == "application/json" and req.method == "POST"
    req = parse(shlex.split("curl -X PUT --data-binary @ctx.tar http://localhost/x")).request
    assert req.body_file == "ctx.tar" and req.body is None
    req = parse(shlex.split("curl -T ctx.tar http://localhost/x")).request
    assert req.method == "PUT" and req.body_file == "ctx.tar"


def test_host_part_hint():
    pasted = parse(shlex.split("curl --unix-socket /var/run/docker.sock http://v1.41/version"))
    assert pasted.request.api_version is None and pasted.request.path == "/version"
    assert "does not select an API version" in pasted.hints[0]
    assert "http://localhost/v1.41/version" in pasted.hints[0]


@pytest.mark.parametrize("line", [
    "curl --unix-socket /s",
    "curl --frobnicate http://localhost/x",
    "curl -H novalue http://localhost/x",
    "curl http://localhost/a http://localhost/b",
    "curl -X",
])
def test_parse_errors(line):
    with pytest.raises(UsageError):
        parse(shlex.split(line))


@pytest.mark.parametrize("line, output", [
    ("curl -o out.tar http://localhost/x", ("out.tar", False, None)),
    ("curl --output out.tar http://localhost/x", ("out.tar", False, None)),
    ("curl -sSLo out.tar http://localhost/x", ("out.tar", False, None)),
    ("curl -O http://localhost/v1.41/images/a/get", ("get", False, None)),
    ("curl -O -o mine http://localhost/v1.41/images/a/get", ("mine", False, None)),
    ("curl -i -w '%{http_code}\\n' http://localhost/x", (None, True, "%{http_code}\\n")),
    ("curl --include --write-out @fmt http://localhost/x", (None, True, "@fmt")),
])
def test_what_a_pasted_line_does_with_the_response(line, output):
    assert tuple(parse(shlex.split(line)).output) == output


def test_user_agent_referer_and_url_are_done():
    req = parse(shlex.split("curl -A 'my agent' -e http://r --url http://localhost/v1.41/_ping")).request
    assert (req.path, req.headers) == ("/_ping", (("User-Agent", "my agent"), ("Referer", "http://r")))


def test_the_options_not_done_are_notes_and_unknown_ones_refused():
    pasted = parse(shlex.split("curl -sSL --compressed -m 5 --retry 2 http://localhost/x"))
    assert [n.split()[3] for n in pasted.notes] == ["-L", "-m", "--retry"]  # --compressed is done
    assert pasted.request.path == "/x"  # -m's and --retry's values were read as theirs, not as a URL
    with pytest.raises(UsageError, match="--nonesuch is not supported"):
        parse(["curl", "--nonesuch", "http://localhost/x"])


def test_the_printed_line_does_what_the_request_does_with_the_response():
    from explorer.http.curlcmd import Output

    argv = to_argv(Request("GET", "/x"), SOCK, BASE, output=Output("a b.tar", True, "%{http_code}"))
    assert argv[-6:] == ["-i", "-w", "%{http_code}", "-o", "a b.tar", f"{BASE}/x"]
    assert parse(argv).output == Output("a b.tar", True, "%{http_code}")
