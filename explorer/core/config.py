"""Settings, and where the engine is: -H, --context, DOCKER_HOST, DOCKER_CONTEXT, docker's
currentContext, else the default sockets, read as the docker CLI reads them.

Which source gives each setting (command line, environment, config.toml, docker's currentContext,
defaults) is decided in explorer.core.precedence; this module turns the winners into an Endpoint.
Host strings follow the docker CLI's opts.ParseHost: `tcp://host` is port 2375, `tcp://:2375` is
localhost, no host at all with TLS on is tcp://localhost:2376, `unix://relative/path` is relative
to the working directory, and TLS comes only from the TLS settings (or a context), never from a
port. Our extensions: `http://…`/`https://…` as curl users write them, and a bare `/path` socket.
`ssh://[user@]host[:port][/socket]` is read by explorer.core.sshhost (as docker's connhelper reads it);
the forward that reaches it is explorer.shell.sshbridge, which only the session starts.
A plain unix-socket start reads no file and imports nothing here beyond this module: contexts
(explorer.core.contexts) and TLS (explorer.core.tls) load only when an engine needs them.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from explorer.core import discovery
from explorer.core.errors import UsageError, without_password

if TYPE_CHECKING:  # annotations only: a unix-socket start never loads the TLS or ssh modules
    from explorer.core.sshhost import SSHHost
    from explorer.core.tls import TLS

DEFAULT_SOCKET = "/var/run/docker.sock"
DEFAULT_TLS_HOST = "tcp://localhost:2376"  # docker's engine when TLS is on and no host is given
_TCP_PORT = "2375"  # docker's port for tcp://host (with or without TLS: it never guesses from one)
# The TLS settings (config key → Settings field): they describe the engine -H, DOCKER_HOST or `host` gives.
TLS_KEYS = {"tls": "tls", "tlsverify": "tls_verify", "tlscacert": "tls_ca", "tlscert": "tls_cert",
            "tlskey": "tls_key", "cert-path": "cert_path"}


class Settings(NamedTuple):
    """Everything the command line, the environment and config.toml decide (explorer.core.precedence)."""

    host: str | None = None  # -H / --unix-socket, DOCKER_HOST or config.toml's host, already merged
    spec: str | None = None
    api_version: str | None = None  # pinned by --api-version or DOCKER_API_VERSION
    verbose: bool = False
    pretty: str = "auto"  # JSON bodies: auto | all | colors | format | none (httpie's --pretty)
    interactive: bool = False
    color: bool = False  # colour bodies and lines (decided with `pretty`, the terminal and NO_COLOR)
    headers: bool = False
    timeout: float = 0  # whole-request timeout in seconds; 0 = none (streams may be endless)
    show_secrets: bool = False  # --show-secrets: secrets as typed, nowhere hidden (explorer.lang.secrets)
    paging: bool = True  # `pager off` in the shell turns paging off for the session
    # The settings config.toml can hold too (explorer.core.configkeys names and checks them):
    context: str | None = None  # a docker context (--context, DOCKER_CONTEXT, currentContext)
    tls: bool = False  # --tls, DOCKER_TLS: TLS, the engine's certificate unchecked unless tls_verify
    tls_verify: bool = False  # --tlsverify, DOCKER_TLS_VERIFY: TLS, the engine verified
    tls_ca: str | None = None  # --tlscacert; default cert_path/ca.pem
    tls_cert: str | None = None  # --tlscert; default cert_path/cert.pem when it exists
    tls_key: str | None = None  # --tlskey; default cert_path/key.pem when it exists
    cert_path: str | None = None  # DOCKER_CERT_PATH; default $DOCKER_CONFIG (~/.docker)
    view: str = "json"  # how the shell shows a response: json | table | expanded
    pager: str | None = None  # shell command long output goes through; "": none; None: less -FRX if installed
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
    """Where the engine listens: a unix socket (base_url is then http://localhost) or a URL, and how
    it was chosen."""

    socket: str | None
    base_url: str = "http://localhost"
    tls: TLS | None = None  # an https engine's certificates and whether it is verified
    context: str | None = None  # the docker context that named it; None: no context (docker's "default")
    why: str = ""  # how it was chosen, for -v and the shell: "-H", "context colima, from DOCKER_CONTEXT"
    ssh: SSHHost | None = None  # an ssh:// engine; `socket` is then the session's local end of the forward

    @property
    def display(self) -> str:
        """How the user would write it with -H (https:// when TLS is on)."""
        if self.ssh is not None:
            return self.ssh.url
        return f"unix://{self.socket}" if self.socket else self.base_url

    def describe(self) -> str:
        """The engine, how it was chosen and its TLS, in one line."""
        tls = f"; {self.tls.describe()}" if self.tls is not None else ""
        return f"{self.display} ({self.why}{tls})" if self.why else self.display + tls


def engine_address(settings: Settings, env=os.environ) -> Endpoint:
    """The engine these settings choose, as the docker CLI would choose it, with why."""
    origins = dict(settings.origins)
    if settings.host is None and settings.context not in (None, "default"):
        # hashlib and json read the context store: only a start with a named context pays for them
        from explorer.core import contexts

        source = _source(origins.get("context", ""))
        why = f"context {settings.context}, from {source}"
        found = contexts.load(settings.context, env, f"from {source}" if source else "")
        return _endpoint(found.host or "unix://" + DEFAULT_SOCKET, f"docker context {found.name!r} ({found.meta})",
                         why, settings, origins, env, context=found)
    host, where = settings.host, origins.get("host", "")
    if host is None and env.get("DOCKER_HOST"):
        host, where = env["DOCKER_HOST"], "environment: DOCKER_HOST"  # docker's default context reads it
    why = _source(where) if host else ""
    if settings.context == "default":
        why = f"context default, from {_source(origins.get('context', ''))}" + (f": {why}" if why else "")
    if host is None:
        tls_on = settings.tls or settings.tls_verify
        host, default_why = (DEFAULT_TLS_HOST, "TLS is on and no host is given") if tls_on else _default_socket(env)
        why = f"{why}: {default_why}" if why else default_why
    return _endpoint(host, _naming(where, host), why, settings, origins, env)


def _endpoint(host: str, name: str, why: str, settings: Settings, origins: dict, env, context=None) -> Endpoint:
    """The Endpoint of `host` (named `name` in errors): a socket, or TCP with the TLS that applies."""
    scheme, target = read_host(host, name)
    given = [key for key, field in TLS_KEYS.items() if key in origins and getattr(settings, field)]
    typed = [_source(origins[key]) for key in given if origins[key].startswith("command line")]
    if given and (context is not None or scheme in ("unix", "ssh")):
        # A context carries its own TLS, and a socket has none (docker 23+ ignores TLS there too).
        kind = "an ssh:// engine" if scheme == "ssh" else "a unix socket"
        what = f"context {context.name} has its own TLS settings" if context else f"{host} is {kind}"
        if typed:
            raise UsageError(f"{' and '.join(typed)}: {what}; give the engine with -H tcp://HOST:PORT to use TLS")
        why += f"; {', '.join(_source(origins[key]) for key in given)} unused: {what}"
    if scheme in ("unix", "ssh"):
        ssh, socket = (target, None) if scheme == "ssh" else (None, target)
        return Endpoint(socket, "http://localhost", None, context.name if context else None, why, ssh)
    # the TLS files are read and checked only for an engine on TCP
    from explorer.core import tls

    if context is not None:
        secured = tls.for_context(context.name, scheme, context.files, context.skip_verify)
        return Endpoint(None, f"{'https' if secured else 'http'}://{target}", secured, context.name, why)
    secured, note = tls.for_settings(settings, {k: _source(v) for k, v in origins.items()}, scheme, env, name)
    why += f"; {note}" if note else ""
    return Endpoint(None, f"{'https' if secured else 'http'}://{target}", secured, None, why)


def _source(origin: str) -> str:
    """"command line: -H" → "-H", "environment: DOCKER_HOST" → "DOCKER_HOST": how -v names a source."""
    for prefix in ("command line: ", "environment: "):
        if origin.startswith(prefix):
            return origin[len(prefix):]
    if origin.startswith("config file"):
        return "config.toml" + origin[len("config file"):]
    if origin.startswith("docker's "):
        return origin[len("docker's "):]  # currentContext in …/config.json: what `docker context use` wrote
    return origin


def _naming(origin: str, host: str) -> str:
    """How an error names the host: `-H tcp://x`, `DOCKER_HOST=tcp://x`, `host = "tcp://x"`."""
    source = _source(origin).split(" (")[0]
    host = without_password(host)
    if source.startswith("-"):
        return f"{source} {host}"
    if source.startswith("DOCKER_"):
        return f"{source}={host}"
    return f"host {host!r} ({source})" if source else host


def _default_socket(env) -> tuple:
    """(unix://socket, why): /var/run/docker.sock, else the rootless one, as dockerd's defaults."""
    runtime = env.get("XDG_RUNTIME_DIR")
    candidates = [DEFAULT_SOCKET] + ([os.path.join(runtime, "docker.sock")] if runtime else [])
    existing = [path for path in candidates if os.path.exists(path)]
    if not any(discovery.listening(path) for path in existing):
        # no Docker engine answered: try where podman-remote looks (explorer.core.discovery)
        podman = discovery.podman_host(env)
        if podman:
            return podman, discovery.why(podman, env) or "no Docker engine answered; Podman's socket"
    if existing and existing[0] != DEFAULT_SOCKET:
        return "unix://" + existing[0], "the rootless socket: there is no " + DEFAULT_SOCKET
    return "unix://" + DEFAULT_SOCKET, "the default socket"


def parse_host(spec: str, where: str = "") -> tuple:
    """An engine address → (socket or None, base URL), TLS off. `where` names it in an error (default `-H SPEC`).
    An ssh:// engine has no socket until a session opens its forward: (None, "http://localhost")."""
    scheme, target = read_host(spec, where or "-H " + without_password(spec))
    if scheme == "ssh":
        return None, "http://localhost"
    return (target, "http://localhost") if scheme == "unix" else (None, f"{'https' if scheme == 'https' else 'http'}"
                                                                         f"://{target}")


def read_host(spec: str, where: str) -> tuple:
    """(scheme, target): ("unix", absolute socket path), ("tcp"|"http"|"https", "host:port[/path]") or
    ("ssh", SSHHost); an address docker would refuse is one UsageError starting with `where`."""
    parsed = _parse_host(spec)
    if isinstance(parsed, str):
        raise UsageError(f"{where}: {parsed}")
    return parsed


def host_problem(spec: str) -> str:
    """What is wrong with an engine address, or "" when it can be used."""
    parsed = _parse_host(spec)
    return parsed if isinstance(parsed, str) else ""


def _parse_host(spec: str) -> tuple | str:
    text = spec.strip()
    if text.startswith("/"):  # ours: a socket path as --unix-socket takes it
        return "unix", text
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text  # docker: `host:port` is tcp://host:port
    if scheme == "unix":
        if "://" in rest:
            return f"invalid proto, expected unix: {rest}"
        return "unix", os.path.abspath(rest or DEFAULT_SOCKET)  # docker dials a relative path from here
    if scheme in ("tcp", "http", "https"):
        return _tcp(scheme, rest)
    if scheme == "ssh":
        # its NamedTuple costs a start about a million instructions: only an ssh:// engine pays them
        from explorer.core import sshhost

        return sshhost.parse(rest)
    return ("invalid bind address format (docker takes unix:///path or tcp://host:port; we also take "
            "http(s)://host:port)")


def _tcp(scheme: str, rest: str) -> tuple | str:
    """tcp:// as docker's ParseTCPAddr reads it; http(s):// as curl reads it (ports 80 and 443)."""
    if "://" in rest:
        return f"invalid proto, expected {scheme}: {rest}"
    if scheme == "tcp" and not rest:
        return "tcp", "localhost:" + _TCP_PORT
    try:
        parts = urlsplit("tcp://" + rest)
        port = parts.port
    except ValueError as err:
        return f"invalid address ({err})"
    if parts.query or parts.fragment or parts.username is not None:
        return "write HOST:PORT[/PATH], with no user, query or fragment"
    host = parts.hostname or ""
    if not host and scheme != "tcp":
        return f"no host name; write {scheme}://HOST:PORT"
    host = f"[{host}]" if ":" in host else host or "localhost"
    default = _TCP_PORT if scheme == "tcp" else ("443" if scheme == "https" else "80")
    return scheme, f"{host}:{port if port is not None else default}{parts.path.rstrip('/')}"

