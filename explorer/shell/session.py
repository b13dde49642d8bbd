"""Session state and the one executor: `Session.execute(line)`, behind the REPL, -c, -f and tests."""
from __future__ import annotations

import os
import time

from explorer.core import discovery, versions
from explorer.core.config import TLS_KEYS, engine_address
from explorer.core.errors import EngineError, ExplorerError, Refused, SpecError, UsageError
from explorer.core.outcome import Outcome
from explorer.http import curlcmd, request
from explorer.lang import commands, redirect, secrets, slots, words
from explorer.response import rawframes
from explorer.response.delivery import deliver, expected_kind
from explorer.shell import guard, pasted, versiongate
from explorer.shell.dispatch import Dispatcher
from explorer.shell.dockerclient import DockerClient
from explorer.spec import combined, find_spec, load_index, sources

OFFLINE_RETRY_SECONDS = 30.0
_DECLINED = Outcome(1)  # the user said no to a destructive request: nothing sent, and not one to `save`
_NOT_PODMAN = ("/libpod/… is Podman's own API and this engine is not Podman (its /_ping names no Libpod); "
               "`!` sends the line unchecked")
_NO_LIBPOD_SPEC = ("/libpod/… is Podman's own API and no Podman spec was found: put Podman's swagger-vX.Y.Z.yaml in "
                   "$ENGINE_EXPLORER_SPEC_DIR/podman/ (or give it with --spec); `!` sends the line unchecked")
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
        self._start = settings  # what `context default` goes back to
        self.engine_changes = 0  # counts `context NAME` switches: the REPL refreshes what depends on the engine
        self._endpoint = None
        self._bridge = None  # an ssh:// engine's forward (explorer.shell.sshbridge), opened on first send
        self._bridge_shown = False  # the ssh line that makes the forward's socket was printed
        self._transport = None
        self._version = None
        self._engine_version = None
        self._podman = ""  # the Podman release /_ping names (Libpod-Api-Version), "" for another engine
        self._offline_at = -OFFLINE_RETRY_SECONDS  # when the engine last failed to answer
        self._indexes: dict = {}  # API version → SpecIndex or None
        self.last_response = None
        self.last_operation: str | None = None  # the operationId of last_response: its table for `last`
        self.redirect = None  # this line's `| command`, `> file` or `>> file` (explorer.lang.redirect)
        self.variables: dict = {}  # `set NAME = …`, --var: what {{NAME}} stands for
        self.recording: list = []  # (line as typed, command, Outcome): what `save` picks from
        self.script_stack: list = []  # "FILE:LINE" of each script being replayed, innermost last
        self.dry_run = False  # --dry-run: requests print their curl line and are not sent
        self.secret_names: set = set()  # variables that fill a secret (explorer.lang.secrets): never shown
        self._named: set = set()  # the $VARIABLES of printed curl lines already explained
        self._noted: set = set()  # the notes on what curl shows of a body (rawframes) already given
        self._libcurl_compared = False  # the first printed line says whether the curl command's libcurl is ours
        # docker's config.json: HttpHeaders on every request, registry credentials where docker sends them
        self.docker = DockerClient(env, console, settings.with_registry_auth)

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
            if "{{" in text:
                # a variable that fills a secret is never shown again (`vars`, `set`'s note, messages)
                self.secret_names |= secrets.secret_variables([text], self.secret_names)
            outcome = self._dispatch(cmd)
        except ExplorerError as err:
            self.console.error(str(err))
            return Outcome(err.exit_code, refused=isinstance(err, Refused))
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
        if self.dry_run and isinstance(cmd, (commands.RequestLine, commands.CurlPaste, commands.CurlPreview)):
            from explorer.shell import dryrun  # shlex and the markers: --dry-run only

            return dryrun.dry_run(self, cmd)
        if isinstance(cmd, commands.RequestLine):
            return self.send(self.build(cmd))
        if isinstance(cmd, commands.CurlPreview):
            self.show_curl(self.build(cmd.request, need_engine=False), raw=True)
            return Outcome()
        if isinstance(cmd, commands.CurlPaste):
            return pasted.run(self, cmd.argv)
        return self._meta(cmd)

    def build(self, line, need_engine: bool = True, values=None):
        """A parsed request line → Request, with this session's API version, spec and `values`
        (default: this session's variables; the sh export passes markers)."""
        version = self.api_version(need_engine)
        index = self._index_for(version)
        libpod = combined.is_libpod(versions.split_prefix(line.target)[1])
        if line.target.startswith("/v") and not libpod:  # /v5.0.0/libpod/… names libpod's version, not Docker's
            _, _, pinned = request.split_target(line.target)
            if pinned and pinned != version:
                index = self._index_for(pinned)
        if index is not None and libpod and not combined.has_libpod(index):
            index = self._with_libpod(index, version)
        if index is not None and libpod and not combined.has_libpod(index):
            if not line.force:
                raise UsageError(_NO_LIBPOD_SPEC if self._podman else _NOT_PODMAN)
            index = None  # `!`: sent as written, no spec to check it against
        return versiongate.build(self, line, index, version, self.values() if values is None else values)

    def _with_libpod(self, index, version):
        """`index`, or the one with Podman's libpod spec when /_ping says the engine is Podman (a pinned
        API version skips the ping that would have told)."""
        if self._engine_version is not None or version is None:
            return index
        try:
            self.engine_version()
        except EngineError:
            return index
        if not self._podman:
            return index
        self._indexes.pop(version, None)
        return self._index_for(version)

    def send(self, req, output=None) -> Outcome:
        """Print the curl line (REPL, -v), send; the body is shown or written as it arrives.
        `output`: a pasted line's -i and -w (explorer.http.curlcmd.Output).

        First the guard (explorer.shell.guard): --read-only refuses a change, and at the prompt a
        destructive request is asked about.
        """
        if not guard.admit(self, req):
            return _DECLINED
        if self.console.shows_curl:
            self.show_curl(req, output=output)
        return deliver(self, req, self.redirect, output is not None and output.include)

    def curl_line(self, req) -> str:
        """The curl one-liner for `req` against this session's engine, secrets as $VARIABLES."""
        ep = self.endpoint()
        return curlcmd.render(req, ep.socket, ep.base_url, not self.settings.show_secrets, tls=ep.tls,
                              output=self.printed_output(None))

    def printed_output(self, output):
        """What the printed line does with the response: a `> FILE` is curl's `-o FILE`."""
        redir = self.redirect
        if redir is None or redir.op != redirect.WRITE or redir.stderr:
            return output
        return (output or curlcmd.Output())._replace(file=redir.target)

    def show_curl(self, req, raw: bool = False, suffix: str = "", output=None) -> None:
        """Print the curl line for `req` (`raw`: as the output itself, on stdout), then `suffix` (a
        dry run's `| cmd`). The first time a line reads a secret from a variable, a note says what
        the variable stands for."""
        ep = self.endpoint()
        line, variables = curlcmd.render_hidden(req, ep.socket, ep.base_url, not self.settings.show_secrets, ep.tls,
                                                self.printed_output(output))
        line += suffix
        if self._bridge is not None and not self._bridge_shown:
            self._bridge_shown = self._bridge.announce(self.console, raw)  # once a session
        if raw:
            self.console.stdout.write(line.encode("utf-8", "surrogateescape") + b"\n")
            self.console.stdout.flush()
        else:
            self.console.curl(line)
        for name in variables:
            filled = self.docker.filled.get(name)
            if (name, filled) not in self._named:
                self._named.add((name, filled))
                self.console.note("note: " + (secrets.how_to_set(name) if filled is None else
                                              secrets.how_to_get(name, filled)))
        note = rawframes.curl_note(expected_kind(self, req))
        if note is not None and note not in self._noted:  # once a session: it says the same each time
            self._noted.add(note)
            self.console.note("note: " + note)
        if not self._libcurl_compared:
            self._libcurl_compared = True
            # pycurl and a `curl --version` run: only a session that prints a curl line asks
            from explorer.http import curlversions

            notice = curlversions.mismatch(curlversions.versions())
            if notice:
                self.console.note(notice)

    def _meta(self, cmd) -> Outcome:
        values = self.values()
        return self.commands.run(self, cmd.name, tuple(slots.fill(a, slots.WORD, values) for a in cmd.args))

    # -- lazily resolved state ----------------------------------------------------------

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

    def _bridged(self, endpoint):
        """`endpoint`; for an ssh:// engine, with the socket of a forward this session will open."""
        if endpoint.ssh is None:
            return endpoint
        # subprocess and shutil: only an ssh:// engine needs its bridge
        from explorer.shell import sshbridge

        self._bridge, self._bridge_shown = sshbridge.Bridge(endpoint.ssh, self.env), False
        if not self.console.interactive:
            sshbridge.unwind_on_signals()  # a Ctrl-C or kill must reach close(), which ends the forward
        return endpoint._replace(socket=self._bridge.socket)

    def use_context(self, name: str):
        """Switch to docker context `name` ("default": the engine the session started with, else
        DOCKER_HOST or the default socket): engine, API version and spec follow; its Endpoint."""
        settings = self.context_settings(name)
        endpoint = engine_address(settings, self.env)  # a context that cannot be used changes nothing
        self.close()
        self.settings = settings
        self._endpoint = endpoint = self._announced(self._bridged(endpoint))
        self._version = self._engine_version = None
        self._offline_at = -OFFLINE_RETRY_SECONDS
        self.engine_changes += 1
        return endpoint

    def context_settings(self, name: str):
        """The session's settings with context `name` in use: a named one replaces the host and the TLS
        settings (it carries its own); "default" restores the host the session started with."""
        start = self._start
        replaced = ("host", "context") if name == "default" else ("host", "context", *TLS_KEYS)
        origins = tuple(o for o in start.origins if o[0] not in replaced) + (("context", "the shell"),)
        if name == "default":
            origins += tuple(o for o in start.origins if o[0] == "host")
        return start._replace(context=name, host=start.host if name == "default" else None, origins=origins)

    def _announced(self, endpoint):
        """`endpoint`, once the shell or -v has said which engine it is and why."""
        if self.console.interactive or self.console.verbose:
            self.console.note("engine: " + endpoint.describe())
            chosen = self.settings.host or self.settings.context not in (None, "default") or self.env.get("DOCKER_HOST")
            unusable = "" if chosen or discovery.why(endpoint.display, self.env) else discovery.unusable(self.env)
            if unusable:
                self.console.note(unusable)  # CONTAINER_HOST names a transport podman discovery cannot try
        return endpoint

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
        if self._version is None and version and "assumed" not in self._noted:
            self._noted.add("assumed")
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
        if self._engine_version is None:
            ping = request.Request("GET", "/_ping", headers=self.docker.headers())
            resp = self.through_bridge(lambda: self.transport().send(ping, timeout=timeout))
            found = resp.header("Api-Version")
            if not found and resp.status == 400 and b"HTTPS server" in resp.body:
                raise EngineError(f"{self.endpoint().display} speaks TLS, not plain HTTP: add --tlsverify "
                                  "(or DOCKER_TLS_VERIFY=1), or write https://")
            if not found:
                raise EngineError(f"{self.endpoint().display} answered /_ping without Api-Version: "
                                  "is it a Docker-compatible engine? pin one with --api-version")
            self._engine_version = versions.parse(found, "the engine's Api-Version")
            if "libpod" in (resp.header("Server") or "").lower():
                self._podman = resp.header("Libpod-Api-Version") or "?"
        return self._engine_version

    def podman_version(self) -> str:
        """The Podman release of the engine ("4.3.1"), "" when it is not Podman or has not answered."""
        return self._podman

    def index(self):
        """The spec index for this session's API version (None when no spec can be found)."""
        return self._index_for(self.api_version(False))

    def _index_for(self, version):
        if version not in self._indexes:
            self._indexes[version] = self._load_index(version)
        return self._indexes[version]

    def _load_index(self, version):
        explicit = self.settings.spec or self.env.get("ENGINE_EXPLORER_SPEC")
        try:
            choice = find_spec(version, spec=self.settings.spec, env=self.env)
        except SpecError as err:
            if explicit:
                raise
            choice, missing = None, f"note: {err}; requests are sent unchecked"
            if not self._podman:
                self.console.note(missing)
                return None
        docker = self._noted_index(choice) if choice else None
        if not self._podman or explicit or combined.has_libpod(docker):
            return docker
        from explorer.spec import libpod  # its regexes: only a Podman engine needs them

        podman = libpod.find_libpod_spec(self._podman, self.env)
        if podman is None:
            if docker is None:
                self.console.note(missing)
            return docker  # a /libpod/ line then gets a one-line hint (build)
        return combined.with_libpod(docker, self._noted_index(podman))

    def _noted_index(self, choice):
        if self.console.interactive or self.console.verbose:
            self.console.note(choice.note)
        return load_index(choice.path, env=self.env)

    def close(self) -> None:
        """Release the connection, and end an ssh:// engine's forward."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._bridge is not None:
            self._bridge.close()
            self._bridge, self._endpoint = None, None
