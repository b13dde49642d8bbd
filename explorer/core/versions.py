"""API versions, one grammar for all: Docker's `1.41`, Podman's libpod `5.0.0`; their order; `/vX.Y/`."""
from __future__ import annotations

import os
import re

from explorer.core.errors import UsageError

_VERSION = r"[0-9]+\.[0-9]+(?:\.[0-9]+)?"  # ASCII digits only
_WRITTEN = re.compile(rf"[vV]?({_VERSION})")  # as a user writes one: 1.41, v1.41, 5.0.0
_PREFIX = re.compile(rf"/v({_VERSION})(?=/|$)")  # a path's /v1.41 (or /v5.0.0, as Podman's docs write)
_DOCKER = re.compile(r"[0-9]+\.[0-9]+")  # Docker's API versions have two parts
_FILE = re.compile(r"v([0-9]+\.[0-9]+)\.(?:ya?ml|json)")  # v1.41.yaml, as specs are named


def parse(text: str, where: str) -> str:
    """`1.41`, `v1.41` or `5.0.0` → the version; anything else is a UsageError naming `where`."""
    m = _WRITTEN.fullmatch(text.strip())
    if not m:
        raise UsageError(f"{where}: `{text}` is not an API version; write it like 1.41 (or 5.0.0 for libpod)")
    return m.group(1)


def is_docker(text: str) -> bool:
    """True for a Docker API version (two parts: 1.41)."""
    return _DOCKER.fullmatch(text) is not None


def key(version: str) -> tuple:
    """The sort key: "1.9" < "1.41" < "5.0.0"."""
    return tuple(int(part) for part in version.split("."))


def split_prefix(path: str) -> tuple:
    """`/v1.41/containers/json` → ("1.41", "/containers/json"); (None, path) without a prefix."""
    m = _PREFIX.match(path) if path.startswith("/v") else None
    if m is None:
        return None, path
    return m.group(1), path[m.end():] or "/"


def of_file_name(path: str) -> str:
    """"1.41" for a spec file named v1.41.yaml (or .yml, .json), else ""."""
    m = _FILE.fullmatch(os.path.basename(path))
    return m.group(1) if m else ""


def newer(version: str, than: str) -> bool:
    """True when API `version` is newer than `than` (1.42 is newer than 1.41, 1.100 than 1.99)."""
    return key(version) > key(than)


def follows(version: str, before: str) -> bool:
    """Is `version` the one right after `before` (1.42 after 1.41)? Specs read with a gap between them
    (1.41, then 1.52) cannot tell which version between added or removed an item."""
    new, old = key(version), key(before)
    return new[:-1] == old[:-1] and new[-1] == old[-1] + 1


def too_new(what: str, added: str, speaking: str, who: str = "this engine speaks", before: str = "") -> str:
    """The one line that refuses `what`, added in API `added` (or, with `before` not right before it,
    somewhere after `before`), for requests that go as `speaking`."""
    when = f"API {added}+" if not before or follows(added, before) else \
        f"newer than API {before} (the v{added} spec has it)"
    return f"{what} is {when}; {who} {speaking} (`!` sends it anyway)"


def since_text(added: str, removed: str, before: str = "", last: str = "") -> str:
    """`added in API v1.42`, `removed in API v1.52`, both, or "" (for help and the toolbar); where the
    specs read leave a gap (`before`: the last without it, `last`: the last with it), the range."""
    parts = []
    if added:
        exact = not before or follows(added, before)
        parts.append(f"added in API v{added}" if exact else f"added after API v{before} (by v{added})")
    if removed:
        exact = not last or follows(removed, last)
        parts.append(f"removed in API v{removed}" if exact else f"removed after API v{last} (by v{removed})")
    return ", ".join(parts)
