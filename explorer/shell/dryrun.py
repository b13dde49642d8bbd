"""--dry-run: each request prints its curl line and is not sent."""
from __future__ import annotations

import shlex

from explorer.core.outcome import Outcome
from explorer.http import bodyfile, curlcmd, curlpaste
from explorer.lang import commands, redirect, slots
from explorer.lang.shellvars import Markers


def dry_run(session, cmd):
    """A request under --dry-run: print its curl line, send nothing.

    A value captured from a response is not known without one: it shows as "$NAME", so that the
    line runs in a shell where NAME is set. A `| cmd` or `>> file` stays on the line; `> file` is
    curl's `-o file`.
    """
    suffix = _redirect_text(session.redirect)
    session.engine.assumed_version()  # with no engine to ask: says which version the lines go as
    if isinstance(cmd, commands.CurlPreview):  # `curl REQUEST`: under --dry-run, the same line
        cmd = cmd.request
    if isinstance(cmd, commands.CurlPaste):
        pasted = curlpaste.parse(cmd.argv)
        for note in pasted.notes:
            session.console.note(note)
        req = pasted.request
        if req.body_file is not None:  # refused as it would be when sent, as `POST /x @file` is
            bodyfile.check(req.body_file, "@" + req.body_file)
        if req.api_version is None:
            req = req._replace(api_version=session.api_version(False))
        session.show_curl(req, raw=True, suffix=suffix, output=pasted.output)
        return Outcome()
    unknown = {name for name, value in session.variables.items() if value == "$" + name}
    if not unknown:
        session.show_curl(session.build(cmd, need_engine=False), raw=True, suffix=suffix)
        return Outcome()
    text = _with_unknowns(session, cmd, unknown) + suffix
    session.console.stdout.write(text.encode("utf-8", "surrogateescape") + b"\n")
    session.console.stdout.flush()
    return Outcome()


def _redirect_text(redir) -> str:
    """` | cmd`, ` > 'a file'`, ` 2>&1 | cmd`: where the line sends the body, as sh writes it."""
    if redir is None or (redir.op == redirect.WRITE and not redir.stderr):
        return ""  # none, or `> file`: the line's own -o FILE
    if redir.op == redirect.PIPE:
        return f" {'2>&1 ' if redir.stderr else ''}| {redir.target}"  # the command is shell code as typed
    return f" {redir.op} {shlex.quote(redir.target)}" + (" 2>&1" if redir.stderr else "")


class _DryRunValues:
    """The session's values, but for captures a dry run could not make: markers for "$NAME"."""

    checked = True

    def __init__(self, session, unknown: set, markers) -> None:
        self.known, self.unknown, self.markers = session.values(), unknown, markers

    def piece(self, name: str, slot: str) -> str:
        return self.markers.marker(name, slot) if name in self.unknown else self.known.piece(name, slot)


def _with_unknowns(session, cmd, unknown: set) -> str:
    markers = Markers()
    req = session.build(cmd, need_engine=False, values=_DryRunValues(session, unknown, markers))
    ep = session.endpoint()
    argv = curlcmd.to_argv(req, ep.socket, ep.base_url, ep.tls, session.printed_output(None))
    if not session.settings.show_secrets:  # a secret shows as "$VARIABLE", as in any curl line
        for index, pieces in curlcmd.hidden(req, argv).items():
            argv[index] = "".join(markers.marker("env." + p, slots.HEADER) if k % 2 else p
                                  for k, p in enumerate(pieces))
    return " ".join(curlcmd.body_on_stdin([markers.shown(arg) for arg in argv], argv))
