"""Where a redirected body goes: the file of `> file` / `>> file`, or the command of `| command`."""
from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.core.errors import OutputError, UsageError
from explorer.core.files import user_path
from explorer.lang.redirect import APPEND, PIPE, Redirect

if TYPE_CHECKING:  # for annotations only: a `| command` alone imports them
    import subprocess
    import threading


class Target:
    """The opened destination of a Redirect; opened on first use, so an error leaves no file."""

    def __init__(self, redirect: Redirect, console) -> None:
        self.redirect = redirect
        self.console = console
        self._stream = None
        self._child: subprocess.Popen | None = None
        self._copier: threading.Thread | None = None
        self._status: int | None = None  # set by close

    def open(self):
        """The binary stream to write the body to (opening the file or starting the command)."""
        if self._stream is None:
            if self.redirect.op == PIPE:
                self._stream = self._start(self.redirect.target)
            else:
                self._stream = self._open_file(self.redirect.target, self.redirect.op)
        return self._stream

    def write(self, data) -> None:
        """Write body bytes; BrokenPipeError when a command stopped reading, else an OutputError."""
        try:
            self.open().write(data)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise self._failed(err) from None

    def fileno(self) -> int:
        """The file descriptor written to (so sinks can tell a pipe from a file)."""
        return self.open().fileno()

    def flush(self) -> None:
        """Push written bytes on (a pipe's reader sees them now); as write."""
        if self._stream is not None:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise
            except OSError as err:
                raise self._failed(err) from None

    def close(self, quiet: bool = False) -> int:
        """Close the file, or end the command's input and wait for it: its exit status (0 for a file).

        What a file could not take (a full disk fails at the last flush) is an OutputError, unless
        `quiet` (closing after another error, which matters more). Closing again returns the status.
        """
        if self._status is not None:
            return self._status
        stream, self._stream = self._stream, None
        failure = None
        if stream is not None:
            try:
                stream.close()
            except BrokenPipeError:
                pass  # a command that stopped reading early is no error (`| head -1`)
            except OSError as err:
                failure = err
        status = _wait(self._child) if self._child is not None else 0
        if self._copier is not None:
            self._copier.join()
        self._status = status
        if failure is not None and not quiet:
            raise self._failed(failure)
        return status

    def _failed(self, err: OSError) -> OutputError:
        return OutputError(f"cannot write {self.redirect.describe()}: {err.strerror or err}; output was lost")

    def _open_file(self, name: str, op: str):
        path = user_path(name)
        try:
            return open(path, "ab" if op == APPEND else "wb")
        except OSError as err:
            raise UsageError(f"cannot open {path}: {err.strerror}") from None

    def _start(self, command: str):
        import subprocess  # these: only `| command` needs them
        import threading

        out = self.console.stdout
        out.flush()
        fd = _fileno(out)
        # the command writes to our stdout; a test's in-memory stdout gets a copy of its output
        child = self._child = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE,
                                               stdout=fd if fd is not None else subprocess.PIPE)
        if fd is None:
            copier = self._copier = threading.Thread(target=_copy, args=(child.stdout, out), daemon=True)
            copier.start()
        return child.stdin


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
