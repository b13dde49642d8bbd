"""Errors a user can cause: each is rendered as one line, never a traceback."""


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
