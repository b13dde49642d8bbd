"""A session's components are cleared by the next session when it died, never while it runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from components import session as components_session

# A session that starts a long process, says where, and waits to be killed.
DYING_SESSION = """
import subprocess, sys, time
from components.session import open_session_folder
folder = open_session_folder()
child = subprocess.Popen(["sleep", "60"], start_new_session=True)
folder.record(child.pid)
print(folder.path, child.pid, flush=True)
time.sleep(60)
"""


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv(components_session.ROOT_VARIABLE, str(tmp_path / "components"))
    return tmp_path / "components"


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_sessions_processes_and_folder_go_a_live_ones_stay(root):
    live = components_session.open_session_folder()
    live_child = subprocess.Popen(["sleep", "60"], start_new_session=True)
    live.record(live_child.pid)
    dying = subprocess.Popen([sys.executable, "-c", DYING_SESSION], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1])))
    folder, pid = dying.stdout.readline().split()
    orphan = int(pid)
    try:
        dying.send_signal(signal.SIGKILL)
        dying.wait(timeout=10)
        assert alive(orphan), "a killed session leaves its processes behind"

        components_session.clear_leftovers()  # what the next session does as it starts
        deadline = time.monotonic() + 10
        while alive(orphan) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not alive(orphan) and not Path(folder).exists()
        assert live_child.poll() is None and live.path.is_dir()
        live.close()
        assert live_child.wait(timeout=10) == -signal.SIGKILL
        assert sorted(root.iterdir()) == [root / ".sweep.lock"]
    finally:
        live_child.kill()
        live_child.wait(timeout=10)
        if alive(orphan):
            os.kill(orphan, signal.SIGKILL)


def test_a_recorded_pid_now_another_process_is_left_alone(root):
    folder = components_session.open_session_folder()
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        (folder.path / "pids" / str(other.pid)).write_text("1")  # not its start time: the pid was reused
        folder.close()
        assert other.poll() is None
    finally:
        other.kill()
        other.wait(timeout=10)
