"""Request model → curl command line. What we print is what pycurl sends (a pasted line is read
back by explorer.http.curlpaste)."""
from __future__ import annotations

from typing import NamedTuple

from explorer.http.request import Request, has_dot_segment
from explorer.lang import secrets
from explorer.lang.shellvars import expansion_word

# Linux refuses to exec a command with one argument of 128 KiB or more (MAX_ARG_STRLEN: "Argument
# list too long"). A body that long goes to curl on its stdin instead: `printf %s BODY | curl …
# --data-binary @-`. printf is built into the shell, so no exec limit binds it, and curl reads all of
# stdin before it sends, with the same Content-Length. Below this size a line keeps its plain form.
ARG_LIMIT = 100_000


class Output(NamedTuple):
    """What a curl line does with the response besides showing its body: `-o FILE` (and `-O`, as the
    file name it names), `-i` (the status line and headers first), `-w FORMAT` (printed after)."""

    file: str | None = None
    include: bool = False
    write_out: str | None = None


def to_argv(req: Request, socket: str | None, base_url: str, tls=None, output: Output | None = None) -> list:
    """The curl argv that sends exactly `req` (User-Agent and Accept left to curl), credentials included.

    `tls` (an explorer.core.tls.TLS) adds --cacert, --cert, --key, and --insecure where docker does not verify;
    `output`, the -i, -w and -o that do with the response what this request does.
    """
    argv = ["curl"]
    if socket:
        argv += ["--unix-socket", socket]
    if tls is not None:
        argv += tls_options(tls)
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
    if req.compressed:
        argv.append("--compressed")
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


def body_on_stdin(words: list, argv: list) -> list:
    """`words` (a shell word for each word of the curl `argv`), with a body too long to be one argument
    of an exec'd curl moved to its stdin: `printf %s BODY | curl … --data-binary @-`."""
    index = next((i for i in range(2, len(argv)) if argv[i - 1] in ("--data-binary", "--data-raw")
                  and len(argv[i].encode("utf-8", "surrogateescape")) > ARG_LIMIT), None)
    if index is None:
        return words
    piped = list(words)
    piped[0] = f"printf %s {words[index]} | {words[0]}"
    piped[index - 1:index + 1] = ["--data-binary", "@-"]
    return piped


def hidden(req: Request, argv: list) -> dict:
    """{index in `argv`: pieces (text, VARIABLE, text, …)} of the words of to_argv(req) holding a secret."""
    if not req.headers and req.body is None:
        return {}
    found = secrets.curl_secrets(argv[1:], secrets.body_fields(req.operation_id or req.path))
    return {index + 1: pieces for index, pieces in found.items()}


def render(req: Request, socket: str | None, base_url: str, redact: bool = True, tls=None,
           output: Output | None = None) -> str:
    """The curl one-liner for `req`, quoted so that pasting it sends the same bytes (see render_hidden)."""
    return render_hidden(req, socket, base_url, redact, tls, output)[0]


def render_hidden(req: Request, socket: str | None, base_url: str, redact: bool = True, tls=None,
                  output: Output | None = None) -> tuple:
    """(the curl one-liner for `req`, the variables it reads).

    With `redact`, each secret is a variable reference (`-H "X-Registry-Auth: $REGISTRY_AUTH"`):
    pasted where those variables hold the secrets, the line sends the same bytes.
    """
    import shlex  # not at import: piped runs print no curl line

    argv = to_argv(req, socket, base_url, tls, output)
    pieces = hidden(req, argv) if redact else {}
    words = [expansion_word(pieces[i]) if i in pieces else shlex.quote(arg) for i, arg in enumerate(argv)]
    line = " ".join(body_on_stdin(words, argv))
    return line, tuple(dict.fromkeys(v for p in pieces.values() for v in p[1::2]))


def tls_options(tls) -> list:
    """curl's options for an explorer.core.tls.TLS: what libcurl is given in explorer.http.transport."""
    argv = []
    if tls.ca:
        argv += ["--cacert", tls.ca]
    if tls.cert:
        # curl reads `--cert FILE:PASSWORD`: a colon (and so a backslash) in the name is escaped
        argv += ["--cert", tls.cert.replace("\\", "\\\\").replace(":", "\\:")]
    if tls.key:
        argv += ["--key", tls.key]
    if not tls.verify:
        argv.append("--insecure")
    return argv


