"""What `save` keeps of a session: its successful commands as typed, secrets as references.

Session.execute appends (line as typed, parsed command, Outcome) to `session.recording` for each
line that parsed; this module decides which of them make a script.
"""
from __future__ import annotations

import shlex

from explorer.core.errors import ExplorerError, UsageError
from explorer.core.files import user_path, write_private
from explorer.core.outcome import Outcome
from explorer.lang import commands
from explorer.lang.secrets import secret_variables, stored_line

# Meta commands a script needs; the rest (help, vars, version, save, export…) only look or leave.
RECORDED_META = frozenset({"set", "unset", "expect", "run"})
HEADER = "# engine-explorer script; replay it with: engine-explorer -f {name}"

def saved_lines(recording, known=(), show: bool = False) -> list:
    """The lines a script of this session holds, in order, secrets as references to variables
    (`password={{env.PASSWORD}}`, `set AUTH = {{env.AUTH}}`): the script replays where they are set.
    `known`: variables known to hold secrets besides those the lines show; `show` (--show-secrets):
    the lines as typed, secrets and all.

    A request answered >= 400 is kept when the `expect status` right after it passed: the
    script then expects that error.
    """
    kept, pending = [], None
    for line, cmd, outcome in recording:
        if not _kept(cmd):
            continue
        if outcome.ok:
            if pending is not None and _is_status_expect(cmd):
                kept.append(pending)
            kept.append(line)
            pending = None
        else:
            is_request = isinstance(cmd, (commands.RequestLine, commands.CurlPaste))
            pending = line if is_request and (outcome.status or 0) >= 400 else None
    if show:
        return kept
    secrets = secret_variables(kept, known)
    return [stored_line(line, secrets) for line in kept]


def _kept(cmd) -> bool:
    if isinstance(cmd, commands.Meta):
        return cmd.name in RECORDED_META
    return isinstance(cmd, (commands.RequestLine, commands.CurlPaste))


def _is_status_expect(cmd) -> bool:
    return isinstance(cmd, commands.Meta) and cmd.name == "expect" and cmd.args[:1] == ("status",)


def write_script(path: str, lines) -> None:
    """Write `lines` as a script file (a header comment first); a new file is made 0600."""
    text = HEADER.format(name=shlex.quote(path)) + "\n" + "".join(line + "\n" for line in lines)
    try:
        write_private(user_path(path), text)
    except OSError as err:
        raise ExplorerError(f"cannot write {path}: {err.strerror}") from None


def save_command(session, args):
    """`save FILE`: this session's successful commands as a script that `-f FILE` replays."""
    if len(args) != 1:
        raise UsageError("save where? `save FILE`")
    lines = saved_lines(session.recording, session.secret_names, session.settings.show_secrets)
    write_script(args[0], lines)
    if session.console.interactive or session.console.verbose:
        session.console.note(f"saved {len(lines)} line{'s' if len(lines) != 1 else ''} to {args[0]}")
    return Outcome()
