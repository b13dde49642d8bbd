"""The ssh:// bridges' folders (explorer.shell.sshfolders): a folder that cannot be made is one line,
a too long path leaves nothing behind, and a folder whose owner file is not written yet is kept."""
from __future__ import annotations

import os
import subprocess
import tempfile

import pytest

from explorer.core.errors import UsageError
from explorer.shell import sshfolders


def test_a_folder_that_cannot_be_made_is_one_line():
    with tempfile.NamedTemporaryFile(prefix="ee-") as file:  # short: the socket path must fit
        base = sshfolders.base_dir({"TMPDIR": file.name})  # a TMPDIR no folder can go under
        with pytest.raises(UsageError) as raised:
            sshfolders.reserve(base)
    message = str(raised.value)
    assert message.startswith(f"{base}: cannot make the ssh forward's folder there (Not a directory); ")
    assert "set XDG_RUNTIME_DIR" in message and "\n" not in message


def test_too_long_a_path_leaves_nothing_behind(tmp_path):
    base = str(tmp_path / ("x" * 100))
    os.mkdir(base, 0o700)
    with pytest.raises(UsageError, match="too long a path for a unix socket; set XDG_RUNTIME_DIR"):
        sshfolders.reserve(base)
    assert os.listdir(base) == []


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("owner", [None, "", "not-a-pid 1\n"])
def test_a_folder_without_a_readable_owner_goes_by_the_pid_in_its_name(tmp_path, owner):
    base = tmp_path / "base"
    ours, gone = base / f"ssh-{os.getpid()}-1", base / f"ssh-{_dead_pid()}-2"
    for folder in (ours, gone):
        folder.mkdir(parents=True)
        if owner is not None:  # None: the start that made it has not written it yet
            (folder / sshfolders.OWNER).write_text(owner)
    assert sshfolders.clean_stale(str(base)) == [str(gone)]
    assert os.listdir(base) == [ours.name]


def test_a_reserved_folder_names_its_owner(tmp_path):
    folder = sshfolders.reserve(str(tmp_path / "base"))
    with open(os.path.join(folder, sshfolders.OWNER), encoding="ascii") as fh:
        pid, started = fh.read().split()
    assert int(pid) == os.getpid() and started
    assert sorted(os.listdir(folder)) == [sshfolders.OWNER]  # no temporary file left
    assert sshfolders.clean_stale(str(tmp_path / "base")) == []
