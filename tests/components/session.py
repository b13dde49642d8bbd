"""Where components keep their state, and how a session clears what a killed one left behind.

Each pytest session that starts a component gets its own folder, `$ENGINE_EXPLORER_COMPONENTS/<token>`
(default root `/tmp/ee-components`: short, because a second engine's unix sockets live under it),
and holds an exclusive lock on `<token>/session.lock` for as long as it runs. Every process a
component starts is recorded in `<token>/pids/` (pid and kernel start time, so a reused pid is never
mistaken for ours), every engine folder has a `daemon.json`. A session that ends normally stops its
own; at the start of the next one, any folder whose lock is free belongs to a session that died, and
its processes, engines and files are removed (every session does that as it starts, whether it uses
components or not). Parallel sessions never touch each other's folders.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

ROOT_VARIABLE = "ENGINE_EXPLORER_COMPONENTS"
DEFAULT_ROOT = "/tmp/ee-components"
REPO = Path(__file__).resolve().parents[2]
SANDBOX_ENGINE = REPO / "scripts" / "sandbox-engine"


def _start_time(pid: int) -> str | None:
    """The kernel's start time of `pid` (field 22 of /proc/PID/stat), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else fields[19]


def _end_process_group(pid: int, started: str) -> None:
    """SIGKILL the process group led by `pid`, if `pid` is still the process we started."""
    if _start_time(pid) != started:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def clean_engine(folder: Path, timeout: float = 90) -> None:
    """Stop the sandbox engine kept in `folder` and delete it (scripts/sandbox-engine clean)."""
    env = dict(os.environ, ENGINE_EXPLORER_SANDBOX=str(folder))
    subprocess.run([str(SANDBOX_ENGINE), "clean"], env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)


def _remove(folder: Path) -> None:
    """Stop everything recorded in a session folder, then delete it."""
    for record in sorted((folder / "pids").glob("*")):
        _end_process_group(int(record.name), record.read_text().strip())
    for daemon_json in sorted(folder.glob("*/daemon.json")):
        clean_engine(daemon_json.parent)
    shutil.rmtree(folder, ignore_errors=True)


def _try_lock(path: Path) -> int | None:
    """An fd holding an exclusive lock on `path`, or None when another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class SessionFolder:
    """This session's folder; `close()` stops what it recorded and deletes it."""

    def __init__(self, path: Path, lock_fd: int) -> None:
        self.path = path
        self._lock_fd = lock_fd

    def folder(self, name: str) -> Path:
        """The sub-folder for one component (made on first use)."""
        path = self.path / name
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def record(self, pid: int) -> None:
        """Remember a process (a process-group leader) to end if this session dies."""
        started = _start_time(pid)
        if started is not None:
            (self.path / "pids" / str(pid)).write_text(started)

    def forget(self, pid: int) -> None:
        """The process was stopped normally."""
        (self.path / "pids" / str(pid)).unlink(missing_ok=True)

    def close(self) -> None:
        """Stop whatever is still recorded, delete the folder and release the lock."""
        _remove(self.path)
        os.close(self._lock_fd)


def root() -> Path:
    """The folder all sessions' component folders live in."""
    return Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)


class _SweepLock:
    """Held while sweeping and creating, so no session sees another's folder before it is locked."""

    def __init__(self, base: Path) -> None:
        base.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(base / ".sweep.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self.base = base

    def __enter__(self) -> Path:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self.base

    def __exit__(self, *exc: object) -> None:
        os.close(self._fd)


def _sweep(base: Path) -> None:
    """Remove every session folder whose lock is free: its session died."""
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        lock_fd = _try_lock(folder / "session.lock")
        if lock_fd is not None:
            _remove(folder)
            os.close(lock_fd)


def clear_leftovers() -> None:
    """Stop and delete what sessions that died left behind (nothing to do without a root folder)."""
    if root().is_dir():
        with _SweepLock(root()) as base:
            _sweep(base)


def open_session_folder() -> SessionFolder:
    """Clear folders of sessions that died, then make and lock this session's own."""
    with _SweepLock(root()) as base:
        _sweep(base)
        path = base / secrets.token_hex(3)
        path.mkdir(mode=0o700)
        (path / "pids").mkdir()
        lock_fd = _try_lock(path / "session.lock")
        assert lock_fd is not None, f"{path} was locked as soon as it was made"
        return SessionFolder(path, lock_fd)
