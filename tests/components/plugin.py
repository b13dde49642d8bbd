"""A Docker volume-driver plugin, built for the session from tests/components/volume_plugin.c.

`gcc -static` (Debian's gcc and libc6-dev) makes a binary that needs nothing from its rootfs; a
plugin is then a tar of `config.json` and `rootfs/`, as Docker's plugin docs describe ("Plugin Config
Version 1 of Plugin V2"), for `POST /plugins/create`. The binary answers the plugin protocol on
/run/docker/plugins/ee.sock in that rootfs: Plugin.Activate and the VolumeDriver calls.

The config asks for one privilege, the host network (the sandbox engines have no bridge), so that a
pull has a privileges array to agree to; and it has one settable variable, EE_GREETING, which the
plugin reports in each volume's Status, so a `set` shows in what the plugin itself answers.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path
from typing import NamedTuple

import pytest

from components import started
from components.daemons import ComponentError, need_tool
from components.session import SessionFolder

SOURCE = Path(__file__).with_name("volume_plugin.c")
PROGRAM = "ee-volume-plugin"
SOCKET = "ee.sock"  # under /run/docker/plugins in the rootfs, where dockerd looks for it
GREETING = "hello"  # EE_GREETING's default
PRIVILEGES = [{"Name": "network", "Description": "permissions to access a network", "Value": ["host"]}]
BUILD_TIMEOUT_S = 120


class VolumePlugin(NamedTuple):
    """The built plugin program; `context(tag)` makes a plugin's tar for `POST /plugins/create`."""

    binary: Path
    folder: Path

    @property
    def privileges(self) -> list[dict]:
        """What `GET /plugins/privileges` answers for it, and what a pull or upgrade must agree to."""
        return [dict(privilege) for privilege in PRIVILEGES]

    def config(self, tag: str) -> dict:
        """config.json of the plugin `tag` (its description names the tag)."""
        return {
            "description": f"engine-explorer's test volume driver {tag}",
            "documentation": "https://docs.docker.com/engine/extend/plugins_volume/",
            "entrypoint": [f"/{PROGRAM}"],
            "interface": {"socket": SOCKET, "types": ["docker.volumedriver/1.0"]},
            "network": {"type": "host"},
            "env": [{"name": "EE_GREETING", "description": "reported in each volume's Status",
                     "settable": ["value"], "value": GREETING}],
        }

    def context(self, tag: str) -> Path:
        """The tar of config.json and rootfs/ for plugin `tag`, written to `folder/<tag>.tar`.

        The rootfs holds a file naming `tag`: dockerd 20.10 refuses to create a plugin whose rootfs
        layer it already holds for another one ("content sha256:… already exists").
        """
        path = self.folder / f"{tag}.tar"
        with tarfile.open(path, "w") as tar:
            _add(tar, "config.json", json.dumps(self.config(tag), indent=2).encode())
            for folder in ("rootfs", "rootfs/run", "rootfs/run/docker", "rootfs/run/docker/plugins"):
                info = tarfile.TarInfo(folder)
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            _add(tar, f"rootfs/{PROGRAM}", self.binary.read_bytes(), mode=0o755)
            _add(tar, "rootfs/ee-plugin-tag", f"{tag}\n".encode())
        return path


def _add(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))


def build(folder: Path) -> VolumePlugin:
    """Compile volume_plugin.c statically into `folder`."""
    gcc = need_tool("gcc", "gcc")
    binary = folder / PROGRAM
    done = subprocess.run([gcc, "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(binary), str(SOURCE)],
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise ComponentError(f"gcc -static {SOURCE.name} failed (a static libc comes with Debian's libc6-dev): "
                             f"{done.stderr.strip()[-1500:]}")
    return VolumePlugin(binary, folder)


@pytest.fixture(scope="session")
def volume_plugin(component_session: SessionFolder) -> VolumePlugin:
    """The plugin program, built once a session: `context(tag)`, `config(tag)`, `privileges`."""
    return started("the volume plugin", lambda: build(component_session.folder("volume-plugin")))
