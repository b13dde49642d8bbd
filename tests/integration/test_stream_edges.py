"""The edges of streams a real session runs into, against the real engine: --timeout ending a stream
that was flowing, a stream's status line at its headers, the websocket attach, printed notes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

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


@pytest.fixture
def talker(docker_api, busybox_image, unique_name):
    """A finished container whose logs hold text on stdout and bytes with a NUL on stderr."""
    create(docker_api, unique_name, busybox_image,
           ["sh", "-c", "echo hi; printf 'oops \\000\\001\\n' >&2; echo bye"])
    docker_api.call("POST", f"/containers/{unique_name}/wait")
    yield unique_name
    docker_api.call("DELETE", f"/containers/{unique_name}?force=1")


def cli(engine_host, spec_dir, *args):
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "explorer", "-H", engine_host, *args], capture_output=True,
                          env=env, timeout=WAIT, stdin=subprocess.DEVNULL)


@pytest.mark.skipif(not (shutil.which("jq") and shutil.which("curl")), reason="needs curl and jq")
def test_exported_logs_are_demultiplexed_and_say_why(engine_host, spec_dir, talker, tmp_path):
    logs = f"GET /containers/{talker}/logs stdout==1 stderr==1"
    (tmp_path / "logs.ee").write_text(f"{logs} | grep hi\n{logs}\n")
    exported = tmp_path / "logs.sh"
    made = cli(engine_host, spec_dir, "--export", str(exported), "-f", str(tmp_path / "logs.ee"))
    assert made.returncode == 0, made.stderr
    done = subprocess.run(["sh", str(exported)], capture_output=True, timeout=WAIT,
                          env={"PATH": os.environ["PATH"], "DOCKER_HOST": engine_host})
    ours = cli(engine_host, spec_dir, "-c", logs)
    assert (ours.stdout, ours.stderr) == (b"hi\nbye\n", b"oops \x00\x01\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"hi\n" + ours.stdout  # grep read text, not frames: no "binary file matches"
    assert done.stderr == ours.stderr * 2
    assert exported.read_text().count("# curl saves this stream's frames raw (8-byte headers)") == 2


def test_printed_curl_lines_say_once_that_curl_shows_the_frames(engine_host, spec_dir, talker):
    session, console = explorer(engine_host, spec_dir, verbose=True)
    for _ in range(2):
        assert session.execute(f"GET /containers/{talker}/logs stdout==1 stderr==1").ok
    assert session.execute(f"curl GET /containers/{talker}/logs stdout==1").ok  # a preview: no note again
    err = console.stderr.getvalue().decode(errors="replace")
    assert err.count("curl --unix-socket") == 2
    assert err.count("note: curl prints this stream's raw frames, an 8-byte header") == 1


def test_attach_websocket_without_the_upgrade_headers_says_which(engine_host, spec_dir, docker_api,
                                                                 busybox_image, unique_name):
    create(docker_api, unique_name, busybox_image, ["true"], start=False)
    session, console = explorer(engine_host, spec_dir)
    outcome = session.execute(f"GET /containers/{unique_name}/attach/ws stream==1")
    err = console.stderr.getvalue().decode()
    assert (outcome.exit_code, outcome.status) == (1, 400)
    assert "hint: a websocket is asked for with the upgrade headers: Connection:Upgrade Upgrade:websocket" in err
