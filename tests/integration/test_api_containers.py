"""The Container API on the sandbox engine, through engine-explorer: each operation's effect is checked
with the raw client, then its printed curl line is re-run by curl (after putting the state back where
the first request found it)."""
from __future__ import annotations

import io
import json
import secrets
import tarfile

import pytest

from tests.integration.apidriver import LABEL, exec_in, inspect, label_filter, rerun, rerun_stream, wait_for

pytestmark = pytest.mark.engine



def create(docker_api, name: str, cmd: list, start: bool = True, label: str | None = None, **extra) -> str:
    """A container by the raw client (no network), started unless told; its Id."""
    status, body = docker_api.call_json("POST", f"/containers/create?name={name}", {
        "Image": "busybox:local", "Cmd": cmd, "HostConfig": {"NetworkMode": "none"},
        "Labels": {LABEL: label or name}, **extra})
    assert status == 201, body
    if start:
        assert docker_api.call("POST", f"/containers/{name}/start")[0] == 204
    return body["Id"]


@pytest.fixture(scope="module")
def sleeper(docker_api, busybox_image, _unique_name_cleanup):
    """A running container shared by the tests that leave it running; its Id (its name may change)."""
    name = f"{_unique_name_cleanup}sleeper-{secrets.token_hex(3)}"
    cid = create(docker_api, name, ["sleep", "600"])
    yield cid
    docker_api.call("DELETE", f"/containers/{cid}?force=1")


def state(docker_api, cid: str) -> dict:
    return inspect(docker_api, "containers", cid)["State"]


def test_list_finds_the_container_by_its_label(ee, docker_api, sleeper, proven):
    value = inspect(docker_api, "containers", sleeper)["Config"]["Labels"][LABEL]
    sent = ee.send(f"GET /containers/json filters=={label_filter(value)}", 200)
    assert [c["Id"] for c in sent.json()] == [sleeper]
    proven("ContainerList")
    assert json.loads(rerun(sent))[0]["Id"] == sleeper


def test_top_lists_its_processes(ee, sleeper, proven):
    sent = ee.send(f"GET /containers/{sleeper}/top", 200)
    top = sent.json()
    assert top["Titles"][-1] == "CMD" and [row[-1] for row in top["Processes"]] == ["sleep 600"]
    proven("ContainerTop")
    rerun(sent)


def test_changes_show_a_file_written_into_it(ee, docker_api, sleeper, proven):
    name = f"ee-{secrets.token_hex(4)}"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.addfile(tarfile.TarInfo(name), io.BytesIO(b""))
    assert docker_api.call("PUT", f"/containers/{sleeper}/archive?path=/tmp", buf.getvalue())[0] == 200
    sent = ee.send(f"GET /containers/{sleeper}/changes", 200)
    assert {"Path": f"/tmp/{name}", "Kind": 1} in sent.json()  # Kind 1: added
    proven("ContainerChanges")
    rerun(sent)


def test_stats_one_shot(ee, sleeper, proven):
    sent = ee.send(f"GET /containers/{sleeper}/stats stream==0 one-shot==1", 200)
    stats = sent.json()
    assert stats["id"] == sleeper and stats["pids_stats"]["current"] >= 1 and "memory_stats" in stats
    proven("ContainerStats")
    assert json.loads(rerun(sent))["id"] == sleeper


def test_stats_stream_until_ctrl_c(ee, sleeper, proven):
    sent = ee.send_until(f"GET /containers/{sleeper}/stats", lines=2)
    first, second = sent.json_lines()[:2]
    assert first["id"] == second["id"] == sleeper
    assert second["preread"] == first["read"]  # one sample after the other, as they came
    proven("ContainerStats")
    assert rerun_stream(sent) == 200


def test_pause_then_unpause(ee, docker_api, sleeper, proven):
    # dockerd answers once containerd has frozen (thawed) the container, and records the state when
    # containerd's event about it arrives: the tests wait for that record.
    def status_is(expected: str):
        return lambda: state(docker_api, sleeper)["Status"] == expected

    pause = ee.send(f"POST /containers/{sleeper}/pause", 204)
    wait_for("the container to be paused", status_is("paused"))
    unpause = ee.send(f"POST /containers/{sleeper}/unpause", 204)
    wait_for("the container to run again", status_is("running"))
    proven("ContainerPause", "ContainerUnpause")
    rerun(pause)
    wait_for("the container to be paused again", status_is("paused"))
    rerun(unpause)
    wait_for("the container to run once more", status_is("running"))


def test_update_sets_the_memory_limit_of_its_cgroup(ee, docker_api, sleeper, proven):
    limit = 48 * 1024 * 1024
    sent = ee.send(f"POST /containers/{sleeper}/update Memory:={limit} MemorySwap:=-1", 200)
    assert inspect(docker_api, "containers", sleeper)["HostConfig"]["Memory"] == limit
    read_limit = "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"
    assert exec_in(docker_api, sleeper, "sh", "-c", read_limit).strip() == str(limit)
    proven("ContainerUpdate")
    status, body = docker_api.call("POST", f"/containers/{sleeper}/update", {"Memory": 0, "MemorySwap": -1})
    assert status == 200, body
    rerun(sent)
    assert inspect(docker_api, "containers", sleeper)["HostConfig"]["Memory"] == limit


def test_restart_runs_a_new_process(ee, docker_api, sleeper, proven):
    before = state(docker_api, sleeper)
    sent = ee.send(f"POST /containers/{sleeper}/restart t==0", 204)
    after = state(docker_api, sleeper)
    assert after["Running"] and after["Pid"] != before["Pid"] and after["StartedAt"] > before["StartedAt"]
    proven("ContainerRestart")
    rerun(sent)
    again = state(docker_api, sleeper)
    assert again["Running"] and again["StartedAt"] > after["StartedAt"]


def test_rename(ee, docker_api, sleeper, proven):
    old = inspect(docker_api, "containers", sleeper)["Name"].lstrip("/")
    new = f"{old}-renamed"
    sent = ee.send(f"POST /containers/{sleeper}/rename name=={new}", 204)
    assert inspect(docker_api, "containers", new)["Id"] == sleeper
    assert inspect(docker_api, "containers", old) is None
    proven("ContainerRename")
    assert docker_api.call("POST", f"/containers/{sleeper}/rename?name={old}")[0] == 204
    rerun(sent)
    assert inspect(docker_api, "containers", sleeper)["Name"] == f"/{new}"


def test_kill_then_wait_for_its_exit_code(ee, docker_api, unique_name, proven):
    cid = create(docker_api, unique_name, ["sleep", "600"])
    kill = ee.send(f"POST /containers/{unique_name}/kill signal==SIGKILL", 204)
    wait = ee.send(f"POST /containers/{unique_name}/wait", 200)
    assert wait.json()["StatusCode"] == 137  # 128 + SIGKILL
    assert state(docker_api, cid)["Running"] is False and state(docker_api, cid)["ExitCode"] == 137
    proven("ContainerKill", "ContainerWait")
    assert json.loads(rerun(wait))["StatusCode"] == 137  # it has exited: the wait is over at once
    assert docker_api.call("POST", f"/containers/{cid}/start")[0] == 204
    rerun(kill)
    wait_for("the killed container to stop", lambda: not state(docker_api, cid)["Running"])
    assert state(docker_api, cid)["ExitCode"] == 137


def test_resize_sets_its_tty_size(ee, docker_api, unique_name, proven):
    cid = create(docker_api, unique_name, ["sleep", "600"], Tty=True)

    def size() -> str:
        return exec_in(docker_api, cid, "busybox", "stty", "-F", "/dev/console", "size").strip()

    sent = ee.send(f"POST /containers/{unique_name}/resize h==33 w==101", 200)
    assert size() == "33 101"
    proven("ContainerResize")
    assert docker_api.call("POST", f"/containers/{cid}/resize?h=20&w=70")[0] == 200
    assert size() == "20 70"
    rerun(sent)
    assert size() == "33 101"


def test_prune_removes_only_the_stopped_containers_with_its_label(ee, docker_api, unique_name, proven):
    stopped = [create(docker_api, f"{unique_name}-{i}", ["true"], start=False, label=unique_name)
               for i in range(2)]
    running = create(docker_api, f"{unique_name}-running", ["sleep", "600"], label=unique_name)
    other = create(docker_api, f"{unique_name}-other", ["true"], start=False)  # another label value
    sent = ee.send(f"POST /containers/prune filters=={label_filter(unique_name)}", 200)
    assert sorted(sent.json()["ContainersDeleted"]) == sorted(stopped)
    assert [inspect(docker_api, "containers", cid) for cid in stopped] == [None, None]
    assert inspect(docker_api, "containers", running) and inspect(docker_api, "containers", other)
    proven("ContainerPrune")
    again = create(docker_api, f"{unique_name}-again", ["true"], start=False, label=unique_name)
    assert json.loads(rerun(sent))["ContainersDeleted"] == [again]
    assert inspect(docker_api, "containers", again) is None and inspect(docker_api, "containers", other)
