"""Persistent history: $XDG_STATE_HOME/engine-explorer/history, 0600 in a 0700 folder, secrets never
written, the newest `history-size` entries kept (config.toml; 0 saves none).

Each line is written as explorer.lang.secrets.stored_line makes it: a secret becomes a reference
to the variable named for it (`password={{env.PASSWORD}}`), so a recalled line runs again where
that variable is set. The file is opened without following a symbolic link: a link at its place
is refused in one line, and the session keeps its history in memory.
"""
from __future__ import annotations

import datetime
import errno
import os

from prompt_toolkit.history import History, InMemoryHistory

from explorer.core.files import make_private_dirs, open_private, xdg_dir
from explorer.lang.secrets import secret_variables, stored_line


class HistoryRefused(OSError):
    """The history file cannot be used; its message is the one line to show."""


def history_file(env=os.environ) -> str:
    """$XDG_STATE_HOME/engine-explorer/history, created 0600 (folders we create: 0700)."""
    folder = xdg_dir("state", env)
    make_private_dirs(folder)
    path = os.path.join(folder, "history")
    try:
        fd = open_private(path, 0o600, append=True, follow=False)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise HistoryRefused(f"history: {path} is a symbolic link, which is not followed; this session "
                                 "keeps its history in memory (make it a plain file to keep history)") from None
        raise
    try:
        os.fchmod(fd, 0o600)  # our own file, holding what was typed: tightened if it was loose
    finally:
        os.close(fd)
    return path


def open_history(env, size: int, known=None, warn=None, show: bool = False) -> History:
    """The file history keeping the newest `size` entries; one in memory for this session only when
    `size` is 0 (the file is then neither read nor written) or the state dir cannot be written
    (`warn` says why when the file is refused). `known()` gives the secret variables the session
    knows of; `show` (--show-secrets) writes lines as typed."""
    if size <= 0:
        return InMemoryHistory()
    try:
        return RedactingHistory(history_file(env), size, known=known, warn=warn, show=show)
    except HistoryRefused as err:
        if warn is not None:
            warn(str(err))
    except OSError:
        pass
    return InMemoryHistory()


class RedactingHistory(History):
    """A file history (prompt_toolkit's format) that writes each line with its secrets as references.

    A variable that fills a secret (`X-Registry-Auth:{{AUTH}}`) holds one too: its `set AUTH = …`
    lines are written as `set AUTH = {{env.AUTH}}` from then on, and those already in the file are
    rewritten there and then. A `set` whose variable is never used so stays as typed: it cannot be
    told from any other. Only the file is redacted: this session's own up-arrow has the lines as typed.
    """

    def __init__(self, filename: str, size: int | None = None, known=None, warn=None, show: bool = False) -> None:
        super().__init__()
        self.filename = filename
        self.size = size  # entries kept; None: all
        self._show = show  # --show-secrets: lines are written as typed
        self._secret_names: set = set()
        self._known = known
        self._warn = warn

    def load_history_strings(self) -> list:
        """The newest `size` entries, newest first; a longer file is cut to them (as bash's HISTFILESIZE)."""
        lines = self._lines()
        strings, entry = [], []
        for line in lines:
            if line.startswith("+"):
                entry.append(line[1:])
            elif entry:
                strings.append("\n".join(entry))
                entry = []
        if entry:
            strings.append("\n".join(entry))
        strings.reverse()
        if self.size is not None and len(strings) > self.size:
            self._keep_newest(lines, self.size)
            del strings[self.size:]
        return strings

    def store_string(self, string: str) -> None:
        """Append `string`, its secrets as references (and rewrite earlier `set`s of new secret variables)."""
        names = self._secret_names | (set(self._known()) if self._known is not None else set())
        found = set() if self._show else secret_variables([string], names) - names
        self._secret_names |= names | found
        written = string if self._show else stored_line(string, self._secret_names)
        entry = f"\n# {datetime.datetime.now()}\n" + "".join(f"+{line}\n" for line in written.split("\n"))
        try:
            fd = open_private(self.filename, 0o600, append=True, follow=False)
            with os.fdopen(fd, "wb") as fh:
                fh.write(entry.encode("utf-8", "replace"))
        except OSError as err:
            self._failed(err)
            return
        if found:
            self._redact_earlier()

    def _failed(self, err: OSError) -> None:
        if self._warn is not None:
            why = "it is a symbolic link now" if err.errno == errno.ELOOP else err.strerror
            self._warn(f"history: cannot write {self.filename} ({why}); the line is kept in memory only")
            self._warn = None  # once is enough

    def _redact_earlier(self) -> None:
        """Rewrite the file with earlier `set`/`run` lines of secret variables as references."""
        lines = self._lines()
        changed = False
        for i, text in enumerate(lines):
            if text.startswith("+") and text[1:].lstrip().startswith(("set", "run")):
                redacted = stored_line(text[1:], self._secret_names)
                if redacted != text[1:]:
                    lines[i], changed = "+" + redacted, True
        if changed:
            self._rewrite(lines)

    def _keep_newest(self, lines: list, size: int) -> None:
        """Cut the file to its newest `size` entries, each with the timestamp line before it."""
        ends = [i + 1 for i, text in enumerate(lines)
                if text.startswith("+") and not (i + 1 < len(lines) and lines[i + 1].startswith("+"))]
        if len(ends) > size:
            self._rewrite(lines[ends[-size - 1]:])

    def _lines(self) -> list:
        """The file's lines; none when it cannot be read (or is a symbolic link now)."""
        try:
            fd = os.open(self.filename, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            with os.fdopen(fd, "rb") as fh:
                return fh.read().decode("utf-8", "replace").split("\n")
        except OSError:
            return []

    def _rewrite(self, lines: list) -> None:
        """Replace the file by `lines` (0600, atomically); a failure leaves it as it was."""
        tmp = f"{self.filename}.{os.getpid()}.tmp"
        try:
            fd = open_private(tmp, 0o600, follow=False)
            with os.fdopen(fd, "wb") as fh:
                fh.write("\n".join(lines).encode("utf-8"))
            if not os.path.islink(self.filename):  # a link put there meanwhile is not replaced either
                os.replace(tmp, self.filename)
        except OSError:
            pass
        finally:
            if os.path.lexists(tmp):
                os.unlink(tmp)
