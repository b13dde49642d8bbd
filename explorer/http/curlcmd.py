"""Request model ⇄ curl command line. What we print is what pycurl sends."""
from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from explorer.core import versions
from explorer.core.errors import UsageError, shown
from explorer.core.files import check_file_name
from explorer.http.request import Request, has_dot_segment, split_target
from explorer.lang import slots
from explorer.lang.secrets import redact_value


def to_argv(req: Request, socket: str | None, base_url: str, redact: bool = True) -> list:
    """The curl argv that sends exactly `req` (User-Agent and Accept left to curl).

    With `redact`, credential headers show <redacted> instead of their value.
    """
    argv = ["curl"]
    if socket:
        argv += ["--unix-socket", socket]
    if req.method == "HEAD":
        argv.append("--head")
    elif req.method != "GET" or req.body is not None or req.body_file:
        argv += ["-X", req.method]
    for name, value in req.headers:
        value = redact_value(name, value) if redact else value
        argv += ["-H", f"{name}: {value}" if value else f"{name};"]
    if req.body_file:
        argv += ["--data-binary", "@" + req.body_file]
    elif req.body is not None:
        text = req.body.decode("utf-8", "surrogateescape")
        argv += ["--data-raw" if text.startswith("@") else "--data-binary", text]
    if req.compressed:
        argv.append("--compressed")
    if has_dot_segment(req.path):
        argv.append("--path-as-is")  # as the transport sends it: no curl may squash the segment
    argv.append(base_url.rstrip("/") + req.target())
    return argv


def render(req: Request, socket: str | None, base_url: str, redact: bool = True) -> str:
    """The curl one-liner for `req`, quoted so that pasting it sends the same bytes."""
    import shlex  # not at import: piped runs print no curl line

    return shlex.join(to_argv(req, socket, base_url, redact))


class Pasted(NamedTuple):
    """A parsed curl command: the request, the socket it named, and hints for the user."""

    request: Request
    socket: str | None = None
    base_url: str = "http://localhost"  # scheme://host[:port] of the URL (ignored over a socket)
    hints: tuple = ()


# curl options that change nothing about the request bytes, with whether they take a value.
_IGNORED = {
    "-s": False, "--silent": False, "-S": False, "--show-error": False, "-i": False,
    "--include": False, "-v": False, "--verbose": False, "-N": False, "--no-buffer": False,
    "-f": False, "--fail": False, "-L": False, "--location": False,
    "-k": False, "--insecure": False, "-g": False, "--globoff": False, "--http1.1": False,
    "-o": True, "--output": True, "-w": True, "--write-out": True, "-m": True, "--max-time": True,
    "--connect-timeout": True, "-A": True, "--user-agent": True,
}
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")  # RFC 9110's token: what a method may be
_DATA = ("-d", "--data", "--data-ascii", "--data-binary", "--data-raw", "--json")
_WITH_VALUE = {"-X", "--request", "-H", "--header", "--unix-socket", "-T", "--upload-file", *_DATA}


def parse(argv) -> Pasted:
    """Parse `curl [options] URL` (as printed here, or as Docker's docs write it)."""
    state: dict = {"method": None, "headers": [], "data": [], "socket": None, "url": None,
             "get": False, "head": False, "upload": None, "json": False, "as_is": False, "compressed": False}
    for opt, value in _options(list(argv)[1:]):
        _apply(state, opt, value)
    if not state["url"]:
        raise UsageError("the curl command has no URL")
    return _to_pasted(state)


def _options(args: list):
    """Yield (option, value) pairs; value-less flags get None, the URL comes as ("url", URL)."""
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if not arg.startswith("-") or arg == "-":
            yield "url", arg
            continue
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            if name in _WITH_VALUE or _IGNORED.get(name):
                if eq:
                    yield name, inline
                    continue
                if i >= len(args):
                    raise UsageError(f"curl option {name} needs a value")
                yield name, args[i]
                i += 1
            else:
                yield arg, None
            continue
        j = 1  # bundled short flags: -sSL, -XPOST, -HKey:v
        while j < len(arg):
            flag = "-" + arg[j]
            j += 1
            if flag in _WITH_VALUE or _IGNORED.get(flag):
                if j < len(arg):
                    yield flag, arg[j:]
                elif i < len(args):
                    yield flag, args[i]
                    i += 1
                else:
                    raise UsageError(f"curl option {flag} needs a value")
                break
            yield flag, None


def _apply(state: dict, opt: str, value) -> None:
    if opt == "url":
        if state["url"]:
            raise UsageError("the curl command names two URLs; give one")
        state["url"] = value
    elif opt in ("-X", "--request"):
        if not _TOKEN.fullmatch(value):
            raise UsageError(f"curl -X `{shown(value)}` is not an HTTP method: a method is letters, digits "
                             "and !#$%&'*+-.^_`|~ only")
        state["method"] = value.upper()
    elif opt in ("-H", "--header"):
        state["headers"].append(_header(value))
    elif opt == "--unix-socket":
        state["socket"] = value
    elif opt in _DATA:
        state["data"].append((opt, value))
        state["json"] = state["json"] or opt == "--json"
    elif opt in ("-G", "--get"):
        state["get"] = True
    elif opt in ("-I", "--head"):
        state["head"] = True
    elif opt in ("-T", "--upload-file"):
        state["upload"] = value
    elif opt == "--path-as-is":
        state["as_is"] = True
    elif opt == "--compressed":
        state["compressed"] = True
    elif opt not in _IGNORED:
        raise UsageError(f"curl option {opt} is not supported here; drop it or use our own syntax")


def _header(value: str) -> tuple:
    slots.check_header_text(value, f"curl -H `{shown(value)}`")
    name, sep, rest = value.partition(":")
    if not sep:
        name, sep, rest = value.partition(";")
        if not sep:
            raise UsageError(f"curl -H `{value}`: expected `Name: value`")
        return name.strip(), ""
    return name.strip(), rest.lstrip(" ")


def _to_pasted(state: dict) -> Pasted:
    try:
        url = urlsplit(state["url"] if "://" in state["url"] else "http://" + state["url"])
        url.port  # noqa: B018 - a port out of range raises only when read
    except ValueError as err:
        raise UsageError(f"curl URL `{shown(state['url'])}`: {err}") from None
    path = url.path or "/"
    if not state["as_is"] and has_dot_segment(path):
        path = _squashed(path)
    path, query, version = split_target(path + ("?" + url.query if url.query else ""))
    hints = []
    host = url.hostname or ""
    if state["socket"] and host[:1] == "v" and versions.is_docker(host[1:]):
        hints.append(f"over a unix socket the URL's host ({host}) is ignored and does not select an API "
                     f"version: write http://localhost/{host}{path}")
    headers = list(state["headers"])
    body, body_file = _body(state, headers)
    method = state["method"] or _default_method(state, body is not None or body_file)
    if state["get"] and body is not None:
        # bytes that are not UTF-8 stay those bytes in the query (escaped in the text until sent)
        query += tuple((k, v) for k, v in _form_pairs(body.decode("utf-8", "surrogateescape")))
        body = None
    req = Request(method, path, query, tuple(headers), body, body_file, version, compressed=state["compressed"])
    return Pasted(req, state["socket"], f"{url.scheme}://{url.netloc}", tuple(hints))


def _squashed(path: str) -> str:
    """The path curl sends for `path` without --path-as-is: `.` and `..` segments removed (RFC 3986).

    libcurl 8 also reads %2E as a dot there and 7.88 does not: such a path is refused rather than
    sent as one version of curl would.
    """
    segments = path.split("/")
    if any("%" in seg and seg.replace("%2E", ".").replace("%2e", ".") in (".", "..") for seg in segments):
        raise UsageError("curl versions differ on %2E segments (8.x removes them, 7.88 does not): "
                         "add --path-as-is to send the path as written")
    out: list = []
    for seg in segments[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    if segments[-1] in (".", ".."):
        out.append("")  # a path ending in a dot segment keeps its trailing slash
    return "/" + "/".join(out)


def _default_method(state: dict, has_body) -> str:
    if state["head"]:
        return "HEAD"
    if state["upload"]:
        return "PUT"
    return "POST" if has_body and not state["get"] else "GET"


def _body(state: dict, headers: list):
    if state["upload"]:
        return None, check_file_name(state["upload"])
    if not state["data"]:
        return None, None
    if state["json"]:
        for name in ("Content-Type", "Accept"):
            if not any(k.lower() == name.lower() for k, _ in headers):
                headers.append((name, "application/json"))
    if len(state["data"]) == 1:
        opt, value = state["data"][0]
        if value.startswith("@") and opt != "--data-raw":
            if opt not in ("--data-binary", "--json"):
                raise UsageError(f"curl {opt} @file strips newlines; use --data-binary @file here")
            return None, check_file_name(value[1:])
    parts = []
    for opt, value in state["data"]:
        if value.startswith("@") and opt != "--data-raw":
            raise UsageError("several -d options with @file are not supported; use one --data-binary @file")
        parts.append(value)
    return "&".join(parts).encode("utf-8", "surrogateescape"), None  # the bytes curl reads off its argv


def _form_pairs(text: str):
    for part in text.split("&"):
        name, _, value = part.partition("=")
        yield name, value
