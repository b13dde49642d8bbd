"""Key bindings on top of prompt_toolkit's Emacs (default) or Vi ones: Tab, multi-line entry."""
from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.application import get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import (
    Condition,
    completion_is_selected,
    emacs_insert_mode,
    has_completions,
    vi_insert_mode,
)
from prompt_toolkit.key_binding import KeyBindings


def bindings(tab: Callable[[Buffer], None]) -> KeyBindings:
    """Tab runs `tab(buffer)` (explorer.repl.completer.TabKey); Alt-Enter, or Enter after a trailing
    `\\`, breaks the line."""
    kb = KeyBindings()

    @Condition
    def continued() -> bool:
        doc = get_app().current_buffer.document
        return doc.is_cursor_at_the_end and doc.text.endswith("\\")

    @kb.add("tab", filter=vi_insert_mode | emacs_insert_mode)
    def _tab(event) -> None:
        tab(event.current_buffer)

    @kb.add("escape", "enter")
    def _newline(event) -> None:
        event.current_buffer.insert_text("\n")

    @kb.add("enter", filter=continued & ~(has_completions & completion_is_selected))
    def _continue(event) -> None:
        event.current_buffer.insert_text("\n")

    return kb
