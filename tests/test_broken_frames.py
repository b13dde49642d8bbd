"""Frames that stop making sense, as Podman 4.3 sends them (`attach logs=1 stream=0`: sizes that leave
out each line's newline), replayed by a server from the bytes the real Podman sent; and the demultiplexer
resynchronising at every chunking."""
from __future__ import annotations

import io

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.response.streams import Demuxer
from explorer.shell.session import Session
from tests.replay_server import ReplayServer

BODY = (b"\x01\0\0\0\0\0\0\x05hello\n\x01\0\0\0\0\0\0\x05third\n"
        b"\x02\0\0\0\0\0\0\x05world\n")
PODMAN_4_3 = b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n" + BODY


@pytest.mark.parametrize("size", range(1, len(BODY) + 1))
def test_resynchronised_at_every_chunking(size):
    demuxer, out, err = Demuxer(), [], []
    for i in range(0, len(BODY), size):
        demuxer.feed_into(BODY[i:i + size], out.append, err.append)
    for stream, data in demuxer.close():
        (err if stream == 2 else out).append(data)
    assert (b"".join(out), b"".join(err), demuxer.broken_at) == (b"hello\nthird\n", b"world\n", 13)


def test_a_tty_stream_is_still_not_a_broken_one():
    demuxer, out = Demuxer(), []
    demuxer.feed_into(b"plain text from a TTY\n", out.append, out.append)
    assert (out, demuxer.raw, demuxer.broken_at) == ([b"plain text from a TTY\n"], True, None)


def test_the_replayed_podman_attach_is_reported_once_after_the_body():
    with ReplayServer(PODMAN_4_3) as server:
        out, err = io.BytesIO(), io.BytesIO()
        session = Session(Settings(host=server.host, api_version="1.41"), Console(stdout=out, stderr=err), env={})
        outcome = session.execute("!POST /containers/x/attach logs==1 stream==0 stdout==1 stderr==1")
        session.close()
    assert outcome.ok, err.getvalue()
    assert out.getvalue() == b"hello\nthird\n"
    assert err.getvalue() == (b"world\nwarning: the stream's frames stop making sense at byte 13: the rest is "
                              b"shown as text, without frame headers\n")
