"""What lower layers may know of higher objects: Protocols, so that they name no higher module.

explorer.shell.session.Session satisfies both; tests pass fakes that do.
"""
from __future__ import annotations

from typing import Any, Protocol

from explorer.core.config import Settings
from explorer.core.console import Console


class Sender(Protocol):
    """What delivering a response needs of the session that sent it (explorer.response.delivery)."""

    console: Console
    env: Any  # a Mapping of the environment
    settings: Settings
    last_response: Any  # the last explorer.http.transport.Response, set by delivery
    last_operation: str | None  # its operationId (None when the spec did not know it), set by delivery

    def transport(self) -> Any:
        """The (one, reused) explorer.http.transport.Transport to the engine."""

    def index(self) -> Any:
        """The SpecIndex for the session's API version, or None."""

    def api_version(self, need_engine: bool = True) -> str | None:
        """The API version requests are sent with."""


class EngineLink(Protocol):
    """What a meta command may use of the session's engine (explorer.shell.engine.Engine)."""

    def context_settings(self, name: str) -> Settings:
        """The session's settings with docker context `name` in use."""

    def new_transport(self) -> Any:
        """A transport of its own beside the session's (the caller closes it)."""


class Shell(Sender, Protocol):
    """What a meta command (explorer.shell.dispatch) may use of the session running it."""

    engine: EngineLink

    variables: dict
    recording: list
    script_stack: list
    dry_run: bool
    secret_names: set  # variables that fill a secret (explorer.lang.secrets): shown as <redacted>

    def execute(self, line: str) -> Any:
        """Run one line; its explorer.core.outcome.Outcome."""

    def endpoint(self) -> Any:
        """Where requests go (explorer.core.config.Endpoint)."""

    def use_context(self, name: str) -> Any:
        """Send to docker context `name` from now on; its explorer.core.config.Endpoint."""

    def build(self, line: Any, need_engine: bool = True, values: Any = None) -> Any:
        """A parsed request line → explorer.http.request.Request."""

    def curl_line(self, req: Any) -> str:
        """The curl one-liner for a Request."""

    def values(self) -> Any:
        """What `{{NAME}}` stands for in this session (explorer.lang.slots.Values)."""
