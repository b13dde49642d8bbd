"""scripts/bench completion, its live-values cases (run by completion.py; `scripts/bench livevalues` alone):

  * a snapshot of 10,000 containers and 5,000 images, served by the tests' recording server
    (a unix-socket fake engine), and lines that type their names, for completion's latency;
  * the time from a change made outside (a container created over a socket of our own) to its
    name being offered, with the events follower on the real engine (target <= 1 s);
  * the idle CPU of the live-values threads while the follower waits for events (target < 1%).
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from explorer.completion.events import EventFollower  # noqa: E402
from explorer.completion.live import Snapshot, collect, engine_getter  # noqa: E402
from explorer.completion.overlay import load as load_overlay  # noqa: E402
from explorer.completion.refresher import Refresher  # noqa: E402
from explorer.core.config import Endpoint, parse_host  # noqa: E402
from explorer.http.request import Request  # noqa: E402
from explorer.http.transport import Transport  # noqa: E402
from tests.recording_server import RecordingServer  # noqa: E402  # the repo's fake engine, off sys.path until here

CONTAINERS, IMAGES = 10_000, 5_000
CHANGES = 10  # outside changes timed
IDLE_S = 10.0  # seconds of idle following measured
WAIT_S = 30.0


def container_name(i: int) -> str:
    """Names that share prefixes as a real fleet's do (`svc07-web-00123`)."""
    return f"svc{i % 50:02d}-{('web', 'db', 'worker', 'cache')[i % 4]}-{i:05d}"


def image_tag(i: int) -> str:
    return f"registry.example/team{i % 20:02d}/app{i:04d}:v{i % 7}"


def engine_bodies() -> dict:
    """What the fake engine answers, by path: the big lists, and empty other lists."""
    containers = [{"Id": f"{i:064x}", "Names": [f"/{container_name(i)}"], "State": "exited",
                   "Image": image_tag(i % IMAGES)} for i in range(CONTAINERS)]
    images = [{"Id": f"sha256:{i + 1:064x}", "RepoTags": [image_tag(i)]} for i in range(IMAGES)]
    bodies = {"/containers/json": containers, "/images/json": images, "/networks": [], "/plugins": [],
              "/volumes": {"Volumes": []}, "/_ping": "OK"}
    return {path: json.dumps(body).encode() for path, body in bodies.items()}


def big_snapshot() -> tuple:
    """(Snapshot of the fake engine's lists, sorted as the refresher does; seconds the refresh took)."""
    with RecordingServer(bodies=engine_bodies()) as server:
        get = engine_getter(Endpoint(server.path))
        try:
            start = time.perf_counter()
            snap = collect(load_overlay(), get).prepared()
            took = time.perf_counter() - start
        finally:
            get.close()
    if snap.counts().get("containers") != CONTAINERS or snap.counts().get("images") != IMAGES:
        raise SystemExit(f"the fake engine's lists did not come through: {snap.counts()} ({snap.error})")
    return snap, took


def live_lines(rng: random.Random, count: int = 60) -> list:
    """Lines that type live names where they go: path parameters, operationId items, body fields."""
    out = []
    for _ in range(count):
        name, tag = container_name(rng.randrange(CONTAINERS)), image_tag(rng.randrange(IMAGES))
        out += [f"GET /containers/{name}/json", f"DELETE /containers/{name} force==1",
                f"ContainerInspect id=={name}", f"GET /images/{tag}/json",
                f"POST /containers/create Image={tag} HostConfig[NetworkMode]=none"]
    return out


# -- the real engine: outside changes and idle following ---------------------------------------

def following(host: str) -> tuple:
    """A refresher following `host`'s events, as the REPL starts one; (refresher, updated event)."""
    socket, base = parse_host(host)
    endpoint = Endpoint(socket, base)
    updated = threading.Event()
    live = Refresher(lambda: engine_getter(endpoint), on_update=updated.set,
                     make_follower=lambda ov, request: EventFollower(endpoint, ov, request))
    live.start()
    end = time.monotonic() + WAIT_S
    while not (live.wait_first(0.05) and live.following):
        if time.monotonic() > end:
            live.close()
            raise SystemExit("the events stream never connected")
    live.wait(WAIT_S)
    return live, updated


def offered_after_change(host: str) -> list:
    """Seconds from the request creating a container (from a client of our own) to its name being offered."""
    live, updated = following(host)
    socket, base = parse_host(host)
    client = Transport(Endpoint(socket, base))
    times, names = [], []
    body = json.dumps({"Image": "busybox:local", "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}}).encode()
    try:
        for i in range(CHANGES):
            name = f"ee-bench-{os.getpid()}-{i}"
            names.append(name)
            updated.clear()
            sent = time.perf_counter()  # the engine reports the event before it answers: time from here
            resp = client.send(Request("POST", "/containers/create", (("name", name),),
                                       (("Content-Type", "application/json"),), body))
            if resp.status != 201:
                raise SystemExit(f"cannot create a container: {resp.status} {resp.body[:200]!r}")
            while not any(v.text == name for v in live.snapshot.values.get("containers", ())):
                if not updated.wait(WAIT_S):
                    raise SystemExit(f"{name} was never offered")
                updated.clear()
            times.append(time.perf_counter() - sent)
    finally:
        for name in names:
            client.send(Request("DELETE", f"/containers/{name}", (("force", "1"),)))
        client.close()
        live.close()
        live.join(5)
    return times


def idle_cpu(host: str) -> float:
    """CPU seconds per second of this process while the refresher and follower wait, the engine quiet."""
    live, _ = following(host)
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        time.sleep(IDLE_S)  # the main thread sleeps: what is spent is the live-values threads'
        return (time.process_time() - cpu) / (time.perf_counter() - wall)
    finally:
        live.close()
        live.join(5)


def report_engine(host: str) -> None:
    """Print the outside-change and idle figures for the engine at `host`."""
    times = offered_after_change(host)
    med, worst = statistics.median(times) * 1000, max(times) * 1000
    verdict = "ok" if worst <= 1000 else "MISSED"
    print(f"outside change → offered ({CHANGES} containers created by another client): median {med:.1f} ms, "
          f"max {worst:.1f} ms (target <= 1 s: {verdict})")
    share = idle_cpu(host) * 100
    print(f"idle CPU of the live-values threads following events, over {IDLE_S:g} s: {share:.2f}% "
          f"(target < 1%: {'ok' if share < 1 else 'MISSED'})")


def big_snapshot_sizes(snap: Snapshot) -> str:
    """`10000 containers, 5000 images` (objects, as `refresh` says)."""
    return ", ".join(f"{n} {k}" for k, n in snap.counts().items() if n)


if __name__ == "__main__":
    host = os.environ.get("DOCKER_HOST", "")
    snap, took = big_snapshot()
    print(f"fake engine: {big_snapshot_sizes(snap)} collected and sorted in {took * 1000:.0f} ms")
    if host:
        report_engine(host)
