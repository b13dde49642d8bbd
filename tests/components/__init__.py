"""Real components for tests that need more than an engine: a registry, TLS and plain TCP endpoints,
docker contexts, sshd, a second engine for a swarm and a third to join it, a credential helper, a
volume-driver plugin. See DEVELOPERS.md, "Test components".

A pytest plugin that tests/conftest.py loads. Like conftest: stdlib only, nothing from `explorer`.
Each component is a session fixture started the first time a test asks for it and stopped at the end
of the session; one that cannot start fails the test in CI and skips it elsewhere. Their own proofs
(tests/components/test_*.py) use only curl, openssl, ssh, the docker CLI and the stdlib.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from conftest import _unavailable

from components.daemons import ComponentError
from components.session import SessionFolder, clear_leftovers, open_session_folder

pytest_plugins = (
    "components.dockercli",
    "components.registry",
    "components.tcp",
    "components.sshd",
    "components.swarm",
    "components.swarmpeer",
    "components.plugin",
    "components.credhelper",
)

T = TypeVar("T")


def started(what: str, start: Callable[[], T]) -> T:
    """Run `start`; when the component cannot start, fail in CI and skip elsewhere, saying why."""
    try:
        return start()
    except ComponentError as error:
        _unavailable(f"{what} did not start: {error}")


@pytest.fixture(scope="session")
def component_session() -> Iterator[SessionFolder]:
    """This session's state folder (`$ENGINE_EXPLORER_COMPONENTS/<token>`); see components.session."""
    folder = open_session_folder()
    yield folder
    folder.close()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Clear what components of a session that was killed left running (their session folders)."""
    clear_leftovers()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The second engine is an engine too: its tests get the `engine` mark, like conftest's."""
    for item in items:
        if "_second_engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.engine)
