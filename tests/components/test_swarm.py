"""The second engine starts swarm-free, takes a swarm on loopback, leaves it again, keeps it across a
restart; the third engine joins it through the bridge."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.parse


def curl_engine(engine, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["curl", "-sS", "--max-time", "30", "--unix-socket", engine.socket, *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_init_and_leave_over_the_api(swarm_engine):
    assert swarm_engine.swarm_state() == "inactive"
    init = curl_engine(swarm_engine, "-w", "\n%{http_code}", "-H", "Content-Type: application/json",
                       "--data", json.dumps(swarm_engine.init_body()), "http://docker/v1.41/swarm/init")
    node_id, status = init.stdout.rsplit("\n", 1)
    assert status == "200", init.stdout
    assert swarm_engine.swarm_state() == "active"
    _, info = swarm_engine.api.call_json("GET", "/info")
    assert (info["Swarm"]["NodeID"], info["Swarm"]["NodeAddr"]) == (json.loads(node_id), "127.0.0.1")

    leave = curl_engine(swarm_engine, "-X", "POST", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://docker/v1.41/swarm/leave?force=1")
    assert leave.stdout == "200"
    assert swarm_engine.swarm_state() == "inactive"


def test_handed_over_swarm_free_even_after_a_test_left_a_swarm(swarm_engine, docker_cli):
    """The CLI's way in, left behind on purpose: the next test still gets a swarm-free engine."""
    done = docker_cli.run("-H", swarm_engine.host, "swarm", "init", "--listen-addr", swarm_engine.listen_addr,
                          "--advertise-addr", swarm_engine.advertise_addr)
    assert done.returncode == 0, done.stderr
    nodes = docker_cli.run("-H", swarm_engine.host, "node", "ls", "--format", "{{.Self}} {{.ManagerStatus}}")
    assert nodes.stdout.split() == ["true", "Leader"]


def test_after_a_left_swarm_the_engine_is_swarm_free(swarm_engine):
    assert swarm_engine.swarm_state() == "inactive"


def test_its_network_devices_stay_in_a_namespace_of_its_own(swarm_engine):
    pid = int((swarm_engine.folder / "dockerd.pid").read_text())
    assert os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")


def test_a_service_task_runs_without_networks(swarm_engine, busybox_image):
    """What swarm tests can count on here: tasks run (with no network: --bridge=none, --iptables=false)."""
    assert swarm_engine.api.call("POST", "/swarm/init", swarm_engine.init_body())[0] == 200
    status, created = swarm_engine.api.call_json("POST", "/services/create", {
        "Name": "ee-test-service",
        "TaskTemplate": {"ContainerSpec": {"Image": busybox_image, "Command": ["sleep", "300"]}}})
    assert status == 201, created
    service_filter = urllib.parse.quote(json.dumps({"service": [created["ID"]]}))
    deadline = time.monotonic() + 60
    states: list[str] = []
    while time.monotonic() < deadline and "running" not in states:
        _, tasks = swarm_engine.api.call_json("GET", f"/tasks?filters={service_filter}")
        states = [task["Status"]["State"] for task in tasks]
        time.sleep(0.1)
    assert "running" in states, states


def test_a_restart_keeps_the_swarm_and_a_namespace_of_its_own(swarm_engine):
    assert swarm_engine.api.call("POST", "/swarm/init", swarm_engine.init_body())[0] == 200
    node_id, pid = swarm_engine.swarm_info()["NodeID"], swarm_engine.dockerd_pid()
    swarm_engine.restart()
    assert swarm_engine.dockerd_pid() != pid
    assert swarm_engine.swarm_info()["NodeID"] == node_id and swarm_engine.swarm_state() == "active"
    assert os.readlink(f"/proc/{swarm_engine.dockerd_pid()}/ns/net") != os.readlink("/proc/self/ns/net")


def test_a_third_engine_joins_through_the_bridge(swarm_engine, swarm_peer, docker_cli):
    assert swarm_engine.api.call("POST", "/swarm/init", swarm_engine.init_body())[0] == 200
    token = docker_cli.run("-H", swarm_engine.host, "swarm", "join-token", "--quiet", "worker").stdout.strip()
    joined = docker_cli.run("-H", swarm_peer.host, "swarm", "join", "--token", token, "--listen-addr",
                            swarm_peer.listen_addr, "--advertise-addr", "127.0.0.1", swarm_peer.remote_addr)
    assert joined.returncode == 0, joined.stderr
    deadline = time.monotonic() + 60
    nodes: list[list[str]] = []
    while time.monotonic() < deadline and sorted(nodes) != [["false", "Ready"], ["true", "Ready"]]:
        listed = docker_cli.run("-H", swarm_engine.host, "node", "ls", "--format", "{{.Self}} {{.Status}}")
        nodes = [line.split() for line in listed.stdout.splitlines()]
        time.sleep(0.1)
    assert sorted(nodes) == [["false", "Ready"], ["true", "Ready"]], nodes
