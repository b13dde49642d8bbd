"""The operations of an OpenAPI spec, and which one a request (method, target) was.

Its own small matcher, not explorer's spec index: what measures the code under test does not
depend on it. A `{param}` matches one path segment or more (image and plugin names hold slashes,
as the engine's router allows), and a template with more literal text wins, so `/images/json`
is ImageList, never ImageInspect of an image named `json`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

METHODS = ("get", "post", "put", "delete", "head")
VERSION_PREFIX = re.compile(r"^/v[0-9]+(?:\.[0-9]+)*(?=/)")


class Operation(NamedTuple):
    """One operation of the spec."""

    id: str
    tag: str
    method: str
    path: str


class Routes:
    """Operations of one spec, with a matcher from (method, request target) to operationId."""

    def __init__(self, operations: list[Operation]) -> None:
        self.operations = operations
        self._by_method: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for op in sorted(operations, key=lambda o: -len(re.sub(r"\{[^}]*\}", "", o.path))):
            pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "(?:.+)", re.escape(op.path)) + "/?$")
            self._by_method.setdefault(op.method, []).append((pattern, op.id))

    def operation_id(self, method: str, target: str) -> str | None:
        """The operationId of `method target` (target as sent: /v1.41/…?query), or None."""
        path = VERSION_PREFIX.sub("", target.split("?", 1)[0], count=1)
        for pattern, op_id in self._by_method.get(method.upper(), ()):
            if pattern.match(path):
                return op_id
        return None


def load(spec: Path) -> Routes:
    """The operations of a Swagger 2.0 spec (YAML), each under its first tag."""
    import yaml  # only where a table or a proof is wanted

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with spec.open(encoding="utf-8") as f:
        document = yaml.load(f, Loader=loader)
    operations = []
    for path, item in document["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op:
                tags = op.get("tags") or ["(untagged)"]
                operations.append(Operation(op["operationId"], tags[0], method.upper(), path))
    return Routes(operations)
