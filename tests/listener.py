"""What the test servers share (recording_server, replay_server, hostile_server): a listening socket in
a private temporary folder (or on 127.0.0.1), a thread that accepts, a thread a connection, and a
close that leaves no socket, folder, thread or descriptor behind."""
from __future__ import annotations

import os
import socket
import tempfile
import threading


class Listener:
    """Accepts on a fresh socket and hands each connection to `serve(conn)` in a thread of its own;
    a subclass sets up what `serve` needs, then calls `start()`."""

    def __init__(self, prefix: str, tcp: bool = False, backlog: int = 16) -> None:
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.path = os.path.join(self.dir, "s.sock")
        self._conns: list = []
        if tcp:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._sock.bind(("127.0.0.1", 0))
            self.port = self._sock.getsockname()[1]
        else:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._sock.bind(self.path)
        self._sock.listen(backlog)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> None:
        """Start accepting."""
        self._thread.start()

    @property
    def host(self) -> str:
        """A unix socket's server as -H takes it."""
        return "unix://" + self.path

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop listening, end the connections still open, and remove the socket and its folder.

        The accepting thread is woken and joined: a thread left blocked in accept() keeps a file
        descriptor number reserved (Linux takes it before waiting), and a few hundred such threads
        push later descriptors past select()'s limit of 1024.
        """
        for sock in [self._sock, *self._conns]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(5)
        self._sock.close()
        for remove, path in ((os.unlink, self.path), (os.rmdir, self.dir)):
            try:
                remove(path)
            except OSError:
                pass

    def serve(self, conn) -> None:
        """Answer one connection (and close it)."""
        raise NotImplementedError

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()
