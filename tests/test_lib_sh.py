"""scripts/lib.sh as the scripts call it, under each script's shell options.

bash sources the real lib.sh, copied into a scratch checkout so that its set-up log lands there, with
fake `dpkg-query`, `apt-get` and `python3` first on PATH. They answer as Debian's do (dpkg-query exits
1 for a package never installed; python3 without python3-venv has no ensurepip) and record how they
were called, so a test sees what lib.sh asked for without touching the machine's packages.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from normaluser import as_normal_user

REPO = Path(__file__).resolve().parents[1]
TIMEOUT_S = 60

# scripts/explore sets -euo pipefail, scripts/test -uo pipefail; lib.sh must not care.
SHELL_OPTIONS = ["", "set -u", "set -uo pipefail", "set -euo pipefail"]
# The lines scripts/explore and scripts/test run, with the fake packages.
EXPLORE_CALL = "ee_setup ee-fake-present ee-fake-missing || exit 1"
TEST_CALL = "ee_apt_ensure ee-fake-present ee-fake-missing || :"

FAKE_DPKG_QUERY = r"""#!/bin/bash
# Only the query lib.sh makes; anything else fails the test.
[[ $1 == -W && $2 == '-f=${Package} ${db:Status-Status}\n' ]] || { echo "fake dpkg-query: $*" >&2; exit 99; }
shift 2
status=0
for pkg in "$@"; do
    if grep -qxF "$pkg" "$FAKE_STATE/installed"; then
        printf '%s installed\n' "$pkg"
    else
        echo "dpkg-query: no packages found matching $pkg" >&2
        status=1
    fi
done
exit "$status"
"""
FAKE_APT_GET = r"""#!/bin/bash
printf '%s\n' "$*" >>"$FAKE_STATE/apt-calls"
echo "fake apt-get output for: $*"
if [[ $1 == install ]]; then
    [[ -z ${FAKE_APT_FAIL:-} ]] || exit "$FAKE_APT_FAIL"
    for arg in "${@:2}"; do
        [[ $arg == -* ]] || printf '%s\n' "$arg" >>"$FAKE_STATE/installed"
    done
fi
"""
# Debian's python3 without python3-venv: `import ensurepip` fails.
FAKE_PYTHON3 = r"""#!/bin/bash
printf '%s\n' "$*" >>"$FAKE_STATE/python3-calls"
echo "ModuleNotFoundError: No module named 'ensurepip'" >&2
exit 1
"""


class Checkout:
    """A scratch checkout holding a copy of scripts/lib.sh, the fakes and their state."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = root / "repo"
        self.bin = root / "bin"
        self.state = root / "state"
        (self.repo / "scripts").mkdir(parents=True)
        shutil.copy(REPO / "scripts/lib.sh", self.repo / "scripts/lib.sh")
        (self.repo / "pyproject.toml").write_text("")
        for folder in (self.bin, self.state):
            folder.mkdir()
        for name, text in (("dpkg-query", FAKE_DPKG_QUERY), ("apt-get", FAKE_APT_GET), ("python3", FAKE_PYTHON3)):
            (self.bin / name).write_text(text)
            (self.bin / name).chmod(0o755)
        (self.state / "installed").write_text("ee-fake-present\n")

    def run(self, options: str, call: str, normal_user: bool = False, **env: str):
        """Source lib.sh under `options`, run `call`, then say that the script went on."""
        script = f'{options}\nsource "{self.repo}/scripts/lib.sh"\n{call}\necho went on\n'
        argv = ["bash", "-c", script]
        if normal_user:
            argv = as_normal_user(argv)
        environ = {"PATH": f"{self.bin}:/usr/bin:/bin", "HOME": str(self.root), "FAKE_STATE": str(self.state),
                   **env}
        return subprocess.run(argv, capture_output=True, text=True, env=environ, timeout=TIMEOUT_S)

    def lines(self, name: str) -> list[str]:
        path = self.state / name
        return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def checkout(tmp_path):
    return Checkout(tmp_path)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="lib.sh installs packages only as root")


@needs_root
@pytest.mark.parametrize("options", SHELL_OPTIONS)
@pytest.mark.parametrize(("call", "code", "stdout", "after_apt"), [
    # scripts/test goes on after the install
    (TEST_CALL, 0, "went on\n", []),
    # scripts/explore, on a checkout without .venv, then stops at .venv: the fake python3 has no ensurepip
    (EXPLORE_CALL, 1, "", ["bash: python3 cannot create"]),
], ids=["test", "explore"])
def test_the_missing_package_is_reported_and_installed(checkout, options, call, code, stdout, after_apt):
    """Each script's call: apt installs exactly the missing package, each step in one line."""
    done = checkout.run(options, call)
    assert (done.returncode, done.stdout) == (code, stdout), done.stderr
    assert checkout.lines("apt-calls") == ["update -q", "install -y -q --no-install-recommends ee-fake-missing"]
    assert "ee-fake-missing" in checkout.lines("installed")
    err = done.stderr.splitlines()
    assert err[0] == "bash: installing with apt-get: ee-fake-missing"
    assert err[1].startswith(f"bash: apt-get update (output in {checkout.repo}/.setup.log) ... done in ")
    assert err[2].startswith("bash: apt-get install ... done in ")
    assert len(err) == 3 + len(after_apt)
    assert all(line.startswith(start) for line, start in zip(err[3:], after_apt, strict=False))
    assert "fake apt-get output for: install" in (checkout.repo / ".setup.log").read_text()


@needs_root
@pytest.mark.parametrize("options", SHELL_OPTIONS)
def test_nothing_missing_runs_no_apt(checkout, options):
    done = checkout.run(options, "ee_apt_ensure ee-fake-present || :")
    assert (done.returncode, done.stdout, done.stderr) == (0, "went on\n", "")
    assert checkout.lines("apt-calls") == []


@needs_root
def test_a_failing_apt_is_one_line_naming_the_log_and_the_script_goes_on(checkout):
    done = checkout.run("set -euo pipefail", TEST_CALL, FAKE_APT_FAIL="100")
    assert (done.returncode, done.stdout) == (0, "went on\n"), done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"bash: apt-get install ... failed (exit 100): see the end of {checkout.repo}/.setup.log")
    assert "ee-fake-missing" not in checkout.lines("installed")


@pytest.mark.parametrize("options", ["", "set -euo pipefail"])
def test_a_normal_user_is_told_what_is_missing_and_what_for(checkout, options):
    done = checkout.run(options, "ee_apt_ensure ee-fake-present gcc jq || :", normal_user=True)
    assert (done.returncode, done.stdout) == (0, "went on\n"), done.stderr
    assert done.stderr == ("bash: not root, so not installing: gcc (to build pycurl against the system libcurl), "
                           "jq (the tests of exported scripts)\n")
    assert checkout.lines("apt-calls") == []


def test_without_python3_venv_one_line_says_what_to_install(checkout):
    """As a normal user nothing is installed; creating .venv stops at once, naming the package."""
    done = checkout.run("set -euo pipefail", "ee_venv_ensure || exit 1", normal_user=True)
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert done.stderr == (f"bash: python3 cannot create {checkout.repo}/.venv without its venv module: "
                           "install python3-venv (as root: apt-get install python3-venv)\n")
    assert checkout.lines("python3-calls") == ["-c import ensurepip, venv"]
    assert not (checkout.repo / ".venv").exists()
