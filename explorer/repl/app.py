"""The interactive loop: prompt_toolkit reads lines, `session.execute` runs them.

Around the loop: completion (explorer.completion, fed by the spec view and by live values that a
background thread keeps following the engine), highlighting, the toolbar and persistent history.
The spec loads in a thread once the first prompt is drawn (explorer.repl.warmup); a Tab waits
for it and for the first live values briefly, and whatever arrives later completes what is
typed again. A line can fail in any way; the loop prints one line and goes on.
"""
from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.application.current import set_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory

from explorer.core import versions
from explorer.core.errors import ExplorerError, internal_error
from explorer.lang import commands
from explorer.lang.secrets import redact_line
from explorer.repl import keys, livefeed, replcmds
from explorer.repl.completer import ReplCompleter, TabKey, complete_again
from explorer.repl.freshline import fresh_line
from explorer.repl.history import open_history
from explorer.repl.lexer import RequestLexer
from explorer.repl.style import style
from explorer.repl.toolbar import toolbar_text
from explorer.repl.warmup import WarmUp
from explorer.spec import effects

if TYPE_CHECKING:  # annotations only: completion's modules load off the first prompt's path
    from explorer.completion.refresher import Refresher
    from explorer.completion.specview import SpecView

SENDING_COMMANDS = ("run", "import")  # meta commands that send requests of any kind
TAB_WAIT_S = 0.3  # a Tab waits at most this long for the spec and the first live values
LOAD_WAIT_S = 60.0  # Enter waits for the spec load (the session is its thread's until then)


def run_repl(session, **options) -> int:
    """Read and execute lines until exit/quit or Ctrl-D; a bad line never ends the loop."""
    return Repl(session, **options).run()


class Repl:
    """One interactive session: the prompt, its helpers, and the loop.

    The session's settings choose the keys (vi), the toolbar, the colours (style) and how much
    history is kept (history_size).
    """

    def __init__(self, session, *, input=None, output=None, live_getter=None, history=None):
        self.session = session
        self.console = session.console
        self.console.confirm = self._confirm  # the guard's yes/no question, on this prompt's terminal
        self._io = (input, output)
        self.meta_words = tuple(sorted(commands.META_WORDS))
        self._live_getter = live_getter
        self.live = self._new_live()
        self._engine = session.engine.changes  # `context NAME` counts up: see _follow_engine
        self._context = self._engine_context()
        self._contexts: tuple = ("default",)  # for completion: read before each prompt (_read_contexts)
        self._contexts_stamp: float | None = None
        self._view: SpecView | None = None  # of the session's index, once known
        self._version = "…"
        self._started = False  # live values and the spec load, once the first prompt is up
        self._warm_up = WarmUp(session, self._load, partial(self._soon, self._loaded))
        self.warm = self._warm_up.done  # set once the spec is loaded (or known to be missing)
        self.tab = TabKey(self._candidates, self._ready, TAB_WAIT_S)
        self.last_request = ""
        self._commands = {"edit": self._edit, "refresh": self._refresh}
        settings = session.settings
        self.prompt: PromptSession = PromptSession(
            message=self._message, completer=ReplCompleter(self._candidates),
            lexer=RequestLexer(lambda: self._view, self.meta_words),
            bottom_toolbar=self._toolbar if settings.toolbar else None, key_bindings=keys.bindings(self.tab),
            vi_mode=settings.vi, history=history or self._history(),
            auto_suggest=AutoSuggestFromHistory(), complete_while_typing=True, style=style(settings.style),
            include_default_pygments_style=False, input=input, output=output)

    def _history(self):
        """The history file; the variables the session knows to hold secrets are written as references."""
        names = getattr(self.session, "secret_names", None)
        settings = self.session.settings
        return open_history(self.session.env, settings.history_size, known=None if names is None else lambda: names,
                            warn=self.console.error, show=settings.show_secrets)

    def _new_live(self) -> Refresher:
        """Live values of the session's engine (explorer.repl.livefeed), arriving in the prompt's loop."""
        return livefeed.live_values(self.session, self._live_getter, partial(self._soon, self._live_arrived))

    def _follow_engine(self) -> None:
        """After `context NAME`: live values, API version and spec of the new engine (the prompt shows it)."""
        self._engine = self.session.engine.changes
        self.live.close()
        self.live = self._new_live()
        if self._started:
            self.live.start()
        self._view, self._version, self._context = None, "…", self._engine_context()
        self._sync(self.console)

    def _engine_context(self) -> str | None:
        """The docker context the prompt shows (None: none, or the engine cannot be told yet)."""
        try:
            return self.session.endpoint().context
        except ExplorerError:
            return None

    def sources(self):
        """What completion draws on right now (read on each keystroke, never waits)."""
        # completion's modules load in the refresher's thread (explorer.repl.livefeed), not before the first prompt
        from explorer.completion.candidates import Sources

        return Sources(self._view, self.live.snapshot, getattr(self.session, "variables", None) or {},
                       self.meta_words, self._contexts)

    def _candidates(self, text: str) -> list:
        """The candidates for the cursor at the end of `text`, from what is there now."""
        from explorer.completion.candidates import complete  # as in sources()

        return complete(text, self.sources())

    def _ready(self, timeout: float) -> bool:
        """Wait (`timeout` s at most) for the spec and the first live values; True once both are
        there (or known to be missing), so that a Tab finds what a later one would."""
        self._start()  # a Tab can come before the first prompt's start-up task has run
        end = time.monotonic() + timeout
        return self._warm_up.wait(timeout) and self.live.wait_first(end - time.monotonic())

    def run(self) -> int:
        """The loop; returns the exit code of the shell (0)."""
        try:
            while True:
                if self.warm.is_set():
                    self._warm_up.flush()
                    self._sync(self.console)
                try:
                    text = self.prompt.prompt(pre_run=None if self._started else self._schedule_start)
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    return 0
                self._start()
                self._warm_up.wait(LOAD_WAIT_S)
                self._warm_up.flush()
                if self.run_text(text):
                    return 0
                fresh_line(self.console.stdout)
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

    def _internal_error(self, err: Exception, console=None) -> None:
        (console or self.console).error(internal_error(err))

    def _run_line(self, line: str) -> bool:
        words = line.split(None, 1)
        if words and words[0] in self._commands:
            return self._commands[words[0]](words[1:])
        outcome = self.session.execute(line)
        if self.session.engine.changes != self._engine:
            self._follow_engine()
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
        op = self._view.operation(cmd.method, cmd.target) if self._view is not None else None
        method = cmd.method or (op.method if op is not None else "GET")
        path = versions.split_prefix(cmd.target.partition("?")[0])[1] if cmd.target.startswith("/") else ""
        found = effects.effect(method, path or (op.path if op is not None else ""), op.path if op else None)
        return "changes" if found.changes else "reads"

    def _confirm(self, question: str) -> bool:
        """Ask `question`; True for y or yes. Ctrl-C goes on up (the line is interrupted), Ctrl-D is no."""
        try:
            answer: str = PromptSession(input=self._io[0], output=self._io[1]).prompt(question)
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    def _schedule_start(self) -> None:
        """Before the first prompt is drawn: start the background work once it is (see _start)."""
        self.prompt.app.create_background_task(self._start_soon())

    async def _start_soon(self) -> None:
        self._start()

    def _start(self) -> None:
        """Start live values and the spec load, once."""
        if not self._started:
            self._started = True
            self.live.start()
            self._warm_up.start()

    def _load(self, console) -> None:
        """The spec-load thread's work: the spec index; then, in a thread of its own (Enter waits for
        this one), the version history the toolbar reads (a first run builds it from every spec)."""
        self._sync(console)
        if self._view is not None:
            info = self._view.index.info
            livefeed.warm_history(self.session.env, info.source, info.api_version)

    def _sync(self, console) -> None:
        """The API version and spec index the session now uses (before each prompt; at first in
        the spec-load thread). Errors go to `console`, in one line."""
        self._read_contexts()
        try:
            self._version = self.session.api_version(need_engine=False) or "?"
            podman = self.session.engine.podman_version()  # known once /_ping answered: its release, as podman says it
            if podman:
                self._version = ".".join(podman.split(".")[:2])
            index = self.session.index()
        except ExplorerError as err:
            console.error(str(err))
            return
        except KeyboardInterrupt:  # Ctrl-C while the engine was asked: the prompt comes back
            self.console.note("interrupted")
            return
        except Exception as err:  # a bug in loading must not end the session either
            self._internal_error(err, console)
            return
        if index is None:
            self._view = None
        elif self._view is None or self._view.index is not index:
            # as Sources: off the first prompt's path
            from explorer.completion.specview import SpecView

            self._view = SpecView(index)

    def _read_contexts(self) -> None:
        """docker's context names for `context <Tab>`, read again only when the store changed."""
        # hashlib and json read the store: only a shell that runs pays for them, off the first prompt
        from explorer.core import contexts

        env = getattr(self.session, "env", None) or {}
        stamp = contexts.store_stamp(env)
        if stamp != self._contexts_stamp:
            self._contexts, self._contexts_stamp = contexts.names(env), stamp

    def _soon(self, callback) -> None:
        """Run `callback` in the prompt's event loop, with its app current (from any thread);
        nothing when no prompt is up (the loop itself catches up before the next one)."""
        app = self.prompt.app
        loop = app.loop
        if not app.is_running or loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._in_app, callback)
        except RuntimeError:  # that loop has closed: the prompt is gone
            pass

    def _in_app(self, callback) -> None:
        app = self.prompt.app
        if app.is_running:
            with set_app(app):
                try:
                    callback()
                except Exception:  # redrawing must never end the prompt
                    pass

    def _loaded(self) -> None:
        """The spec is there (in the loop): print what loading it said, complete again."""
        run_in_terminal(self._warm_up.flush)
        self._live_arrived()

    def _live_arrived(self) -> None:
        """New live values (or the spec), in the loop: do a Tab that came too early, or offer
        them for what is typed already."""
        buffer = self.prompt.default_buffer
        if not self.tab.resume(buffer):
            complete_again(buffer, self.tab)
        self.prompt.app.invalidate()

    def _message(self):
        snap = self.live.snapshot
        kind = snap.engine_kind or ("podman" if self.session.engine.podman_version() else "") or (
            self._view.index.info.flavour if self._view else "") or "docker"
        if kind == "other":
            kind = "engine"
        offline = [("class:prompt.offline", " offline")] if snap.reachable is False else []
        if getattr(self.session.settings, "read_only", False):
            offline.append(("class:prompt.readonly", " read-only"))
        context = self._context
        where = [("class:prompt.context", f"@{context}")] if context not in (None, "default") else []
        return [("class:prompt.kind", kind)] + where + [("class:prompt", f" {self._version}")] + offline + [
            ("class:prompt", " > ")]

    def _toolbar(self):
        try:
            buffer = self.prompt.default_buffer
            return toolbar_text(self._view, buffer.text, self.live.snapshot, buffer.cursor_position)
        except Exception:  # the toolbar must never break the prompt
            return ""

    def _edit(self, args) -> bool:
        for line in replcmds.edit_lines(self.console, self.session.env, self.last_request):
            self.prompt.history.append_string(line)
            shown = line if self.session.settings.show_secrets else redact_line(line, self.session.secret_names)
            self.console.note("> " + shown)
            if self.run_text(line):
                return True
        return False

    def _refresh(self, args) -> bool:
        replcmds.refresh(self.console, self.live)
        return False

