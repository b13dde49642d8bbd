"""The local end of an ssh:// engine: OpenSSH forwards a private unix socket to the far side's engine
socket, so every request still goes through libcurl's UNIX_SOCKET_PATH (one keep-alive connection).

docker runs `ssh HOST docker system dial-stdio` per connection; we forward the socket that command
would reach (`ssh -L LOCAL:REMOTE`), because then the printed `ssh` line makes the very socket the
printed curl lines use. REMOTE is the URL's path, else what the far side's docker CLI talks to
(`docker context inspect`, which reads its DOCKER_HOST and current context as dial-stdio does).

Each bridge lives in a folder of its own, mode 0700, under $XDG_RUNTIME_DIR/engine-explorer (else
$TMPDIR/engine-explorer-UID): `docker.sock`, ssh's log and `owner` (our pid). ssh runs in a session
of its own (a Ctrl-C at the prompt ends a request, not the forward), with BatchMode so it never asks.
A watchdog `sh` reads a pipe only we hold: when we close the bridge or die (kill -9 too), it ends
ssh and removes the folder. A folder whose owner is gone is removed by the next bridge's start.
"""
from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from explorer.core import discovery
from explorer.core.console import Console
from explorer.core.errors import EngineError, TimedOut
from explorer.core.sshhost import SSHHost
from explorer.shell import sshfolders
from explorer.shell.sshcommand import (
    CONNECT_TIMEOUT,
    READY_TIMEOUT,
    ask_remote,
    dial_line,
    dial_words,
    explain,
    explain_channel,
    forward_words,
)

if TYPE_CHECKING:  # annotations only: the dial server loads when a far side refuses the forward
    from explorer.shell.sshdial import DialServer

LOG = "ssh.log"
DIAL_LOG = "dial.log"  # what the dial-stdio logins say, where the far side refused the forward
_POLL = 0.01
PID = "ssh.pid"
RETRY_SECONDS = 30.0  # after ssh failed, the same error for this long, rather than a login per request
# Waits on a pipe only engine-explorer holds; at its end (closed, or engine-explorer died) ends the
# ssh whose pid is in the folder (a forward restarted has a new one) and removes it. $1: the folder,
# $2: the pid file's name (PID). close() removes that file first: the ssh it names is reaped already.
_WATCHDOG = 'read -r _; kill "$(cat "$1/$2")" 2>/dev/null; rm -rf "$1"'


class Bridge:
    """A private local socket forwarded to an ssh:// engine; `open()` starts it, `close()` ends it."""

    def __init__(self, target: SSHHost, env: Mapping = os.environ):
        self.target = target
        self.env = env
        self.folder = sshfolders.reserve(sshfolders.base_dir(env))
        self.socket = os.path.join(self.folder, sshfolders.SOCKET)
        self._remote = target.path
        self._ssh: subprocess.Popen | None = None
        self._dial: DialServer | None = None  # where the far side refused the forward: docker's way
        self._watchdog: subprocess.Popen | None = None
        self._failed: tuple | None = None  # (when, EngineError): the last start that failed
        self._unasked: tuple | None = None  # (when, EngineError): the last ask for the far side's socket
        self._hold: int | None = None  # our end of the watchdog's pipe
        self._opening = threading.Lock()  # the REPL's live values open it from their thread too
        self._settling = threading.Lock()  # the first request decides forward or dial-stdio, once
        self._settled = False
        self._announced = False  # the ssh line that makes the socket was printed (once a bridge)

    def remote(self) -> str:
        """The far side's engine socket: the URL's path, else the far side's docker CLI says."""
        if not self._remote:
            if self._unasked is not None and time.monotonic() - self._unasked[0] < RETRY_SECONDS:
                raise self._unasked[1]  # a login each printed line or request could trip fail2ban
            try:
                self._remote = ask_remote(self.target, self.env)
            except EngineError as err:
                self._unasked = (time.monotonic(), err)
                raise
        return self._remote

    def shell_line(self) -> str:
        """The shell line that makes this bridge's socket, for the printed curl lines."""
        if self._dial is not None:
            return dial_line(self.target, self.folder, self.socket)
        words = forward_words(self.target, self.socket, self.remote())
        return f"mkdir -p -m 700 {shlex.quote(self.folder)} && {shlex.join(words)}"

    def announce(self, console: Console, raw: bool) -> bool:
        """Say once, before the first printed curl line, the ssh line that makes its socket (`raw`: that line
        on stdout, as a preview's curl line goes); False while it cannot be said (the far side not asked)."""
        if self._announced:
            return True
        try:
            line = self.shell_line()
        except EngineError as err:
            console.note(f"note: {err}")  # a preview without the far side: the curl line still prints
            return False
        if self._dial is not None:
            console.note(f"note: {self.target.url}: its sshd forwards no sockets, so each connection runs "
                         "`docker system dial-stdio` there, as docker does; this line makes the socket the curl "
                         "lines use:")
        else:
            console.note(f"note: {self.target.url} is reached through an ssh forward of its socket; "
                         "this ssh line makes the socket the curl lines use:")
        if raw:
            console.stdout.write(line.encode("utf-8", "surrogateescape") + b"\n")
        else:
            console.curl(line)
        self._announced = True
        return True

    def open(self) -> None:
        """Make sure the forward runs (started, or started again after ssh ended): one EngineError line
        when ssh cannot make it."""
        with self._opening:
            if self._dial is not None or (self._ssh is not None and self._ssh.poll() is None):
                return
            if self._failed is not None and time.monotonic() - self._failed[0] < RETRY_SECONDS:
                raise self._failed[1]
            try:
                self._start()
            except EngineError as err:
                self._failed = (time.monotonic(), err)  # a prompt asks often: not a login each time
                raise

    def _start(self) -> None:
        remote = self.remote()
        try:
            os.unlink(self.socket)  # a forward that ended may have left it: the new one binds afresh
        except FileNotFoundError:
            pass
        log = os.open(os.path.join(self.folder, LOG), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            words = forward_words(self.target, self.socket, remote, background=False)
            self._ssh = subprocess.Popen(words[:1] + ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT}",
                                                      *words[1:]], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=log, start_new_session=True, env=self.env)
        except OSError as err:
            raise EngineError(f"{self.target.url}: cannot run ssh ({err.strerror}): install OpenSSH's client") from None
        finally:
            os.close(log)
        with open(os.path.join(self.folder, PID), "w", encoding="ascii") as fh:
            fh.write(f"{self._ssh.pid}\n")
        if self._watchdog is None:
            self._guard()
        deadline = time.monotonic() + READY_TIMEOUT
        # ssh gives no other sign that the forward listens; between its bind and its listen the socket
        # is there yet refuses, so a connect (nothing sent) is the test
        while not (os.path.exists(self.socket) and discovery.listening(self.socket)):
            if self._ssh.poll() is not None:
                raise EngineError(explain(self.target, self._log(), self._ssh.returncode, remote))
            if time.monotonic() > deadline:
                self._end_ssh()  # only ssh: the folder stays for the next start
                raise EngineError(f"{self.target.url}: ssh did not open the forward in {READY_TIMEOUT:.0f} s")
            time.sleep(_POLL)

    def _guard(self) -> None:
        """The watchdog: its stdin is a pipe only we hold, so our end (close or death) is its cue."""
        read, write = os.pipe()
        try:
            self._watchdog = subprocess.Popen(["sh", "-c", _WATCHDOG, "sh", self.folder, PID], stdin=read,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                              start_new_session=True)
        finally:
            os.close(read)
        self._hold = write

    def _log(self, name: str = LOG) -> str:
        try:
            with open(os.path.join(self.folder, name), encoding="utf-8", errors="replace") as fh:
                return fh.read()
        except OSError:
            return ""

    def first(self, send):
        """`send()`, the first request through this bridge (a /_ping); where the far side refused the
        forward, again through docker's own dial-stdio. What ssh said, as one line, when neither answers.
        Only the first caller decides; another thread's waits for it and then just sends."""
        with self._settling:
            if not self._settled:  # settled by an answer or by dial-stdio, not by a failure before ssh ran
                return self._first(send)
        try:
            return send()
        except TimedOut:
            raise
        except EngineError as err:
            raise self.diagnose(err) from None

    def _first(self, send):
        try:
            answer = send()
        except TimedOut:
            raise
        except EngineError as err:
            # ssh logs the refused channel as it closes it (maybe after curl saw the close): whatever the
            # forward's trouble, docker's way is what docker would have done, and its error says more
            if self._dial is not None or self._ssh is None or self._ssh.poll() is not None:
                raise self.diagnose(err) from None
        else:
            self._settled = True  # the forward answered
            return answer
        self._dial_instead()
        try:
            return send()
        except EngineError as err:
            raise self.diagnose(err) from None

    def _dial_instead(self) -> None:
        with self._opening:
            self._end_ssh()
            self._ssh = None
            for name in (sshfolders.SOCKET, PID):
                try:
                    os.unlink(os.path.join(self.folder, name))
                except FileNotFoundError:
                    pass
            # socket and its enums: only where the far side's sshd forwards nothing
            from explorer.shell.sshdial import DialServer

            self._dial = DialServer(self.socket, dial_words(self.target), self.env, os.path.join(self.folder, DIAL_LOG))
            self._settled = True

    def _end_ssh(self) -> None:
        if self._ssh is not None:
            if self._ssh.poll() is None:
                self._ssh.send_signal(signal.SIGTERM)
            _reap(self._ssh)

    def diagnose(self, err: EngineError) -> EngineError:
        """`err` (the engine did not answer through the forward), or what ssh says went wrong: from what
        is known already (no login to ask the far side's socket, on every error path)."""
        if self._dial is not None:
            channel = explain_channel(self.target, self._log(), self._remote)
            dialed = [line.strip() for line in self._log(DIAL_LOG).splitlines() if line.strip()]
            if channel and dialed:
                return EngineError(f"{channel}; `docker system dial-stdio` there says: {dialed[-1]}")
            if dialed:
                return EngineError(explain(self.target, "\n".join(dialed), 0, self._remote))
            return EngineError(channel) if channel else err
        said = explain_channel(self.target, self._log(), self._remote)
        if said:
            return EngineError(said)
        if self._ssh is not None and self._ssh.poll() is not None:
            return EngineError(explain(self.target, self._log(), self._ssh.returncode, self._remote))
        return err

    def close(self) -> None:
        """End ssh and the watchdog, and remove the folder."""
        if self._dial is not None:
            self._dial.close()
        self._end_ssh()
        if self._watchdog is not None and self._hold is not None:
            try:  # ssh is reaped: its pid may be another process's by now, which the watchdog must not kill
                os.unlink(os.path.join(self.folder, PID))
            except FileNotFoundError:
                pass
            os.close(self._hold)
            _reap(self._watchdog)
            self._watchdog, self._hold = None, None
        shutil.rmtree(self.folder, ignore_errors=True)


def unwind_on_signals() -> None:
    """A non-interactive run dies of SIGINT at once (cli.py); with a forward open, Ctrl-C, SIGTERM and
    SIGHUP instead unwind (KeyboardInterrupt, SystemExit) through the clean-up that ends it."""
    try:
        if signal.getsignal(signal.SIGINT) is signal.SIG_DFL:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        for number in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(number) is signal.SIG_DFL:
                signal.signal(number, _exit_on)
    except ValueError:  # not the main thread: its signals are the REPL's, which unwinds already
        pass


def _exit_on(number: int, _frame) -> None:
    raise SystemExit(128 + number)


def _reap(proc: subprocess.Popen) -> None:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
