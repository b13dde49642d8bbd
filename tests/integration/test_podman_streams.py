"""Podman's framing quirks, against the real Podman service (skipped without one, even in CI; the
bytes are replayed in tests/test_broken_frames.py where it cannot run)."""
from __future__ import annotations

import io

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.integration.test_podman import IMAGE

pytestmark = pytest.mark.podman

WARNING = b"the stream's frames stop making sense at byte 13"


@pytest.fixture
def finished(podman_api, unique_name):
    """A Podman container that wrote `hello`, `world` (stderr) and `third`, and exited."""
    status, _ = podman_api.call("POST", f"/containers/create?name={unique_name}", {
        "Image": IMAGE, "Cmd": ["sh", "-c", "echo hello; echo world >&2; echo third"],
        "HostConfig": {"NetworkMode": "none"}})
    assert status == 201
    assert podman_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    assert podman_api.call("POST", f"/containers/{unique_name}/wait")[0] == 200
    yield unique_name
    podman_api.call("DELETE", f"/containers/{unique_name}?force=1")


def attach(host, spec_dir, name, interactive=False):
    out, err = io.BytesIO(), io.BytesIO()
    session = Session(Settings(host=host), Console(stdout=out, stderr=err, interactive=interactive),
                      env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})
    outcome = session.execute(f"POST /containers/{name}/attach logs==1 stream==0 stdout==1 stderr==1")
    session.close()
    return outcome, out.getvalue(), err.getvalue()


def test_attach_logs_whose_frame_sizes_leave_out_the_newline(podman_host, spec_dir, finished):
    # Podman 4.3 frames `hello\n` as 5 bytes: the newline is left where the next header should be
    outcome, out, err = attach(podman_host, spec_dir, finished)
    assert outcome.ok
    assert out == b"hello\nthird\n"
    stderr, _, warning = err.partition(b"warning: ")
    assert stderr == b"world\n"
    assert warning.startswith(WARNING.removeprefix(b"warning: ")) and err.count(b"warning") == 1


def test_in_the_repl_it_is_said_once_and_no_header_is_shown(podman_host, spec_dir, finished):
    outcome, out, _ = attach(podman_host, spec_dir, finished, interactive=True)
    assert outcome.ok
    assert out.count(b"stop making sense") == 1
    assert b"\x00" not in out and b"\x01" not in out
    assert b"hello\n" in out and b"third\n" in out and b"err| world\n" in out
