"""Meta commands: the first word of a line → the function that runs it.

A handler is `handler(session, args: tuple) -> Outcome`, given as "module:function" and imported
on first use, so that `-c /_ping` pays for none of them. The shell's own commands are SHELL; the
layers above add theirs from above (explorer.cli wires explorer.workflow's and explorer.repl's),
so the shell imports nothing of them. The parser knows every meta word as
explorer.lang.commands.META_WORDS; a test checks that the two agree.
"""
from __future__ import annotations

from importlib import import_module

from explorer.core.errors import UsageError

SHELL = {
    "help": "explorer.shell.help:command",
    "exit": "explorer.shell.builtins:quit_command",
    "quit": "explorer.shell.builtins:quit_command",
    "version": "explorer.shell.builtins:version_command",
    "headers": "explorer.shell.builtins:headers_command",
    "set": "explorer.shell.builtins:set_command",
    "unset": "explorer.shell.builtins:unset_command",
    "vars": "explorer.shell.builtins:vars_command",
    "expect": "explorer.shell.builtins:expect_command",
    "config": "explorer.shell.configcmd:command",
    "context": "explorer.shell.contextcmd:command",
    "view": "explorer.shell.viewcmds:view_command",
    "last": "explorer.shell.viewcmds:last_command",
    "pager": "explorer.shell.viewcmds:pager_command",
    "stats": "explorer.shell.statscmd:command",
}


class Dispatcher:
    """The meta commands one session knows: name → handler (or "module:function" until first use)."""

    def __init__(self, *tables: dict) -> None:
        self._handlers: dict = dict(SHELL)
        for table in tables:
            self._handlers.update(table)

    def names(self) -> frozenset:
        """Every command name this dispatcher runs."""
        return frozenset(self._handlers)

    def resolve(self, name: str):
        """The handler for `name`, imported now if it was named as "module:function"."""
        handler = self._handlers.get(name)
        if handler is None:
            raise UsageError(f"`{name}` is not available here")
        if isinstance(handler, str):
            module, _, func = handler.partition(":")
            handler = self._handlers[name] = getattr(import_module(module), func)
        return handler

    def run(self, session, name: str, args: tuple):
        """Run meta command `name` with `args`: its Outcome."""
        return self.resolve(name)(session, args)
