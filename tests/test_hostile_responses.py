"""A hostile engine (tests/hostile_server.py, a real peer on a real socket) costs one error line at
most: deep JSON, endless and compressed bodies, frames cut short, escape sequences, cut connections."""
from __future__ import annotations

import gzip
import io
import os
import re

import pytest

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.http import message
from explorer.shell.session import Session
from tests.hostile_server import (
    ANSWERS,
    DEEP,
    MUX_HEAD,
    HostileServer,
    endless,
    frame,
    raw,
    response,
)
from tests.recording_server import RecordingServer

pytestmark = pytest.mark.timeout(60)
LIMIT = 1 << 20  # MAX_KEPT in these tests: endless bodies stop after a megabyte, not 64
# What a terminal would act on: ESC but for an SGR colour (the shell's own), BEL, C1 controls (raw or UTF-8)
RAW_ESCAPE = re.compile(rb"\x1b(?!\[[0-9;]*m)|\x07|\xc2[\x80-\x9f]")


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(message, "MAX_KEPT", LIMIT)


def run(spec, answer, line: str, interactive=False, pretty=None, color=False, timeout=10.0):
    """(exit code, stdout, stderr) of `line` against a server giving `answer`."""
    out, err = io.BytesIO(), io.BytesIO()
    with HostileServer(answer) as server:
        session = Session(Settings(host="unix://" + server.path, spec=str(spec), api_version="1.41",
                                   timeout=timeout),
                          Console(stdout=out, stderr=err, interactive=interactive, pretty=pretty, color=color),
                          env={}, commands=dispatcher())
        try:
            code = session.execute(line).exit_code
        finally:
            session.close()
    return code, out.getvalue(), err.getvalue().decode("utf-8", "replace")


def one_error(err: str, *needles: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], lines[0]


# -- item 1: JSON deeper than Python's recursion ------------------------------------------------

@pytest.mark.parametrize("interactive, pretty", [(False, True), (True, False)])
def test_a_5000_deep_json_response_is_shown_as_it_came(spec_v141, interactive, pretty):
    code, out, err = run(spec_v141, ANSWERS["deep json"], "GET /info", interactive, pretty)
    assert (code, err) == (0, "")
    assert DEEP in out


@pytest.mark.parametrize("interactive, pretty", [(False, False), (False, True), (True, False)])
def test_a_5000_deep_json_stream_line_is_passed_on_as_text(spec_v141, interactive, pretty):
    code, out, err = run(spec_v141, ANSWERS["deep json line"], "GET /events", interactive, pretty)
    assert (code, err) == (0, "")
    assert DEEP in out


def test_a_number_too_long_for_python_is_shown_as_it_came(spec_v141):
    code, out, err = run(spec_v141, ANSWERS["huge number"], "GET /info", pretty=True)
    assert (code, err) == (0, "")
    assert b"9" * 5000 in out


# -- item 3: bounded memory ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["endless json", "endless text"])
def test_an_endless_body_to_be_shown_stops_at_the_limit(spec_v141, name):
    code, out, err = run(spec_v141, ANSWERS[name], "GET /info")
    assert (code, out) == (2, b"")
    one_error(err, "passed 1 MiB and was still coming", "> FILE")


def test_an_endless_error_body_stops_at_the_limit(spec_v141):
    head = b"HTTP/1.1 500 Oops\r\nContent-Type: application/json\r\n\r\n"
    code, _, err = run(spec_v141, endless(head, b"[1,"), "GET /containers/x/logs stdout==1")
    assert code == 2
    one_error(err, "passed 1 MiB")


def test_a_large_body_to_a_file_streams_on_past_the_limit(spec_v141, tmp_path):
    body = b'{"a":"' + b"x" * (3 * LIMIT) + b'"}'
    code, out, err = run(spec_v141, raw(response(body)), f"GET /info > {tmp_path}/info.json")
    assert (code, err) == (0, "")
    assert (tmp_path / "info.json").read_bytes() == body


def test_an_endless_json_line_is_passed_on_without_holding_it(spec_v141):
    code, out, err = run(spec_v141, ANSWERS["endless json line"], "GET /events", pretty=True, timeout=1.0)
    # a flowing stream --timeout ends is ended as asked (issue 22): exit 0, one line saying so
    assert code == 0 and len(err.splitlines()) == 1 and err.startswith("stopped after 1 s (--timeout)"), err
    assert out.startswith(b"[[[[") and len(out) > 2 * LIMIT  # written as it came, not held


def test_a_gzip_bomb_stops_at_the_limit(spec_v141):
    code, _, err = run(spec_v141, ANSWERS["gzip bomb"], "GET /info")
    assert code == 2
    one_error(err, "inflates past 1 MiB")


# -- item 4: files that cannot say their size --------------------------------------------------

def test_a_proc_file_is_read_to_the_end_as_curl_does(spec_v141):
    with RecordingServer() as server:
        session = Session(Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41"),
                          Console(stdout=io.BytesIO(), stderr=io.BytesIO()), env={}, commands=dispatcher())
        assert session.execute("POST /build @/proc/self/status").exit_code == 0
        assert session.execute("curl --data-binary @/proc/self/mounts http://localhost/v1.41/build").ok
        session.close()
        sent = server.take()
    for raw_request, marker in zip(sent, (b"VmPeak", b" / "), strict=True):
        head, _, body = raw_request.partition(b"\r\n\r\n")
        assert marker in body
        assert f"Content-Length: {len(body)}\r\n".encode() in head + b"\r\n"


# -- item 5: the smaller ones -------------------------------------------------------------------

def test_a_text_body_cannot_retitle_the_terminal_in_the_shell(spec_v141):
    code, out, err = run(spec_v141, ANSWERS["escapes in text"], "GET /info", interactive=True)
    assert (code, err) == (0, "")
    assert not RAW_ESCAPE.search(out)
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m \ufffd hi\n".encode() in out  # a lone 0x9b is no UTF-8: U+FFFD


@pytest.mark.parametrize("name, line", [("escapes in error", "GET /info"), ("in-band error", "GET /events"),
                                        ("non-utf8 reason", "GET /info")])
def test_messages_from_the_engine_reach_the_terminal_written_out(spec_v141, name, line):
    code, out, err = run(spec_v141, ANSWERS[name], line, interactive=True, color=True)
    assert code in (0, 1)
    for text in (out, err.encode()):
        assert not RAW_ESCAPE.search(text), text


def test_colours_of_a_log_stay_and_other_escapes_go_in_the_shell(spec_v141):
    logs = MUX_HEAD + b"Connection: close\r\n\r\n" + frame(1, b"\x1b[31mred\x1b[0m \x1b]0;t\x07\n") \
        + frame(2, b"\x1b[2Jwarn\n")
    code, out, err = run(spec_v141, raw(logs), "GET /containers/x/logs stdout==1 stderr==1", interactive=True,
                         color=True)
    assert (code, err) == (0, "")
    assert b"\x1b[31mred\x1b[0m \\x1b]0;t\\x07\n" in out
    assert b"\x1b[2J" not in out and b"warn" in out


def test_piped_output_stays_byte_exact(spec_v141):
    code, out, _ = run(spec_v141, ANSWERS["escapes in text"], "GET /info")
    assert code == 0 and out == b"\x1b]0;pwned\x07\x1b[2J\xc2\x9b31m \x9b hi\n"


def test_a_frame_cut_short_at_the_end_is_reported_after_what_came(spec_v141):
    logs = MUX_HEAD + b"Connection: close\r\n\r\n" + frame(2, b"whole\n") + frame(1, b"cut short")[:12]
    code, out, err = run(spec_v141, raw(logs), "GET /containers/x/logs stdout==1 stderr==1")
    assert code == 2 and out == b"cut "
    assert err.startswith("whole\n")
    err = err.removeprefix("whole\n")
    one_error(err, "mid-response", "inside a frame", "5 bytes of its last frame never came")


def test_a_body_cut_short_says_the_engine_closed_the_connection_mid_response(spec_v141):
    code, _, err = run(spec_v141, ANSWERS["body cut short"], "GET /info")
    assert code == 2
    one_error(err, "closed the connection mid-response")


@pytest.mark.parametrize("line", ["GET /info", "GET /events", "GET /containers/x/logs stdout==1"])
def test_a_gzip_body_sent_unasked_is_decoded(spec_v141, line):
    body = b'{"a":1}\n' if "logs" not in line else frame(1, b"hello\n")
    answer = raw(response(gzip.compress(body), "application/json" if "logs" not in line else
                          "application/vnd.docker.multiplexed-stream", extra="Content-Encoding: gzip\r\n"))
    code, out, err = run(spec_v141, answer, line, interactive=True)
    assert (code, err) == (0, "")
    assert b"--compressed" not in out  # the curl line: nothing was asked, nothing printed
    assert (b"hello" if "logs" in line else b'"a"') in out


def test_a_body_that_says_gzip_but_is_not_is_one_error_line(spec_v141):
    code, _, err = run(spec_v141, ANSWERS["bad gzip"], "GET /info")
    assert code == 2
    one_error(err, "said its body is compressed", "but it is not")


def test_pasted_compressed_asks_for_compression_and_prints_it(spec_v141):
    answer = raw(response(gzip.compress(b'{"a":1}'), extra="Content-Encoding: gzip\r\n"))
    code, out, err = run(spec_v141, answer, "curl --compressed http://localhost/v1.41/info", interactive=True)
    assert (code, err) == (0, "")
    assert b"--compressed http://localhost/v1.41/info" in out and b'"a": 1' in out


def test_pasted_compressed_sends_accept_encoding(spec_v141):
    with RecordingServer() as server:
        session = Session(Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41"),
                          Console(stdout=io.BytesIO(), stderr=io.BytesIO()), env={}, commands=dispatcher())
        assert session.execute("curl --compressed http://localhost/v1.41/version").ok
        session.close()
        (sent,) = server.take()
    assert b"\r\nAccept-Encoding: " in sent and b"gzip" in sent


def test_a_stream_head_that_never_ends_is_bounded_by_the_timeout(spec_v141):
    code, _, err = run(spec_v141, ANSWERS["slow loris"], "GET /info", timeout=1.0)
    assert code == 2
    one_error(err, "timed out")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to nobody")
def test_a_socket_in_a_folder_you_cannot_enter_is_permission_denied(spec_v141, tmp_path):
    import shutil
    import tempfile

    from tests.test_errors import Silent, assert_one_line_error, run_cli

    top = tempfile.mkdtemp(prefix="ee-perm-")
    os.chmod(top, 0o755)
    closed = os.path.join(top, "closed")
    os.mkdir(closed, 0o700)  # root's: nobody cannot enter it
    server = Silent(os.path.join(closed, "docker.sock"), hang_up=True)
    spec_copy = os.path.join(top, "spec.yaml")
    shutil.copy(spec_v141, spec_copy)
    os.chmod(spec_copy, 0o644)
    try:
        code, _, err = run_cli("--spec", spec_copy, "--api-version", "1.41", "-H", f"unix://{closed}/docker.sock",
                               "-c", "GET /_ping", user=65534, env={"XDG_CACHE_HOME": "/tmp/ee-nobody-cache"})
    finally:
        server.sock.close()
        shutil.rmtree(top)
    assert_one_line_error(code, err, "permission denied on the way to", "cannot be entered")
    assert "no engine socket" not in err
