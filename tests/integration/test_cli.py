"""The command as a newcomer runs it, against the real Docker engine: -c, -f, stdin, exit codes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.engine


def run(host, spec_dir, *args, stdin=None):
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    env.pop("DOCKER_HOST", None)
    return subprocess.run([sys.executable, "-m", "explorer", "-H", host, *args], input=stdin,
                          capture_output=True, timeout=60, env=env)


def test_ping_prints_ok(engine_host, spec_dir):
    done = run(engine_host, spec_dir, "-c", "/_ping")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"OK", b"")


def test_version_prints_the_engines_json(engine_host, spec_dir, docker_api):
    done = run(engine_host, spec_dir, "-c", "GET /version")
    assert done.returncode == 0, done.stderr
    _, expected = docker_api.call_json("GET", "/version")
    assert json.loads(done.stdout)["Version"] == expected["Version"]


def test_verbose_shows_curl_and_status_on_stderr(engine_host, spec_dir):
    done = run(engine_host, spec_dir, "-v", "-c", "/_ping")
    err = done.stderr.decode()
    assert done.stdout == b"OK"
    assert "curl --unix-socket " in err and "/_ping" in err and "200 OK" in err


def test_exit_code_one_for_an_error_response(engine_host, spec_dir):
    done = run(engine_host, spec_dir, "-c", "GET /containers/ee-no-such-container/json")
    assert done.returncode == 1
    assert b"No such container" in done.stdout + done.stderr


def test_lines_from_stdin_and_first_failure_stops(engine_host, spec_dir):
    done = run(engine_host, spec_dir, stdin=b"/_ping\n# a comment\n\n/_ping\n")
    assert (done.returncode, done.stdout) == (0, b"OKOK")
    done = run(engine_host, spec_dir, "-c", "GET /nope/nope", "-c", "/_ping")
    assert done.returncode == 2 and done.stdout == b""


def test_ctrl_c_ends_a_waiting_request_at_once_keeping_what_was_answered(
        engine_host, spec_dir, docker_api, busybox_image, unique_name):
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sleep", "600"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "-H", engine_host, "-c", "/_ping",
                             "-c", f"POST /containers/{unique_name}/wait"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert proc.stdout.read(2) == b"OK"  # the first answer is out: the wait is next
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)  # the wait itself would last until the container ends, in ten minutes
        state = docker_api.call_json("GET", f"/containers/{unique_name}/json")[1]["State"]
    finally:
        proc.kill()
        proc.wait(timeout=60)
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")
    assert code == -signal.SIGINT  # ended by the signal, as curl is: no traceback
    assert state["Running"]  # so the wait did not answer: Ctrl-C ended it
    assert proc.stdout.read() == b"" and proc.stderr.read() == b""


def test_a_libpod_path_on_docker_is_one_line_saying_so(engine_host, spec_dir):
    done = run(engine_host, spec_dir, "-c", "GET /libpod/containers/json")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        "error: /libpod/… is Podman's own API and this engine is not Podman (its /_ping names no Libpod); "
        "`!` sends the line unchecked"]
