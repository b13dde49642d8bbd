"""The Node API, and a join, on the second engine's swarm (`swarm_manager`, one for this module), through
engine-explorer: list, inspect, update the manager; a third engine joins as a worker (in a network
namespace of its own, bridged to the manager's swarm port: tests/components/swarmpeer.py), leaves, and
its node is deleted. Effects are checked with the engines' raw clients; curl lines re-run by curl."""
from __future__ import annotations

import json
import shlex

import pytest

from tests.integration.apidriver import Explorer, rerun, wait_for

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def ee(swarm_manager, spec_dir):
    explorer = Explorer(swarm_manager.host, spec_dir)
    yield explorer
    explorer.close()


def node(engine, node_id: str) -> dict | None:
    """GET /nodes/{id} by the raw client; None when there is no such node."""
    status, body = engine.api.call_json("GET", f"/nodes/{node_id}")
    if status == 404:
        return None
    assert status == 200, body
    return body


def test_list_inspect_and_update_the_manager(ee, swarm_manager, unique_name, proven):
    node_id = swarm_manager.swarm_info()["NodeID"]
    listed = ee.send(f"GET /nodes filters=={shlex.quote(json.dumps({'role': ['manager']}))}", 200)
    assert [found["ID"] for found in listed.json()] == [node_id]
    inspected = ee.send(f"GET /nodes/{node_id}", 200)
    raw = node(swarm_manager, node_id)
    assert (inspected.json()["Spec"], inspected.json()["ManagerStatus"]) == (raw["Spec"], raw["ManagerStatus"])
    assert inspected.json()["ManagerStatus"]["Leader"] is True
    proven("NodeList", "NodeInspect")

    updated = ee.send(f"POST /nodes/{node_id}/update version=={raw['Version']['Index']} Role=manager "
                      f"Availability=pause Labels[ee-test]={unique_name}", 200)
    assert node(swarm_manager, node_id)["Spec"] == {"Role": "manager", "Availability": "pause",
                                                    "Labels": {"ee-test": unique_name}}
    proven("NodeUpdate")

    assert [found["ID"] for found in json.loads(rerun(listed))] == [node_id]
    assert json.loads(rerun(inspected))["Spec"]["Availability"] == "pause"
    # The line names the version it changed, which is gone now: the engine refuses it.
    assert b"update out of sequence" in rerun(updated, 500)


def join_line(peer, token: str) -> str:
    body = peer.join_body(token)
    return (f"POST /swarm/join ListenAddr={body['ListenAddr']} AdvertiseAddr={body['AdvertiseAddr']} "
            f"RemoteAddrs[]={peer.remote_addr} JoinToken={token}")


def joined_node(manager, peer) -> str:
    """The peer's node ID once the manager lists it as a ready worker."""
    node_id = peer.engine.swarm_info()["NodeID"]
    assert node_id
    wait_for(f"node {node_id} ready on the manager",
             lambda: (node(manager, node_id) or {}).get("Status", {}).get("State") == "ready")
    return node_id


def leave(peer) -> None:
    assert peer.engine.api.call("POST", "/swarm/leave")[0] == 200
    assert peer.engine.swarm_state() == "inactive"


def test_a_third_engine_joins_then_its_node_is_deleted(ee, swarm_manager, swarm_peer, spec_dir, proven):
    token = swarm_manager.api.call_json("GET", "/swarm")[1]["JoinTokens"]["Worker"]
    peer_ee = Explorer(swarm_peer.host, spec_dir)
    try:
        joined = peer_ee.send(join_line(swarm_peer, token), 200)
    finally:
        peer_ee.close()
    assert swarm_peer.engine.swarm_state() == "active"
    node_id = joined_node(swarm_manager, swarm_peer)
    assert node(swarm_manager, node_id)["Spec"]["Role"] == "worker"
    proven("SwarmJoin")

    # Left, its node stays "ready" until heartbeats time out (about 15 s): `force` deletes it now.
    leave(swarm_peer)
    deleted = ee.send(f"DELETE /nodes/{node_id} force==1", 200)
    assert node(swarm_manager, node_id) is None
    proven("NodeDelete")

    assert '"$JOIN_TOKEN"' in joined.curl and token not in joined.curl  # the token stays a secret
    rerun(joined, env={"JOIN_TOKEN": token})
    again = joined_node(swarm_manager, swarm_peer)
    assert again != node_id
    leave(swarm_peer)
    assert swarm_manager.api.call("DELETE", f"/nodes/{again}?force=1")[0] == 200
    rerun(deleted, 404)  # the node it names is gone
