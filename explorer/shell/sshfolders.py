"""The folders ssh:// bridges live in (explorer.shell.sshbridge): one private folder a bridge, and the
clean-up of those whose engine-explorer is gone (a kill -9 gives the watchdog no time to remove them)."""
from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Mapping

from explorer.core.errors import UsageError
from explorer.core.files import make_private_dirs

SOCKET = "docker.sock"
OWNER = "owner"
_MAX_SOCKET = 107  # sun_path


def base_dir(env: Mapping) -> str:
    """Where bridge folders live: $XDG_RUNTIME_DIR/engine-explorer, else $TMPDIR/engine-explorer-UID."""
    runtime = env.get("XDG_RUNTIME_DIR") or ""
    if os.path.isabs(runtime) and os.path.isdir(runtime):
        return os.path.join(runtime, "engine-explorer")
    tmp = env.get("TMPDIR") or "/tmp"
    return os.path.join(tmp if os.path.isabs(tmp) else "/tmp", f"engine-explorer-{os.getuid()}")


def reserve(base: str) -> str:
    """A new private folder for one bridge, after removing those whose owner is gone."""
    make_private_dirs(base)
    info = os.lstat(base)
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise UsageError(f"{base} is not a private folder of yours (owner {info.st_uid}, mode "
                         f"{info.st_mode & 0o777:o}): remove it, or set XDG_RUNTIME_DIR")
    clean_stale(base)
    folder = os.path.join(base, f"ssh-{os.getpid()}-{time.monotonic_ns() % 10**6}")
    os.mkdir(folder, 0o700)
    with open(os.path.join(folder, OWNER), "w", encoding="ascii") as fh:
        fh.write(f"{os.getpid()} {_started(os.getpid())}\n")
    if len(os.path.join(folder, SOCKET)) > _MAX_SOCKET:
        raise UsageError(f"{folder}: too long a path for a unix socket; set XDG_RUNTIME_DIR to a shorter folder")
    return folder


def clean_stale(base: str) -> list:
    """Remove the bridge folders under `base` whose engine-explorer is gone (a kill -9): their ssh
    too, when the watchdog did not get to it. The folders removed."""
    removed = []
    for name in os.listdir(base):
        folder = os.path.join(base, name)
        if not name.startswith("ssh-") or _owner_alive(folder):
            continue
        for pid in _forwarders(os.path.join(folder, SOCKET)):
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _owner_alive(folder: str) -> bool:
    try:
        with open(os.path.join(folder, OWNER), encoding="ascii") as fh:
            pid, started = fh.read().split()
    except (OSError, ValueError):
        return False
    return _started(int(pid)) == started  # a reused pid has another start time


def _started(pid: int) -> str:
    """The process's start time (Linux /proc), "?" where there is none, "" when it does not run."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except FileNotFoundError:
        return "" if os.path.isdir("/proc/self") else _alive(pid)
    except (OSError, IndexError):
        return ""


def _alive(pid: int) -> str:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return ""
    except OSError:
        pass
    return "?"


def _forwarders(socket: str) -> list:
    """The ssh processes whose command line forwards `socket` (Linux /proc; none elsewhere)."""
    found = []
    needle = f"{socket}:".encode()
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    words = fh.read().split(b"\0")
            except OSError:
                continue
            if words and os.path.basename(words[0]) == b"ssh" and any(w.startswith(needle) for w in words):
                found.append(int(entry))
    return found
