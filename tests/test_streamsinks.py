"""Stream writers: byte-exact data when piped, marked and readable on a terminal."""
from __future__ import annotations

import io
import struct

import pytest

from explorer.core.console import Console
from explorer.response import kinds, sinks, streamsinks


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


def console(**flags):
    return Console(stdout=io.BytesIO(), stderr=io.BytesIO(), **flags)


def run(sink, chunks):
    for chunk in chunks:
        sink.feed(chunk)
    sink.close()
    return sink


def test_piped_demultiplexing_is_byte_exact_whatever_the_chunks():
    con = console()
    data = frame(1, b"out\x00\xff") + frame(2, b"err\n") + frame(1, b"more")
    run(sinks.make(kinds.DOCKER_STREAM, con), [data[i:i + 3] for i in range(0, len(data), 3)])
    assert con.stdout.getvalue() == b"out\x00\xffmore"
    assert con.stderr.getvalue() == b"err\n"


def test_repl_marks_stderr_and_never_glues_lines():
    con = console(interactive=True)
    run(sinks.make(kinds.MULTIPLEXED, con),
        [frame(1, b"half"), frame(2, b"e1\ne2\n"), frame(2, b"e3 "), frame(2, b"tail\n"), frame(1, b"end")])
    assert con.stdout.getvalue() == b"half\nerr| e1\nerr| e2\nerr| e3 tail\nend\n"
    assert con.stderr.getvalue() == b""


def test_repl_colours_stderr_only_with_colour():
    coloured = console(interactive=True, color=True)
    run(sinks.make(kinds.MULTIPLEXED, coloured), [frame(2, b"bad\n")])
    assert coloured.stdout.getvalue() == b"\x1b[31merr| bad\x1b[0m\n"
    plain = console(interactive=True, color=False)  # NO_COLOR
    run(sinks.make(kinds.MULTIPLEXED, plain), [frame(2, b"bad\n")])
    assert b"\x1b" not in plain.stdout.getvalue()


def test_a_tty_stream_in_the_repl_ends_its_line():
    con = console(interactive=True)
    run(sinks.make(kinds.DOCKER_STREAM, con), [b"$ prompt"])
    assert con.stdout.getvalue() == b"$ prompt\n"


PULL = (b'{"status":"Pulling from library/busybox","id":"latest"}\r\n'
        b'{"status":"Downloading","progressDetail":{"current":1,"total":4},"id":"ab12"}\r\n'
        b'{"status":"Downloading","progressDetail":{"current":3,"total":4},"id":"ab12"}\r\n'
        b'{"status":"Pull complete","progressDetail":{},"id":"ab12"}\r\n'
        b'{"status":"Digest: sha256:0"}\r\n')


def test_json_stream_piped_passes_the_engine_bytes():
    con = console()
    sink = run(sinks.make(kinds.JSON_STREAM, con), [PULL[:30], PULL[30:]])
    assert con.stdout.getvalue() == PULL and sink.error is None


def test_json_stream_pretty_indents_each_object():
    con = console(pretty=True)
    run(sinks.make(kinds.JSON_STREAM, con), [b'{"a":{"b":1}}\n{"c":2}'])
    assert con.stdout.getvalue() == b'{\n  "a": {\n    "b": 1\n  }\n}\n{\n  "c": 2\n}\n'


def test_json_stream_on_a_terminal_shows_progress_as_plain_lines():
    con = console(tty=True)
    run(sinks.make(kinds.JSON_STREAM, con), [PULL])
    assert con.stdout.getvalue().decode() == (
        "latest: Pulling from library/busybox\nab12: Downloading\nab12: Pull complete\nDigest: sha256:0\n")


def test_json_stream_in_the_repl_uses_the_progress_view_and_compact_lines():
    seen = []

    class View(streamsinks.PlainView):
        def update(self, progress):
            seen.append(progress)

    con = console(interactive=True)
    con.progress = lambda c: View(c.stdout)
    events = b'{"status":"start","id":"c1","Type":"container","Action":"start"}\n'
    run(sinks.make(kinds.JSON_STREAM, con), [PULL + events])
    assert [p.current for p in seen] == [1, 3, None]  # `Pulling from` heads the pull: a line, not a bar
    assert con.stdout.getvalue().startswith(b"latest: Pulling from library/busybox\n")
    assert con.stdout.getvalue().endswith(
        b'Digest: sha256:0\n{"status":"start","id":"c1","Type":"container","Action":"start"}\n')


def test_build_output_is_text_and_its_colours_go_with_no_color():
    body = b'{"stream":"Step 1/2 : FROM busybox\\n"}\r\n{"stream":"\\u001b[91mto stderr\\n\\u001b[0m"}\r\n'
    con = console(interactive=True)
    run(sinks.make(kinds.JSON_STREAM, con), [body])
    assert con.stdout.getvalue() == b"Step 1/2 : FROM busybox\nto stderr\n"


@pytest.mark.parametrize("flags", [{}, {"interactive": True}, {"pretty": True}])
def test_an_in_band_error_is_caught_in_every_mode(flags):
    body = (b'{"stream":"Step 2/2 : RUN false\\n"}\r\n'
            b'{"errorDetail":{"code":1,"message":"RUN false failed"},"error":"x"}\r\n')
    sink = run(sinks.make(kinds.JSON_STREAM, console(**flags)), [body])
    assert sink.error == "RUN false failed"


def test_json_text():
    assert streamsinks.json_text({"a": [1, "é"]}, color=False, pretty=False) == '{"a":[1,"é"]}'
    assert "\x1b[" in streamsinks.json_text({"a": 1}, color=True, pretty=False)
