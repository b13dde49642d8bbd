"""Before each prompt: a line that output left open is ended, so the prompt never glues onto it.

A body (or a `| head -c 100`, whose command writes straight to the terminal) may end without a
newline, and we cannot know what a command wrote. So, as zsh's PROMPT_SP does, write a mark and
then enough spaces to fill the rest of the line, then a carriage return and erase-line: at column 0
the spaces fill the line exactly and are erased again; anywhere else they wrap onto a new line,
which is erased, leaving the mark (`⏎`, reversed) where the output stopped.
"""
from __future__ import annotations

import os
import shutil

MARK = "⏎"


def fresh_line(stream) -> None:
    """End an open line on terminal `stream` (a binary stream); nothing when it is not a terminal."""
    try:
        if not os.isatty(stream.fileno()):
            return
    except (AttributeError, OSError, ValueError):
        return  # an in-memory stream: no terminal, no prompt to glue
    columns = shutil.get_terminal_size().columns
    mark = MARK if os.environ.get("NO_COLOR") else f"\x1b[7m{MARK}\x1b[27m"
    stream.write((mark + " " * (columns - 1) + "\r\x1b[K").encode("utf-8"))
    stream.flush()
