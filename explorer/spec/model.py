"""The spec as the rest of the program sees it: operations, parameters, schemas."""
from __future__ import annotations

from typing import NamedTuple


class Param(NamedTuple):
    """One parameter of an operation (Swagger 2.0 shape; OpenAPI 3 is mapped onto it)."""

    name: str
    location: str  # "path" | "query" | "header" | "body" | "formData"
    type: str = ""  # "string", "integer", "boolean", "array", ... ("" for a body)
    required: bool = False
    description: str = ""
    enum: tuple = ()
    default: object = None
    items: str = ""  # item type of an array parameter
    schema: dict | None = None  # body schema, `$ref`s left in place (see SpecIndex.resolve)


class Operation(NamedTuple):
    """One (method, path template) of the spec."""

    method: str  # upper case
    path: str  # template, e.g. "/containers/{id}/json"
    operation_id: str
    summary: str = ""
    description: str = ""
    tags: tuple = ()
    params: tuple = ()  # of Param
    consumes: tuple = ()
    produces: tuple = ()
    responses: tuple = ()  # of (code: str, description: str)

    def params_in(self, location: str) -> tuple:
        """The parameters found in `location` ("path", "query", "header", "body")."""
        return tuple(p for p in self.params if p.location == location)

    def param(self, name: str, location: str | None = None) -> Param | None:
        """The parameter called `name` (in `location` when given), or None."""
        for p in self.params:
            if p.name == name and (location is None or p.location == location):
                return p
        return None

    @property
    def body(self) -> Param | None:
        """The body parameter, if the operation takes one."""
        found = self.params_in("body")
        return found[0] if found else None


class SpecInfo(NamedTuple):
    """Where a loaded spec came from."""

    source: str  # file path or URL
    sha256: str
    title: str = ""
    version: str = ""  # info.version as written in the spec
    api_version: str = ""  # "1.41" when known (from file name or info.version), else ""
    flavour: str = "docker"  # "docker" | "podman" | "other"
    extra: dict | None = None  # format-specific facts (e.g. base_path); None when there are none
