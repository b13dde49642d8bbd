"""Responses → text for a terminal or a pipe. All program output goes through a Console."""
from __future__ import annotations

import os
import re
import stat
import sys
from typing import Any

from explorer.core.errors import OutputError


class Console:
    """The program's I/O environment (httpie's idea): tests pass their own streams.

    A plain class rather than a dataclass: building a dataclass costs every start a millisecond.
    """

    def __init__(self, stdout=None, stderr=None, interactive: bool = False, color: bool = False,
                 pretty: bool = False, verbose: bool = False, tty: bool = False, headers: bool = False,
                 ask=None, progress=None):
        # Write errors are one OutputError on stdout (a full disk, a reader gone: the data is lost, so
        # the line fails) and ignored on stderr (where the error would have to be written).
        self.stdout = Output(stdout if stdout is not None else _buffer(sys.stdout), "stdout")
        self.stderr = Output(stderr if stderr is not None else _buffer(sys.stderr), "stderr", quiet=True)
        self.interactive = interactive
        self.color = color
        self.pretty = pretty
        self.verbose = verbose
        self.tty = tty  # stdout is a terminal: end bodies with a newline even in piped mode
        self.headers = headers  # `headers on`: show response headers
        self.ask = ask  # REPL: ask(prompt) -> str, e.g. for a file name (set by explorer.repl.hooks)
        self.progress = progress  # REPL: progress(console) -> a progress-bar view for JSON streams

    def note(self, text: str) -> None:
        """A diagnostic line: stdout in the REPL, stderr otherwise."""
        self._line(self.stdout if self.interactive else self.stderr, text, "2")

    def error(self, text: str) -> None:
        """One error line (always stderr, red on a colour terminal)."""
        self._line(self.stderr, "error: " + text, "31")

    @property
    def shows_curl(self) -> bool:
        """Whether curl lines are shown (callers skip rendering one nobody sees)."""
        return self.interactive or self.verbose

    def curl(self, line: str) -> None:
        """The curl line for a request: shown in the REPL, and with -v."""
        if self.shows_curl:
            # a byte that is not UTF-8 goes out as that byte, so that the pasted line sends it
            self._line(self.stdout if self.interactive else self.stderr, line, "2", "surrogateescape")

    def status(self, resp, headers: bool = True) -> None:
        """`200 OK · 4 ms · 1.2 kB`, and the headers when asked for."""
        if self.interactive or self.verbose:
            code = "32" if resp.status < 400 else "31"
            self._line(self.stdout if self.interactive else self.stderr, status_line(resp), code)
        if headers and (self.verbose or self.headers):
            self.show_headers(resp.headers)

    def show_headers(self, headers) -> None:
        """The response headers, with -v or after `headers on`."""
        if self.verbose or self.headers:
            for name, value in headers:
                self.note(f"{name}: {value}")

    def format_body(self, resp) -> bytes:
        """The response body to write: as received when piped, formatted in the REPL or with --pretty.

        In the REPL it is for reading only: its control characters are written out (`visible`).
        """
        data = resp.body
        if not data:
            return b""
        if (self.interactive or self.pretty) and "json" in (resp.header("Content-Type") or "").lower():
            data = pretty_json(data, self.color)
        if self.interactive:
            data = visible_bytes(data, self.color)
        if (self.interactive or self.tty) and not data.endswith(b"\n"):
            data += b"\n"
        return data

    def _line(self, stream, text: str, sgr: str, errors: str = "replace") -> None:
        if errors == "replace":  # a message, not a curl line: what an engine sent stays one visible line
            text = visible(text, line=True)
        if self.color:
            text = f"\x1b[{sgr}m{text}\x1b[0m"
        stream.write(text.encode("utf-8", errors) + b"\n")
        stream.flush()


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


def _buffer(stream):
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


def status_line(resp) -> str:
    """Status, reason, time and size in one line."""
    reason = f" {resp.reason}" if resp.reason else ""
    return f"{resp.status}{reason} · {resp.elapsed * 1000:.0f} ms · {human_size(resp.size)}"


def human_size(n: int) -> str:
    """1234 → "1.2 kB"."""
    if n < 1000:
        return f"{n} B"
    size = float(n)
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000:
            return f"{size:.1f} {unit}"
    return f"{size:.1f} TB"


def pretty_json(data: bytes, color: bool) -> bytes:
    """Indent JSON (each line of a JSON-lines stream too); colour it for a terminal."""
    from explorer.core import jsontext  # json: not at import, a piped /_ping never formats JSON

    try:
        text = jsontext.dumps(jsontext.loads(data), indent=2, ensure_ascii=False) + "\n"
    except ValueError:  # not JSON, or more than Python can hold: shown as it came
        return data
    if color:
        # pygments: only colour on a terminal needs it
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import JsonLexer

        text = highlight(text, JsonLexer(), TerminalFormatter())
    return text.encode()


def page(console, text: str, pager: str | None = None, height: int | None = None) -> None:
    """Show `text`; in the REPL, through `pager` (e.g. $PAGER, a shell command) when taller than the screen.

    Without a pager, or when it cannot start, the text is printed. `height` defaults to the terminal's.
    """
    data = text.encode("utf-8", "replace") + b"\n"
    if pager and console.interactive:
        import shutil  # these: only a pager needs them
        import subprocess

        if text.count("\n") + 1 > (height or shutil.get_terminal_size().lines - 1):
            console.stdout.flush()
            try:  # less: quit when it fits, keep colours, leave the text on screen (git's default)
                done = subprocess.run(pager, shell=True, input=data, env={"LESS": "FRX", **os.environ})
                if done.returncode != 127:  # 127: the shell did not find the pager
                    return
            except OSError:
                pass
    console.stdout.write(data)
    console.stdout.flush()


def live(streams) -> tuple:
    """The streams someone watches as they fill, to flush after each chunk: a terminal, a pipe, a
    socket, or one in memory (tests). A file or /dev/null gets whole buffers: a 200 MB log costs
    200,000 fewer write calls."""
    return tuple(s for s in streams if _watched(s))


def _watched(stream) -> bool:
    try:
        fd = stream.fileno()
        mode = os.fstat(fd).st_mode
    except (AttributeError, OSError, ValueError):
        return True
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(fd)
