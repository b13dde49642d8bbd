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

from explorer.core.config import Endpoint, Settings, parse_host
from explorer.core.console import Console
from explorer.http.request import Request
from explorer.http.transport import Transport
from explorer.shell.session import Session

N = 2000
CURL_RUNS = 200
START_RUNS = 30


ROUNDS = 10  # the methods take turns, N / ROUNDS requests at a time: drift hits them all alike


def transport_loop(sock_path: str, version: str):
    t = Transport(Endpoint(sock_path))  # as a non-interactive run has it (no progress callback)
    req = Request("GET", "/_ping", api_version=version)
    t.send(req)

    def run(n: int) -> None:
        for _ in range(n):
            t.send(req)
    return run


def bare_pycurl_loop(sock_path: str, version: str):
    """libcurl's own ceiling: one handle, URL set once, no callbacks but the body writer."""
    import pycurl

    c = pycurl.Curl()
    c.setopt(pycurl.UNIX_SOCKET_PATH, sock_path)
    c.setopt(pycurl.URL, f"http://localhost/v{version}/_ping")
    c.setopt(pycurl.NOSIGNAL, 1)
    c.setopt(pycurl.WRITEFUNCTION, lambda data: None)
    c.perform()

    def run(n: int) -> None:
        for _ in range(n):
            c.perform()
    return run


def session_loop(host: str):
    console = Console(stdout=io.BytesIO(), stderr=io.BytesIO())
    session = Session(Settings(host=host), console)
    session.execute("GET /_ping")  # negotiation and spec load are start-up, not per request

    def run(n: int) -> None:
        for _ in range(n):
            console.stdout.seek(0)
            console.stdout.truncate()
            assert session.execute("GET /_ping").ok
    return run


def floor_loop(sock_path: str, version: str):
    def run(n: int) -> None:
        raw_socket_seconds(sock_path, version, n)
    return run


def interleaved_rates(loops: dict) -> dict:
    """Requests per second of each loop: the median over ROUNDS turns of N / ROUNDS requests."""
    per_round = N // ROUNDS
    times: dict = {name: [] for name in loops}
    for _ in range(ROUNDS):
        for name, run in loops.items():
            start = time.perf_counter()
            run(per_round)
            times[name].append(time.perf_counter() - start)
    return {name: per_round / statistics.median(spent) for name, spent in times.items()}


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
    floor_name = "raw keep-alive socket (floor)"
    rates = interleaved_rates({
        floor_name: floor_loop(sock_path, version),
        "bare pycurl loop (libcurl ceiling)": bare_pycurl_loop(sock_path, version),
        "transport.send": transport_loop(sock_path, version),
        "session.execute": session_loop(host),
    })
    rates[f"curl CLI loop ({CURL_RUNS} runs)"] = 1 / curl_seconds_per_request(sock_path, version, CURL_RUNS)
    floor = rates[floor_name]
    print(f"GET /_ping x{N} against {host} (API {version}); each loop {ROUNDS} turns of {N // ROUNDS}, "
          "median turn")
    for name, rate in rates.items():
        print(f"  {name:<36} {rate:9.0f} req/s   {rate / floor:5.2f}x floor")
    print("  targets: transport >= 0.85x floor, session >= 0.50x floor")
    bare = rates["bare pycurl loop (libcurl ceiling)"]
    print(f"  transport.send is {rates['transport.send'] / bare:.2f}x the bare pycurl loop; "
          f"session.execute {rates['session.execute'] / bare:.2f}x")
    ours, bare = start_times(host, sock_path, version)
    print(f"whole process, median of {START_RUNS}: engine-explorer -c /_ping {ours * 1000:.1f} ms, "
          f"bare pycurl script {bare * 1000:.1f} ms: {ours / bare:.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
