"""Every response kind against the real engine, through session.execute: demultiplexed logs, Ctrl-C on
endless streams, events, load with progress, build (and its in-band error), exec, attach, archives."""
from __future__ import annotations

import io
import json
import os
import secrets
import shlex
import signal
import struct
import tarfile
import threading
import time

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session

pytestmark = pytest.mark.engine


class Recorder(io.BytesIO):
    """A stdout that counts writes and can play Ctrl-C once it has seen `stop_at`."""

    def __init__(self, stop_at: bytes | None = None):
        super().__init__()
        self.stop_at = stop_at
        self.writes = 0

    def write(self, data):
        self.writes += 1
        n = super().write(data)
        if self.stop_at is not None and self.stop_at in self.getvalue():
            self.stop_at = None
            raise KeyboardInterrupt  # what a Ctrl-C looks like, raised where a chunk is written
        return n


def explorer(engine_host, spec_dir, stdout=None, **flags):
    console = Console(stdout=stdout or Recorder(), stderr=io.BytesIO(), **flags)
    session = Session(Settings(host=engine_host), console, env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})
    return session, console


def create(docker_api, name, image, cmd, start=True):
    status, body = docker_api.call_json("POST", f"/containers/create?name={name}", {
        "Image": image, "Cmd": cmd, "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    if start:
        assert docker_api.call("POST", f"/containers/{name}/start")[0] == 204
    return body["Id"]


def tar_of(files: dict) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


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

    def observed(req, sink=None, on_headers=None, eager=False):  # watches the chunks; changes nothing
        return real_send(req, sink=sink and (lambda c: chunks.append(c) or sink(c)), on_headers=on_headers,
                         eager=eager)

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
    create(docker_api, unique_name, busybox_image, ["sh", "-c", "echo first; sleep 30"])
    session, console = explorer(engine_host, spec_dir)
    fired = []

    def ctrl_c():
        fired.append(time.perf_counter())
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    timer = threading.Timer(0.5, ctrl_c)  # the stream is idle by then: only "first" was written
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        session.execute(f"GET /containers/{unique_name}/logs follow==1 stdout==1 stderr==1")
    latency = time.perf_counter() - fired[0]
    assert console.stdout.getvalue() == b"first\n"
    assert latency < 0.2, f"Ctrl-C took {latency:.3f} s"
    console.stdout.seek(0), console.stdout.truncate()
    assert session.execute("GET /_ping").ok and console.stdout.getvalue() == b"OK"
    assert session.execute(f"GET /containers/{unique_name}/json").ok


def test_in_the_repl_ctrl_c_ends_a_waiting_json_request_too(
        engine_host, spec_dir, docker_api, busybox_image, unique_name):
    """POST /wait answers JSON, collected whole; in the REPL a Ctrl-C still ends it at once."""
    create(docker_api, unique_name, busybox_image, ["sleep", "30"])
    session, console = explorer(engine_host, spec_dir, interactive=True)
    assert session.execute("GET /_ping").ok
    fired = []

    def ctrl_c():
        fired.append(time.perf_counter())
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    timer = threading.Timer(0.5, ctrl_c)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        session.execute(f"POST /containers/{unique_name}/wait")
    assert time.perf_counter() - fired[0] < 0.2
    assert session.execute(f"GET /containers/{unique_name}/json").ok  # the session goes on


def test_events_arrive_while_a_container_starts(engine_host, spec_dir, docker_api, busybox_image, unique_name,
                                                proven):
    cid = create(docker_api, unique_name, busybox_image, ["true"], start=False)
    session, console = explorer(engine_host, spec_dir, stdout=Recorder(stop_at=b'"Action":"start"'))
    timer = threading.Timer(0.3, lambda: docker_api.call("POST", f"/containers/{cid}/start"))
    timer.start()
    flt = json.dumps({"container": [cid]}, separators=(",", ":"))
    with pytest.raises(KeyboardInterrupt):  # the user stops the endless stream after the event
        session.execute(f"GET /events filters=={shlex.quote(flt)}")
    timer.join()
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
                                              proven):
    create(docker_api, unique_name, busybox_image, ["sh", "-c", "sleep 0.3; echo a; echo b >&2"], start=False)
    session, console = explorer(engine_host, spec_dir, interactive=True)
    timer = threading.Timer(0.3, lambda: docker_api.call("POST", f"/containers/{unique_name}/start"))
    timer.start()
    assert session.execute(f"POST /containers/{unique_name}/attach stream==1 stdout==1 stderr==1").ok
    timer.join()
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
