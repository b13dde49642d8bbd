"""Services, tasks, secrets and configs on the second engine's swarm (`swarm_manager`, one for this
module), through engine-explorer. A service's task reads the secret and the config engine-explorer
made, and its logs (demultiplexed: stdout to the body, stderr apart) show their data arrived. Effects
are checked with that engine's raw client; curl lines re-run by curl.

Tasks run with no network here (the engine has no bridge and no iptables), which is all they need.
Every update names the version it changes: re-sent after it, the engine refuses it as out of sequence.
"""
from __future__ import annotations

import base64
import json
import shlex
import urllib.parse
from typing import NamedTuple

import pytest

from tests.integration.apidriver import LABEL, Explorer, rerun, wait_for

pytestmark = pytest.mark.engine

# What a task does after its output: wait, and end at once on SIGTERM. A task's process is its
# container's PID 1, which the kernel shields from signals it has no handler for: a bare `sleep` would
# make each removal (and the swarm's leave at the module's end) wait out the 10 s grace period.
IDLE = "trap 'exit 0' TERM; sleep 600 & wait"


@pytest.fixture(scope="module")
def ee(swarm_manager, spec_dir):
    explorer = Explorer(swarm_manager.host, spec_dir)
    yield explorer
    explorer.close()


def raw(engine, path: str) -> dict | list | None:
    """GET `path` by the raw client; None on 404."""
    status, body = engine.api.call_json("GET", path)
    if status == 404:
        return None
    assert status == 200, (path, body)
    return body


def filters(**wanted: str) -> str:
    """A `filters` value as a line of engine-explorer takes it (shell-quoted JSON)."""
    return shlex.quote(json.dumps({key.replace("_", "-"): [value] for key, value in wanted.items()}))


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("kind", ["secrets", "configs"])
def test_create_inspect_list_update_delete(ee, swarm_manager, unique_name, kind, proven):
    op = {"secrets": "Secret", "configs": "Config"}[kind]
    name, data = unique_name, b64(f"{kind} of {unique_name}")
    created = ee.send(f"POST /{kind}/create Name={name} Data={data} Labels[{LABEL}]={name}", 201)
    object_id = created.json()["ID"]
    found = raw(swarm_manager, f"/{kind}/{object_id}")
    assert (found["Spec"]["Name"], found["Spec"]["Labels"]) == (name, {LABEL: name})
    assert found["Spec"].get("Data") == (data if kind == "configs" else None)  # a secret's data is never shown
    inspected = ee.send(f"GET /{kind}/{object_id}", 200)
    assert inspected.json() == found
    listed = ee.send(f"GET /{kind} filters=={filters(label=f'{LABEL}={name}')}", 200)
    assert [each["ID"] for each in listed.json()] == [object_id]
    proven(f"{op}Create", f"{op}Inspect", f"{op}List")

    # Only labels can change; a config's update carries its (unchanged) data, a secret's may leave it out.
    keep = f" Data={data}" if kind == "configs" else ""
    updated = ee.send(f"POST /{kind}/{object_id}/update version=={found['Version']['Index']} Name={name}{keep} "
                      f"Labels[{LABEL}]={name} Labels[state]=updated", 200)
    assert raw(swarm_manager, f"/{kind}/{object_id}")["Spec"]["Labels"] == {LABEL: name, "state": "updated"}
    proven(f"{op}Update")
    assert b"update out of sequence" in rerun(updated, 500)
    assert json.loads(rerun(inspected))["Spec"]["Labels"]["state"] == "updated"
    assert [each["ID"] for each in json.loads(rerun(listed))] == [object_id]

    deleted = ee.send(f"DELETE /{kind}/{name}", 204)
    assert raw(swarm_manager, f"/{kind}/{object_id}") is None
    proven(f"{op}Delete")
    secret = {"SECRET_DATA": data} if kind == "secrets" else None  # a secret's data is "$SECRET_DATA" there
    assert (secret is None) == (data in created.curl)
    again = json.loads(rerun(created, env=secret))["ID"]
    assert raw(swarm_manager, f"/{kind}/{again}")["Spec"]["Name"] == name
    rerun(deleted)
    assert raw(swarm_manager, f"/{kind}/{again}") is None


def running_task(engine, service_id: str) -> dict:
    """The service's one running task, once it runs."""
    def running():
        wanted = json.dumps({"service": [service_id], "desired-state": ["running"]})
        tasks = raw(engine, f"/tasks?filters={urllib.parse.quote(wanted)}")
        return [task for task in tasks if task["Status"]["State"] == "running"]
    [task] = wait_for(f"a running task of service {service_id}", running, timeout=60)
    return task


def framed_logs(engine, path: str, *parts: bytes) -> bytes:
    """The framed logs at `path` by the raw client, once each of `parts` is in them."""
    def complete():
        status, body = engine.api.call("GET", f"{path}?stdout=1&stderr=1")
        return body if status == 200 and all(part in body for part in parts) else None
    return wait_for(f"{parts} in {path}", complete, timeout=60)


class Service(NamedTuple):
    """A service of this test's, its one task running and its output logged."""

    id: str
    name: str
    task: str


def started(engine, service_id: str, name: str, *output: bytes) -> Service:
    """Once the service's task runs and its logs hold each of `output`."""
    task = running_task(engine, service_id)
    framed_logs(engine, f"/services/{service_id}/logs", *output)
    return Service(service_id, name, task["ID"])


@pytest.fixture
def service(swarm_manager, unique_name):
    """A service made by the raw client whose task writes a line to stdout and one to stderr."""
    script = f"echo {unique_name}; echo to-stderr >&2; {IDLE}"
    status, created = swarm_manager.api.call_json("POST", "/services/create", {
        "Name": unique_name, "Labels": {LABEL: unique_name},
        "TaskTemplate": {"ContainerSpec": {"Image": "busybox:local", "Command": ["sh", "-c", script]}}})
    assert status == 201, created
    yield started(swarm_manager, created["ID"], unique_name, unique_name.encode(), b"to-stderr")
    swarm_manager.api.call("DELETE", f"/services/{created['ID']}")


def test_a_service_reads_its_secret_and_config_and_logs_them(ee, swarm_manager, unique_name, proven):
    name = unique_name
    secret = ee.send(f"POST /secrets/create Name={name} Data={b64('the secret')}", 201).json()["ID"]
    config = ee.send(f"POST /configs/create Name={name} Data={b64('the config')}", 201).json()["ID"]
    script = f"cat /run/secrets/s; echo; cat /ee-config; echo; echo to-stderr >&2; {IDLE}"
    files = {"UID": "0", "GID": "0", "Mode": 0o444}
    spec = {"ContainerSpec": {
        "Image": "busybox:local", "Command": ["sh", "-c", script],
        "Secrets": [{"SecretID": secret, "SecretName": name, "File": {"Name": "s", **files}}],
        "Configs": [{"ConfigID": config, "ConfigName": name, "File": {"Name": "/ee-config", **files}}]}}
    created = ee.send(f"POST /services/create Name={name} Labels[{LABEL}]={name} "
                      f"TaskTemplate:={shlex.quote(json.dumps(spec))}", 201)
    service_id = started(swarm_manager, created.json()["ID"], name, b"the config", b"to-stderr").id
    logs = ee.send(f"GET /services/{service_id}/logs stdout==1 stderr==1", 200)
    assert logs.body == b"the secret\nthe config\n"  # stdout alone, its frames taken off
    assert b"to-stderr\n" in logs.err
    proven("ServiceCreate", "ServiceLogs", "SecretCreate", "ConfigCreate")
    assert b"the secret\n" in rerun(logs)  # framed, as curl writes them

    deleted = ee.send(f"DELETE /services/{name}", 200)
    assert raw(swarm_manager, f"/services/{service_id}") is None
    proven("ServiceDelete")

    again = json.loads(rerun(created))["ID"]
    assert raw(swarm_manager, f"/services/{again}")["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"]
    rerun(deleted)
    assert raw(swarm_manager, f"/services/{again}") is None


def test_list_inspect_and_update_a_service(ee, swarm_manager, service, tmp_path, proven):
    listed = ee.send(f"GET /services filters=={filters(label=f'{LABEL}={service.name}')}", 200)
    assert [each["ID"] for each in listed.json()] == [service.id]
    inspected = ee.send(f"GET /services/{service.id}", 200)
    found = raw(swarm_manager, f"/services/{service.id}")
    assert inspected.json()["Spec"] == found["Spec"] and found["Spec"]["Name"] == service.name
    proven("ServiceList", "ServiceInspect")

    # The whole spec goes back (what is left out is dropped), with one label more: no new task.
    found["Spec"]["Labels"]["state"] = "updated"
    (tmp_path / "service.json").write_text(json.dumps(found["Spec"]))
    updated = ee.send(f"POST /services/{service.id}/update version=={found['Version']['Index']} "
                      f"@{tmp_path / 'service.json'}", 200)
    after = raw(swarm_manager, f"/services/{service.id}")
    assert after["Spec"] == found["Spec"] and after["Version"]["Index"] > found["Version"]["Index"]
    assert running_task(swarm_manager, service.id)["ID"] == service.task
    proven("ServiceUpdate")

    assert [each["ID"] for each in json.loads(rerun(listed))] == [service.id]
    assert json.loads(rerun(inspected))["Spec"]["Labels"]["state"] == "updated"
    assert b"update out of sequence" in rerun(updated, 500)


def test_list_inspect_and_log_its_task(ee, service, proven):
    tasks = ee.send(f"GET /tasks filters=={filters(service=service.id)}", 200)
    assert [each["ID"] for each in tasks.json()] == [service.task]
    inspected = ee.send(f"GET /tasks/{service.task}", 200)
    assert (inspected.json()["ServiceID"], inspected.json()["Status"]["State"]) == (service.id, "running")
    logs = ee.send(f"GET /tasks/{service.task}/logs stdout==1 stderr==1", 200)
    assert logs.body == f"{service.name}\n".encode() and b"to-stderr\n" in logs.err
    proven("TaskList", "TaskInspect", "TaskLogs")

    assert [each["ID"] for each in json.loads(rerun(tasks))] == [service.task]
    assert json.loads(rerun(inspected))["ID"] == service.task
    assert service.name.encode() in rerun(logs)  # framed, as curl writes them
