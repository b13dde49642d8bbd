"""The ssh:// bridge's own edges, against the real sshd (tests/components/sshd.py): a failing login is
tried once per retry period, a forward that timed out starts again, the first request settles forward
or dial-stdio only once it has an answer, and close() leaves the watchdog nothing to kill."""
from __future__ import annotations

import io
import os
import signal
import subprocess

import pytest

from explorer.core.config import Endpoint
from explorer.core.console import Console
from explorer.core.errors import EngineError
from explorer.core.sshhost import SSHHost
from explorer.http.request import Request
from explorer.http.transport import Transport
from explorer.shell import sshbridge
from explorer.shell.sshbridge import Bridge
from tests.integration.test_ssh_engines import assert_nothing_left

pytestmark = pytest.mark.engine


@pytest.fixture
def env(ssh_engine, runtime_dir):
    return {**os.environ, **ssh_engine.env, "XDG_RUNTIME_DIR": runtime_dir}


def logins(ssh_engine) -> int:
    """The connections sshd has taken so far (it logs each before its authentication)."""
    return (ssh_engine.server_folder / "sshd.log").read_text(errors="replace").count("Connection from 127.0.0.1 port")


def ping(bridge: Bridge):
    """A send as the engine makes it: the forward opened, then one /_ping through its socket."""
    def send():
        bridge.open()
        transport = Transport(Endpoint(bridge.socket), timeout=30)
        try:
            return transport.send(Request("GET", "/_ping")).body
        finally:
            transport.close()
    return send


def test_a_refused_login_is_tried_once_per_retry_period(ssh_engine, env, runtime_dir):
    bridge = Bridge(SSHHost(ssh_engine.failing["refused"]), env)
    console = Console(stdout=io.BytesIO(), stderr=io.BytesIO())
    before = logins(ssh_engine)
    try:
        for _ in range(3):  # each request, and each printed curl line, while it fails
            with pytest.raises(EngineError, match="ssh login refused"):
                bridge.first(ping(bridge))
            assert not bridge.announce(console, raw=False)
    finally:
        bridge.close()
    assert logins(ssh_engine) - before == 1
    assert_nothing_left(runtime_dir)


def test_a_forward_that_timed_out_starts_again(ssh_engine, engine_socket, env, runtime_dir,
                                               monkeypatch):
    bridge = Bridge(SSHHost(ssh_engine.alias, path=engine_socket), env)
    try:
        monkeypatch.setattr(sshbridge, "READY_TIMEOUT", 0.0)  # ssh cannot log in at once: it times out
        with pytest.raises(EngineError, match="ssh did not open the forward in 0 s"):
            bridge.open()
        monkeypatch.setattr(sshbridge, "READY_TIMEOUT", 60.0)
        monkeypatch.setattr(sshbridge, "RETRY_SECONDS", 0.0)
        assert bridge.first(ping(bridge)) == b"OK"
    finally:
        bridge.close()
    assert_nothing_left(runtime_dir)


def test_a_failure_before_ssh_ran_leaves_the_dial_fallback_open(ssh_engine, engine_socket, env,
                                                                runtime_dir, monkeypatch):
    bridge = Bridge(SSHHost(ssh_engine.failing["noforward"], path=engine_socket), {**env, "PATH": "/nonexistent"})
    try:
        with pytest.raises(EngineError, match="cannot run ssh"):  # as offline at start, or a passing DNS error
            bridge.first(ping(bridge))
        bridge.env = env
        monkeypatch.setattr(sshbridge, "RETRY_SECONDS", 0.0)
        assert bridge.first(ping(bridge)) == b"OK"  # the far side refused the forward: docker's dial-stdio
        assert bridge.shell_line().startswith("mkdir -p -m 700 ") and " socat " in bridge.shell_line()
    finally:
        bridge.close()
    assert_nothing_left(runtime_dir)


def test_close_leaves_the_watchdog_no_pid_to_kill(ssh_engine, engine_socket, env, runtime_dir):
    bridge = Bridge(SSHHost(ssh_engine.alias, path=engine_socket), env)
    bystander = subprocess.Popen(["sleep", "600"])  # as a process that got the reaped ssh's pid
    try:
        assert bridge.first(ping(bridge)) == b"OK"
        with open(os.path.join(bridge.folder, sshbridge.PID), "w", encoding="ascii") as fh:
            fh.write(f"{bystander.pid}\n")
        bridge.close()  # reaps the watchdog: whatever it killed, it has
        assert bystander.poll() is None
    finally:
        bystander.send_signal(signal.SIGKILL)
        bystander.wait()
        bridge.close()
    assert_nothing_left(runtime_dir)
