"""The RFC 6455 reader: frames split anywhere, lengths of every width, masks, close codes, a break."""
from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.response.websocket import Closed, Frames


def frame(op: int, payload: bytes, fin: bool = True, mask: bytes = b"", rsv: int = 0) -> bytes:
    first = (0x80 if fin else 0) | rsv | op
    size = len(payload)
    if size < 126:
        head = bytes([first, (0x80 if mask else 0) | size])
    elif size < 1 << 16:
        head = bytes([first, (0x80 if mask else 0) | 126]) + size.to_bytes(2, "big")
    else:
        head = bytes([first, (0x80 if mask else 0) | 127]) + size.to_bytes(8, "big")
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + payload


def read(data: bytes, cuts=()) -> tuple:
    frames, pieces, start = Frames(), [], 0
    for cut in [*sorted(cuts), len(data)]:
        pieces += frames.feed(data[start:cut])
        start = cut
    frames.end()
    return b"".join(pieces), frames


# what dockerd 20.10 sent for `echo out; echo err >&2` (recorded with curl)
DOCKERD = b"\x82\x04out\n\x82\x04err\n\x88\x02\x03\xe8"


@pytest.mark.parametrize("cut", range(len(DOCKERD) + 1))
def test_dockerds_frames_split_at_every_offset(cut):
    out, frames = read(DOCKERD, [cut])
    assert out == b"out\nerr\n"
    assert frames.closed == Closed(1000, "") and frames.closed.describe() == "1000 (normal)"
    assert (frames.broken_at, frames.ended_inside) == (None, False)


def test_every_length_width_masked_or_not_text_and_continuations():
    big, huge = os.urandom(300), os.urandom(70000)
    data = (frame(1, b"t\xc3\xa9xt ", fin=False) + frame(9, b"ping") + frame(0, b"more")
            + frame(2, big, mask=b"\x01\x02\x03\x04") + frame(2, huge) + frame(10, b"")
            + frame(8, b"\x03\xf3why"))
    out, frames = read(data, [3, 9, 400, 500, 70001])
    assert out == b"t\xc3\xa9xt more" + big + huge
    assert frames.closed == Closed(1011, "why") and frames.closed.describe() == "1011 (server error): why"


@given(st.lists(st.binary(max_size=200), max_size=6), st.lists(st.integers(0, 2000), max_size=8),
       st.binary(min_size=4, max_size=4))
def test_any_chunking_gives_the_payloads_back(payloads, cuts, mask):
    data = b"".join(frame(2, p, mask=mask if i % 2 else b"") for i, p in enumerate(payloads))
    out, frames = read(data, [c for c in cuts if c <= len(data)])
    assert out == b"".join(payloads) and frames.broken_at is None


@pytest.mark.parametrize("bad", [frame(3, b"x"), frame(2, b"x", rsv=0x40), frame(9, b"x", fin=False),
                                 frame(8, b"x" * 126)])
def test_bytes_that_are_no_frames_are_passed_on_from_where_they_break(bad):
    out, frames = read(frame(2, b"ok") + bad + b"tail")
    assert out == b"ok" + bad + b"tail" and frames.broken_at == 4


def test_a_stream_that_stops_inside_a_frame_says_so():
    _, frames = read(frame(2, b"abcdef")[:5])
    assert frames.ended_inside and frames.closed is None
