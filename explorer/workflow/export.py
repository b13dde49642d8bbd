"""A script → a standalone POSIX sh script of curl commands: runs where only curl and jq are installed.

Each request is the curl command engine-explorer prints, with `-o`, `-D` and `-w` added so that
captures (`set NAME = .Path`, via jq) and checks (`expect`, via jq) can read the response. Script
variables become shell variables (explorer.lang.shellvars), and a failure stops the script with exit
code 1 and the message `engine-explorer -f` prints.
"""
from __future__ import annotations

import json
import shlex

from explorer.core import versions
from explorer.core.errors import ExplorerError, UsageError
from explorer.core.files import user_path, write_private
from explorer.core.outcome import Outcome
from explorer.http import curlcmd, curlpaste
from explorer.http.request import Request
from explorer.lang import commands, expect, redirect, secrets, slots, variables
from explorer.lang.shellvars import Markers, Preparation, shell_name
from explorer.response import rawframes
from explorer.response.delivery import expected_kind
from explorer.workflow import recording, replay
from explorer.workflow.export_prelude import comment, prelude, version_check

_SOCKET = "/ee-export-socket"  # stands for "$_ee_sock" in the rendered argv
_SECRET_VARIABLES = frozenset(secrets.HEADER_VARIABLES.values()) | frozenset(
    v for s in secrets.SECRET_FIELDS for _, v in s.fields)
_META = {"set": "set", "unset": "unset", "expect": "expect", "run": "run", "exit": "stop", "quit": "stop"}


class Exporter:
    """Turns ScriptLines into shell lines; collects the variables the script needs from outside."""

    def __init__(self, session, given=None):
        self.session = session
        self.markers = Markers(on_new=self._referenced)
        self.given = dict(given or {})  # --var values: defaults the caller may override
        self.defined = set(self.given)
        self.required: list = []  # used before any `set`: the caller must provide them
        self.secrets: set = set()  # variables that fill a secret: never written, read from the environment
        self.show = session.settings.show_secrets  # --show-secrets: secrets go into the script as typed
        self.body: list = []
        self.demuxes = False  # a multiplexed body is written: the script needs _ee_demux
        self.needs = ""  # the newest Docker API version a request goes as: the engine must speak it

    def script(self, lines, title: str) -> str:
        """The sh text for `lines`."""
        self.session.engine.assumed_version()  # with no engine to ask, says which version the script is for
        self.lines(lines, 0)
        check = self._version_check()  # before the head: what it reads from the environment is checked there
        ep = self.session.endpoint()
        forward = None
        if ep.ssh is not None:
            from explorer.shell import sshcommand  # subprocess: only an ssh:// engine's script

            forward = sshcommand.script_lines(ep.ssh)
        head = [prelude(title, ep.socket, forward) + (rawframes.DEMUX if self.demuxes else "")]
        for name, value in self.given.items():
            shell = shell_name(variables.check_name(name))
            if name in self.secrets:  # a --var secret is not written into the script: the caller sets it
                head.append(f': "${{{shell}:?set {shell}}}"')
            else:
                head.append(f"{shell}=${{{shell}-{shlex.quote(value)}}}")
        for name in self.required:
            shell = shell_name(name)
            how = (f"set {shell}" if self._secret(name) else
                   f"set {shell} in the environment" if name.startswith("env.") else f"run with {shell}=VALUE")
            head.append(f': "${{{shell}:?{how}}}"')
        return "\n".join(head + [""] + check + self.body + ["exit 0", ""])

    def _version_check(self) -> list:
        """Before the first request: stop unless the engine's /_ping says it speaks `self.needs` or newer."""
        if not self.needs:
            return []
        prep = Preparation("the version check")
        words = self._curl_words(Request("GET", "/_ping", headers=self.session.docker.headers()), prep)
        return prep.lines + version_check(self.needs, " ".join(words))

    def lines(self, lines, depth: int) -> None:
        """Append the shell form of each line."""
        if depth > replay.MAX_DEPTH:
            raise UsageError(f"scripts run each other more than {replay.MAX_DEPTH} deep: is there a `run` loop?")
        if not self.show:
            self.secrets |= secrets.secret_variables([line.text for line in lines], self.secrets)
        for i, line in enumerate(lines):
            covered = i + 1 < len(lines) and expect.is_status_check(lines[i + 1].text)
            try:
                self.line(line, covered, depth)
            except ExplorerError as err:
                message = self.markers.unmark(str(err))
                raise UsageError(message if ": cannot export: " in message
                                 else f"{line.where}: cannot export: {message}") from None

    def line(self, line, covered: bool, depth: int) -> None:
        """One ScriptLine; `covered`: an `expect status` follows, so an error status is not fatal."""
        shown = self._shown(line.text)
        self.body.append(comment(f"{line.where}: {shown}"))
        # a secret written in the line becomes a reference to the variable named for it ({{env.PASSWORD}})
        text, redir = redirect.split(line.text if self.show else secrets.stored_line(line.text, self.secrets))
        cmd = commands.parse(text)
        if isinstance(cmd, commands.CurlPaste):  # a curl line's own words: its secrets are hidden in request()
            cmd = commands.parse(redirect.split(line.text)[0])
            redir = self._pasted_output(line.where, cmd.argv, redir)
        prep = Preparation(line.where)
        if redir is not None and "{{" in redir.target:
            if redir.op == redirect.PIPE:
                raise UsageError("a {{variable}} cannot go into a `| command`: use $NAME there")
            redir = redir._replace(target=slots.fill(redir.target, slots.WORD, self.markers))
        if isinstance(cmd, (commands.RequestLine, commands.CurlPaste)):
            self.request(line.where, replay.short(shown), self._build(cmd), covered, redir, prep)
        elif isinstance(cmd, commands.CurlPreview):
            text = self.session.curl_line(self.session.build(cmd.request, False, self.markers))
            word = self.markers.word(text, prep)
            self.body.extend(prep.lines + [f"printf '%s\\n' {word}"])
        elif isinstance(cmd, commands.Meta) and cmd.name in _META:
            args = [slots.fill(a, slots.WORD, self.markers) for a in cmd.args]
            getattr(self, _META[cmd.name])(line, args, depth)
        elif isinstance(cmd, commands.Meta) and cmd.name == "context" and cmd.args:
            # the lines after it would go to another engine than the one this script's curl lines name
            raise UsageError("`context NAME` switches the engine mid-script: export one script per engine")
        else:
            self.body.append("# (nothing to do in sh)")

    def _shown(self, text: str) -> str:
        """A line as the script's comments and messages show it: secrets as <redacted>."""
        return text if self.show else secrets.redact_line(text, self.secrets)

    def _secret(self, name: str) -> bool:
        """Is `name` (a script variable, or `env.X`) one that holds a secret?"""
        if name.startswith("env."):
            return name[4:] in self.secrets or name[4:] in _SECRET_VARIABLES
        return name in self.secrets

    def _referenced(self, name: str) -> None:
        if (name.startswith("env.") or name not in self.defined) and name not in self.required:
            self.required.append(name)

    # -- requests -------------------------------------------------------------------------------

    def _pasted_output(self, where: str, argv, redir):
        """A pasted line's -o FILE is the script's `> FILE`; its -i, -w and the options not done here
        are named in a comment and a note, never dropped silently."""
        pasted = curlpaste.parse(argv)
        said = [n.removeprefix("note: ") for n in pasted.notes]
        said += ["curl option -i is not done in an exported script"] * pasted.output.include
        said += ["curl option -w is not done in an exported script"] * (pasted.output.write_out is not None)
        for text in said:
            self.body.append(comment(f"{where}: {text}"))
            self.session.console.note(f"{where}: note: {text}")
        if pasted.output.file not in (None, "-") and redir is None:
            return redirect.Redirect(redirect.WRITE, pasted.output.file)
        return redir

    def _build(self, cmd):
        if isinstance(cmd, commands.RequestLine):
            return self.session.build(cmd, False, self.markers)
        req = curlpaste.parse(cmd.argv).request  # a pasted line is curl's: nothing in it is a reference
        return req if req.api_version else req._replace(api_version=self.session.api_version(False))

    def request(self, where: str, shown: str, req, covered: bool, redir, prep) -> None:
        """curl with the body, headers and status kept for the captures and checks that follow."""
        words = self._curl_words(req, prep)
        fail = shlex.quote(f"{where}: failed: {shown} (no answer from the engine)")
        kind = expected_kind(self.session, req)
        if req.api_version and versions.is_docker(req.api_version) and (
                not self.needs or versions.newer(req.api_version, self.needs)):
            self.needs = req.api_version
        note = rawframes.script_comment(kind)
        self.body.extend(prep.lines + ([note] if note else []))
        self.body.append(f"_ee_status=$({' '.join(words)}) || _ee_fail {fail}")
        demux = kind in rawframes.FRAMED
        self.demuxes |= demux
        self.body.append(': >"$_ee_body"' if req.method == "HEAD" else self._output(where, shown, redir, demux))
        if not covered:
            self.body.append(f'[ "$_ee_status" -lt 400 ] || _ee_http_fail {shlex.quote(where)} {shlex.quote(shown)}')

    def _curl_words(self, req, prep) -> list:
        """The shell words of the curl command for `req`, body, headers and status to the usual files."""
        ep = self.session.endpoint()
        argv = curlcmd.to_argv(req, _SOCKET if ep.socket else None, ep.base_url, tls=ep.tls)
        if not self.show:
            self._hide_literal_secrets(req, argv)
        words = ['curl -sS -o "$_ee_body" -D "$_ee_head" -w \'%{http_code}\'']
        for i, arg in enumerate(argv[1:], 1):
            if arg == _SOCKET and argv[i - 1] == "--unix-socket":
                words.append('"$_ee_sock"')
            elif argv[i - 1] == "-H" and self.markers.found(arg):
                words.append(self._header_word(arg, prep))
            else:
                words.append(self.markers.word(arg, prep))
        return curlcmd.body_on_stdin(words, argv)

    def _hide_literal_secrets(self, req, argv: list) -> None:
        """Secrets written out in `argv` are read from variables instead: a pasted curl line's, and
        the credentials or HttpHeaders docker's config.json added (a typed secret is a reference already)."""
        for index, pieces in curlcmd.hidden(req, argv).items():
            if self.markers.found(argv[index]):
                continue  # a {{reference}}: the script reads it already
            slot = slots.HEADER if argv[index - 1] == "-H" else slots.STRING
            argv[index] = "".join(self.markers.marker("env." + p, slot) if k % 2 else p
                                  for k, p in enumerate(pieces))

    def _output(self, where: str, shown: str, redir, demux: bool = False) -> str:
        """Where the body goes: the terminal, or as `| cmd`, `> file`, `>> file` say (2xx/3xx only);
        `demux`: a multiplexed body, whose payloads are what goes there (an error's body is JSON).

        A command that fails, or a file that cannot be written, stops the script as it stops a replay.
        """
        body = 'cat "$_ee_body"'
        data = "_ee_demux" if demux else body
        if redir is None:
            return f'if [ "$_ee_status" -lt 400 ]; then _ee_demux; else {body}; fi' if demux else body
        if redir.op == redirect.PIPE:
            sent = f'{data} | {redir.target}'  # the user's own shell command, as the shell runs it
        else:
            sent = f'{data} {redir.op} {self.markers.word(redir.target)}'
        fail = shlex.quote(f"{where}: failed: {shown} ({redir.describe()} failed)")
        return f'if [ "$_ee_status" -lt 400 ]; then {sent} || _ee_fail {self.markers.unmark(fail)}; else {body}; fi'

    def _header_word(self, arg: str, prep) -> str:
        """`-H 'Name: '"$v"`, computed when the script runs: an empty value must go as `Name;`
        (curl drops a header written `Name:` with nothing after it), as curlcmd writes it."""
        name, _, value = arg.partition(": ")
        var = prep.variable()
        prep.lines.append(f"{var}={self.markers.word(value, prep)}")
        prep.lines.append(f'if [ -n "${var}" ]; then {var}={shlex.quote(name + ": ")}"${var}"; '
                          f"else {var}={shlex.quote(name + ';')}; fi")
        return f'"${var}"'

    # -- meta commands --------------------------------------------------------------------------

    def set(self, line, args: list, depth: int) -> None:
        """`set`: an assignment, from a literal or from the last response through jq."""
        name, rest = variables.split_assignment(args)
        self._no_marker(name, "set")
        shell = shell_name(name)
        fail = shlex.quote(f"{line.where}: failed: {replay.short(self._shown(line.text))}")
        if not variables.is_capture(rest):
            value = " ".join(rest)
            if self.markers.unmark(value) == "{{env." + name + "}}":  # a secret, checked at the top
                self.body.append(f"# {shell} holds a secret: it comes from the environment")
            else:
                self.body.append(f"{shell}={self.markers.word(value)}")
        elif rest == ["status"]:
            self.body.append(f"{shell}=$_ee_status")
        elif rest[0] == "header":
            self.body.append(f"{shell}=$(_ee_header {self.markers.word(rest[1])}) || _ee_fail {fail}")
        else:
            steps = json.dumps(list(variables.parse_path(rest[0])))
            self.body.append(f"{shell}=$(_ee_get {shlex.quote(steps)}) || _ee_fail {fail}")
        self.defined.add(name)

    def unset(self, line, args: list, depth: int) -> None:
        """`unset NAME…`."""
        if not args:
            raise UsageError("unset which variable? `unset NAME`")
        for name in args:
            self._no_marker(name, "unset")
        self.body.append("unset " + " ".join(shell_name(variables.check_name(n)) for n in args))
        self.defined.difference_update(args)

    def expect(self, line, args: list, depth: int) -> None:
        """`expect`: a jq check that stops the script with the message replay prints."""
        exp = expect.parse(args)
        if any(self.markers.found(w) for w in exp.subject):
            raise UsageError("a variable in what an expectation reads is not supported")
        what = (self.markers.word(f"{' '.join(exp.subject)} {exp.op} {exp.word}")
                if self.markers.found(exp.word) else shlex.quote(exp.describe()))
        head = exp.subject[0]
        actual = ("$_ee_status" if head == "status" else
                  f"$(_ee_header_json {self.markers.word(exp.subject[1])})" if head == "header" else
                  f"$(_ee_json {shlex.quote(json.dumps(list(variables.parse_path(head))))})")
        self.body.append(f'_ee_check {shlex.quote(line.where)} {what} {shlex.quote(exp.op)} '
                         f'{self.markers.word(exp.word)} "{actual}"')

    def run(self, line, args: list, depth: int) -> None:
        """`run FILE NAME=VALUE…`: its lines, inline."""
        if not args:
            raise UsageError("run which script? `run FILE [NAME=VALUE …]`")
        if self.markers.found(args[0]):
            raise UsageError("`run {{variable}}`: the script to inline must be named when exporting")
        for text in args[1:]:
            name, sep, value = text.partition("=")
            if not sep:
                raise UsageError(f"`{self.markers.unmark(text)}`: write NAME=VALUE")
            self.body.append(f"{shell_name(variables.check_name(name))}={self.markers.word(value)}")
            self.defined.add(name)
        self.lines(replay.read_script(args[0]), depth + 1)

    def _no_marker(self, name: str, command: str) -> None:
        if self.markers.found(name):
            raise UsageError(f"`{command} {self.markers.unmark(name)}`: a variable's name must be written "
                             "out to be exported")

    def stop(self, line, args: list, depth: int) -> None:
        """`exit` / `quit`."""
        self.body.append("exit 0")


def export_script(session, lines, path: str, source: str, given=None) -> None:
    """Write the sh form of `lines` to `path` (a new file: mode 0700)."""
    text = Exporter(session, given).script(lines, f"exported by engine-explorer from {source}")
    try:
        write_private(user_path(path), text, 0o700)
    except OSError as err:
        raise ExplorerError(f"cannot write {path}: {err.strerror}") from None


def export_command(session, args):
    """`export FILE`: this session's script (what `save` would write) as a curl shell script."""
    if len(args) != 1:
        raise UsageError("export where? `export FILE`")
    lines = replay.numbered("session", recording.saved_lines(session.recording, session.secret_names,
                                                             session.settings.show_secrets))
    export_script(session, lines, args[0], "this session")
    if session.console.interactive or session.console.verbose:
        session.console.note(f"exported {len(lines)} commands to {args[0]}: run it with sh {args[0]}")
    return Outcome()
