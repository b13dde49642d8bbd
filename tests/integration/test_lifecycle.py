"""A container's whole life through session.execute against the real engine; then the printed curl lines."""
from __future__ import annotations

import io
import json
import subprocess
import time

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session

pytestmark = pytest.mark.engine


def verbose_session(host: str, spec_dir: str):
    out, err = io.BytesIO(), io.BytesIO()
    console = Console(stdout=out, stderr=err, verbose=True)
    env = {"ENGINE_EXPLORER_SPEC_DIR": spec_dir}
    return Session(Settings(host=host, verbose=True), console, env=env), out, err


def run(session, out, err, line):
    """Execute a line; (outcome, body printed, curl line printed)."""
    out.seek(0), out.truncate(), err.seek(0), err.truncate()
    outcome = session.execute(line)
    curl_lines = [ln for ln in err.getvalue().decode().splitlines() if ln.startswith("curl ")]
    return outcome, out.getvalue(), curl_lines[-1] if curl_lines else None


def wait_for_logs(api, name: str, needle: bytes, timeout: float = 20.0) -> None:
    """Wait until the container's logs hold `needle` (its shell may not have written it yet)."""
    deadline = time.monotonic() + timeout
    while needle not in api.call("GET", f"/containers/{name}/logs?stdout=1&stderr=1")[1]:
        assert time.monotonic() < deadline, f"{name} never logged {needle!r}"
        time.sleep(0.05)


def test_container_lifecycle(engine_host, spec_dir, busybox_image, unique_name, docker_api, proven):
    session, out, err = verbose_session(engine_host, str(spec_dir))
    name = unique_name
    steps = [
        (f"POST /containers/create name=={name} Image={busybox_image} HostConfig[NetworkMode]=none "
         "'Cmd:=[\"sh\",\"-c\",\"echo hello; echo oops >&2; sleep 30\"]'", 201),
        (f"POST /containers/{name}/start", 204),
        (f"ContainerInspect id=={name}", 200),
        (f"GET /containers/{name}/logs stdout==1 stderr==1", 200),
        (f"POST /containers/{name}/stop t==1", 204),
        (f"DELETE /containers/{name}", 204),
    ]
    printed = []
    for line, status in steps:
        if "/logs" in line:
            wait_for_logs(docker_api, name, b"oops")
        outcome, body, curl_line = run(session, out, err, line)
        assert outcome.status == status, (line, err.getvalue())
        assert curl_line and "http://localhost/v1." in curl_line
        printed.append((curl_line, status))
        if "ContainerInspect" in line:
            state = json.loads(body)["State"]
            assert state["Running"] is True
        if "/logs" in line:
            assert body == b"hello\n" and b"\noops\n" in err.getvalue()  # demultiplexed
        found, raw = docker_api.call_json("GET", f"/containers/{name}/json")
        if "/start" in line or "/stop" in line:
            assert raw["State"]["Running"] is ("/start" in line)
        assert found == (404 if line.startswith("DELETE") else 200)
    proven("ContainerCreate", "ContainerStart", "ContainerInspect", "ContainerLogs", "ContainerStop",
           "ContainerDelete")
    session.close()
    # The same life again, by the curl lines as printed.
    for curl_line, status in printed:
        done = subprocess.run(["bash", "-c", curl_line + " -s -o /dev/null -w '%{http_code}'"],
                              capture_output=True, text=True, timeout=60)
        assert done.stdout == str(status), (curl_line, done.stderr)


def test_requests_use_the_negotiated_version(engine_host, spec_dir):
    session, out, err = verbose_session(engine_host, str(spec_dir))
    outcome, body, curl_line = run(session, out, err, "GET /version")
    assert outcome.ok
    api = json.loads(body)["ApiVersion"]
    assert f"http://localhost/v{api}/version" in curl_line
    assert session.api_version() == api
