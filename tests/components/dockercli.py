"""The docker CLI as users run it (Debian's docker.io), with a DOCKER_CONFIG of the test's own.

No test reads or writes the real ~/.docker: for the whole session DOCKER_CONFIG points at an empty
folder of the session's, and `docker_config` gives each test a fresh one to fill with
`docker context create`, `docker login` or a `credsStore`.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import _unavailable

# Debian's docker.io; another `docker` earlier on PATH (a newer CLI) would prove something else.
DEBIAN_DOCKER = Path("/usr/bin/docker")
# What would point the CLI somewhere other than what a test asks for.
DOCKER_VARIABLES = ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_TLS",
                    "DOCKER_API_VERSION")


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without the DOCKER_* variables that pick an engine, plus `extra`."""
    env = {name: value for name, value in os.environ.items() if name not in DOCKER_VARIABLES}
    env.update(extra or {})
    return env


class DockerCLI(NamedTuple):
    """Runs Debian's docker CLI: `docker_cli.run("version", env={...})`."""

    path: Path

    def run(self, *args: str | Path, env: Mapping[str, str] | None = None, input: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """`docker ARGS…` with `env` added to a clean environment; text output, never raises on failure."""
        return subprocess.run([str(self.path), *map(str, args)], env=clean_env(env), input=input,
                              capture_output=True, text=True, timeout=timeout, check=False)


class DockerConfig(NamedTuple):
    """A fresh DOCKER_CONFIG folder: `env` selects it for the CLI (or anything else that reads it)."""

    path: Path
    cli: DockerCLI

    @property
    def env(self) -> dict[str, str]:
        return {"DOCKER_CONFIG": str(self.path)}

    def docker(self, *args: str | Path, env: Mapping[str, str] | None = None, input: str | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """`docker ARGS…` with this DOCKER_CONFIG (and `env`)."""
        return self.cli.run(*args, env={**self.env, **(env or {})}, input=input, timeout=timeout)

    def config(self) -> dict:
        """config.json as the CLI left it ({} when it wrote none)."""
        path = self.path / "config.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def write_config(self, config: dict) -> None:
        """Replace config.json (e.g. `{"credsStore": helper.name}`)."""
        (self.path / "config.json").write_text(json.dumps(config, indent=2))


@pytest.fixture(scope="session", autouse=True)
def _isolated_docker_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point DOCKER_CONFIG at an empty folder for the session: the real ~/.docker stays untouched."""
    path = tmp_path_factory.mktemp("docker-config")
    saved = os.environ.get("DOCKER_CONFIG")
    os.environ["DOCKER_CONFIG"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("DOCKER_CONFIG", None)
    else:
        os.environ["DOCKER_CONFIG"] = saved


@pytest.fixture(scope="session")
def docker_cli() -> DockerCLI:
    """Debian's docker CLI (docker.io, /usr/bin/docker)."""
    if not os.access(DEBIAN_DOCKER, os.X_OK):
        _unavailable(f"{DEBIAN_DOCKER} is missing (Debian package docker.io)")
    return DockerCLI(DEBIAN_DOCKER)


@pytest.fixture
def docker_config(tmp_path: Path, docker_cli: DockerCLI) -> DockerConfig:
    """A fresh, empty DOCKER_CONFIG folder for this test, and the CLI to run with it."""
    path = tmp_path / "docker-config"
    path.mkdir()
    return DockerConfig(path, docker_cli)
