"""Views on a terminal, against the real engine's answers: tables of lists as docker prints them,
`view`/`last`, the expanded view, the pager rule, and byte-identical bodies anywhere but a terminal."""
from __future__ import annotations

import io
import json
import re
import time

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.response import views
from explorer.response.views import layout, stats
from explorer.shell.session import Session

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def running(docker_api, busybox_image):
    """A running container with a volume mounted, a volume and a network of this session's prefix."""
    name = f"ee-test-views-{int(time.time() * 1000) % 10**8}"
    docker_api.call("POST", "/volumes/create", {"Name": name + "-vol"})
    docker_api.call("POST", "/networks/create", {"Name": name + "-net", "Driver": "bridge", "Internal": True})
    status, _ = docker_api.call("POST", f"/containers/create?name={name}", {
        "Image": busybox_image, "Cmd": ["sleep", "600"],
        "HostConfig": {"NetworkMode": "none", "Binds": [name + "-vol:/data"]}})
    assert status == 201
    assert docker_api.call("POST", f"/containers/{name}/start")[0] == 204
    yield name
    docker_api.call("DELETE", f"/containers/{name}?force=1")
    docker_api.call("DELETE", f"/volumes/{name}-vol")
    docker_api.call("DELETE", f"/networks/{name}-net")


def session(engine_host, spec_dir, tty: bool = True, **settings):
    """A session as `-c` on a terminal (tty) or into a pipe: stdout holds the bodies only."""
    out, err = io.BytesIO(), io.BytesIO()
    console = Console(out, err, tty=tty)
    return Session(Settings(host=engine_host, **settings), console,
                   env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)}), out


def shown(engine_host, spec_dir, monkeypatch, line: str, columns: int = 200) -> list:
    """The lines `line`'s response shows as on a terminal of `columns` with `view table`."""
    return shown_with_body(engine_host, spec_dir, monkeypatch, line, columns)[0]


def shown_with_body(engine_host, spec_dir, monkeypatch, line: str, columns: int = 200) -> tuple:
    """(the lines shown, the body they came from)."""
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("LINES", "1000")
    s, out = session(engine_host, spec_dir, view="table", pager="")
    assert s.execute(line).exit_code == 0
    return out.getvalue().decode().splitlines(), s.last_response.body


def row_of(lines: list, word: str) -> str:
    return next(line for line in lines if word in line)


def test_container_list_as_docker_ps(engine_host, spec_dir, monkeypatch, running, docker_api):
    lines = shown(engine_host, spec_dir, monkeypatch, "GET /containers/json all==1")
    assert lines[0].split("   ") == ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"] or \
        lines[0].startswith("CONTAINER ID   IMAGE")
    _, found = docker_api.call_json("GET", f"/containers/{running}/json")
    row = row_of(lines, running)
    assert row.startswith(found["Id"][:12] + "   busybox:local")
    assert '"sleep 600"' in row and " ago " in row and "Up " in row and row.endswith(running)
    assert len(lines) == 1 + len(docker_api.call_json("GET", "/containers/json?all=1")[1])


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_narrow_terminals_cut_columns_to_fit(engine_host, spec_dir, monkeypatch, running, columns):
    lines = shown(engine_host, spec_dir, monkeypatch, "GET /containers/json all==1", columns)
    assert all(len(line) <= columns for line in lines if not line.startswith("("))
    wide = shown(engine_host, spec_dir, monkeypatch, "GET /containers/json all==1", 300)
    assert all(len(line) <= 300 for line in wide) and "…" not in row_of(wide, running)
    assert "…" in "".join(lines) or columns >= max(len(line) for line in wide)


def test_image_volume_network_lists(engine_host, spec_dir, monkeypatch, running, busybox_image, docker_api):
    images = shown(engine_host, spec_dir, monkeypatch, "GET /images/json")
    assert images[0].split() == ["REPOSITORY", "TAG", "IMAGE", "ID", "CREATED", "SIZE"]
    _, image = docker_api.call_json("GET", f"/images/{busybox_image}/json")
    size = image["Size"]
    row = row_of(images, "busybox ")
    assert row.split()[:3] == ["busybox", "local", image["Id"][7:19]]
    assert row.endswith(f"{size / 1e6:.3g}MB" if size >= 1e6 else f"{size / 1e3:.3g}kB")
    volumes = shown(engine_host, spec_dir, monkeypatch, "GET /volumes")
    assert volumes[0].split() == ["DRIVER", "VOLUME", "NAME"] and f"local    {running}-vol" in volumes
    networks = shown(engine_host, spec_dir, monkeypatch, "GET /networks")
    _, net = docker_api.call_json("GET", f"/networks/{running}-net")
    assert row_of(networks, f"{running}-net").split() == [net["Id"][:12], f"{running}-net", "bridge", "local"]


def test_top_system_df_history_and_changes(engine_host, spec_dir, monkeypatch, running, busybox_image):
    top = shown(engine_host, spec_dir, monkeypatch, f"GET /containers/{running}/top")
    assert top[0].split() == ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
    assert top[1].endswith("sleep 600") and len(top) == 2  # one line per process, not eleven
    df = shown(engine_host, spec_dir, monkeypatch, "GET /system/df")
    for title in ("Images space usage:", "Containers space usage:", "Local Volumes space usage:"):
        assert title in df
    assert row_of(df, f"{running}-vol").split() == [f"{running}-vol", "1", "0B"]
    history = shown(engine_host, spec_dir, monkeypatch, f"GET /images/{busybox_image}/history")
    assert history[0].split()[:3] == ["IMAGE", "CREATED", "CREATED"]
    changes = shown(engine_host, spec_dir, monkeypatch, f"GET /containers/{running}/changes")
    assert changes[0].split() == ["KIND", "PATH"]


def test_any_other_array_gets_the_generic_table(engine_host, spec_dir, docker_api, running):
    _, body = docker_api.call("GET", "/containers/json")
    found = layout.tables(json.loads(body), None)  # an operation views.yaml does not name
    assert found is not None and found[0].headers[:2] == ["Id", "Names"]
    lines = views.lines(found, 120)
    assert len(lines) == 1 + len(json.loads(body)) and all(len(line) <= 120 for line in lines)
    assert lines[1].startswith(json.loads(body)[0]["Id"][:5])
    assert views.render(b'{"a": 1}', None, "table", 80) is None  # an object: the JSON view shows it


def test_view_and_last_reprint_the_last_body(engine_host, spec_dir, monkeypatch, running):
    monkeypatch.setenv("COLUMNS", "200")
    s, out = session(engine_host, spec_dir, pager="")
    assert s.execute("GET /containers/json").exit_code == 0
    as_json = out.getvalue().decode()
    assert '"Id": "' in as_json  # json: indented on a terminal
    for line, expect in (("last table", "CONTAINER ID"), ("last expanded", "HostConfig.NetworkMode:"),
                         ("view expanded", "view expanded")):
        out.seek(0), out.truncate()
        assert s.execute(line).exit_code == 0
        assert expect in out.getvalue().decode() + s.console.stderr.getvalue().decode()
    out.seek(0), out.truncate()
    assert s.execute(f"GET /containers/{running}/top").exit_code == 0
    assert "-[ 1 ]" in out.getvalue().decode() and "CMD:   sleep 600" in out.getvalue().decode()
    out.seek(0), out.truncate()
    assert s.execute("last json").exit_code == 0 and '"Titles": [' in out.getvalue().decode()
    assert s.execute("view wide").exit_code == 2


@pytest.mark.parametrize("line", ["GET /containers/json all==1", "GET /images/json", "GET /volumes",
                                  "GET /system/df", "GET /info", "GET /volumes/{name}-vol"])
def test_anywhere_but_a_terminal_the_body_is_the_engines(engine_host, spec_dir, docker_api, running, line):
    s, out = session(engine_host, spec_dir, tty=False, view="table", pretty="auto")
    line = line.format(name=running)
    assert s.execute(line).exit_code == 0
    assert out.getvalue() == s.last_response.body  # as received: no view, no indent, no colour
    assert out.getvalue().startswith((b"[", b"{")) and b"\x1b[" not in out.getvalue()
    if line.endswith("-vol"):  # what other tests running beside it cannot change: byte for byte as curl gets it
        assert out.getvalue() == docker_api.call("GET", line.split()[1])[1]


def test_a_long_body_is_paged_and_a_stream_never(engine_host, spec_dir, monkeypatch, tmp_path, running):
    monkeypatch.setenv("LINES", "10")
    paged = tmp_path / "paged"
    s, out = session(engine_host, spec_dir, pager=f"cat >> {paged}")
    assert s.execute("GET /info").exit_code == 0
    assert "Containers" in paged.read_text() and out.getvalue() == b""
    paged.unlink()
    since = int(time.time()) - 3600
    assert s.execute(f"GET /events since=={since} until=={int(time.time())}").exit_code == 0
    assert not paged.exists() and out.getvalue().count(b"\n") > 10


def test_a_stats_sample_as_docker_computes_it(engine_host, spec_dir, monkeypatch, docker_api, busybox_image,
                                              unique_name):
    # a busy loop held to a tenth of a CPU: a CPU % docker's formula must find near 10, not 0
    status, _ = docker_api.call("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sh", "-c", "while :; do :; done"],
        "HostConfig": {"NetworkMode": "none", "NanoCpus": 100_000_000}})
    assert status == 201 and docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    try:
        lines, body = shown_with_body(engine_host, spec_dir, monkeypatch,
                                      f"GET /containers/{unique_name}/stats stream==0")
    finally:
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")
    sample = json.loads(body)
    cpu, pre = sample["cpu_stats"], sample["precpu_stats"]
    delta = cpu["cpu_usage"]["total_usage"] - pre["cpu_usage"]["total_usage"]
    system = cpu["system_cpu_usage"] - pre["system_cpu_usage"]
    expected = delta / system * cpu["online_cpus"] * 100
    assert stats.cpu_percent(pre, cpu) == pytest.approx(expected) and 2 < expected < 30
    row = stats.row(stats.sample(sample))
    assert row[:3] == [sample["id"][:12], unique_name, f"{expected:.2f}%"]
    assert row[7] == str(sample["pids_stats"]["current"])
    assert re.fullmatch(r"[\d.]+[KMG]iB / [\d.]+[KMGT]iB", row[3]) and row[4].endswith("%")
    assert lines[0].startswith("CONTAINER ID   NAME") and lines[1].split("   ")[:3] == row[:3]
