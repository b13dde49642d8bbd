"""The shell's own meta commands: exit, version, headers, the variables and expectations.

Each is `handler(session, args) -> Outcome` (see explorer.shell.dispatch); `session` is the
shell's Session, named by the Protocol explorer.core.protocols.Shell.
"""
from __future__ import annotations

from explorer import __version__
from explorer.core.errors import UsageError
from explorer.core.outcome import Outcome
from explorer.core.output import visible
from explorer.core.protocols import Shell
from explorer.lang import expect, variables
from explorer.lang.secrets import REDACTED


def quit_command(session: Shell, args: tuple) -> Outcome:
    """`exit` / `quit`: leave the REPL or stop the script."""
    return Outcome(quit=True)


def version_command(session: Shell, args: tuple) -> Outcome:
    """`version`: our version, the engine and the API version in use."""
    session.console.note(f"engine-explorer {__version__}; engine {session.endpoint().display}, "
                         f"API {session.api_version(False) or 'unknown'}")
    return Outcome()


def headers_command(session: Shell, args: tuple) -> Outcome:
    """`headers on|off`: show response headers (as -v does); bare `headers` says which."""
    if args and args[0].lower() in ("on", "off") and len(args) == 1:
        session.console.headers = args[0].lower() == "on"
    elif args:
        raise UsageError("write `headers on` or `headers off`")
    session.console.note(f"headers {'on' if session.console.headers or session.console.verbose else 'off'}")
    return Outcome()


def set_command(session: Shell, args: tuple) -> Outcome:
    """`set NAME = VALUE | .Json.Path | status | header Name`."""
    name, rest = variables.split_assignment(args)
    if not variables.is_capture(rest):
        value = " ".join(rest)
    elif session.dry_run:
        value = "$" + name  # nothing was sent: a visible placeholder stands in for the capture
    else:
        what, found, _ = variables.read_source(rest, session.last_response)
        if found is variables.MISSING:
            raise UsageError(f"set {name}: the last response has no {what}")
        value = variables.as_text(found)
    session.variables[name] = value
    if session.console.interactive or session.console.verbose:
        session.console.note(f"{name} = {_shown(session, name, value)}")
    return Outcome()


def _shown(session: Shell, name: str, value: str) -> str:
    """A variable's value as `set` and `vars` show it: a secret's as <redacted> (--show-secrets: as is)."""
    if name in session.secret_names and not session.settings.show_secrets:
        return REDACTED
    return value


def unset_command(session: Shell, args: tuple) -> Outcome:
    """`unset NAME…`."""
    if not args:
        raise UsageError("unset which variable? `unset NAME`")
    for name in args:
        if name not in session.variables:
            raise UsageError(f"unknown variable {name}; `vars` lists them")
        del session.variables[name]
    return Outcome()


def vars_command(session: Shell, args: tuple) -> Outcome:
    """`vars`: each variable and its value."""
    lines = [f"{name} = {_shown(session, name, value)}" for name, value in session.variables.items()]
    if session.console.interactive:  # for reading: a value captured from a response may hold escapes
        lines = [visible(line, line=True) for line in lines]
    text = "\n".join(lines) if lines else "no variables; `set NAME = VALUE` makes one"
    session.console.stdout.write(text.encode("utf-8", "surrogateescape") + b"\n")
    session.console.stdout.flush()
    return Outcome()


def expect_command(session: Shell, args: tuple) -> Outcome:
    """`expect …`: passes silently (noted in the REPL), or prints FILE:LINE: expected …, got …."""
    exp = expect.parse(args)
    if session.dry_run:
        return Outcome()
    passed, got = expect.evaluate(exp, session.last_response)
    if passed:
        if session.console.interactive or session.console.verbose:
            session.console.note(f"ok: {exp.describe()}")
        return Outcome()
    where = f"{session.script_stack[-1]}: " if session.script_stack else ""
    message = visible(f"{where}expected {exp.describe()}, got {got}", line=True)
    session.console.stderr.write(message.encode("utf-8", "replace") + b"\n")
    session.console.stderr.flush()
    return Outcome(1)
