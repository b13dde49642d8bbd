"""An engine event (GET /events) as one readable line, as `docker events` prints it, in colour on a
colour terminal: local time, type, action, the actor's name and short ID, its other attributes."""
from __future__ import annotations

import time

from explorer.response.views.table import cell

# Actions that make something (green) and that end something (red); the rest are plain changes.
_MAKES = frozenset({"create", "start", "restart", "unpause", "pull", "import", "load", "tag", "connect", "mount",
                    "exec_create", "exec_start", "health_status: healthy", "commit", "build"})
_ENDS = frozenset({"die", "kill", "stop", "destroy", "delete", "remove", "oom", "untag", "disconnect",
                   "unmount", "prune", "health_status: unhealthy", "exec_die"})
_SGR = {"time": "2", "type": "36", "makes": "32", "ends": "31", "other": "33", "name": "1"}


def line(event: dict, color: bool = False) -> str:
    """`2024-05-01T10:04:05.123 container start web (3f2a1b2c3d4e) image=busybox:local`."""
    actor = event.get("Actor")
    actor = actor if isinstance(actor, dict) else {}
    attributes = actor.get("Attributes")
    attributes = attributes if isinstance(attributes, dict) else {}
    action = str(event.get("Action") or event.get("status") or "")
    actor_id = str(actor.get("ID") or event.get("id") or "")
    name = attributes.get("name")
    who = f"{name} ({_short(actor_id)})" if name and actor_id else str(name or _short(actor_id))
    rest = ", ".join(f"{k}={v}" for k, v in sorted(attributes.items()) if k != "name")
    parts = [
        (_when(event), "time"),
        (str(event.get("Type") or "?"), "type"),
        (action, _kind(action)),
        (who, "name"),
    ]
    text = " ".join(_paint(cell(value), role, color) for value, role in parts if value)
    return f"{text} {cell(rest)}" if rest else text


def _kind(action: str) -> str:
    base = action.partition(":")[0] if not action.startswith("health_status") else action
    return "makes" if base in _MAKES else "ends" if base in _ENDS else "other"


def _short(actor_id: str) -> str:
    """IDs shortened as docker does; a name-like ID (an image reference, a network name) as it is."""
    bare = actor_id.partition(":")[2] if actor_id.startswith("sha256:") else actor_id
    return bare[:12] if len(bare) == 64 and all(c in "0123456789abcdef" for c in bare) else actor_id


def _when(event: dict) -> str:
    nanos = event.get("timeNano")
    seconds = event.get("time")
    if isinstance(nanos, int):
        whole, part = divmod(nanos, 1_000_000_000)
    elif isinstance(seconds, (int, float)):
        whole, part = int(seconds), 0
    else:
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(whole)) + f".{part // 1_000_000:03d}"


def _paint(text: str, role: str, color: bool) -> str:
    return f"\x1b[{_SGR[role]}m{text}\x1b[0m" if color else text
