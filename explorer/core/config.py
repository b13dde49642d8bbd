"""Settings, and where things live: engine address, XDG dirs, the env conventions."""
from __future__ import annotations

import os
from typing import NamedTuple
from urllib.parse import urlsplit

from explorer.core.errors import UsageError

DEFAULT_SOCKET = "/var/run/docker.sock"


class Settings(NamedTuple):
    """Everything the command line and the environment decide."""

    host: str | None = None  # -H / --unix-socket, already merged
    spec: str | None = None
    api_version: str | None = None  # pinned by --api-version or DOCKER_API_VERSION
    verbose: bool = False
    pretty: bool = False
    interactive: bool = False
    color: bool = False
    headers: bool = False
    timeout: float = 0  # whole-request timeout in seconds; 0 = none (streams may be endless)
    show_secrets: bool = False  # print X-Registry-Auth/-Config values instead of <redacted>


class Endpoint(NamedTuple):
    """Where the engine listens: a unix socket (base_url is then http://localhost) or a URL."""

    socket: str | None
    base_url: str = "http://localhost"

    @property
    def display(self) -> str:
        """How the user would write it with -H."""
        return f"unix://{self.socket}" if self.socket else self.base_url


def endpoint_address(host: str | None, env=os.environ) -> tuple:
    """(socket path or None, base URL) by -H, DOCKER_HOST, the default sockets, in that order."""
    spec = host or env.get("DOCKER_HOST") or _default_socket(env)
    return parse_host(spec)


def _default_socket(env) -> str:
    candidates = [DEFAULT_SOCKET]
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime:
        candidates.append(os.path.join(runtime, "docker.sock"))
    for path in candidates:
        if os.path.exists(path):
            return "unix://" + path
    return "unix://" + DEFAULT_SOCKET


def parse_host(spec: str) -> tuple:
    """`unix:///p`, `/p`, `tcp://h:p`, `http(s)://h:p` → (socket or None, base URL)."""
    if spec.startswith("/"):
        return spec, "http://localhost"
    try:
        parts = urlsplit(spec)
        parts.port  # noqa: B018 - a port out of range raises only when read
    except ValueError as err:
        raise UsageError(f"-H {spec}: {err}; write unix:///path, tcp://HOST:PORT or https://HOST:PORT") from None
    if parts.scheme == "unix":
        path = parts.path or parts.netloc
        if not path:
            raise UsageError(f"-H {spec}: no socket path; write unix:///var/run/docker.sock")
        return path, "http://localhost"
    if parts.scheme in ("tcp", "http", "https"):
        if not parts.hostname:
            raise UsageError(f"-H {spec}: no host name; write tcp://HOST:2375")
        scheme = "https" if parts.scheme == "https" or parts.port == 2376 else "http"
        return None, f"{scheme}://{parts.netloc}"
    raise UsageError(f"-H {spec}: use unix:///path/docker.sock, tcp://host:port or https://host:port")
