"""--read-only against the real engine: changes are refused before sending, in one line; reads and harmless POSTs go."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.repl.app import Repl
from explorer.shell.session import Session

pytestmark = pytest.mark.engine


def run(host, spec_dir, *args, env_extra=None):
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir), **(env_extra or {}))
    env.pop("DOCKER_HOST", None)
    return subprocess.run([sys.executable, "-m", "explorer", "-H", host, "--read-only", *args],
                          capture_output=True, timeout=60, env=env)


def state(docker_api, name):
    status, body = docker_api.call_json("GET", f"/containers/{name}/json")
    return body["State"]["Status"] if status == 200 else status


@pytest.mark.parametrize("line", [
    "POST /containers/{c}/stop t==0",
    "!POST /containers/{c}/kill",  # `!` skips the spec's checks, never --read-only
    "DELETE /containers/{c} force==1",
    "POST /containers/{c}/exec 'Cmd:=[\"touch\",\"/tmp/x\"]' AttachStdout:=true",
    "ContainerAttach id=={c} stream==1 stdin==1",
    "!GET /containers/{c}/attach/ws stdin==1 stream==1",  # v1.41 lists no stdin; the engine takes it
    "curl -X POST http://localhost/v1.41/containers/{c}/pause",
])
def test_a_change_is_refused_in_one_line_and_nothing_is_sent(line, engine_host, spec_dir, docker_api, sleeper):
    done = run(engine_host, spec_dir, "-c", line.format(c=sleeper))
    assert done.returncode == 2 and done.stdout == b""
    err = done.stderr.decode().splitlines()
    assert len(err) == 1 and err[0].startswith("error: read-only: ") and "not sent" in err[0], err
    assert state(docker_api, sleeper) == "running"
    status, execs = docker_api.call_json("GET", f"/containers/{sleeper}/json")
    assert not execs["ExecIDs"]  # not even an exec instance was made


def test_exec_start_is_refused_too(engine_host, spec_dir, docker_api, sleeper):
    status, made = docker_api.call_json("POST", f"/containers/{sleeper}/exec",
                                        {"Cmd": ["touch", "/tmp/ee-written"], "AttachStdout": True})
    assert status == 201
    done = run(engine_host, spec_dir, "-c", f"POST /exec/{made['Id']}/start Detach:=true")
    assert done.returncode == 2 and b"read-only: ExecStart" in done.stderr
    assert docker_api.call_json("GET", f"/exec/{made['Id']}/json")[1]["Running"] is False
    _, body = docker_api.call_json("GET", f"/exec/{made['Id']}/json")
    assert body["ExitCode"] is None  # never ran


def test_reads_and_harmless_posts_go(engine_host, spec_dir, docker_api, busybox_image, unique_name, sleeper):
    stopped = unique_name + "-done"
    status, _ = docker_api.call_json("POST", f"/containers/create?name={stopped}", {
        "Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201
    try:
        done = run(engine_host, spec_dir, "-c", f"GET /containers/{sleeper}/json", "-c", "/_ping",
                   "-c", f"POST /containers/{stopped}/wait condition==not-running",
                   "-c", f"HEAD /containers/{sleeper}/archive path==/bin")
        assert done.returncode == 0, done.stderr
        assert b'"StatusCode":0' in done.stdout
    finally:
        docker_api.call("DELETE", f"/containers/{stopped}?force=1")


def test_auth_is_harmless(engine_host, spec_dir, registry):
    """POST, yet it changes nothing: the engine checks the credentials with the (real) registry."""
    done = run(engine_host, spec_dir, "-c", f"POST /auth username={registry.user} password={{{{env.PW}}}} "
               f"serveraddress={registry.host}", env_extra={"PW": registry.password})
    assert done.returncode == 0, done.stderr
    assert b"Login Succeeded" in done.stdout


def test_a_script_stops_at_the_first_refused_line_with_exit_2(engine_host, spec_dir, docker_api, sleeper, tmp_path):
    script = tmp_path / "s.ee"
    script.write_text(f"GET /containers/{sleeper}/json\nPOST /containers/{sleeper}/stop t==0\n/_ping\n")
    for extra in ((), ("--keep-going",)):
        done = run(engine_host, spec_dir, *extra, "-f", str(script))
        assert done.returncode == 2, done.stderr
        err = done.stderr.decode().splitlines()
        assert err[0].startswith("error: read-only: ContainerStop (POST /containers/")
        assert err[1] == f"{script}:2: failed: POST /containers/{sleeper}/stop t==0"
        assert b"OK" not in done.stdout  # line 3 never ran
    assert state(docker_api, sleeper) == "running"


def test_the_prompt_says_read_only_and_the_shell_goes_on(engine_host, spec_dir, docker_api, sleeper):
    out, err = io.BytesIO(), io.BytesIO()
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    session = Session(Settings(host=engine_host, interactive=True, read_only=True),
                      Console(stdout=out, stderr=err, interactive=True), env=env, commands=dispatcher())
    with create_pipe_input() as inp:
        repl = Repl(session, input=inp, output=DummyOutput())
        prompt = "".join(text for _, text in repl._message())
        inp.send_text(f"POST /containers/{sleeper}/stop\r!DELETE /containers/{sleeper} force==1\rGET /_ping\rexit\r")
        assert repl.run() == 0
    session.close()
    assert prompt.endswith(" read-only > ")
    assert err.getvalue().decode().count("error: read-only: ") == 2
    assert "OK" in out.getvalue().decode()
    assert state(docker_api, sleeper) == "running"


def test_config_toml_turns_it_on_and_a_flag_beats_the_file(engine_host, spec_dir, docker_api, sleeper, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("read-only = true\n")
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))

    def explorer(*args):
        return subprocess.run([sys.executable, "-m", "explorer", "-H", engine_host, "--config", str(config), *args],
                              capture_output=True, timeout=60, env=env)

    refused = explorer("-c", f"POST /containers/{sleeper}/pause")
    assert refused.returncode == 2 and refused.stderr.startswith(b"error: read-only: ContainerPause")
    listed = explorer("-c", "config")
    assert b"read-only = true" in listed.stdout and b"config file, line 1" in listed.stdout
    allowed = explorer("-o", "read-only=false", "-c", f"POST /containers/{sleeper}/pause",
                       "-c", f"POST /containers/{sleeper}/unpause")
    assert allowed.returncode == 0, allowed.stderr
    assert state(docker_api, sleeper) == "running"
