"""Baselines every benchmark compares against, measured in the same run: the raw-socket floor
and the curl command."""
from __future__ import annotations

import socket
import subprocess
import time


def socket_path(host: str) -> str:
    """The socket of a unix:// DOCKER_HOST (these benchmarks need one)."""
    if not host.startswith("unix://"):
        raise SystemExit(f"DOCKER_HOST must be unix:///path for this benchmark, not {host}")
    return host[len("unix://"):]


def api_version(sock_path: str) -> str:
    """The engine's API version, from /_ping's Api-Version header."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.sendall(b"GET /_ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    for line in data.split(b"\r\n"):
        if line.lower().startswith(b"api-version:"):
            return line.split(b":", 1)[1].strip().decode()
    raise SystemExit("the engine sent no Api-Version")


def raw_socket_seconds(sock_path: str, version: str, n: int) -> float:
    """Seconds for `n` GET /_ping over one keep-alive unix socket, hand-written HTTP: the floor."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    req = f"GET /v{version}/_ping HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()
    buf = b""
    start = time.perf_counter()
    for _ in range(n):
        s.sendall(req)
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                length = int(buf[:end].lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(buf) >= end + 4 + length:
                    buf = buf[end + 4 + length:]
                    break
            buf += s.recv(65536)
    elapsed = time.perf_counter() - start
    s.close()
    return elapsed


def curl_seconds_per_request(sock_path: str, version: str, runs: int) -> float:
    """Seconds per `curl --unix-socket … /_ping` process, over `runs` runs."""
    url = f"http://localhost/v{version}/_ping"
    start = time.perf_counter()
    for _ in range(runs):
        subprocess.run(["curl", "-s", "--unix-socket", sock_path, url], stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) / runs
