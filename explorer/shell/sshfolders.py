"""The folders ssh:// bridges live in (explorer.shell.sshbridge): one private folder a bridge, and the
clean-up of those whose engine-explorer is gone. A kill -9 of engine-explorer still closes the
watchdog's pipe, and the watchdog removes the folder; what it cannot end (the watchdog killed too,
or ssh outliving it) the next start removes here."""
from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Mapping

from explorer.core.errors import UsageError
from explorer.core.files import make_private_dirs, write_atomic

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
    """A new private folder for one bridge, after removing those whose owner is gone; one UsageError
    line when it cannot be made."""
    folder = os.path.join(base, f"ssh-{os.getpid()}-{time.monotonic_ns() % 10**6}")
    if len(os.path.join(folder, SOCKET)) > _MAX_SOCKET:  # before anything is made: nothing left behind
        raise UsageError(f"{folder}: too long a path for a unix socket; set XDG_RUNTIME_DIR to a shorter folder")
    try:
        make_private_dirs(base)
        info = os.lstat(base)
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise UsageError(f"{base} is not a private folder of yours (owner {info.st_uid}, mode "
                             f"{info.st_mode & 0o777:o}): remove it, or set XDG_RUNTIME_DIR")
        clean_stale(base)
        os.mkdir(folder, 0o700)
    except OSError as err:
        raise UsageError(f"{base}: cannot make the ssh forward's folder there ({err.strerror}); "
                         "set XDG_RUNTIME_DIR to a folder of yours") from None
    # whole or not at all: another start reading it half-written would take its owner for gone
    if not write_atomic(os.path.join(folder, OWNER), f"{os.getpid()} {_started(os.getpid())}\n".encode()):
        shutil.rmtree(folder, ignore_errors=True)
        raise UsageError(f"{folder}: cannot write its owner file; set XDG_RUNTIME_DIR to a folder of yours")
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
        return _started(int(pid)) == started  # a reused pid has another start time
    except (OSError, ValueError):
        pass
    # no owner file (yet: its engine-explorer may have only just made the folder): the pid in its name
    try:
        return _started(int(os.path.basename(folder).split("-")[1])) != ""
    except (IndexError, ValueError):
        return False


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
