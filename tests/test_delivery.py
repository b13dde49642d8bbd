"""From headers to the last byte, through session.execute, with a fake at the transport seam."""
from __future__ import annotations

import base64
import io
import json
import struct

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.http.message import Response
from explorer.response.delivery import decode_path_stat

TAR_HEADERS = (("Content-Type", "application/x-tar"),)
JSON_HEADERS = (("Content-Type", "application/json"), ("Api-Version", "1.41"))


class FakeTransport:
    """Answers each request with the next scripted (status, headers, chunks); records requests."""

    def __init__(self, script):
        self.script = list(script)
        self.sent = []

    def __call__(self, endpoint, timeout=0):
        return self

    def send(self, req, sink=None, on_headers=None, eager=False, timeout=None):
        self.sent.append(req)
        status, headers, chunks = self.script.pop(0)
        if on_headers:
            on_headers(status, "OK" if status < 400 else "Error", headers)
        kept = []  # without a sink, the body comes back whole in the Response, as the real one does
        for chunk in chunks:
            if isinstance(chunk, BaseException):
                raise chunk
            (sink or kept.append)(chunk)
        return Response(status, "", headers, b"".join(kept), 0.001, sum(len(c) for c in chunks))

    def close(self):
        pass


@pytest.fixture
def make(spec_dir):
    def make(script, **flags):
        con = Console(stdout=io.BytesIO(), stderr=io.BytesIO(), **flags)
        fake = FakeTransport(script)
        from explorer.shell.session import Session

        session = Session(Settings(host="unix:///nowhere.sock", api_version="1.41"), con,
                          env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)}, transport_factory=fake)
        return session, con, fake
    return make


def frame(stream, payload):
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def test_logs_stream_demultiplexed_and_nothing_is_kept(make):
    session, con, _ = make([(200, (), [frame(1, b"out\n")[:5], frame(1, b"out\n")[5:] + frame(2, b"err\n")])])
    assert session.execute("GET /containers/web/logs stdout==1 stderr==1").exit_code == 0
    assert con.stdout.getvalue() == b"out\n" and con.stderr.getvalue() == b"err\n"
    assert session.last_response.body == b""


def test_a_json_body_is_kept_as_last_response(make):
    session, con, _ = make([(200, JSON_HEADERS, [b'{"Version":', b'"20.10"}'])])
    assert session.execute("GET /version").ok
    assert session.last_response.body == b'{"Version":"20.10"}' == con.stdout.getvalue()


def test_an_in_band_error_fails_with_its_message(make):
    body = b'{"stream":"Step 1/2\\n"}\r\n{"errorDetail":{"message":"returned a non-zero code: 1"}}\r\n'
    session, con, _ = make([(200, JSON_HEADERS, [body])])
    outcome = session.execute("POST /build")
    assert (outcome.exit_code, outcome.status) == (1, 200)
    assert con.stderr.getvalue() == b"error: returned a non-zero code: 1\n"


def test_a_tar_is_refused_on_a_terminal_before_sending(make):
    session, con, fake = make([], tty=True)
    assert session.execute("GET /containers/web/export").exit_code == 2
    assert b"add `> FILE`" in con.stderr.getvalue() and fake.sent == []


def test_the_repl_asks_for_a_file_name(make, tmp_path):
    session, con, _ = make([(200, TAR_HEADERS, [b"tar", b"bytes"])], interactive=True)
    con.ask = lambda prompt: str(tmp_path / "saved.tar")
    assert session.execute("GET /images/busybox/get").ok
    assert (tmp_path / "saved.tar").read_bytes() == b"tarbytes"
    con.ask = lambda prompt: ""
    assert session.execute("GET /images/busybox/get").exit_code == 2


def test_a_tar_is_written_when_stdout_is_a_pipe(make):
    session, con, _ = make([(200, TAR_HEADERS, [b"\x00tar"])])
    assert session.execute("GET /containers/web/export").ok
    assert con.stdout.getvalue() == b"\x00tar"


def test_redirect_to_a_file_and_an_error_stays_on_screen(make, tmp_path):
    out = tmp_path / "x.tar"
    session, con, _ = make([(200, TAR_HEADERS, [b"tar"]), (404, JSON_HEADERS, [b'{"message":"no such"}'])])
    assert session.execute(f"GET /containers/web/export > {out}").ok
    assert out.read_bytes() == b"tar"
    assert session.execute(f"GET /containers/gone/export > {tmp_path / 'never.tar'}").exit_code == 1
    assert not (tmp_path / "never.tar").exists()
    assert con.stdout.getvalue() == b'{"message":"no such"}'


def test_pipe_gets_the_demultiplexed_stdout(make):
    session, con, _ = make([(200, (), [frame(1, b"b\na\n"), frame(2, b"warn\n")])])
    assert session.execute("GET /containers/web/logs stdout==1 stderr==1 | sort").ok
    assert con.stdout.getvalue() == b"a\nb\n" and con.stderr.getvalue() == b"warn\n"


def test_ctrl_c_mid_stream_ends_the_line_and_propagates(make):
    session, con, _ = make([(200, (), [frame(1, b"partial"), KeyboardInterrupt()])], interactive=True)
    with pytest.raises(KeyboardInterrupt):
        session.execute("GET /containers/web/logs follow==1 stdout==1")
    assert con.stdout.getvalue().endswith(b"partial\n")


def test_head_archive_shows_the_decoded_path_stat(make):
    stat = {"name": "passwd", "size": 71, "mode": 420, "mtime": "2024-01-01T00:00:00Z", "linkTarget": ""}
    header = base64.b64encode(json.dumps(stat).encode()).decode().rstrip("=")
    session, con, _ = make([(200, (("X-Docker-Container-Path-Stat", header),), [])])
    assert session.execute("HEAD /containers/web/archive path==/etc/passwd").ok
    assert json.loads(con.stdout.getvalue()) == stat


def test_decode_path_stat_rejects_garbage():
    assert decode_path_stat("!!!") is None and decode_path_stat(None) is None


def test_headers_on_shows_them_for_streams_too(make):
    session, con, _ = make([(200, (("Content-Type", "application/vnd.docker.raw-stream"),), [b"tty"])])
    assert session.execute("headers on").ok
    assert session.execute("POST /exec/abc/start Detach:=false").ok
    assert b"Content-Type: application/vnd.docker.raw-stream\n" in con.stderr.getvalue()
    assert session.execute("headers off").ok and not con.headers
    assert session.execute("headers maybe").exit_code == 2
