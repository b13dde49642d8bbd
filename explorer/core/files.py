"""Files we keep between runs: where they live (the XDG folders), and writing one so no reader sees half of it."""
from __future__ import annotations

import os
from collections.abc import Mapping

from explorer.core.errors import UsageError, shown

_XDG_DEFAULTS = {"cache": ".cache", "state": ".local/state", "config": ".config"}


def xdg_dir(kind: str, env: Mapping | None = None) -> str:
    """$XDG_{CACHE,STATE,CONFIG}_HOME/engine-explorer, by the XDG rules: a relative value is ignored,
    and the default is under $HOME (~/.cache, ~/.local/state, ~/.config). Not created here."""
    env = os.environ if env is None else env
    base = env.get(f"XDG_{kind.upper()}_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(env.get("HOME") or os.path.expanduser("~"), _XDG_DEFAULTS[kind])
    return os.path.join(base, "engine-explorer")


def user_path(name: str) -> str:
    """A file name the user gave (`> f`, `@f`, `save f`, `-f f`, --spec f…), `~` expanded.

    One holding a NUL byte is refused here, once for all: no file name can hold one, and Python's
    open() would raise ValueError rather than say so.
    """
    return os.path.expanduser(check_file_name(name))


def check_file_name(name: str) -> str:
    """`name`, unless it holds a NUL byte, which no file name can: a UsageError saying so."""
    if "\0" in name:
        raise UsageError(f"`{shown(name)}`: a file name cannot hold a NUL byte")
    return name


def cache_dir(kind: str, env: Mapping | None = None) -> str:
    """$XDG_CACHE_HOME/engine-explorer/<kind>."""
    return os.path.join(xdg_dir("cache", env), kind)


def write_atomic(target: str, data: bytes) -> bool:
    """Write via a temporary file and rename, so readers never see half a file; False on failure.

    A cache that cannot be written (read-only home, full disk) only costs speed, so it is silent.
    """
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def make_private_dirs(folder: str) -> None:
    """Create `folder` and each missing folder above it with mode 0700 (the XDG rule for state and
    config). A folder that exists is left as it is: its owner chose its mode, not us."""
    missing = []
    head = os.path.abspath(folder)
    while not os.path.isdir(head):
        missing.append(head)
        head = os.path.dirname(head)
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:  # made meanwhile by someone else: not ours to change
            continue
        # the umask may have taken bits away (or left us none): the folder is ours, so we set it
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            os.fchmod(fd, 0o700)
        finally:
            os.close(fd)


def open_private(path: str, mode: int = 0o600, append: bool = False, follow: bool = True) -> int:
    """A descriptor writing `path` (truncated, or at its end with `append`). A file created now has
    exactly `mode`, whatever the umask; one that exists keeps the mode its owner gave it.

    With `follow=False` a symbolic link at `path` is refused (OSError, errno ELOOP) rather than
    written through: the file we write is the one we named.
    """
    flags = os.O_WRONLY | (os.O_APPEND if append else os.O_TRUNC) | os.O_CLOEXEC
    if not follow:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return os.open(path, flags)
    try:
        os.fchmod(fd, mode)
    except OSError:
        os.close(fd)
        raise
    return fd


def write_private(path: str, text: str, mode: int = 0o600) -> None:
    """Write `text` (UTF-8) to `path` through open_private: created with `mode`; an existing file
    keeps its own mode, plus the owner's execute bit when `mode` has it (an exported script runs)."""
    fd = open_private(path, mode)
    # bytes that are not UTF-8 (escaped in the text) go into the file as those bytes, as they were typed
    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as fh:
        if mode & 0o100:
            st = os.fstat(fd)
            if not st.st_mode & 0o100:
                try:
                    os.fchmod(fd, (st.st_mode & 0o7777) | 0o100)
                except OSError:  # another owner's file: it is written, and runs with `sh FILE`
                    pass
        fh.write(text)
