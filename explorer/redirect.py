"""A trailing `| shell command`, `> file` or `>> file` on a request line, and where it sends the body.

`split` is pure: it finds the first `|` or `>` outside quotes, as a shell would. `Target` is the
opened destination: a file, or a shell command reading the body on its stdin.
"""
from __future__ import annotations

import os
import shlex

from explorer.commands import shell_scan, strip_comment
from explorer.errors import UsageError
from explorer.metacmds import HANDLERS as META_WORDS
from explorer.records import record

PIPE, WRITE, APPEND = "|", ">", ">>"


@record
class Redirect:
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
    try:
        words = shlex.split(text)
    except ValueError as err:
        raise UsageError(f"`{op}`: cannot read the file name ({err}); close the quote") from None
    if len(words) != 1 or words[0].startswith(("|", ">")):
        raise UsageError(f"`{op}` needs one file name (quote it if it has spaces), e.g. `{op} out.tar`")
    return words[0]


class Target:
    """The opened destination of a Redirect; opened on first use, so an error leaves no file."""

    def __init__(self, redirect: Redirect, console) -> None:
        self.redirect = redirect
        self.console = console
        self._stream = None
        self._child = None
        self._copier = None
        self._status = None  # set by close

    def open(self):
        """The binary stream to write the body to (opening the file or starting the command)."""
        if self._stream is None:
            if self.redirect.op == PIPE:
                self._stream = self._start(self.redirect.target)
            else:
                self._stream = self._open_file(self.redirect.target, self.redirect.op)
        return self._stream

    def write(self, data) -> None:
        """Write body bytes."""
        try:
            self.open().write(data)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise UsageError(f"cannot write {self.redirect.describe()}: {err.strerror}") from None

    def fileno(self) -> int:
        """The file descriptor written to (so sinks can tell a pipe from a file)."""
        return self.open().fileno()

    def flush(self) -> None:
        """Push written bytes on (a pipe's reader sees them now)."""
        if self._stream is not None:
            self._stream.flush()

    def close(self) -> int:
        """Close the file, or end the command's input and wait for it: its exit status (0 for a file).

        Closing again returns the same status.
        """
        if self._status is not None:
            return self._status
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass  # a command that stopped reading early is no error (`| head -1`)
        self._status = 0
        if self._child is not None:
            self._status = _wait(self._child)
            if self._copier is not None:
                self._copier.join()
        return self._status

    def _open_file(self, name: str, op: str):
        path = os.path.expanduser(name)
        try:
            return open(path, "ab" if op == APPEND else "wb")
        except OSError as err:
            raise UsageError(f"cannot open {path}: {err.strerror}") from None

    def _start(self, command: str):
        import subprocess
        import threading

        out = self.console.stdout
        out.flush()
        fd = _fileno(out)
        # the command writes to our stdout; a test's in-memory stdout gets a copy of its output
        self._child = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE,
                                       stdout=fd if fd is not None else subprocess.PIPE)
        if fd is None:
            self._copier = threading.Thread(target=_copy, args=(self._child.stdout, out), daemon=True)
            self._copier.start()
        return self._child.stdin


def _fileno(stream):
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _copy(source, out) -> None:
    for block in iter(lambda: source.read1(65536), b""):
        out.write(block)
    out.flush()


def _wait(child) -> int:
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue  # Ctrl-C reached the command too; wait for it to go
