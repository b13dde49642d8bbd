"""A trailing `| shell command`, `> file` or `>> file` on a request line, and where it sends the body.

`split` is pure: it finds the first `|` or `>` outside quotes, as a shell would. Where the body
then goes is explorer.response.destination.
"""
from __future__ import annotations

from typing import NamedTuple

from explorer.core.errors import UsageError
from explorer.lang.commands import META_WORDS, shell_scan, strip_comment

PIPE, WRITE, APPEND = "|", ">", ">>"


class Redirect(NamedTuple):
    """Where the body goes instead of the terminal."""

    op: str  # PIPE, WRITE or APPEND
    target: str  # the shell command, or the file name (unquoted)

    def describe(self) -> str:
        """As the user wrote it, for messages."""
        return f"{self.op} {self.target}"


def split(line: str) -> tuple:
    """`GET /x | jq .` → ("GET /x ", Redirect("|", "jq .")); (line, None) when there is none.

    Meta commands keep their whole line: their arguments are not bodies.
    """
    line = strip_comment(line)
    words = line.split(None, 1)
    if not words or words[0].lower() in META_WORDS:
        return line, None
    at = _operator_at(line)
    if at < 0:
        return line, None
    head, rest = line[:at], line[at:]
    if rest.startswith("|"):
        command = rest[1:].strip()
        if not command:
            raise UsageError("`|` needs a command to pipe the body into, e.g. `| jq .`")
        return head, Redirect(PIPE, command)
    op = APPEND if rest.startswith(">>") else WRITE
    return head, Redirect(op, _file_name(rest[len(op):], op))


def _operator_at(line: str) -> int:
    """Index of the first `|` or `>` outside quotes and not escaped, else -1."""
    if "|" not in line and ">" not in line:
        return -1
    for i, ch, bare, _ in shell_scan(line):
        if bare and ch in "|>":
            return i
    return -1


def _file_name(text: str, op: str) -> str:
    import shlex  # only a `> file` needs it

    try:
        words = shlex.split(text)
    except ValueError as err:
        raise UsageError(f"`{op}`: cannot read the file name ({err}); close the quote") from None
    if len(words) != 1 or words[0].startswith(("|", ">")):
        raise UsageError(f"`{op}` needs one file name (quote it if it has spaces), e.g. `{op} out.tar`")
    return words[0]
