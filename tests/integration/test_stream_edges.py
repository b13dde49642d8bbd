"""The edges of streams a real session runs into, against the real engine: --timeout ending a stream
that was flowing, a stream's status line at its headers, the websocket attach, printed notes."""
from __future__ import annotations

import pytest

from tests.integration.apidriver import wait_for
from tests.integration.test_streams import Recorder, create, explorer, start_or_remove
from tests.integration.waiting import WAIT, WhenOpen

pytestmark = pytest.mark.engine


@pytest.fixture
def idle_logger(docker_api, busybox_image, unique_name):
    """A container that wrote `first` and now idles: its followed logs flow, then wait for ever."""
    create(docker_api, unique_name, busybox_image, ["sh", "-c", "echo first; exec sleep 600"])
    wait_for("its first line", lambda: b"first" in docker_api.call(
        "GET", f"/containers/{unique_name}/logs?stdout=1")[1])
    yield unique_name
    docker_api.call("DELETE", f"/containers/{unique_name}?force=1")


def test_timeout_ends_a_flowing_stream_with_exit_0(engine_host, spec_dir, idle_logger):
    session, console = explorer(engine_host, spec_dir, timeout=1, verbose=True)
    outcome = session.execute(f"GET /containers/{idle_logger}/logs follow==1 stdout==1")
    err = console.stderr.getvalue().decode()
    assert (outcome.exit_code, outcome.status) == (0, 200), err
    assert console.stdout.getvalue() == b"first\n"
    assert "stopped after 1 s (--timeout)" in err and "error" not in err
    assert err.index("200 OK") < err.index("stopped after")
    assert session.execute("GET /_ping").ok  # the connection the timeout cut is not reused broken


def test_timeout_before_an_answer_is_still_an_error(engine_host, spec_dir, idle_logger):
    session, console = explorer(engine_host, spec_dir, timeout=1)
    outcome = session.execute(f"POST /containers/{idle_logger}/wait")
    assert outcome.exit_code == 2
    assert b"did not answer in time" in console.stderr.getvalue()


def test_verbose_shows_a_streams_status_when_its_headers_come(engine_host, spec_dir, idle_logger):
    # Ctrl-C once `first` is shown: the stream never ends, yet its status line is there already
    session, console = explorer(engine_host, spec_dir, stdout=Recorder(stop_at=(b"first",)), verbose=True)
    with pytest.raises(KeyboardInterrupt):
        session.execute(f"GET /containers/{idle_logger}/logs follow==1 stdout==1")
    assert "200 OK · " in console.stderr.getvalue().decode()


def test_in_the_repl_the_status_comes_before_the_first_line(engine_host, spec_dir, idle_logger):
    session, console = explorer(engine_host, spec_dir, stdout=Recorder(stop_at=(b"first",)), interactive=True)
    with pytest.raises(KeyboardInterrupt):
        session.execute(f"GET /containers/{idle_logger}/logs follow==1 stdout==1")
    shown = console.stdout.getvalue()
    assert "200 OK · ".encode() in shown and shown.index("200 OK · ".encode()) < shown.index(b"first")


UPGRADE = ("Connection:Upgrade Upgrade:websocket Sec-WebSocket-Version:13 "
           "Sec-WebSocket-Key:dGhlIHNhbXBsZSBub25jZQ==")


def attach_ws(engine_host, spec_dir, docker_api, busybox_image, name, monkeypatch, **flags):
    """ContainerAttachWebsocket with the upgrade headers, the container started once the stream is open."""
    create(docker_api, name, busybox_image, ["sh", "-c", "echo out; echo err >&2"], start=False)
    session, console = explorer(engine_host, spec_dir, timeout=WAIT, **flags)
    starter = WhenOpen(monkeypatch, session, lambda: start_or_remove(docker_api, name))
    outcome = session.execute(f"GET /containers/{name}/attach/ws stream==1 {UPGRADE}")
    started = starter.outcome()
    assert not isinstance(started, Exception) and started[0] == 204, f"the container did not start: {started}"
    return outcome, console


def test_attach_websocket_frames_are_decoded(engine_host, spec_dir, docker_api, busybox_image, unique_name,
                                            monkeypatch):
    outcome, console = attach_ws(engine_host, spec_dir, docker_api, busybox_image, unique_name, monkeypatch,
                                 verbose=True)
    out, err = console.stdout.getvalue(), console.stderr.getvalue().decode()
    assert (outcome.exit_code, outcome.status) == (0, 101), err
    assert sorted(out.splitlines(keepends=True)) == [b"err\n", b"out\n"]  # the payloads, not \x82\x04out\n
    assert "101 Switching Protocols" in err and "websocket closed: 1000 (normal)" in err


def test_attach_websocket_in_the_repl(engine_host, spec_dir, docker_api, busybox_image, unique_name, monkeypatch):
    outcome, console = attach_ws(engine_host, spec_dir, docker_api, busybox_image, unique_name, monkeypatch,
                                 interactive=True)
    shown = console.stdout.getvalue()
    assert outcome.ok and b"out\n" in shown and b"err\n" in shown
    assert b"\x82" not in shown and b"\x88" not in shown
    assert shown.index(b"101 Switching Protocols") < shown.index(b"out\n") < shown.index(b"websocket closed")
