"""Files a line names (`@file` bodies, `f=@file`, `f:=@file.json`, a pasted curl line's
`--data-binary @file`, `-T file`, `-w @file`): one way to open and read them, never blocking.

Each is opened only when stat says it is a regular file, then without blocking (O_NONBLOCK) and
checked again by fstat on what was opened: a named pipe put there in between would otherwise
hang open() until a writer came, a device such as /dev/zero would never end. What is read whole
is read up to message.MAX_KEPT bytes, and a larger file is one line saying so.

A raw `@file` body of known size is sent as it is read; /proc/self/status and its kind say size 0
and hold more: sent by size, they went as `Content-Length: 0` where curl sends their bytes, so
they are read to the end first, as the curl command reads an @file.
"""
from __future__ import annotations

import os
import stat

from explorer.core.errors import EngineError, UsageError, shown
from explorer.core.files import user_path
from explorer.http import message

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def open_regular(name: str, label: str) -> tuple:
    """(the open file, its size by fstat) of the regular file `name` (`~` expanded), or a
    UsageError `label: why not` (`label` is what the user typed, e.g. `@x` or `Image=@x`)."""
    if name == "-":
        raise UsageError(f"`{shown(label, 200)}`: - is not read here as standard input (curl reads stdin for it); "
                         "for a file named - write ./-")
    path = user_path(name)
    try:
        _require_regular(os.stat(path), label)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        why = "no such file" if isinstance(err, FileNotFoundError) else f"cannot read the file: {err.strerror}"
        raise UsageError(f"`{shown(label, 200)}`: {why}") from None
    try:
        st = os.fstat(fd)
        _require_regular(st, label)  # swapped for a pipe or device since the stat above
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb"), st.st_size


def _require_regular(st, label: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = next((what for test, what in _KINDS if test(st.st_mode)), "not a file")
        raise UsageError(f"`{shown(label, 200)}`: not a regular file but {kind}")


def check(name: str, label: str) -> str:
    """The path of `name` (`~` expanded) once it is known to be a regular file we can open."""
    opened, _ = open_regular(name, label)
    opened.close()
    return user_path(name)


def read_whole(name: str, label: str, limit: int | None = None) -> bytes:
    """All of the regular file `name`, when it holds at most `limit` bytes (MAX_KEPT by default)."""
    limit = message.MAX_KEPT if limit is None else limit
    opened, size = open_regular(name, label)
    with opened:
        try:
            data = b"" if size > limit else opened.read(limit + 1)
        except OSError as err:
            raise UsageError(f"`{shown(label, 200)}`: cannot read the file: {err.strerror}") from None
    if size > limit or len(data) > limit:
        raise UsageError(f"`{shown(label, 200)}`: the file is larger than {_size(limit)}, the most read here")
    return data


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit} bytes"


def open_sized(name: str) -> tuple:
    """A raw `@file` body: (the open file, its size by stat: 0 for a file that cannot say, such as
    /proc/self/status)."""
    return open_regular(name, "@" + name)


def read_unsized(upload, name: str) -> bytes:
    """All of a file that has no size, up to MAX_KEPT bytes (more is an EngineError)."""
    try:
        data = upload.read(message.MAX_KEPT + 1)
    except OSError as err:
        raise EngineError(f"cannot read {name}: {err.strerror}") from None
    if len(data) > message.MAX_KEPT:
        raise EngineError(f"{name} has no size and holds more than {message.MAX_KEPT >> 20} MiB: not sent "
                          "(a file of known size is sent as it is read)")
    return data
