"""scripts/fuzz's lines, in-process, and the report it prints (the matrix is tests/fuzz.py).

Lines (tests/fuzzgen.py) run through `Session.execute`, alternately sent to a recording server and
under --dry-run, in a scratch folder with a PATH of harmless commands (`| cat` may run, a mutated
pipe cannot reach anything else). Anything that escapes `execute` is a traceback; an exit code
other than 0/1/2 is wrong; a line running longer than HANG_S is a hang (SIGALRM stops it).
"""
from __future__ import annotations

import io
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from typing import NamedTuple

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from explorer.spec import load_index
from tests.fuzzgen import Lines
from tests.recording_server import RecordingServer

HANG_S = 5.0
RSS_LIMIT_MIB = 256
LINES_PER_SESSION = 200  # a session keeps state (variables, recording) for this many lines
SAFE_COMMANDS = {"cat": "exec /bin/cat", "head": "exec /usr/bin/head -c 100", "true": "exit 0",
                 "false": "exit 1", "wc": "exec /usr/bin/wc -c"}  # what `| command` finds (args ignored)


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
