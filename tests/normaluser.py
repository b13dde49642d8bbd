"""Run a command as a normal user would, whoever runs the tests."""
from __future__ import annotations

import os
import subprocess

import pytest


def as_normal_user(argv: list[str]) -> list[str]:
    """`argv` so that it runs with a normal user's uid (skips the test where that cannot be done).

    As root, in a user namespace of its own: the command sees uid 65534, while the files it reads and
    writes stay root's, so a checkout and a .venv under /root serve as they are.
    """
    if os.geteuid() != 0:
        return argv
    if subprocess.run(["unshare", "--user", "true"], capture_output=True, timeout=10).returncode != 0:
        pytest.skip("cannot drop root here: `unshare --user` fails")
    return ["unshare", "--user", *argv]
