"""prompt_toolkit's side of completion: candidates as Completions, the Tab key, a menu kept current.

Candidates come from explorer.completion (pure); here they become Completions for the menu that
complete-while-typing shows, and Tab computes them itself, at once, rather than through
`Buffer.start_completion`: that is a background task prompt_toolkit drops while another
completion is in flight or a menu is up, which is what made a fast first Tab do nothing.
"""
from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.buffer import Buffer, CompletionState
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from explorer.completion.insertion import aligned, insertion

# Past this many characters a line gets no completion, highlighting or toolbar: the work is linear,
# but each keystroke on a pasted megabyte cost seconds, and nobody completes inside such a line.
SUGGEST_CHARS = 20_000


class ReplCompleter(Completer):
    """Completes the text before the cursor; `candidates(text)` gives explorer.completion's Candidates."""

    def __init__(self, candidates: Callable[[str], list]) -> None:
        self._candidates = candidates

    def get_completions(self, document, complete_event):
        if len(document.text) > SUGGEST_CHARS:
            return
        try:
            found = self._candidates(document.text_before_cursor)
        except Exception:  # a completion bug must cost a menu, never the prompt
            return
        for cand in found:
            yield as_completion(cand)


def as_completion(cand, text: str | None = None, start: int | None = None) -> Completion:
    """A Candidate as a Completion (`text`/`start` override its own); a hint inserts nothing."""
    if cand.hint:
        return Completion("", 0, display=cand.display or None, display_meta=cand.meta)
    return Completion(cand.text if text is None else text, cand.start if start is None else start,
                      display=cand.display or None, display_meta=cand.meta)


class TabKey:
    """Tab: the only candidate goes in at once; several: the start they share goes in and the menu
    shows them; Tab again walks the menu. Whatever the timing: the candidates are computed now.

    `ready(timeout)` waits at most `timeout` s for what completion draws on (the spec, the first
    live values) and says whether it is all there. A Tab that comes before (typed in the same
    burst as the start) waits `wait_s`, and if that is not enough it is kept, and done by
    `resume` when the rest arrives, unless the line has changed by then: a Tab does the same
    whatever the timing. `pressed` and `offered` (the last Tab's Candidates) let tests see what a
    Tab did.
    """

    def __init__(self, candidates: Callable[[str], list], ready: Callable[[float], bool] = lambda _: True,
                 wait_s: float = 0.0) -> None:
        self._candidates = candidates
        self._ready = ready
        self._wait_s = wait_s
        self._menu: CompletionState | None = None  # the menu the last Tab showed
        self._pending: Document | None = None  # the line of a Tab that came too early
        self.pressed = 0
        self.offered: list = []

    def __call__(self, buffer: Buffer) -> None:
        try:
            if self._ready(self._wait_s):
                self._pending = None
                self._press(buffer)
            else:
                self._pending = buffer.document
        except Exception:  # a completion bug must cost this Tab, never the prompt
            buffer.complete_state = None
        finally:
            self.pressed += 1

    def resume(self, buffer: Buffer) -> bool:
        """Something completion draws on arrived: do the Tab kept waiting, if any, once all is
        there and the line is as it was; True when that Tab was done now."""
        pending = self._pending
        if pending is None or buffer.document != pending:
            self._pending = None
            return False
        if not self._ready(0):
            return False
        self._pending = None
        buffer.complete_state = None  # a complete-while-typing menu meanwhile: the Tab decides
        self(buffer)
        return True

    def shown(self, buffer: Buffer) -> bool:
        """True while the menu up is the one the last Tab showed (a live update leaves it alone)."""
        return buffer.complete_state is not None and buffer.complete_state is self._menu

    def _press(self, buffer: Buffer) -> None:
        state = buffer.complete_state
        if state is not None and (state.complete_index is not None or state is self._menu):
            buffer.complete_next()  # the menu is up, from Tab, or the user walks it: go on walking
            return
        if len(buffer.text) > SUGGEST_CHARS:  # a pasted megabyte: nobody completes inside it
            return
        text = buffer.document.text_before_cursor
        found = self.offered = self._candidates(text)
        chosen = insertion(text, found)
        if chosen is not None and chosen.whole:
            buffer.apply_completion(Completion(chosen.text, chosen.start))
            return
        if chosen is None and not any(c.hint for c in found) and len(found) <= 1:
            buffer.complete_state = None  # nothing, or only what is typed already
            return
        completions = [as_completion(c) for c in found]
        if chosen is not None:
            buffer.delete_before_cursor(-chosen.start)
            buffer.insert_text(chosen.text, fire_event=False)  # no complete-while-typing over this menu
            _, texts = aligned(text, found)
            completions = [as_completion(c, full, -len(chosen.text)) for c, full in zip(found, texts, strict=True)]
        self._menu = buffer.complete_state = CompletionState(buffer.document, completions)
        buffer.on_completions_changed.fire()


def complete_again(buffer: Buffer, tab: TabKey) -> None:
    """New spec or live values: complete what is typed again, as typing would, so that values that
    arrive after the keystrokes still show; never over a menu being walked or one Tab showed."""
    state = buffer.complete_state
    if not buffer.text or tab.shown(buffer) or (state is not None and state.complete_index is not None):
        return
    if not buffer.complete_while_typing():
        return
    buffer.complete_state = None
    buffer.start_completion(complete_event=CompleteEvent(text_inserted=True))
