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


def explore(spec_dir: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if DEFAULT_SOCKET.is_socket():
        pytest.skip(f"an engine may answer at {DEFAULT_SOCKET}")
    env = {name: value for name, value in os.environ.items()
           if name not in ("DOCKER_HOST", "XDG_RUNTIME_DIR", "DOCKER_API_VERSION")}
    env.update(HOME=str(tmp_path), ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
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
