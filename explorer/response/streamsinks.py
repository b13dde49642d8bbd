"""Writers for Docker's streams, as they arrive (see explorer.response.sinks for the others).

Non-interactive output is data: demultiplexed stdout and stderr go to stdout and stderr byte for
byte, JSON streams pass through as the engine wrote them (indented with --pretty). On a terminal
output is for reading: the REPL marks a container's stderr, JSON objects become one compact
(coloured) line each, build output is shown as text, progress as bars (REPL) or plain lines.
"""
from __future__ import annotations

from explorer.core import jsontext
from explorer.core.console import colour_json, live
from explorer.core.errors import EngineError
from explorer.core.output import visible
from explorer.response.streams import (
    STDERR,
    Demuxer,
    InbandError,
    JsonLines,
    LongText,
    NotJson,
    Progress,
    Text,
    classify,
)


def demultiplexed(console, target, raw: bool):
    """Framed (or TTY) output: to stdout/stderr as bytes, or to the REPL with stderr marked."""
    merged = target is not None and target.redirect.stderr  # `2>&1 | cmd`, `|& cmd`: stderr goes there too
    if console.interactive:
        screen = Screen(console.stdout, console.color)
        out = target.write if target is not None else screen.stdout
        streams = (console.stdout,) if target is None else (target, console.stdout)
        return Demultiplexed(out, target.write if merged else screen.stderr, streams, raw, screen.end, console.note)
    out = target if target is not None else console.stdout
    return Demultiplexed(out.write, out.write if merged else console.stderr.write, (out, console.stderr), raw,
                         note=console.note)


def json_stream(console, target):
    """A JSON-object stream: as data when piped or redirected, else for reading (bars in the REPL)."""
    if target is not None or not (console.interactive or console.tty):
        return JsonRaw(target if target is not None else console.stdout, console.pretty)
    view = console.progress(console) if console.interactive and console.progress else PlainView(console.stdout)
    return JsonShown(view, console.color, console.pretty, console.style)


class Demultiplexed:
    """Docker's framed stdout/stderr → two writers, as each frame (or part of one) arrives."""

    streaming = True
    error: str | None = None

    def __init__(self, out, err, streams=(), raw: bool = False, end=None, note=None) -> None:
        self.demuxer = Demuxer()
        self.demuxer.raw = raw
        self.demuxer.on_break = self._broke
        self.out, self.err = out, err
        self.streams = streams  # what `out` and `err` write to
        self.flushes = tuple(s.flush for s in live(streams))  # per chunk: a followed log shows at once
        self.end = end
        self.note = note
        self.warning: str | None = None  # frames that stopped making sense, said after the body

    def feed(self, chunk: bytes) -> None:
        """Demultiplex a chunk (hot: once per chunk of a 200 MB log)."""
        self.demuxer.feed_into(chunk, self.out, self.err)
        for flush in self.flushes:
            flush()

    def close(self) -> None:
        """Write what is left, end an unfinished line on the terminal, flush; a stream cut short
        inside a frame is an EngineError after that (what came is shown)."""
        for stream, data in self.demuxer.close():
            (self.err if stream == STDERR else self.out)(data)
        if self.end is not None:
            self.end()
        for stream in self.streams:
            stream.flush()
        if self.warning and self.note is not None:
            self.note(self.warning)
            self.warning = None
        cut, self.demuxer.cut_short = self.demuxer.cut_short, ""
        if cut:
            raise EngineError(f"the engine closed the connection mid-response: the stream ended inside a frame "
                              f"({cut})")

    def _broke(self, offset: int) -> None:
        text = (f"warning: the stream's frames stop making sense at byte {offset}: the rest is shown "
                "as text, without frame headers")
        if self.end is not None and self.note is not None:  # the REPL: said where it happens
            self.end()
            self.note(text)
        else:  # said after the body: till then stderr carries the container's own bytes
            self.warning = text


class Screen:
    """A container's stdout and stderr on one terminal: stderr lines marked (and red with colour).

    It is for reading: control characters are written out (explorer.core.output.visible), colours kept with
    colour on; text is decoded as UTF-8 per stream, so a character split between frames survives.
    """

    MARK = b"err| "

    def __init__(self, out, color: bool) -> None:
        self.out = out
        self.color = color
        self.open: int | None = None  # the stream whose last line is unfinished
        self._decoders = {1: _utf8(), STDERR: _utf8()}

    def stdout(self, data: bytes) -> None:
        """Show stdout bytes (control characters written out)."""
        data = self._visible(1, data)
        if not data:
            return
        self._switch(1)
        self.out.write(data)
        self.open = None if data.endswith(b"\n") else 1

    def stderr(self, data: bytes) -> None:
        """Show stderr bytes, each line marked."""
        data = self._visible(STDERR, data)
        if not data:
            return
        self._switch(STDERR)
        lines = data.split(b"\n")
        pieces = []
        for i, line in enumerate(lines):
            if i == len(lines) - 1 and not line:
                break
            mark = self.MARK if i or self.open != STDERR else b""
            pieces.append(b"\x1b[31m" + mark + line + b"\x1b[0m" if self.color else mark + line)
            if i < len(lines) - 1:
                pieces.append(b"\n")
        self.out.write(b"".join(pieces))
        self.open = None if data.endswith(b"\n") else STDERR

    def end(self) -> None:
        """Finish an unfinished line, so the prompt starts on its own."""
        if self.open:
            self.out.write(b"\n")
            self.open = None

    def _visible(self, stream: int, data: bytes) -> bytes:
        return visible(self._decoders[stream].decode(data), self.color).encode("utf-8")

    def _switch(self, stream: int) -> None:
        if self.open and self.open != stream:
            self.out.write(b"\n")  # never glue a stderr line onto a half stdout line
            self.open = None


class JsonRaw:
    """A JSON-object stream as data: the engine's bytes (or each object indented with --pretty)."""

    streaming = True

    def __init__(self, out, pretty: bool) -> None:
        self.out = out
        self.pretty = pretty
        self.lines = JsonLines()
        self.error: str | None = None

    def feed(self, chunk: bytes) -> None:
        """Pass a chunk on, noting an in-band error."""
        if not self.pretty:
            self.out.write(chunk)
        self._values(self.lines.feed(chunk))
        self.out.flush()

    def close(self) -> None:
        """Handle a last value without a newline."""
        self._values(self.lines.close())
        self.out.flush()

    def _values(self, items) -> None:
        for value, line in items:
            message = classify(value)
            if isinstance(message, InbandError):
                self.error = message.message
            if self.pretty:
                text = line if isinstance(value, NotJson) else _json_bytes(value, line)
                self.out.write(text if isinstance(value, LongText) else text + b"\n")


class JsonShown:
    """A JSON-object stream for reading: objects as lines, build output as text, progress to a view."""

    streaming = True

    def __init__(self, view, color: bool, pretty: bool, style: str = "default") -> None:
        self.view = view
        self.color = color
        self.pretty = pretty
        self.style = style
        self.lines = JsonLines()
        self.error: str | None = None

    def feed(self, chunk: bytes) -> None:
        """Show the values a chunk completes."""
        for value, raw in self.lines.feed(chunk):
            self._show(value, raw)

    def close(self) -> None:
        """Show a last value and close the view."""
        try:
            for value, raw in self.lines.close():
                self._show(value, raw)
        finally:
            self.view.close()

    def _show(self, value, raw: bytes) -> None:
        if isinstance(value, NotJson):
            text = visible(value.decode("utf-8", "replace"))
            self.view.write(text if isinstance(value, LongText) else text + "\n")
            return
        message = classify(value)
        if isinstance(message, InbandError):
            self.error = message.message  # shown once, as the request's error, at the end
        elif isinstance(message, Progress):
            self.view.update(Progress(visible(message.id, line=True), visible(message.status, line=True),
                                      message.current, message.total))
        elif isinstance(message, Text):
            self.view.write(visible(message.text, self.color))
        else:
            try:
                self.view.write(visible(json_text(value, self.color, self.pretty, self.style), self.color) + "\n")
            except ValueError:  # more than Python can write back: the line as it came
                self.view.write(visible(raw.decode("utf-8", "replace")) + "\n")


class PlainView:
    """Progress as plain lines: one each time a layer's status changes, not on every byte."""

    def __init__(self, out) -> None:
        self.out = out
        self.seen: dict = {}
        self.open = False  # the last text written did not end its line

    def update(self, progress: Progress) -> None:
        """Note a progress message."""
        if self.seen.get(progress.id) != progress.status:
            self.seen[progress.id] = progress.status
            self.write(f"{progress.id}: {progress.status}\n")

    def write(self, text: str) -> None:
        """Show text (it carries its own newlines)."""
        if text:
            self.out.write(text.encode("utf-8", "replace"))
            self.out.flush()
            self.open = not text.endswith("\n")

    def close(self) -> None:
        """End an unfinished line."""
        if self.open:
            self.write("\n")


def json_text(value, color: bool, pretty: bool, style: str = "default") -> str:
    """One JSON value: compact on one line, or indented with --pretty; coloured for a terminal."""
    if pretty:
        text = jsontext.dumps(value, ensure_ascii=False, indent=2)
    else:
        text = jsontext.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return colour_json(text, style).rstrip("\n") if color else text


def _json_bytes(value, raw: bytes) -> bytes:
    """A value indented for --pretty; one too deep to write back goes as the engine wrote it."""
    try:
        return json_text(value, False, True).encode()
    except ValueError:
        return raw


def _utf8():
    import codecs  # the REPL's screen only

    return codecs.getincrementaldecoder("utf-8")("replace")
