"""A request body from a file (`@file`, `--data-binary @file`): sent as it is read when stat knows
its size, else read to the end first, as the curl command reads an @file.

/proc/self/status and its kind say size 0 and hold more: sent by size, they went as
`Content-Length: 0` where curl sends their bytes.
"""
from __future__ import annotations

import os
import stat

from explorer.core.errors import EngineError
from explorer.http import message


def open_sized(name: str) -> tuple:
    """(the open file, its size by stat: 0 for a file that cannot say, such as /proc/self/status)."""
    try:
        upload = open(name, "rb")
        st = os.fstat(upload.fileno())
    except OSError as err:
        raise EngineError(f"cannot read {name}: {err.strerror}") from None
    return upload, st.st_size if stat.S_ISREG(st.st_mode) else 0


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
