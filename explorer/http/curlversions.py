"""Which libcurl sends our requests (pycurl's) and which one runs a printed line (the `curl` command's).

The printed line is written to send the same bytes through either (PATH_AS_IS and --path-as-is, %XX
in upper case: see explorer.http.request), but a pycurl wheel (pip, pipx) brings a libcurl of its
own, so we say once when the two differ and how to build pycurl against the system's libcurl.
"""
from __future__ import annotations

import shutil
import sys
from typing import NamedTuple

from explorer import __version__
from explorer.http.transport import libcurl_version


class Versions(NamedTuple):
    """Our version, pycurl's line and libcurl, and the curl command's (both "" when there is none)."""

    ours: str
    pycurl: str  # "PycURL/7.45.2 libcurl/8.… OpenSSL/…"
    libcurl: str  # the libcurl pycurl sends with: "8.…"
    curl: str  # the curl command's first --version line, "" without one
    curl_libcurl: str  # the libcurl the curl command runs on


def versions(curl_command: str = "curl") -> Versions:
    """The versions of everything that decides the bytes sent; runs `curl --version` once."""
    line, libcurl = libcurl_version()
    first = _curl_version_line(curl_command)
    return Versions(__version__, line, libcurl, first, _libcurl_of(first))


def report(found: Versions) -> str:
    """What `engine-explorer --version` prints: ours, pycurl's libcurl, the curl command's."""
    curl = found.curl or "none on PATH"
    return f"engine-explorer {found.ours}\nsends with: {found.pycurl}\ncurl command: {curl}\n"


def mismatch(found: Versions) -> str:
    """One line when pycurl's libcurl is not the curl command's (and how to align them), else ""."""
    if not found.curl_libcurl or found.curl_libcurl == found.libcurl:
        return ""
    return (f"note: requests are sent with pycurl's libcurl {found.libcurl}, printed lines run on the curl "
            f"command's libcurl {found.curl_libcurl}; to send with the same one, build pycurl against it: "
            f"{sys.executable} -m pip install --force-reinstall --no-binary pycurl pycurl "
            "(needs libcurl's headers, e.g. apt-get install libcurl4-openssl-dev)")


def _curl_version_line(command: str) -> str:
    path = shutil.which(command)
    if path is None:
        return ""
    import subprocess  # only --version and the first printed line of a session ask

    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.partition("\n")[0].strip()


def _libcurl_of(line: str) -> str:
    """"curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/…" → "7.88.1"."""
    for word in line.split():
        if word.startswith("libcurl/"):
            return word[len("libcurl/"):]
    return ""
