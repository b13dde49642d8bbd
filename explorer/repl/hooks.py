"""What the Console asks of the REPL, without prompt_toolkit leaking out: a file name, progress bars."""
from __future__ import annotations


def install(console) -> None:
    """Give the console its REPL callbacks (see Console.ask and Console.progress)."""
    console.ask = ask
    console.progress = progress_view


def ask(message: str) -> str:
    """Ask one line (a file name, with path completion); Ctrl-C raises KeyboardInterrupt."""
    from prompt_toolkit import prompt  # the interactive shell has loaded it by now
    from prompt_toolkit.completion import PathCompleter

    return prompt(message, completer=PathCompleter(expanduser=True))


def progress_view(console):
    """Progress bars drawing on the console's terminal."""
    # prompt_toolkit's progress bars: pulls only
    from explorer.repl.progress import ProgressBars

    return ProgressBars(console.stdout, console.color)
