"""`help WORD` for the shell's own commands: how each meta command is written, and what it does.

One entry per word of explorer.lang.commands.META_WORDS (tests/test_help.py checks that none is
missing); a few are written ahead for commands other issues add (`context`, `view`) and are shown
only once their word is a meta word.
"""
from __future__ import annotations

from typing import NamedTuple

from explorer.lang.commands import META_WORDS


class MetaHelp(NamedTuple):
    """A meta command's usage lines, what it does, and examples in our grammar."""

    usage: tuple
    text: str
    examples: tuple = ()


TOPICS = {
    "help": MetaHelp(("help", "help [METHOD] PATH | OperationId", "help WORD"),
                     "Document an operation (parameters, body fields, responses, an example line and a curl "
                     "template), a meta command, or list the operations whose id, path or summary hold WORD; "
                     "bare `help` lists every operation by tag.",
                     ("help ContainerCreate", "help POST /containers/{id}/start", "help logs", "help set")),
    "exit": MetaHelp(("exit",), "Leave the shell (Ctrl-D too); in a script, stop it there.", ("exit",)),
    "quit": MetaHelp(("quit",), "The same as `exit`.", ("quit",)),
    "version": MetaHelp(("version",), "Our version, the engine's, and the API version requests are sent with.",
                        ("version",)),
    "headers": MetaHelp(("headers on|off", "headers"),
                        "Show (or stop showing) the response headers after each status line, as -v does; "
                        "bare `headers` says which.", ("headers on",)),
    "set": MetaHelp(("set NAME = VALUE", "set NAME = .Json.Path", "set NAME = status", "set NAME = header Name"),
                    "Give a variable a value: a literal, or taken from the last response (a JSON path of its "
                    "body, its status, a header). `{{NAME}}` then fills one slot of a later line "
                    "(values are data: never the method, the path's shape, a query key or a header name).",
                    ("set name = web", "set cid = .Id", "POST /containers/{{cid}}/start")),
    "unset": MetaHelp(("unset NAME…",), "Forget variables.", ("unset cid",)),
    "vars": MetaHelp(("vars",), "List the variables and their values (a secret's shown as <redacted>).", ("vars",)),
    "expect": MetaHelp(("expect status CODE", "expect .Json.Path OP VALUE", "expect .Json.Path exists",
                        "expect header Name OP VALUE"),
                       "Check the last response; OP is one of ==, !=, <, >, <=, >=, contains, matches. A failure "
                       "prints FILE:LINE: expected …, got … and stops a script (--keep-going counts it).",
                       ("expect status 201", "expect .State.Running == true", "expect .Names contains web")),
    "config": MetaHelp(("config", "config init", "config path"),
                       "The settings in effect and where each came from; `config init` writes a commented "
                       "config.toml; `config path` says where it is read from.", ("config",)),
    "save": MetaHelp(("save FILE",),
                     "Write this session's successful commands as a script that `run FILE` or "
                     "`engine-explorer -f FILE` replays (secrets as {{env.NAME}} references; a new file is 0600).",
                     ("save demo.ee",)),
    "run": MetaHelp(("run FILE [NAME=VALUE…]",),
                    "Replay a script here, with variables passed in; it stops at the first failure with FILE:LINE.",
                    ("run demo.ee name=web",)),
    "export": MetaHelp(("export FILE",),
                       "Write this session's script as a standalone POSIX sh script of curl and jq commands.",
                       ("export demo.sh",)),
    "import": MetaHelp(("import FILE [TO]",),
                       "Turn a file of curl commands into a script of our own lines: printed, or written to TO.",
                       ("import requests.sh demo.ee",)),
    "edit": MetaHelp(("edit",), "Open $EDITOR on the last request; what you save is run.", ("edit",)),
    "refresh": MetaHelp(("refresh",), "Fetch the live values completion offers (containers, images, …) again.",
                        ("refresh",)),
    "context": MetaHelp(("context", "context NAME"),
                        "The docker context in use, or switch to another one.", ("context",)),
    "view": MetaHelp(("view", "view table|json|expanded"),
                     "How list bodies are shown on a terminal: a table, the JSON, or one block per item."
                     " Pipes and files always get the engine's bytes.", ("view table", "view expanded")),
    "last": MetaHelp(("last", "last table|json|expanded"), "Show the last response body again, in another view.",
                     ("last expanded",)),
    "pager": MetaHelp(("pager", "pager on|off"),
                      "Page output taller than the terminal through $PAGER, else less -FRX; streams never.",
                      ("pager off",)),
    "stats": MetaHelp(("stats",), "A live table of every running container's stats, as docker stats; Ctrl-C ends it.",
                      ("stats",)),
}


def find(word: str) -> MetaHelp | None:
    """The help of meta command `word`, or None when it is not one."""
    return TOPICS.get(word) if word in META_WORDS else None


def render(word: str, topic: MetaHelp) -> str:
    """The help text of meta command `word`."""
    lines = ["Usage:"] + [f"  {usage}" for usage in topic.usage] + ["", topic.text]
    if topic.examples:
        lines += ["", "Example:"] + [f"  {example}" for example in topic.examples]
    return "\n".join(lines)
