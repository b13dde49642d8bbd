"""Session state and the one executor: `Session.execute(line)`, behind the REPL, -c, -f and tests."""
from __future__ import annotations

import os

from explorer.core import versions
from explorer.core.errors import EngineError, ExplorerError, Refused, SpecError, UsageError
from explorer.core.outcome import Outcome
from explorer.http import curlcmd, request
from explorer.lang import commands, redirect, secrets, slots, words
from explorer.response import rawframes
from explorer.response.delivery import deliver, expected_kind
from explorer.shell import guard, versiongate
from explorer.shell.dispatch import Dispatcher
from explorer.shell.dockerclient import DockerClient
from explorer.shell.engine import Engine
from explorer.spec import combined, find_spec, load_index

_DECLINED = Outcome(1)  # the user said no to a destructive request: nothing sent, and not one to `save`
_NOT_PODMAN = ("/libpod/… is Podman's own API and this engine is not Podman (its /_ping names no Libpod); "
               "`!` sends the line unchecked")
_NO_LIBPOD_SPEC = ("/libpod/… is Podman's own API and no Podman spec was found: put Podman's swagger-vX.Y.Z.yaml in "
                   "$ENGINE_EXPLORER_SPEC_DIR/podman/ (or give it with --spec); `!` sends the line unchecked")


class Session:
    """One session: its engine (explorer.shell.engine), the spec index for its API version, variables,
    the last response and what was recorded, plus `execute`."""

    def __init__(self, settings, console, env=os.environ, transport_factory=None, commands=None):
        self._console = console
        # the meta commands: the shell's own, plus what explorer.cli wires in from the layers above
        self.commands = commands if commands is not None else Dispatcher()
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
        self.engine = Engine(settings, console, env, self.docker, transport_factory)

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
            from explorer.shell import pasted  # the curl option tables: a pasted line only

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
                raise UsageError(_NO_LIBPOD_SPEC if self.engine.podman_version() else _NOT_PODMAN)
            index = None  # `!`: sent as written, no spec to check it against
        return versiongate.build(self, line, index, version, self.values() if values is None else values)

    def _with_libpod(self, index, version):
        """`index`, or the one with Podman's libpod spec when /_ping says the engine is Podman (a pinned
        API version skips the ping that would have told)."""
        if self.engine.answered is not None or version is None:
            return index
        try:
            self.engine.engine_version()
        except EngineError:
            return index
        if not self.engine.podman_version():
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
        self.engine.announce_bridge(raw)
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

    # -- the engine (explorer.shell.engine), and the spec for its API version -------------------

    @property
    def console(self):
        """Where output goes; the REPL's warm-up holds it back for a while (explorer.repl.warmup), and
        what the engine and config.json say then (which engine and why, a warning) is held with it."""
        return self._console

    @console.setter
    def console(self, console) -> None:
        self._console = self.engine.console = self.docker.console = console

    @property
    def env(self):
        """The environment the session reads (DOCKER_HOST, DOCKER_CONFIG, `{{env.NAME}}` …): the engine's."""
        return self.engine.env

    @env.setter
    def env(self, env) -> None:
        self.engine.env = env

    @property
    def settings(self):
        """The settings in use: the engine's, as `context NAME` replaces them (`view`, `pager` too)."""
        return self.engine.settings

    @settings.setter
    def settings(self, settings) -> None:
        self.engine.settings = settings

    def endpoint(self):
        """Where requests go, and why (Engine.endpoint)."""
        return self.engine.endpoint()

    def transport(self):
        """The (one, reused) transport to the engine."""
        return self.engine.transport()

    def api_version(self, need_engine: bool = True) -> str | None:
        """Pinned (--api-version, DOCKER_API_VERSION), else min(engine's, newest spec known)."""
        return self.engine.api_version(need_engine)

    def use_context(self, name: str):
        """Switch to docker context `name`: engine, API version and spec follow; its Endpoint."""
        self._indexes.clear()  # a cache (a Podman engine's index holds its libpod routes too)
        return self.engine.use_context(name)

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
            if not self.engine.podman_version():
                self.console.note(missing)
                return None
        docker = self._noted_index(choice) if choice else None
        podman_release = self.engine.podman_version()
        if not podman_release or explicit or combined.has_libpod(docker):
            return docker
        from explorer.spec import libpod  # its regexes: only a Podman engine needs them

        podman = libpod.find_libpod_spec(podman_release, self.env)
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
        self.engine.close()
