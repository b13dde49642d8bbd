"""Fixtures the API tests share."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from tests.integration.apidriver import Explorer


@pytest.fixture(scope="module")
def ee(engine_host, spec_dir):
    """One explorer per test module, verbose, on the real transport to the sandbox engine."""
    explorer = Explorer(engine_host, spec_dir)
    yield explorer
    explorer.close()


@pytest.fixture
def sleeper(docker_api, busybox_image, unique_name):
    """A running container named after the test, removed afterwards; its name."""
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sleep", "60"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    yield unique_name
    docker_api.call("DELETE", f"/containers/{unique_name}?force=1")


@pytest.fixture
def runtime_dir():
    """A fresh $XDG_RUNTIME_DIR (short: the bridge's socket lives in it)."""
    folder = tempfile.mkdtemp(prefix="ee-run-")
    os.chmod(folder, 0o700)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
