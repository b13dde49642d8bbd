"""The Swarm API on the second engine (a network namespace of its own: tests/components/swarm.py), through
engine-explorer: init, inspect, update, leave; autolock, its unlock key, and unlock after a restart.
Effects are checked with that engine's raw client, and the printed curl lines re-run by curl.

`POST /swarm/update` replaces the whole spec (fields left out fall to zero: Raft's ElectionTick among
them), so its body is the spec the engine gave, changed and sent as @file, as the API asks.
"""
from __future__ import annotations

import json

import pytest

from tests.integration.apidriver import Explorer, rerun

pytestmark = pytest.mark.engine


@pytest.fixture
def ee(swarm_engine, spec_dir):
    explorer = Explorer(swarm_engine.host, spec_dir)
    yield explorer
    explorer.close()


def swarm(engine) -> dict:
    status, body = engine.api.call_json("GET", "/swarm")
    assert status == 200, body
    return body


def spec_file(tmp_path, engine, **changes) -> tuple[str, int]:
    """The swarm's spec with `changes` (nested dicts merge), written as JSON; (its path, the version)."""
    found = swarm(engine)
    spec = found["Spec"]
    for key, value in changes.items():
        spec[key] = {**spec.get(key, {}), **value} if isinstance(value, dict) else value
    path = tmp_path / "swarm-spec.json"
    path.write_text(json.dumps(spec))
    return str(path), found["Version"]["Index"]


def test_init_inspect_update_and_leave(ee, swarm_engine, tmp_path, proven):
    init = ee.send(f"POST /swarm/init ListenAddr={swarm_engine.listen_addr} "
                   f"AdvertiseAddr={swarm_engine.advertise_addr}", 200)
    info = swarm_engine.swarm_info()
    assert (info["LocalNodeState"], info["NodeAddr"], info["NodeID"]) == ("active", "127.0.0.1", init.json())
    proven("SwarmInit")

    inspected = ee.send("GET /swarm", 200)
    before = swarm(swarm_engine)
    assert {key: inspected.json()[key] for key in ("ID", "JoinTokens", "Spec")} == \
        {key: before[key] for key in ("ID", "JoinTokens", "Spec")}
    proven("SwarmInspect")

    path, version = spec_file(tmp_path, swarm_engine, Labels={"ee-test": "updated"},
                              Orchestration={"TaskHistoryRetentionLimit": 2})
    updated = ee.send(f"POST /swarm/update version=={version} rotateWorkerToken==true @{path}", 200)
    after = swarm(swarm_engine)
    assert after["Spec"]["Labels"] == {"ee-test": "updated"}
    assert after["Spec"]["Orchestration"]["TaskHistoryRetentionLimit"] == 2
    assert after["Spec"]["Raft"] == before["Spec"]["Raft"]
    assert after["JoinTokens"]["Worker"] != before["JoinTokens"]["Worker"]
    assert after["JoinTokens"]["Manager"] == before["JoinTokens"]["Manager"]
    proven("SwarmUpdate")
    # The line names the version it changed, which is gone now: the engine refuses it, as it did not before.
    assert b"update out of sequence" in rerun(updated, 500)

    left = ee.send("POST /swarm/leave force==1", 200)
    assert swarm_engine.swarm_state() == "inactive"
    proven("SwarmLeave")

    assert json.loads(rerun(init)) == swarm_engine.swarm_info()["NodeID"]
    assert json.loads(rerun(inspected))["ID"] == swarm(swarm_engine)["ID"]
    rerun(left)
    assert swarm_engine.swarm_state() == "inactive"


def test_autolock_then_unlock_after_a_restart(ee, swarm_engine, tmp_path, proven):
    assert swarm_engine.api.call("POST", "/swarm/init", swarm_engine.init_body())[0] == 200
    path, version = spec_file(tmp_path, swarm_engine, EncryptionConfig={"AutoLockManagers": True})
    ee.send(f"POST /swarm/update version=={version} @{path}", 200)
    assert swarm(swarm_engine)["Spec"]["EncryptionConfig"]["AutoLockManagers"] is True

    unlock_key = ee.send("GET /swarm/unlockkey", 200)
    key = unlock_key.json()["UnlockKey"]
    assert key.startswith("SWMKEY-1-")
    swarm_engine.restart()
    assert swarm_engine.swarm_state() == "locked"  # the key is what opens it: proof that it is the one
    wrong = ee.send(f"POST /swarm/unlock UnlockKey=SWMKEY-1-{'A' * 43}")
    assert wrong.status is not None and wrong.status >= 400 and swarm_engine.swarm_state() == "locked"
    unlocked = ee.send(f"POST /swarm/unlock UnlockKey={key}", 200)
    assert swarm_engine.swarm_state() == "active"
    proven("SwarmUnlockkey", "SwarmUnlock")

    assert json.loads(rerun(unlock_key))["UnlockKey"] == key
    swarm_engine.restart()
    assert swarm_engine.swarm_state() == "locked"
    assert '"$UNLOCK_KEY"' in unlocked.curl and key not in unlocked.curl  # the key stays a secret
    rerun(unlocked, env={"UNLOCK_KEY": key})
    assert swarm_engine.swarm_state() == "active"
    assert swarm_engine.api.call("POST", "/swarm/leave?force=1")[0] == 200
