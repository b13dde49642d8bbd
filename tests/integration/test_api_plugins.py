"""The Plugin API on the sandbox engine, through engine-explorer, with a real volume-driver plugin
(tests/components/plugin.py: a static binary answering the plugin protocol) and Debian's
docker-registry without auth (`open_registry`): create and push; privileges, pull, inspect, list; set,
enable (a volume made with it reports the setting: the plugin itself answers), disable; upgrade and
remove. Effects are checked with the raw client and the registry; curl lines re-run by curl.

PluginPull, PluginUpgrade and PluginSet take a top-level JSON array: typed as `[]=…` and `[0][Name]=…`
items (PluginSet, PluginPull), as a bare `:=JSON` (an empty privileges list) and as an @file.json
(PluginUpgrade, as `GET /plugins/privileges` answered it).
"""
from __future__ import annotations

import json
import secrets
import shlex
import urllib.parse
import urllib.request
from typing import NamedTuple

import pytest

from tests.integration.apidriver import rerun

pytestmark = pytest.mark.engine

MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
PLUGIN_CONFIG = "application/vnd.docker.plugin.v1+json"


def plugin(docker_api, name: str) -> dict | None:
    """GET /plugins/{name}/json by the raw client; None when there is no such plugin."""
    status, body = docker_api.call_json("GET", f"/plugins/{name}/json")
    if status == 404:
        return None
    assert status == 200, (name, body)
    return body


def streamed_ok(status: int, body: bytes) -> list:
    """The JSON lines of a pull or push by the raw client, asserting it succeeded (no in-band error)."""
    lines = [json.loads(line) for line in body.splitlines() if line.strip()]
    assert status == 200 and not any("error" in line for line in lines), (status, body[-1000:])
    return lines


def manifest(registry, repository: str, tag: str) -> tuple[str, dict]:
    """(digest, manifest) of repository:tag as the registry itself serves it."""
    request = urllib.request.Request(f"{registry.url}/v2/{repository}/manifests/{tag}", headers={"Accept": MANIFEST})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.headers["Docker-Content-Digest"], json.loads(response.read())


class Remote(NamedTuple):
    """Two versions of one plugin in the registry, and what they were made from."""

    repository: str
    v1: str
    v2: str


@pytest.fixture(scope="module")
def remote(docker_api, open_registry, volume_plugin, _unique_name_cleanup) -> Remote:
    """v1 and v2 of a plugin pushed by the raw client (and forgotten by the engine)."""
    repository = f"{_unique_name_cleanup}plugin-{secrets.token_hex(3)}"
    refs = Remote(repository, f"{open_registry.host}/{repository}:v1", f"{open_registry.host}/{repository}:v2")
    for ref, tag in ((refs.v1, "v1"), (refs.v2, "v2")):
        context = volume_plugin.context(f"{repository}-{tag}").read_bytes()
        status, body = docker_api.call("POST", f"/plugins/create?name={urllib.parse.quote(ref)}", context)
        assert status == 204, body
        streamed_ok(*docker_api.call("POST", f"/plugins/{ref}/push"))
        assert docker_api.call("DELETE", f"/plugins/{ref}")[0] == 200
    return refs


def pull(docker_api, remote_ref: str, name: str, privileges: list) -> None:
    query = urllib.parse.urlencode({"remote": remote_ref, "name": name})
    streamed_ok(*docker_api.call("POST", f"/plugins/pull?{query}", privileges))
    assert plugin(docker_api, name)["PluginReference"] == remote_ref


@pytest.fixture
def pulled(docker_api, remote, volume_plugin, unique_name):
    """v1 pulled by the raw client as `<unique_name>:latest`, disabled; removed (forced) afterwards."""
    name = f"{unique_name}:latest"
    pull(docker_api, remote.v1, name, volume_plugin.privileges)
    yield name
    docker_api.call("DELETE", f"/volumes/{unique_name}?force=1")
    docker_api.call("DELETE", f"/plugins/{name}?force=1")


def test_create_then_push(ee, docker_api, volume_plugin, open_registry, unique_name, proven):
    ref = f"{open_registry.host}/{unique_name}:v1"
    created = ee.send(f"POST /plugins/create name=={ref} @{volume_plugin.context(unique_name)}", 204)
    found = plugin(docker_api, ref)
    assert (found["Name"], found["Enabled"]) == (ref, False)
    assert found["Config"]["Description"] == volume_plugin.config(unique_name)["description"]
    assert found["Config"]["Interface"] == {"Socket": "ee.sock", "Types": ["docker.volumedriver/1.0"]}
    proven("PluginCreate")

    pushed = ee.send(f"POST /plugins/{ref}/push", 200)
    digest = next(line["aux"]["Digest"] for line in pushed.json_lines() if "aux" in line)
    in_registry, served = manifest(open_registry, unique_name, "v1")
    assert in_registry == digest and served["config"]["mediaType"] == PLUGIN_CONFIG
    proven("PluginPush")

    assert docker_api.call("DELETE", f"/plugins/{ref}")[0] == 200
    rerun(created)
    assert plugin(docker_api, ref)["Config"]["Description"] == found["Config"]["Description"]
    again = next(json.loads(line)["aux"]["Digest"] for line in rerun(pushed).splitlines() if b'"aux"' in line)
    assert manifest(open_registry, unique_name, "v1")[0] == again
    assert docker_api.call("DELETE", f"/plugins/{ref}")[0] == 200


def test_privileges_pull_inspect_and_list(ee, docker_api, remote, volume_plugin, unique_name, proven):
    name = f"{unique_name}:latest"
    privileges = ee.send(f"GET /plugins/privileges remote=={remote.v1}", 200)
    assert privileges.json() == volume_plugin.privileges
    proven("GetPluginPrivileges")

    refused = ee.send(f"POST /plugins/pull remote=={remote.v1} name=={name} :=[]")
    assert b"incorrect privileges" in refused.body + refused.err and plugin(docker_api, name) is None
    assert refused.curl.endswith(f"--data-binary '[]' '{refused.curl.split()[-1][1:-1]}'")
    (agreed,) = volume_plugin.privileges
    items = [f"[0][Name]={agreed['Name']}", f"[0][Description]={agreed['Description']}"]
    items += [f"[0][Value][]={value}" for value in agreed["Value"]]
    pulled = ee.send(f"POST /plugins/pull remote=={remote.v1} name=={name} {shlex.join(items)}", 200)
    assert json.loads(pulled.curl.split("--data-binary ")[1].split("' ")[0][1:]) == volume_plugin.privileges
    found = plugin(docker_api, name)
    assert (found["Name"], found["PluginReference"], found["Enabled"]) == (name, remote.v1, False)
    proven("PluginPull")

    inspected = ee.send(f"GET /plugins/{name}/json", 200)
    assert inspected.json() == found
    volume_drivers = shlex.quote(json.dumps({"capability": ["volumedriver"]}))
    listed = ee.send(f"GET /plugins filters=={volume_drivers}", 200)
    assert name in [each["Name"] for each in listed.json()]
    proven("PluginInspect", "PluginList")

    assert json.loads(rerun(privileges)) == volume_plugin.privileges
    assert docker_api.call("DELETE", f"/plugins/{name}")[0] == 200
    rerun(pulled)
    assert plugin(docker_api, name)["PluginReference"] == remote.v1
    assert json.loads(rerun(inspected))["Id"] == plugin(docker_api, name)["Id"]
    assert name in [each["Name"] for each in json.loads(rerun(listed))]
    assert docker_api.call("DELETE", f"/plugins/{name}")[0] == 200


def test_set_enable_and_disable(ee, docker_api, pulled, unique_name, proven):
    setting = ee.send(f"POST /plugins/{pulled}/set '[]=EE_GREETING={unique_name}'", 204)
    assert f"""--data-binary '["EE_GREETING={unique_name}"]'""" in setting.curl
    assert f"EE_GREETING={unique_name}" in plugin(docker_api, pulled)["Settings"]["Env"]
    # dockerd 20.10 reads `timeout` with Atoi and answers 500 when it is missing; the CLI always sends it.
    enabled = ee.send(f"POST /plugins/{pulled}/enable timeout==30", 200)
    assert plugin(docker_api, pulled)["Enabled"] is True
    # A volume made with it: the plugin answers the protocol, and with the value set.
    status, body = docker_api.call_json("POST", "/volumes/create", {"Name": unique_name, "Driver": pulled})
    assert status == 201, body
    status, volume = docker_api.call_json("GET", f"/volumes/{unique_name}")
    assert (volume["Driver"], volume["Status"]) == (pulled, {"greeting": unique_name})
    assert docker_api.call("DELETE", f"/volumes/{unique_name}")[0] == 204
    proven("PluginSet", "PluginEnable")

    disabled = ee.send(f"POST /plugins/{pulled}/disable", 200)
    assert plugin(docker_api, pulled)["Enabled"] is False
    proven("PluginDisable")

    rerun(setting)  # a disabled plugin takes settings
    rerun(enabled)
    assert plugin(docker_api, pulled)["Enabled"] is True
    rerun(disabled)
    assert plugin(docker_api, pulled)["Enabled"] is False


def test_upgrade_then_remove(ee, docker_api, remote, volume_plugin, pulled, tmp_path, proven):
    before = plugin(docker_api, pulled)
    agreed = tmp_path / "privileges.json"
    agreed.write_text(json.dumps(volume_plugin.privileges))
    upgraded = ee.send(f"POST /plugins/{pulled}/upgrade remote=={remote.v2} @{agreed}", 200)
    after = plugin(docker_api, pulled)
    assert (after["Id"], after["PluginReference"]) == (before["Id"], remote.v2)
    assert after["Config"]["Description"] == volume_plugin.config(f"{remote.repository}-v2")["description"]
    proven("PluginUpgrade")

    removed = ee.send(f"DELETE /plugins/{pulled}", 200)  # with no body, where the spec promises the plugin
    assert removed.body == b"" and plugin(docker_api, pulled) is None
    proven("PluginDelete")

    pull(docker_api, remote.v1, pulled, volume_plugin.privileges)
    rerun(upgraded)
    assert plugin(docker_api, pulled)["PluginReference"] == remote.v2
    rerun(removed)
    assert plugin(docker_api, pulled) is None
