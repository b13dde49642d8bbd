"""Every response kind against the real engine, through session.execute: demultiplexed logs, Ctrl-C on
endless streams, events, load with progress, build (and its in-band error), exec, attach, archives."""
from __future__ import annotations

import io
import json
import os
import secrets
import shlex
import struct
import tarfile

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.integration.test_api_images import tar_of
from tests.integration.waiting import WAIT, WhenOpen, ctrl_c_once, waiting_in_libcurl

pytestmark = pytest.mark.engine


class Recorder(io.BytesIO):
    """A stdout that counts writes and can play Ctrl-C once it has seen one of `stop_at`."""

    def __init__(self, stop_at: tuple = ()):
        super().__init__()
        self.stop_at = stop_at
        self.writes = 0

    def write(self, data):
        self.writes += 1
        n = super().write(data)
        if any(marker in self.getvalue() for marker in self.stop_at):
            self.stop_at = ()
            raise KeyboardInterrupt  # what a Ctrl-C looks like, raised where a chunk is written
        return n


def explorer(engine_host, spec_dir, stdout=None, timeout=0, **flags):
    console = Console(stdout=stdout or Recorder(), stderr=io.BytesIO(), **flags)
    session = Session(Settings(host=engine_host, timeout=timeout), console,
                      env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})
    return session, console


def start_or_remove(docker_api, name):
    """Start container `name`; if the engine refuses, remove it, which ends a stream that waits on it
    (its attach, or an events stream stopping at "destroy") without a guess at timing."""
    status, body = docker_api.call("POST", f"/containers/{name}/start")
    if status != 204:
        docker_api.call("DELETE", f"/containers/{name}?force=1")
    return status, body


def kill(docker_api, name):
    """A rescue for ctrl_c_once: a stream from container `name`, or a wait on it, ends when it does."""
    return lambda: docker_api.call("POST", f"/containers/{name}/kill")


def running(docker_api, name) -> bool:
    return docker_api.call_json("GET", f"/containers/{name}/json")[1]["State"]["Running"]


def create(docker_api, name, image, cmd, start=True):
    status, body = docker_api.call_json("POST", f"/containers/create?name={name}", {
        "Image": image, "Cmd": cmd, "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    if start:
        assert docker_api.call("POST", f"/containers/{name}/start")[0] == 204
    return body["Id"]


@pytest.fixture(scope="module")
def sleeper(docker_api, busybox_image, _unique_name_cleanup):
    """A running container for exec and archive requests."""
    name = f"{_unique_name_cleanup}sleeper-{secrets.token_hex(3)}"
    create(docker_api, name, busybox_image, ["sleep", "60"])
    yield name
    docker_api.call("DELETE", f"/containers/{name}?force=1")


def test_logs_demultiplexed_byte_exact_with_frames_split_across_chunks(
        engine_host, spec_dir, docker_api, busybox_image, unique_name, monkeypatch, proven):
    # lines, a 50 kB line (split by the log driver), a NUL and UTF-8: the log file is JSON, so UTF-8 only
    script = "seq 1 40000; seq 1 20000 >&2; head -c 50000 /dev/zero | tr '\\0' a; printf '\\001\\000\\303\\251'"
    create(docker_api, unique_name, busybox_image, ["sh", "-c", script])
    docker_api.call("POST", f"/containers/{unique_name}/wait")
    session, console = explorer(engine_host, spec_dir)
    chunks = []
    real_send = session.transport().send

    def observed(req, sink=None, on_headers=None, eager=False, timeout=None):  # watches the chunks only
        return real_send(req, sink=sink and (lambda c: chunks.append(c) or sink(c)), on_headers=on_headers,
                         eager=eager, timeout=timeout)

    monkeypatch.setattr(session.transport(), "send", observed)
    assert session.execute(f"GET /containers/{unique_name}/logs stdout==1 stderr==1").ok
    numbers = b"".join(b"%d\n" % i for i in range(1, 40001))
    assert console.stdout.getvalue() == numbers + b"a" * 50000 + b"\x01\x00\xc3\xa9"
    assert console.stderr.getvalue() == b"".join(b"%d\n" % i for i in range(1, 20001))
    assert _frames_split(chunks), "no frame was split across chunks: the test proves nothing"
    proven("ContainerLogs")


def _frames_split(chunks) -> bool:
    """True when some chunk boundary falls inside a frame (header or payload)."""
    data, cuts, pos = b"".join(chunks), set(), 0
    for chunk in chunks:
        pos += len(chunk)
        cuts.add(pos)
    pos, starts = 0, set()
    while pos < len(data):
        starts.add(pos)
        pos += 8 + struct.unpack_from(">L", data, pos + 4)[0]
    return bool(cuts - starts - {len(data)})


def test_ctrl_c_ends_logs_follow_at_once_and_the_next_request_works(
        engine_host, spec_dir, docker_api, busybox_image, unique_name):
    create(docker_api, unique_name, busybox_image, ["sh", "-c", "echo first; exec sleep 600"])
    session, console = explorer(engine_host, spec_dir)
    # Ctrl-C once "first" is out and the stream idles in libcurl: no more bytes will come to let it in
    def first_then_idle():
        return console.stdout.getvalue() == b"first\n" and waiting_in_libcurl()

    try:
        with ctrl_c_once(first_then_idle, kill(docker_api, unique_name)) as seen, pytest.raises(KeyboardInterrupt):
            session.execute(f"GET /containers/{unique_name}/logs follow==1 stdout==1 stderr==1")
        assert seen == {"pressed": True, "ended": True}, f"the idle stream ignored Ctrl-C for {WAIT} s"
        assert console.stdout.getvalue() == b"first\n"
        assert running(docker_api, unique_name)  # ended by Ctrl-C: the stream ends by itself with the container
        console.stdout.seek(0), console.stdout.truncate()
        assert session.execute("GET /_ping").ok and console.stdout.getvalue() == b"OK"
        assert session.execute(f"GET /containers/{unique_name}/json").ok
    finally:
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")


def test_in_the_repl_ctrl_c_ends_a_waiting_json_request_too(
        engine_host, spec_dir, docker_api, busybox_image, unique_name):
    """POST /wait answers JSON, collected whole; in the REPL a Ctrl-C still ends it at once."""
    create(docker_api, unique_name, busybox_image, ["sleep", "600"])
    session, console = explorer(engine_host, spec_dir, interactive=True)
    assert session.execute("GET /_ping").ok
    try:
        with ctrl_c_once(waiting_in_libcurl, kill(docker_api, unique_name)) as seen, pytest.raises(KeyboardInterrupt):
            session.execute(f"POST /containers/{unique_name}/wait")
        assert seen == {"pressed": True, "ended": True}, f"the waiting request ignored Ctrl-C for {WAIT} s"
        assert running(docker_api, unique_name)  # the wait was ended by Ctrl-C, not by the container
        assert session.execute(f"GET /containers/{unique_name}/json").ok  # the session goes on
    finally:
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")


def test_events_arrive_while_a_container_starts(engine_host, spec_dir, docker_api, busybox_image, unique_name,
                                                monkeypatch, proven):
    cid = create(docker_api, unique_name, busybox_image, ["sh", "-c", "exit 0"], start=False)
    # The user stops the endless stream (Ctrl-C) once the event is shown, or the container's removal
    # after a failed start; with no event at all the request's own timeout ends it.
    stdout = Recorder(stop_at=(b'"Action":"start"', b'"Action":"destroy"'))
    session, console = explorer(engine_host, spec_dir, stdout=stdout, timeout=WAIT)
    starter = WhenOpen(monkeypatch, session, lambda: start_or_remove(docker_api, cid))
    flt = json.dumps({"container": [cid]}, separators=(",", ":"))
    try:
        outcome = session.execute(f"GET /events filters=={shlex.quote(flt)}")
    except KeyboardInterrupt:
        outcome = None
    started = starter.outcome()
    assert not isinstance(started, Exception) and started[0] == 204, f"the container did not start: {started}"
    assert outcome is None, f"no start event within {WAIT} s: {console.stderr.getvalue()!r}"
    events = [json.loads(line) for line in console.stdout.getvalue().splitlines()]
    assert any(e["Action"] == "start" and e["id"] == cid for e in events)
    proven("SystemEvents")
    assert session.execute("GET /_ping").ok


BUILD = b"FROM busybox:local\nRUN echo built-%s && head -c 300000 /dev/urandom > /blob\n"


@pytest.fixture(scope="module")
def built(engine_host, spec_dir, busybox_image, docker_api, tmp_path_factory, _unique_name_cleanup):
    """An image built through engine-explorer from a tar context: (tag, stdout, outcome, writes)."""
    tag = f"{_unique_name_cleanup}img:{secrets.token_hex(3)}"
    token = secrets.token_hex(4).encode()
    context = tmp_path_factory.mktemp("build") / "context.tar"
    context.write_bytes(tar_of({"Dockerfile": BUILD % token}))
    session, console = explorer(engine_host, spec_dir, tty=True)
    outcome = session.execute(f"POST /build networkmode==none t=={tag} @{context}")
    yield tag, token, console.stdout.getvalue(), outcome, console.stdout.writes
    docker_api.call("DELETE", f"/images/{tag}?force=1")


def test_build_of_a_tar_context_streams_its_output(built, docker_api, proven):
    tag, token, out, outcome, writes = built
    assert outcome.ok, out
    text = out.decode()
    assert "Step 2/2 : RUN echo built-" in text and f"built-{token.decode()}\n" in text
    assert f"Successfully tagged {tag}" in text
    assert writes >= 4  # shown as it came, not at the end
    assert docker_api.call("GET", f"/images/{tag}/json")[0] == 200
    proven("ImageBuild")


def test_in_band_build_error_fails_with_exit_1(engine_host, spec_dir, busybox_image, tmp_path):
    context = tmp_path / "bad.tar"
    context.write_bytes(tar_of({"Dockerfile": b"FROM busybox:local\nRUN false\n"}))
    session, console = explorer(engine_host, spec_dir)
    outcome = session.execute(f"POST /build networkmode==none forcerm==1 @{context}")  # leaves no container
    assert (outcome.exit_code, outcome.status) == (1, 200)
    assert b"returned a non-zero code: 1" in console.stderr.getvalue()
    assert console.stderr.getvalue().startswith(b"error: ")


def test_images_load_of_a_tar_with_progress(engine_host, spec_dir, built, docker_api, tmp_path, proven):
    tag = built[0]
    saved = tmp_path / "image.tar"
    session, console = explorer(engine_host, spec_dir)
    assert session.execute(f"GET /images/{tag}/get > {saved}").ok
    assert tarfile.open(saved).getmember("manifest.json")
    assert docker_api.call("DELETE", f"/images/{tag}")[0] == 200  # so the layer really loads
    session, console = explorer(engine_host, spec_dir, tty=True)
    assert session.execute(f"POST /images/load quiet==0 @{saved}").ok
    lines = console.stdout.getvalue().decode().splitlines()
    assert any(line.endswith(": Loading layer") for line in lines), lines
    assert f"Loaded image: {tag}" in lines
    assert docker_api.call("GET", f"/images/{tag}/json")[0] == 200
    proven("ImageGet", "ImageLoad")


def test_exec_start_output_demultiplexed(engine_host, spec_dir, sleeper, proven):
    session, console = explorer(engine_host, spec_dir)
    cmd = '["sh","-c","printf \\"to-out\\\\377\\\\n\\"; echo to-err >&2; echo again"]'
    assert session.execute(f"POST /containers/{sleeper}/exec AttachStdout:=true AttachStderr:=true 'Cmd:={cmd}'").ok
    exec_id = json.loads(console.stdout.getvalue())["Id"]
    console.stdout.seek(0), console.stdout.truncate()
    assert session.execute(f"POST /exec/{exec_id}/start Detach:=false Tty:=false").ok
    assert console.stdout.getvalue() == b"to-out\xff\nagain\n"
    assert console.stderr.getvalue() == b"to-err\n"
    proven("ContainerExec", "ExecStart")


def test_attach_streams_until_the_process_ends(engine_host, spec_dir, docker_api, busybox_image, unique_name,
                                               monkeypatch, proven):
    create(docker_api, unique_name, busybox_image, ["sh", "-c", "echo a; echo b >&2"], start=False)
    session, console = explorer(engine_host, spec_dir, interactive=True, timeout=WAIT)
    # The engine answers an attach once the container's streams are attached: start it then.
    starter = WhenOpen(monkeypatch, session, lambda: start_or_remove(docker_api, unique_name))
    outcome = session.execute(f"POST /containers/{unique_name}/attach stream==1 stdout==1 stderr==1")
    started = starter.outcome()
    assert not isinstance(started, Exception) and started[0] == 204, f"the container did not start: {started}"
    assert outcome.ok, console.stderr.getvalue()
    shown = console.stdout.getvalue()
    assert b"a\n" in shown and b"err| b\n" in shown
    proven("ContainerAttach")


def test_archive_put_then_get_round_trip_and_path_stat(engine_host, spec_dir, sleeper, tmp_path, proven):
    payload = os.urandom(100_000)
    upload = tmp_path / "in.tar"
    upload.write_bytes(tar_of({"hello.bin": payload}))
    session, console = explorer(engine_host, spec_dir)
    assert session.execute(f"PUT /containers/{sleeper}/archive path==/tmp @{upload}").ok
    download = tmp_path / "out.tar"
    assert session.execute(f"GET /containers/{sleeper}/archive path==/tmp/hello.bin > {download}").ok
    with tarfile.open(download) as tar:
        assert tar.extractfile("hello.bin").read() == payload
    console.stdout.seek(0), console.stdout.truncate()
    assert session.execute(f"HEAD /containers/{sleeper}/archive path==/tmp/hello.bin").ok
    stat = json.loads(console.stdout.getvalue())
    assert stat["name"] == "hello.bin" and stat["size"] == len(payload)
    proven("PutContainerArchive", "ContainerArchive", "ContainerArchiveInfo")


def test_export_to_a_file_and_never_to_a_terminal(engine_host, spec_dir, sleeper, tmp_path, proven):
    out = tmp_path / "export.tar"
    session, console = explorer(engine_host, spec_dir)
    assert session.execute(f"GET /containers/{sleeper}/export > {out}").ok
    with tarfile.open(out) as tar:
        assert "bin/busybox" in tar.getnames() or "bin/sh" in tar.getnames()
    proven("ContainerExport")
    session, console = explorer(engine_host, spec_dir, tty=True)
    assert session.execute(f"GET /containers/{sleeper}/export").exit_code == 2
    assert console.stdout.getvalue() == b"" and b"> FILE" in console.stderr.getvalue()
