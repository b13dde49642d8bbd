"""The transport seam for unit tests of scripts: canned answers, and a record of what was sent."""
from __future__ import annotations

import io
import json

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.http.message import Response
from explorer.shell.session import Session

JSON = (("Content-Type", "application/json"), ("Api-Version", "1.41"))


def answer(status=200, body=None, headers=JSON):
    """One canned response; a dict or list body is sent as JSON."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else (body or b"")
    return status, tuple(headers), data


class CannedTransport:
    """Answers each request with the next canned answer (the last one repeats)."""

    def __init__(self, answers):
        self.answers = list(answers) or [answer(200, {})]
        self.sent: list = []

    def send(self, req, sink=None, on_headers=None, eager=False, timeout=None):
        status, headers, data = self.answers[min(len(self.sent), len(self.answers) - 1)]
        self.sent.append(req)
        if on_headers:
            on_headers(status, "", headers)
        if sink and data:
            sink(data)
        return Response(status, "", headers, b"" if sink else data, 0.0, len(data))

    def close(self):
        pass


def canned_session(spec, answers=(), interactive=False):
    """(session, transport, stdout, stderr): a Session whose engine is CannedTransport(answers)."""
    fake = CannedTransport(answers)
    out, err = io.BytesIO(), io.BytesIO()
    settings = Settings(host="unix:///nonexistent.sock", spec=str(spec), api_version="1.41",
                        interactive=interactive)
    console = Console(stdout=out, stderr=err, interactive=interactive)
    session = Session(settings, console, env={"HOME": "/home/tester"},
                      transport_factory=lambda endpoint, timeout=0: fake, commands=dispatcher())
    return session, fake, out, err
