"""Live views in the shell, against the real engine's streams: stats redrawn in place as `docker stats`,
events as one line each; with `view json` (and anywhere but the shell) the JSON lines as sent."""
from __future__ import annotations

import io
import re
import threading
import time

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.integration.test_streams import create
from tests.integration.waiting import WAIT
from tests.replsession import wait_for

pytestmark = pytest.mark.engine


def shell(engine_host, spec_dir, view="table"):
    out = io.BytesIO()
    console = Console(out, io.BytesIO(), interactive=True, tty=True)
    return Session(Settings(host=engine_host, interactive=True, view=view, pager=""), console,
                   env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)}), out


def when(condition, then):
    """Run `then` in a thread once `condition` holds (a deadline fails the test's later asserts)."""
    thread = threading.Thread(target=lambda: wait_for(condition, WAIT) and then(), daemon=True)
    thread.start()
    return thread


def test_stats_is_a_table_redrawn_at_each_sample(engine_host, spec_dir, docker_api, busybox_image, unique_name,
                                                 monkeypatch):
    monkeypatch.setenv("COLUMNS", "150")
    cid = create(docker_api, unique_name, busybox_image, ["sleep", "600"])
    session, out = shell(engine_host, spec_dir)
    # two drawings seen: remove the container, which ends its stats stream (a kill does not, on 20.10)
    thread = when(lambda: out.getvalue().count(b"CONTAINER ID") >= 2,
                  lambda: docker_api.call("DELETE", f"/containers/{unique_name}?force=1"))
    assert session.execute(f"GET /containers/{unique_name}/stats").exit_code == 0
    thread.join(WAIT)
    text = out.getvalue().decode()
    assert "\x1b[2F\x1b[J" in text  # the second drawing goes back over the first: redrawn in place
    header = next(line for line in text.splitlines() if "CONTAINER ID" in line)
    assert re.split(r" {3,}", header.split("\x1b[J")[-1]) == [
        "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS"]
    row = next(line for line in text.splitlines() if line.startswith(cid[:12]))
    assert re.fullmatch(rf"{cid[:12]}   {unique_name}   \d+\.\d\d%   [\d.]+[KMG]?i?B / [\d.]+[KMGT]i?B   "
                        r"\d+\.\d\d%   .+ / .+   .+ / .+   \d+", row), row
    assert '"cpu_stats"' not in text


def test_json_view_keeps_the_json_lines(engine_host, spec_dir, docker_api, busybox_image, unique_name):
    create(docker_api, unique_name, busybox_image, ["sleep", "600"])
    session, out = shell(engine_host, spec_dir, view="json")
    thread = when(lambda: out.getvalue().count(b'"cpu_stats"') >= 1,
                  lambda: docker_api.call("DELETE", f"/containers/{unique_name}?force=1"))
    assert session.execute(f"GET /containers/{unique_name}/stats").exit_code == 0
    thread.join(WAIT)
    assert b"CONTAINER ID" not in out.getvalue()


def test_events_one_readable_line_each(engine_host, spec_dir, docker_api, busybox_image, unique_name):
    since = int(time.time()) - 1
    cid = create(docker_api, unique_name, busybox_image, ["true"], start=False)
    docker_api.call("DELETE", f"/containers/{unique_name}")
    session, out = shell(engine_host, spec_dir)
    until = int(time.time()) + 1
    assert session.execute(f"GET /events since=={since} until=={until} "
                           f"'filters=={{\"container\":[\"{cid}\"]}}'").exit_code == 0
    lines = [line for line in out.getvalue().decode().splitlines() if f"({cid[:12]})" in line]
    assert [line.split()[1:4] for line in lines] == [
        ["container", "create", unique_name], ["container", "destroy", unique_name]]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} container create ", lines[0])
    assert "image=busybox:local" in lines[0]


def test_a_cancelled_transport_ends_an_idle_stream(engine_host, spec_dir):
    """What `stats` relies on to stop the stream of a container that stopped (it idles, never ends):
    a transport's `cancel`, set from another thread, ends even a stream that sends nothing."""
    from explorer.core.errors import EngineError
    from explorer.http.request import Request

    session, _ = shell(engine_host, spec_dir)
    transport = session.engine.new_transport()
    transport.cancel = threading.Event()
    ended: dict = {}

    def send():
        try:
            transport.send(Request("GET", "/events", query=(("since", str(int(time.time()))),)),
                           sink=lambda chunk: None, on_headers=lambda *_: transport.cancel.set(), eager=True)
        except EngineError as err:
            ended["error"] = str(err)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    thread.join(WAIT)
    try:
        assert not thread.is_alive() and "error" in ended  # an idle /events, ended by the cancel alone
    finally:
        transport.close()
