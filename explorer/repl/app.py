"""The interactive loop: prompt_toolkit reads lines, `session.execute` runs them.

Around the loop: completion (explorer.completion, fed by the spec view and live values from a
background thread), highlighting, the toolbar and persistent history. A line can fail in any
way; the loop prints one line and goes on.
"""
from __future__ import annotations

import threading
from asyncio import get_running_loop
from functools import partial
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory

from explorer.completion.live import Refresher, engine_getter
from explorer.core.errors import ExplorerError, internal_error
from explorer.lang import commands
from explorer.lang.secrets import redact_line
from explorer.repl import keys, replcmds
from explorer.repl.completer import ReplCompleter
from explorer.repl.history import open_history
from explorer.repl.lexer import RequestLexer
from explorer.repl.style import STYLE
from explorer.repl.toolbar import toolbar_text

if TYPE_CHECKING:  # annotations only: completion's modules load off the first prompt's path
    from explorer.completion.specview import SpecView

READ_ONLY = ("GET", "HEAD", "OPTIONS")
SENDING_COMMANDS = ("run", "import")  # meta commands that send requests of any kind


def run_repl(session, vi: bool = False, **options) -> int:
    """Read and execute lines until exit/quit or Ctrl-D; a bad line never ends the loop."""
    return Repl(session, vi=vi, **options).run()


class Repl:
    """One interactive session: the prompt, its helpers, and the loop."""

    def __init__(self, session, *, vi: bool = False, input=None, output=None, live=None, history=None):
        self.session = session
        self.console = session.console
        self.meta_words = tuple(sorted(commands.META_WORDS))
        self.live = live or Refresher(partial(_warm_getter, session.endpoint()), on_update=self._invalidate)
        self._view: SpecView | None = None  # of the session's index, once known
        self._version = "…"
        self.warm = threading.Event()  # set once the first prompt has loaded the spec and started live values
        self.last_request = ""
        self._commands = {"edit": self._edit, "refresh": self._refresh}
        self.prompt: PromptSession = PromptSession(
            message=self._message, completer=ReplCompleter(self.sources),
            lexer=RequestLexer(lambda: self._view, self.meta_words), bottom_toolbar=self._toolbar,
            key_bindings=keys.bindings(), vi_mode=vi, history=history or open_history(session.env),
            auto_suggest=AutoSuggestFromHistory(), complete_while_typing=True, style=STYLE,
            include_default_pygments_style=False, input=input, output=output)

    def sources(self):
        """What completion draws on right now (read on each keystroke, never waits)."""
        # completion's modules load in the refresher's thread (_warm_getter), not before the first prompt
        from explorer.completion.candidates import Sources

        return Sources(self._view, self.live.snapshot, getattr(self.session, "variables", None) or {},
                       self.meta_words)

    def run(self) -> int:
        """The loop; returns the exit code of the shell (0)."""
        try:
            while True:
                if self.warm.is_set():
                    self._sync()
                try:
                    text = self.prompt.prompt(pre_run=None if self.warm.is_set() else self._schedule_warm_up)
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    return 0
                if self.run_text(text):
                    return 0
        finally:
            self.live.close()

    def run_text(self, text: str) -> bool:
        """Run what was entered; True to leave. The safety net: nothing escapes but the wish to quit."""
        try:
            return self._run_line(text.replace("\\\n", " "))
        except KeyboardInterrupt:
            self.console.note("interrupted")
        except Exception as err:  # a bug: one line, and the prompt comes back
            self._internal_error(err)
        return False

    def _internal_error(self, err: Exception) -> None:
        self.console.error(internal_error(err))

    def _run_line(self, line: str) -> bool:
        words = line.split(None, 1)
        if words and words[0] in self._commands:
            return self._commands[words[0]](words[1:])
        outcome = self.session.execute(line)
        kind = self._request_kind(line)
        if kind == "changes":
            self.live.request()
        if kind and words[0] not in SENDING_COMMANDS:
            self.last_request = line.strip()
        return outcome.quit

    def _request_kind(self, line: str) -> str:
        """"changes" for a request that may change engine state, "reads" for others, "" if no request."""
        try:
            cmd = commands.parse(line)
        except ExplorerError:
            return ""
        if isinstance(cmd, commands.CurlPaste) or (
                isinstance(cmd, commands.Meta) and cmd.name in SENDING_COMMANDS):
            return "changes"
        if isinstance(cmd, commands.CurlPreview):
            return "reads"
        if not isinstance(cmd, commands.RequestLine):
            return ""
        method = cmd.method
        if method is None and self._view is not None:
            op = self._view.operation(None, cmd.target)
            method = op.method if op is not None else None
        return "reads" if (method or "GET") in READ_ONLY else "changes"

    def _schedule_warm_up(self) -> None:
        """Right after the first prompt is drawn: start live values, then load the spec (its note above)."""
        self.prompt.app.create_background_task(self._warm_up())

    async def _warm_up(self) -> None:
        try:
            self.live.start()
            # The engine's version, at most PING_TIMEOUT, off the event loop: keys and Ctrl-C work
            # from the first moment, whatever the socket does (one that accepts and never answers
            # kept the shell from its prompt). Then the spec, whose note is printed above the prompt.
            await get_running_loop().run_in_executor(None, self.session.probe_engine)
            await run_in_terminal(self._sync)
        finally:
            self.warm.set()
        self.prompt.app.invalidate()

    def _sync(self) -> None:
        """Before each prompt: the API version and spec index the session now uses."""
        try:
            self._version = self.session.api_version(need_engine=False) or "?"
            index = self.session.index()
        except ExplorerError as err:
            self.console.error(str(err))
            return
        except KeyboardInterrupt:  # Ctrl-C while the engine was asked: the prompt comes back
            self.console.note("interrupted")
            return
        except Exception as err:  # a bug in loading must not end the session either
            self._internal_error(err)
            return
        if index is None:
            self._view = None
        elif self._view is None or self._view.index is not index:
            # as Sources: off the first prompt's path
            from explorer.completion.specview import SpecView

            self._view = SpecView(index)

    def _message(self):
        snap = self.live.snapshot
        kind = snap.engine_kind or (self._view.index.info.flavour if self._view else "") or "docker"
        if kind == "other":
            kind = "engine"
        offline = [("class:prompt.offline", " offline")] if snap.reachable is False else []
        return [("class:prompt.kind", kind), ("class:prompt", f" {self._version}")] + offline + [
            ("class:prompt", " > ")]

    def _toolbar(self):
        try:
            return toolbar_text(self._view, self.prompt.default_buffer.text, self.live.snapshot)
        except Exception:  # the toolbar must never break the prompt
            return ""

    def _invalidate(self) -> None:
        """Redraw with new live values (called from the refresher's thread; thread-safe)."""
        app = self.prompt.app
        if app.is_running:
            app.invalidate()

    def _edit(self, args) -> bool:
        for line in replcmds.edit_lines(self.console, self.session.env, self.last_request):
            self.prompt.history.append_string(line)
            self.console.note("> " + redact_line(line))
            if self.run_text(line):
                return True
        return False

    def _refresh(self, args) -> bool:
        replcmds.refresh(self.console, self.live)
        return False


def _warm_getter(endpoint):
    """The refresher's getter, made in its thread: completion's modules load there too, off the prompt."""
    import explorer.completion.candidates  # noqa: F401  # loaded here, in the refresher's thread

    return engine_getter(endpoint)
