"""scripts/bench completion: completion latency, start-to-prompt time and memory of the REPL.

From one run:
  * p50/p99 latency of what Tab computes (`complete()`, then what to insert) over every prefix of
    >= 200 realistic lines, on the v1.56 spec and on a generated 5,000-path spec (targets: p99 <= 5 ms
    and <= 15 ms), and with 10,000 containers and 5,000 images from a fake engine (p99 <= 15 ms);
  * the time from a change made outside to its being offered, and the idle CPU of the events
    follower (livevalues.py);
  * warm start-to-prompt of the REPL in a pseudo-terminal vs `python -c 'import prompt_toolkit, pycurl'`
    (target <= 1.3x);
  * resident memory of the REPL with v1.56 loaded, after completing against it (target <= 60 MiB).
The engine comes from DOCKER_HOST (scripts/bench starts one); without it, live values are synthetic only.
"""
from __future__ import annotations

import os
import pty
import random
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import livevalues  # beside this file: scripts/bench runs it from here

from explorer.completion.candidates import Sources, complete
from explorer.completion.insertion import insertion
from explorer.completion.live import LiveValue, Snapshot, collect, engine_getter
from explorer.completion.overlay import load as load_overlay
from explorer.completion.specview import SpecView
from explorer.core.config import Endpoint, parse_host
from explorer.spec import load_index
from explorer.spec.index import SpecIndex
from explorer.spec.model import Operation, Param, SpecInfo

META = ("edit", "exit", "help", "quit", "refresh", "version")
START_RUNS = 15
PROMPT = b" >"  # the prompt's end (`docker 1.41 >`; styles split it from its trailing space)
SYNTHETIC = 100  # extra live values per list, on top of what the engine has


def spec_dir() -> str:
    """ENGINE_EXPLORER_SPEC_DIR, else shared/specs/docker-engine beside the repo."""
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "shared", "specs", "docker-engine")
    return os.environ.get("ENGINE_EXPLORER_SPEC_DIR") or os.path.abspath(default)


# -- realistic lines -----------------------------------------------------------------------

def lines_for(view: SpecView, rng: random.Random, limit: int) -> list:
    """Per operation: a path line with query items and body fields, and an operationId line."""
    out = []
    for op in view.index.operations:
        path = op.path
        for p in op.params_in("path"):
            path = path.replace("{" + p.name + "}", rng.choice(["web", "db-1", "busybox:local", "a1b2c3d4e5f6"]))
        items = [f"{p.name}=={_value(p.type, p.enum)}" for p in op.params_in("query")[:2]]
        items += _body_items(view, op, rng)
        out.append(" ".join([op.method, path] + items))
        ids = [f"{p.name}==web" for p in op.params_in("path")]
        out.append(" ".join([op.operation_id] + ids + items[:1]))
        if len(out) >= limit:
            break
    out += ["help " + op.operation_id for op in view.index.operations[:10]]
    return out


def _value(kind: str, enum: tuple) -> str:
    if enum:
        return str(enum[0])
    return {"boolean": "true", "integer": "10"}.get(kind, "x")


def _body_items(view: SpecView, op, rng: random.Random) -> list:
    if op.body is None:
        return []
    items = []
    for name, schema in view.fields(op, ())[:12:3]:
        nested = view.fields(op, (name,))
        if nested:
            inner, _ = rng.choice(nested)
            items.append(f"{name}[{inner}]=x")
        else:
            items.append(f"{name}={'x' if schema.get('type', 'string') == 'string' else '1'}")
    return items


# -- a generated 5,000-path spec -----------------------------------------------------------

def generated_index(paths: int = 5000) -> SpecIndex:
    """A spec shaped like Docker's, scaled: resources × sub-resources, with bodies and query params."""
    ops = []
    body = {"type": "object", "required": ["Name"], "properties": {
        "Name": {"type": "string"}, "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "Config": {"$ref": "#/definitions/Config"}, "Count": {"type": "integer"}}}
    definitions = {"Config": {"type": "object", "properties": {
        f"Field{i}": {"type": "string" if i % 2 else "boolean"} for i in range(40)}}}
    query = (Param("all", "query", "boolean"), Param("limit", "query", "integer"),
             Param("filters", "query", "string", description="Filters:\n- `name`=(<name>)\n- `label`=(<key>)\n"))
    resources, per = 250, paths // 250
    for r in range(resources):
        ops.append(Operation("GET", f"/res{r}/json", f"Res{r}List", f"List res{r}", params=query))
        ops.append(Operation("POST", f"/res{r}/create", f"Res{r}Create", f"Create res{r}",
                             params=(Param("body", "body", required=True, schema=body),)))
        for s in range(per - 2):
            ops.append(Operation("GET" if s % 3 else "POST", f"/res{r}/{{id}}/sub{s}", f"Res{r}Sub{s}",
                                 f"Sub-resource {s} of res{r}", params=(Param("id", "path", "string", True),)))
    return SpecIndex(SpecInfo("generated", "0" * 64, api_version="9.99"), tuple(ops), definitions)


# -- latency ---------------------------------------------------------------------------------

def latencies(lines: list, sources: Sources) -> list:
    """Seconds a Tab computes (candidates, then what goes in) on every prefix of every line."""
    times = []
    for line in lines:
        for end in range(len(line) + 1):
            start = time.perf_counter()
            text = line[:end]
            insertion(text, complete(text, sources))
            times.append(time.perf_counter() - start)
    return times


def pct(values: list, q: float) -> float:
    """The q-quantile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def live_snapshot() -> Snapshot:
    """The engine's live values (if any) plus SYNTHETIC more of each list."""
    ov = load_overlay()
    snap = Snapshot(overlay=ov)
    host = os.environ.get("DOCKER_HOST")
    if host:
        socket, base = parse_host(host)
        get = engine_getter(Endpoint(socket, base))
        snap = collect(ov, get)
        get.close()
    values = {s.name: tuple(snap.values.get(s.name, ())) + tuple(
        LiveValue(f"{s.name[:-1]}-{i:03d}", s.label) for i in range(SYNTHETIC)) for s in ov.lists}
    return Snapshot(values, ov, snap.reachable, snap.engine_version, snap.engine_kind)


def report_latency(name: str, view: SpecView, live: Snapshot, target_ms: float, extra: tuple = ()) -> None:
    """Print p50/p99 over every prefix of the realistic lines of `view`'s spec (and `extra` lines)."""
    lines = lines_for(view, random.Random(7), 400) + list(extra)
    sources = Sources(view, live, {"NAME": "web"}, META)
    latencies(lines[:20], sources)  # warm: path tree, resolved schemas, as after the first keystrokes
    times = latencies(lines, sources)
    p50, p99 = pct(times, 0.5) * 1000, pct(times, 0.99) * 1000
    verdict = "ok" if p99 <= target_ms else "MISSED"
    print(f"  {name:<26} {len(lines)} lines, {len(times)} prefixes: p50 {p50:.3f} ms, p99 {p99:.3f} ms, "
          f"max {max(times) * 1000:.2f} ms (target p99 <= {target_ms:g} ms: {verdict})")


# -- start-up and memory, in a pseudo-terminal -----------------------------------------------

def child_env(state_dir: str) -> dict:
    """The REPL's environment: our spec folder, a throwaway history, a plain terminal."""
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=spec_dir(), XDG_STATE_HOME=state_dir, TERM="xterm")
    env.pop("ENGINE_EXPLORER_DEBUG", None)
    return env


def spawn(argv: list, env: dict) -> tuple:
    """Start `argv` in a 120x40 pseudo-terminal; (pid, master fd)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    import fcntl
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    return pid, fd


def read_until(fd: int, needle: bytes, timeout: float = 20.0) -> bytes:
    """Read the terminal until `needle`, answering cursor position requests as a terminal would."""
    seen, end = b"", time.monotonic() + timeout
    while needle not in seen:
        if seen.count(b"\x1b[6n") > seen.count(b"<answered>"):
            os.write(fd, b"\x1b[1;1R")
            seen += b"<answered>"
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            raise TimeoutError(f"no {needle!r} after {timeout} s; got {seen[-300:]!r}")
        try:
            seen += os.read(fd, 65536)
        except OSError:
            raise TimeoutError(f"the process ended before {needle!r}; got {seen[-300:]!r}") from None
    return seen


def finish(pid: int, fd: int) -> None:
    """Ctrl-D, wait for the REPL to leave (kill it after 5 s)."""
    try:
        os.write(fd, b"\x04")  # Ctrl-D at the prompt
        end = time.monotonic() + 5
        while time.monotonic() < end:
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
            try:
                select.select([fd], [], [], 0.05) and os.read(fd, 65536)
            except OSError:
                pass
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    finally:
        os.close(fd)


def start_to_prompt(env: dict) -> float:
    """Seconds from exec to the first prompt on the terminal."""
    start = time.perf_counter()
    pid, fd = spawn([sys.executable, "-m", "explorer"], env)
    read_until(fd, PROMPT)
    elapsed = time.perf_counter() - start
    finish(pid, fd)
    return elapsed


def baseline() -> float:
    """Seconds for `python -c 'import prompt_toolkit, pycurl'`."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import prompt_toolkit, pycurl"], check=True)
    return time.perf_counter() - start


def resident_mib(env: dict, spec: str) -> float:
    """VmRSS of the REPL with `spec` loaded, after completions touched its paths and bodies."""
    pid, fd = spawn([sys.executable, "-m", "explorer", "--spec", spec], env)
    read_until(fd, PROMPT)
    for text in (b"POST /containers/create HostConfig[", b"GET /containers/", b"Container"):
        os.write(fd, text + b"\t")
        time.sleep(0.3)
        os.write(fd, b"\x15")  # Ctrl-U: clear the line
    time.sleep(0.5)
    with open(f"/proc/{pid}/status") as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    finish(pid, fd)
    return rss / 1024


def main() -> None:
    """Run everything and print the figures."""
    v156 = os.path.join(spec_dir(), "v1.56.yaml")
    live = live_snapshot()
    counts = ", ".join(f"{n} {k}" for k, n in ((k, len(v)) for k, v in live.values.items()))
    print(f"completion latency (live values: {counts}; engine {'reachable' if live.reachable else 'absent'})")
    report_latency("v1.56 spec", SpecView(load_index(v156)), live, 5.0)
    report_latency("generated 5,000-path spec", SpecView(generated_index()), live, 15.0)
    big, took = livevalues.big_snapshot()
    print(f"  (fake engine: {livevalues.big_snapshot_sizes(big)}, collected and sorted in {took * 1000:.0f} ms)")
    named = tuple(livevalues.live_lines(random.Random(11)))
    report_latency("v1.56, 10k/5k live names", SpecView(load_index(v156)), big, 15.0, named)
    if live.reachable:
        livevalues.report_engine(os.environ["DOCKER_HOST"])

    with tempfile.TemporaryDirectory() as state:
        env = child_env(state)
        start_to_prompt(env)  # warm the spec cache and the OS file cache
        ours, base = [], []
        for _ in range(START_RUNS):
            ours.append(start_to_prompt(env))
            base.append(baseline())
        o, b = statistics.median(ours), statistics.median(base)
        print(f"warm start-to-prompt, median of {START_RUNS}: REPL {o * 1000:.1f} ms, "
              f"`python -c 'import prompt_toolkit, pycurl'` {b * 1000:.1f} ms: {o / b:.2f}x (target <= 1.3x)")
        rss = resident_mib(env, v156)
        print(f"resident memory of the REPL with v1.56 loaded: {rss:.1f} MiB (target <= 60 MiB)")


if __name__ == "__main__":
    main()
