"""Live values: the overlay file, extraction from list answers, and the background refresher.

The engine is faked only at the transport seam (`get(target) -> response`); the real engine
proves the whole path in tests/integration/test_repl.py.
"""
from __future__ import annotations

import json
import threading
import time

import pytest

from explorer.completion import events, overlay, refresher
from explorer.completion.live import LiveValue, Snapshot, collect, dig, extract
from explorer.completion.refresher import Refresher
from explorer.core.errors import EngineError, SpecError


class Resp:
    def __init__(self, status, doc=None, headers=()):
        self.status = status
        self.body = json.dumps(doc).encode() if doc is not None else b"OK"
        self.headers = headers

    def header(self, name):
        return dict((k.lower(), v) for k, v in self.headers).get(name.lower())


ANSWERS = {
    "/_ping": Resp(200, None, (("Api-Version", "1.41"), ("Server", "Docker/20.10.24 (linux)"))),
    "/containers/json?all=1": Resp(200, [
        {"Id": "a" * 64, "Names": ["/web"], "State": "running", "Image": "busybox:local"},
        {"Id": "b" * 64, "Names": ["/db"], "State": "exited", "Image": "busybox:local"}]),
    "/containers/" + "a" * 64 + "/json": Resp(200, {"Id": "a" * 64, "ExecIDs": ["e" * 64]}),
    "/images/json": Resp(200, [{"Id": "sha256:" + "c" * 64, "RepoTags": ["busybox:local"]},
                               {"Id": "sha256:" + "d" * 64, "RepoTags": ["<none>:<none>"]}]),
    "/networks": Resp(200, [{"Name": "none", "Id": "f" * 64, "Driver": "null"}]),
    "/volumes": Resp(200, {"Volumes": [{"Name": "data", "Driver": "local"}], "Warnings": None}),
    "/plugins": Resp(200, []),
    "/info": Resp(200, {"Swarm": {"LocalNodeState": "inactive", "ControlAvailable": False}}),
}


def fake_get(answers, asked=None):
    def get(target):
        if asked is not None:
            asked.append(target)
        if target not in answers:
            return Resp(404, {"message": "no"})
        return answers[target]
    return get


def test_the_shipped_overlay_loads_and_binds_parameters():
    ov = overlay.load()
    assert ov.list_for_param("id", "/containers/") == "containers"
    assert ov.list_for_param("name", "/images/") == "images"
    assert ov.list_for_param("id", "/exec/") == "execs"
    assert ov.list_for_param("name", "/libpod/containers/") == "containers"
    assert ov.list_for_param("name", "/containers/") == "containers"
    assert ov.list_for_param("id", "/images/") == ""
    assert ov.list_for_field("ContainerCreate", ("Image",)) == "images"
    names = [s.name for s in ov.lists]
    assert names.index("execs") > names.index("containers")  # walked lists come first


def test_a_broken_overlay_is_one_spec_error(tmp_path):
    bad = tmp_path / "live-values.yaml"
    bad.write_text("lists: {a: {request: /x}}\nparams: [{prefix: /a/, params: [id], list: nope}]\n")
    with pytest.raises(SpecError, match="not a valid live-values overlay"):
        overlay.load(str(bad))
    with pytest.raises(SpecError, match="cannot read"):
        overlay.load(str(tmp_path / "missing.yaml"))


def test_collect_reads_every_list_and_skips_swarm_lists_outside_a_swarm():
    asked = []
    snap = collect(overlay.load(), fake_get(ANSWERS, asked))
    assert snap.reachable and snap.engine_version == "1.41" and snap.engine_kind == "docker"
    assert [v.text for v in snap.values["containers"]] == ["web", "db", "a" * 12, "b" * 12]
    assert snap.values["containers"][0].meta == "container · running · busybox:local"
    assert snap.values["containers"][2].meta == "container web"
    assert [v.text for v in snap.values["images"]] == ["busybox:local", "c" * 12, "d" * 12]
    assert [v.text for v in snap.values["volumes"]] == ["data"]
    assert [v.text for v in snap.values["execs"]] == ["e" * 64]  # asked for running containers only
    assert "/containers/" + "b" * 64 + "/json" not in asked
    assert "/nodes" not in asked and "nodes" not in snap.values
    assert snap.for_param("id", "/containers/")[0].text == "web"


def test_collect_asks_swarm_lists_on_a_manager():
    answers = dict(ANSWERS)
    answers["/info"] = Resp(200, {"Swarm": {"ControlAvailable": True}})
    answers["/services"] = Resp(200, [{"ID": "s1", "Spec": {"Name": "api"}}])
    snap = collect(overlay.load(), fake_get(answers))
    assert [v.text for v in snap.values["services"]] == ["api", "s1"]
    assert snap.values["nodes"] == ()  # 404 → nothing, no error


def test_collect_offline_is_unreachable_not_an_exception():
    def get(target):
        raise EngineError("no engine socket at /nope")
    snap = collect(overlay.load(), get)
    assert snap.reachable is False and "no engine socket" in snap.error and snap.values == {}


def test_podman_is_recognised_from_the_server_header():
    answers = dict(ANSWERS)
    answers["/_ping"] = Resp(200, None, (("Api-Version", "1.41"), ("Server", "Libpod/5.4.2 (linux)")))
    assert collect(overlay.load(), fake_get(answers)).engine_kind == "podman"


def test_extract_and_dig():
    source = overlay.ListSource("services", "/services", names=("Spec.Name",), ids=("ID",), label="service")
    values = extract(source, [{"ID": "x1", "Spec": {"Name": "api"}}, {"ID": "x2"}, "junk-not-a-dict"][:2])
    assert [(v.text, v.meta) for v in values] == [("api", "service"), ("x1", "service api"), ("x2", "service")]
    assert dig({"a": {"b": 1}}, "a.b") == 1 and dig({"a": 1}, "a.b") is None


def test_refresher_swaps_snapshots_and_survives_failures():
    answers = dict(ANSWERS)
    updates = []
    calls = {"n": 0}

    def get(target):
        if target == "/_ping":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("a bug in a getter")
        return fake_get(answers)(target)

    live = Refresher(lambda: get, on_update=lambda: updates.append(threading.current_thread().name))
    assert live.snapshot == Snapshot()
    live.start()
    try:
        assert live.wait(5)
        first = live.snapshot
        assert [v.text for v in first.values["containers"]][:2] == ["web", "db"]
        live.request()  # this one fails inside: old values kept, error noted
        assert live.wait(5)
        assert live.snapshot.values == first.values and "internal error" in live.snapshot.error
        answers["/volumes"] = Resp(200, {"Volumes": [{"Name": "fresh"}]})
        live.request()
        assert live.wait(5)
        assert [v.text for v in live.snapshot.values["volumes"]] == ["fresh"]
        assert updates and set(updates) == {"live-values"}
    finally:
        live.close()


def test_refresher_with_a_broken_overlay_reports_and_does_not_hang(tmp_path):
    def broken():
        raise SpecError("bad overlay")
    live = Refresher(lambda: fake_get(ANSWERS), load_overlay=broken)
    live.start()
    try:
        assert live.wait(5)
        assert live.snapshot.error == "bad overlay" and live.snapshot.values == {}
    finally:
        live.close()


def test_counts_are_objects_not_values():
    """`refresh` reports 2 containers for 2 containers, though each gives a name and an ID."""
    snap = collect(overlay.load(), fake_get(ANSWERS))
    assert len(snap.values["containers"]) == 4
    assert snap.counts() == {"containers": 2, "images": 2, "networks": 1, "volumes": 1, "plugins": 0, "execs": 1}


def test_a_refresh_of_some_lists_asks_only_those_and_keeps_the_others():
    ov = overlay.load()
    first = collect(ov, fake_get(ANSWERS))
    answers = dict(ANSWERS)
    answers["/volumes"] = Resp(200, {"Volumes": [{"Name": "fresh"}, {"Name": "data"}]})
    asked = []
    snap = collect(ov, fake_get(answers, asked), ["volumes"], first)
    assert asked == ["/_ping", "/volumes"]
    assert [v.text for v in snap.values["volumes"]] == ["fresh", "data"] and snap.counts()["volumes"] == 2
    assert snap.values["containers"] == first.values["containers"] and snap.counts()["containers"] == 2
    asked.clear()
    collect(ov, fake_get(answers, asked), ["execs"], first)  # execs walk the containers: both asked
    assert asked[:2] == ["/_ping", "/containers/json?all=1"] and asked[2].endswith("/json")


def test_events_name_the_lists_they_change():
    ov = overlay.load()
    assert ov.lists_for_event("container", "create") == ("containers",)
    assert ov.lists_for_event("container", "exec_create: sh -c true") == ("containers", "execs")
    assert ov.lists_for_event("container", "commit") == ("containers", "images")
    assert ov.lists_for_event("image", "pull") == ("images",)
    assert ov.lists_for_event("container", "attach") == ()  # quiet: changes nothing a list shows
    assert ov.lists_for_event("volume", "mount") == ()
    assert ov.lists_for_event("daemon", "reload") == ()
    assert {"container", "image", "network", "volume", "plugin", "service"} <= set(ov.event_types())


def test_matching_finds_a_prefix_among_many_in_the_lists_order():
    values = tuple(LiveValue(f"c-{i:05d}") for i in range(10000)) + (LiveValue("a" * 12),)
    snap = Snapshot({"containers": values}, overlay.load(), True)
    found = snap.matching("containers", "c-001", 5)
    assert [v.text for v in found.values] == ["c-00100", "c-00101", "c-00102", "c-00103", "c-00104"]
    assert (found.total, found.common) == (100, "c-001")
    assert snap.matching("containers", "", 2).values == values[:2] and snap.matching("containers", "", 0).total == 10001
    assert snap.matching("containers", "zz", 5) == ((), 0, "")


def test_refresh_requests_of_some_lists_are_merged_until_taken():
    hold, release, seen = threading.Event(), threading.Event(), []

    def get(target):
        if target == "/_ping" and hold.is_set():
            hold.clear()
            release.wait(5)  # this refresh runs on while two more requests come
        seen.append(target)
        return fake_get(ANSWERS)(target)

    live = Refresher(lambda: get)
    live.start()
    try:
        assert live.wait(5)
        hold.set()
        live.request()
        assert wait_until(lambda: not hold.is_set())
        live.request(["volumes"])
        live.request(["networks"])
        release.set()
        assert live.wait(5)
        last = len(seen) - seen[::-1].index("/_ping") - 1
        assert seen.count("/_ping") == 3 and seen[last:] == ["/_ping", "/networks", "/volumes"]
    finally:
        live.close()
        assert live.join(5)


class StreamTransport:
    """The follower's transport seam: each send() plays one connection, then the stream ends."""

    def __init__(self, connections):
        self.connections = list(connections)  # (status, [chunks]) per connection
        self.targets: list = []
        self.stopped = threading.Event()
        self.closed = False

    def send(self, req, sink=None, on_headers=None, eager=False, timeout=None):
        self.targets.append(req.target())
        if not self.connections or self.stopped.is_set():
            self.stopped.wait(5)  # an idle stream, until close() stops it
            raise EngineError("stopped reading the response")
        status, chunks = self.connections.pop(0)
        on_headers(status, "", ())
        for chunk in chunks:
            sink(chunk)
        raise EngineError("the engine closed the connection")

    def stop(self):
        self.stopped.set()

    def close(self):
        self.closed = True


def test_the_follower_asks_for_the_lists_events_touch_and_refreshes_after_reconnecting(monkeypatch):
    monkeypatch.setattr(events, "RETRY_FIRST_S", 0.001)
    create = json.dumps({"Type": "container", "Action": "create", "Actor": {"ID": "x"}}).encode()
    pull = json.dumps({"Type": "image", "Action": "pull"}).encode()
    transport = StreamTransport([(200, [create + b"\n" + pull[:5], pull[5:] + b"\n", b"not json\n"]),
                                 (200, [b'{"Type":"container","Action":"resize"}\n'])])
    asked: list = []
    follower = events.EventFollower(None, overlay.load(), asked.append, make_transport=lambda ep: transport)
    follower.start()
    try:
        assert wait_until(lambda: len(transport.targets) == 3)  # two streams, then a third that idles
        assert asked == [None, ("containers",), ("images",), None]  # resize is quiet
        assert transport.targets[0].startswith("/events?filters=")
        assert "%22container%22" in transport.targets[0]
    finally:
        follower.close()
        assert follower.join(5)
    assert transport.closed and not follower.following and follower.supported


def test_an_engine_without_events_is_given_up(monkeypatch):
    transport = StreamTransport([(404, [b'{"message":"page not found"}'])])
    asked: list = []
    follower = events.EventFollower(None, overlay.load(), asked.append, make_transport=lambda ep: transport)
    follower.start()
    assert follower.join(5)
    assert not follower.supported and asked == [] and transport.closed and len(transport.targets) == 1


def wait_until(predicate, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.002)
    return False


def test_on_update_comes_once_the_first_values_are_in():
    """The REPL's pending Tab asks, when woken by on_update, whether the first values are in."""
    seen: list = []
    live = Refresher(lambda: fake_get(ANSWERS), on_update=lambda: seen.append(live.wait_first(0)))
    live.start()
    try:
        assert live.wait(5) and seen and all(seen)
    finally:
        live.close()


class FakeFollower:
    """Stands in for the events follower: the test calls the request it was given."""

    def __init__(self, overlay, request):
        self.request = request
        self.following = True

    def start(self):
        pass

    def close(self):
        pass

    def join(self, timeout):
        return True


def test_an_events_refresh_is_paced_and_an_urgent_request_takes_it_along(monkeypatch):
    monkeypatch.setattr(refresher, "PACE", 1e6)  # after the first refresh, an event's waits (all but) forever
    asked, made = [], []
    live = Refresher(lambda: fake_get(ANSWERS, asked),
                     make_follower=lambda ov, request: made.append(FakeFollower(ov, request)) or made[-1])
    live.start()
    try:
        assert live.wait(5) and made
        asked.clear()
        made[0].request(["volumes"])
        assert not live.wait(0.3) and asked == []  # paced: not yet
        live.request(["networks"])  # the session changed something: at once, the event's lists with it
        assert live.wait(5)
        assert asked == ["/_ping", "/networks", "/volumes"]
    finally:
        live.close()
        assert live.join(5)
