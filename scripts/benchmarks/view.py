"""scripts/bench view: the table view of a long list, and the CPU the live stats view costs.

1. A 10,000-container ContainerList body (the engine's own item, repeated with new IDs, names and
   times) served by the tests' recording server; `engine-explorer --view table -c 'GET /containers/json'`
   writing to a pseudo-terminal (so the table is drawn; pager off), against `python -m json.tool` on
   the same body into the same kind of terminal. Whole processes both: start-up included. Target:
   the table <= 1.5x json.tool.
2. `stats` at the prompt of a shell on a pseudo-terminal with 50 running containers: the shell's
   own CPU time (/proc/PID/stat utime + stime) over WINDOW seconds of refreshing, once the table
   shows all 50. Target: under 5% of one CPU.
"""
from __future__ import annotations

import json
import os
import pty
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)  # tests.recording_server: the one fake engine the suite uses too

from explorer.core.config import parse_host  # noqa: E402
from tests.recording_server import RecordingServer  # noqa: E402

ITEMS = 10_000
RUNS = 5
CONTAINERS = 50
WINDOW = 10.0  # seconds of stats refreshing measured
ENV = dict(os.environ, COLUMNS="200", LINES="60", PAGER="", TERM="xterm")


def api(sock: str, method: str, path: str, body=None) -> bytes:
    """One request by curl (setup only)."""
    argv = ["curl", "-sS", "--fail", "--unix-socket", sock, "-X", method]
    if body is not None:
        argv += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    return subprocess.run(argv + ["http://localhost" + path], check=True, capture_output=True).stdout


def big_list(sock: str) -> bytes:
    """ITEMS containers as the engine lists them: a real item of this engine, varied."""
    name = f"ee-bench-view-{os.getpid()}"
    api(sock, "POST", f"/containers/create?name={name}",
        {"Image": "busybox:local", "Cmd": ["sleep", "60"], "HostConfig": {"NetworkMode": "none"}})
    try:
        item = next(c for c in json.loads(api(sock, "GET", "/containers/json?all=1")) if f"/{name}" in c["Names"])
    finally:
        api(sock, "DELETE", f"/containers/{name}?force=1")
    items = []
    for i in range(ITEMS):
        items.append(dict(item, Id=f"{i:064x}", Names=[f"/bench-{i}"], Created=item["Created"] - i * 37,
                          Command=f"sleep {i}"))
    return json.dumps(items, separators=(",", ":")).encode()


def to_null(argv) -> float:
    """Seconds of a command whose stdout is /dev/null: its own work, no terminal to feed."""
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=ENV)
    return time.perf_counter() - start


def on_a_terminal(argv) -> tuple:
    """(seconds, bytes written) of a command whose stdout is a pseudo-terminal, drained as it writes."""
    main, child = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=child, stderr=subprocess.PIPE, env=ENV,
                            stdin=subprocess.DEVNULL)
    os.close(child)
    size = 0
    while True:
        try:
            chunk = os.read(main, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        size += len(chunk)
    proc.wait()
    elapsed = time.perf_counter() - start
    os.close(main)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:4]}… failed ({proc.returncode}): {proc.stderr.read().decode(errors='replace')}")
    return elapsed, size


def table_figures(sock: str) -> None:
    body = big_list(sock)
    with tempfile.NamedTemporaryFile(suffix=".json") as fh, RecordingServer(body=body) as server:
        fh.write(body)
        fh.flush()
        ours = [sys.executable, "-m", "explorer", "-H", f"unix://{server.path}", "--view", "table",
                "-c", "GET /containers/json"]
        tool = [sys.executable, "-m", "json.tool", fh.name]
        on_a_terminal(ours), on_a_terminal(tool)  # warm: page cache, .pyc, the spec cache
        table, tool_tty, tool_null = [], [], []
        for _ in range(RUNS):
            seconds, table_size = on_a_terminal(ours)
            table.append(seconds)
            tool_null.append(to_null(tool))
        for _ in range(2):  # json.tool into a terminal: 12 MB through the line discipline is slow
            seconds, tool_size = on_a_terminal(tool)
            tool_tty.append(seconds)
    t, j, jt = statistics.median(table), statistics.median(tool_null), statistics.median(tool_tty)
    print(f"table of {ITEMS:,} containers ({len(body) / 1e6:.1f} MB body) drawn on a terminal: {t * 1000:.0f} ms "
          f"({table_size / 1e6:.1f} MB drawn)")
    print(f"  python -m json.tool on the same body into /dev/null: {j * 1000:.0f} ms -> ratio {t / j:.2f}x "
          f"(target <= 1.5x); into a terminal: {jt * 1000:.0f} ms ({tool_size / 1e6:.1f} MB) -> {t / jt:.2f}x")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_until(fd: int, predicate, timeout: float) -> bytes:
    """Read the terminal until `predicate(all read so far)` holds."""
    seen = b""
    deadline = time.monotonic() + timeout
    while not predicate(seen):
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"timed out; the screen so far ends: {seen[-500:]!r}")
        if select.select([fd], [], [], left)[0]:
            seen += os.read(fd, 1 << 16)
    return seen


def drain(fd: int, seconds: float) -> None:
    """Keep reading the terminal (as a terminal would) for `seconds`."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0]:
            os.read(fd, 1 << 16)


def stats_figures(host: str, sock: str) -> None:
    names = [f"ee-bench-stats-{os.getpid()}-{i}" for i in range(CONTAINERS)]
    print(f"starting {CONTAINERS} containers…", flush=True)
    try:
        for name in names:
            api(sock, "POST", f"/containers/create?name={name}",
                {"Image": "busybox:local", "Cmd": ["sleep", "600"], "HostConfig": {"NetworkMode": "none"}})
            api(sock, "POST", f"/containers/{name}/start")
        main, child = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "explorer", "-H", host], stdin=child, stdout=child,
                                stderr=child, env=ENV, start_new_session=True)
        os.close(child)
        try:
            read_until(main, lambda s: b"CPR" in s, 60)  # the prompt, ready once it gave up on cursor reports
            os.write(main, b"stats\r")
            read_until(main, lambda s: all(n.encode() in s for n in names), 120)
            drain(main, 2.0)  # the first relist and the first full drawings done
            before, start = cpu_seconds(proc.pid), time.monotonic()
            drain(main, WINDOW)
            used, wall = cpu_seconds(proc.pid) - before, time.monotonic() - start
            proc.send_signal(signal.SIGINT)  # Ctrl-C (this pty is not its controlling terminal)
            read_until(main, lambda s: b" >" in s, 30)
            os.write(main, b"exit\r")
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
            os.close(main)
        print(f"stats of {CONTAINERS} containers, refreshed each second: {used / wall * 100:.1f}% of one CPU "
              f"over {wall:.0f} s (target < 5%)")
    finally:
        for name in names:
            subprocess.run(["curl", "-sS", "--unix-socket", sock, "-X", "DELETE",
                            f"http://localhost/containers/{name}?force=1"], capture_output=True)


def main() -> None:
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    sock, _ = parse_host(host)
    table_figures(sock)
    stats_figures(host, sock)


if __name__ == "__main__":
    main()
