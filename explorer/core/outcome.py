"""What one line did: the value every executor and meta command returns."""
from __future__ import annotations

from typing import NamedTuple


class Outcome(NamedTuple):
    """Its exit code (0 ok, 1 HTTP >= 400, 2 usage/engine/spec), the HTTP status, whether to quit,
    and whether the line was refused (--read-only: a script stops there whatever else it was told)."""

    exit_code: int = 0
    status: int | None = None
    quit: bool = False
    refused: bool = False

    @property
    def ok(self) -> bool:
        """True when the line succeeded."""
        return self.exit_code == 0
