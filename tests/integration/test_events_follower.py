"""Following the real engine's /events: a stoppable transport ends an idle stream at once, and the
follower asks for the lists a change made elsewhere touches."""
from __future__ import annotations

import threading

import pytest

from explorer.completion import overlay
from explorer.completion.events import EventFollower
from explorer.core.config import Endpoint, parse_host
from explorer.core.errors import EngineError
from explorer.http.request import Request
from explorer.http.transport import Transport
from tests.replsession import wait_for

pytestmark = pytest.mark.engine
WAIT_S = 30.0


def endpoint(engine_host: str) -> Endpoint:
    socket, base = parse_host(engine_host)
    return Endpoint(socket, base)


def test_stop_ends_an_idle_event_stream_from_another_thread(engine_host):
    transport = Transport(endpoint(engine_host), stoppable=True)
    connected, ended = threading.Event(), []

    def follow():
        try:
            transport.send(Request("GET", "/events"), sink=lambda data: None,
                           on_headers=lambda *_: connected.set(), eager=True)
        except EngineError as err:
            ended.append(str(err))

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        assert connected.wait(WAIT_S)  # the stream is open and idle: no event is coming
        transport.stop()
        thread.join(WAIT_S)
        assert not thread.is_alive() and ended == ["stopped reading the response"]
        with pytest.raises(EngineError, match="stopped"):  # a stopped transport sends nothing more
            transport.send(Request("GET", "/_ping"))
    finally:
        transport.close()


def follows_a_creation(host: str, api, image: str, name: str) -> None:
    """A follower on `host` asks for the containers list once a container is created there by `api`."""
    asked: list = []
    follower = EventFollower(endpoint(host), overlay.load(), asked.append)
    follower.start()
    try:
        assert wait_for(lambda: follower.following and None in asked, WAIT_S)  # connected: refresh all once
        status, _ = api.call("POST", f"/v1.41/containers/create?name={name}",
                             {"Image": image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
        assert status == 201
        assert wait_for(lambda: ("containers",) in asked, WAIT_S), asked
    finally:
        follower.close()
        api.call("DELETE", f"/v1.41/containers/{name}?force=1")
    assert follower.join(WAIT_S) and not follower.following and follower.supported


def test_the_follower_asks_for_containers_when_one_is_created_elsewhere(engine_host, docker_api, busybox_image,
                                                                         unique_name):
    follows_a_creation(engine_host, docker_api, busybox_image, unique_name)


@pytest.mark.podman
def test_the_follower_follows_podman_too(podman_host, podman_api, unique_name):
    follows_a_creation(podman_host, podman_api, "busybox:local", unique_name)
