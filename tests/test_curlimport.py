"""`import FILE`: curl command lines → our own lines that send the same request."""
from __future__ import annotations

import json
import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.errors import UsageError
from explorer.http import curlcmd, curlpaste, request
from explorer.lang import commands
from explorer.workflow import curlimport
from explorer.workflow import replay as scripts
from tests.canned_transport import canned_session

SOCK = "curl --unix-socket /var/run/docker.sock "


@pytest.mark.parametrize("curl, ours", [
    (SOCK + "http://localhost/v1.41/containers/json", "GET /v1.41/containers/json"),
    (SOCK + "'http://localhost/containers/json?all=1&limit=3'", "GET /containers/json all==1 limit==3"),
    (SOCK + "-X POST http://localhost/v1.41/containers/abc/start", "POST /v1.41/containers/abc/start"),
    (SOCK + "-H 'Content-Type: application/json' -d '{\"Image\": \"alpine\", \"Cmd\": [\"echo\", \"hello world\"]}' "
     "-X POST http://localhost/v1.41/containers/create",
     "POST /v1.41/containers/create Image=alpine 'Cmd:=[\"echo\",\"hello world\"]'"),
    (SOCK + "-X DELETE 'http://localhost/containers/web?force=true'", "DELETE /containers/web force==true"),
    (SOCK + "-H 'X-Custom: a b' http://localhost/_ping", "GET /_ping 'X-Custom:a b'"),
    (SOCK + "--head http://localhost/_ping", "HEAD /_ping"),
    (SOCK + "-X POST --data-binary @ctx.tar -H 'Content-Type: application/x-tar' http://localhost/build",
     "POST /build Content-Type:application/x-tar @ctx.tar"),
    # JSON that is no object: a bare `:=` body, as written; odd keys escaped; a text starting with @ as JSON
    (SOCK + "-X POST -d '[1, 2]' http://localhost/x", "POST /x ':=[1, 2]'"),
    (SOCK + "-X POST -d '{\"a[0]\": 1, \"b=c\": \"@d\"}' -H 'Content-Type: application/json' http://localhost/x",
     "POST /x 'a\\[0\\]:=1' 'b\\=c:=\"@d\"'"),
    # -o FILE / -O: the body goes to the file
    (SOCK + "-sS -o 'a b.tar' http://localhost/v1.41/images/x/get", "GET /v1.41/images/x/get > 'a b.tar'"),
    (SOCK + "-O http://localhost/v1.41/images/x/get", "GET /v1.41/images/x/get > get"),
    # a login is the Authorization header curl makes of it (a secret: stored as {{env.AUTHORIZATION}})
    (SOCK + "-u bob:pw http://localhost/_ping", "GET /_ping 'Authorization:Basic Ym9iOnB3'"),
    (SOCK + "http://bob:p%77@localhost/_ping", "GET /_ping 'Authorization:Basic Ym9iOnB3'"),
])
def test_translate(curl, ours):
    assert curlimport.translate(shlex.split(curl)) == ours


@pytest.mark.parametrize("curl", [
    SOCK + "-X POST -d 'not json' http://localhost/x",  # a raw body our items cannot say
    SOCK + "'http://localhost/x?a:b=1'",  # a query name that would read as a header
    SOCK + "-H 'X-A: {{v}}' http://localhost/x",  # curl sends {{v}}; in our line it would be a variable
    SOCK + "-d '{\"Image\": \"{{img}}\"}' -H 'Content-Type: application/json' http://localhost/x",
    SOCK + "-s -w '%{http_code}' -o out.json http://localhost/x",  # -w: no item says it
    SOCK + "-i http://localhost/x",
    SOCK + "-L http://localhost/x",  # not done here: running the curl line says so
])
def test_what_our_items_cannot_say_stays_a_curl_line(curl):
    argv = shlex.split(curl)
    assert curlimport.translate(argv) == shlex.join(argv)


names = st.text(alphabet="abcXYZ-_.", min_size=1, max_size=6)
values = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)


@given(st.lists(st.tuples(names, values), max_size=3), st.lists(st.tuples(names, values), max_size=2),
       st.dictionaries(names, st.one_of(values, st.integers(), st.booleans(), st.lists(values, max_size=2)),
                       max_size=3))
def test_a_translation_sends_what_curl_sends(query, headers, body):
    req = request.Request("POST" if body else "GET", "/containers/json", tuple(query),
                          tuple(headers), json.dumps(body).encode() if body else None, api_version="1.41")
    argv = curlcmd.to_argv(req, "/var/run/docker.sock", "http://localhost")
    line = curlimport.translate(argv)
    if line.startswith("curl "):
        return  # kept as curl: the session runs pasted curl lines as they are
    sent = curlpaste.parse(argv).request  # what curl sends (it trims header values, for one)
    built = request.build(commands.parse(line), None, None)
    assert (built.method, built.path, built.query, built.api_version) == (req.method, req.path, req.query, "1.41")
    assert [h for h in built.headers if h[0].lower() != "content-type"] == \
        [h for h in sent.headers if h[0].lower() != "content-type"]
    assert (json.loads(built.body) if built.body else None) == (body or None)


def test_convert_keeps_our_lines_redacts_and_names_bad_lines(tmp_path):
    source = tmp_path / "curls.txt"
    source.write_text("# from the docs\n"
                      "curl --unix-socket /var/run/docker.sock \\\n"
                      "  -H 'X-Registry-Auth: c2VjcmV0' -X POST \\\n"
                      "  'http://localhost/v1.41/images/create?fromImage=busybox'\n"
                      "GET /_ping\n")
    assert curlimport.convert(scripts.read_script(str(source))) == [
        "POST /v1.41/images/create fromImage==busybox X-Registry-Auth:{{env.REGISTRY_AUTH}}", "GET /_ping"]
    source.write_text("GET /_ping\ncurl --frobnicate http://x/\n")
    with pytest.raises(UsageError, match=r"curls.txt:2: curl option --frobnicate is not supported"):
        curlimport.convert(scripts.read_script(str(source)))


def test_import_command_prints_or_writes(spec_v141, tmp_path):
    source = tmp_path / "curls.txt"
    source.write_text(SOCK + "http://localhost/v1.41/info\n")
    session, _, out, _ = canned_session(spec_v141)
    assert session.execute(f"import {source}").ok
    assert out.getvalue() == b"GET /v1.41/info\n"
    target = tmp_path / "imported.ee"
    assert session.execute(f"import {source} {target}").ok
    assert [line.text for line in scripts.read_script(str(target))] == ["GET /v1.41/info"]
    assert session.execute("import").exit_code == 2
