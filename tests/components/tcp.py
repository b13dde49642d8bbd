"""The engine over TCP: dockerd's own TLS listener (client certificates required) and plain HTTP.

TLS: scripts/sandbox-engine starts dockerd with `-H tcp://127.0.0.1:0 --tlsverify …` and records
the address in its folder (`tls/host`), with the certificates from scripts/test-certs beside it;
`engine_tls` reads that record. Plain HTTP: socat relays 127.0.0.1:PORT to the engine's unix socket,
on a port the kernel picks (`engine_tcp`) or one a test names (`engine_tcp_on_port(2376)`).
"""

from __future__ import annotations

import http.client
import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import _unavailable

from components import started
from components.daemons import ComponentError, Daemon, need_tool, port_is_free
from components.session import REPO, SessionFolder

TEST_CERTS = REPO / "scripts" / "test-certs"


class CertSet(NamedTuple):
    """A DOCKER_CERT_PATH folder: ca.pem (the CA to trust), cert.pem and key.pem (the client's)."""

    path: Path

    @property
    def ca(self) -> Path:
        return self.path / "ca.pem"

    @property
    def cert(self) -> Path:
        return self.path / "cert.pem"

    @property
    def key(self) -> Path:
        return self.path / "key.pem"

    def curl_args(self) -> list[str]:
        """`--cacert … --cert … --key …` for curl."""
        return ["--cacert", str(self.ca), "--cert", str(self.cert), "--key", str(self.key)]

    def docker_args(self) -> list[str]:
        """`--tlsverify --tlscacert … --tlscert … --tlskey …` for the docker CLI."""
        return ["--tlsverify", "--tlscacert", str(self.ca), "--tlscert", str(self.cert), "--tlskey", str(self.key)]


class TLSEndpoint(NamedTuple):
    """The engine behind dockerd's --tlsverify listener."""

    host: str  # tcp://127.0.0.1:PORT (DOCKER_HOST, with DOCKER_TLS_VERIFY=1)
    url: str  # https://127.0.0.1:PORT
    port: int
    certs: CertSet  # the client's DOCKER_CERT_PATH
    server_folder: Path  # the CA, its key and the server's certificate (scripts/test-certs layout)

    @property
    def env(self) -> dict[str, str]:
        """DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, as a user sets them."""
        return {"DOCKER_HOST": self.host, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(self.certs.path)}


class TCPEndpoint(NamedTuple):
    """The engine over plain HTTP on 127.0.0.1."""

    host: str  # tcp://127.0.0.1:PORT
    url: str  # http://127.0.0.1:PORT
    port: int


def _https_ping(port: int, certs: CertSet) -> bytes | None:
    """GET /_ping over TLS with the client certificate; None when the listener does not answer."""
    context = ssl.create_default_context(cafile=str(certs.ca))
    context.load_cert_chain(str(certs.cert), str(certs.key))
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)
    try:
        conn.request("GET", "/_ping")
        return conn.getresponse().read()
    except OSError:
        return None
    finally:
        conn.close()


def make_certs(folder: Path, name: str) -> Path:
    """Run scripts/test-certs into `folder`: a CA, a server and a client certificate."""
    done = subprocess.run([str(TEST_CERTS), str(folder), name], capture_output=True, text=True, timeout=60,
                          check=False)
    if done.returncode != 0:
        raise ComponentError(f"scripts/test-certs failed: {done.stderr.strip()}")
    return folder


def sandbox_tls(engine_socket: str) -> TLSEndpoint:
    """The TLS listener scripts/sandbox-engine recorded beside the engine's socket."""
    folder = Path(engine_socket).parent / "tls"
    try:
        host = (folder / "host").read_text().strip()
    except OSError:
        raise ComponentError(f"no TLS listener recorded in {folder}/host: this engine was not started by "
                             "this version of scripts/sandbox-engine (stop and start it again)") from None
    port = int(host.rsplit(":", 1)[1])
    certs = CertSet(folder / "client")
    answer = _https_ping(port, certs)
    if answer != b"OK":
        raise ComponentError(f"{host} (from {folder}/host) does not answer /_ping over TLS: {answer!r}")
    return TLSEndpoint(host, f"https://127.0.0.1:{port}", port, certs, folder)


def start_relay(session: SessionFolder, engine_socket: str, port: int) -> tuple[TCPEndpoint, Daemon]:
    """socat from 127.0.0.1:`port` (0: the kernel picks) to the engine's unix socket."""
    socat = need_tool("socat", "socat")
    name = f"tcp-{port or 'any'}"
    folder = session.folder(name)
    listen = f"TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr"
    daemon = Daemon(name, [socat, "-d", "-d", listen, f"UNIX-CONNECT:{engine_socket}"], folder / "socat.log",
                    session)
    bound = int(daemon.wait_for_log(r"listening on AF=2 127\.0\.0\.1:(\d+)").group(1))
    return TCPEndpoint(f"tcp://127.0.0.1:{bound}", f"http://127.0.0.1:{bound}", bound), daemon


@pytest.fixture(scope="session")
def engine_tls(engine_socket: str) -> TLSEndpoint:
    """The engine over TLS with client verification: `host`, `url`, `port`, `certs` (a CertSet), `env`."""
    return started("the engine's TLS listener", lambda: sandbox_tls(engine_socket))


@pytest.fixture(scope="session")
def wrong_ca_certs(component_session: SessionFolder) -> CertSet:
    """A DOCKER_CERT_PATH from an unrelated CA: its ca.pem cannot verify the engine, nor it the client."""
    folder = component_session.folder("other-ca")
    started("an unrelated CA", lambda: make_certs(folder, "ee-other"))
    return CertSet(folder / "client")


@pytest.fixture(scope="session")
def engine_tcp(component_session: SessionFolder, engine_socket: str) -> Iterator[TCPEndpoint]:
    """The engine over plain HTTP on a free port: `host` (tcp://127.0.0.1:PORT), `url`, `port`."""
    endpoint, daemon = started("socat", lambda: start_relay(component_session, engine_socket, 0))
    yield endpoint
    daemon.stop()


@pytest.fixture(scope="session")
def engine_tcp_on_port(component_session: SessionFolder,
                       engine_socket: str) -> Iterator[Callable[[int], TCPEndpoint]]:
    """`engine_tcp_on_port(2376)`: the engine over plain HTTP on that very port, for the session.

    A port already taken (another test run, a real engine) fails the test in CI and skips it elsewhere.
    """
    running: dict[int, tuple[TCPEndpoint, Daemon]] = {}

    def on_port(port: int) -> TCPEndpoint:
        if port not in running:
            if not port_is_free(port):
                _unavailable(f"127.0.0.1:{port} is taken by another process (another test run?)")
            running[port] = started(f"socat on port {port}",
                                    lambda: start_relay(component_session, engine_socket, port))
        return running[port][0]

    yield on_port
    for _, daemon in running.values():
        daemon.stop()
