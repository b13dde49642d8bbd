"""Human sizes and times, in one place: the status line's, and docker's own (docker/go-units).

docker prints sizes three ways and we follow each where docker uses it: `docker images`, `ps -s`
and the I/O columns of `docker stats` use HumanSizeWithPrecision(n, 3) (decimal units, "1.23kB");
`docker system df` uses HumanSize (four digits, "1.234kB"); memory in `docker stats` uses
BytesSize (binary units, "1.5MiB"). Times are HumanDuration ("5 minutes") plus " ago".
"""
from __future__ import annotations

import re
import time

_DECIMAL = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")
# RFC 3339 as the engine writes it: nanoseconds, Z or an offset (Python 3.10's fromisoformat takes neither)
_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$")


def human_size(n: int) -> str:
    """1234 → "1.2 kB": the status line's size."""
    if n < 1000:
        return f"{n} B"
    size = float(n)
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000:
            return f"{size:.1f} {unit}"
    return f"{size / 1000:.1f} TB"


def docker_size(n: float, precision: int = 3) -> str:
    """docker's HumanSizeWithPrecision: 1234 → "1.23kB" (precision 3), "1.234kB" (4, HumanSize)."""
    size, unit = _scaled(float(n), 1000.0, _DECIMAL)
    return f"{size:.{precision}g}{unit}"


def binary_size(n: float) -> str:
    """docker's BytesSize: 1572864 → "1.5MiB"."""
    size, unit = _scaled(float(n), 1024.0, _BINARY)
    return f"{size:.4g}{unit}"


def _scaled(size: float, base: float, units: tuple) -> tuple:
    i = 0
    while size >= base and i < len(units) - 1:
        size /= base
        i += 1
    return size, units[i]


def human_duration(seconds: float) -> str:
    """docker's HumanDuration: 300 → "5 minutes", 3600 → "About an hour"."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = s // 3600
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 3:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{hours // 24 // 365} years"


def ago(when, now: float | None = None) -> str:
    """A time (epoch seconds, or RFC 3339 text) as docker's "5 minutes ago"; "" when there is none."""
    seconds = epoch(when)
    if seconds is None:
        return ""
    return human_duration((time.time() if now is None else now) - seconds) + " ago"


def epoch(when) -> float | None:
    """Epoch seconds from a number or RFC 3339 text; None for none, zero or Go's zero time (year 1)."""
    if isinstance(when, bool) or when is None:
        return None
    if isinstance(when, (int, float)):
        return float(when) if when > 0 else None
    found = _RFC3339.match(str(when).strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    if int(year) <= 1:
        return None
    import calendar  # only a time written as text needs it

    seconds: float = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), int(second)))
    if fraction:
        seconds += float("0." + fraction)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return seconds


def percent(value: float) -> str:
    """docker's percentages: two decimals and a sign, "0.25%"."""
    return f"{value:.2f}%"
