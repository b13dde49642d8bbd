"""What a pasted curl line's `-i` and `-w` print, as curl prints them: the status line and headers
before the body, and the `-w` format, its variables filled, after it."""
from __future__ import annotations

import re

from explorer.core.errors import UsageError, shown
from explorer.http import bodyfile

_VARIABLE = re.compile(r"%%|%\{([A-Za-z_]+)\}|%header\{([^}]*)\}|\\[nrt\\]")
_ESCAPES = {"\\n": "\n", "\\r": "\r", "\\t": "\t", "\\\\": "\\"}
VARIABLES = ("http_code", "response_code", "size_download", "time_total", "content_type", "method",
             "url_effective", "num_headers")


def head(status: int, reason: str, headers) -> bytes:
    """The status line and header block as received (`curl -i`), blank line included."""
    raw = getattr(headers, "raw", None)
    if raw is not None:
        return raw()
    lines = [f"HTTP/1.1 {status} {reason}".rstrip()] + [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def write_head(console, target, data: bytes) -> None:
    """`curl -i`'s head: into the file with the body (`-o`), else on stdout before it."""
    if target is not None:
        target.write(data)
        return
    console.stdout.write(data)
    console.stdout.flush()


def format_text(template: str) -> str:
    """The -w argument as curl reads it: `@FILE` names a file that holds the format."""
    if not template.startswith("@"):
        return template
    if template == "@-":
        raise UsageError("curl -w @- (the format from stdin) is not done here: give the format itself")
    label = f"-w {template}"
    try:
        return bodyfile.read_whole(template[1:], label).decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"`{shown(label, 200)}`: the file is not UTF-8 text, which a -w format is") from None


def write_out(template: str, resp, method: str, url: str) -> tuple:
    """(the -w text for `resp`, the variables in it not done here, which print nothing as in curl)."""
    values = {
        "http_code": f"{resp.status:03d}", "response_code": f"{resp.status:03d}",
        "size_download": str(resp.size), "time_total": f"{resp.elapsed:.6f}",
        "content_type": resp.header("Content-Type") or "", "method": method, "url_effective": url,
        "num_headers": str(len(resp.headers)),
    }
    unknown: list = []

    def fill(m) -> str:
        text = m.group(0)
        if text == "%%":
            return "%"
        if text in _ESCAPES:
            return _ESCAPES[text]
        if m.group(2) is not None:
            return resp.header(m.group(2)) or ""
        if m.group(1) in values:
            return values[m.group(1)]
        unknown.append(m.group(1))
        return ""

    return _VARIABLE.sub(fill, template), tuple(unknown)
