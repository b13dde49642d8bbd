"""engine-explorer driven line by line for the API tests, and the curl lines it prints re-run by curl.

One in-process Session with the real transport (as the REPL, -c and -f run it), verbose so that it
prints each request's curl line; `send` returns the status, the body and that line. The tests check
each effect with conftest's raw `docker_api` client, never through engine-explorer itself.
"""

from __future__ import annotations

import io
import json
import os
import select
import shlex
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session

CURL_TIMEOUT = 60
LABEL = "ee-test"  # label key of what the API tests make; its value is the test's unique name


def label_filter(value: str) -> str:
    """A `filters==` value, quoted for our grammar, matching objects labelled LABEL=value."""
    return shlex.quote(json.dumps({"label": [f"{LABEL}={value}"]}))


class Sent(NamedTuple):
    """What one line did: the HTTP status, the body as written, the curl line printed for it, and what
    went to stderr (the verbose lines, and a demultiplexed stream's stderr)."""

    line: str
    status: int | None
    body: bytes
    curl: str
    err: bytes = b""

    def json(self) -> Any:
        """The body, decoded from JSON."""
        return json.loads(self.body)

    def json_lines(self) -> list:
        """A JSON stream's objects, one a line."""
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


class StopAfter(io.BytesIO):
    """A stdout that plays the user's Ctrl-C once `lines` lines of an endless stream were written."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.lines = lines

    def write(self, data) -> int:  # type: ignore[override]
        written = super().write(data)
        if self.lines and self.getvalue().count(b"\n") >= self.lines:
            self.lines = 0
            raise KeyboardInterrupt  # where a Ctrl-C lands: in the middle of writing the stream
        return written


class Explorer:
    """An engine-explorer session against `host`; `send(line, status)` runs one line."""

    def __init__(self, host: str, spec_dir, show_secrets: bool = False, env: dict | None = None) -> None:
        self.host = host
        self.spec_dir = str(spec_dir)
        self.show_secrets = show_secrets
        self.env = env or {}  # more of the session's environment: DOCKER_CONFIG, PATH
        self.session, self.console = self._session(io.BytesIO())

    def _session(self, stdout) -> tuple[Session, Console]:
        console = Console(stdout=stdout, stderr=io.BytesIO(), verbose=True)
        settings = Settings(host=self.host, verbose=True, show_secrets=self.show_secrets)
        # the session's own DOCKER_CONFIG (tests/components), never the real ~/.docker
        env = {"ENGINE_EXPLORER_SPEC_DIR": self.spec_dir, "DOCKER_CONFIG": os.environ.get("DOCKER_CONFIG", ""),
               **self.env}
        return Session(settings, console, env=env), console

    def send(self, line: str, status: int | None = None) -> Sent:
        """Execute `line`; with `status`, assert the response had it (the body and stderr say why not)."""
        out, err = self.console.stdout, self.console.stderr
        out.seek(0), out.truncate(), err.seek(0), err.truncate()
        outcome = self.session.execute(line)
        sent = Sent(line, outcome.status, out.getvalue(), _curl_line(err.getvalue()), err.getvalue())
        if status is not None:
            assert outcome.status == status, (line, outcome, sent.body[-2000:], err.getvalue()[-2000:])
        return sent

    def send_until(self, line: str, lines: int) -> Sent:
        """Send a request that streams for ever, and Ctrl-C it once `lines` lines have come.

        Its status is None: a stream shows its status line when it ends, and this one never does.
        """
        session, console = self._session(StopAfter(lines))
        try:
            session.execute(line)
        except KeyboardInterrupt:
            pass
        else:
            raise AssertionError(f"{line}: the stream ended before {lines} lines came")
        finally:
            session.close()
        return Sent(line, None, console.stdout.getvalue(), _curl_line(console.stderr.getvalue()))

    def close(self) -> None:
        self.session.close()


def _curl_line(stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.startswith("curl ")]
    return lines[-1] if lines else ""


def curl(sent: Sent, *extra: str, input: bytes | None = None, env: dict | None = None) -> tuple[int, bytes]:
    """Run the curl line `sent` printed, as pasted into a shell: (HTTP status, body).

    `env` gives the shell variables a printed line names for its secrets ("$UNLOCK_KEY"), as a
    user sets them before pasting it.
    """
    assert sent.curl.startswith("curl "), f"no curl line was printed for {sent.line!r}"
    done = subprocess.run(["bash", "-c", f"{sent.curl} -sS {' '.join(extra)} -w '\\n%{{http_code}}'"],
                          input=input, capture_output=True, timeout=CURL_TIMEOUT,
                          env={**os.environ, **(env or {})})
    body, _, code = done.stdout.rpartition(b"\n")
    assert code.isdigit(), (sent.curl, done.returncode, done.stderr)
    return int(code), body


def rerun(sent: Sent, status: int | None = None, env: dict | None = None) -> bytes:
    """Re-run `sent`'s curl line; assert curl gets `status` (by default what engine-explorer got)."""
    assert '"$' not in sent.curl or env, f"the line names secret variables; give their values: {sent.curl}"
    got, body = curl(sent, env=env)
    assert got == (status or sent.status), (sent.curl, got, body[-2000:])
    return body


def rerun_stream(sent: Sent) -> int:
    """Re-run the curl line of an endless stream until its status line is in; end curl; the status."""
    proc = subprocess.Popen(["bash", "-c", f"exec {sent.curl} -sS -i -N"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], CURL_TIMEOUT)
        first = proc.stdout.readline() if ready else b""  # the status line comes first, and whole
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=CURL_TIMEOUT)
    assert first.startswith(b"HTTP/"), (sent.curl, first)
    return int(first.split()[1])


def wait_for(what: str, check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll `check` until it returns something true (the event the test needs); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def exec_in(docker_api, container: str, *cmd: str) -> str:
    """What `cmd` prints in the container, run through the raw client (a TTY: no stream framing)."""
    status, created = docker_api.call_json("POST", f"/containers/{container}/exec", {
        "Cmd": list(cmd), "AttachStdout": True, "AttachStderr": True, "Tty": True})
    assert status == 201, created
    status, output = docker_api.call("POST", f"/exec/{created['Id']}/start", {"Detach": False, "Tty": True})
    assert status == 200, output
    return output.decode("utf-8", "replace").replace("\r\n", "\n")


def inspect(docker_api, kind: str, name: str) -> Any:
    """GET /{kind}/{name}/json (or /{kind}/{name} for volumes and networks) by the raw client; None on 404."""
    path = f"/{kind}/{name}" if kind in ("volumes", "networks") else f"/{kind}/{name}/json"
    status, body = docker_api.call_json("GET", path)
    if status == 404:
        return None
    assert status == 200, (path, status, body)
    return body
