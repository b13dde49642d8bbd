"""A pasted curl line sends what curl itself sends for that line (real curl against the recording
server), refuses in one line what curl refuses, and never shows or stores a password it holds."""
from __future__ import annotations

import io
import shlex
import shutil
import subprocess
from urllib.parse import parse_qsl

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.core.errors import UsageError
from explorer.http import curlpaste
from explorer.lang.secrets import redact_line, stored_line
from explorer.shell.session import Session
from tests.recording_server import RecordingServer

URL = "http://localhost/v1.41/_ping"


def session_on(server, spec):
    out, err = io.BytesIO(), io.BytesIO()
    session = Session(Settings(host="unix://" + server.path, spec=str(spec), api_version="1.41"),
                      Console(stdout=out, stderr=err), env={})
    return session, err


def meaning(raw: bytes) -> tuple:
    """A request as the engine reads it: method, path, decoded query pairs, headers (bar User-Agent and
    Accept, in any order: curl puts its Authorization before User-Agent, a header we add comes after)
    and body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    first, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = first.split(" ")
    path, _, query = target.partition("?")
    headers = sorted(ln for ln in lines if not ln.lower().startswith(("user-agent:", "accept:")))
    return method, path, parse_qsl(query, keep_blank_values=True), headers, body


def curl_and_ours(args: list, spec) -> tuple:
    """(what real curl sends for `curl ARGS`, what this session sends for the same pasted line)."""
    with RecordingServer() as server:
        run = subprocess.run(["curl", "-sS", "--unix-socket", server.path, *args], capture_output=True, timeout=30)
        theirs = server.take()
        session, err = session_on(server, spec)
        outcome = session.execute(shlex.join(["curl", *args]))
        session.close()
        ours = server.take()
    assert run.returncode == 0, run.stderr
    assert outcome.exit_code == 0, err.getvalue()
    assert len(theirs) == len(ours) == 1
    return meaning(theirs[0]), meaning(ours[0])


@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.parametrize("args", [
    ["http://admin:s3cret%40pw@localhost/v1.41/_ping"],  # the URL's login: Authorization: Basic, decoded
    ["http://admin@localhost/v1.41/_ping"],  # a user alone: "admin:"
    ["-u", "bob:pw d", "http://admin:s3cretpw@localhost/v1.41/_ping"],  # -u wins over the URL's
    ["-H", "Authorization: Bearer t0k", "http://admin:s3cretpw@localhost/v1.41/_ping"],  # -H wins over both
    ["-G", "-d", "filters=%7B%22status%22%3A%5B%22running%22%5D%7D", "-d", "a=x+y&b=%41", URL],
    ["-G", "-d", "all=1", "http://localhost/v1.41/_ping?limit=2"],
    ["--json", '{"a":', "--json", "1}", URL],  # --json pieces are joined with nothing between
    ["-d", '{"a":', "--json", "1}", "-d", "z", URL],  # a -d piece after data with &
    ["-G", "-I", "-d", "x=1", URL],  # -G takes the data to the query: HEAD is fine
])
def test_a_pasted_line_sends_what_curl_sends(args, spec_v141):
    theirs, ours = curl_and_ours(args, spec_v141)
    assert ours == theirs


@pytest.mark.parametrize("line, message", [
    ("curl -T f.tar -d x " + URL, "-T"),
    ("curl -I -d x " + URL, "HEAD"),
    ("curl --head --json '{}' " + URL, "HEAD"),
    ("curl -I -T f.tar " + URL, "HEAD"),
    ("curl -X HEAD -d x " + URL, "HEAD"),
    ("curl -G --data-binary @f.json " + URL, "-G"),
    ("curl -G -d @f.txt -d a=1 " + URL, "-G"),
    ("curl -u admin " + URL, "-u"),
])
def test_what_curl_refuses_is_refused_in_one_line(line, message):
    with pytest.raises(UsageError, match=message) as caught:
        curlpaste.parse(shlex.split(line))
    assert "\n" not in str(caught.value)


def test_a_password_in_the_url_is_never_printed(spec_v141):
    with RecordingServer() as server:
        session, err = session_on(server, spec_v141)
        outcome = session.execute("curl http://admin:s3cretpw@localhost:2375/v1.41/_ping")
        session.execute("curl --url http://admin:s3cretpw@[::1]:2375/v1.41/_ping")
        session.close()
        sent = server.take()
    shown = err.getvalue().decode()
    assert outcome.exit_code == 0
    assert "s3cretpw" not in shown and "admin" not in shown
    assert "not http://localhost:2375 as the pasted line says" in shown
    assert "not http://[::1]:2375 as the pasted line says" in shown
    assert b"Authorization: Basic YWRtaW46czNjcmV0cHc=\r\n" in sent[0]


@pytest.mark.parametrize("line, stored, shown", [
    ("curl http://admin:s3cretpw@localhost/v1.41/_ping",
     'curl "http://admin:$PASSWORD@localhost/v1.41/_ping"', "curl 'http://admin:<redacted>@localhost/v1.41/_ping'"),
    ("curl -s --url=https://u:p%40ss@h:1/x?a=b",
     'curl -s "--url=https://u:$PASSWORD@h:1/x?a=b"', "curl -s '--url=https://u:<redacted>@h:1/x?a=b'"),
    ("curl -u 'bob:pw d' localhost/x", 'curl -u "bob:$PASSWORD" localhost/x', "curl -u 'bob:<redacted>' localhost/x"),
    ("curl --user=bob:pw localhost/x", 'curl "--user=bob:$PASSWORD" localhost/x',
     "curl '--user=bob:<redacted>' localhost/x"),
    ("curl -ubob:pw localhost/x", 'curl "-ubob:$PASSWORD" localhost/x', "curl '-ubob:<redacted>' localhost/x"),
    ("curl http://admin@localhost/x", None, None),  # no password: nothing to hide
    ("curl http://localhost/x?u=a:b@c", None, None),  # an @ in the query is no login
])
def test_a_login_password_is_a_secret_in_history_and_messages(line, stored, shown):
    assert stored_line(line) == (stored or line)
    assert redact_line(line) == (shown or line)


def test_a_stored_login_recalled_here_is_refused_not_sent(spec_v141):
    """History keeps `$PASSWORD` in the password's place: recalled into this shell (no shell to expand
    it) the line is refused rather than sent with `$PASSWORD` as the password."""
    with RecordingServer() as server:
        session, err = session_on(server, spec_v141)
        stored = stored_line("curl -u bob:pw " + URL)
        outcome = session.execute(stored)
        shown = redact_line("curl http://admin:pw@localhost/v1.41/_ping")
        again = session.execute(shown)
        session.close()
        sent = server.take()
    assert outcome.exit_code != 0 and again.exit_code != 0 and sent == []
    assert "password" in err.getvalue().decode()


@pytest.mark.parametrize("line", ["HEAD /_ping a=b", "HEAD /_ping 'x:=1'", "!HEAD /_ping a=b"])
def test_a_typed_head_with_body_items_is_refused(line, spec_v141):
    """The transport sends a HEAD without a body, and curl refuses --head with --data-binary: refused."""
    with RecordingServer() as server:
        session, err = session_on(server, spec_v141)
        outcome = session.execute(line)
        session.close()
        sent = server.take()
    assert outcome.exit_code == 2 and sent == []
    assert err.getvalue().decode().count("\n") == 1 and "HEAD" in err.getvalue().decode()
