"""Starting and stopping the components' processes: free ports, bounded waits, logs, tools.

A component that cannot start raises ComponentError with one line saying why (and the tail of its
log); the fixture turns that into conftest's `_unavailable` (a failure in CI, a skip elsewhere).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from components.session import SessionFolder

T = TypeVar("T")
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.02


class ComponentError(Exception):
    """A component could not be started; the message says why in one line (plus a log tail)."""


def need_tool(command: str, package: str) -> str:
    """The path of `command`, or ComponentError naming the Debian package that provides it."""
    found = shutil.which(command, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if found is None:
        raise ComponentError(f"{command} is not installed (Debian package {package}; "
                             "scripts/test installs it when run as root)")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True when a listener could bind 127.0.0.1:`port` now."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def log_tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log, for an error message."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


class Daemon:
    """One started process (leader of its own process group), its log, and how to stop it."""

    def __init__(self, name: str, argv: Sequence[str], log: Path, session: SessionFolder,
                 env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.log = log
        self._session = session
        setpriv = need_tool("setpriv", "util-linux")
        with open(log, "ab") as out:
            # setpriv --pdeathsig: the daemon ends when this pytest process dies, however it dies.
            # Its own session: a Ctrl-C meant for pytest does not reach it before teardown does.
            self.process = subprocess.Popen(
                [setpriv, "--pdeathsig", "TERM", "--", *argv], stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, env=dict(env if env is not None else os.environ),
                start_new_session=True)
        session.record(self.process.pid)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def fail(self, why: str) -> ComponentError:
        """Stop the daemon and describe why it is no use, with its log's tail."""
        self.stop()
        return ComponentError(f"{self.name}: {why}; last lines of {self.log}:\n{log_tail(self.log)}")

    def wait_for_log(self, pattern: str, timeout: float = START_TIMEOUT_S) -> re.Match[str]:
        """Wait until the log has a line matching `pattern`; ComponentError if it exits or times out."""
        regex = re.compile(pattern)

        def found() -> re.Match[str] | None:
            return regex.search(self.log.read_text(errors="replace"))

        return self.wait(found, f"a log line matching {pattern!r}", timeout)

    def wait(self, check: Callable[[], T | None], what: str, timeout: float = START_TIMEOUT_S) -> T:
        """Poll `check` until it returns something; ComponentError if the daemon exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            if not self.alive:
                raise self.fail(f"exited with status {self.process.returncode} before {what}")
            if time.monotonic() > deadline:
                raise self.fail(f"no {what} within {timeout:.0f}s")
            time.sleep(POLL_S)

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it if it lingers; forget the record."""
        for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, STOP_TIMEOUT_S)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # Children the group leader forked (socat's per-connection ones) go too.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(STOP_TIMEOUT_S)
        self._session.forget(self.process.pid)


def accepts(port: int, timeout: float = 1.0) -> bool:
    """True when 127.0.0.1:`port` accepts a TCP connection."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False
