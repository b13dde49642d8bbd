"""Every error a user can cause is one clear line, exit code 2, and never a traceback."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest


def run_cli(*args, env=None, user=None, timeout=30):
    """Run `python -m explorer ARGS` in a subprocess; (exit code, stdout, stderr)."""
    cmd = [sys.executable, "-m", "explorer", *args]
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]  # numeric ids
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("DOCKER_HOST", None)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env,
                          stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout, done.stderr


def assert_one_line_error(code, err, *needles):
    assert code == 2, err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture()
def offline(spec_v141, tmp_path):
    """Arguments for a session with a spec and a socket nobody listens on."""
    return ["--spec", spec_v141, "--api-version", "1.41", "-H", f"unix://{tmp_path}/none.sock"]


def test_unknown_path_names_the_closest(offline):
    code, _, err = run_cli(*offline, "-c", "curl GET /contaners/json")
    assert_one_line_error(code, err, "unknown path /contaners/json", "/containers/json")


def test_unknown_operation_id_names_the_closest(offline):
    code, _, err = run_cli(*offline, "-c", "curl ContainerLst")
    assert_one_line_error(code, err, "unknown operationId ContainerLst", "ContainerList")


def test_missing_path_parameter(offline):
    code, _, err = run_cli(*offline, "-c", "curl ContainerInspect")
    assert_one_line_error(code, err, "needs path parameter id", "id==")


def test_missing_required_query_parameter(offline):
    code, _, err = run_cli(*offline, "-c", "curl GET /images/search")
    assert_one_line_error(code, err, "needs query parameter term")


def test_ambiguous_method_lists_the_choices(offline):
    code, _, err = run_cli(*offline, "-c", "curl /containers/abc")
    assert_one_line_error(code, err, "DELETE")


def test_bad_item_and_bad_quote(offline):
    code, _, err = run_cli(*offline, "-c", "curl GET /containers/json justaword")
    assert_one_line_error(code, err, "not an item")
    code, _, err = run_cli(*offline, "-c", "curl GET '/containers/json")
    assert_one_line_error(code, err, "quot")


def test_bad_json_value(offline):
    code, _, err = run_cli(*offline, "-c", "curl POST /containers/create Cmd:=[oops")
    assert_one_line_error(code, err, "not valid JSON")


def test_missing_socket(offline, tmp_path):
    code, _, err = run_cli(*offline, "-c", "GET /_ping")
    assert_one_line_error(code, err, f"no engine socket at {tmp_path}/none.sock", "DOCKER_HOST")


def test_missing_body_file(offline):
    code, _, err = run_cli(*offline, "-c", "curl PUT /containers/x/archive path==/ @/no/such.tar")
    assert_one_line_error(code, err, "no such file")


def test_connection_refused(spec_v141, tmp_path):
    path = str(tmp_path / "dead.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.close()  # the file stays, nobody listens: ECONNREFUSED
    code, _, err = run_cli("--spec", spec_v141, "-H", f"unix://{path}", "-c", "GET /_ping")
    assert_one_line_error(code, err, "connection refused", "start it")


class Silent:
    """A unix socket server that accepts and then says nothing (or hangs up at once)."""

    def __init__(self, path, hang_up):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.bind(path)
        self.sock.listen(4)
        self.conns = []
        self.hang_up = hang_up
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.recv(65536)
            if self.hang_up:
                conn.close()
            else:
                self.conns.append(conn)


def test_timeout(spec_v141, tmp_path):
    path = str(tmp_path / "slow.sock")
    Silent(path, hang_up=False)
    code, _, err = run_cli("--spec", spec_v141, "--api-version", "1.41", "--timeout", "0.5",
                           "-H", f"unix://{path}", "-c", "GET /_ping")
    assert_one_line_error(code, err, "timed out", "--timeout")


def test_engine_gone(spec_v141, tmp_path):
    path = str(tmp_path / "gone.sock")
    Silent(path, hang_up=True)
    code, _, err = run_cli("--spec", spec_v141, "--api-version", "1.41", "-H", f"unix://{path}",
                           "-c", "GET /_ping")
    assert_one_line_error(code, err, "closed the connection")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to nobody")
def test_permission_denied(spec_v141):
    tmp_path = Path(tempfile.mkdtemp(prefix="ee-perm-"))  # pytest's tmp dirs are root-only
    os.chmod(tmp_path, 0o755)
    path = str(tmp_path / "root-only.sock")
    server = Silent(path, hang_up=True)
    os.chmod(path, 0o600)
    spec_copy = tmp_path / "spec.yaml"  # nobody must be able to read it
    shutil.copy(spec_v141, spec_copy)
    os.chmod(spec_copy, 0o644)
    code, _, err = run_cli("--spec", str(spec_copy), "--api-version", "1.41", "-H", f"unix://{path}",
                           "-c", "GET /_ping", user=65534, env={"XDG_CACHE_HOME": "/tmp/ee-nobody-cache"})
    server.sock.close()
    shutil.rmtree(tmp_path)
    assert_one_line_error(code, err, "permission denied", "docker group", "sudo")


def test_malformed_spec_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('swagger: "2.0"\npaths:\n  /x:\n    get: [unclosed\n')
    code, _, err = run_cli("--spec", str(bad), "-c", "curl GET /x")
    assert_one_line_error(code, err, str(bad))
    assert ":4" in err or ":5" in err, err


def test_bad_host_and_bad_version(spec_v141):
    code, _, err = run_cli("--spec", spec_v141, "-H", "ftp://x", "-c", "GET /_ping")
    assert_one_line_error(code, err, "-H ftp://x")
    code, _, err = run_cli("--spec", spec_v141, "--api-version", "one", "-c", "GET /_ping")
    assert_one_line_error(code, err, "not an API version")


def test_unreadable_script_file(tmp_path):
    code, _, err = run_cli("-f", str(tmp_path / "missing.txt"))
    assert_one_line_error(code, err, "cannot read")


def test_usage_error_exit_code():
    code, _, err = run_cli("--no-such-option")
    assert code == 2 and "Traceback" not in err
