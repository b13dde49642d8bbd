"""The System API on the sandbox engine, through engine-explorer: ping (GET and HEAD), version, info,
and events between two times (a finite stream). Checked against the raw client; curl lines re-run."""
from __future__ import annotations

import json
import shlex
import time

import pytest

from tests.integration.apidriver import curl, rerun

pytestmark = pytest.mark.engine


def test_ping_and_its_head_variant(ee, docker_api, proven):
    _, version = docker_api.call_json("GET", "/version")
    ping = ee.send("GET /_ping", 200)
    assert ping.body == b"OK"
    head = ee.send("HEAD /_ping", 200)
    assert head.body == b"" and ee.session.last_response.header("Api-Version") == version["ApiVersion"]
    proven("SystemPing", "SystemPingHead")
    assert rerun(ping) == b"OK"
    status, headers = curl(head)
    assert status == 200 and f"Api-Version: {version['ApiVersion']}".encode() in headers


def test_version_and_info_describe_this_engine(ee, docker_api, proven):
    version = ee.send("GET /version", 200)
    _, raw_version = docker_api.call_json("GET", "/version")
    assert {k: version.json()[k] for k in ("Version", "ApiVersion", "GitCommit")} == \
        {k: raw_version[k] for k in ("Version", "ApiVersion", "GitCommit")}
    info = ee.send("GET /info", 200)
    _, raw_info = docker_api.call_json("GET", "/info")
    assert {k: info.json()[k] for k in ("ID", "Name", "DockerRootDir")} == \
        {k: raw_info[k] for k in ("ID", "Name", "DockerRootDir")}
    proven("SystemVersion", "SystemInfo")
    assert json.loads(rerun(version))["Version"] == raw_version["Version"]
    assert json.loads(rerun(info))["ID"] == raw_info["ID"]


def test_events_between_two_times_are_a_finite_stream(ee, docker_api, busybox_image, unique_name, proven):
    since = f"{time.time() - 1:.9f}"  # a second early: the engine's clock is this machine's
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"},
        "Labels": {"ee-test": unique_name}})
    assert status == 201, body
    until = f"{time.time():.9f}"  # the event was logged before the create was answered
    flt = shlex.quote(json.dumps({"type": ["container"], "label": [f"ee-test={unique_name}"]}))
    events = ee.send(f"GET /events since=={since} until=={until} filters=={flt}", 200)
    assert [(e["Action"], e["id"]) for e in events.json_lines()] == [("create", body["Id"])]
    proven("SystemEvents")
    assert rerun(events).splitlines() == events.body.splitlines()  # the same past, the same events
