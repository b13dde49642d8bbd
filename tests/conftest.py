"""Fixtures for every test: a real engine over its unix socket, the API specs, isolated XDG dirs.

Stdlib only, and nothing from `explorer`: setup and teardown must not depend on the code under test.
scripts/test starts a sandbox engine and exports ENGINE_EXPLORER_TEST_HOST, and a Podman service
when it can (ENGINE_EXPLORER_TEST_PODMAN); see DEVELOPERS.md. More real components (a registry,
TLS and TCP endpoints, sshd, a swarm engine, a credential helper) come from the plugin in components/.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import urllib.parse
from pathlib import Path
from typing import NoReturn

import pytest

BUSYBOX_IMAGE = "busybox:local"
TEST_NAME_PREFIX = "ee-test-"
DEBIAN_SPEC_V141 = Path("/usr/share/gocode/src/github.com/docker/docker/api/swagger.yaml")
ENGINE_FIXTURES = frozenset({"engine_host", "engine_socket", "docker_api", "busybox_image"})
PODMAN_FIXTURES = frozenset({"podman_host", "podman_api"})
XDG_VARIABLES = ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")

pytest_plugins = ("components", "apicoverage.plugin")

# One token per session, so cleanup never touches what a concurrent session created.
_SESSION_TOKEN = secrets.token_hex(3)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def _unavailable(reason: str) -> NoReturn:
    """Fail in CI, where a missing engine or spec is a broken setup; skip elsewhere."""
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is an error)", pytrace=False)
    pytest.skip(reason)


class _UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over an AF_UNIX socket: HTTP/1.1 framing, chunked bodies, nothing else."""

    def __init__(self, socket_path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._socket_path = socket_path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class EngineAPI:
    """A tiny raw client for test setup and teardown, independent of the code under test."""

    def __init__(self, socket_path: str, timeout: float = 60.0) -> None:
        self.socket_path = socket_path
        self.timeout = timeout

    def call(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        """Send one request; `body` is bytes (sent as is) or anything JSON-serialisable."""
        headers = {}
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = _UnixHTTPConnection(self.socket_path, self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def call_json(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        """Like `call`, with the reply decoded from JSON (None when it is empty)."""
        status, data = self.call(method, path, body)
        return status, json.loads(data) if data.strip() else None

    def answers(self) -> bool:
        """True when the engine answers GET /_ping with OK."""
        try:
            return self.call("GET", "/_ping") == (200, b"OK")
        except OSError:
            return False


def _socket_path(host: str) -> str:
    if not host.startswith("unix://"):
        raise ValueError(f"ENGINE_EXPLORER_TEST_HOST must be unix:///path, not {host!r}")
    return host.removeprefix("unix://")


def _find_spec_dir() -> Path | None:
    configured = os.environ.get("ENGINE_EXPLORER_SPEC_DIR")
    candidate = (
        Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared/specs/docker-engine"
    )
    return candidate if candidate.is_dir() else None


def pytest_configure(config: pytest.Config) -> None:
    """Register the `podman` mark (the `engine` mark is registered in pyproject.toml)."""
    config.addinivalue_line("markers", "podman: needs a Podman service (skipped without one, even in CI)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that need the engine or Podman, so `-m "not engine"` runs the rest."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & ENGINE_FIXTURES:
            item.add_marker(pytest.mark.engine)
        if fixtures & PODMAN_FIXTURES:
            item.add_marker(pytest.mark.podman)


@pytest.fixture(scope="session", autouse=True)
def _isolated_xdg_dirs(tmp_path_factory: pytest.TempPathFactory):
    """Point the XDG cache/state/config dirs at a session tmp dir; the user's real ones stay untouched."""
    root = tmp_path_factory.mktemp("xdg")
    saved = {name: os.environ.get(name) for name in XDG_VARIABLES}
    for name in XDG_VARIABLES:
        path = root / name.removeprefix("XDG_").removesuffix("_HOME").lower()
        path.mkdir()
        os.environ[name] = str(path)
    yield root
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def engine_host() -> str:
    """The engine under test, `unix:///path`, checked to answer /_ping."""
    host = os.environ.get("ENGINE_EXPLORER_TEST_HOST", "")
    if not host:
        _unavailable("ENGINE_EXPLORER_TEST_HOST is not set (scripts/test sets it when it has an engine)")
    if not EngineAPI(_socket_path(host), timeout=5).answers():
        _unavailable(f"no engine answers /_ping at {host}")
    return host


@pytest.fixture(scope="session")
def engine_socket(engine_host: str) -> str:
    """The filesystem path of the engine's unix socket."""
    return _socket_path(engine_host)


@pytest.fixture(scope="session")
def docker_api(engine_socket: str) -> EngineAPI:
    """A stdlib client for setup and teardown: `docker_api.call(method, path, body=None)`."""
    return EngineAPI(engine_socket)


@pytest.fixture(scope="session")
def busybox_image(docker_api: EngineAPI) -> str:
    """The offline image the sandbox imports; run it with HostConfig.NetworkMode=none."""
    status, _ = docker_api.call("GET", f"/images/{BUSYBOX_IMAGE}/json")
    if status != 200:
        _unavailable(f"image {BUSYBOX_IMAGE} is missing (scripts/sandbox-engine start imports it)")
    return BUSYBOX_IMAGE


@pytest.fixture(scope="session")
def podman_host(_unique_name_cleanup: str):
    """A Podman service, `unix:///path`, checked to answer /_ping; else skip (even in CI).

    Podman is an extra proof, not a requirement: a machine that cannot run it skips these tests.
    At session end, what tests created there under this session's `unique_name` prefix is removed.
    """
    host = os.environ.get("ENGINE_EXPLORER_TEST_PODMAN", "")
    if not host:
        pytest.skip("ENGINE_EXPLORER_TEST_PODMAN is not set (scripts/test sets it when Podman starts)")
    api = EngineAPI(_socket_path(host), timeout=5)
    if not api.answers():
        pytest.skip(f"no Podman service answers /_ping at {host}")
    yield host
    if api.answers():
        _remove_named(EngineAPI(api.socket_path), _unique_name_cleanup)


@pytest.fixture(scope="session")
def podman_api(podman_host: str) -> EngineAPI:
    """A stdlib client for the Podman service (its Docker-compatible API; libpod under /v5.0.0/libpod)."""
    return EngineAPI(_socket_path(podman_host))


@pytest.fixture(scope="session")
def podman_spec() -> Path:
    """Podman's libpod spec: shared/specs/podman/swagger-v5.4.2.yaml, beside the Docker spec folder."""
    found = _find_spec_dir()
    candidate = found.parent / "podman" / "swagger-v5.4.2.yaml" if found else None
    if candidate is None or not candidate.is_file():
        pytest.skip("no Podman spec (shared/specs/podman/swagger-v5.4.2.yaml)")
    return candidate


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    """The folder of Docker Engine specs (v1.41.yaml …) from shared/specs."""
    found = _find_spec_dir()
    if found is None:
        _unavailable("no spec folder: set ENGINE_EXPLORER_SPEC_DIR or put shared/ beside the repo")
    return found


@pytest.fixture(scope="session")
def spec_v141() -> Path:
    """A v1.41 spec: shared/specs' copy, else the one Debian's golang-github-docker-docker-dev ships."""
    found = _find_spec_dir()
    for candidate in (found / "v1.41.yaml" if found else None, DEBIAN_SPEC_V141):
        if candidate is not None and candidate.is_file():
            return candidate
    _unavailable("no v1.41 spec (shared/specs or golang-github-docker-docker-dev)")


def _remove_named(api: EngineAPI, prefix: str) -> None:
    """Force-remove containers, then volumes, plugins and networks, whose names start with `prefix`."""
    name_filter = urllib.parse.quote(json.dumps({"name": [prefix]}))
    _, containers = api.call_json("GET", f"/containers/json?all=1&filters={name_filter}")
    for container in containers or ():
        if any(name.lstrip("/").startswith(prefix) for name in container["Names"]):
            api.call("DELETE", f"/containers/{container['Id']}?force=1&v=1")
    _, volumes = api.call_json("GET", f"/volumes?filters={name_filter}")
    for volume in (volumes or {}).get("Volumes") or ():
        if volume["Name"].startswith(prefix):
            api.call("DELETE", f"/volumes/{volume['Name']}?force=1")
    status, plugins = api.call_json("GET", "/plugins")  # Podman has no plugins: 404
    for plugin in plugins if status == 200 and isinstance(plugins, list) else ():
        # named `prefix…:tag`, or `registry/prefix…:tag` when made for a push
        if plugin["Name"].rpartition("/")[2].startswith(prefix):
            api.call("DELETE", f"/plugins/{plugin['Name']}?force=1")
    _, networks = api.call_json("GET", f"/networks?filters={name_filter}")
    for network in networks or ():
        if network["Name"].startswith(prefix):
            api.call("DELETE", f"/networks/{network['Id']}")


@pytest.fixture(scope="session")
def _unique_name_cleanup():
    """At session end, remove what tests created under this session's `unique_name` prefix."""
    prefix = f"{TEST_NAME_PREFIX}{_SESSION_TOKEN}-"
    yield prefix
    host = os.environ.get("ENGINE_EXPLORER_TEST_HOST", "")
    if not host.startswith("unix://"):
        return
    api = EngineAPI(_socket_path(host))
    if api.answers():
        _remove_named(api, prefix)


@pytest.fixture
def unique_name(_unique_name_cleanup: str) -> str:
    """A fresh `ee-test-<session>-<random>` name for a container, volume, plugin or network."""
    return f"{_unique_name_cleanup}{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def pypi_wheels(tmp_path_factory) -> Path:
    """A folder of the PyPI wheels `pip install engine-explorer` takes (pycurl's with its own libcurl 8.x,
    prompt-toolkit, PyYAML, pygments), downloaded once: installs from it need no package index."""
    import subprocess  # pip: only the wheel tests ask
    import sys

    folder = tmp_path_factory.mktemp("pypi-wheels")
    got = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                          "--only-binary=:all:", "-d", str(folder), "pycurl", "prompt-toolkit", "PyYAML", "pygments"],
                         capture_output=True, text=True, timeout=300)
    if got.returncode != 0:
        _unavailable(f"cannot download the PyPI wheels (no package index?): {got.stderr[-300:]}")
    return folder

