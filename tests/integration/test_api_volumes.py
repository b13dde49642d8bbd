"""The Volume API on the sandbox engine, through engine-explorer: create, inspect, list, delete, prune.
Effects checked with the raw client, curl lines re-run by curl; prunes filter on this test's label."""
from __future__ import annotations

import json

import pytest

from tests.integration.apidriver import LABEL, inspect, label_filter, rerun

pytestmark = pytest.mark.engine



def test_create_inspect_list_delete(ee, docker_api, unique_name, proven):
    name = unique_name
    created = ee.send(f"POST /volumes/create Name={name} Driver=local Labels[{LABEL}]={name}", 201)
    raw = inspect(docker_api, "volumes", name)
    assert raw["Labels"] == {LABEL: name} and raw["Driver"] == "local"
    inspected = ee.send(f"GET /volumes/{name}", 200)
    assert inspected.json() == raw
    listed = ee.send(f"GET /volumes filters=={label_filter(name)}", 200)
    assert [v["Name"] for v in listed.json()["Volumes"]] == [name]
    deleted = ee.send(f"DELETE /volumes/{name}", 204)
    assert inspect(docker_api, "volumes", name) is None
    proven("VolumeCreate", "VolumeInspect", "VolumeList", "VolumeDelete")
    assert json.loads(rerun(created))["Labels"] == {LABEL: name}
    assert json.loads(rerun(inspected)) == inspect(docker_api, "volumes", name)
    assert [v["Name"] for v in json.loads(rerun(listed))["Volumes"]] == [name]
    rerun(deleted)
    assert inspect(docker_api, "volumes", name) is None


def create(docker_api, name: str, label: str) -> None:
    status, body = docker_api.call_json("POST", "/volumes/create", {"Name": name, "Labels": {LABEL: label}})
    assert status == 201, body


def test_prune_removes_only_unused_volumes_with_its_label(ee, docker_api, busybox_image, unique_name, proven):
    unused, used, other = f"{unique_name}-unused", f"{unique_name}-used", f"{unique_name}-other"
    create(docker_api, unused, unique_name)
    create(docker_api, used, unique_name)
    create(docker_api, other, f"{unique_name}-not-this-one")
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["true"],
        "HostConfig": {"NetworkMode": "none", "Binds": [f"{used}:/data"]}})
    assert status == 201, body
    pruned = ee.send(f"POST /volumes/prune filters=={label_filter(unique_name)}", 200)
    assert pruned.json()["VolumesDeleted"] == [unused]
    assert inspect(docker_api, "volumes", unused) is None
    assert inspect(docker_api, "volumes", used) and inspect(docker_api, "volumes", other)
    proven("VolumePrune")
    create(docker_api, unused, unique_name)
    assert json.loads(rerun(pruned))["VolumesDeleted"] == [unused]
    assert inspect(docker_api, "volumes", unused) is None and inspect(docker_api, "volumes", used)
