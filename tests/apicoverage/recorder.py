"""The recording at the transport: every request engine-explorer's Transport sends, with its status.

Stdlib only, and loaded two ways: by the pytest plugin (tests/apicoverage/plugin.py) in the test
process, and by site/sitecustomize.py in every Python subprocess a test starts (`python -m
explorer …`), which finds it on PYTHONPATH. Either way `install()` wraps `Transport.send` when
`explorer.http.transport` is imported (or at once, if it already is), and each request it sends
becomes one line in `$ENGINE_EXPLORER_API_RECORD/requests-<pid>.log`:

    repr((test, endpoint, method, target, status, server))

`test` is the pytest node id the request was sent for (PYTEST_CURRENT_TEST, which subprocesses
inherit), `status` is None when no response came, `server` is the Server header (a Docker engine
says `Docker/…`). The line is written by repr, so a subprocess imports nothing (json would cost a
`-c /_ping` start time and show in its import list). Nothing is recorded without the variable.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys

VARIABLE = "ENGINE_EXPLORER_API_RECORD"
TRANSPORT_MODULE = "explorer.http.transport"


def current_test() -> str:
    """The node id of the test running now (without its phase), or "" outside a test."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]


def _server(headers) -> str | None:
    if hasattr(headers, "get"):  # explorer's Headers: one look-up, no splitting
        return headers.get("Server")
    for name, value in headers or ():
        if name.lower() == "server":
            return value
    return None


def _note(folder: str, endpoint, req, status, server) -> None:
    line = repr((current_test(), endpoint.display, req.method, req.target(), status, server)) + "\n"
    try:
        with open(os.path.join(folder, f"requests-{os.getpid()}.log"), "a", encoding="utf-8") as log:
            log.write(line)
    except OSError:
        # A subprocess running as another user (tests/normaluser.py) may not write here; it proves
        # nothing anyway, and the command under test must not fail because of the recording.
        pass


def wrap(transport_class) -> None:
    """Make `transport_class.send` record each request (once: a second call changes nothing)."""
    original = transport_class.send
    if getattr(original, "records_api_calls", False):
        return

    def send(self, req, sink=None, on_headers=None, eager=False, timeout=None):
        folder = os.environ.get(VARIABLE)
        if not folder:
            return original(self, req, sink=sink, on_headers=on_headers, eager=eager, timeout=timeout)
        seen: list = [None, None]  # status and Server of a response that ends in an exception

        def watched(status, reason, headers):
            seen[:] = [status, _server(headers)]
            return on_headers(status, reason, headers)

        try:
            resp = original(self, req, sink=sink, on_headers=watched if on_headers else None, eager=eager,
                            timeout=timeout)
        except BaseException:  # Ctrl-C on an endless stream still got its status first
            _note(folder, self.endpoint, req, *seen)
            raise
        _note(folder, self.endpoint, req, resp.status, resp.header("Server"))
        return resp

    send.records_api_calls = True  # type: ignore[attr-defined]
    send.__doc__ = original.__doc__
    transport_class.send = send


class _TransportFinder:
    """Finds explorer.http.transport as the normal finders do, and wraps Transport once it has run."""

    def find_spec(self, name, path, target=None):
        if name != TRANSPORT_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            wrap(module.Transport)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Record what explorer's Transport sends in this process, from now on."""
    module = sys.modules.get(TRANSPORT_MODULE)
    if module is not None:
        wrap(module.Transport)
    elif not any(isinstance(finder, _TransportFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _TransportFinder())
