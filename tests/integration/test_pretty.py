"""`-c` on a terminal pretty-prints and colours JSON as httpie does; --pretty and NO_COLOR decide;
piped, the body is the engine's bytes."""
from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.engine


def run(engine_host, spec_dir, *args, terminal: bool = True, **env) -> bytes:
    """stdout of `engine-explorer -H … ARGS` written to a pseudo-terminal (or a pipe)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PAGER", "DOCKER_HOST")}
    environ.update(ENGINE_EXPLORER_SPEC_DIR=str(spec_dir), COLUMNS="120", LINES="1000", PAGER="", **env)
    command = [sys.executable, "-m", "explorer", "-H", engine_host, *args]
    if not terminal:
        return subprocess.run(command, capture_output=True, env=environ, timeout=60, check=True).stdout
    main, child = pty.openpty()
    with subprocess.Popen(command, stdout=child, stderr=subprocess.DEVNULL, env=environ) as proc:
        os.close(child)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(60) == 0
    os.close(main)
    return out.replace(b"\r\n", b"\n")


def plain(out: bytes) -> bytes:
    """Without its colour codes."""
    return re.sub(rb"\x1b\[[0-9;]*m", b"", out)


def test_json_on_a_terminal_is_indented_and_coloured(engine_host, spec_dir, docker_api):
    out = run(engine_host, spec_dir, "-c", "GET /version")
    assert b"\x1b[" in out and b'\n  "ApiVersion": "' in plain(out)  # coloured, two-space indent
    uncoloured = run(engine_host, spec_dir, "-c", "GET /version", NO_COLOR="1")
    assert b"\x1b[" not in uncoloured and b'\n  "ApiVersion": "' in uncoloured
    assert b"\x1b[" in run(engine_host, spec_dir, "-c", "GET /version", NO_COLOR="")  # empty: not set


@pytest.mark.parametrize("pretty, indented, coloured", [
    ("all", True, True), ("colors", False, True), ("format", True, False), ("none", False, False)])
def test_pretty_as_httpie_spells_it(engine_host, spec_dir, pretty, indented, coloured):
    out = run(engine_host, spec_dir, "--pretty", pretty, "-c", "GET /version", NO_COLOR="1")
    assert (b"\x1b[" in out) is coloured
    assert (b'\n  ' in plain(out)) is indented


def test_a_pipe_gets_the_engines_bytes_and_pretty_all_can_ask_for_colour(engine_host, spec_dir, docker_api,
                                                                         busybox_image):
    # an object no other test changes (a list may change under a parallel run between the two requests)
    _, raw = docker_api.call("GET", f"/images/{busybox_image}/json")
    assert run(engine_host, spec_dir, "--view", "table", "-c", f"GET /images/{busybox_image}/json",
               terminal=False) == raw
    forced = run(engine_host, spec_dir, "--pretty", "all", "-c", "GET /version", terminal=False)
    assert b"\x1b[" in forced and b"\n  " in plain(forced)


def test_style_picks_a_pygments_style(engine_host, spec_dir):
    default = run(engine_host, spec_dir, "-c", "GET /version")
    monokai = run(engine_host, spec_dir, "--style", "monokai", "-c", "GET /version")
    assert b"\x1b[" in monokai and monokai != default
