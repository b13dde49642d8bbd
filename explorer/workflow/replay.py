"""Scripts: the REPL's own language in a file. Read them, replay them through `session.execute`."""
from __future__ import annotations

import sys
from typing import NamedTuple

from explorer.core.errors import ExplorerError, UsageError
from explorer.core.files import user_path
from explorer.core.outcome import Outcome
from explorer.core.output import visible

# Modules that only failures, --var or --dry-run need are imported there: a replay that passes
# pays for none of them.
from explorer.lang import expect, secrets, variables, words

MAX_DEPTH = 20  # `run` inside `run`: deeper than this is a loop


class ScriptLine(NamedTuple):
    """One command of a script: its text (continuations joined) and where it starts."""

    source: str
    number: int
    text: str

    @property
    def where(self) -> str:
        """`FILE:LINE`, as failure messages name it."""
        return f"{self.source}:{self.number}"


# -- reading --------------------------------------------------------------------------------------

def parse_script(text: str, source: str) -> list:
    """Text → ScriptLines: a trailing `\\` joins the next line; blank lines and `#` comments go."""
    lines, pending, start = [], "", 0
    for number, physical in enumerate(text.splitlines(), 1):
        if not pending and (not physical.strip() or physical.lstrip().startswith("#")):
            continue
        if not pending:
            start = number
        body = physical.rstrip()
        if _continues(body):
            pending += body[:-1]
            continue
        lines.append(ScriptLine(source, start, pending + body))
        pending = ""
    if pending.strip():
        lines.append(ScriptLine(source, start, pending))
    return lines


def _continues(text: str) -> bool:
    """An odd number of trailing backslashes: the last one escapes the newline, as in sh."""
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def read_script(name: str, stdin=None) -> list:
    """The ScriptLines of file `name` (`-` for stdin); an unreadable file is an ExplorerError.

    Text is UTF-8, and a byte that is not is kept as that byte, as in -c and `$'\\xff'`. A NUL
    byte, a line over MAX_LINE or a file over MAX_SCRIPT says it is no script (/dev/zero, an
    image): reading stops there, so such a file costs no more memory than that.
    """
    if name == "-":
        stream = stdin or sys.stdin
        return parse_script(_read_text(getattr(stream, "buffer", stream), "-"), "-")
    try:
        with open(user_path(name), "rb") as fh:
            return parse_script(_read_text(fh, name), name)
    except OSError as err:
        raise ExplorerError(f"cannot read {name}: {err.strerror}") from None


MAX_LINE = 4 << 20  # bytes in one line of a script
MAX_SCRIPT = 16 << 20  # bytes in a whole script
_BLOCK = 1 << 16


def _read_text(stream, name: str) -> str:
    """All of `stream` (bytes, or text from a test) as text, within the bounds of read_script."""
    blocks, size, line = [], 0, 0  # line: bytes of the line still open at the end of the last block
    while block := stream.read(_BLOCK):
        if isinstance(block, str):
            block = block.encode("utf-8", "surrogateescape")
        if b"\0" in block:
            raise ExplorerError(f"{name} is not a script: it holds a NUL byte (is it a binary file?)")
        end = block.find(b"\n")
        line += len(block) if end < 0 else end
        size += len(block)
        if line > MAX_LINE or size > MAX_SCRIPT:
            what = f"a line longer than {MAX_LINE >> 20} MiB" if line > MAX_LINE else \
                f"more than {MAX_SCRIPT >> 20} MiB"
            raise ExplorerError(f"{name} is not a script: it has {what} (split it, or send bodies with @file)")
        if end >= 0:
            line = len(block) - block.rfind(b"\n") - 1
        blocks.append(block)
    return b"".join(blocks).decode("utf-8", "surrogateescape")


def numbered(source: str, texts) -> list:
    """ScriptLines for lines that come one by one (each -c): no continuations."""
    return [ScriptLine(source, n, t) for n, t in enumerate(texts, 1) if words.strip_comment(t).strip()]


# -- replay ---------------------------------------------------------------------------------------

class _Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.refused = False  # a line --read-only refused: the script stops there, exit code 2


def replay(session, lines: list, keep_going: bool = False, summary: bool = False) -> int:
    """Run `lines` through session.execute; 0 when all passed, 2 when --read-only refused one, else 1.

    Stops at the first failure unless keep_going: a failed line, or a response >= 400 that the
    next line (`expect status …`) does not cover. A refused line stops it whatever keep_going says:
    what follows was written for the changes it would have made. `summary` prints `N passed, M failed`.
    """
    if len(session.script_stack) >= MAX_DEPTH:
        raise UsageError(f"scripts run each other more than {MAX_DEPTH} deep: is there a `run` loop?")
    tally = _Tally()
    # the variables that will fill a secret are known before the first line: a `set` of one is never shown
    session.secret_names |= secrets.secret_variables([line.text for line in lines], session.secret_names)
    session.script_stack.append("")
    try:
        i = 0
        while i < len(lines):
            i, stop = _step(session, lines, i, tally)
            if stop or tally.refused or (tally.failed and not keep_going):
                break
    finally:
        session.script_stack.pop()
    if summary:
        _say(session, f"{tally.passed} passed, {tally.failed} failed")
    return 2 if tally.refused else 1 if tally.failed else 0


def _step(session, lines: list, i: int, tally: _Tally) -> tuple:
    """Run line i (and the `expect status` after an error response); (next index, quit?)."""
    line = lines[i]
    outcome = _execute(session, line)
    if outcome.ok or outcome.quit:
        tally.passed += 1
        return i + 1, outcome.quit
    http_error = outcome.exit_code == 1 and (outcome.status or 0) >= 400
    if http_error and i + 1 < len(lines) and _is_status_check(lines[i + 1].text):
        covered = _execute(session, lines[i + 1])
        if covered.ok:
            tally.passed += 2
            return i + 2, covered.quit
        tally.failed += 2  # the expectation said why; the response it did not cover failed too
        return i + 2, False
    tally.failed += 1
    tally.refused = outcome.refused
    if not (outcome.exit_code == 1 and line.text.split(None, 1)[0] == "expect"):  # it said why
        text = line.text if session.settings.show_secrets else secrets.redact_line(line.text, session.secret_names)
        shown = short(text)
        _say(session, f"{line.where}: failed: {shown}{_http_detail(session, outcome)}")
    return i + 1, False


def _is_status_check(text: str) -> bool:
    return expect.is_status_check(text)


def _execute(session, line: ScriptLine):
    session.script_stack[-1] = line.where
    return session.execute(line.text)


def _http_detail(session, outcome) -> str:
    """` (HTTP 404: No such container: x)` for an error response, else nothing."""
    if not outcome.status or outcome.status < 400:
        return ""
    resp = session.last_response
    message = ""
    try:
        from explorer.core import jsontext  # json: only a failed request's message needs it

        doc = jsontext.loads(resp.body) if resp is not None else None
        message = doc.get("message", "") if isinstance(doc, dict) else ""
    except ValueError:
        pass
    return f" (HTTP {outcome.status}{': ' + message if message else ''})"


def short(text: str, limit: int = 160) -> str:
    """A line as a failure message quotes it (replay's, and an exported script's): one screen line."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "..."


def _say(session, text: str) -> None:
    session.console.stderr.write(visible(text, line=True).encode("utf-8", "replace") + b"\n")
    session.console.stderr.flush()


# -- hooks: the CLI, dry runs, and the `run` command ----------------------------------------------

def set_variables(session, assignments) -> None:
    """`NAME=VALUE` strings (--var, `run FILE NAME=VALUE`) into the session's variables."""
    if not assignments:
        return
    for text in assignments:
        name, sep, value = text.partition("=")
        if not sep:
            raise UsageError(f"`{text}`: write NAME=VALUE")
        session.variables[variables.check_name(name)] = value


def run_command(session, args):
    """`run FILE [NAME=VALUE …]`: replay FILE here; its variables stay set afterwards."""
    if not args:
        raise UsageError("run which script? `run FILE [NAME=VALUE …]`")
    lines = read_script(args[0])
    set_variables(session, args[1:])
    start = len(session.recording)
    try:
        code = replay(session, lines)
    finally:
        del session.recording[start:]  # `save` keeps the `run` line, not the lines it ran
    return Outcome(code, refused=code == 2)
