"""Times as docker's CLI takes them (`docker logs --since 5m`): a Go duration before now, or a date.

The engine itself reads only Unix timestamps (`1700000000` or `1700000000.5`); docker's CLI turns
`5m`, `1h30m` (a Go duration: now minus it) and RFC 3339 dates (`2024-01-02T15:04:05Z`, a date
alone, a time with no zone read as local) into one before sending. So do we, for the parameters
explorer.http.request names as the engine's timestamps.
"""
from __future__ import annotations

import re

from explorer.core.errors import UsageError

# Go's time.ParseDuration: a sign, then numbers with optional fractions, each with a unit
_DURATION = re.compile(r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|ms|s|m|h))+")
_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h)")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ].*)?")


def timestamp(text: str, now: float, label: str = "") -> str | None:
    """The Unix timestamp (whole seconds, as text) for a duration before `now` or a date; None when
    `text` is neither (a timestamp already, or something for the engine to judge). `label` names it
    in errors (`since==…`)."""
    if _DURATION.fullmatch(text):
        seconds = sum(float(n) * _SECONDS[unit] for n, unit in _PART.findall(text))
        return str(int(now - seconds if not text.startswith("-") else now + seconds))
    if _DATE.fullmatch(text):
        from datetime import datetime  # only for a date given as one

        try:
            return str(int(datetime.fromisoformat(text.replace("z", "Z")).timestamp()))
        except ValueError:
            raise UsageError(f"{label or text}: not a date docker reads (2024-01-02, 2024-01-02T15:04:05Z)") from None
    return None
