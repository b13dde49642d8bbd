"""API coverage, measured: which operations of the v1.41 spec the suite proves on a real engine.

A pytest plugin (conftest loads it). It records every request engine-explorer's Transport sends
while a test runs, in this process and in the Python subprocesses tests start (recorder.py,
site/sitecustomize.py), into a folder named by ENGINE_EXPLORER_API_RECORD. A 2xx alone proves
nothing: a test calls `proven("ContainerPause")` after asserting the effect (the container is
paused), and `proven` fails the test unless engine-explorer sent that operation in this test and
a real engine (one that said `Server: Docker/…`) answered it with a 2xx.

At the end the summary goes to pytest's cache (`scripts/api-coverage` prints it again). A full
run prints the per-tag table and fails when a gate of scope.py is not reached; a partial run
(`-k`, `-m`, paths, `--lf`, deselection…) prints one line and is not gated. With pytest-xdist,
workers inherit the controller's folder, and the controller reads every worker's logs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import DEBIAN_SPEC_V141, _find_spec_dir, _unavailable

from . import recorder, report, routes
from .scope import SPEC_VERSION

SITE = Path(__file__).resolve().parent / "site"


def _spec() -> Path | None:
    found = _find_spec_dir()
    for candidate in (found / f"v{SPEC_VERSION}.yaml" if found else None, DEBIAN_SPEC_V141):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def full_run(config: pytest.Config, deselected: int) -> bool:
    """Whether this run runs the whole suite: no -k/-m, no paths of its own, nothing deselected or skipped
    by --lf/--sw/--ignore, not --collect-only."""
    option = config.option
    if option.keyword or option.markexpr or deselected or option.collectonly:
        return False
    if any(config.getoption(name, None) for name in ("lf", "stepwise", "ignore", "ignore_glob", "deselect")):
        return False
    if config.args_source == pytest.Config.ArgsSource.TESTPATHS:
        return True
    whole = {(config.rootpath / path).resolve() for path in config.getini("testpaths")}
    given = {(config.invocation_params.dir / arg).resolve() for arg in config.args}
    return given == whole


class APICoverage:
    """The recording folder, the journal read from it, the proofs, and the verdict at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.worker = hasattr(config, "workerinput")  # a pytest-xdist worker: its controller reports
        self.deselected = 0
        self._routes: routes.Routes | None = None
        self._saved_env = {name: os.environ.get(name) for name in (recorder.VARIABLE, "PYTHONPATH")}
        if not self.worker:  # a nested pytest run records apart from the run that started it
            os.environ[recorder.VARIABLE] = tempfile.mkdtemp(prefix="ee-api-record-")
        self.folder = Path(os.environ[recorder.VARIABLE])
        python_path = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = str(SITE) + (os.pathsep + python_path if python_path else "")
        self.journal = report.Journal(self.folder)
        recorder.install()

    def routes(self) -> routes.Routes:
        """The spec's operations (parsed once, when first needed)."""
        if self._routes is None:
            spec = _spec()
            if spec is None:
                _unavailable(f"no v{SPEC_VERSION} spec to map requests to operations")
            self._routes = routes.load(spec)
        return self._routes

    def prove(self, test: str, op_ids: tuple[str, ...]) -> None:
        """Count `op_ids` as proven by `test`, which must have had each answered 2xx by an engine."""
        self.journal.update()
        mine = self.journal.by_test.get(test, [])
        table = self.routes()
        known = {op.id for op in table.operations}
        for op_id in op_ids:
            if op_id not in known:
                pytest.fail(f"proven({op_id!r}): no such operation in the v{SPEC_VERSION} spec", pytrace=False)
            sent = [r for r in mine if table.operation_id(r.method, r.target) == op_id]
            if not any(r.succeeded and self.journal.from_engine(r) for r in sent):
                seen = ", ".join(f"{r.status} from {r.endpoint}" for r in sent) or "nothing"
                pytest.fail(f"proven({op_id!r}), but engine-explorer got no 2xx for it from an engine in this "
                            f"test (it got: {seen})", pytrace=False)
        with (self.folder / f"proofs-{os.getpid()}.log").open("a", encoding="utf-8") as log:
            log.writelines(repr((test, op_id)) + "\n" for op_id in op_ids)

    def summary(self, session: pytest.Session) -> dict | None:
        """This run's summary (None when there is no spec to count against)."""
        spec = _spec()
        if spec is None:
            return None
        self.journal.update()
        table = self._routes or routes.load(spec)
        return report.summarise(self.journal, table.operation_id, table.operations,
                                full_run(self.config, self.deselected) and not session.shouldstop)

    @pytest.hookimpl(trylast=True)
    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker:
            return
        summary = self.summary(session)
        self.config.stash[SUMMARY] = summary
        if summary is None:
            return
        cache = getattr(self.config, "cache", None)  # None with -p no:cacheprovider
        if cache is not None:
            cache.set(report.CACHE_KEY, summary)
        if report.failed_gates(summary) and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        summary = self.config.stash.get(SUMMARY, None)
        if summary is None:
            return
        if summary["full"]:
            for line in report.render(summary):
                terminalreporter.write_line(line)
            for gate in report.failed_gates(summary):
                terminalreporter.write_line(f"FAILED: the API coverage gate '{gate['name']}': {gate['proven']} "
                                            f"proven, at least {gate['minimum']} needed", red=True, bold=True)
            return
        proven = sum(1 for row in summary["operations"] if row["proven_by"])
        if proven:
            terminalreporter.write_line(f"API coverage: {proven} of {len(summary['operations'])} v{SPEC_VERSION} "
                                        "operations proven in this partial run (not gated; scripts/api-coverage "
                                        "prints the table)")

    def pytest_unconfigure(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if not self.worker:
            shutil.rmtree(self.folder, ignore_errors=True)


SUMMARY = pytest.StashKey[dict | None]()
PLUGIN = "engine-explorer-api-coverage"


def pytest_configure(config: pytest.Config) -> None:
    """Start recording for this run."""
    config.pluginmanager.register(APICoverage(config), PLUGIN)


@pytest.fixture
def proven(request: pytest.FixtureRequest):
    """`proven(*operation_ids)`: call it after asserting the effect of what engine-explorer sent.

    Fails the test unless each operation was sent by engine-explorer in this test and answered 2xx
    by a real engine; then the operations count as proven in the API-coverage table.
    """
    coverage: APICoverage = request.config.pluginmanager.get_plugin(PLUGIN)

    def prove(*op_ids: str) -> None:
        coverage.prove(request.node.nodeid, op_ids)

    return prove
