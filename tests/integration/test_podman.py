"""engine-explorer against a real Podman service: its Docker-compatible API, its own libpod API (with
Podman's spec), the printed curl lines re-run by curl, and live values for completion.

Skipped, even in CI, when no Podman answers: scripts/test starts scripts/sandbox-podman when it can.
"""
from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import time

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session

pytestmark = pytest.mark.podman

IMAGE = "busybox:local"  # scripts/sandbox-podman imports it as localhost/busybox:local
# Bytes a log must carry unchanged: a tab, control and non-UTF-8 bytes, an empty line, no final newline.
# (dockerd 20.10's json-file driver would turn \377 into U+FFFD; Podman's k8s-file keeps it.)
STDOUT_BYTES = b"t\there \x01\xff \xc3\xa9\n\nlast"
STDERR_BYTES = b"e\r\n"
# A shell that writes those, then waits; it leaves at once on SIGTERM, so `stop` takes no grace period.
LOGGING_CMD = ["sh", "-c", r"trap 'exit 0' TERM; printf 't\there \001\377 \303\251\n\nlast'; "
               r"printf 'e\r\n' >&2; sleep 30 & wait"]


def session_for(host: str, spec_dir, verbose: bool = True, **settings):
    """A Session on `host` writing into BytesIO; (session, stdout, stderr)."""
    out, err = io.BytesIO(), io.BytesIO()
    console = Console(stdout=out, stderr=err, verbose=verbose)
    session = Session(Settings(host=host, verbose=verbose, **settings), console,
                      env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})
    return session, out, err


def run(session, out, err, line):
    """Execute a line; (outcome, body printed, last curl line printed)."""
    for stream in (out, err):
        stream.seek(0), stream.truncate()
    outcome = session.execute(line)
    curl_lines = [ln for ln in err.getvalue().decode(errors="replace").splitlines() if ln.startswith("curl ")]
    return outcome, out.getvalue(), curl_lines[-1] if curl_lines else None


def curl(curl_line: str, *extra: str) -> subprocess.CompletedProcess:
    """Run a printed curl line as printed, with `extra` appended (a shell parses it, as a user's would)."""
    return subprocess.run(["bash", "-c", curl_line + " " + " ".join(extra)], capture_output=True, timeout=60)


def curl_status(curl_line: str) -> str:
    return curl(curl_line, "-s -o /dev/null -w '%{http_code}'").stdout.decode()


def cli(host: str, spec_dir, *args: str) -> subprocess.CompletedProcess:
    """`python -m explorer -H host args…`, as a user runs it."""
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    return subprocess.run([sys.executable, "-m", "explorer", "-H", host, *args],
                          capture_output=True, env=env, timeout=60)


def demultiplex(raw: bytes) -> tuple[bytes, bytes]:
    """Docker's framing undone, independently of explorer: (stdout, stderr)."""
    streams = {1: b"", 2: b""}
    while len(raw) >= 8:
        size = int.from_bytes(raw[4:8], "big")
        streams[raw[0]] = streams.get(raw[0], b"") + raw[8:8 + size]
        raw = raw[8 + size:]
    return streams[1], streams[2]


def start_logging_container(api, name: str) -> None:
    """Create and start a container running LOGGING_CMD; return once its logs hold all it writes."""
    status, _ = api.call("POST", f"/containers/create?name={name}", {
        "Image": IMAGE, "Cmd": LOGGING_CMD, "HostConfig": {"NetworkMode": "none"}})
    assert status == 201
    assert api.call("POST", f"/containers/{name}/start")[0] == 204
    wait_for_logs(api, name)


def wait_for_logs(api, name: str, timeout: float = 10.0) -> None:
    """Until the container's logs hold STDOUT_BYTES and STDERR_BYTES (it writes them as it starts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, raw = api.call("GET", f"/containers/{name}/logs?stdout=1&stderr=1")
        if status == 200 and demultiplex(raw) == (STDOUT_BYTES, STDERR_BYTES):
            return
        time.sleep(0.05)
    pytest.fail(f"the logs of {name} never held what it wrote: {raw!r}")


def test_ping_and_version_name_podman(podman_host, spec_dir):
    ping = cli(podman_host, spec_dir, "-c", "/_ping")
    assert (ping.returncode, ping.stdout.strip()) == (0, b"OK"), ping.stderr
    version = cli(podman_host, spec_dir, "-c", "GET /version")
    assert version.returncode == 0, version.stderr
    doc = json.loads(version.stdout)
    assert "Podman Engine" in [c["Name"] for c in doc["Components"]]
    assert doc["ApiVersion"].startswith("1.")  # the Docker-compatible API's version, not libpod's


def test_container_lifecycle_on_the_compatible_api(podman_host, spec_dir, podman_api, unique_name):
    session, out, err = session_for(podman_host, spec_dir)
    name = unique_name
    steps = [
        (f"POST /containers/create name=={name} Image={IMAGE} HostConfig[NetworkMode]=none "
         + shlex.quote(f"Cmd:={json.dumps(LOGGING_CMD)}"), 201),
        (f"POST /containers/{name}/start", 204),
        (f"ContainerInspect id=={name}", 200),
        (f"GET /containers/{name}/logs stdout==1 stderr==1", 200),
        (f"POST /containers/{name}/stop t==2", 204),
        (f"DELETE /containers/{name}", 204),
    ]
    printed = []
    for line, status in steps:
        if "/logs" in line:
            wait_for_logs(podman_api, name)
        outcome, body, curl_line = run(session, out, err, line)
        assert outcome.status == status, (line, err.getvalue())
        assert curl_line and re.search(r"http://localhost/v1\.\d+/containers/", curl_line)  # negotiated
        printed.append((curl_line, status))
        if "ContainerInspect" in line:
            assert json.loads(body)["State"]["Running"] is True
        if "/logs" in line:
            assert body == STDOUT_BYTES  # demultiplexed, though Podman labels it application/octet-stream
            assert STDERR_BYTES in err.getvalue()
    session.close()
    # The same life again, by the curl lines as printed.
    for curl_line, status in printed:
        assert curl_status(curl_line) == str(status), curl_line


def test_logs_are_byte_exact_on_stdout_and_stderr(podman_host, spec_dir, podman_spec, podman_api, unique_name):
    start_logging_container(podman_api, unique_name)
    session, out, err = session_for(podman_host, spec_dir, verbose=False)
    outcome, body, _ = run(session, out, err, f"GET /containers/{unique_name}/logs stdout==1 stderr==1")
    assert outcome.status == 200
    assert (body, err.getvalue()) == (STDOUT_BYTES, STDERR_BYTES)
    # libpod's logs, pinned to a libpod version (/v5.0.0/libpod/…, which Podman takes whatever its own)
    libpod, lout, lerr = session_for(podman_host, spec_dir, verbose=False, spec=str(podman_spec),
                                     api_version="5.0.0")
    line = f"GET /libpod/containers/{unique_name}/logs stdout==true stderr==true"
    outcome, body, _ = run(libpod, lout, lerr, line)
    assert (outcome.status, body, lerr.getvalue()) == (200, STDOUT_BYTES, STDERR_BYTES)
    session.close(), libpod.close()
    podman_api.call("DELETE", f"/containers/{unique_name}?force=1")


def test_libpod_api_with_podmans_spec(podman_host, spec_dir, podman_spec, podman_api, unique_name):
    status, _ = podman_api.call("POST", f"/containers/create?name={unique_name}", {
        "Image": IMAGE, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201
    session, out, err = session_for(podman_host, spec_dir, spec=str(podman_spec))
    outcome, body, info_line = run(session, out, err, "GET /libpod/info")
    assert outcome.status == 200, err.getvalue()
    info = json.loads(body)
    assert {"host", "store", "version"} <= info.keys()
    # Podman answers libpod routes only under a version prefix (bar /libpod/_ping): explorer always sends one
    assert re.search(r"http://localhost/v[0-9.]+/libpod/info$", info_line), info_line
    outcome, body, list_line = run(session, out, err, "GET /libpod/containers/json all==true")
    assert outcome.status == 200
    names = {n for c in json.loads(body) for n in c["Names"]}
    assert unique_name in names  # libpod's names carry no leading "/"
    outcome, body, inspect_line = run(session, out, err, f"ContainerInspectLibpod name=={unique_name}")
    assert outcome.status == 200 and json.loads(body)["Name"] == unique_name  # an operationId of the spec
    session.close()
    # Pinned to a libpod version: /v5.0.0/libpod/…, which Podman takes whatever its own version.
    pinned, pout, perr = session_for(podman_host, spec_dir, spec=str(podman_spec), api_version="5.0.0")
    outcome, _, pinned_line = run(pinned, pout, perr, "GET /libpod/containers/json all==true")
    assert outcome.status == 200 and "http://localhost/v5.0.0/libpod/containers/json?all=true" in pinned_line
    pinned.close()
    for line in (info_line, list_line, inspect_line, pinned_line):
        assert curl_status(line) == "200", line
    by_curl = json.loads(curl(list_line, "-s").stdout)
    assert unique_name in {n for c in by_curl for n in c["Names"]}


def test_live_values_come_from_podman(podman_host, spec_dir, podman_api, unique_name):
    from explorer.completion import live, overlay

    status, _ = podman_api.call("POST", f"/containers/create?name={unique_name}", {
        "Image": IMAGE, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201
    session, _, _ = session_for(podman_host, spec_dir)
    get = live.engine_getter(session.endpoint())
    try:
        snapshot = live.collect(overlay.load(), get)
    finally:
        get.close()
    assert snapshot.reachable and snapshot.engine_kind == "podman"
    containers = {v.text for v in snapshot.for_param("name", "/libpod/containers/")}
    assert unique_name in containers
    assert {v.text for v in snapshot.for_param("id", "/containers/")} == containers  # one list feeds both
    images = {v.text for v in snapshot.for_param("name", "/libpod/images/")}
    assert "localhost/busybox:local" in images


def test_read_only_and_the_question_on_podman(podman_host, spec_dir, podman_spec, podman_api, unique_name):
    """Libpod's operations are classified too; the question names a Podman container as it names dockerd's."""
    status, _ = podman_api.call("POST", f"/containers/create?name={unique_name}", {
        "Image": IMAGE, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201
    try:
        pinned = ("--spec", str(podman_spec), "--api-version", "5.0.0", "--read-only")
        refused = cli(podman_host, spec_dir, *pinned, "-c", f"DELETE /libpod/containers/{unique_name}")
        assert refused.returncode == 2
        assert refused.stderr.decode().startswith("error: read-only: ContainerDeleteLibpod (DELETE /libpod/")
        waited = cli(podman_host, spec_dir, *pinned, "-c", f"POST /libpod/containers/{unique_name}/wait")
        assert waited.returncode == 0, waited.stderr  # a POST that changes nothing
        session, _, _ = session_for(podman_host, spec_dir, verbose=False, spec=str(podman_spec))
        session.console.interactive = True
        session.console.confirm = (asked := []).append  # answers None: no
        assert session.execute(f"DELETE /libpod/containers/{unique_name}").exit_code == 1
        session.close()
        assert asked == [f"Remove container {unique_name} (created, localhost/{IMAGE})? [y/N] "]
        assert podman_api.call("GET", f"/containers/{unique_name}/json")[0] == 200
    finally:
        podman_api.call("DELETE", f"/containers/{unique_name}?force=1")
