"""The Network API on the sandbox engine, through engine-explorer: create, inspect, list, connect,
disconnect, delete, prune. Effects checked with the raw client, curl lines re-run by curl.

The sandbox engine runs with --bridge=none --iptables=false. What works there: a `bridge` network
with `Internal` and `com.docker.network.bridge.inhibit_ipv4`, which makes a bridge device with no
address and no route on the host, and no iptables rule (the `null` driver allows only the built-in
`none` network; ipvlan and macvlan are not supported here). A container created with
NetworkMode=none can join no other network (dockerd: "one of the networks in private (none) mode"),
but it can leave `none` and then join ours; it is never started, so no veth is made either.
"""
from __future__ import annotations

import json

import pytest

from tests.integration.apidriver import LABEL, inspect, label_filter, rerun

pytestmark = pytest.mark.engine

QUIET = "Driver=bridge Internal:=true Options[com.docker.network.bridge.inhibit_ipv4]=true"


def networks_of(docker_api, container: str) -> list:
    return sorted(inspect(docker_api, "containers", container)["NetworkSettings"]["Networks"])


def test_create_inspect_list_and_delete(ee, docker_api, unique_name, proven):
    name = unique_name
    created = ee.send(f"POST /networks/create Name={name} {QUIET} Labels[{LABEL}]={name}", 201)
    network_id = created.json()["Id"]
    raw = inspect(docker_api, "networks", name)
    assert (raw["Id"], raw["Driver"], raw["Internal"], raw["Labels"]) == (network_id, "bridge", True, {LABEL: name})
    assert raw["Options"] == {"com.docker.network.bridge.inhibit_ipv4": "true"}
    inspected = ee.send(f"GET /networks/{name}", 200)
    assert inspected.json()["Id"] == network_id
    listed = ee.send(f"GET /networks filters=={label_filter(name)}", 200)
    assert [n["Id"] for n in listed.json()] == [network_id]
    deleted = ee.send(f"DELETE /networks/{network_id}", 204)
    assert inspect(docker_api, "networks", network_id) is None
    proven("NetworkCreate", "NetworkInspect", "NetworkList", "NetworkDelete")
    again = json.loads(rerun(created))["Id"]
    assert inspect(docker_api, "networks", name)["Id"] == again
    assert json.loads(rerun(inspected))["Id"] == again
    assert [n["Id"] for n in json.loads(rerun(listed))] == [again]
    assert docker_api.call("DELETE", f"/networks/{again}")[0] == 204
    rerun(deleted, 404)  # that network is gone for good: the line names its Id


def test_connect_and_disconnect_a_container(ee, docker_api, busybox_image, unique_name, proven):
    status, body = docker_api.call_json("POST", "/networks/create", {
        "Name": unique_name, "Driver": "bridge", "Internal": True, "Labels": {LABEL: unique_name},
        "Options": {"com.docker.network.bridge.inhibit_ipv4": "true"}})
    assert status == 201, body
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert networks_of(docker_api, unique_name) == ["none"]
    left = ee.send(f"POST /networks/none/disconnect Container={unique_name}", 200)
    assert networks_of(docker_api, unique_name) == []
    joined = ee.send(f"POST /networks/{unique_name}/connect Container={unique_name} "
                     f"EndpointConfig[Aliases][]=ee-alias", 200)
    settings = inspect(docker_api, "containers", unique_name)["NetworkSettings"]["Networks"]
    assert list(settings) == [unique_name] and "ee-alias" in settings[unique_name]["Aliases"]
    parted = ee.send(f"POST /networks/{unique_name}/disconnect Container={unique_name}", 200)
    assert networks_of(docker_api, unique_name) == []
    proven("NetworkConnect", "NetworkDisconnect")
    assert docker_api.call("POST", "/networks/none/connect", {"Container": unique_name})[0] == 200
    rerun(left)
    assert networks_of(docker_api, unique_name) == []
    rerun(joined)
    assert networks_of(docker_api, unique_name) == [unique_name]
    rerun(parted)
    assert networks_of(docker_api, unique_name) == []


def test_prune_removes_only_networks_with_its_label(ee, docker_api, unique_name, proven):
    def create(name: str, label: str) -> str:
        status, body = docker_api.call_json("POST", "/networks/create", {
            "Name": name, "Driver": "bridge", "Internal": True, "Labels": {LABEL: label},
            "Options": {"com.docker.network.bridge.inhibit_ipv4": "true"}})
        assert status == 201, body
        return body["Id"]

    mine = [create(f"{unique_name}-{i}", unique_name) for i in range(2)]
    other = create(f"{unique_name}-other", f"{unique_name}-not-this-one")
    pruned = ee.send(f"POST /networks/prune filters=={label_filter(unique_name)}", 200)
    assert sorted(pruned.json()["NetworksDeleted"]) == sorted(f"{unique_name}-{i}" for i in range(2))
    assert [inspect(docker_api, "networks", n) for n in mine] == [None, None]
    assert inspect(docker_api, "networks", other)
    proven("NetworkPrune")
    create(f"{unique_name}-again", unique_name)
    assert json.loads(rerun(pruned))["NetworksDeleted"] == [f"{unique_name}-again"]
    assert inspect(docker_api, "networks", other)
