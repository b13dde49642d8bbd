"""A pasted curl command line read as curl reads it: the request it sends, what it does with the
response (-o, -O, -i, -w), and a note for each option not done here."""
from __future__ import annotations

import base64
import os
import re
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from explorer.core import versions
from explorer.core.errors import UsageError, shown
from explorer.core.files import check_file_name
from explorer.http.curlcmd import Output
from explorer.http.request import Request, has_dot_segment, parse_query, split_target
from explorer.lang import curlargs, slots


class Pasted(NamedTuple):
    """A parsed curl command: the request, the socket it named, hints for the user, its TLS options,
    what it does with the response, and a note for each option it has that is not done here."""

    request: Request
    socket: str | None = None
    base_url: str = "http://localhost"  # scheme://host[:port] of the URL (ignored over a socket)
    hints: tuple = ()
    tls: tuple = ()  # (--cacert, --cert, --key, --insecure) when the line gives any of them
    output: Output = Output()
    notes: tuple = ()


def elsewhere(pasted: Pasted, socket: str | None, base_url: str, tls=None) -> str:
    """What a pasted line names that differs from this engine (its socket, its URL's host, its TLS
    options), as "the pasted line's …"; "" when it names this engine. The session sends to its own
    engine and says so."""
    if pasted.socket:
        return "" if pasted.socket == socket else pasted.socket
    ours = urlsplit(base_url)
    if socket is None and pasted.base_url != f"{ours.scheme}://{ours.netloc}":
        return pasted.base_url
    if socket is not None and pasted.base_url not in ("http://localhost", "http://localhost:80"):
        return pasted.base_url
    given = _tls_files(pasted.tls[:3]) + (bool(pasted.tls[3]),) if pasted.tls else (None, None, None, False)
    have = (tls.ca, tls.cert, tls.key, not tls.verify) if tls is not None else (None, None, None, False)
    if pasted.tls and given != have:
        return "its " + "/".join(opt for opt, value in zip(("--cacert", "--cert", "--key", "--insecure"), given,
                                                            strict=True) if value)
    return ""


def _tls_files(paths: tuple) -> tuple:
    return tuple(os.path.abspath(os.path.expanduser(p)) if p else None for p in paths)


_TLS = {"--cacert": 0, "-E": 1, "--cert": 1, "--key": 2}  # option → its place in Pasted.tls
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")  # RFC 9110's token: what a method may be


def parse(argv) -> Pasted:
    """Parse `curl [options] URL` (as printed here, or as Docker's docs write it)."""
    state: dict = {"method": None, "headers": [], "data": [], "socket": None, "url": None,
                   "get": False, "head": False, "upload": None, "user": None, "json": False, "as_is": False, "tls": {},
                   "compressed": False, "output": Output(), "remote_name": False, "notes": []}
    for opt in curlargs.options(list(argv)[1:]):
        _apply(state, opt.name, opt.value)
    if not state["url"]:
        raise UsageError("the curl command has no URL")
    return _to_pasted(state)


_SETS = {"--unix-socket": "socket", "-T": "upload", "--upload-file": "upload", "-u": "user", "--user": "user"}
_FLAGS = {"-G": "get", "--get": "get", "-I": "head", "--head": "head", "--path-as-is": "as_is",
          "-O": "remote_name", "--remote-name": "remote_name", "--compressed": "compressed"}
_AS_HEADER = {"-A": "User-Agent", "--user-agent": "User-Agent", "-e": "Referer", "--referer": "Referer"}
_OUTPUT = {"-o": "file", "--output": "file", "-w": "write_out", "--write-out": "write_out"}


def _apply(state: dict, opt: str, value) -> None:
    if opt in ("url", "--url"):
        if state["url"]:
            raise UsageError("the curl command names two URLs; give one")
        state["url"] = value
    elif opt in ("-X", "--request"):
        if not _TOKEN.fullmatch(value):
            raise UsageError(f"curl -X `{shown(value)}` is not an HTTP method: a method is letters, digits "
                             "and !#$%&'*+-.^_`|~ only")
        state["method"] = value.upper()
    elif opt in _SETS:
        state[_SETS[opt]] = value
    elif opt in _FLAGS:
        state[_FLAGS[opt]] = True
    elif opt in curlargs.HEADER or opt in _AS_HEADER:
        state["headers"].append(_header(value) if opt in curlargs.HEADER else (_AS_HEADER[opt], value))
    elif opt in curlargs.DATA:
        state["data"].append((opt, value))
        state["json"] = state["json"] or opt == "--json"
    elif opt in _TLS or opt in ("-k", "--insecure"):
        state["tls"][_TLS.get(opt, 3)] = _cert_name(value) if _TLS.get(opt) == 1 else value or True
    elif opt in _OUTPUT or opt in ("-i", "--include"):
        state["output"] = state["output"]._replace(**{_OUTPUT.get(opt, "include"): True if value is None else value})
    elif opt in curlargs.NOT_DONE:
        state["notes"].append(f"note: curl option {opt} is not done here ({curlargs.NOT_DONE[opt][1]}); "
                              "sent without it")
    elif opt not in curlargs.ALWAYS:
        raise UsageError(f"curl option {opt} is not supported here; drop it or use our own syntax")


def _cert_name(value: str) -> str:
    """The file of `--cert FILE[:PASSWORD]`, `\\:` and `\\\\` unescaped as curl does; a password is refused."""
    out, i = [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value) and value[i + 1] in ":\\":
            ch, i = value[i + 1], i + 1
        elif ch == ":":
            raise UsageError("curl --cert FILE:PASSWORD: an encrypted key is not supported here (docker has none)")
        out.append(ch)
        i += 1
    return "".join(out)


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
    if not any(name.lower() == "authorization" for name, _ in headers):  # a header of one's own wins, as in curl
        headers += _login(state["user"], url)
    method, query, body, body_file = _sent(state, headers, query)
    req = Request(method, path, query, tuple(headers), body, body_file, version, compressed=state["compressed"])
    tls = state["tls"]
    given = tuple(tls.get(i) for i in range(3)) + (tls.get(3, False),) if tls else ()
    output = state["output"]
    if state["remote_name"] and output.file is None:
        output = output._replace(file=_remote_name(url.path))
    return Pasted(req, state["socket"], _origin(url), tuple(hints), given, output,
                  tuple(state["notes"]))


def _sent(state: dict, headers: list, query: tuple) -> tuple:
    """(method, query, body, body file) of the line: -G's data goes to the query, as curl puts it there."""
    body, body_file = _body(state, headers)
    method = state["method"] or _default_method(state, body is not None or body_file)
    if state["get"] and body is not None:
        # curl appends the data to the query as written: read as the URL's query is read
        # (bytes that are not UTF-8 stay those bytes, escaped in the text until sent)
        query += parse_query(body.decode("utf-8", "surrogateescape"))
        body = None
    if method == "HEAD" and (body is not None or body_file):
        raise UsageError("a HEAD request has no body here, and curl refuses -I with -d, --json or -T: "
                         "drop the body, or add -G to put -d's data in the query")
    return method, query, body, body_file


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
    if state["upload"] and state["data"]:
        raise UsageError(f"curl refuses -T (upload a file) with {state['data'][0][0]} (send data): "
                         "give one of them")
    if state["upload"]:
        return None, _body_file("-T " + state["upload"], state["upload"])
    if not state["data"]:
        return None, None
    if state["get"] and any(value.startswith("@") and opt != "--data-raw" for opt, value in state["data"]):
        raise UsageError("curl -G with @FILE puts the file's contents in the query, which is not done here: "
                         "write the query into the URL")
    if state["json"]:
        for name in ("Content-Type", "Accept"):
            if not any(k.lower() == name.lower() for k, _ in headers):
                headers.append((name, "application/json"))
    if len(state["data"]) == 1:
        opt, value = state["data"][0]
        if value.startswith("@") and opt != "--data-raw":
            if opt not in ("--data-binary", "--json"):
                raise UsageError(f"curl {opt} @file strips newlines; use --data-binary @file here")
            return None, _body_file(f"{opt} {value}", value[1:])
    parts: list = []
    for opt, value in state["data"]:
        if value.startswith("@") and opt != "--data-raw":
            raise UsageError("several -d options with @file are not supported; use one --data-binary @file")
        # curl joins a --json piece to what came before with nothing between, any other with &
        parts += [value] if not parts else ["" if opt == "--json" else "&", value]
    return "".join(parts).encode("utf-8", "surrogateescape"), None  # the bytes curl reads off its argv


def _origin(url) -> str:
    """scheme://host[:port] of the URL, as shown in a note: never its user or password."""
    host = url.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{url.scheme}://{host}" + (f":{url.port}" if url.port is not None else "")


def _login(user: str | None, url) -> list:
    """The Authorization header curl sends for -u USER:PASSWORD, or else for the URL's user:password
    (percent-decoded, as curl decodes them): Basic, base64 of the two joined by a colon."""
    if user is not None:
        name, colon, password = user.partition(":")
        if not colon:
            raise UsageError(f"curl -u {shown(name)} without :PASSWORD asks for the password on a terminal; "
                             "write -u USER:PASSWORD")
    elif url.username or url.password:
        name, password = unquote(url.username or "", errors="surrogateescape"), \
            unquote(url.password or "", errors="surrogateescape")
    else:
        return []
    raw = f"{name}:{password}".encode("utf-8", "surrogateescape")
    return [("Authorization", "Basic " + base64.b64encode(raw).decode("ascii"))]


def _body_file(typed: str, name: str) -> str:
    """The file of `-T FILE` / `--data-binary @FILE`; curl's `-` (stdin) is refused: we have none to give."""
    if name == "-":
        raise UsageError(f"curl {typed}: curl reads standard input there, which is not done here; "
                         "give a file (for a file named -, ./-)")
    return check_file_name(name)
