"""Where else an engine may listen when no Docker engine answers: where podman-remote looks.

podman-remote reads CONTAINER_HOST, then the rootless socket $XDG_RUNTIME_DIR/podman/podman.sock,
then the rootful /run/podman/podman.sock. A socket "answers" here when something accepts a
connection on it: a stale file left by a stopped service does not count, and no request is sent.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

ROOTFUL_PODMAN = "/run/podman/podman.sock"


def listening(path: str) -> bool:
    """Does a process accept connections on the unix socket at `path`? (a connect, nothing sent)"""
    import _socket  # the C module: `socket` builds enums at import; only a start without -H asks

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(1.0)
        sock.connect(path)
        return True
    except OSError:
        return False
    finally:
        sock.close()


def podman_candidates(env: Mapping) -> list[tuple[str, str]]:
    """(host as -H takes it, why it is tried) in podman-remote's order."""
    found = []
    container_host = env.get("CONTAINER_HOST", "")
    if container_host.startswith("unix://"):  # ssh:// and tcp:// are podman-remote's own transports
        found.append((container_host, "CONTAINER_HOST"))
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime:
        found.append(("unix://" + os.path.join(runtime, "podman", "podman.sock"), "$XDG_RUNTIME_DIR/podman"))
    found.append(("unix://" + ROOTFUL_PODMAN, "rootful Podman"))
    return found


def podman_host(env: Mapping) -> str | None:
    """The first socket podman-remote would use on which something listens, else None."""
    for host, _ in podman_candidates(env):
        path = host[len("unix://"):]
        if path and listening(path):
            return host
    return None


def why(host: str, env: Mapping) -> str:
    """How discovery found `host` (one phrase), or "" when it is not one of podman-remote's places."""
    for candidate, reason in podman_candidates(env):
        if candidate == host:
            return f"no Docker engine answered; found Podman where podman-remote looks ({reason})"
    return ""


def unusable(env: Mapping) -> str:
    """A note when CONTAINER_HOST names a transport we cannot try (ssh://, tcp://), else ""."""
    container_host = env.get("CONTAINER_HOST", "")
    if not container_host or container_host.startswith("unix://"):
        return ""
    if container_host.startswith("ssh://"):  # ours too, but logging in is for the user to ask for
        return (f"note: CONTAINER_HOST={container_host} was not tried (looking around never logs in anywhere); "
                f"give it with -H {container_host}")
    return (f"note: CONTAINER_HOST={container_host} is not a unix socket, so it was not tried; forward the "
            "socket (ssh -L /tmp/podman.sock:/run/podman/podman.sock …) and give it with -H unix:///tmp/podman.sock")

