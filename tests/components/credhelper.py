"""A credential helper on PATH for registry-auth tests: `docker-credential-ee-test`, backed by a file.

Each test gets a fresh one: a folder with `bin/docker-credential-ee-test` (a two-line launcher of
credential_helper.py with this test's store), `store.json` and `calls.jsonl`. Put `bin` first on PATH
(`env`) and name the helper in a DOCKER_CONFIG: `{"credsStore": "ee-test"}` or
`{"credHelpers": {"127.0.0.1:5000": "ee-test"}}`.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

PROGRAM = Path(__file__).with_name("credential_helper.py")
NAME = "ee-test"


class CredentialHelper(NamedTuple):
    """A `docker-credential-NAME` on `bin_dir`, answering from `store`."""

    name: str  # what credsStore / credHelpers name
    bin_dir: Path
    store: Path

    @property
    def program(self) -> Path:
        return self.bin_dir / f"docker-credential-{self.name}"

    @property
    def env(self) -> dict[str, str]:
        """PATH with `bin_dir` first, so docker (or anything else) finds the helper."""
        return {"PATH": f"{self.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}

    def seed(self, server: str, username: str, secret: str) -> None:
        """Add an entry as `store` would, without calling the helper."""
        entries = self.entries()
        entries[server] = {"Username": username, "Secret": secret}
        self.store.write_text(json.dumps(entries, indent=2, sort_keys=True))

    def entries(self) -> dict:
        """{server URL: {"Username", "Secret"}} as stored now."""
        return json.loads(self.store.read_text()) if self.store.exists() else {}

    def calls(self) -> list[dict]:
        """Every call so far: {"action", "input"}, oldest first."""
        log = self.store.with_name("calls.jsonl")
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture
def credential_helper(tmp_path: Path) -> CredentialHelper:
    """A fresh, empty credential helper: `name`, `bin_dir`, `program`, `env`, `seed()`, `entries()`, `calls()`."""
    folder = tmp_path / "credential-helper"
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    helper = CredentialHelper(NAME, bin_dir, folder / "store.json")
    launcher = [sys.executable, "-I", str(PROGRAM), str(helper.store)]
    helper.program.write_text(f"#!/bin/sh\nexec {shlex.join(launcher)} \"$@\"\n")
    helper.program.chmod(0o755)
    return helper
