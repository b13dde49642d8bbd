"""Persistent history: $XDG_STATE_HOME/engine-explorer/history, 0600, credentials never written,
the newest `history-size` entries kept (config.toml; 0 saves none)."""
from __future__ import annotations

import os

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from explorer.core.files import xdg_dir
from explorer.lang.secrets import redact_line, secret_variables


def history_file(env=os.environ) -> str:
    """$XDG_STATE_HOME/engine-explorer/history, created 0600 in a 0700 folder."""
    folder = xdg_dir("state", env)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, "history")
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def open_history(env, size: int) -> History:
    """The file history keeping the newest `size` entries; one in memory for this session only when
    `size` is 0 (the file is then neither read nor written) or the state dir cannot be written."""
    if size <= 0:
        return InMemoryHistory()
    try:
        return RedactingHistory(history_file(env), size)
    except OSError:
        return InMemoryHistory()


class RedactingHistory(FileHistory):
    """A FileHistory that writes X-Registry-Auth/-Config values as <redacted>.

    A variable that fills one of those headers (`X-Registry-Auth:{{AUTH}}`) holds a credential
    too: its `set AUTH = …` lines are written redacted from then on, and those already in the
    file are redacted there and then. A `set` whose variable is never used so stays as typed: it
    cannot be told from any other. Only the file is redacted: this session's own up-arrow still
    has the lines as typed.
    """

    def __init__(self, filename: str, size: int | None = None) -> None:
        super().__init__(filename)
        self._secret_names: set = set()
        self.size = size  # entries kept; None: all

    def load_history_strings(self) -> list:
        """The newest `size` entries, newest first; a longer file is cut to them (as bash's HISTFILESIZE)."""
        strings = list(super().load_history_strings())
        if self.size is not None and len(strings) > self.size:
            self._keep_newest(self.size)
            del strings[self.size:]
        return strings

    def store_string(self, string: str) -> None:
        found = secret_variables([string]) - self._secret_names
        self._secret_names |= found
        line = redact_line(string, self._secret_names)
        super().store_string(line)
        if found:
            self._redact_earlier(found)

    def _redact_earlier(self, names: set) -> None:
        """Rewrite the file with earlier `set NAME = …` lines of `names` redacted (0600, atomically)."""
        lines = self._lines()
        changed = False
        for i, text in enumerate(lines):
            if text.startswith("+") and text[1:].lstrip().startswith("set"):
                redacted = redact_line(text[1:], names)
                if redacted != text[1:]:
                    lines[i], changed = "+" + redacted, True
        if changed:
            self._rewrite(lines)

    def _keep_newest(self, size: int) -> None:
        """Cut the file to its newest `size` entries, each with the timestamp line before it."""
        lines = self._lines()
        ends = [i + 1 for i, text in enumerate(lines)
                if text.startswith("+") and not (i + 1 < len(lines) and lines[i + 1].startswith("+"))]
        if len(ends) > size:
            self._rewrite(lines[ends[-size - 1]:])

    def _lines(self) -> list:
        try:
            with open(os.fsdecode(self.filename), "rb") as fh:
                return fh.read().decode("utf-8", "replace").split("\n")
        except OSError:
            return []

    def _rewrite(self, lines: list) -> None:
        """Replace the file by `lines` (0600, atomically); a failure leaves it as it was."""
        path = os.fsdecode(self.filename)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write("\n".join(lines).encode("utf-8"))
            os.replace(tmp, path)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
