"""The command line never loses output silently and never shows a traceback: write errors, closed
streams, bytes that are not UTF-8 on stdin and in -c, files that are no script, and a bug."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from explorer import cli
from explorer.core.errors import INTERNAL_ERROR_EXIT
from explorer.shell.session import Session
from tests.recording_server import RecordingServer

pytestmark = pytest.mark.timeout(60)


def run(args, stdin=b"", stdout=subprocess.PIPE, shell_suffix="", env=None):
    """`python -m explorer ARGS` (args as bytes or str); (exit code, stdout, stderr)."""
    argv = [os.fsencode(sys.executable), b"-m", b"explorer", *[os.fsencode(a) for a in args]]
    full_env = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
    full_env.update(env or {})
    if shell_suffix:  # a redirection only a shell can make (`>&-`)
        argv = [b"sh", b"-c", b'exec "$@" ' + shell_suffix.encode(), b"sh", *argv]
    done = subprocess.run(argv, input=stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=30, env=full_env)
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace")


def one_error(err: str, *needles: str) -> None:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture(scope="module")
def server():
    with RecordingServer() as srv:
        yield srv


@pytest.fixture()
def offline(spec_v141, tmp_path):
    return ["--spec", str(spec_v141), "--api-version", "1.41", "-H", f"unix://{tmp_path}/none.sock"]


def test_bytes_that_are_not_utf8_on_stdin_go_as_bytes(offline):
    code, out, err = run([*offline, "--dry-run"], stdin=b"GET /containers/caf\xe9/json\n")
    assert (code, err) == (0, "")
    assert out.endswith(b"/v1.41/containers/caf%E9/json\n")


def test_bytes_that_are_not_utf8_in_c_go_as_bytes(offline):
    code, out, err = run([*offline, "--dry-run", "-c", b"GET /containers/caf\xe9/json"])
    assert (code, err) == (0, "")
    assert out.endswith(b"/v1.41/containers/caf%E9/json\n")


def test_a_lone_surrogate_on_stdin_is_the_bytes_bash_makes(offline):
    code, out, err = run([*offline, "--dry-run"], stdin=b"POST /containers/create $'Image=\\ud800'\n")
    assert code == 1  # a script's line failed
    assert "Traceback" not in err and "error: the body holds text that is not UTF-8" in err.splitlines()[0]


@pytest.mark.parametrize("source", ["-f", "run", "import"])
def test_dev_zero_is_no_script_and_reading_stops_at_once(offline, source):
    args = ["-f", "/dev/zero"] if source == "-f" else ["-c", f"{source} /dev/zero"]
    code, _, err = run([*offline, *args])
    assert code == 2
    one_error(err, "/dev/zero is not a script: it holds a NUL byte")


def test_an_endless_line_is_no_script(offline, tmp_path):
    big = tmp_path / "long.ee"
    big.write_bytes(b"GET /_ping " + b"x" * (5 << 20) + b"\n")
    code, _, err = run([*offline, "-f", str(big)])
    assert code == 2
    one_error(err, "is not a script: it has a line longer than 4 MiB")


def test_a_full_disk_on_stdout_is_one_line_and_exit_2(server, spec_v141):
    with open("/dev/full", "wb") as full:
        code, _, err = run(["--spec", str(spec_v141), "-H", "unix://" + server.path, "-c", "GET /info"],
                           stdout=full)
    assert code == 2
    one_error(err, "cannot write to stdout: No space left on device")


def test_a_full_disk_behind_a_redirect_is_one_line_and_exit_2(server, spec_v141):
    code, _, err = run(["--spec", str(spec_v141), "-H", "unix://" + server.path, "-c", "GET /info > /dev/full"])
    assert code == 2
    one_error(err, "cannot write > /dev/full: No space left on device")


def test_a_closed_stdout_is_one_line_and_exit_2(server, spec_v141):
    code, _, err = run(["--spec", str(spec_v141), "-H", "unix://" + server.path, "-c", "GET /info"],
                       shell_suffix=">&-")
    assert code == 2
    one_error(err, "cannot write to stdout")


def test_a_reader_that_goes_away_is_one_line_and_exit_2(server, spec_v141):
    # the reader of stdout is gone before the body comes, as with `| head -c0`: curl exits 23 there
    read, write = os.pipe()
    os.close(read)
    try:
        code, _, err = run(["--spec", str(spec_v141), "-H", "unix://" + server.path, "-c", "GET /info"],
                           stdout=write)
    finally:
        os.close(write)
    assert code == 2
    one_error(err, "cannot write to stdout: Broken pipe")


def test_a_closed_stdin_is_an_empty_script(offline):
    code, out, err = run(offline, shell_suffix="<&-")
    assert (code, out, err) == (0, b"", "")


def test_a_bug_is_one_line_with_its_own_exit_code(offline, monkeypatch, capsys):
    monkeypatch.delenv("ENGINE_EXPLORER_DEBUG", raising=False)

    def broken(self, line):
        raise RuntimeError("kaput")

    monkeypatch.setattr(Session, "execute", broken)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main([*offline, "-c", "GET /_ping"]) == INTERNAL_ERROR_EXIT == 70
    err = capsys.readouterr().err
    one_error(err, "internal error: RuntimeError: kaput", "please report it", '"Reporting a bug"')


def _memory_capped():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a GiB: the red team saw 20 GB


def test_a_billion_laughs_spec_and_a_body_cost_one_line_not_memory(tmp_path, server):
    from tests.hostile_specs import laughs

    spec = tmp_path / "laughs.yaml"
    spec.write_text(laughs())
    argv = [sys.executable, "-m", "explorer", "--spec", str(spec), "--api-version", "1.41",
            "-H", "unix://" + server.path, "-c", "POST /containers/create p0[p1][p2]=x"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, preexec_fn=_memory_capped,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 2
    one_error(done.stderr, "laughs.yaml", "billion laughs")
