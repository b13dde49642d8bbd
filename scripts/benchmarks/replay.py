"""scripts/bench replay: a 2,000-line `GET /_ping` script through `engine-explorer -f`, against
the raw-socket floor and a curl CLI loop measured in the same run. Prints the ratios.

The -f figure is the whole process (start-up, negotiation, spec load and all 2,000 requests);
the start-up of a one-line script is also shown, and the rate without it, to tell the two apart.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from baselines import (
    api_version,
    curl_seconds_per_request,
    raw_socket_seconds,
    socket_path,
)

N = 2000
CURL_RUNS = 200
REPEATS = 5  # median of this many runs for each timed figure
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def python() -> str:
    """.venv's python when there is one (scripts/test makes it), else the one running this."""
    venv = os.path.join(ROOT, ".venv", "bin", "python")
    return venv if os.path.exists(venv) else sys.executable


def replay_seconds(host: str, script: str) -> float:
    """Wall time of `engine-explorer -f script`, a fresh process, bodies to /dev/null."""
    cmd = [python(), "-m", "explorer", "-H", host, "-f", script]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def write_script(folder: str, name: str, lines: int) -> str:
    path = os.path.join(folder, name)
    with open(path, "w") as fh:
        fh.write("# scripts/bench replay\n" + "GET /_ping\n" * lines)
    return path


def main() -> None:
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    sock_path = socket_path(host)
    version = api_version(sock_path)
    with tempfile.TemporaryDirectory(prefix="ee-bench-") as folder:
        big, one = write_script(folder, "ping.ee", N), write_script(folder, "one.ee", 1)
        replay_seconds(host, one)  # warm the spec cache and the page cache
        floors, runs, starts = [], [], []
        for _ in range(REPEATS):  # taking turns, so machine drift hits each figure alike
            floors.append(raw_socket_seconds(sock_path, version, N))
            runs.append(replay_seconds(host, big))
            starts.append(replay_seconds(host, one))
        floor, ours, start_up = (statistics.median(x) for x in (floors, runs, starts))
    curl = curl_seconds_per_request(sock_path, version, CURL_RUNS)
    rates = {
        "raw keep-alive socket (floor)": N / floor,
        f"engine-explorer -f, {N} lines": N / ours,
        "  the same, start-up taken off": N / max(ours - start_up, 1e-9),
        f"curl CLI loop ({CURL_RUNS} runs)": 1 / curl,
    }
    print(f"GET /_ping x{N} against {host} (API {version}); median of {REPEATS} turns")
    for name, rate in rates.items():
        print(f"  {name:<34} {rate:8.0f} req/s   {rate * floor / N:5.2f}x floor   {rate * curl:6.1f}x curl")
    print(f"  start-up of a one-line script: {start_up * 1000:.0f} ms")
    print("  targets: engine-explorer -f >= 0.50x floor and >= 40x curl")


if __name__ == "__main__":
    main()
