"""Lines a red team typed: each ends in one error line (or works), never a traceback.

Each case runs in-process through Session.execute against a recording server, and again under
--dry-run; whatever it does, nothing may escape `execute`, the exit code says what happened, and
an error is one line on stderr.
"""
from __future__ import annotations

import io

import pytest

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.recording_server import RecordingServer

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def server():
    with RecordingServer() as srv:
        yield srv


def run(spec, server, line: str, dry_run: bool = False, home: str = "/nonexistent"):
    """(exit code, stdout, stderr, requests the server got) of one line in a fresh session."""
    out, err = io.BytesIO(), io.BytesIO()
    session = Session(Settings(host="unix://" + server.path, spec=str(spec), api_version="1.41"),
                      Console(stdout=out, stderr=err), env={"HOME": home}, commands=dispatcher())
    session.dry_run = dry_run
    server.take()
    try:
        outcome = session.execute(line)
    finally:
        session.close()
    return outcome.exit_code, out.getvalue(), err.getvalue(), server.take()


def one_error(err: bytes, *needles: str) -> str:
    lines = err.decode("utf-8", "replace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


DEEP_KEYS = "a" + "[b]" * 1000 + "=1"
DEEP_JSON = "a:=" + "[" * 1100 + "]" * 1100

REFUSED = [
    ('GET /version ""', 'an empty word ("") is not an item'),
    ("curl http://[::1", "Invalid IPv6 URL"),
    ("curl http://localhost:99999/version", "Port out of range"),
    ("POST /containers/create " + DEEP_KEYS, "nested too deeply"),
    ("POST /containers/create " + DEEP_JSON, "nested too deeply"),
    ("POST /containers/create a:=" + "1" * 4400, "4300 digits"),
    ("POST /containers/create a:=[" + "1" * 4400 + "]", "4300 digits"),
    ("POST /containers/create Env[" + "9" * 5000 + "]=x", "past the end of any list"),
    # bytes that are not UTF-8, and lone surrogates (bash writes $'\ud800' as the bytes ED A0 80)
    ("POST /containers/create $'Image=\\ud800'", "not UTF-8"),
    ("POST /containers/create $'Image=\\xff'", "not UTF-8"),
    ("POST /containers/create Image=\udcff", "not UTF-8"),
    ("POST /containers/create Image=\ud800", "not UTF-8"),
    ("POST /containers/create $'Labels[\\ud800]=1' Image=x", "not UTF-8"),
    ("curl -X $'\\ud800' http://localhost/version", "is not an HTTP method"),
    ("curl -X $'\\xff' http://localhost/version", "is not an HTTP method"),
    ("curl -X 'GET /x HTTP/1.1' http://localhost/version", "is not an HTTP method"),
    # NUL where the system cannot take one
    ("GET /version $'X-A:a\\x00b'", "cannot hold a line break or NUL"),
    ("GET /version X-A:a\x00b", "cannot hold a line break or NUL"),
    ("curl -H $'X-A: \\x00' http://localhost/version", "cannot hold a line break or NUL"),
    ("GET /version > $'out\\x00put'", "a file name cannot hold a NUL byte"),
    ("GET /version >> out\x00put", "a file name cannot hold a NUL byte"),
    ("GET /version | cat \x00", "a command cannot hold a NUL byte"),
    ("POST /build @a\x00b", "a file name cannot hold a NUL byte"),
    ("POST /build @/dev/zero", "`@/dev/zero`: not a regular file but a character device"),
    ("POST /build @/nonexistent/x", "`@/nonexistent/x`: no such file"),
    ("curl --data-binary $'@a\\x00b' http://localhost/build", "a file name cannot hold a NUL byte"),
    ("save $'a\\x00b'", "a file name cannot hold a NUL byte"),
    ("run $'a\\x00b'", "a file name cannot hold a NUL byte"),
    ("export $'a\\x00b'", "a file name cannot hold a NUL byte"),
    ("import $'a\\x00b'", "a file name cannot hold a NUL byte"),
]


@pytest.mark.parametrize("line, needle", REFUSED, ids=[repr(c[0][:50]) for c in REFUSED])
@pytest.mark.parametrize("dry_run", [False, True], ids=["sent", "dry-run"])
def test_a_hostile_line_is_one_error_line_and_sends_nothing(spec_v141, server, tmp_path, line, needle, dry_run):
    code, out, err, sent = run(spec_v141, server, line, dry_run, home=str(tmp_path))
    assert code == 2, err
    one_error(err, needle)
    assert sent == []


SENT = [
    # a byte (or what bash makes of a lone surrogate) goes as that byte where bytes can go
    ("GET $'/containers/\\ud800/json'", b"GET /v1.41/containers/%ED%A0%80/json "),
    ("GET /containers/\ud800/json", b"GET /v1.41/containers/%ED%A0%80/json "),
    ("GET /containers/\udcff/json", b"GET /v1.41/containers/%FF/json "),
    ("!GET /containers/json $'label==\\ud800'", b"GET /v1.41/containers/json?label=%ED%A0%80 "),
    ("GET /version $'X-A:\\ud800'", b"\r\nX-A: \xed\xa0\x80\r\n"),
    ("GET /version X-A:\udcff", b"\r\nX-A: \xff\r\n"),
    ("GET /version X\ud800:1", b"\r\nX\xed\xa0\x80: 1\r\n"),
    ("curl -H $'X-A: \\ud800' http://localhost/v1.41/version", b"\r\nX-A: \xed\xa0\x80\r\n"),
    ("curl -d $'\\ud800' http://localhost/v1.41/version", b"\r\n\r\n\xed\xa0\x80"),
    ("curl -d \udcff http://localhost/v1.41/version", b"\r\n\r\n\xff"),
    ("curl -G --data-raw $'a=\\xff' http://localhost/v1.41/version", b"GET /v1.41/version?a=%FF "),
    ("curl -G -d a=\udcff http://localhost/v1.41/version", b"GET /v1.41/version?a=%FF "),
]


@pytest.mark.parametrize("line, wire", SENT, ids=[repr(c[0][:50]) for c in SENT])
def test_bytes_that_are_not_utf8_go_as_bytes(spec_v141, server, line, wire):
    code, _, err, sent = run(spec_v141, server, line)
    assert (code, err) == (0, b"")
    assert len(sent) == 1 and wire in sent[0], sent


@pytest.mark.parametrize("line", [s[0] for s in SENT], ids=[repr(c[0][:50]) for c in SENT])
def test_bytes_that_are_not_utf8_print_as_bytes_in_a_dry_run(spec_v141, server, line):
    code, out, err, sent = run(spec_v141, server, line, dry_run=True)
    assert (code, err, sent) == (0, b"", [])
    assert out.startswith(b"curl ") and out.count(b"\n") == 1


def test_variables_holding_bytes_are_kept_listed_and_saved(spec_v141, server, tmp_path):
    out, err = io.BytesIO(), io.BytesIO()
    session = Session(Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41"),
                      Console(stdout=out, stderr=err), env={"HOME": str(tmp_path)}, commands=dispatcher())
    script = tmp_path / "s.ee"
    for line in ["set v = $'\\ud800'", "set w = \udcff", "vars", "GET /containers/{{v}}/json",
                 f"save {script}", f"save {tmp_path}/\ud800.ee"]:
        assert session.execute(line).exit_code == 0, (line, err.getvalue())
    session.close()
    assert err.getvalue() == b""
    assert b"v = \xed\xa0\x80\nw = \xff\n" in out.getvalue()
    assert b"set w = \xff\n" in script.read_bytes()
    assert (tmp_path / "\udced\udca0\udc80.ee").exists()  # the name's bytes as bash would write them


def test_export_writes_bytes_that_are_not_utf8_as_those_bytes(spec_v141, server, tmp_path):
    out, err = io.BytesIO(), io.BytesIO()
    session = Session(Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41"),
                      Console(stdout=out, stderr=err), env={"HOME": str(tmp_path)}, commands=dispatcher())
    script = tmp_path / "s.sh"
    for line in ["GET /containers/\udcff/json", "GET /version X-A:\ud800", f"export {script}"]:
        assert session.execute(line).exit_code == 0, (line, err.getvalue())
    session.close()
    assert err.getvalue() == b""
    text = script.read_bytes()
    assert b"/containers/%FF/json" in text and b"X-A: \xed\xa0\x80" in text


def test_import_prints_bytes_that_are_not_utf8_as_those_bytes(spec_v141, server, tmp_path):
    curl = tmp_path / "c.sh"
    curl.write_bytes(b"curl -H 'X-A: \xff' --unix-socket /x http://localhost/v1.41/version\n")
    code, out, err, sent = run(spec_v141, server, f"import {curl}", home=str(tmp_path))
    assert (code, err, sent) == (0, b"", [])
    assert out == b"GET /v1.41/version 'X-A:\xff'\n"
