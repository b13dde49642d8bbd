"""Where podman-remote looks, tried only when no Docker engine answers: real unix sockets, listening or stale."""
from __future__ import annotations

import socket

import pytest

from explorer.core import discovery
from explorer.core.config import DEFAULT_SOCKET, Settings, engine_address


def endpoint_address(env) -> tuple:
    """(socket, base URL) of the engine no setting names."""
    found = engine_address(Settings(), env)
    return found.socket, found.base_url


def listener(path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.listen(1)
    return sock


def stale(path) -> None:
    """A socket file nobody listens on any more (a stopped service leaves one)."""
    path.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()


@pytest.fixture()
def runtime(tmp_path):
    if discovery.listening(DEFAULT_SOCKET):
        pytest.skip(f"a Docker engine answers at {DEFAULT_SOCKET}: discovery rightly looks no further")
    (tmp_path / "podman").mkdir()
    return tmp_path


def test_podman_remotes_order():
    env = {"CONTAINER_HOST": "unix:///c.sock", "XDG_RUNTIME_DIR": "/run/user/7"}
    assert [host for host, _ in discovery.podman_candidates(env)] == [
        "unix:///c.sock", "unix:///run/user/7/podman/podman.sock", "unix:///run/podman/podman.sock"]
    ssh = {"CONTAINER_HOST": "ssh://me@host/run/podman/podman.sock"}  # podman-remote's own transport: not ours
    assert [host for host, _ in discovery.podman_candidates(ssh)] == ["unix:///run/podman/podman.sock"]


def test_a_stale_docker_socket_gives_way_to_a_listening_podman(runtime):
    stale(runtime / "docker.sock")
    with listener(runtime / "podman" / "podman.sock"):
        assert endpoint_address({"XDG_RUNTIME_DIR": str(runtime)}) == (
            str(runtime / "podman" / "podman.sock"), "http://localhost")
        assert "podman-remote" in discovery.why(f"unix://{runtime}/podman/podman.sock",
                                                {"XDG_RUNTIME_DIR": str(runtime)})


def test_a_listening_docker_socket_wins_and_a_stale_podman_is_no_engine(runtime):
    with listener(runtime / "docker.sock"):
        with listener(runtime / "podman" / "podman.sock"):
            assert endpoint_address({"XDG_RUNTIME_DIR": str(runtime)})[0] == str(runtime / "docker.sock")
    stale(runtime / "podman" / "podman.sock")
    assert not discovery.listening(str(runtime / "podman" / "podman.sock"))
    # nothing answers anywhere: the default socket, so the error names where docker looks
    assert endpoint_address({"XDG_RUNTIME_DIR": str(runtime / "none")})[0] == DEFAULT_SOCKET


def test_docker_host_is_never_second_guessed(runtime):
    with listener(runtime / "podman" / "podman.sock"):
        env = {"XDG_RUNTIME_DIR": str(runtime), "DOCKER_HOST": "unix:///nowhere.sock"}
        assert endpoint_address(env)[0] == "/nowhere.sock"


def test_a_container_host_we_cannot_try_is_said_not_dropped():
    ssh = "ssh://core@localhost:2222/run/podman/podman.sock"
    note = discovery.unusable({"CONTAINER_HOST": ssh})
    assert note.startswith(f"note: CONTAINER_HOST={ssh} was not tried") and "\n" not in note
    assert note.endswith(f"give it with -H {ssh}")
    note = discovery.unusable({"CONTAINER_HOST": "tcp://10.0.0.1:8888"})
    assert note.startswith("note: CONTAINER_HOST=tcp://10.0.0.1:8888 is not a unix socket") and "-H unix://" in note
    assert discovery.unusable({"CONTAINER_HOST": "unix:///c.sock"}) == discovery.unusable({}) == ""
