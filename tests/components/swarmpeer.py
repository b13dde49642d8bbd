"""A third engine, in a network namespace of its own, that can join the second engine's swarm.

Two swarm nodes cannot share a network namespace (each makes `docker_gwbridge` and listens on 7946),
and two namespaces that have only loopback cannot reach each other. Their filesystem is shared, so a
unix socket bridges them: in the peer's namespace socat listens on 127.0.0.1:2377 and relays each
connection to `<folder>/manager-2377.sock`, where a socat in the manager's namespace relays it on to
127.0.0.1:2377, the manager's swarm port. The peer joins with RemoteAddrs `127.0.0.1:2377`,
advertises 127.0.0.1 and listens on 2378 (its 2377 is the bridge's). A worker's join, its session
with the dispatcher and its heartbeats are all dialled by the worker, so that one way is enough for a
node to join and be ready; the manager cannot dial the worker back (nor gossip with it on 7946).

The engine starts once a session (`_third_engine`); the bridge is made for each test
(`swarm_peer`), to the manager's namespace as it is then: `SwarmEngine.restart` moves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from components import started
from components.daemons import Daemon, need_tool
from components.session import SessionFolder, clean_engine
from components.swarm import SwarmEngine, make_swarm_free, start_engine

MANAGER_PORT = 2377  # the swarm port, in both namespaces
PEER_LISTEN_ADDR = "127.0.0.1:2378"


class SwarmPeer(NamedTuple):
    """The third engine, swarm-free when handed over, with a bridge to the manager's swarm port."""

    engine: SwarmEngine
    remote_addr: str = f"127.0.0.1:{MANAGER_PORT}"  # the manager, as the peer reaches it
    listen_addr: str = PEER_LISTEN_ADDR

    @property
    def host(self) -> str:
        return self.engine.host

    def join_body(self, token: str) -> dict:
        """The body for the peer's `POST /swarm/join` with `token` (JoinTokens.Worker or .Manager)."""
        return {"ListenAddr": self.listen_addr, "AdvertiseAddr": "127.0.0.1", "RemoteAddrs": [self.remote_addr],
                "JoinToken": token}


def _in_namespace_of(engine: SwarmEngine, *argv: str) -> list[str]:
    """`argv` run in the network namespace of `engine`'s dockerd."""
    nsenter = need_tool("nsenter", "util-linux")
    return [nsenter, f"--net=/proc/{engine.dockerd_pid()}/ns/net", "--", *argv]


def start_bridge(manager: SwarmEngine, peer: SwarmEngine, folder: Path,
                 session: SessionFolder) -> list[Daemon]:
    """The two socats that carry the peer's 127.0.0.1:2377 to the manager's, through a unix socket."""
    socat = need_tool("socat", "socat")
    relay = folder / "manager-2377.sock"
    relay.unlink(missing_ok=True)
    started_here: list[Daemon] = []
    try:
        near = Daemon("the bridge's manager side", _in_namespace_of(
            manager, socat, "-d", "-d", f"UNIX-LISTEN:{relay},fork", f"TCP:127.0.0.1:{MANAGER_PORT}"),
            folder / "bridge-manager.log", session)
        started_here.append(near)
        near.wait_for_log(r"listening on")
        far = Daemon("the bridge's peer side", _in_namespace_of(
            peer, socat, "-d", "-d", f"TCP-LISTEN:{MANAGER_PORT},bind=127.0.0.1,fork,reuseaddr",
            f"UNIX-CONNECT:{relay}"), folder / "bridge-peer.log", session)
        started_here.append(far)
        far.wait_for_log(r"listening on")
    except BaseException:
        for daemon in started_here:
            daemon.stop()
        raise
    return started_here


@pytest.fixture(scope="session")
def _third_engine(component_session: SessionFolder) -> Iterator[SwarmEngine]:
    folder = component_session.path / "peer"
    engine = started("the third engine", lambda: start_engine(folder))
    yield engine
    clean_engine(folder)


@pytest.fixture
def swarm_peer(_second_engine: SwarmEngine, _third_engine: SwarmEngine,
               component_session: SessionFolder) -> Iterator[SwarmPeer]:
    """A third engine, swarm-free, bridged to the second engine's swarm port: `peer.join_body(token)`.

    The test makes the swarm on the second engine (`swarm_manager` or `swarm_engine`); the peer leaves
    whatever it joined when the test ends.
    """
    make_swarm_free(_third_engine)
    bridge = started("the bridge to the second engine", lambda: start_bridge(
        _second_engine, _third_engine, component_session.folder("bridge"), component_session))
    yield SwarmPeer(_third_engine)
    make_swarm_free(_third_engine)
    for daemon in bridge:
        daemon.stop()
