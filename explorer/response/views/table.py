"""Text tables fitted to the terminal: cells made safe to print, columns cut to the width, as docker
lays them out (three spaces between columns, headers in capitals, "…" where a value is cut)."""
from __future__ import annotations

from typing import NamedTuple

GAP = "   "  # docker's tabwriter pads columns with three spaces
ELLIPSIS = "…"
MIN_WIDTH = 5  # a column is never cut narrower than this (a narrower column keeps its width)
_CONTROL = {**{i: f"\\x{i:02x}" for i in range(32)}, 9: " ", 10: "↵", 13: "", 127: "\\x7f",
            **{i: f"\\x{i:02x}" for i in range(128, 160)}}


class Table(NamedTuple):
    """What is laid out: a title line (or ""), headers, rows of cell text (made safe with cell())."""

    title: str
    headers: list
    rows: list


def cell(text: str) -> str:
    """A value as one line of printable text: a body's escape sequences never reach the terminal raw."""
    if text.isprintable():
        return text
    return text.translate(_CONTROL)


def width(text: str) -> int:
    """Columns `text` takes on a terminal: wide (East Asian) characters two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata  # only text beyond ASCII needs it

    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return total


def cut(text: str, columns: int) -> str:
    """`text` within `columns`, ending in "…" when it was longer (docker's Ellipsis)."""
    if width(text) <= columns:
        return text
    if columns <= 1:
        return text[:columns]
    if text.isascii():
        return text[:columns - 1] + ELLIPSIS
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def fit(natural: list, headers: list, room: int) -> tuple:
    """(column widths, how many columns fit in `room`): the widest columns are cut to one common
    width, never below a floor; when even the floors do not fit, columns are left out from the right."""
    if _total(natural) <= room:
        return list(natural), len(natural)
    floors = [min(w, MIN_WIDTH) for w in natural]

    def capped(cap: int) -> list:
        return [min(w, max(cap, f)) for w, f in zip(natural, floors, strict=True)]

    low, high = 0, max(natural)
    while low < high:  # the widest common cap that fits
        mid = (low + high + 1) // 2
        if _total(capped(mid)) <= room:
            low = mid
        else:
            high = mid - 1
    widths = capped(low)
    spare = room - _total(widths)
    for i, w in enumerate(widths):  # what the cap leaves over goes to the cut columns, left first
        if spare > 0 and w < natural[i]:
            given = min(spare, natural[i] - w)
            widths[i] += given
            spare -= given
    shown = len(widths)
    while shown > 1 and _total(widths[:shown]) > room:
        shown -= 1
    return widths, shown


def _total(widths) -> int:
    return sum(widths) + len(GAP) * max(len(widths) - 1, 0)


def render(headers: list, rows: list, room: int, bold: bool = False) -> list:
    """The lines of a table of `rows` (lists of cell text, already made safe with cell()) under
    `headers`, fitted to `room` columns; a last line says which columns were left out, if any."""
    natural = [width(h) for h in headers]
    for row in rows:
        for i, text in enumerate(row):
            w = len(text) if text.isascii() else width(text)
            if w > natural[i]:
                natural[i] = w
    widths, shown = fit(natural, headers, room)
    lines = [_line(headers[:shown], widths)]
    if bold:
        lines[0] = f"\x1b[1m{lines[0]}\x1b[0m"
    lines += [_line(row[:shown], widths) for row in rows]
    if shown < len(headers):
        left = ", ".join(headers[shown:])
        lines.append(f"({len(headers) - shown} more columns not shown for the width: {left}; "
                     "`last expanded` shows every field)")
    return lines


def _line(texts, widths) -> str:
    parts = []
    last = len(texts) - 1
    for i, text in enumerate(texts):
        w = widths[i]
        size = len(text) if text.isascii() else width(text)
        if size > w:
            text = cut(text, w)
            size = width(text)
        parts.append(text if i == last else text + " " * (w - size))
    return GAP.join(parts).rstrip()
