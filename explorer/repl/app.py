"""The interactive loop: prompt_toolkit reads lines, `session.execute` runs them."""
from __future__ import annotations

import os

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory, InMemoryHistory

from explorer.config import xdg_dir
from explorer.errors import ExplorerError


def history_file(env=os.environ) -> str:
    """$XDG_STATE_HOME/engine-explorer/history, created 0600 (it can hold tokens)."""
    folder = xdg_dir("state", env)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, "history")
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def prompt_text(session) -> str:
    """`docker 1.41 > `, or `docker ? > ` while the engine is unknown."""
    try:
        version = session.api_version(need_engine=False) or "?"
    except ExplorerError:
        version = "?"
    return f"docker {version} > "


def run_repl(session, **prompt_args) -> int:
    """Read and execute lines until exit/quit or Ctrl-D; a bad line never ends the loop."""
    try:
        history = FileHistory(history_file(session.env))
    except OSError:
        history = InMemoryHistory()
    prompt = PromptSession(history=history, **prompt_args)
    while True:
        try:
            line = prompt.prompt(prompt_text(session))
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        try:
            outcome = session.execute(line)
        except KeyboardInterrupt:
            session.console.note("interrupted")
            continue
        if outcome.quit:
            return 0
