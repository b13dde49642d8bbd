"""Commands that only make sense at the interactive prompt: `edit` and `refresh`.

The REPL runs them itself; `-c`/`-f` reach the stubs below through the dispatcher, which say so.
Nothing here imports prompt_toolkit.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import tempfile

from explorer.core.errors import UsageError

REFRESH_WAIT_S = 10.0


def edit_lines(console, env, last_line: str) -> list:
    """Open $VISUAL/$EDITOR on `last_line`; the lines saved, joined where they end in `\\`."""
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    fd, path = tempfile.mkstemp(prefix="engine-explorer-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(last_line + "\n" if last_line else "# type a request, save and quit to run it\n")
        try:
            code = subprocess.call(shlex.split(editor) + [path])
        except (OSError, ValueError) as err:
            raise UsageError(f"cannot run the editor {editor!r} ({err}); set $EDITOR") from None
        if code != 0:
            console.note(f"edit: the editor exited with {code}; nothing run")
            return []
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    finally:
        os.unlink(path)
    lines = [line for line in text.replace("\\\n", " ").splitlines() if line.strip()]
    if not lines:
        console.note("edit: nothing saved; nothing run")
    return lines


def refresh(console, live) -> None:
    """Refresh the live values now and say what was found."""
    live.request()
    if not live.wait(REFRESH_WAIT_S):
        console.note("live values: still refreshing in the background")
        return
    snap = live.snapshot
    if snap.reachable is False or snap.error:
        console.note(f"live values: none ({snap.error or 'engine unreachable'})")
        return
    found = ", ".join(f"{count} {name}" for name, count in snap.counts().items() if count)
    # whether a change made elsewhere shows by itself: the engine's events are followed or not
    how = "following the engine's events" if getattr(live, "following", False) else \
        "changes made elsewhere show after `refresh`"
    console.note(f"live values: {found or 'none yet (the engine has no containers, images, …)'}; {how}")


def edit_outside(session, args):
    """`edit` in -c/-f: there is no editor session to open."""
    raise UsageError("`edit` works at the interactive prompt only")


def refresh_outside(session, args):
    """`refresh` in -c/-f: live values exist only for completion at the prompt."""
    raise UsageError("`refresh` works at the interactive prompt only (it refreshes completion values)")
