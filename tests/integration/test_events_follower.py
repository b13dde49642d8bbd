"""Following the real engine's /events: a stoppable transport ends an idle stream at once, and the
follower asks for the lists a change made elsewhere touches."""
from __future__ import annotations

import threading

import pytest

from explorer.core.config import Endpoint, parse_host
from explorer.core.errors import EngineError
from explorer.http.request import Request
from explorer.http.transport import Transport

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
