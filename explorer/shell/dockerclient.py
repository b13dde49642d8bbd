"""docker's config.json as docker's client applies it to this session's requests (explorer.http.registryauth).

The file is read on the first request. A request that may take registry credentials looks again
when the file has changed since, so a `docker login` in another terminal counts at once. A problem
with the file, or with a credential helper, is one `warning:` line, and the request goes on as
docker's would: without what could not be read.
"""
from __future__ import annotations

import os

from explorer.core import clientconfig
from explorer.lang import secrets

# the paths that may reach a registry (explorer.http.registryauth.PREFIXES, checked by its tests)
MAY_REACH_A_REGISTRY = ("/images/", "/plugins/", "/distribution/", "/services/", "/build")


class DockerClient:
    """config.json for one session: `complete(request)` for its lines, `headers()` for its own requests."""

    def __init__(self, env, console, service_auth: bool = False) -> None:
        self._env = env
        self.console = console
        self._service_auth = service_auth  # --with-registry-auth: services get credentials too
        self._config: clientconfig.ClientConfig | None = None
        self._stamp: tuple | None = None  # (mtime, size) of the file read; None: no file
        self.filled: dict = {}  # of the last request: variable of a header we filled → what it holds

    def config(self, fresh: bool = False) -> clientconfig.ClientConfig:
        """config.json as read; with `fresh`, read again if the file changed."""
        if self._config is None or (fresh and _stamp(self._config.path) != self._stamp):
            self._config = clientconfig.read(self._env)
            self._stamp = _stamp(self._config.path)
            if self._config.warning:
                self.console.note("warning: " + self._config.warning)
        return self._config

    def headers(self) -> tuple:
        """config.json's HttpHeaders, for the requests the session makes on its own (/_ping, lookups)."""
        config = self.config()
        if not config.http_headers:
            return ()
        from explorer.http import registryauth  # most configs have no HttpHeaders; this start needs it

        return registryauth.http_headers(config)

    def complete(self, req):
        """`req` with config.json's HttpHeaders and the registry credentials docker would send."""
        config = self.config()
        self.filled = {}
        if not config.http_headers and not req.path.startswith(MAY_REACH_A_REGISTRY):
            return req  # the hot path: nothing to add
        # credentials may run a helper (subprocess) and encode JSON: only requests that may need them
        from explorer.http import registryauth

        if registryauth.reaches_registry(req, self._service_auth):
            config = self.config(fresh=True)
        elif not config.http_headers:
            return req
        added = registryauth.complete(req, config, self._env, self._service_auth)
        for warning in added.warnings:
            self.console.note("warning: " + warning)
        self.filled = {secrets.header_variable(name): what for name, what in added.filled}
        return added.request


def _stamp(path: str) -> tuple | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size
