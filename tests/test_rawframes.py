"""The exported script's `_ee_demux` (POSIX od, awk and printf) gives what the Demuxer gives, byte for
byte, under dash and bash: frames of both streams, NUL and high bytes, long and empty frames, TTY bodies,
frames that stop making sense."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from explorer.response.rawframes import DEMUX
from explorer.response.streams import Demuxer
from tests.test_broken_frames import BODY


def frame(stream: int, payload: bytes) -> bytes:
    return bytes([stream, 0, 0, 0]) + len(payload).to_bytes(4, "big") + payload


BODIES = {
    "frames": frame(1, b"out\n") + frame(2, b"err \x00\xff\n") + frame(1, b"") + frame(1, bytes(range(256)) * 5)
    + frame(0, b"stdin goes out\n") + frame(2, b"no newline"),
    "tty": b"a TTY's bytes \x01\x00 as they are\r\n",
    "short": b"hi",
    "empty": b"",
    "podman 4.3": BODY,  # frame sizes that leave out the newline: resynchronised as the Demuxer does
    "garbage": frame(1, b"ok") + b"\x07garbage!!",
}


def demuxed(body: bytes) -> tuple:
    demuxer, out, err = Demuxer(), [], []
    demuxer.feed_into(body, out.append, err.append)
    for stream, data in demuxer.close():
        (err if stream == 2 else out).append(data)
    return b"".join(out), b"".join(err)


@pytest.mark.parametrize("shell", [s for s in ("dash", "bash") if shutil.which(s)])
@pytest.mark.parametrize("name", BODIES)
def test_ee_demux_matches_the_demuxer(tmp_path, shell, name):
    body = tmp_path / "body"
    body.write_bytes(BODIES[name])
    script = f"_ee_body={body}\n{DEMUX}\n_ee_demux\n"
    done = subprocess.run([shell, "-c", script], capture_output=True, timeout=30,
                          env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"})
    assert done.returncode == 0
    assert (done.stdout, done.stderr) == demuxed(BODIES[name])
