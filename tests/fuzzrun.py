"""scripts/fuzz: hostile lines in-process, a hostile-server matrix and hostile specs, with one report.

- Lines (tests/fuzzgen.py) run through `Session.execute`, alternately sent to a recording server
  and under --dry-run, in a scratch folder with a PATH of harmless commands (`| cat` may run, a
  mutated pipe cannot reach anything else). Anything that escapes `execute` is a traceback; an
  exit code other than 0/1/2 is wrong; a line running longer than HANG_S is a hang (SIGALRM
  stops it).
- The matrix runs the real CLI (`python -m explorer -c LINE --timeout 2`) for every answer of
  tests/hostile_server.ANSWERS and every kind of request, and each spec of tests/hostile_specs,
  one process each, measuring its exit code, time and peak RSS (wait4).
"""
from __future__ import annotations

import io
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from explorer.spec import load_index
from tests.fuzzgen import Lines
from tests.hostile_server import ANSWERS, HostileServer
from tests.hostile_specs import HOSTILE_SPECS
from tests.recording_server import RecordingServer

HANG_S = 5.0
RSS_LIMIT_MIB = 256
TIMEOUT_S = 2  # --timeout of each matrix case: a silent or slow-loris server is the user's to bound
LINES_PER_SESSION = 200  # a session keeps state (variables, recording) for this many lines
SAFE_COMMANDS = {"cat": "exec /bin/cat", "head": "exec /usr/bin/head -c 100", "true": "exit 0",
                 "false": "exit 1", "wc": "exec /usr/bin/wc -c"}  # what `| command` finds (args ignored)
MATRIX_LINES = (("GET /info",), ("GET /info", "--pretty"), ("GET /events",),
                ("GET /containers/x/logs stdout==1 stderr==1",), ("GET /info > /dev/null",),
                ("POST /build @/proc/self/status",), ("HEAD /_ping",), ("GET /info | cat",),
                ("GET /info", "-v"))
SPEC_LINES = ("POST /containers/create Image=x HostConfig[Memory]=1 a=1", "help ContainerCreate",
              "curl POST /containers/create Image=x")


class Hang(BaseException):
    """Raised by SIGALRM in a line that ran too long (BaseException: no `except Exception` eats it)."""


class Failure(NamedTuple):
    """One line (or case) that went wrong, and how."""

    what: str  # "traceback", "hang", "exit code 70", "peak RSS …"
    cause: str  # the exception and where it was raised (one cause, many lines)
    line: str


class Report:
    """What a fuzz run found."""

    def __init__(self) -> None:
        self.lines = 0
        self.codes: Counter = Counter()
        self.failures: list = []
        self.slowest = (0.0, "")
        self.cases: list = []  # (name, exit code, seconds, peak RSS MiB) of the matrix and specs

    def causes(self) -> Counter:
        """How many lines each distinct cause of failure took."""
        return Counter((f.what, f.cause) for f in self.failures)

    def ok(self) -> bool:
        """No traceback, no hang, no exit code but 0/1/2, no case over the RSS limit."""
        return not self.failures


# -- lines, in-process ----------------------------------------------------------------------------

def fuzz_lines(n: int, seed: int, spec: str, report: Report | None = None) -> Report:
    """Run `n` generated lines (seed `seed`) against `spec` in-process; the report says what broke."""
    report = report or Report()
    gen = Lines(load_index(spec), seed)
    with tempfile.TemporaryDirectory(prefix="ee-fuzz-") as scratch, RecordingServer() as server, \
            _scratch_process(scratch), _alarm():
        session = None
        try:
            for i in range(n):
                if i % LINES_PER_SESSION == 0:
                    session = _renew(session, server, spec, scratch)
                session.dry_run = bool(i % 2)
                _one(session, next(gen), report)
                if i % 50 == 0:
                    server.take()
        finally:
            if session is not None:
                _close(session, report)
    return report


def _renew(old, server, spec: str, scratch: str):
    if old is not None:
        _close(old, Report())
    console = Console(stdout=io.BytesIO(), stderr=io.BytesIO())
    settings = Settings(host="unix://" + server.path, spec=spec, api_version="1.41", timeout=max(HANG_S - 1, 1.0))
    session = Session(settings, console, env={"HOME": scratch, "PATH": os.environ["PATH"]}, commands=dispatcher())
    session.execute("set v = web")
    return session


def _one(session, line: str, report: Report) -> None:
    console = session.console
    report.lines += 1
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, HANG_S)
    try:
        code = session.execute(line).exit_code
    except Hang:
        report.failures.append(Failure("hang", f"over {HANG_S:g} s", line))
        code = None
    except BaseException as err:  # what escaped execute: a traceback the user would have seen
        report.failures.append(Failure("traceback", _cause(err), line))
        code = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    took = time.monotonic() - start
    report.slowest = max(report.slowest, (took, line[:200]))
    if code is not None:
        report.codes[code] += 1
        if code not in (0, 1, 2):
            report.failures.append(Failure(f"exit code {code}", console.stderr.getvalue()[-200:].decode(
                "utf-8", "replace"), line))
    for stream in (console.stdout, console.stderr):
        stream.seek(0)
        stream.truncate()


def _close(session, report: Report) -> None:
    try:
        session.close()
    except BaseException as err:
        report.failures.append(Failure("traceback", _cause(err), "(closing the session)"))


def _cause(err: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "/explorer/" in f.filename]
    where = f"{frames[-1].filename.rsplit('/explorer/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(err).__name__} at {where}: {str(err)[:120]}"


class _scratch_process:
    """Work in `scratch`, HOME there too, with PATH holding only SAFE_COMMANDS; all restored after."""

    def __init__(self, scratch: str) -> None:
        self.scratch = scratch
        self.saved: tuple = ()

    def __enter__(self):
        bin_dir = os.path.join(self.scratch, "bin")
        os.makedirs(bin_dir)
        for name, body in SAFE_COMMANDS.items():
            path = os.path.join(bin_dir, name)
            with open(path, "w") as f:
                f.write(f"#!/bin/sh\n{body}\n")
            os.chmod(path, 0o755)
        with open(os.path.join(self.scratch, "body.json"), "w") as f:
            f.write('{"Image": "busybox:local", "Cmd": ["true"]}\n')
        with open(os.path.join(self.scratch, "script.ee"), "w") as f:
            f.write("set w = 1\nGET /version\nGET /containers/{{w}}/json\n")
        with open(os.path.join(self.scratch, "curl.sh"), "w") as f:
            f.write("curl --unix-socket /x -X POST -d '{}' http://localhost/v1.41/containers/create\n")
        self.saved = (os.getcwd(), os.environ.get("PATH"), os.environ.get("HOME"))
        # a `| command` writes its complaints to our fd 2: thousands of lines of noise
        sys.stderr.flush()
        self.fd2 = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        os.chdir(self.scratch)
        os.environ.update(PATH=bin_dir, HOME=self.scratch)
        return self

    def __exit__(self, *exc) -> None:
        cwd, path, home = self.saved
        os.dup2(self.fd2, 2)
        os.close(self.fd2)
        os.chdir(cwd)
        for name, value in (("PATH", path), ("HOME", home)):
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _alarm:
    """SIGALRM raises Hang while inside; the previous handler comes back after."""

    def __enter__(self):
        self.previous = signal.signal(signal.SIGALRM, _raise_hang)
        return self

    def __exit__(self, *exc) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


def _raise_hang(signum, frame):
    raise Hang()


# -- the matrix, one process a case ------------------------------------------------------------------

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


# -- the report ------------------------------------------------------------------------------------

def summary(report: Report, seconds: float) -> str:
    """The report as text: counts, exit codes, peak RSS, and each distinct failure with an example."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = [f"lines: {report.lines} in-process; cases: {len(report.cases)} (one process each); {seconds:.0f} s",
           "exit codes: " + ", ".join(f"{code}: {count}" for code, count in sorted(report.codes.items())),
           f"tracebacks: {sum(f.what == 'traceback' for f in report.failures)}; "
           f"hangs (> {HANG_S:g} s): {sum(f.what == 'hang' for f in report.failures)}; "
           f"slowest line: {report.slowest[0]:.2f} s",
           f"peak RSS: this process {own:.0f} MiB"]
    for label, prefix in (("hostile specs", "spec "), ("endless bodies", "server 'endless"),
                          ("gzip bomb", "server 'gzip bomb"), ("all cases", "")):
        picked = [c for c in report.cases if c.name.startswith(prefix)]
        if picked:
            top = max(picked, key=lambda c: c.rss_mib)
            out.append(f"  {label}: max {top.rss_mib:.0f} MiB ({top.name}); slowest "
                       f"{max(c.seconds for c in picked):.2f} s, most CPU {max(c.cpu for c in picked):.2f} s")
    for (what, cause), count in report.causes().most_common():
        example = next(f.line for f in report.failures if (f.what, f.cause) == (what, cause))
        out.append(f"FAIL {what} x{count}: {cause}\n     e.g. {example[:300]!r}")
    out.append("OK" if report.ok() else f"{len(report.causes())} distinct failures")
    return "\n".join(out)


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
