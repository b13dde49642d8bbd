"""Meta commands: the first word of the line → the function that runs it.

Each handler is `handler(session, args: tuple) -> Outcome`, named here as "module:function"
and imported only when used, so that `-c /_ping` pays for none of them.
"""
from __future__ import annotations

from importlib import import_module

HANDLERS = {
    "help": "explorer.helptext:command",
    "exit": "explorer.metacmds:quit_command",
    "quit": "explorer.metacmds:quit_command",
    "version": "explorer.metacmds:version_command",
    "set": "explorer.variables:set_command",
    "unset": "explorer.variables:unset_command",
    "vars": "explorer.variables:vars_command",
    "expect": "explorer.expect:command",
    "save": "explorer.recording:save_command",
    "run": "explorer.scripts:run_command",
    "export": "explorer.export:export_command",
    "import": "explorer.curlimport:import_command",
    "headers": "explorer.metacmds:headers_command",
    "edit": "explorer.repl.replcmds:edit_outside",  # the REPL runs edit/refresh itself
    "refresh": "explorer.repl.replcmds:refresh_outside",
}


def run(session, name: str, args: tuple):
    """Run meta command `name` (a key of HANDLERS)."""
    module, _, func = HANDLERS[name].partition(":")
    return getattr(import_module(module), func)(session, args)


def quit_command(session, args):
    """`exit` / `quit`: leave the REPL or stop the script."""
    from explorer.session import Outcome

    return Outcome(quit=True)


def version_command(session, args):
    """`version`: our version, the engine and the API version in use."""
    from explorer import __version__
    from explorer.session import Outcome

    session.console.note(f"engine-explorer {__version__}; engine {session.endpoint().display}, "
                         f"API {session.api_version(False) or 'unknown'}")
    return Outcome()


def headers_command(session, args):
    """`headers on|off`: show response headers (as -v does); bare `headers` says which."""
    from explorer.errors import UsageError
    from explorer.session import Outcome

    if args and args[0].lower() in ("on", "off") and len(args) == 1:
        session.console.headers = args[0].lower() == "on"
    elif args:
        raise UsageError("write `headers on` or `headers off`")
    session.console.note(f"headers {'on' if session.console.headers or session.console.verbose else 'off'}")
    return Outcome()
