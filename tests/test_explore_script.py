"""scripts/explore as a normal user with no engine: the shell starts offline from the spec.

The real script in this checkout, after scripts/test has set up .venv. With no engine and no right
to start the sandbox engine, it must still start, and say in one line what is missing.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from normaluser import as_normal_user

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOCKET = Path("/var/run/docker.sock")
TIMEOUT_S = 60
OFFLINE_LINE = ("explore: offline, from the spec: DOCKER_HOST is unset, no engine answers at /var/run/docker.sock, "
                "and the sandbox engine needs root; help and curl previews work, requests do not")


def explore(spec_dir: Path, tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    if DEFAULT_SOCKET.is_socket():
        pytest.skip(f"an engine may answer at {DEFAULT_SOCKET}")
    env = {name: value for name, value in os.environ.items()
           if name not in ("DOCKER_HOST", "DOCKER_CONTEXT", "XDG_RUNTIME_DIR", "DOCKER_API_VERSION", "DOCKER_TLS",
                           "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")}
    env.update(HOME=str(tmp_path), ENGINE_EXPLORER_SPEC_DIR=str(spec_dir), XDG_CONFIG_HOME=str(tmp_path / "config"),
               DOCKER_CONFIG=str(tmp_path / "docker"), **extra)
    argv = as_normal_user([str(REPO / "scripts/explore"), *args])
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)


def test_help_works_offline_and_one_line_says_what_is_missing(spec_dir, tmp_path):
    done = explore(spec_dir, tmp_path, "-c", "help ContainerList")
    assert (done.returncode, done.stderr) == (0, OFFLINE_LINE + "\n")
    assert done.stdout.startswith("ContainerList: GET /containers/json")


def test_a_request_offline_is_one_more_line_and_exit_2(spec_dir, tmp_path):
    done = explore(spec_dir, tmp_path, "-c", "GET /version")
    assert (done.returncode, done.stdout) == (2, "")
    offline, error = done.stderr.splitlines()  # the request's own error is one line too
    assert offline == OFFLINE_LINE
    assert error.startswith("error: ") and "/var/run/docker.sock" in error


@pytest.mark.parametrize("where", ["config.toml", "docker", "-o", "--context", "DOCKER_TLS_VERIFY"])
def test_an_engine_chosen_in_config_toml_or_by_docker_is_used_not_replaced(spec_dir, tmp_path, where):
    """The script's fallbacks (rootless, sandbox, offline) come after every source engine-explorer reads."""
    args, extra = ["-c", "GET /version"], {}
    if where == "config.toml":
        (tmp_path / "config" / "engine-explorer").mkdir(parents=True)
        (tmp_path / "config" / "engine-explorer" / "config.toml").write_text(f'host = "{tmp_path}/chosen.sock"\n')
    elif where == "docker":
        (tmp_path / "docker").mkdir()
        (tmp_path / "docker" / "config.json").write_text('{"currentContext": "remote"}')
    elif where == "--context":
        args = ["--context", "remote", *args]
    elif where == "DOCKER_TLS_VERIFY":  # TLS on and no host: docker's tcp://localhost:2376
        extra = {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path / "chosen")}
    else:
        args = ["-o", f"host={tmp_path}/chosen.sock", *args]
    done = explore(spec_dir, tmp_path, *args, **extra)
    assert (done.returncode, done.stdout) == (2, "")
    assert "offline" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert "chosen" in done.stderr or "docker context 'remote'" in done.stderr
