"""Response kinds: overlay, Content-Type and spec `produces`, and the overlay file and its cache."""
from __future__ import annotations

import marshal

import pytest

from explorer.core.errors import SpecError
from explorer.response import kinds as r

JSON_TEXT = ("application/json", "text/plain")  # the Docker spec's default `produces`
LOGS_144 = ("application/vnd.docker.raw-stream", "application/vnd.docker.multiplexed-stream")


def ex(method, path, query=(), version="1.41", produces=JSON_TEXT):
    return r.Exchange(method, path, tuple(query), version, produces)


@pytest.mark.parametrize("exchange, status, ctype, kind", [
    # the overlay corrects application/json and missing Content-Types
    (ex("GET", "/events"), 200, "application/json", r.JSON_STREAM),
    (ex("POST", "/images/create", [("fromImage", "busybox")]), 200, "application/json", r.JSON_STREAM),
    (ex("POST", "/images/docker.io/library/busybox:latest/push"), 200, "application/json", r.JSON_STREAM),
    (ex("POST", "/images/load"), 200, "application/json", r.JSON_STREAM),
    (ex("POST", "/build"), 200, "application/json", r.JSON_STREAM),
    (ex("GET", "/containers/web/logs"), 200, None, r.DOCKER_STREAM),  # dockerd 20.10: no Content-Type
    (ex("GET", "/containers/web/stats"), 200, "application/json", r.JSON_STREAM),
    (ex("GET", "/containers/web/stats", [("stream", "0")]), 200, "application/json", r.JSON),
    (ex("GET", "/containers/web/stats", [("stream", "false")]), 200, "application/json", r.JSON),
    (ex("GET", "/containers/web/export"), 200, "application/json", r.BINARY),  # Podman's label
    # a Content-Type naming a stream or binary kind is trusted
    (ex("POST", "/exec/abc/start"), 200, "application/vnd.docker.raw-stream", r.DOCKER_STREAM),
    (ex("GET", "/containers/web/logs"), 200, "application/vnd.docker.multiplexed-stream", r.MULTIPLEXED),
    (ex("GET", "/anything"), 200, "application/x-ndjson", r.JSON_STREAM),
    (ex("GET", "/anything"), 200, "application/x-tar", r.BINARY),
    # plain answers
    (ex("GET", "/version"), 200, "application/json", r.JSON),
    (ex("GET", "/_ping", produces=("text/plain",)), 200, "text/plain; charset=utf-8", r.TEXT),
    (ex("GET", "/unknown", produces=()), 200, None, r.TEXT),
    # errors are read by their Content-Type, whatever the overlay says
    (ex("GET", "/containers/nope/logs"), 404, "application/json", r.JSON),
    (ex("GET", "/images/nope/get"), 404, "text/plain", r.TEXT),
    # no body
    (ex("HEAD", "/containers/web/archive"), 200, None, r.EMPTY),
    (ex("POST", "/containers/web/start"), 204, None, r.EMPTY),
])
def test_decide(exchange, status, ctype, kind):
    assert r.decide(exchange, status, ctype) == kind


def test_events_from_1_52_follow_the_spec():
    newer = ex("GET", "/events", version="1.52", produces=("application/x-ndjson", "application/json-seq"))
    assert r.overlay_kind(newer) is None  # the rule says `before: 1.52`
    assert r.decide(newer, 200, "application/json") == r.JSON_STREAM  # …and the spec now says so
    assert r.decide(ex("GET", "/events", version="1.51"), 200, "application/json") == r.JSON_STREAM


def test_spec_produces_a_stream():
    assert r.decide(ex("GET", "/services/s/logs", version="1.44", produces=LOGS_144), 200, None) == r.DOCKER_STREAM
    assert r.spec_kind(("application/x-tar",)) == r.BINARY
    assert r.spec_kind(JSON_TEXT) is None


@pytest.mark.parametrize("path", ["/libpod/containers/web/logs", "/v5.0.0/libpod/containers/web/logs",
                                  "/v1.41/containers/web/logs"])
def test_podman_and_versioned_paths(path):
    assert r.decide(ex("GET", path), 200, None) == r.DOCKER_STREAM
    # Podman 4.3 labels framed logs with the generic octet-stream: the overlay knows better
    assert r.decide(ex("GET", path), 200, "application/octet-stream") == r.DOCKER_STREAM


def test_octet_stream_stays_binary_without_a_rule():
    assert r.decide(ex("GET", "/anything"), 200, "application/octet-stream") == r.BINARY
    assert r.decide(ex("GET", "/containers/web/logs"), 200, "application/x-tar") == r.BINARY


@pytest.mark.parametrize("exchange, kind", [
    (ex("GET", "/images/busybox:local/get"), r.BINARY),
    (ex("GET", "/containers/web/archive", [("path", "/etc")]), r.BINARY),
    (ex("GET", "/something", produces=("application/x-tar",)), r.BINARY),
    (ex("HEAD", "/containers/web/archive"), r.EMPTY),
    (ex("GET", "/containers/json"), r.JSON),
])
def test_expected_before_sending(exchange, kind):
    assert r.expected(exchange) == kind


def test_the_overlay_file_parses_and_every_rule_is_used_once():
    rules = r.load_rules()
    assert len(rules) > 20
    assert len({(x.method, x.template, x.before) for x in rules}) == len(rules)


def test_a_bad_rule_is_a_spec_error_naming_the_file():
    with pytest.raises(SpecError, match="kinds.yaml"):
        r.parse_rules({"rules": [{"match": "GET /x", "kind": "nonsense"}]}, "kinds.yaml")
    with pytest.raises(SpecError):
        r.parse_rules({"nope": []})


def test_parsed_overlay_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    src = tmp_path / "kinds.yaml"
    src.write_text("rules:\n  - match: GET /x/{}/y\n    kind: binary\n")
    first = r.load_rules(str(src))
    r.load_rules.cache_clear()
    cached = list((tmp_path / "engine-explorer" / "data").iterdir())
    assert len(cached) == 1
    cached[0].write_bytes(marshal.dumps({"rules": [{"match": "GET /x/{}/y", "kind": "text"}]}))  # proves it is read
    again = r.load_rules(str(src))
    r.load_rules.cache_clear()
    assert first[0].kind == "binary" and again[0].kind == "text"
    wrong_shapes = [marshal.dumps({}), marshal.dumps({"rules": 5}), marshal.dumps({"rules": [{"match": 1}]})]
    for damage in (b"garbage", marshal.dumps(["not", "a", "dict"]), b"", *wrong_shapes):
        cached[0].write_bytes(damage)  # a damaged cache is read from the YAML again, not an error
        assert r.load_rules(str(src))[0].kind == "binary"
        r.load_rules.cache_clear()
