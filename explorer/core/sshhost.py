"""ssh:// engines as docker's connhelper reads them: `ssh://[user@]host[:port][/socket]`.

The far side's socket is the path, else whatever the far side's docker CLI talks to. Only an ssh://
host loads this module; explorer.shell.sshbridge opens the forward that reaches it.
"""
from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit


class SSHHost(NamedTuple):
    """An ssh:// engine: where to log in, and the far side's socket ("": ask the far side's docker)."""

    host: str
    user: str = ""
    port: str = ""
    path: str = ""

    @property
    def url(self) -> str:
        """ssh://[user@]host[:port][/path], as the user wrote it."""
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ssh://{user}{host}{port}{self.path}"


def parse(rest: str) -> tuple | str:
    """("ssh", SSHHost) for what follows `ssh://`, else what docker would say is wrong with it."""
    try:
        parts = urlsplit("ssh://" + rest)
        port = parts.port
    except ValueError as err:
        return f"invalid ssh URL ({err})"
    if parts.password is not None:
        return "invalid ssh URL: plain-text password is not supported (use a key: ssh-agent or ~/.ssh/config)"
    if parts.query or parts.fragment:
        return "invalid ssh URL: write ssh://[USER@]HOST[:PORT][/SOCKET], with no query or fragment"
    if not parts.hostname:
        return "invalid ssh URL: hostname is empty"
    path = parts.path if parts.path.strip("/") else ""  # docker: ssh://host/ names no socket
    return "ssh", SSHHost(parts.hostname, parts.username or "", str(port) if port is not None else "", path)
