"""Whole REPL sessions against the real engine: type, press Tab, see what is offered; run requests."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests.replsession import run_session, wait_for

pytestmark = pytest.mark.engine

WAIT_S = 30.0  # generous: a loaded machine is slow, and nothing here asserts a duration
CREATE = "POST /containers/create name=={name} Image={image} HostConfig[NetworkMode]=none 'Cmd:=[\"true\"]'"


@pytest.fixture
def existing_container(docker_api, busybox_image, unique_name):
    status, _ = docker_api.call("POST", f"/containers/create?name={unique_name}",
                                {"Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201
    yield unique_name
    docker_api.call("DELETE", f"/containers/{unique_name}?force=1")


def test_completion_offers_spec_items_and_live_values(engine_host, spec_dir, existing_container):
    seen = {}

    def script(t):
        t.settle()
        seen["containers"] = t.tab("GET /containers/")
        t.cancel()
        seen["create"] = t.tab("POST /containers/create ")
        t.cancel()
        seen["list"] = t.tab("GET /containers/json ")
        t.cancel()
        seen["opids"] = t.tab("ContainerL")
        t.cancel()
        seen["opid"] = t.tab("ContainerLi")
        t.cancel()

    code, out, err, _ = run_session(script, engine_host, str(spec_dir))
    assert code == 0 and err == ""
    containers = seen["containers"].menu
    assert existing_container + "/" in containers  # GET needs a sub-path after the name
    assert "json" in containers and "create" not in containers and "{id}/" not in containers
    assert seen["containers"].line == "GET /containers/"  # json and the names share nothing more
    assert "Image=" in seen["create"].menu and "HostConfig[" in seen["create"].menu
    assert seen["list"].menu[:1] == ["all=="]
    assert seen["opids"] == ("ContainerL", ["ContainerList", "ContainerLogs"])
    assert seen["opid"].line == "ContainerList"


def test_a_container_created_in_the_session_becomes_a_live_value(engine_host, spec_dir, busybox_image,
                                                                  unique_name, docker_api):
    seen = {}

    def script(t):
        t.settle()
        seen["before"] = t.tab("DELETE /containers/" + unique_name[:-3])
        t.cancel()
        t.enter(CREATE.format(name=unique_name, image=busybox_image))
        assert t.repl.live.wait(10)  # the refresh the request asked for, in the background
        seen["after"] = t.tab("DELETE /containers/" + unique_name[:-3])
        t.cancel()
        t.enter(f"GET /containers/{unique_name}/json")
        t.enter(f"DELETE /containers/{unique_name}", answer="y")  # Remove container …? [y/N]

    try:
        code, out, err, repl = run_session(script, engine_host, str(spec_dir))
    finally:
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")
    assert seen["before"] == ("DELETE /containers/" + unique_name[:-3], [])
    assert seen["after"].line == "DELETE /containers/" + unique_name
    assert "201 Created" in out and "204 No Content" in out
    assert f'"Name": "/{unique_name}"' in out
    assert "--data-binary" in out and "NetworkMode" in out  # the curl line is printed first
    assert repl.last_request == f"DELETE /containers/{unique_name}"


def test_prompt_shows_engine_and_version_and_bad_lines_do_not_end_the_session(engine_host, spec_dir, docker_api,
                                                                              existing_container):
    seen = {}

    def script(t):
        t.settle()
        seen["prompt"] = "".join(text for _, text in t.repl._message())
        t.enter("GET /nope")
        t.enter("GET '/containers/json")
        t.enter("GET /containers/json all==1")
        assert wait_for(lambda: t.repl.live.following, WAIT_S)
        t.enter("refresh")

    code, out, err, _ = run_session(script, engine_host, str(spec_dir))
    assert code == 0
    assert seen["prompt"] == "docker 1.41 > "
    errors = err.strip().splitlines()
    assert len(errors) == 2 and errors[0].startswith("error: unknown path /nope")
    assert "200 OK" in out and "Traceback" not in out + err
    _, containers = docker_api.call_json("GET", "/containers/json?all=1")
    # a container is one, though completion offers its name and its ID
    assert f"live values: {len(containers)} containers, " in out
    assert out.rstrip().endswith("; following the engine's events")


def test_a_tab_typed_in_the_same_burst_as_the_start_inserts_the_only_live_name(engine_host, spec_dir,
                                                                               existing_container):
    """The keys come before the first prompt is drawn, the spec read or the live values in."""
    line = "GET /containers/" + existing_container[:-3]
    seen = {}

    def script(t):
        t.inp.send_text(line + "\t")  # at once, as a fast typist or a paste right after the start
        wait_for(lambda: t.buffer.text.startswith(line) and t.buffer.text != line, WAIT_S)
        seen["line"] = t.buffer.text
        t.cancel()

    code, _, err, _ = run_session(script, engine_host, str(spec_dir))
    assert code == 0 and err == ""
    assert seen["line"] == f"GET /containers/{existing_container}/"


@pytest.fixture
def two_containers(docker_api, busybox_image, unique_name):
    names = [unique_name + "-alpha", unique_name + "-alpine"]
    for name in names:
        status, _ = docker_api.call("POST", f"/containers/create?name={name}",
                                    {"Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
        assert status == 201
    yield names
    for name in names:
        docker_api.call("DELETE", f"/containers/{name}?force=1")


def test_tab_inserts_what_live_names_share_then_shows_them(engine_host, spec_dir, two_containers):
    seen = {}
    prefix = two_containers[0][:-4]  # …-al

    def script(t):
        t.settle()
        seen["first"] = t.tab("DELETE /containers/" + prefix)
        seen["second"] = t.press_tab()  # walks the menu
        t.cancel()

    code, _, err, _ = run_session(script, engine_host, str(spec_dir))
    assert code == 0 and err == ""
    shared = two_containers[0][:-2]  # …-alp
    assert seen["first"].line == "DELETE /containers/" + shared
    assert sorted(seen["first"].menu) == two_containers  # in the engine's order
    assert seen["second"].line == "DELETE /containers/" + seen["first"].menu[0]


def test_a_container_created_from_outside_is_offered(engine_host, engine_socket, spec_dir, busybox_image,
                                                     unique_name, docker_api):
    """No request of the session changes anything: the engine's events bring the name."""
    seen = {}
    body = {"Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}}

    def live_names(t):
        return {v.text for v in t.repl.live.snapshot.values.get("containers", ())}

    def script(t):
        t.settle()
        assert wait_for(lambda: t.repl.live.following, WAIT_S), "the events stream never connected"
        assert unique_name not in live_names(t)
        subprocess.run(["curl", "-sSf", "--unix-socket", engine_socket, "-H", "Content-Type: application/json",
                        "--data-binary", json.dumps(body), f"http://localhost/containers/create?name={unique_name}"],
                       check=True, capture_output=True, timeout=WAIT_S)
        assert wait_for(lambda: unique_name in live_names(t), WAIT_S), "the new container was never offered"
        seen["tab"] = t.tab("DELETE /containers/" + unique_name[:-3])
        t.cancel()

    try:
        code, _, err, _ = run_session(script, engine_host, str(spec_dir))
    finally:
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")
    assert code == 0 and err == ""
    assert seen["tab"].line == "DELETE /containers/" + unique_name
