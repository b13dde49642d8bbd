"""Request model ⇄ curl command line. What we print is what pycurl sends."""
from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

from explorer.core import versions
from explorer.core.errors import UsageError
from explorer.http.request import Request, has_dot_segment, split_target
from explorer.lang import curlargs, secrets
from explorer.lang.shellvars import expansion_word


class Output(NamedTuple):
    """What a curl line does with the response besides showing its body: `-o FILE` (and `-O`, as the
    file name it names), `-i` (the status line and headers first), `-w FORMAT` (printed after)."""

    file: str | None = None
    include: bool = False
    write_out: str | None = None


def to_argv(req: Request, socket: str | None, base_url: str, output: Output | None = None) -> list:
    """The curl argv that sends exactly `req` (User-Agent and Accept left to curl), credentials included;
    with `output`, the -i, -w and -o that do with the response what this request does."""
    argv = ["curl"]
    if socket:
        argv += ["--unix-socket", socket]
    if req.method == "HEAD":
        argv.append("--head")
    elif req.method != "GET" or req.body is not None or req.body_file:
        argv += ["-X", req.method]
    for name, value in req.headers:
        argv += ["-H", f"{name}: {value}" if value else f"{name};"]
    if req.body_file:
        argv += ["--data-binary", "@" + req.body_file]
    elif req.body is not None:
        text = req.body.decode("utf-8", "surrogateescape")
        argv += ["--data-raw" if text.startswith("@") else "--data-binary", text]
    if has_dot_segment(req.path):
        argv.append("--path-as-is")  # as the transport sends it: no curl may squash the segment
    if output is not None:
        argv += ["-i"] * output.include
        if output.write_out is not None:
            argv += ["-w", output.write_out]
        if output.file is not None:
            argv += ["-o", output.file]
    argv.append(base_url.rstrip("/") + req.target())
    return argv


def hidden(req: Request, argv: list) -> dict:
    """{index in `argv`: pieces (text, VARIABLE, text, …)} of the words of to_argv(req) holding a secret."""
    if not req.headers and req.body is None:
        return {}
    found = secrets.curl_secrets(argv[1:], secrets.body_fields(req.operation_id or req.path))
    return {index + 1: pieces for index, pieces in found.items()}


def render(req: Request, socket: str | None, base_url: str, redact: bool = True, output: Output | None = None) -> str:
    """The curl one-liner for `req`, quoted so that pasting it sends the same bytes (see render_hidden)."""
    return render_hidden(req, socket, base_url, redact, output)[0]


def render_hidden(req: Request, socket: str | None, base_url: str, redact: bool = True,
                  output: Output | None = None) -> tuple:
    """(the curl one-liner for `req`, the variables it reads).

    With `redact`, each secret is a variable reference (`-H "X-Registry-Auth: $REGISTRY_AUTH"`):
    pasted where those variables hold the secrets, the line sends the same bytes.
    """
    import shlex  # not at import: piped runs print no curl line

    argv = to_argv(req, socket, base_url, output)
    pieces = hidden(req, argv) if redact else {}
    if not pieces:
        return shlex.join(argv), ()
    line = " ".join(expansion_word(pieces[i]) if i in pieces else shlex.quote(arg) for i, arg in enumerate(argv))
    return line, tuple(dict.fromkeys(v for p in pieces.values() for v in p[1::2]))


class Pasted(NamedTuple):
    """A parsed curl command: the request, the socket it named, hints for the user, what it does
    with the response, and a note for each option it has that is not done here."""

    request: Request
    socket: str | None = None
    base_url: str = "http://localhost"  # scheme://host[:port] of the URL (ignored over a socket)
    hints: tuple = ()
    output: Output = Output()
    notes: tuple = ()


def parse(argv) -> Pasted:
    """Parse `curl [options] URL` (as printed here, or as Docker's docs write it)."""
    state: dict = {"method": None, "headers": [], "data": [], "socket": None, "url": None,
                   "get": False, "head": False, "upload": None, "json": False, "as_is": False,
                   "output": Output(), "remote_name": False, "notes": []}
    for opt in curlargs.options(list(argv)[1:]):
        _apply(state, opt.name, opt.value)
    if not state["url"]:
        raise UsageError("the curl command has no URL")
    return _to_pasted(state)


_SETS = {"-X": "method", "--request": "method", "--unix-socket": "socket", "-T": "upload", "--upload-file": "upload"}
_FLAGS = {"-G": "get", "--get": "get", "-I": "head", "--head": "head", "--path-as-is": "as_is",
          "-O": "remote_name", "--remote-name": "remote_name"}
_AS_HEADER = {"-A": "User-Agent", "--user-agent": "User-Agent", "-e": "Referer", "--referer": "Referer"}


def _apply(state: dict, opt: str, value) -> None:
    if opt in ("url", "--url"):
        if state["url"]:
            raise UsageError("the curl command names two URLs; give one")
        state["url"] = value
    elif opt in _SETS:
        state[_SETS[opt]] = value.upper() if _SETS[opt] == "method" else value
    elif opt in _FLAGS:
        state[_FLAGS[opt]] = True
    elif opt in curlargs.HEADER:
        state["headers"].append(_header(value))
    elif opt in _AS_HEADER:
        state["headers"].append((_AS_HEADER[opt], value))
    elif opt in curlargs.DATA:
        state["data"].append((opt, value))
        state["json"] = state["json"] or opt == "--json"
    elif opt in curlargs.OUTPUT:
        state["output"] = state["output"]._replace(file=value)
    elif opt in curlargs.WRITE_OUT:
        state["output"] = state["output"]._replace(write_out=value)
    elif opt in ("-i", "--include"):
        state["output"] = state["output"]._replace(include=True)
    elif opt in curlargs.NOT_DONE:
        state["notes"].append(f"note: curl option {opt} is not done here ({curlargs.NOT_DONE[opt][1]}); "
                              "sent without it")
    elif opt not in curlargs.ALWAYS:
        raise UsageError(f"curl option {opt} is not supported here; drop it or use our own syntax")


def _header(value: str) -> tuple:
    name, sep, rest = value.partition(":")
    if not sep:
        name, sep, rest = value.partition(";")
        if not sep:
            raise UsageError(f"curl -H `{value}`: expected `Name: value`")
        return name.strip(), ""
    return name.strip(), rest.lstrip(" ")


def _to_pasted(state: dict) -> Pasted:
    url = urlsplit(state["url"] if "://" in state["url"] else "http://" + state["url"])
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
        query += tuple((k, v) for k, v in _form_pairs(body.decode()))
        body = None
    req = Request(method, path, query, tuple(headers), body, body_file, version)
    output = state["output"]
    if state["remote_name"] and output.file is None:
        output = output._replace(file=_remote_name(url.path))
    return Pasted(req, state["socket"], f"{url.scheme}://{url.netloc}", tuple(hints), output, tuple(state["notes"]))


def _remote_name(path: str) -> str:
    """-O's file: the URL path's last segment, as curl takes it (not decoded)."""
    name = path.rpartition("/")[2]
    if not name:
        raise UsageError("curl -O: the URL's path ends in /, so it names no file; use -o FILE")
    return name


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
        return None, state["upload"]
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
            return None, value[1:]
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
