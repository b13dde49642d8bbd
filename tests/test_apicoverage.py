"""The API-coverage measure itself (tests/apicoverage): requests map to their operations; only a 2xx
from a real engine plus an asserted effect counts; subprocesses are recorded too; a full run below a
gate fails, and a partial run is not gated."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from apicoverage import plugin, report, routes
from apicoverage.scope import CANNOT, SWARM_AND_PLUGIN_TAGS, Gate

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.integration.apidriver import Explorer
from tests.recording_server import RecordingServer

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def table(spec_v141) -> routes.Routes:
    return routes.load(spec_v141)


@pytest.mark.parametrize("method, target, expected", [
    ("GET", "/v1.41/images/json?all=1", "ImageList"),
    ("GET", "/images/127.0.0.1:5000/ee-test/busybox:v1/json", "ImageInspect"),  # a name with slashes
    ("DELETE", "/v1.41/images/127.0.0.1:5000/ee/x:v1?force=1", "ImageDelete"),
    ("GET", "/v1.41/images/get?names=a&names=b", "ImageGetAll"),
    ("GET", "/v1.41/images/a/get", "ImageGet"),
    ("GET", "/_ping", "SystemPing"),
    ("HEAD", "/_ping", "SystemPingHead"),
    ("POST", "/v1.41/containers/create?name=x", "ContainerCreate"),
    ("POST", "/v1.41/containers/prune", "ContainerPrune"),
    ("POST", "/v1.43/containers/abc/start", "ContainerStart"),
    ("GET", "/v1.41/containers/abc/attach/ws", "ContainerAttachWebsocket"),
    ("PUT", "/v1.41/containers/abc/archive?path=/", "PutContainerArchive"),
    ("HEAD", "/v1.41/containers/abc/archive?path=/", "ContainerArchiveInfo"),
    ("GET", "/v1.41/distribution/127.0.0.1:5000/a/b:c/json", "DistributionInspect"),
    ("GET", "/v1.41/nope", None),
    ("PATCH", "/v1.41/containers/abc/json", None),
])
def test_a_request_maps_to_its_operation(table, method, target, expected):
    assert table.operation_id(method, target) == expected


def test_the_v141_spec_counts_106_operations_65_of_them_outside_swarm_and_plugin(table):
    assert len(table.operations) == 106
    assert sum(1 for op in table.operations if op.tag not in SWARM_AND_PLUGIN_TAGS) == 65
    assert set(CANNOT) <= {op.id for op in table.operations}  # every exception names a real operation


def journal_of(tmp_path: Path, records: list[tuple], proofs: list[tuple]) -> report.Journal:
    (tmp_path / "requests-1.log").write_text("".join(repr(r) + "\n" for r in records))
    (tmp_path / "proofs-1.log").write_text("".join(repr(p) + "\n" for p in proofs))
    journal = report.Journal(tmp_path)
    journal.update()
    return journal


ENGINE, OTHER = "unix:///engine.sock", "unix:///other.sock"
PING = ("t::a", ENGINE, "GET", "/_ping", 200, "Docker/20.10.24+dfsg1 (linux)")


@pytest.mark.parametrize("records, proofs, proven", [
    ([PING], [("t::a", "SystemPing")], True),
    ([PING], [], False),  # a 2xx alone proves nothing
    ([PING], [("t::b", "SystemPing")], False),  # another test's 2xx does not count
    ([PING, ("t::b", ENGINE, "GET", "/_ping", 500, "Docker/x")], [("t::b", "SystemPing")], False),
    ([PING, ("t::b", OTHER, "GET", "/_ping", 200, "fake")], [("t::b", "SystemPing")], False),  # not an engine
    ([PING, ("t::b", ENGINE, "GET", "/_ping", 204, None)], [("t::b", "SystemPing")], True),  # no Server: hijacked
])
def test_an_operation_is_proven_by_a_2xx_from_an_engine_and_a_proof_in_the_same_test(
        tmp_path, table, records, proofs, proven):
    journal = journal_of(tmp_path, records, proofs)
    summary = report.summarise(journal, table.operation_id, table.operations, full=True)
    ping = next(row for row in summary["operations"] if row["id"] == "SystemPing")
    assert bool(ping["proven_by"]) is proven


def test_gates_apply_to_full_runs_with_an_engine_only(tmp_path, table, monkeypatch):
    monkeypatch.setattr(report, "GATES", (Gate("core", 2, exclude=SWARM_AND_PLUGIN_TAGS), Gate("all", 1)))
    journal = journal_of(tmp_path, [PING], [("t::a", "SystemPing")])
    full = report.summarise(journal, table.operation_id, table.operations, full=True)
    assert [gate["name"] for gate in report.failed_gates(full)] == ["core"]
    assert report.failed_gates(report.summarise(journal, table.operation_id, table.operations, full=False)) == []
    lines = report.render(full)
    assert any(line.startswith("  System          1/7") for line in lines)
    assert "  gate, core: 1 of 65 proven, at least 2 needed: FAILED" in lines
    assert "  gate, all: 1 of 106 proven, at least 1 needed: passed" in lines
    assert all(any(op_id in line for line in lines) for op_id in CANNOT)


def test_proven_fails_unless_engine_explorer_got_a_2xx_in_this_test(engine_host, spec_dir, docker_api, proven):
    ee = Explorer(engine_host, spec_dir)
    ee.send("GET /containers/ee-no-such-container/json", 404)
    with pytest.raises(pytest.fail.Exception, match=r"got no 2xx .*\(it got: 404 from unix://"):
        proven("ContainerInspect")
    assert docker_api.call("GET", "/info")[0] == 200  # the raw client is not engine-explorer
    with pytest.raises(pytest.fail.Exception, match=r"got no 2xx .*\(it got: nothing\)"):
        proven("SystemInfo")
    with pytest.raises(pytest.fail.Exception, match="no such operation"):
        proven("ContainerFly")
    ee.close()


def test_a_2xx_from_a_server_that_is_not_an_engine_proves_nothing(spec_v141, proven):
    with RecordingServer(headers=(("Api-Version", "1.41"),)) as server:
        console = Console(stdout=io.BytesIO(), stderr=io.BytesIO())
        session = Session(Settings(host=f"unix://{server.path}", spec=str(spec_v141)), console, env={})
        assert session.execute("GET /_ping").status == 200
        session.close()
    with pytest.raises(pytest.fail.Exception, match="got no 2xx"):
        proven("SystemPing")


def test_a_subprocess_s_requests_are_recorded(engine_host, spec_dir, docker_api, proven):
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    done = subprocess.run([sys.executable, "-m", "explorer", "-H", engine_host, "-c", "GET /info"],
                          capture_output=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ID"] == docker_api.call_json("GET", "/info")[1]["ID"]
    proven("SystemInfo")  # sent by `python -m explorer`, recorded by tests/apicoverage/site


INNER_CONFTEST = """\
import os, sys
from pathlib import Path
from types import SimpleNamespace
import pytest
sys.path.insert(0, {tests!r})
from apicoverage import report
from apicoverage.scope import Gate

# What apicoverage.plugin takes from the suite's conftest.
DEBIAN_SPEC_V141 = Path("/nonexistent")
def _find_spec_dir():
    return Path({spec_dir!r})
def _unavailable(reason):
    pytest.fail(reason)

report.GATES = (Gate("inner", int(os.environ["INNER_MINIMUM"])),)
pytest_plugins = ("apicoverage.plugin",)
"""
INNER_TEST = """\
from tests.integration.apidriver import Explorer

def test_ping(proven):
    ee = Explorer({host!r}, {spec_dir!r})
    assert ee.send("GET /_ping", 200).body == b"OK"
    proven("SystemPing")
    ee.close()

def test_other():
    pass
"""


@pytest.mark.timeout(120)
def test_a_full_run_below_its_gate_fails_though_every_test_passed(tmp_path, engine_host, spec_dir):
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = checks\n")
    (tmp_path / "conftest.py").write_text(INNER_CONFTEST.format(tests=str(REPO / "tests"), spec_dir=str(spec_dir)))
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "test_inner.py").write_text(INNER_TEST.format(host=engine_host, spec_dir=str(spec_dir)))

    env = dict(os.environ, INNER_MINIMUM="2", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=100, env=env)
    code, out = done.returncode, done.stdout
    assert code == 1 and "2 passed" in out, out
    assert "gate, inner: 1 of 106 proven, at least 2 needed: FAILED" in out
    assert "FAILED: the API coverage gate 'inner': 1 proven, at least 2 needed" in out
    # A partial run (-k …) is not gated: full_run and failed_gates, tested above and below, decide that.


class Stub:
    """The parts of a pytest.Config that `full_run` reads."""

    def __init__(self, tmp_path: Path, args=(), source=pytest.Config.ArgsSource.ARGS, **options) -> None:
        self.option = SimpleNamespace(keyword=options.pop("keyword", ""), markexpr=options.pop("markexpr", ""),
                                      collectonly=options.pop("collectonly", False))
        self._options = options
        self.args, self.args_source = list(args), source
        self.rootpath = tmp_path
        self.invocation_params = SimpleNamespace(dir=tmp_path)

    def getoption(self, name, default=None):
        return self._options.get(name, default)

    def getini(self, name):
        assert name == "testpaths"
        return ["tests"]


@pytest.mark.parametrize("args, source, options, deselected, full", [
    (["tests"], pytest.Config.ArgsSource.TESTPATHS, {}, 0, True),  # scripts/test
    (["tests"], pytest.Config.ArgsSource.ARGS, {}, 0, True),  # scripts/test tests
    (["tests/"], pytest.Config.ArgsSource.ARGS, {}, 0, True),
    (["tests/integration"], pytest.Config.ArgsSource.ARGS, {}, 0, False),
    (["tests", "tests/test_x.py::test_y"], pytest.Config.ArgsSource.ARGS, {}, 0, False),
    (["tests"], pytest.Config.ArgsSource.TESTPATHS, {"keyword": "curlcmd"}, 0, False),
    (["tests"], pytest.Config.ArgsSource.TESTPATHS, {"markexpr": "not engine"}, 0, False),
    (["tests"], pytest.Config.ArgsSource.TESTPATHS, {"lf": True}, 0, False),
    (["tests"], pytest.Config.ArgsSource.TESTPATHS, {"ignore": ["tests/integration"]}, 0, False),
    (["tests"], pytest.Config.ArgsSource.TESTPATHS, {"collectonly": True}, 0, False),
    (["tests"], pytest.Config.ArgsSource.TESTPATHS, {}, 3, False),  # --deselect, or a plugin deselected some
])
def test_a_full_run_is_the_whole_suite_with_nothing_left_out(tmp_path, args, source, options, deselected, full):
    assert plugin.full_run(Stub(tmp_path, args, source, **options), deselected) is full
