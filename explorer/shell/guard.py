"""The last look at a request before it is sent: --read-only, the destructive-operation question,
and credentials that are only placeholders.

- `--read-only` refuses, in one line, every request whose operation changes the engine's state
  (explorer.spec.effects decides per operation). A leading `!` skips the spec's checks, not this.
- At the prompt, a removal, prune, kill, swarm leave or forced change is asked about first,
  naming the live object (`Remove container web (running, busybox:local)? [y/N]`). Never in `-c`,
  `-f`, piped lines or a `run` script; `--no-confirm` turns it off.
- A credential that is `<redacted>` or a `$VARIABLE` (a line recalled from history, a pasted
  printed curl line) is refused rather than sent to a registry as a password.
"""
from __future__ import annotations

import base64
import re

from explorer.core.errors import ExplorerError, Refused, UsageError
from explorer.lang import secrets
from explorer.lang.jsonspans import json_spans
from explorer.spec import effects


def admit(session, req) -> bool:
    """True to send `req`; False when the user said no (noted). Refused: a Refused error."""
    if req.headers or req.body is not None:
        _no_placeholders(req)
    settings, console = session.settings, session.console
    ask = (settings.confirm_destructive and console.interactive and console.confirm is not None
           and not session.script_stack)
    if not (settings.read_only or ask):
        return True  # the common case: nothing to classify
    effect = effect_of(session, req)
    if settings.read_only and effect.changes:
        raise Refused(f"read-only: {_what(req)} changes the engine's state; not sent (this session "
                      "runs with --read-only)")
    if ask and effect.destroys:
        # the live objects' description: a few GETs, asked of the engine only when a question is due
        from explorer.shell.describe import question

        text = question(session, req, effect)
        if text is not None and not console.confirm(text + " [y/N] "):
            console.note("not sent")
            return False
    return True


def effect_of(session, req) -> effects.Effect:
    """The request's Effect, its operation found in the session's spec when there is one."""
    return effects.effect(req.method, req.path, _template(session, req), req.query)


def _template(session, req):
    try:
        index = session.index()
    except ExplorerError:  # no spec to ask: the path alone decides
        return None
    if index is None:
        return None
    if req.operation_id:
        op = index.by_id(req.operation_id)
        return op.path if op is not None else None
    for template in index.match_templates(req.path):
        if index.get(req.method, template) is not None:
            return template
    return None


def _what(req) -> str:
    shown = f"{req.method} {req.path}"
    return f"{req.operation_id} ({shown})" if req.operation_id else shown


_SHELL_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def _no_placeholders(req) -> None:
    """Refuse a credential that only stands in for one: <redacted>, or a shell's $VARIABLE."""
    for name, value in req.headers:
        variable = secrets.header_variable(name)
        if variable:
            _check(name, value.strip(), variable)
            password = _basic_password(value.strip())
            if password == secrets.REDACTED or (password and _SHELL_VARIABLE.fullmatch(password)):
                raise UsageError(f"the login's password is {password}, which only stands in for it (left "
                                 "out where the line was kept, or a shell variable): give the password itself")
    fields = secrets.body_fields(req.operation_id or req.path) if req.body is not None else None
    if fields:
        text = req.body.decode("utf-8", "replace")
        for start, end, variable in json_spans(text, fields):
            _check(next(f for f, v in fields.items() if v == variable), text[start:end], variable)


def _basic_password(value: str) -> str | None:
    """The password of a Basic credential (a pasted curl line's -u USER:PASSWORD or URL login)."""
    scheme, _, encoded = value.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(encoded.strip(), validate=True).decode("utf-8", "replace").partition(":")[2]
    except ValueError:  # not base64: no password to look at
        return None


def _check(name: str, value: str, variable: str) -> None:
    if value == secrets.REDACTED:
        raise UsageError(f"{name} is {secrets.REDACTED}: the secret was left out where this line was kept; "
                         f"give it again, or write {{{{env.{variable}}}}} to read it from ${variable}")
    found = _SHELL_VARIABLE.fullmatch(value)
    if found:
        raise UsageError(f"{name} is {value}, a shell variable, and this is not a shell: write "
                         f"{{{{env.{found.group(1)}}}}} to read it from the environment")
