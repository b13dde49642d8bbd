"""Docker stream formats: demultiplexing (frames split anywhere), JSON-object streams, progress."""
from __future__ import annotations

import json
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.response.streams import (
    STDERR,
    STDOUT,
    Demuxer,
    InbandError,
    JsonLines,
    NotJson,
    Progress,
    Text,
    classify,
    parse_values,
)


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def demux_all(chunks) -> tuple:
    """(stdout bytes, stderr bytes, pieces) after feeding `chunks` and closing."""
    d = Demuxer()
    pieces = [p for c in chunks for p in d.feed(c)] + d.close()
    out = b"".join(data for s, data in pieces if s == STDOUT)
    err = b"".join(data for s, data in pieces if s == STDERR)
    return out, err, pieces


STREAM = (frame(1, b"hello\n") + frame(2, b"oops\n") + frame(1, b"") + frame(1, b"\x00\x01\x02\xff")
          + frame(2, b"x" * 300) + frame(0, b"stdin-as-stdout"))


@pytest.mark.parametrize("cut", range(len(STREAM) + 1))
def test_one_split_at_every_offset(cut):
    out, err, _ = demux_all([STREAM[:cut], STREAM[cut:]])
    assert out == b"hello\n\x00\x01\x02\xffstdin-as-stdout"
    assert err == b"oops\n" + b"x" * 300


def test_byte_by_byte():
    out, err, _ = demux_all([STREAM[i:i + 1] for i in range(len(STREAM))])
    assert (out, err) == (b"hello\n\x00\x01\x02\xffstdin-as-stdout", b"oops\n" + b"x" * 300)


def test_adjacent_frames_of_one_stream_come_joined():
    _, _, pieces = demux_all([frame(1, b"a") + frame(1, b"b") + frame(2, b"c") + frame(1, b"d")])
    assert pieces == [(STDOUT, b"ab"), (STDERR, b"c"), (STDOUT, b"d")]


frames = st.lists(st.tuples(st.sampled_from([1, 2]), st.binary(max_size=40)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(frames=frames, cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=8))
def test_any_chunking_gives_the_payloads_back(frames, cuts):
    data = b"".join(frame(s, p) for s, p in frames)
    bounds = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    chunks = [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    out, err, pieces = demux_all(chunks)
    assert out == b"".join(p for s, p in frames if s == 1)
    assert err == b"".join(p for s, p in frames if s == 2)
    assert all(isinstance(data, bytes) for _, data in pieces)


def test_a_tty_stream_passes_through():
    text = b"hello from a tty\r\n"
    out, err, _ = demux_all([text[:3], text[3:], b"more"])
    assert (out, err) == (text + b"more", b"")


def test_a_tty_stream_shorter_than_a_header_comes_out_at_the_end():
    assert demux_all([b"hi"])[:2] == (b"hi", b"")


def test_garbage_after_frames_is_shown_not_lost():
    out, err, _ = demux_all([frame(1, b"ok") + b"\x07garbage!!"])
    assert out == b"ok\x07garbage!!" and err == b""


# -- JSON-object streams -------------------------------------------------------------------------


def values(chunks) -> list:
    j = JsonLines()
    return [v for c in chunks for v, _ in j.feed(c)] + [v for v, _ in j.close()]


def test_values_split_across_chunks_crlf_and_json_seq():
    data = b'{"a":1}\r\n{"b":\n' b'2}\n\x1e{"c":3}\n'
    assert values([data[:5], data[5:13], data[13:]]) == [{"a": 1}, {"b": 2}, {"c": 3}]


@pytest.mark.parametrize("cut", range(40))
def test_split_at_every_offset(cut):
    data = '{"status":"Loading layer","id":"é1"}\n{"stream":"Step 1/2\\n"}\n'.encode()
    assert values([data[:cut], data[cut:]]) == [{"status": "Loading layer", "id": "é1"}, {"stream": "Step 1/2\n"}]


def test_concatenated_values_and_a_last_value_without_newline():
    assert values([b'{"x":1}{"y":2}\n', b'{"z":3}']) == [{"x": 1}, {"y": 2}, {"z": 3}]


def test_a_pretty_printed_value_is_held_until_complete():
    j = JsonLines()
    assert j.feed(b'{\n  "a": [\n') == []
    assert [v for v, _ in j.feed(b"  1]\n}\n")] == [{"a": [1]}]


def test_a_line_that_is_not_json_comes_as_text_at_once():
    got = values([b"<html>proxy error</html>\n", b'{"ok":true}\n'])
    assert got == [b"<html>proxy error</html>", {"ok": True}]
    assert isinstance(got[0], NotJson)


def test_raw_lines_are_kept_for_pass_through():
    j = JsonLines()
    assert j.feed(b'{"a": 1}\r\n') == [({"a": 1}, b'{"a": 1}')]


@settings(max_examples=100, deadline=None)
@given(objs=st.lists(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=3),
                     max_size=6), cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6))
def test_any_chunking_gives_the_objects_back(objs, cuts):
    data = b"".join(json.dumps(o).encode() + b"\r\n" for o in objs)
    bounds = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    assert values([data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]) == objs


def test_parse_values_states():
    assert parse_values(b'{"a":1} {"b":2}') == ([{"a": 1}, {"b": 2}], "whole")
    assert parse_values(b'{"a":') == ([], "partial")
    assert parse_values(b"nope") == ([], "bad")


# -- progress and in-band errors -----------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ({"status": "Loading layer", "progressDetail": {"current": 5, "total": 10}, "progress": "[=> ]", "id": "ab"},
     Progress("ab", "Loading layer", 5, 10)),
    ({"status": "Pulling fs layer", "progressDetail": {}, "id": "cd"}, Progress("cd", "Pulling fs layer")),
    ({"errorDetail": {"code": 1, "message": "RUN failed"}, "error": "RUN failed (old field)"},
     InbandError("RUN failed")),
    ({"error": "only the old field"}, InbandError("only the old field")),
    ({"stream": "Step 1/2 : FROM busybox\n"}, Text("Step 1/2 : FROM busybox\n")),
    ({"status": "Digest: sha256:abc"}, Text("Digest: sha256:abc\n")),
    ({"status": "Pulling from library/busybox", "id": "latest"}, Text("latest: Pulling from library/busybox\n")),
    ({"status": "start", "id": "c0ffee", "Type": "container", "Action": "start"}, None),  # an event
    ({"aux": {"ID": "sha256:1"}}, None),
    ({"read": "2024", "id": "c0ffee", "name": "/web"}, None),  # stats
    ([1, 2], None),
])
def test_classify(value, expected):
    assert classify(value) == expected


def test_progress_finished():
    assert Progress("a", "Loading layer", 10, 10).finished
    assert Progress("a", "Pull complete").finished
    assert not Progress("a", "Downloading", 3, 10).finished
