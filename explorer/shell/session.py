"""Session state and the one executor: `Session.execute(line)`, behind the REPL, -c, -f and tests."""
from __future__ import annotations

import os
import time

from explorer.core import versions
from explorer.core.config import Endpoint, endpoint_address
from explorer.core.errors import EngineError, ExplorerError, SpecError, UsageError
from explorer.core.outcome import Outcome
from explorer.http import curlcmd, request
from explorer.lang import commands, redirect, slots, words
from explorer.response.delivery import deliver
from explorer.shell.dispatch import Dispatcher
from explorer.spec import find_spec, load_index, sources

OFFLINE_RETRY_SECONDS = 30.0
# How long prompts, previews and the REPL's start wait for /_ping before going on offline: an engine
# that accepts but never answers must not keep the shell from its prompt. A request waits as long as
# it takes (or --timeout), and Ctrl-C ends it.
PING_TIMEOUT = 2.0


class Session:
    """Engine, API version, spec and last response, plus `execute`."""

    def __init__(self, settings, console, env=os.environ, transport_factory=None, commands=None):
        self.settings = settings
        self.console = console
        # the meta commands: the shell's own, plus what explorer.cli wires in from the layers above
        self.commands = commands if commands is not None else Dispatcher()
        self.env = env
        self._transport_factory = transport_factory
        self._endpoint = None
        self._transport = None
        self._version = None
        self._engine_version = None
        self._offline_at = -OFFLINE_RETRY_SECONDS  # when the engine last failed to answer
        self._indexes: dict = {}  # API version → SpecIndex or None
        self.last_response = None
        self.redirect = None  # this line's `| command`, `> file` or `>> file` (explorer.lang.redirect)
        self.variables: dict = {}  # `set NAME = …`, --var: what {{NAME}} stands for
        self.recording: list = []  # (line as typed, command, Outcome): what `save` picks from
        self.script_stack: list = []  # "FILE:LINE" of each script being replayed, innermost last
        self.dry_run = False  # --dry-run: requests print their curl line and are not sent

    # -- the executor ---------------------------------------------------------------------

    def execute(self, line: str) -> Outcome:
        """Run one line of the command language; errors become one line and exit code 2.

        The line is parsed with its `{{NAME}}` references in place; each takes its value only in
        its slot of the parsed command (explorer.lang.slots), so no value can change what is sent.
        """
        try:
            text = line = words.lone_surrogates_as_bytes(line)  # no text: bytes, as bash writes them
            self.redirect = None
            if "|" in text or ">" in text:
                text, self.redirect = redirect.split(text)
            cmd = commands.parse(text)
            if cmd is None:
                return Outcome()
            if self.redirect is not None and "{{" in self.redirect.target:
                self.redirect = self._filled_redirect(self.redirect)
            outcome = self._dispatch(cmd)
        except ExplorerError as err:
            self.console.error(str(err))
            return Outcome(err.exit_code)
        self.recording.append((line, cmd, outcome))  # as typed: `save` keeps {{NAME}}
        return outcome

    def values(self) -> slots.Values:
        """What `{{NAME}}` stands for in this session: its variables and the environment."""
        return slots.Values(self.variables, self.env)

    def _filled_redirect(self, redir):
        if redir.op == redirect.PIPE:
            raise UsageError("a {{variable}} cannot go into a `| command`: the shell would read its value "
                             "as code")
        return redir._replace(target=slots.fill(redir.target, slots.WORD, self.values()))

    def _dispatch(self, cmd) -> Outcome:
        if self.dry_run and isinstance(cmd, (commands.RequestLine, commands.CurlPaste)):
            from explorer.shell import dryrun  # shlex and the markers: --dry-run only

            return dryrun.dry_run(self, cmd)
        if isinstance(cmd, commands.RequestLine):
            return self.send(self.build(cmd))
        if isinstance(cmd, commands.CurlPreview):
            req = self.build(cmd.request, need_engine=False)
            self.console.stdout.write(self.curl_line(req).encode("utf-8", "surrogateescape") + b"\n")
            self.console.stdout.flush()
            return Outcome()
        if isinstance(cmd, commands.CurlPaste):
            return self._pasted(cmd.argv)
        return self._meta(cmd)

    def build(self, line, need_engine: bool = True, values=None):
        """A parsed request line → Request, with this session's API version, spec and `values`
        (default: this session's variables; the sh export passes markers)."""
        version = self.api_version(need_engine)
        index = self._index_for(version)
        if line.target.startswith("/v"):
            _, _, pinned = request.split_target(line.target)
            if pinned and pinned != version:
                index = self._index_for(pinned)
        return request.build(line, index, version, self.values() if values is None else values)

    def send(self, req) -> Outcome:
        """Print the curl line (REPL, -v), send; the body is shown or written as it arrives."""
        if self.console.shows_curl:
            self.console.curl(self.curl_line(req))
        return deliver(self, req, self.redirect)

    def curl_line(self, req) -> str:
        """The curl one-liner for `req` against this session's engine."""
        ep = self.endpoint()
        return curlcmd.render(req, ep.socket, ep.base_url, redact=not self.settings.show_secrets)

    def _pasted(self, argv) -> Outcome:
        pasted = curlcmd.parse(argv)
        for hint in pasted.hints:
            self.console.note("hint: " + hint)
        ep = self.endpoint()
        if pasted.socket and pasted.socket != ep.socket:
            self.console.note(f"note: sending to this session's engine {ep.display}, "
                              f"not {pasted.socket} as the pasted line says")
        req = pasted.request
        if req.api_version is None:
            req = req._replace(api_version=self.api_version())
        return self.send(req)

    def _meta(self, cmd) -> Outcome:
        values = self.values()
        return self.commands.run(self, cmd.name, tuple(slots.fill(a, slots.WORD, values) for a in cmd.args))

    # -- lazily resolved state ----------------------------------------------------------

    def endpoint(self):
        """Where requests go (-H/--unix-socket, DOCKER_HOST, default sockets)."""
        if self._endpoint is None:
            socket, base = endpoint_address(self.settings.host, self.env)
            self._endpoint = Endpoint(socket, base)
        return self._endpoint

    def transport(self):
        """The (one, reused) transport to the engine."""
        if self._transport is None:
            self._transport = self._load_transport()(self.endpoint(), timeout=self.settings.timeout)
            # In the REPL a Ctrl-C must end the request and keep the session; a non-interactive
            # run is ended by it (SIGINT at its default, see cli.py), which costs no callbacks.
            self._transport.interruptible = self.console.interactive
        return self._transport

    def _load_transport(self):
        """The transport factory (the real Transport unless a test gave one)."""
        if self._transport_factory is None:
            # pycurl: help and previews need none
            from explorer.http.transport import Transport

            self._transport_factory = Transport
        return self._transport_factory

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

    def engine_version(self, timeout: float | None = None) -> str:
        """The engine's API version, from GET /_ping's Api-Version header (waiting at most `timeout`)."""
        if self._engine_version is None:
            self._engine_version = self._ping(self.transport(), timeout)
        return self._engine_version

    def probe_engine(self, timeout: float = PING_TIMEOUT) -> None:
        """Learn the engine's API version over a transport of its own, waiting at most `timeout`:
        the REPL calls this off the prompt's thread. An engine that does not answer is offline for now."""
        if self._engine_version is not None:
            return
        transport = self._load_transport()(self.endpoint(), timeout=timeout)
        try:
            found = self._ping(transport, timeout)
        except ExplorerError:
            self._offline_at = time.monotonic()
            return
        finally:
            transport.close()
        if self._engine_version is None:
            self._engine_version = found

    def _ping(self, transport, timeout: float | None) -> str:
        resp = transport.send(request.Request("GET", "/_ping"), timeout=timeout)
        found = resp.header("Api-Version")
        if not found:
            raise EngineError(f"{self.endpoint().display} answered /_ping without Api-Version: "
                              "is it a Docker-compatible engine? pin one with --api-version")
        return versions.parse(found, "the engine's Api-Version")

    def index(self):
        """The spec index for this session's API version (None when no spec can be found)."""
        return self._index_for(self.api_version(False))

    def _index_for(self, version):
        if version not in self._indexes:
            self._indexes[version] = self._load_index(version)
        return self._indexes[version]

    def _load_index(self, version):
        try:
            choice = find_spec(version, spec=self.settings.spec, env=self.env)
        except SpecError as err:
            if self.settings.spec or self.env.get("ENGINE_EXPLORER_SPEC"):
                raise
            self.console.note(f"note: {err}; requests are sent unchecked")
            return None
        if self.console.interactive or self.console.verbose:
            self.console.note(choice.note)
        return load_index(choice.path, env=self.env)

    def close(self) -> None:
        """Release the connection."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
