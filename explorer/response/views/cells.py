"""Cell formats of the table views (specs/views.yaml names them): one value of an item → text, as
the docker CLI prints it (`docker ps`, `docker images`, `docker service ls` …).

Each format is `format(value, item, now) -> str`: `value` is the column's field, `item` the whole
object (some formats read a neighbour field), `now` the time "… ago" counts from.
"""
from __future__ import annotations

import json

from explorer.core import units
from explorer.response.views.table import cut

NONE = "<none>"


def text(value, item=None, now=None) -> str:
    """The value as docker would print it: lists joined, objects as k=v, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return ", ".join(text(v) if not isinstance(v, (dict, list)) else compact(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={text(v) if not isinstance(v, (dict, list)) else compact(v)}"
                        for k, v in sorted(value.items()))
    return str(value)


def compact(value) -> str:
    """Nested JSON on one line (the generic table's cells)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def short_id(value, item=None, now=None) -> str:
    """docker's TruncateID: "sha256:" dropped, 12 characters; "<missing>" (history) as it is."""
    if not isinstance(value, str):
        return text(value)
    return value.partition(":")[2][:12] if value.startswith("sha256:") else value[:12]


def names(value, item=None, now=None) -> str:
    """Container names without their "/", joined by ","."""
    if not isinstance(value, list):
        return text(value)
    return ",".join(str(n).lstrip("/") for n in value)


def command(value, item=None, now=None) -> str:
    """`docker ps`'s COMMAND: quoted, cut at 20 columns."""
    return json.dumps(cut(text(value), 20), ensure_ascii=False)


def ago(value, item=None, now=None) -> str:
    """A time as "5 minutes ago"."""
    return units.ago(value, now)


def size(value, item=None, now=None) -> str:
    """docker's HumanSizeWithPrecision(n, 3): "1.98MB"; a negative size (not computed) as N/A."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return text(value)
    return "N/A" if value < 0 else units.docker_size(value)


def image(value, item=None, now=None) -> str:
    """An image reference without its digest; an image ID shortened."""
    if not isinstance(value, str):
        return text(value)
    if value.startswith("sha256:"):
        return short_id(value)
    return value.partition("@")[0] or value


def repository(value, item=None, now=None) -> str:
    """The repository of a "repo:tag" (the first of a list), or <none>."""
    ref = _first(value)
    if not ref or ref == "<none>:<none>":
        return NONE
    name, _, tag = ref.rpartition(":")
    return name if name and "/" not in tag else ref


def tag(value, item=None, now=None) -> str:
    """The tag of a "repo:tag" (the first of a list), or <none>."""
    ref = _first(value)
    if not ref or ref == "<none>:<none>":
        return NONE
    name, _, found = ref.rpartition(":")
    return found if name and "/" not in found else NONE


def _first(value):
    if isinstance(value, list):
        return value[0] if value else None
    return value if isinstance(value, str) else None


def ports(value, item=None, now=None) -> str:
    """`docker ps`'s PORTS (DisplayablePorts): ranges of exposed ports joined, published ones as
    ip:public->private/type."""
    if not isinstance(value, list):
        return text(value)
    groups: dict = {}  # key → [(first, last)], in the order keys appear
    mappings = []
    for port in sorted((p for p in value if isinstance(p, dict)), key=_port_order):
        private, public, ip, kind = port.get("PrivatePort"), port.get("PublicPort"), port.get("IP"), port.get("Type")
        if ip and public != private:
            host = f"[{ip}]" if ":" in ip else ip
            mappings.append(f"{host}:{public}->{private}/{kind}")
            continue
        key = f"{ip}/{kind}" if ip else str(kind)
        ranges = groups.setdefault(key, [])
        if ranges and private == ranges[-1][1] + 1:
            ranges[-1][1] = private
        else:
            ranges.append([private, private])
    result = [_port_group(key, first, last) for key, ranges in groups.items() for first, last in ranges]
    return ", ".join(result + mappings)


def _port_order(port: dict) -> tuple:
    return (port.get("PrivatePort") or 0, port.get("IP") or "", port.get("PublicPort") or 0, port.get("Type") or "")


def _port_group(key: str, first: int, last: int) -> str:
    ip, _, kind = key.rpartition("/")
    group = str(first) if first == last else f"{first}-{last}"
    if ip:
        host = f"[{ip}]" if ":" in ip else ip
        group = f"{host}:{group}->{group}"
    return f"{group}/{kind}"


def published(value, item=None, now=None) -> str:
    """`docker service ls`'s PORTS: *:published->target/protocol."""
    if not isinstance(value, list):
        return text(value)
    return ", ".join(f"*:{p.get('PublishedPort')}->{p.get('TargetPort')}/{p.get('Protocol', 'tcp')}"
                     for p in value if isinstance(p, dict) and p.get("PublishedPort"))


def change(value, item=None, now=None) -> str:
    """A filesystem change's kind (`docker diff`): C changed, A added, D deleted."""
    return {0: "C", 1: "A", 2: "D"}.get(value, text(value)) if isinstance(value, int) else text(value)


def title(value, item=None, now=None) -> str:
    """The first letter capital, as `docker node ls` prints states ("Ready", "Active")."""
    found = text(value)
    return found[:1].upper() + found[1:].lower()


def mode(value, item=None, now=None) -> str:
    """A service's mode: the key of Spec.Mode, lower case ("replicated", "global")."""
    if isinstance(value, dict) and value:
        return next(iter(value)).lower()
    return text(value)


def replicas(value, item=None, now=None) -> str:
    """A service's REPLICAS: running/desired tasks when the engine counted them, else the spec's."""
    if not isinstance(value, dict):
        return ""
    status = value.get("ServiceStatus")
    if isinstance(status, dict) and "DesiredTasks" in status:
        return f"{status.get('RunningTasks', 0)}/{status['DesiredTasks']}"
    spec_mode = (value.get("Spec") or {}).get("Mode") or {}
    if "Replicated" in spec_mode:
        return str((spec_mode["Replicated"] or {}).get("Replicas", 1))
    return "global" if "Global" in spec_mode else ""


def manager(value, item=None, now=None) -> str:
    """A node's MANAGER STATUS: Leader, else its reachability; nothing for a worker."""
    if not isinstance(value, dict):
        return ""
    return "Leader" if value.get("Leader") else title(value.get("Reachability", ""))


def task_state(value, item=None, now=None) -> str:
    """A task's CURRENT STATE: "Running 5 minutes ago"."""
    if not isinstance(value, dict):
        return text(value)
    when = units.ago(value.get("Timestamp"), now)
    return f"{title(value.get('State', ''))} {when}".strip()


def local_volumes(value, item=None, now=None) -> str:
    """How many of a container's mounts are local volumes (`docker system df -v`)."""
    if not isinstance(value, list):
        return "0"
    return str(sum(1 for m in value if isinstance(m, dict) and m.get("Driver") == "local"))


def unique_size(value, item=None, now=None) -> str:
    """An image's UNIQUE SIZE: its size less what it shares (`docker system df -v`)."""
    if not isinstance(value, dict) or not isinstance(value.get("Size"), int):
        return ""
    shared = value.get("SharedSize")
    return size(value["Size"] - shared) if isinstance(shared, int) and shared >= 0 else "N/A"


def flat(value, item=None, now=None) -> str:
    """Tabs and line breaks as spaces (a history's CREATED BY)."""
    return " ".join(text(value).split())


FORMATS = {
    "text": text, "id": short_id, "names": names, "command": command, "ago": ago, "size": size,
    "image": image, "repository": repository, "tag": tag, "ports": ports, "published": published,
    "change": change, "title": title, "mode": mode, "replicas": replicas, "manager": manager,
    "task-state": task_state, "local-volumes": local_volumes, "unique-size": unique_size, "flat": flat,
}
