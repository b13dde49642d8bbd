"""The session's engine: where requests go and why, the one reused connection, an ssh:// engine's
bridge, the API version requests go as, and `context NAME` switching all of these at once."""
from __future__ import annotations

import time

from explorer.core import discovery, versions
from explorer.core.config import TLS_KEYS, engine_address
from explorer.core.errors import EngineError
from explorer.http import request
from explorer.spec import sources

OFFLINE_RETRY_SECONDS = 30.0
# How long prompts, previews and the REPL's start wait for /_ping before going on offline: an engine
# that accepts but never answers must not keep the shell from its prompt. A request waits as long as
# it takes (or --timeout), and Ctrl-C ends it.
PING_TIMEOUT = 2.0


class Engine:
    """One engine at a time, chosen from the settings (which `context NAME` replaces, so they live here:
    the session's `settings` are these)."""

    def __init__(self, settings, console, env, docker, transport_factory=None) -> None:
        self.settings = settings
        self.console = console
        self.env = env
        self.docker = docker  # config.json's HttpHeaders go on the /_ping too
        self._transport_factory = transport_factory
        self._start = settings  # what `context default` goes back to
        self.changes = 0  # counts `context NAME` switches: the REPL refreshes what depends on the engine
        self._endpoint = None
        self._bridge = None  # an ssh:// engine's forward (explorer.shell.sshbridge), opened on first send
        self._transport = None
        self._version: str | None = None
        self.answered: str | None = None  # the engine's own API version, once its /_ping answered
        self._podman = ""  # the Podman release /_ping names (Libpod-Api-Version), "" for another engine
        self._offline_at = -OFFLINE_RETRY_SECONDS  # when the engine last failed to answer
        self._assumed_noted = False

    # -- where requests go ------------------------------------------------------------------

    def endpoint(self):
        """Where requests go (-H/--unix-socket, --context, DOCKER_HOST, DOCKER_CONTEXT, config.toml,
        docker's currentContext, the default sockets); the shell and -v say which, and why."""
        if self._endpoint is None:
            self._endpoint = self._announced(self._bridged(engine_address(self.settings, self.env)))
        return self._endpoint

    def open_endpoint(self):
        """endpoint(), with an ssh:// engine's forward open: for a transport made elsewhere (live values).
        EngineError (one line) when ssh cannot open it."""
        endpoint = self.endpoint()
        if self._bridge is not None:
            self._bridge.open()
        return endpoint

    @property
    def bridged(self) -> bool:
        """Whether the engine is an ssh:// one, reached through a bridge to a local socket."""
        self.endpoint()
        return self._bridge is not None

    def through_bridge(self, send):
        """`send()`; an ssh:// engine's first request goes through its bridge's `first` (what ssh says
        when it fails, or docker's dial-stdio where the far side refuses the forward)."""
        return send() if not self.bridged else self._bridge.first(send)

    def announce_bridge(self, raw: bool) -> None:
        """Once a session, before the first printed curl line: the ssh line that makes its socket."""
        if self._bridge is not None:
            self._bridge.announce(self.console, raw)

    def _bridged(self, endpoint):
        """`endpoint`; for an ssh:// engine, with the socket of a forward this session will open."""
        if endpoint.ssh is None:
            return endpoint
        # subprocess and shutil: only an ssh:// engine needs its bridge
        from explorer.shell import sshbridge

        self._bridge = sshbridge.Bridge(endpoint.ssh, self.env)
        if not self.console.interactive:
            sshbridge.unwind_on_signals()  # a Ctrl-C or kill must reach close(), which ends the forward
        return endpoint._replace(socket=self._bridge.socket)

    def _announced(self, endpoint):
        """`endpoint`, once the shell or -v has said which engine it is and why."""
        if self.console.interactive or self.console.verbose:
            self.console.note("engine: " + endpoint.describe())
            chosen = self.settings.host or self.settings.context not in (None, "default") or self.env.get("DOCKER_HOST")
            unusable = "" if chosen or discovery.why(endpoint.display, self.env) else discovery.unusable(self.env)
            if unusable:
                self.console.note(unusable)  # CONTAINER_HOST names a transport podman discovery cannot try
        return endpoint

    # -- docker contexts ---------------------------------------------------------------------

    def use_context(self, name: str):
        """Switch to docker context `name` ("default": the engine the session started with, else
        DOCKER_HOST or the default socket): engine, API version and spec follow; its Endpoint."""
        settings = self.context_settings(name)
        endpoint = engine_address(settings, self.env)  # a context that cannot be used changes nothing
        self.close()
        # the new engine's state before its bridge is made: should that fail, nothing of the old one stays
        self.settings, self._endpoint = settings, None
        self._version = self.answered = None
        self._podman = ""
        self._offline_at = -OFFLINE_RETRY_SECONDS
        self.changes += 1
        self._endpoint = endpoint = self._announced(self._bridged(endpoint))
        return endpoint

    def context_settings(self, name: str):
        """The session's settings with context `name` in use: a named one replaces the host and the TLS
        settings (it carries its own); "default" restores the host the session started with. What the
        shell changed meanwhile (`view`, `pager`) stays."""
        start, now = self._start, self.settings
        engine = ("host", "context", *TLS_KEYS)
        dropped = ("host", "context") if name == "default" else engine
        origins = (tuple(o for o in now.origins if o[0] not in engine)
                   + tuple(o for o in start.origins if o[0] in engine and o[0] not in dropped)
                   + (("context", "the shell"),))
        if name == "default":
            origins += tuple(o for o in start.origins if o[0] == "host")
        tls = {field: getattr(start, field) for field in TLS_KEYS.values()}
        return now._replace(context=name, host=start.host if name == "default" else None, origins=origins, **tls)

    # -- the connection ------------------------------------------------------------------------

    def transport(self):
        """The (one, reused) transport to the engine."""
        if self._bridge is not None:
            self._bridge.open()  # a forward whose ssh ended (a network drop) starts again
        if self._transport is None:
            self._transport = self.new_transport()
        return self._transport

    def new_transport(self):
        """A transport of its own: the session's one, or one for a request that runs beside others
        (`stats`: a stream per container), which the caller closes."""
        if self._transport_factory is None:
            # pycurl: help and previews need none
            from explorer.http.transport import Transport

            self._transport_factory = Transport
        transport = self._transport_factory(self.open_endpoint(), timeout=self.settings.timeout)
        # In the REPL a Ctrl-C must end the request and keep the session; a non-interactive
        # run is ended by it (SIGINT at its default, see cli.py), which costs no callbacks, except
        # through an ssh forward: there it is let in so that close() ends the forward.
        transport.interruptible = self.console.interactive or self._bridge is not None
        return transport

    def close(self) -> None:
        """Release the connection, and end an ssh:// engine's forward."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._bridge is not None:
            self._bridge.close()
            self._bridge, self._endpoint = None, None

    # -- the API version -----------------------------------------------------------------------

    def api_version(self, need_engine: bool = True) -> str | None:
        """Pinned (--api-version, DOCKER_API_VERSION), else min(engine's, newest spec known)."""
        if self._version:
            return self._version
        pinned = self.settings.api_version or self.env.get("DOCKER_API_VERSION")
        if pinned:
            self._version = versions.parse(pinned, "DOCKER_API_VERSION")
            return self._version
        newest = sources.newest_known(self.env)
        # Prompts and previews ask often; an engine that just failed is not asked again for a while
        # (an unreachable TCP host would otherwise stall every prompt by the connect timeout).
        recently_failed = time.monotonic() - self._offline_at < OFFLINE_RETRY_SECONDS
        if not need_engine and recently_failed:
            return newest
        try:
            engine = self.engine_version(timeout=None if need_engine else PING_TIMEOUT)
        except EngineError:
            self._offline_at = time.monotonic()
            if need_engine:
                raise
            return newest  # previews work with no engine, against the newest spec
        self._version = min(engine, newest, key=versions.key) if newest else engine
        return self._version

    def assumed_version(self) -> str | None:
        """api_version(False), for --dry-run and export; with no engine to ask and no pin, it says
        once which version it assumed."""
        version = self.api_version(False)
        if self._version is None and version and not self._assumed_noted:
            self._assumed_noted = True
            self.console.note(f"note: no engine answered at {self.endpoint().display}: the requests go as API "
                              f"v{version}, the newest known; pin one with --api-version or DOCKER_API_VERSION")
        return version

    def version_origin(self) -> str:
        """What pins the API version ("--api-version", "DOCKER_API_VERSION"), "" when the engine chose it."""
        if self.settings.api_version:
            return "--api-version"
        return "DOCKER_API_VERSION" if self.env.get("DOCKER_API_VERSION") else ""

    def engine_version(self, timeout: float | None = None) -> str:
        """The engine's API version, from GET /_ping's Api-Version header (waiting at most `timeout`)."""
        if self.answered is None:
            ping = request.Request("GET", "/_ping", headers=self.docker.headers())
            resp = self.through_bridge(lambda: self.transport().send(ping, timeout=timeout))
            found = resp.header("Api-Version")
            if not found and resp.status == 400 and b"HTTPS server" in resp.body:
                raise EngineError(f"{self.endpoint().display} speaks TLS, not plain HTTP: add --tlsverify "
                                  "(or DOCKER_TLS_VERIFY=1), or write https://")
            if not found:
                raise EngineError(f"{self.endpoint().display} answered /_ping without Api-Version: "
                                  "is it a Docker-compatible engine? pin one with --api-version")
            self.answered = versions.parse(found, "the engine's Api-Version")
            if "libpod" in (resp.header("Server") or "").lower():
                self._podman = resp.header("Libpod-Api-Version") or "?"
        return self.answered

    def podman_version(self) -> str:
        """The Podman release of the engine ("4.3.1"), "" when it is not Podman or has not answered."""
        return self._podman
