"""Whole REPL sessions against the real engine: type, press Tab, see what is offered; run requests."""
from __future__ import annotations

import pytest

from tests.replsession import run_session

pytestmark = pytest.mark.engine

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
        seen["opid"] = t.tab("ContainerL")
        seen["opid_line"] = t.buffer.text
        t.cancel()

    code, out, err, _ = run_session(script, engine_host, str(spec_dir))
    assert code == 0 and err == ""
    assert existing_container + "/" in seen["containers"]  # GET needs a sub-path after the name
    assert "json" in seen["containers"] and "create" not in seen["containers"]
    assert "Image=" in seen["create"] and "HostConfig[" in seen["create"]
    assert seen["list"][:1] == ["all=="]
    assert seen["opid_line"] == "ContainerList"


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
    assert unique_name not in seen["before"]
    assert unique_name in seen["after"]
    assert "201 Created" in out and "204 No Content" in out
    assert f'"Name": "/{unique_name}"' in out
    assert "--data-binary" in out and "NetworkMode" in out  # the curl line is printed first
    assert repl.last_request == f"DELETE /containers/{unique_name}"


def test_prompt_shows_engine_and_version_and_bad_lines_do_not_end_the_session(engine_host, spec_dir):
    seen = {}

    def script(t):
        t.settle()
        seen["prompt"] = "".join(text for _, text in t.repl._message())
        t.enter("GET /nope")
        t.enter("GET '/containers/json")
        t.enter("GET /containers/json all==1")
        t.enter("refresh")

    code, out, err, _ = run_session(script, engine_host, str(spec_dir))
    assert code == 0
    assert seen["prompt"] == "docker 1.41 > "
    errors = err.strip().splitlines()
    assert len(errors) == 2 and errors[0].startswith("error: unknown path /nope")
    assert "200 OK" in out and "live values:" in out and "Traceback" not in out + err
