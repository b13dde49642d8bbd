"""What the API-coverage table measures and what a full run must reach: the one place to change it.

`CANNOT` names each operation of the spec that cannot be exercised here, with why; the table prints
it. `GATES` are the minimums a full run must prove (tests/apicoverage/plugin.py fails it otherwise).
"""

from __future__ import annotations

from typing import NamedTuple

SPEC_VERSION = "1.41"  # the spec the table counts: spec_dir/v1.41.yaml

# The swarm-mode and plugin tags: proven on a second engine (a third joins its swarm) and with a real
# plugin pushed to a local registry (tests/integration/test_api_{swarm,nodes,services,plugins}.py).
SWARM_AND_PLUGIN_TAGS = frozenset({"Swarm", "Node", "Service", "Task", "Secret", "Config", "Plugin"})

CANNOT = {
    "ImageSearch": "searches Docker Hub, or a registry's v1 search API; the sandbox has no network and "
                   "Debian's docker-registry (distribution v2) has no search",
    "Session": "BuildKit's session: an HTTP/2 (h2c) upgrade answered 101 Switching Protocols, then gRPC; "
               "there is no 2xx, and a curl line cannot speak it",
    "ContainerAttachWebsocket": "a WebSocket upgrade: dockerd answers 101 Switching Protocols (without the "
                                "upgrade headers 400 'not websocket protocol'); there is no 2xx, and "
                                "curl 7.88 speaks no WebSocket",
}


class Gate(NamedTuple):
    """A full run must prove at least `minimum` of the operations whose tag is in `tags`
    (all tags when `tags` is None; `exclude` takes tags out)."""

    name: str
    minimum: int
    tags: frozenset | None = None
    exclude: frozenset = frozenset()

    def covers(self, tag: str) -> bool:
        """Whether an operation under `tag` counts for this gate."""
        return (self.tags is None or tag in self.tags) and tag not in self.exclude


GATES = (
    Gate("outside Swarm/Node/Service/Task/Secret/Config and Plugin", 60, exclude=SWARM_AND_PLUGIN_TAGS),
    Gate("all operations", 100),
)
