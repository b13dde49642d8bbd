"""Regular expressions compiled on first use.

Compiling one costs 0.1–0.3 ms (the compiler is Python code); a module that compiled its patterns
at import would charge every start for patterns most starts never use.
"""
from __future__ import annotations

import re


class LazyPattern:
    """Stands for re.compile(pattern, flags): its methods (match, search, sub…), compiled on first use."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)
