"""scripts/bench stream: a container's 200 MB of logs, demultiplexed by engine-explorer, against curl.

Both fetch the same logs in the same run, alternately: `engine-explorer -c 'GET …/logs'` with its
stdout on /dev/null (framed stdout/stderr demultiplexed as they arrive) and `curl --unix-socket …
-o /dev/null` (the raw frames). Prints throughput of each, the ratio (target >= 0.8x curl) and the
peak resident memory of the engine-explorer process above that of `-c /_ping` (target < 32 MiB).

Peak memory is the process's own VmHWM, read by the process as it ends: wait4's ru_maxrss would
start from this script's size (Linux carries it across fork and exec).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse

from explorer.core.config import parse_host

SIZE = 200 * 1024 * 1024
LINE = 1024  # bytes per log line, newline included: the engine frames each line
RUNS = 3
# engine-explorer's own entry point, then its peak RSS on stderr
RUNNER = ("import sys\nfrom explorer.cli import main\ncode = main(sys.argv[1:])\nsys.stdout.flush()\n"
          "sys.stderr.write(next(ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')))\n"
          "raise SystemExit(code)\n")


def api(sock: str, method: str, path: str, body=None) -> bytes:
    """One request by curl (setup only)."""
    argv = ["curl", "-sS", "--fail", "--unix-socket", sock, "-X", method]
    if body is not None:
        argv += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    return subprocess.run(argv + ["http://localhost" + path], check=True, capture_output=True).stdout


def make_logs(sock: str, version: str) -> str:
    """A stopped container whose log holds SIZE bytes of stdout (and one stderr line)."""
    script = f"yes $(printf '%0{LINE - 1}d' 0) | head -c {SIZE}; echo done >&2"
    body = {"Image": "busybox:local", "Cmd": ["sh", "-c", script], "HostConfig": {"NetworkMode": "none"}}
    cid = json.loads(api(sock, "POST", f"/v{version}/containers/create", body))["Id"]
    api(sock, "POST", f"/v{version}/containers/{cid}/start")
    api(sock, "POST", f"/v{version}/containers/{cid}/wait")
    return cid


def timed(argv) -> tuple:
    """(seconds, peak RSS in KiB or None) of one run with stdout on /dev/null, which must succeed."""
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv[:3]}… failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    last = done.stderr.splitlines()[-1:] or [b""]
    return elapsed, int(last[0].split()[1]) if last[0].startswith(b"VmHWM") else None


def counted(argv) -> tuple:
    """(stdout bytes, stderr) of a run: proves the measured path delivers the whole log."""
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    size = sum(len(block) for block in iter(lambda: child.stdout.read(1 << 20), b""))
    err = child.stderr.read()
    child.wait()
    return size, err


def main() -> None:
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    sock, _ = parse_host(host)
    version = json.loads(api(sock, "GET", "/version"))["ApiVersion"]
    print(f"making {SIZE >> 20} MB of logs ({LINE}-byte lines) on {host}…", flush=True)
    cid = make_logs(sock, version)
    try:
        query = urllib.parse.urlencode({"stdout": 1, "stderr": 1})
        curl = ["curl", "-sS", "--unix-socket", sock, "-o", "/dev/null",
                f"http://localhost/v{version}/containers/{cid}/logs?{query}"]
        ours = [sys.executable, "-c", RUNNER, "-H", host, "-c", f"GET /containers/{cid}/logs stdout==1 stderr==1"]
        size, err = counted(ours)
        assert size == SIZE and err.startswith(b"done\nVmHWM"), (size, err)
        _, idle_rss = timed([sys.executable, "-c", RUNNER, "-H", host, "-c", "/_ping"])
        curl_times, our_times, our_rss = [], [], []
        for _ in range(RUNS):
            curl_times.append(timed(curl)[0])
            seconds, rss = timed(ours)
            our_times.append(seconds)
            our_rss.append(rss)
        report(min(curl_times), min(our_times), max(our_rss), idle_rss)
    finally:
        api(sock, "DELETE", f"/v{version}/containers/{cid}?force=1")


def report(curl_s: float, ours_s: float, peak_kib: int, idle_kib: int) -> None:
    """Throughputs, their ratio and memory growth, against the targets."""
    mb = SIZE / 1e6
    ratio = curl_s / ours_s
    print(f"  curl --unix-socket -o /dev/null   {mb / curl_s:8.0f} MB/s  ({curl_s:.2f} s, best of {RUNS})")
    print(f"  engine-explorer, demultiplexed    {mb / ours_s:8.0f} MB/s  ({ours_s:.2f} s, best of {RUNS})")
    print(f"  throughput ratio {ratio:.2f}x curl (target >= 0.8x)")
    print(f"  peak RSS {peak_kib / 1024:.1f} MiB, `-c /_ping` {idle_kib / 1024:.1f} MiB: growth "
          f"{(peak_kib - idle_kib) / 1024:+.1f} MiB (target < 32 MiB)")


if __name__ == "__main__":
    main()
