"""Choosing a body writer; the whole-body and pass-through writers."""
from __future__ import annotations

import io
import os

from explorer.response import kinds, sinks


def test_json_and_text_are_kept_whole():
    buffer = sinks.make(kinds.JSON, None)
    for chunk in (b'{"a"', b":1}"):
        buffer.feed(chunk)
    buffer.close()
    assert buffer.data == b'{"a":1}' and not buffer.streaming and buffer.error is None


def test_binary_passes_through():
    out = io.BytesIO()
    sink = sinks.make(kinds.BINARY, None, target=out)
    sink.feed(b"\x00tar")
    sink.feed(b"data")
    sink.close()
    assert out.getvalue() == b"\x00tardata" and sink.streaming


def test_only_watched_streams_are_flushed_per_chunk(tmp_path):
    read_end, write_end = os.pipe()
    with open(write_end, "wb") as pipe, open(tmp_path / "f", "wb") as file, open(os.devnull, "wb") as null:
        memory = io.BytesIO()
        assert sinks.live((pipe, file, null, memory)) == (pipe, memory)
    os.close(read_end)
