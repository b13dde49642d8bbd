"""The Exec API on the sandbox engine, through engine-explorer: create, start, inspect, resize; the
effects checked with the raw client, the printed curl lines re-run by curl where the state allows."""
from __future__ import annotations

import json
import secrets

import pytest

from tests.integration.apidriver import exec_in, rerun, wait_for

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def sleeper(docker_api, busybox_image, _unique_name_cleanup):
    """A running container to exec in; its Id."""
    name = f"{_unique_name_cleanup}exec-{secrets.token_hex(3)}"
    status, body = docker_api.call_json("POST", f"/containers/create?name={name}", {
        "Image": busybox_image, "Cmd": ["sleep", "600"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert docker_api.call("POST", f"/containers/{name}/start")[0] == 204
    yield body["Id"]
    docker_api.call("DELETE", f"/containers/{body['Id']}?force=1")


def test_exec_create_start_and_inspect_its_exit_code(ee, docker_api, sleeper, proven):
    token = secrets.token_hex(4)
    create = ee.send(f"POST /containers/{sleeper}/exec AttachStdout:=true AttachStderr:=true "
                     f"'Cmd:=[\"sh\",\"-c\",\"echo out-{token}; echo err-{token} >&2; exit 3\"]'", 201)
    exec_id = create.json()["Id"]
    status, before = docker_api.call_json("GET", f"/exec/{exec_id}/json")
    assert (status, before["Running"], before["ContainerID"]) == (200, False, sleeper)
    start = ee.send(f"POST /exec/{exec_id}/start Detach:=false", 200)
    assert start.body == f"out-{token}\n".encode()  # stdout; stderr went to stderr
    inspected = ee.send(f"GET /exec/{exec_id}/json", 200).json()
    assert (inspected["Running"], inspected["ExitCode"]) == (False, 3)
    assert inspected["ProcessConfig"]["arguments"][-1].endswith("exit 3")
    proven("ContainerExec", "ExecStart", "ExecInspect")
    again = json.loads(rerun(create))["Id"]  # a second exec of the same command
    assert again != exec_id and docker_api.call_json("GET", f"/exec/{again}/json")[1]["Running"] is False
    # The start curl line names the exec that has run: an exec runs once, so it is not re-run.


def test_exec_resize_sets_the_size_of_its_tty(ee, docker_api, sleeper, proven):
    size_file = f"/tmp/size-{secrets.token_hex(4)}"
    loop = f"while :; do busybox stty size > {size_file}.new && mv {size_file}.new {size_file}; sleep 0.02; done"
    create = ee.send(f"POST /containers/{sleeper}/exec Tty:=true 'Cmd:=[\"sh\",\"-c\",\"{loop}\"]'", 201)
    exec_id = create.json()["Id"]
    ee.send(f"POST /exec/{exec_id}/start Detach:=true Tty:=true", 200)

    def size_is(expected: str):
        return lambda: exec_in(docker_api, sleeper, "cat", size_file).strip() == expected

    wait_for("the exec to run", lambda: docker_api.call_json("GET", f"/exec/{exec_id}/json")[1]["Running"])
    resize = ee.send(f"POST /exec/{exec_id}/resize h==21 w==77", 200)
    wait_for("the exec's tty to be 21x77", size_is("21 77"))
    proven("ExecResize", "ExecStart")
    assert docker_api.call("POST", f"/exec/{exec_id}/resize?h=10&w=40")[0] == 200
    wait_for("the exec's tty to be 10x40", size_is("10 40"))
    rerun(resize)
    wait_for("the exec's tty to be 21x77 again", size_is("21 77"))
