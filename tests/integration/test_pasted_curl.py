"""Pasted curl lines against the sandbox engine: -o/-O write the file, -i and -w print what the curl
command prints for the same line (engine-explorer -c and curl run side by side), and every option
that is not done here is named in one line, the request still sent."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile

import pytest

from explorer.lang import curlargs
from tests.integration.apidriver import CURL_TIMEOUT

pytestmark = pytest.mark.engine
DATE = re.compile(rb"^Date: .*$", re.MULTILINE)  # the one header that may differ by a second


def socket_of(host: str) -> str:
    return host.removeprefix("unix://")


def ours(line: str, host: str, spec_dir, cwd):
    """engine-explorer -c LINE, run in `cwd`."""
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "explorer", "-H", host, "-c", line], capture_output=True,
                          timeout=CURL_TIMEOUT, env=env, cwd=cwd)


def ours_and_curls(line: str, host: str, spec_dir, cwd) -> tuple:
    """(engine-explorer -c LINE, the curl command running LINE): each (exit code, stdout, stderr)."""
    curl = subprocess.run(["bash", "-c", line], capture_output=True, timeout=CURL_TIMEOUT, cwd=cwd)
    return ours(line, host, spec_dir, cwd), curl


@pytest.mark.parametrize("options, path", [
    ("-s -i", "/_ping"),
    ("-si", "/containers/ee-missing/json"),  # a 404: headers, then the engine's JSON message
    ("-s -i -w '%{http_code}\\n'", "/containers/json?all=1"),
    ("-s -w '%{http_code}\\n'", "/version"),
    ("-s -o /dev/null -w '%{http_code} %{size_download} %{content_type}\\n'", "/containers/json"),
    ("-s -w '%%\\t%{response_code}\\n%header{api-version}|%{method}|%{url_effective}\\n'", "/_ping"),
])
def test_include_and_write_out_print_what_curl_prints(options, path, engine_host, spec_dir, tmp_path):
    line = f"curl {options} --unix-socket {socket_of(engine_host)} 'http://localhost/v1.41{path}'"
    mine, curl = ours_and_curls(line, engine_host, spec_dir, tmp_path)
    assert curl.returncode == 0, curl.stderr
    assert DATE.sub(b"", mine.stdout) == DATE.sub(b"", curl.stdout), mine.stderr
    assert mine.stderr == b""


def test_time_total_reads_as_curls_does(engine_host, spec_dir, tmp_path):
    line = f"curl -s -w '%{{time_total}}' --unix-socket {socket_of(engine_host)} http://localhost/v1.41/_ping"
    mine, curl = ours_and_curls(line, engine_host, spec_dir, tmp_path)
    assert re.fullmatch(rb"OK\d+\.\d{6}", mine.stdout) and re.fullmatch(rb"OK\d+\.\d{6}", curl.stdout)


@pytest.mark.parametrize("option", ["-o export.tar", "--output export.tar", "-sSoexport.tar"])
def test_o_writes_an_image_export_to_the_file(option, engine_host, spec_dir, busybox_image, tmp_path):
    line = f"curl {option} --unix-socket {socket_of(engine_host)} http://localhost/v1.41/images/{busybox_image}/get"
    (tmp_path / "ours").mkdir(), (tmp_path / "curls").mkdir()
    done = ours(line, engine_host, spec_dir, tmp_path / "ours")
    subprocess.run(["bash", "-c", line], check=True, timeout=CURL_TIMEOUT, cwd=tmp_path / "curls")
    assert done.returncode == 0 and done.stdout == b"", done.stderr  # not a byte of the tar on stdout
    written = (tmp_path / "ours" / "export.tar").read_bytes()
    assert written == (tmp_path / "curls" / "export.tar").read_bytes()
    assert "manifest.json" in tarfile.open(fileobj=io.BytesIO(written)).getnames()


def test_remote_name_takes_the_urls_last_segment(engine_host, spec_dir, tmp_path):
    line = f"curl -sO --unix-socket {socket_of(engine_host)} 'http://localhost/v1.41/containers/json?all=1'"
    (tmp_path / "ours").mkdir(), (tmp_path / "curls").mkdir()
    done = ours(line, engine_host, spec_dir, tmp_path / "ours")
    subprocess.run(["bash", "-c", line], check=True, timeout=CURL_TIMEOUT, cwd=tmp_path / "curls")
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    names = [[p.name for p in (tmp_path / side).iterdir()] for side in ("ours", "curls")]
    assert names == [["json"], ["json"]]
    assert (tmp_path / "ours" / "json").read_bytes() == (tmp_path / "curls" / "json").read_bytes()


def test_o_and_a_redirect_together_are_one_clear_line(engine_host, spec_dir, tmp_path):
    line = f"curl -o a.json --unix-socket {socket_of(engine_host)} http://localhost/v1.41/containers/json > b.json"
    done = ours(line, engine_host, spec_dir, tmp_path)
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and b"give one of them" in done.stderr
    assert not any(tmp_path.iterdir())


_FILE_VALUED = ("-D", "--dump-header", "--trace", "--trace-ascii", "--stderr")


@pytest.mark.parametrize("option", sorted(curlargs.NOT_DONE))
def test_an_option_not_done_here_is_named_in_one_line_and_the_request_still_goes(option, ee, engine_host, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)  # an option with a file value names a file that is never written
    value = (" x.out" if option in _FILE_VALUED else " 1") if curlargs.NOT_DONE[option][0] else ""
    sent = ee.send(f"curl {option}{value} --unix-socket {socket_of(engine_host)} http://localhost/v1.41/_ping", 200)
    notes = [ln for ln in sent.err.decode().splitlines() if ln.startswith("note: curl option")]
    assert notes == [f"note: curl option {option} is not done here ({curlargs.NOT_DONE[option][1]}); sent without it"]
    assert sent.body == b"OK"
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("line, message", [
    ("curl --data-urlencode a=b http://localhost/_ping", "curl option --data-urlencode is not supported here"),
    ("curl -u user http://localhost/_ping", "curl -u user without :PASSWORD asks for the password on a terminal"),
    ("curl -w '%{http_code} %{nonesuch}\\n' http://localhost/_ping", "note: curl -w variable %{nonesuch} is not done"),
    ("curl -O http://localhost/v1.41/containers/", "-O: the URL's path ends in /"),
])
def test_what_is_refused_or_left_out_is_one_line(line, message, ee):
    sent = ee.send(line)
    assert [ln for ln in sent.err.decode().splitlines() if message in ln], sent.err
