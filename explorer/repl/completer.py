"""prompt_toolkit's side of completion: candidates from explorer.completion as Completions."""
from __future__ import annotations

from prompt_toolkit.completion import Completer, Completion

# Past this many characters a line gets no completion, highlighting or toolbar: the work is linear,
# but each keystroke on a pasted megabyte cost seconds, and nobody completes inside such a line.
SUGGEST_CHARS = 20_000


class ReplCompleter(Completer):
    """Completes the text before the cursor; `sources()` gives the current spec view and live values."""

    def __init__(self, sources) -> None:
        self._sources = sources

    def get_completions(self, document, complete_event):
        # loaded early by the refresher's thread (repl.app._warm_getter), not before the first prompt
        from explorer.completion.candidates import complete

        if len(document.text) > SUGGEST_CHARS:
            return
        try:
            found = complete(document.text_before_cursor, self._sources())
        except Exception:  # a completion bug must cost a menu, never the prompt
            return
        for cand in found:
            yield Completion(cand.text, cand.start, display=cand.display or None, display_meta=cand.meta)
