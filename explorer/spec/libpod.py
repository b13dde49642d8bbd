"""Podman's libpod spec: found through the same chain as Docker's (a `podman/` folder in
ENGINE_EXPLORER_SPEC_DIR, the cache's specs/podman/, a download listed in sources.json), by Podman
release: the nearest to the engine's, and a note saying which.

A libpod spec's `info.version` is always 5.0.0 (Podman hard-codes it), so the release is read from
the file name (`swagger-v5.4.2.yaml`, `v5.4.2.yaml`), else from the `/vX.Y.Z/libpod` its own
examples use (a development spec from Podman's main branch writes /v6.0.0/).
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping

from explorer.core.errors import SpecError
from explorer.core.files import cache_dir
from explorer.spec import sources
from explorer.spec.sources import SpecChoice

FAMILY = "podman"  # the folder in ENGINE_EXPLORER_SPEC_DIR and the cache, and sources.json's key
_NAME = re.compile(r"(?:swagger-)?v([0-9]+\.[0-9]+\.[0-9]+)\.(?:ya?ml|json)")
_EXAMPLE = re.compile(rb"/v([0-9]+\.[0-9]+\.[0-9]+)/libpod/")


def find_libpod_spec(podman_version: str, env: Mapping = os.environ, fetch=None) -> SpecChoice | None:
    """The libpod spec nearest to `podman_version` ("4.3.1"), or None when there is none here."""
    local = local_libpod_specs(env)
    known = sources.known_specs(FAMILY)
    chosen = sources.pick(set(local) | set(known), podman_version)
    if chosen is None:
        return None
    where = local.get(chosen)
    if where is None:
        try:
            where = sources._download_version(chosen, known[chosen], env, fetch, FAMILY)
        except sources._DownloadFailed:
            chosen = sources.pick(local, podman_version)
            if chosen is None:
                return None
            where = local[chosen]
    if chosen == podman_version:
        return SpecChoice(where, chosen, f"Podman's libpod spec {chosen} from {where}")
    return SpecChoice(where, chosen, f"no libpod spec for Podman {podman_version} here; using {chosen} "
                                     f"({sources.relation(chosen, podman_version)}) from {where}")


def local_libpod_specs(env: Mapping = os.environ) -> dict[str, str]:
    """Podman release → spec file, from ENGINE_EXPLORER_SPEC_DIR/podman, then the cache's specs/podman."""
    found: dict[str, str] = {}
    folder = env.get("ENGINE_EXPLORER_SPEC_DIR")
    for directory in (os.path.join(folder, FAMILY) if folder else None, os.path.join(cache_dir("specs", env), FAMILY)):
        try:
            names = sorted(os.listdir(directory)) if directory else []
        except OSError:
            continue
        for name in names:
            path = os.path.join(directory, name)  # type: ignore[arg-type]  # set whenever names is not empty
            if name.endswith((".yaml", ".yml", ".json")):
                version = release_of(path)
                if version:
                    found.setdefault(version, path)
    return found


def release_of(path: str) -> str:
    """The Podman release a libpod spec file describes ("5.4.2"), else ""."""
    m = _NAME.fullmatch(os.path.basename(path))
    if m:
        return m.group(1)
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except OSError as err:
        raise SpecError(f"{path}: cannot read the spec file ({err.strerror})") from None
    example = _EXAMPLE.search(head)
    return example.group(1).decode() if example else ""
