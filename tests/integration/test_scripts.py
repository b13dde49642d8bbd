"""Scripts against the real engine: replay with -f, --keep-going, --dry-run, save from the REPL, sh export."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse

import pytest

from tests.replsession import run_session

pytestmark = pytest.mark.engine

LIFECYCLE = """\
# A container's life, as a script: create, capture its id, start, check, read the logs, delete.
POST /containers/create name=={{name}} Image={{image}} HostConfig[NetworkMode]=none \\
    'Cmd:=["sh","-c","echo hello from {{name}}; sleep 1"]'
expect status 201
set cid = .Id
expect .Id matches "^[0-9a-f]{64}$"

POST /containers/{{cid}}/start
expect status 204
GET /containers/{{cid}}/json
expect .State.Running == true
expect .Name == /{{name}}
expect header Content-Type contains json
POST /containers/{{cid}}/wait
expect .StatusCode == 0
GET /containers/{{cid}}/logs stdout==1
DELETE /containers/{{cid}}
expect status 204
GET /containers/{{cid}}/json
expect status 404
"""
RUNNING = "expect .State.Running == true"
WRONG_LINE = LIFECYCLE.splitlines().index(RUNNING) + 1
COMMANDS = 17


def explorer(*args, host, timeout=60):
    """`engine-explorer ARGS` in a subprocess against the engine: (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "explorer", "-H", host, *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout, done.stderr


def containers_named(docker_api, name):
    query = urllib.parse.quote(json.dumps({"name": [name]}))
    _, found = docker_api.call_json("GET", f"/containers/json?all=1&filters={query}")
    return [c for c in found if f"/{name}" in c["Names"]]


@pytest.fixture
def script(tmp_path):
    """write(text) → the path of life.ee holding `text`."""
    def write(text=LIFECYCLE):
        path = tmp_path / "life.ee"
        path.write_text(text)
        return str(path)
    return write


def test_the_lifecycle_script_passes(engine_host, busybox_image, docker_api, unique_name, script):
    code, out, err = explorer("-f", script(), "--var", f"name={unique_name}", "--var", f"image={busybox_image}",
                              host=engine_host)
    assert (code, err) == (0, "")
    assert f"hello from {unique_name}\n" in out  # the logs, demultiplexed
    assert '"StatusCode":0' in out
    assert containers_named(docker_api, unique_name) == []


def test_a_wrong_expectation_stops_the_script_naming_its_line(engine_host, busybox_image, docker_api,
                                                             unique_name, script):
    path = script(LIFECYCLE.replace(RUNNING, "expect .State.Running == false"))
    code, out, err = explorer("-f", path, "--var", f"name={unique_name}", "--var", f"image={busybox_image}",
                              host=engine_host)
    assert code == 1
    assert err == f"{path}:{WRONG_LINE}: expected .State.Running == false, got true\n"
    assert f"hello from {unique_name}\n" not in out  # it stopped before the logs
    assert len(containers_named(docker_api, unique_name)) == 1


def test_keep_going_runs_on_and_sums_up(engine_host, busybox_image, docker_api, unique_name, script):
    path = script(LIFECYCLE.replace(RUNNING, "expect .State.Running == false"))
    code, out, err = explorer("-f", path, "--keep-going", "--var", f"name={unique_name}",
                              "--var", f"image={busybox_image}", host=engine_host)
    assert code == 1
    assert err.splitlines() == [f"{path}:{WRONG_LINE}: expected .State.Running == false, got true",
                                f"{COMMANDS - 1} passed, 1 failed"]
    assert f"hello from {unique_name}" in out
    assert containers_named(docker_api, unique_name) == []


def test_dry_run_sends_nothing(engine_host, busybox_image, docker_api, unique_name, script):
    code, out, err = explorer("-f", script(), "--dry-run", "--var", f"name={unique_name}",
                              "--var", f"image={busybox_image}", host=engine_host)
    assert (code, err) == (0, "")
    curl_lines = out.splitlines()
    assert len(curl_lines) == 7 and all(line.startswith("curl --unix-socket ") for line in curl_lines)
    assert f"containers/create?name={unique_name}" in curl_lines[0]
    assert "/containers/'\"$cid\"'/start" in curl_lines[1]
    assert containers_named(docker_api, unique_name) == []


def test_a_saved_repl_session_replays_with_f(engine_host, spec_dir, busybox_image, docker_api, unique_name,
                                            tmp_path):
    saved = tmp_path / "session.ee"
    typed = [
        f"set name = {unique_name}",
        f"POST /containers/create name=={{{{name}}}} Image={busybox_image} HostConfig[NetworkMode]=none "
        "'Cmd:=[\"sleep\",\"30\"]'",
        "set cid = .Id",
        "curl POST /containers/{{cid}}/start",  # a preview: not saved
        "help ContainerStart",
        "POST /containers/{{cid}}/start",
        "vars",
        "GET /containers/{{cid}}/json",
        "expect .State.Running == true",
        "expect .State.Running == false",  # failed: not saved
        "GET /containers/{{name}}-nope/json",
        "expect status 404",
        "DELETE /containers/{{cid}} force==1",
        f"save {saved}",
    ]

    def session(t):
        for line in typed:
            t.enter(line, answer="y" if line.startswith("DELETE") else None)  # Remove container …? [y/N]

    code, _, _, _ = run_session(session, engine_host, str(spec_dir))
    assert code == 0
    lines = [ln for ln in saved.read_text().splitlines() if not ln.startswith("#")]
    assert lines == [typed[0], typed[1], typed[2], typed[5], typed[7], typed[8], typed[10], typed[11], typed[12]]
    assert containers_named(docker_api, unique_name) == []
    code, out, err = explorer("-f", str(saved), host=engine_host)
    assert (code, err) == (0, "")
    assert containers_named(docker_api, unique_name) == []


@pytest.mark.skipif(not (shutil.which("jq") and shutil.which("curl")), reason="needs curl and jq")
def test_the_exported_sh_script_runs_the_lifecycle(engine_host, busybox_image, docker_api, unique_name,
                                                   script, tmp_path):
    exported = tmp_path / "life.sh"
    path = script()
    code, _, err = explorer("--export", str(exported), "-f", path, "--var", f"name={unique_name}",
                            "--var", f"image={busybox_image}", host=engine_host)
    assert (code, err) == (0, "")
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": engine_host}  # no python, no engine-explorer needed
    done = subprocess.run(["sh", str(exported)], capture_output=True, text=True, timeout=60, env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert f"hello from {unique_name}" in done.stdout
    assert containers_named(docker_api, unique_name) == []

    script(LIFECYCLE.replace(RUNNING, "expect .State.Running == false"))
    code, _, err = explorer("--export", str(exported), "-f", path, host=engine_host)
    assert code == 0, err
    other = unique_name + "-sh"
    done = subprocess.run(["sh", str(exported)], capture_output=True, text=True, timeout=60,
                          env={**env, "name": other, "image": busybox_image})
    assert done.returncode == 1
    assert done.stderr == f"{path}:{WRONG_LINE}: expected .State.Running == false, got true\n"
    assert len(containers_named(docker_api, other)) == 1  # it stopped where replay stops
