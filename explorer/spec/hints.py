"""What to suggest when a path and method name no operation: the closest request that would fit.

A typo in a path's last segment (`/containers/web/strat`) must not read as a container named
`web/strat` and be answered with `DELETE`: a suggestion keeps the method typed (or, with none,
reads only), and a path one segment short of an operation (`GET /containers/web`, the `docker
inspect` habit) is answered with that operation filled in (`GET /containers/web/json`).
"""
from __future__ import annotations

import re

from explorer.lang import slots
from explorer.spec import effects

_PARAM = re.compile(r"\{([^{}/]+)\}")
_READS = ("GET", "HEAD")  # what may be suggested when no method was typed: never a change
MIN_RATIO = 0.6


def spans_a_typo(index, path: str) -> bool:
    """Does `path` match its best template only by a parameter swallowing a `/` where the engine
    takes one segment (a container id, not an image reference)? Then the path is a typo."""
    matches = index.match(path)
    if not matches:
        return False
    template, params = matches[0]
    return any("/" in value and slots.path_slot(template, name) != slots.IMAGE
               for name, value in params.items())


def closest(index, method: str | None, path: str) -> str:
    """`closest: METHOD PATH` for the request most like `method path` that the spec has, or ""."""
    methods = (method,) if method else _READS
    longer = _one_segment_longer(index, methods, path)
    if longer:
        return f"closest: {longer}"
    from difflib import SequenceMatcher  # only on the error path

    segs = path.strip("/").split("/")
    scored = []
    for template in index.templates():
        have = [m for m in methods if index.get(m, template) and not destroys(m, template)]
        if not have:
            continue
        filled = _filled(template, segs)
        ratio = SequenceMatcher(None, path, filled or template).ratio()
        if ratio >= MIN_RATIO:
            scored.append((-ratio, template, have[0]))
    if not scored:
        return ""
    _, template, found = min(scored)
    return f"closest: {found} {template}"


def _one_segment_longer(index, methods: tuple, path: str) -> str:
    """`GET /containers/web/json` for `/containers/web`: an operation whose template is the path's
    template plus one literal segment, filled with the path's values: `json` (the API's inspect)
    first, then the shortest."""
    segs = path.strip("/").split("/")
    found = []
    for template in index.templates():
        parts = template.strip("/").split("/")
        if len(parts) != len(segs) + 1 or _PARAM.search(parts[-1]) or not _fits(parts[:-1], segs):
            continue
        for method in methods:
            if index.get(method, template) and not destroys(method, template):
                found.append((parts[-1] != "json", len(parts[-1]), parts[-1], method))
                break
    if not found:
        return ""
    *_, last, method = min(found)
    return f"{method} {path.rstrip('/')}/{last}"


def _filled(template: str, segs: list) -> str:
    """The template with each `{param}` segment replaced by the path's segment, when the literal
    segments agree; "" when the shapes differ or no segment is literal."""
    parts = template.strip("/").split("/")
    if len(parts) != len(segs) or all(_PARAM.fullmatch(p) for p in parts):
        return ""
    out = []
    for part, seg in zip(parts, segs, strict=True):
        out.append(seg if _PARAM.fullmatch(part) else part)
    return "/" + "/".join(out)


def _fits(parts: list, segs: list) -> bool:
    """Does each literal part equal its segment, and each `{param}` part have a non-empty one?"""
    return all(seg if _PARAM.fullmatch(part) else part == seg for part, seg in zip(parts, segs, strict=True))


def destroys(method: str, template: str) -> bool:
    """Is `method template` never offered as the fix for a typo? A removal, a kill, a prune (explorer.spec.effects)."""
    return bool(effects.effect(method, template, template).destroys)
