"""Settings, and where the engine is: its address by -H, DOCKER_HOST, a context or the default sockets.

Which source gives each setting (command line, environment, config.toml, docker's currentContext,
defaults) is decided in explorer.core.precedence; this module only holds the result.
"""
from __future__ import annotations

import os
from typing import NamedTuple
from urllib.parse import urlsplit

from explorer.core.errors import UsageError

DEFAULT_SOCKET = "/var/run/docker.sock"


class Settings(NamedTuple):
    """Everything the command line, the environment and config.toml decide (explorer.core.precedence)."""

    host: str | None = None  # -H / --unix-socket, DOCKER_HOST or config.toml's host, already merged
    spec: str | None = None
    api_version: str | None = None  # pinned by --api-version or DOCKER_API_VERSION
    verbose: bool = False
    pretty: bool = False
    interactive: bool = False
    color: bool = False
    headers: bool = False
    timeout: float = 0  # whole-request timeout in seconds; 0 = none (streams may be endless)
    show_secrets: bool = False  # --show-secrets: secrets as typed, nowhere hidden (explorer.lang.secrets)
    # The settings config.toml can hold too (explorer.core.configkeys names and checks them):
    context: str | None = None  # a docker context; read by endpoint(), see engine_address
    view: str = "json"  # how the shell shows a response: json | table | expanded
    pager: str | None = None  # shell command long output in the REPL goes through; None: print it
    style: str = "default"  # our colours, or a pygments style's
    vi: bool = False  # Vi key bindings at the prompt
    history_size: int = 10000  # lines the REPL's history file keeps; 0 saves none
    toolbar: bool = True  # the REPL's bottom toolbar
    read_only: bool = False  # --read-only / read-only: refuse, before sending, what changes state
    confirm_destructive: bool = True  # at the prompt, ask before a removal, prune, kill… (--no-confirm)
    with_registry_auth: bool = False  # services get config.json's registry credentials (explorer.http.registryauth)
    origins: tuple = ()  # (config key, where its value came from) for each key not at its default
    config_file: str | None = None  # the config.toml this run reads (it may not exist)


class Endpoint(NamedTuple):
    """Where the engine listens: a unix socket (base_url is then http://localhost) or a URL."""

    socket: str | None
    base_url: str = "http://localhost"

    @property
    def display(self) -> str:
        """How the user would write it with -H."""
        return f"unix://{self.socket}" if self.socket else self.base_url


def engine_address(settings: Settings, env=os.environ) -> tuple:
    """(socket path or None, base URL) of the engine these settings choose."""
    if settings.host is None and settings.context not in (None, "default"):
        # Issue 15 reads the context's endpoint (and TLS files) from $DOCKER_CONFIG/contexts here.
        origin = dict(settings.origins).get("context", "")
        raise UsageError(f"docker context {settings.context!r}{f' ({origin})' if origin else ''}: "
                         "engine-explorer cannot read docker contexts yet; give the engine with -H, "
                         "DOCKER_HOST or `host` in config.toml")
    return endpoint_address(settings.host, env)


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


def parse_host(spec: str, where: str = "") -> tuple:
    """`unix:///p`, `/p`, `tcp://h:p`, `http(s)://h:p` → (socket or None, base URL).

    `where` names the value in an error (default `-H SPEC`)."""
    parsed = _parse_host(spec)
    if isinstance(parsed, str):
        raise UsageError(f"{where or '-H ' + spec}: {parsed}")
    return parsed


def host_problem(spec: str) -> str:
    """What is wrong with an engine address, or "" when parse_host takes it."""
    parsed = _parse_host(spec)
    return parsed if isinstance(parsed, str) else ""


def _parse_host(spec: str) -> tuple | str:
    if spec.startswith("/"):
        return spec, "http://localhost"
    parts = urlsplit(spec)
    if parts.scheme == "unix":
        path = parts.path or parts.netloc
        if not path:
            return "no socket path; write unix:///var/run/docker.sock"
        return path, "http://localhost"
    if parts.scheme in ("tcp", "http", "https"):
        if not parts.hostname:
            return "no host name; write tcp://HOST:2375"
        scheme = "https" if parts.scheme == "https" or parts.port == 2376 else "http"
        return None, f"{scheme}://{parts.netloc}"
    return "use unix:///path/docker.sock, tcp://host:port or https://host:port"
