"""docker's own way to an ssh:// engine, for a far side whose sshd forwards no sockets: each connection
to the bridge's socket runs `ssh HOST docker system dial-stdio` and carries its bytes both ways.

explorer.shell.sshbridge falls back to this when the far side refused the forward; libcurl still
talks to the same private unix socket. The threads here only move bytes (one pair per connection,
and libcurl keeps one connection alive); each ssh runs in a session of its own, and ends when we
close it, or with its stdin's end when we die.
"""
from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Mapping

_CHUNK = 65536


class DialServer:
    """Listens on `path`; each connection is piped through a `words` process (ssh … dial-stdio)."""

    def __init__(self, path: str, words: list, env: Mapping, log: str):
        self.words, self.env, self.log = words, env, log
        self._procs: list = []
        self._lock = threading.Lock()
        self._closed = False
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(path)
        self._listener.listen(8)
        threading.Thread(target=self._accept, name="ssh-dial", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:  # closed: the bridge ends
                return
            try:
                proc = self._spawn()
            except OSError:
                conn.close()
                continue
            threading.Thread(target=_upstream, args=(conn, proc), daemon=True).start()
            threading.Thread(target=_downstream, args=(conn, proc), daemon=True).start()

    def _spawn(self) -> subprocess.Popen:
        with open(self.log, "ab") as log, self._lock:
            if self._closed:
                raise OSError("closed")
            proc = subprocess.Popen(self.words, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                    start_new_session=True, env=self.env, bufsize=0)
            self._procs = [p for p in self._procs if p.poll() is None] + [proc]
        return proc

    def close(self) -> None:
        """Stop listening and end every ssh."""
        with self._lock:
            self._closed = True
            procs, self._procs = self._procs, []
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _upstream(conn: socket.socket, proc: subprocess.Popen) -> None:
    """libcurl → ssh; its end closes ssh's stdin, which dial-stdio passes on as a half-close."""
    stdin = proc.stdin
    assert stdin is not None
    try:
        while True:
            data = conn.recv(_CHUNK)
            if not data:
                break
            view = memoryview(data)
            while view:  # an unbuffered pipe may take part of it (a signal mid-write)
                view = view[stdin.write(view) or 0:]
    except OSError:
        pass
    finally:
        try:
            stdin.close()
        except OSError:
            pass


def _downstream(conn: socket.socket, proc: subprocess.Popen) -> None:
    """ssh → libcurl; at its end the connection closes, as the engine closed it."""
    stdout = proc.stdout
    assert stdout is not None
    try:
        while True:
            data = os.read(stdout.fileno(), _CHUNK)
            if not data:
                break
            conn.sendall(data)
    except OSError:
        pass
    finally:
        stdout.close()
        try:
            conn.shutdown(socket.SHUT_RDWR)  # wakes _upstream's recv, and libcurl sees the end
        except OSError:
            pass
        conn.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
