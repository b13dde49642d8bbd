"""scripts/fuzz [N] [--seed S] [--no-matrix]: the hostile-server and hostile-spec matrix, then N lines.

Each matrix case is the real CLI in a process of its own (`python -m explorer -c LINE`), against one
answer of tests/hostile_server.ANSWERS or one spec of tests/hostile_specs, measured with wait4: exit
code, wall and CPU seconds, peak RSS. The lines are tests/fuzzrun.py's.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from tests.fuzzrun import HANG_S, RSS_LIMIT_MIB, Failure, Report, fuzz_lines, summary
from tests.hostile_server import ANSWERS, HostileServer
from tests.hostile_specs import HOSTILE_SPECS

TIMEOUT_S = 2  # --timeout of each matrix case: a silent or slow-loris server is the user's to bound
MATRIX_LINES = (("GET /info",), ("GET /info", "--pretty"), ("GET /events",),
                ("GET /containers/x/logs stdout==1 stderr==1",), ("GET /info > /dev/null",),
                ("POST /build @/proc/self/status",), ("HEAD /_ping",), ("GET /info | cat",),
                ("GET /info", "-v"))
SPEC_LINES = ("POST /containers/create Image=x HostConfig[Memory]=1 a=1", "help ContainerCreate",
              "curl POST /containers/create Image=x")


class Case(NamedTuple):
    """One run of the CLI: its exit code, seconds (wall and CPU), peak RSS (MiB) and stderr."""

    name: str
    code: int
    seconds: float
    cpu: float  # user + system: what the case cost, whatever else the machine was doing
    rss_mib: float
    stderr: str
    hung: bool


def run_cli(name: str, args: list, scratch: str, cache: str | None = None) -> Case:
    """Run `python -m explorer ARGS` in `scratch`, killed after HANG_S; measured with wait4.

    `cache` is the spec cache folder (XDG_CACHE_HOME) to share; without it the spec is parsed afresh.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "ENGINE_EXPLORER_DEBUG"))}
    env.update(HOME=scratch, XDG_CACHE_HOME=cache or tempfile.mkdtemp(dir=scratch), PYTHONPATH=_root())
    with tempfile.TemporaryFile(dir=scratch) as err:
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "explorer", *args], cwd=scratch, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        killer = threading.Timer(HANG_S, proc.kill)
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        took = time.monotonic() - start
        err.seek(0)
        text = err.read(100_000).decode("utf-8", "replace")
    return Case(name, proc.returncode, took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text,
                took >= HANG_S)


def hostile_matrix(spec: str, report: Report, workers: int = 2) -> Report:
    """Every hostile answer against every kind of request, and every hostile spec.

    The good spec is parsed once (a shared cache) so that a case's time is its own, not YAML's;
    each hostile spec is parsed by its own process. Two at a time: more would measure the machine.
    """
    with tempfile.TemporaryDirectory(prefix="ee-fuzz-") as scratch:
        cache = tempfile.mkdtemp(dir=scratch)
        run_cli("warm", ["--spec", spec, "--api-version", "1.41", "--dry-run", "-c", "GET /info"], scratch, cache)
        servers = {name: HostileServer(answer) for name, answer in ANSWERS.items()}
        jobs = [(f"server {name!r}: {' '.join(case)}",
                 ["-H", "unix://" + srv.path, "--spec", spec, "--api-version", "1.41", "--timeout", str(TIMEOUT_S),
                  *case[1:], "-c", case[0]], cache)
                for name, srv in servers.items() for case in MATRIX_LINES]
        for name, text in HOSTILE_SPECS.items():
            path = os.path.join(scratch, name.replace(" ", "-") + (".json" if "json" in name else ".yaml"))
            with open(path, "w", encoding="latin-1" if name == "not utf-8" else "utf-8") as f:
                f.write(text)
            jobs += [(f"spec {name!r}: {line}", ["-H", "unix:///nonexistent/ee.sock", "--spec", path,
                                                 "--api-version", "1.41", "--dry-run", "-c", line], None)
                     for line in SPEC_LINES]
        try:
            with ThreadPoolExecutor(workers) as pool:
                cases = list(pool.map(lambda job: run_cli(job[0], job[1], scratch, job[2]), jobs))
        finally:
            for srv in servers.values():
                srv.close()
    for case in cases:
        _judge(case, report)
    return report


def _judge(case: Case, report: Report) -> None:
    report.cases.append(case)
    report.codes[case.code] += 1
    if case.hung:
        report.failures.append(Failure("hang", f"over {HANG_S:g} s", case.name))
    if "Traceback" in case.stderr or "internal error" in case.stderr:
        report.failures.append(Failure("traceback", case.stderr.strip().splitlines()[-1][:200], case.name))
    elif case.code not in (0, 1, 2) and not case.hung:
        report.failures.append(Failure(f"exit code {case.code}", case.stderr[-200:], case.name))
    if case.rss_mib > RSS_LIMIT_MIB:
        report.failures.append(Failure(f"peak RSS {case.rss_mib:.0f} MiB", "over the limit", case.name))


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list) -> int:
    """scripts/fuzz [N] [--seed S] [--no-matrix]: 0 when nothing broke, 1 otherwise."""
    n = next((int(a) for a in argv if a.isdigit()), 10_000)
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 1
    spec = os.path.join(os.environ.get("ENGINE_EXPLORER_SPEC_DIR", os.path.join(_root(), "specs")), "v1.41.yaml")
    report, start = Report(), time.monotonic()
    if "--no-matrix" not in argv:
        hostile_matrix(spec, report)
    batch = 1000  # lines in seeds seed, seed+1, …: a failure reproduces from its batch alone
    for first in range(0, n, batch):
        known = len(report.failures)
        fuzz_lines(min(batch, n - first), seed + first // batch, spec, report)
        print(f"fuzz: {first + min(batch, n - first)} lines, {len(report.failures)} failures",
              file=sys.stderr, flush=True)
        for f in report.failures[known:]:  # as they come: a long run's finds are not lost to Ctrl-C
            print(f"fuzz: seed {seed + first // batch}: {f.what}: {f.cause}: {f.line[:300]!r}",
                  file=sys.stderr, flush=True)
    print(summary(report, time.monotonic() - start))
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
