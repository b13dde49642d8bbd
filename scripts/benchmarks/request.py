"""scripts/bench request: GET /_ping throughput and start-up time, as ratios to baselines run now."""
from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time

from baselines import curl_seconds_per_request, raw_socket_seconds
from explorer.config import Settings, parse_host
from explorer.output import Console
from explorer.request import Request
from explorer.session import Session
from explorer.transport import Endpoint, Transport

N = 2000
CURL_RUNS = 200
START_RUNS = 30


def transport_rate(sock_path: str, version: str) -> float:
    t = Transport(Endpoint(sock_path))
    req = Request("GET", "/_ping", api_version=version)
    start = time.perf_counter()
    for _ in range(N):
        t.send(req)
    elapsed = time.perf_counter() - start
    t.close()
    return N / elapsed


def bare_pycurl_rate(sock_path: str, version: str) -> float:
    """libcurl's own ceiling: one handle, URL set once, no callbacks but the body writer."""
    import pycurl

    c = pycurl.Curl()
    c.setopt(pycurl.UNIX_SOCKET_PATH, sock_path)
    c.setopt(pycurl.URL, f"http://localhost/v{version}/_ping")
    c.setopt(pycurl.NOSIGNAL, 1)
    c.setopt(pycurl.WRITEFUNCTION, lambda data: None)
    start = time.perf_counter()
    for _ in range(N):
        c.perform()
    elapsed = time.perf_counter() - start
    c.close()
    return N / elapsed


def session_rate(host: str) -> float:
    console = Console(stdout=io.BytesIO(), stderr=io.BytesIO())
    session = Session(Settings(host=host), console)
    session.execute("GET /_ping")  # negotiation and spec load are start-up, not per request
    start = time.perf_counter()
    for _ in range(N):
        console.stdout.seek(0)
        console.stdout.truncate()
        assert session.execute("GET /_ping").ok
    elapsed = time.perf_counter() - start
    session.close()
    return N / elapsed


BARE = """import pycurl, io
buf = io.BytesIO()
c = pycurl.Curl()
c.setopt(pycurl.UNIX_SOCKET_PATH, {sock!r})
c.setopt(pycurl.URL, "http://localhost/v{version}/_ping")
c.setopt(pycurl.WRITEDATA, buf)
c.perform()
c.close()
print(buf.getvalue().decode())
"""


def start_times(host: str, sock_path: str, version: str) -> tuple:
    """Median wall time of `engine-explorer -c /_ping` and of a bare pycurl script, interleaved."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(BARE.format(sock=sock_path, version=version))
    ours_cmd = [sys.executable, "-m", "explorer", "-H", host, "-c", "/_ping"]
    bare_cmd = [sys.executable, fh.name]
    subprocess.run(ours_cmd, check=True, capture_output=True)  # warm the spec cache
    ours, bare = [], []
    for _ in range(START_RUNS):
        for cmd, acc in ((ours_cmd, ours), (bare_cmd, bare)):
            t = time.perf_counter()
            out = subprocess.run(cmd, check=True, capture_output=True).stdout
            acc.append(time.perf_counter() - t)
            assert out.strip() == b"OK", out
    os.unlink(fh.name)
    return statistics.median(ours), statistics.median(bare)


def main() -> None:
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    sock_path, _ = parse_host(host)
    version = Session(Settings(host=host), Console(stdout=io.BytesIO(), stderr=io.BytesIO())).api_version()
    floor = N / raw_socket_seconds(sock_path, version, N)
    rates = {
        "raw keep-alive socket (floor)": floor,
        "bare pycurl loop (libcurl ceiling)": bare_pycurl_rate(sock_path, version),
        "transport.send": transport_rate(sock_path, version),
        "session.execute": session_rate(host),
        f"curl CLI loop ({CURL_RUNS} runs)": 1 / curl_seconds_per_request(sock_path, version, CURL_RUNS),
    }
    print(f"GET /_ping x{N} against {host} (API {version})")
    for name, rate in rates.items():
        print(f"  {name:<36} {rate:9.0f} req/s   {rate / floor:5.2f}x floor")
    print("  targets: transport >= 0.85x floor, session >= 0.50x floor")
    ours, bare = start_times(host, sock_path, version)
    print(f"whole process, median of {START_RUNS}: engine-explorer -c /_ping {ours * 1000:.1f} ms, "
          f"bare pycurl script {bare * 1000:.1f} ms: {ours / bare:.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
