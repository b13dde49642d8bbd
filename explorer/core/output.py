"""What reaches stdout and stderr: write errors as one OutputError, and text a terminal shows
rather than acts on (a body's control characters written out).
"""
from __future__ import annotations

import re
from typing import Any

from explorer.core.errors import OutputError


class Output:
    """A binary stream (stdout, stderr) whose write errors are one OutputError, never an OSError.

    A closed stream (None: the program started with `>&-`) fails every write the same way.
    `quiet` ignores them instead: for stderr, where nothing could report its own failure.
    """

    __slots__ = ("stream", "name", "quiet")
    stream: Any

    def __init__(self, stream, name: str, quiet: bool = False) -> None:
        self.stream = stream.stream if isinstance(stream, Output) else stream
        self.name = name
        self.quiet = quiet

    def write(self, data) -> int:
        """Write bytes; an OutputError (or nothing, when quiet) if they cannot be written."""
        try:
            return self.stream.write(data)
        except (OSError, ValueError, AttributeError) as err:  # ValueError: closed; AttributeError: None
            return self._failed(err)

    def flush(self) -> None:
        """Flush; as write."""
        try:
            self.stream.flush()
        except (OSError, ValueError, AttributeError) as err:
            self._failed(err)

    def fileno(self) -> int:
        """The file descriptor (an OSError or ValueError as the stream raises it, for callers to test)."""
        if self.stream is None:
            raise ValueError(f"{self.name} is closed")
        return self.stream.fileno()

    def isatty(self) -> bool:
        """Whether it is a terminal."""
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name: str):  # getvalue() of a test's BytesIO, and the like
        return getattr(self.stream, name)

    def _failed(self, err: Exception) -> int:
        if self.quiet:
            return 0
        why = err.strerror if isinstance(err, OSError) and err.strerror else "it is closed"
        raise OutputError(f"cannot write to {self.name}: {why}; output was lost") from None


def buffer_of(stream):
    """The binary buffer under sys.stdout/sys.stderr, or None when it was closed at start (`>&-`)."""
    return getattr(stream, "buffer", None) if stream is not None else None


# What a terminal would act on rather than show: C0 controls, DEL and C1 controls, each written out
# by a table (str.translate runs in C: a megabyte of NULs costs milliseconds); a lone CR too (it
# would hide the text before it). SGR colour sequences are kept or dropped whole.
_CONTROL_CODES = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
_WRITTEN_OUT = {code: f"\\x{code:02x}" for code in _CONTROL_CODES}
_LINE_WRITTEN_OUT = {**_WRITTEN_OUT, 0x0A: "\\x0a", 0x0D: "\\x0d"}
_SGR = re.compile("(\x1b\\[[0-9;]*m)")
_LONE_CR = re.compile("\r(?!\n)")


def visible(text: str, colours: bool = False, line: bool = False) -> str:
    """`text` as a terminal may show it: each control character written out (`\\x1b`), so no body,
    header or message retitles, clears or moves the terminal. Tab and newline stay (with `line`,
    newline and CR too are written out: one message, one line); SGR colours stay with `colours`
    and go without."""
    if text.isprintable():  # the common case: nothing to do
        return text
    table = _LINE_WRITTEN_OUT if line else _WRITTEN_OUT
    if "\x1b[" in text:
        if colours:  # the colours stay, what is between them is written out
            parts = _SGR.split(text)
            return "".join(p if i % 2 else _written_out(p, table) for i, p in enumerate(parts))
        text = _SGR.sub("", text)
    return _written_out(text, table)


def _written_out(text: str, table: dict) -> str:
    if "\r" in text and table is _WRITTEN_OUT:
        text = _LONE_CR.sub("\\\\x0d", text)
    return text.translate(table)


def visible_bytes(data: bytes, colours: bool = False) -> bytes:
    """visible() for a body's bytes (UTF-8; a byte that is not is shown as U+FFFD)."""
    return visible(data.decode("utf-8", "replace"), colours).encode("utf-8")
