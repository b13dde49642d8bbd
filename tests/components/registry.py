"""A real image registry: Debian's docker-registry (the distribution registry) on 127.0.0.1.

Filesystem storage in the session folder, htpasswd auth with a bcrypt hash (`htpasswd -B`), port
picked by the kernel (`addr: 127.0.0.1:0`; the registry logs the one it got). dockerd treats
127.0.0.0/8 as an insecure registry, so engines push and pull over plain HTTP.
"""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from components import started
from components.daemons import ComponentError, Daemon, need_tool
from components.session import SessionFolder

USER = "ee-user"
CONFIG = """\
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {data}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
  secret: {secret}
"""
AUTH = """\
auth:
  htpasswd:
    realm: ee-test-registry
    path: {htpasswd}
"""


class Registry(NamedTuple):
    """A running registry; push to `f"{registry.host}/name:tag"`."""

    host: str  # 127.0.0.1:PORT, as image references and `docker login` name it
    url: str  # http://127.0.0.1:PORT
    user: str | None  # None: no auth
    password: str | None
    folder: Path  # config.yml, htpasswd, data/, registry.log

    @property
    def port(self) -> int:
        return int(self.host.rsplit(":", 1)[1])


def _v2_status(port: int) -> int | None:
    """GET /v2/ status (401 with auth, 200 without), or None when it does not answer yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/v2/")
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def start_registry(session: SessionFolder, name: str, auth: bool) -> tuple[Registry, Daemon]:
    """Start a registry in a fresh folder `name` of the session; with `auth`, one htpasswd user."""
    program = need_tool("docker-registry", "docker-registry")
    folder = session.folder(name)
    (folder / "data").mkdir()
    config = CONFIG.format(data=folder / "data", secret=secrets.token_hex(16))
    user = password = None
    if auth:
        htpasswd = need_tool("htpasswd", "apache2-utils")
        user, password = USER, secrets.token_urlsafe(12)
        hashed = subprocess.run([htpasswd, "-nbB", user, password], capture_output=True, text=True,
                                timeout=30, check=False)
        if hashed.returncode != 0:
            raise ComponentError(f"htpasswd -B failed: {hashed.stderr.strip()}")
        (folder / "htpasswd").write_text(hashed.stdout.strip() + "\n")
        config += AUTH.format(htpasswd=folder / "htpasswd")
    (folder / "config.yml").write_text(config)
    # REGISTRY_* variables would override the config file.
    env = {key: value for key, value in os.environ.items() if not key.startswith("REGISTRY_")}
    daemon = Daemon(name, [program, "serve", str(folder / "config.yml")], folder / "registry.log", session, env)
    port = int(daemon.wait_for_log(r"listening on 127\.0\.0\.1:(\d+)").group(1))
    expected = 401 if auth else 200
    daemon.wait(lambda: True if _v2_status(port) == expected else None, f"GET /v2/ answering {expected}")
    host = f"127.0.0.1:{port}"
    return Registry(host, f"http://{host}", user, password, folder), daemon


@pytest.fixture(scope="session")
def registry(component_session: SessionFolder) -> Iterator[Registry]:
    """A registry with htpasswd auth: `host`, `url`, `user`, `password`, `folder`."""
    found, daemon = started("the registry", lambda: start_registry(component_session, "registry", auth=True))
    yield found
    daemon.stop()


@pytest.fixture(scope="session")
def open_registry(component_session: SessionFolder) -> Iterator[Registry]:
    """A second registry, without auth (`user` and `password` are None)."""
    found, daemon = started("the open registry",
                            lambda: start_registry(component_session, "open-registry", auth=False))
    yield found
    daemon.stop()
