"""A second engine, of the test session's own, for swarm tests: `POST /swarm/init` and `leave` on it.

`swarm_engine` hands it over swarm-free to each test; `swarm_manager` gives a module one single-node
swarm on it (init at the module's start, leave at its end). Do not use both in one module: the first
would leave the second's swarm.

It is scripts/sandbox-engine in a folder of the session (`ENGINE_EXPLORER_SANDBOX=<folder>`), started
inside a network namespace of its own (`unshare --net`, loopback up). A swarm makes host network
devices — `swarm init` creates the `docker_gwbridge` bridge (172.17.0.1/16 here, as `--bridge=none`
left that range free) and `leave` does not remove it — and listens on 2377; in its own namespace
all of that stays out of the machine's network and the sandbox engine's, and port 2377 is always
free. Its unix socket is a file, so tests reach the API from outside the namespace as usual.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import EngineAPI

from components import started
from components.daemons import POLL_S, ComponentError, need_tool
from components.session import SANDBOX_ENGINE, SessionFolder, clean_engine

START_TIMEOUT_S = 120
INGRESS_TIMEOUT_S = 20
LONGEST_SOCKET = "exec/containerd/containerd.sock.ttrpc"  # sandbox-engine's check: paths of ≤ 107 bytes


class SwarmEngine(NamedTuple):
    """A swarm-free engine; init and leave a swarm on it with `init_body`."""

    host: str  # unix:///…/docker.sock
    socket: str
    api: EngineAPI
    folder: Path  # its sandbox folder (dockerd.log …)
    listen_addr: str = "127.0.0.1:2377"  # inside its network namespace
    advertise_addr: str = "127.0.0.1"

    def init_body(self, **extra: object) -> dict:
        """The body for `POST /swarm/init`: ListenAddr and AdvertiseAddr on loopback, plus `extra`."""
        return {"ListenAddr": self.listen_addr, "AdvertiseAddr": self.advertise_addr, **extra}

    def swarm_state(self) -> str:
        """Swarm.LocalNodeState from GET /info: "inactive" when swarm-free, "locked" when autolocked."""
        return self.swarm_info()["LocalNodeState"]

    def swarm_info(self) -> dict:
        """The Swarm part of GET /info: LocalNodeState, NodeID, NodeAddr, Error …"""
        status, info = self.api.call_json("GET", "/info")
        assert status == 200 and isinstance(info, dict), (status, info)
        return info["Swarm"]

    def dockerd_pid(self) -> int:
        """The pid of its dockerd now (a restart changes it, and its network namespace)."""
        return int((self.folder / "dockerd.pid").read_text())

    def restart(self) -> None:
        """Stop its dockerd and start it again, in a new network namespace; the socket and the data stay.

        What an autolocked swarm needs to lock: the manager's keys are sealed again when dockerd starts.
        In an active swarm it first waits (up to INGRESS_TIMEOUT_S) for the ingress network's sandbox:
        dockerd stopped while it still makes it waits 5 s for its removal ("timeout while waiting for
        ingress network removal"). On a slow machine (a fresh CI container) the sandbox may come later
        still, or, after an unlock, not before the stop; the restart then only costs dockerd that wait.
        """
        if self.swarm_state() == "active":
            self._wait_for_ingress()
        stop_engine(self.folder)
        start_engine(self.folder)

    def _wait_for_ingress(self) -> bool:
        """Whether the ingress network's sandbox came within INGRESS_TIMEOUT_S."""
        deadline = time.monotonic() + INGRESS_TIMEOUT_S
        while time.monotonic() <= deadline:
            status, network = self.api.call_json("GET", "/networks/ingress")
            if status == 200 and isinstance(network, dict) and "ingress-sbox" in (network.get("Containers") or {}):
                return True
            time.sleep(POLL_S)
        return False


def start_engine(folder: Path) -> SwarmEngine:
    """scripts/sandbox-engine start in `folder`, in a new network namespace with loopback up."""
    need_tool("unshare", "util-linux")
    need_tool("ip", "iproute2")
    if len(f"{folder}/{LONGEST_SOCKET}") > 107:
        raise ComponentError(f"{folder} is too long for unix sockets; set ENGINE_EXPLORER_COMPONENTS shorter")
    env = dict(os.environ, ENGINE_EXPLORER_SANDBOX=str(folder))
    done = subprocess.run(["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$0" start',
                           str(SANDBOX_ENGINE)], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=START_TIMEOUT_S, check=False)
    line = done.stdout.strip()
    if done.returncode != 0 or not line.startswith("DOCKER_HOST=unix://"):
        raise ComponentError(f"scripts/sandbox-engine start in {folder} failed: {done.stderr.strip()}")
    host = line.removeprefix("DOCKER_HOST=")
    socket = host.removeprefix("unix://")
    return SwarmEngine(host, socket, EngineAPI(socket), folder)


def stop_engine(folder: Path) -> None:
    """scripts/sandbox-engine stop for the engine in `folder` (its data stays)."""
    env = dict(os.environ, ENGINE_EXPLORER_SANDBOX=str(folder))
    done = subprocess.run([str(SANDBOX_ENGINE), "stop"], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=START_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise ComponentError(f"scripts/sandbox-engine stop in {folder} failed: {done.stderr.strip()}")


def make_swarm_free(engine: SwarmEngine) -> None:
    """Leave whatever swarm the engine is in (a test that failed half-way may have left one)."""
    if engine.swarm_state() == "inactive":
        return
    status, body = engine.api.call("POST", "/swarm/leave?force=1")
    state = engine.swarm_state()
    if state != "inactive":
        pytest.fail(f"the swarm engine stays {state!r} after POST /swarm/leave?force=1: {status} "
                    f"{json.loads(body or b'null')}")


@pytest.fixture(scope="session")
def _second_engine(component_session: SessionFolder) -> Iterator[SwarmEngine]:
    folder = component_session.path / "engine"
    engine = started("the second engine", lambda: start_engine(folder))
    yield engine
    clean_engine(folder)


@pytest.fixture
def swarm_engine(_second_engine: SwarmEngine) -> SwarmEngine:
    """A second engine, swarm-free when handed over: `host`, `socket`, `api`, `init_body()`, `swarm_state()`."""
    make_swarm_free(_second_engine)
    return _second_engine


@pytest.fixture(scope="module")
def swarm_manager(_second_engine: SwarmEngine) -> Iterator[SwarmEngine]:
    """The second engine as the one manager of a swarm of its own, shared by a module's tests.

    Initialised with `init_body()` as the module starts (by the raw client), left with force at its end.
    """
    make_swarm_free(_second_engine)
    status, body = _second_engine.api.call("POST", "/swarm/init", _second_engine.init_body())
    if status != 200:
        pytest.fail(f"POST /swarm/init on the second engine: {status} {body[-500:]!r}")
    yield _second_engine
    make_swarm_free(_second_engine)
