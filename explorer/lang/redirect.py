"""A trailing `| shell command`, `> file` or `>> file` on a request line, and where it sends the body.

`split` is pure: it finds the first `|` or `>` outside quotes, as a shell would. Where the body
then goes is explorer.response.destination.
"""
from __future__ import annotations

from typing import NamedTuple

from explorer.core.errors import UsageError
from explorer.core.files import check_file_name
from explorer.lang import words
from explorer.lang.commands import META_WORDS

PIPE, WRITE, APPEND = "|", ">", ">>"


class Redirect(NamedTuple):
    """Where the body goes instead of the terminal."""

    op: str  # PIPE, WRITE or APPEND
    target: str  # the shell command, or the file name (unquoted)
    stderr: bool = False  # `2>&1 | cmd`, `|& cmd`, `> file 2>&1`: a container's stderr goes there too

    def describe(self) -> str:
        """As the user wrote it, for messages."""
        if self.op == PIPE:
            return f"{'|&' if self.stderr else '|'} {self.target}"
        return f"{self.op} {self.target}" + (" 2>&1" if self.stderr else "")


def split(line: str) -> tuple:
    """`GET /x | jq .` → ("GET /x ", Redirect("|", "jq .")); (line, None) when there is none.

    Meta commands keep their whole line: their arguments are not bodies. A `#` comment goes.
    """
    found = words.scan(line)
    if found.comment is not None:
        line = line[:found.comment]
    if not found.words or found.words[0].value.lower() in META_WORDS or found.operator is None:
        return line, None
    head, rest = line[:found.operator], line[found.operator:]
    merged = False
    if rest.startswith(">&1") and head.endswith((" 2", "\t2")):  # `2>&1` before the `|`: as a shell reads it
        head, rest, merged = head[:-1], rest[3:].lstrip(), True
        if not rest:
            return head, None  # both already go to the terminal
        if not rest.startswith("|"):
            raise UsageError("`2>&1` goes before a `| command` or after a `> file`, e.g. `2>&1 | grep x`")
    if rest.startswith("|&"):
        rest, merged = "|" + rest[2:], True
    if rest.startswith("|"):
        command = rest[1:].strip()
        if not command:
            raise UsageError("`|` needs a command to pipe the body into, e.g. `| jq .`")
        if "\0" in command:
            raise UsageError("`|`: a command cannot hold a NUL byte (the shell could not run it)")
        return head, Redirect(PIPE, command, merged)
    op = APPEND if rest.startswith(">>") else WRITE
    name, merged = _file_name(rest[len(op):], op)
    return head, Redirect(op, name, merged)


def _file_name(text: str, op: str) -> tuple:
    """(the file name, whether a `2>&1` after it sends stderr there too)."""
    try:
        names = words.split(text)
    except UsageError as err:
        raise UsageError(f"`{op}`: cannot read the file name ({err}); close the quote") from None
    merged = len(names) == 2 and names[1] == "2>&1"
    if merged:
        names = names[:1]
    if len(names) != 1 or names[0].startswith(("|", ">")):
        raise UsageError(f"`{op}` needs one file name (quote it if it has spaces), e.g. `{op} out.tar`")
    return check_file_name(names[0]), merged
