"""A curl command line read as curl reads it: its options, their values, and its URL.

Shared by the paste parser (explorer.http.curlcmd builds the request from these options) and by
redaction (explorer.lang.secrets finds the word a credential sits in), so both read a curl line
the same way.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from explorer.core.errors import UsageError

# curl options read here (explorer.http.curlcmd), with whether they take a value.
DATA = ("-d", "--data", "--data-ascii", "--data-binary", "--data-raw", "--json")
HEADER = ("-H", "--header")
OUTPUT = ("-o", "--output")
WRITE_OUT = ("-w", "--write-out")
USER = ("-u", "--user")  # USER:PASSWORD, sent as an Authorization: Basic header
TLS_FILES = ("--cacert", "-E", "--cert", "--key")  # explorer.http.curlcmd sets them as curl does
WITH_VALUE = {"-X", "--request", *HEADER, "--unix-socket", "-T", "--upload-file", *DATA, *TLS_FILES, *OUTPUT,
              *WRITE_OUT, "-A", "--user-agent", "-e", "--referer", "--url", *USER}
FLAGS = {"-G", "--get", "-I", "--head", "--path-as-is", "-i", "--include", "-O", "--remote-name", "-k", "--insecure",
         "--compressed"}
# What engine-explorer always does anyway: no progress meter, errors shown, bodies streamed as they
# come, HTTP/1.1, no URL globbing. Taken without a word. Any option in none of these tables is
# refused in one line naming it: not knowing whether it takes a value, we cannot read past it.
ALWAYS = {"-s", "--silent", "-S", "--show-error", "-N", "--no-buffer", "--http1.1", "-g", "--globoff"}
# curl options not done here, whether each takes a value, and what curl would do: a pasted line
# with one is sent without it, and a one-line note names it.
NOT_DONE = {
    "-v": (False, "verbose output: engine-explorer -v prints the request and response headers"),
    "--verbose": (False, "verbose output: engine-explorer -v prints the request and response headers"),
    "-f": (False, "no body and exit 22 on an HTTP error; here the error is shown, exit 1"),
    "--fail": (False, "no body and exit 22 on an HTTP error; here the error is shown, exit 1"),
    "--fail-with-body": (False, "exit 22 on an HTTP error; here exit 1"),
    "-L": (False, "following redirects"), "--location": (False, "following redirects"),
    "-m": (True, "a time limit: use --timeout"), "--max-time": (True, "a time limit: use --timeout"),
    "--connect-timeout": (True, "a connect time limit"),
    "--retry": (True, "retries"), "--retry-delay": (True, "retries"), "--retry-max-time": (True, "retries"),
    "-#": (False, "a progress bar"), "--progress-bar": (False, "a progress bar"),
    "--no-progress-meter": (False, "no progress meter; there is none here"),
    "-D": (True, "writing the response headers to a file: -i shows them"),
    "--dump-header": (True, "writing the response headers to a file: -i shows them"),
    "--stderr": (True, "redirecting curl's messages"),
    "--create-dirs": (False, "creating the folders of -o's path"),
    "-C": (True, "resuming a download"), "--continue-at": (True, "resuming a download"),
    "--limit-rate": (True, "a rate limit"),
    "-Z": (False, "parallel transfers"), "--parallel": (False, "parallel transfers"),
    "--http2": (False, "HTTP/2: the engine speaks HTTP/1.1"),
    "--http1.0": (False, "HTTP/1.0"), "-0": (False, "HTTP/1.0"),
    "--tcp-nodelay": (False, "a socket option"), "--keepalive-time": (True, "a socket option"),
    "--trace": (True, "a trace file"), "--trace-ascii": (True, "a trace file"),
}


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
            if name in WITH_VALUE or NOT_DONE.get(name, (False,))[0]:
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
            if flag in WITH_VALUE or NOT_DONE.get(flag, (False,))[0]:
                if j < len(arg):
                    yield Option(flag, arg[j:], i - 1, j)
                elif i < len(args):
                    yield Option(flag, args[i], i)
                    i += 1
                else:
                    raise UsageError(f"curl option {flag} needs a value")
                break
            yield Option(flag, None, i - 1)


def password_span(option: Option) -> tuple | None:
    """(start, end) of the password in the value of `-u USER:PASSWORD` or of a URL's
    `scheme://USER:PASSWORD@host`; None when the option holds none (an empty one neither)."""
    text = option.value or ""
    if option.name in USER:
        start = text.find(":") + 1
        return (start, len(text)) if 0 < start < len(text) else None
    if option.name not in ("url", "--url"):
        return None
    begin = text.find("://") + 3 if "://" in text else 0
    authority = re.split(r"[/?#]", text[begin:], maxsplit=1)[0]
    userinfo = authority.rpartition("@")[0]
    start = userinfo.find(":") + 1
    return (begin + start, begin + len(userinfo)) if 0 < start < len(userinfo) else None
