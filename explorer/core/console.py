"""Responses → text for a terminal or a pipe. All program output goes through a Console.

The console decides what is a terminal: a body is formatted (indented, coloured, shown as a view,
paged) only on one, unless --pretty asks for it; anywhere else it is the bytes the engine sent.
"""
from __future__ import annotations

import os
import stat
import sys

from explorer.core.output import Output, buffer_of, visible, visible_bytes
from explorer.core.units import human_size  # the status line's size (kept importable from here)


class Console:
    """The program's I/O environment (httpie's idea): tests pass their own streams.

    A plain class rather than a dataclass: building a dataclass costs every start a millisecond.
    """

    def __init__(self, stdout=None, stderr=None, interactive: bool = False, color: bool = False,
                 pretty: bool | None = None, verbose: bool = False, tty: bool = False, headers: bool = False,
                 ask=None, progress=None, style: str = "default", confirm=None):
        # Write errors are one OutputError on stdout (a full disk, a reader gone: the data is lost, so
        # the line fails) and ignored on stderr (where the error would have to be written).
        self.stdout = Output(stdout if stdout is not None else buffer_of(sys.stdout), "stdout")
        self.stderr = Output(stderr if stderr is not None else buffer_of(sys.stderr), "stderr", quiet=True)
        self.interactive = interactive
        self.color = color
        self.pretty = pretty  # indent JSON: True, False, or None to indent on a terminal only (see indent())
        self.verbose = verbose
        self.tty = tty  # stdout is a terminal: end bodies with a newline even in piped mode
        self.headers = headers  # `headers on`: show response headers
        self.ask = ask  # REPL: ask(prompt) -> str, e.g. for a file name (set by explorer.repl.hooks)
        self.progress = progress  # REPL: progress(console) -> a progress-bar view for JSON streams
        self.style = style  # the colours of JSON bodies when `color`: "default" or a pygments style
        self.confirm = confirm  # REPL: confirm(question) -> bool, a yes/no question (set by explorer.repl)

    def note(self, text: str) -> None:
        """A diagnostic line: stdout in the REPL, stderr otherwise."""
        self._line(self.stdout if self.interactive else self.stderr, text, "2")

    def error(self, text: str) -> None:
        """One error line (always stderr, red on a colour terminal)."""
        self._line(self.stderr, "error: " + text, "31")

    @property
    def on_terminal(self) -> bool:
        """Whether stdout is read by a person: the shell, or a terminal (-c, -f)."""
        return self.interactive or self.tty

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
        """The response body to write: as received when piped, indented and coloured on a terminal
        (or as --pretty says). In the shell it is for reading only: its control characters are
        written out (`visible`)."""
        data = resp.body
        if not data:
            return b""
        indented = self.on_terminal if self.pretty is None else self.pretty
        if (indented or self.color) and "json" in (resp.header("Content-Type") or "").lower():
            data = pretty_json(data, self.color, self.style, indented)
        if self.interactive:
            data = visible_bytes(data, self.color)
        if self.on_terminal and not data.endswith(b"\n"):
            data += b"\n"
        return data

    def _line(self, stream, text: str, sgr: str, errors: str = "replace") -> None:
        if errors == "replace":  # a message, not a curl line: what an engine sent stays one visible line
            text = visible(text, line=True)
        # a diagnostic line is coloured only where it is seen: never in a `2> file`
        if self.color and (self.interactive or _isatty(stream)):
            text = f"\x1b[{sgr}m{text}\x1b[0m"
        stream.write(text.encode("utf-8", errors) + b"\n")
        stream.flush()


def status_line(resp) -> str:
    """Status, reason, time and size in one line (no size while a stream has only begun: size None)."""
    reason = f" {resp.reason}" if resp.reason else ""
    size = "" if resp.size is None else f" · {human_size(resp.size)}"
    return f"{resp.status}{reason} · {resp.elapsed * 1000:.0f} ms{size}"


def indent(pretty: str) -> bool | None:
    """Console.pretty for a --pretty value: indent (all, format), never (colors, none), on a terminal (auto)."""
    return None if pretty == "auto" else pretty in ("all", "format")


def colour(pretty: str, terminal: bool, no_color: str | None) -> bool:
    """Whether bodies and lines are coloured: as --pretty says (httpie), else on a terminal unless
    NO_COLOR is set and not empty (no-color.org; a command-line choice beats it)."""
    if pretty != "auto":
        return pretty in ("all", "colors")
    return terminal and not no_color


def pretty_json(data: bytes, color: bool, style: str = "default", indented: bool = True) -> bytes:
    """Indent JSON (when `indented`) and colour it for a terminal (when `color`); not JSON: as it is."""
    from explorer.core import jsontext  # json: not at import, a piped /_ping never formats JSON

    try:
        value = jsontext.loads(data)
    except ValueError:  # not JSON, or more than Python can hold: shown as it came
        return data
    text = jsontext.dumps(value, indent=2, ensure_ascii=False) + "\n" if indented else data.decode("utf-8", "replace")
    return (colour_json(text, style) if color else text).encode()


def colour_json(text: str, style: str = "default") -> str:
    """JSON text coloured for a terminal: in its own 16 colours ("default"), or a pygments style's."""
    # pygments: only colour on a terminal needs it
    from pygments import highlight
    from pygments.formatters import Terminal256Formatter, TerminalFormatter
    from pygments.lexers import JsonLexer

    formatter = TerminalFormatter() if style == "default" else Terminal256Formatter(style=style)
    return highlight(text, JsonLexer(), formatter)


DEFAULT_PAGER = "less -FRX"  # psql's and git's: quit when it fits, keep colours, leave the text on screen


def pager_command(setting: str | None, paging: bool = True) -> str | None:
    """The command long output goes through: the `pager` setting ($PAGER, config.toml; "" for none),
    else less -FRX where less is installed; None when paging is off or there is no pager."""
    if not paging or setting == "":
        return None
    if setting:
        return setting
    import shutil  # only a terminal that may page needs it

    return DEFAULT_PAGER if shutil.which("less") else None


def terminal_size() -> tuple:
    """(columns, lines) of the terminal; $COLUMNS and $LINES win (tests and `COLUMNS=200 …` set them)."""
    import shutil  # only views and the pager ask

    size = shutil.get_terminal_size()
    return size.columns, size.lines


def page(console, text: str, pager: str | None = None, height: int | None = None) -> None:
    """Show `text`; through `pager` (pager_command()) when stdout is a terminal and `text` is taller.

    A pager draws on the terminal itself, so a shell whose stdout is not one (a pipe, a test's
    buffer) prints instead; so it does without a pager, or when the pager cannot start. `height`
    defaults to the terminal's.
    """
    data = text.encode("utf-8", "replace") + b"\n"
    if pager and console.tty:
        import subprocess  # only a pager needs it

        columns, lines = terminal_size()
        if screen_rows(text, columns) > (height or lines - 1):
            console.stdout.flush()
            try:  # less: quit when it fits, keep colours, leave the text on screen (git's default)
                done = subprocess.run(pager, shell=True, input=data, env={"LESS": "FRX", **os.environ})
                if done.returncode != 127:  # 127: the shell did not find the pager
                    return
            except OSError:
                pass
    console.stdout.write(data)
    console.stdout.flush()


def screen_rows(text: str, columns: int) -> int:
    """How many terminal rows `text` takes, long lines wrapped (colour codes counted: never fewer)."""
    width = max(columns, 1)
    return sum(1 + (len(line) - 1) // width if line else 1 for line in text.split("\n"))


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


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
