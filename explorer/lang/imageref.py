"""The registry an image (or plugin) reference names, read as the docker CLI reads it.

`busybox`, `library/busybox` and `me/app:v1` are Docker Hub's (`docker.io`); the first component
names another registry when it holds a `.` or a `:`, is `localhost`, or has an upper-case letter
(which no repository name may have): `localhost/x`, `localhost:5000/x`, `127.0.0.1:5000/x:v1`,
`ghcr.io/o/x@sha256:…`. `index.docker.io` is docker.io's old name. Pure: no I/O.
"""
from __future__ import annotations

DOCKER_HUB = "docker.io"
# The key Docker Hub's credentials are stored under in config.json (and asked of a helper with),
# as `docker login` writes it: the index server address, not "docker.io".
DOCKER_HUB_KEY = "https://index.docker.io/v1/"


def registry(reference: str) -> str:
    """The registry's host of `reference`: `docker.io`, or the first component that names one."""
    first, slash, _ = reference.partition("/")
    names_one = "." in first or ":" in first or first == "localhost" or first.lower() != first
    if not slash or not names_one:
        return DOCKER_HUB
    return DOCKER_HUB if first == "index.docker.io" else first


def credentials_key(reference: str) -> str:
    """What docker looks credentials up by for `reference`: the registry, or Docker Hub's index address."""
    host = registry(reference)
    return DOCKER_HUB_KEY if host == DOCKER_HUB else host
