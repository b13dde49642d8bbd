"""Drive a whole REPL session without a terminal: prompt_toolkit's pipe input and DummyOutput.

The REPL runs in the test's thread (as in real use); a typist thread sends keys, waits for the
prompt to react, and reads what the completion menu offers. Whatever the typist asserts is
re-raised in the test after the session has ended.
"""
from __future__ import annotations

import io
import os
import threading
import time
from typing import NamedTuple

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.repl.app import Repl
from explorer.shell.session import Session

WAIT_S = 10.0


def wait_for(predicate, timeout: float = WAIT_S) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return False


class Tabbed(NamedTuple):
    """What a Tab did: the line after it, and its menu (as displayed; [] when it showed none)."""

    line: str
    menu: list


class CountingRepl(Repl):
    """The real Repl, counting finished lines so the typist knows when output is complete."""

    lines_done = 0

    def run_text(self, text):
        try:
            return super().run_text(text)
        finally:
            self.lines_done += 1


class Typist:
    """Types into a running Repl from another thread."""

    def __init__(self, repl, inp):
        self.repl, self.inp = repl, inp
        self.buffer = repl.prompt.default_buffer

    def ready(self) -> None:
        assert wait_for(lambda: self.repl.prompt.app.is_running and self.buffer.text == ""), "no prompt"

    def tab(self, text: str) -> Tabbed:
        """Type `text`, press Tab; what the Tab did (the line stays as the Tab left it)."""
        self.ready()
        self.inp.send_text(text)
        assert wait_for(lambda: self.buffer.text == text), f"typed text did not arrive: {self.buffer.text!r}"
        return self.press_tab()

    def press_tab(self) -> Tabbed:
        """Press Tab and wait until the REPL has handled it; what it did."""
        pressed = self.repl.tab.pressed
        self.inp.send_text("\t")
        assert wait_for(lambda: self.repl.tab.pressed > pressed), "Tab was never handled"
        return self.tabbed()

    def tabbed(self) -> Tabbed:
        """The line now, and the menu the last Tab showed (what it displays), if it is still up."""
        state = self.buffer.complete_state
        menu = [c.display_text for c in state.completions] if state and self.repl.tab.shown(self.buffer) else []
        return Tabbed(self.buffer.text, menu)

    def settle(self) -> None:
        """Wait for the first prompt and for the live values the session starts with."""
        self.ready()
        assert self.repl.warm.wait(WAIT_S), "the spec never loaded"
        assert self.repl.live.wait(WAIT_S), "live values never arrived"

    def cancel(self) -> None:
        """Ctrl-C: drop the typed line, back to an empty prompt."""
        self.inp.send_text("\x03")
        self.ready()

    def enter(self, line: str, answer: str | None = None) -> None:
        """Type `line`, press Enter (then `answer` and Enter, for the question a destructive line
        asks), wait until it has run."""
        self.ready()
        done = self.repl.lines_done
        self.inp.send_text(line + "\r" + (answer + "\r" if answer is not None else ""))
        assert wait_for(lambda: self.repl.lines_done > done), f"line did not finish: {line!r}"


def run_session(script, host: str | None, spec_dir: str, env_extra=None, live_getter=None, **settings):
    """Run `script(typist)` against a REPL on `host` (or what `settings` choose), its live values read
    through `live_getter()` when given; (exit code, stdout text, stderr text, repl)."""
    out, err = io.BytesIO(), io.BytesIO()
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=spec_dir, **(env_extra or {}))
    env.pop("DOCKER_API_VERSION", None)
    session = Session(Settings(host=host, interactive=True, **settings),
                      Console(stdout=out, stderr=err, interactive=True), env=env, commands=dispatcher())
    failure = []
    with create_pipe_input() as inp:
        repl = CountingRepl(session, input=inp, output=DummyOutput(), live_getter=live_getter)

        def typist():
            try:
                script(Typist(repl, inp))
            except BaseException as exc:  # handed to the test below
                failure.append(exc)
            finally:
                inp.send_text("\x03exit\r")
                watchdog.start()  # a session that ignores `exit` still ends: EOF at the prompt

        watchdog = threading.Timer(WAIT_S, inp.close)

        thread = threading.Thread(target=typist, daemon=True)
        thread.start()
        try:
            code = repl.run()
        finally:
            watchdog.cancel()
            session.close()
        thread.join(WAIT_S)
    if failure:
        raise failure[0]
    return code, out.getvalue().decode(), err.getvalue().decode(), repl
