"""Errors a user can cause: each is rendered as one line, never a traceback; and the line for a bug."""
from __future__ import annotations

import os

INTERNAL_ERROR_EXIT = 70  # sysexits.h's EX_SOFTWARE: a bug, never a user's or an engine's doing
DEBUG_ENV = "ENGINE_EXPLORER_DEBUG"  # set: a bug's traceback is printed too
REPORT_TO = 'README.md, "Reporting a bug"'



class ExplorerError(Exception):
    """Base class: `str(err)` is the one line shown to the user."""

    exit_code = 2


class UsageError(ExplorerError):
    """A command line that cannot be understood or does not fit the spec."""


class SpecError(ExplorerError):
    """No usable spec, or a spec that cannot be parsed."""


class EngineError(ExplorerError):
    """The engine cannot be reached: missing socket, permission, refused, timeout."""


class Refused(UsageError):
    """A request this session will not send (--read-only): a script stops at it, with exit code 2."""


class TimedOut(EngineError):
    """--timeout ran out: before the engine answered, or while its body (a stream) still came."""

    def __init__(self, message: str, received: int = 0) -> None:
        super().__init__(message)
        self.received = received  # body bytes that came before the time ran out


class OutputError(ExplorerError):
    """What came back could not be written: a full disk, a closed pipe or stdout, /dev/full."""


REDACTED = "<redacted>"  # what a hidden secret shows as (explorer.lang.secrets hides them in lines)


def without_password(url: str) -> str:
    """`url` with the password of a `user:password@` login hidden: errors quote hosts, never secrets."""
    scheme, sep, rest = url.partition("://")
    login, at, after = rest.partition("@")
    if not sep or not at or ":" not in login or "/" in login:
        return url
    return f"{scheme}://{login.split(':', 1)[0]}:{REDACTED}@{after}"


def shown(text: str, limit: int = 60) -> str:
    """`text` as an error message quotes it: cut to `limit` characters, so one line stays short."""
    return text if len(text) <= limit else text[:limit] + "…"


def internal_error(err: BaseException) -> str:
    """The one line for an exception that escaped (a bug), saying where to report it.

    With ENGINE_EXPLORER_DEBUG set the traceback goes to stderr first.
    """
    if os.environ.get(DEBUG_ENV):
        import traceback  # only a bug, with ENGINE_EXPLORER_DEBUG set, shows its traceback

        traceback.print_exception(err)
    what = " ".join(f"{type(err).__name__}: {err}".split())[:200]
    return (f"internal error: {what} (a bug in engine-explorer; please report it with the line that caused "
            f"it, see {REPORT_TO}; {DEBUG_ENV}=1 shows the traceback)")
