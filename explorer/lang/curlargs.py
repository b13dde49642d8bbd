"""A curl command line read as curl reads it: its options, their values, and its URL.

Shared by the paste parser (explorer.http.curlcmd builds the request from these options) and by
redaction (explorer.lang.secrets finds the word a credential sits in), so both read a curl line
the same way.
"""
from __future__ import annotations

from typing import NamedTuple

from explorer.core.errors import UsageError

# curl options that change nothing about the request bytes, with whether they take a value.
IGNORED = {
    "-s": False, "--silent": False, "-S": False, "--show-error": False, "-i": False,
    "--include": False, "-v": False, "--verbose": False, "-N": False, "--no-buffer": False,
    "-f": False, "--fail": False, "-L": False, "--location": False,
    "-g": False, "--globoff": False, "--http1.1": False,
    "-o": True, "--output": True, "-w": True, "--write-out": True, "-m": True, "--max-time": True,
    "--connect-timeout": True, "-A": True, "--user-agent": True,
}
DATA = ("-d", "--data", "--data-ascii", "--data-binary", "--data-raw", "--json")
HEADER = ("-H", "--header")
TLS_FILES = ("--cacert", "-E", "--cert", "--key")  # explorer.http.curlcmd sets them as curl does
WITH_VALUE = {"-X", "--request", *HEADER, "--unix-socket", "-T", "--upload-file", *DATA, *TLS_FILES}


class Option(NamedTuple):
    """One option: its name ("url" for the URL), its value (None for a flag), and where the value is.

    `at` is the argument holding the value and `offset` where in it the value starts (`-HName:v`
    and `--header=Name:v` carry it inside the option's own word).
    """

    name: str
    value: str | None = None
    at: int = 0
    offset: int = 0


def options(args: list):
    """Yield the Options of curl's arguments (without the word `curl`); a missing value is a UsageError."""
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-") or arg == "-":
            yield Option("url", arg, i - 1)
            continue
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            if name in WITH_VALUE or IGNORED.get(name):
                if eq:
                    yield Option(name, inline, i - 1, len(name) + 1)
                    continue
                if i >= len(args):
                    raise UsageError(f"curl option {name} needs a value")
                yield Option(name, args[i], i)
                i += 1
            else:
                yield Option(arg, None, i - 1)
            continue
        j = 1  # bundled short flags: -sSL, -XPOST, -HKey:v
        while j < len(arg):
            flag = "-" + arg[j]
            j += 1
            if flag in WITH_VALUE or IGNORED.get(flag):
                if j < len(arg):
                    yield Option(flag, arg[j:], i - 1, j)
                elif i < len(args):
                    yield Option(flag, args[i], i)
                    i += 1
                else:
                    raise UsageError(f"curl option {flag} needs a value")
                break
            yield Option(flag, None, i - 1)
