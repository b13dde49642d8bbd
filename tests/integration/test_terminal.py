"""A real terminal (tmux): a login typed at the prompt reaches the registry, and never the history file."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid

import pytest

from tests.replsession import wait_for

PROMPT = re.compile(r"^docker [0-9.]+ >$", re.M)  # tmux trims the prompt's trailing space
pytestmark = [pytest.mark.engine, pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")]


class Terminal:
    """A tmux server of its own (its own socket), one window running one command."""

    def __init__(self, folder, command: list, env: dict):
        self.socket = str(folder / f"tmux-{uuid.uuid4().hex[:8]}")
        wrapped = ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *command]
        self.tmux("new-session", "-d", "-x", "220", "-y", "50", subprocess.list2cmdline(wrapped))

    def tmux(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=20)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200").stdout

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)
        self.tmux("send-keys", "Enter")

    def running(self) -> bool:
        return self.tmux("has-session").returncode == 0

    def close(self) -> None:
        self.tmux("kill-server")


def test_a_login_at_the_prompt_of_a_real_terminal(engine_host, spec_dir, registry, tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), "PYTHONPATH": os.pathsep.join(sys.path)}
    term = Terminal(tmp_path, [sys.executable, "-m", "explorer", "-H", engine_host], env)
    try:
        assert wait_for(lambda: PROMPT.search(term.screen()), 30), term.screen()
        term.type(f"POST /auth username={registry.user} password={registry.password} serveraddress={registry.host}")
        assert wait_for(lambda: "Login Succeeded" in term.screen(), 30), term.screen()
        screen = term.screen()
        term.type("exit")
        assert wait_for(lambda: not term.running(), 20), term.screen()
    finally:
        term.close()
    curl_line = next(line for line in screen.splitlines() if line.startswith("curl "))
    assert registry.password not in curl_line and '"password":"\'"$PASSWORD"\'"' in curl_line
    assert "$PASSWORD stands for SystemAuth's password" in screen
    history = (tmp_path / "state" / "engine-explorer" / "history").read_text()
    assert registry.password not in history
    assert (f"+POST /auth username={registry.user} password={{{{env.PASSWORD}}}} serveraddress={registry.host}"
            in history)


def test_no_color_suggestions_and_a_prompt_after_an_open_line(engine_host, spec_dir, tmp_path):
    """Under NO_COLOR a history suggestion is dim, italic and underlined (no colour, yet not like typed
    text), and after output with no final newline (`| head -c 5`) the prompt starts its own line."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), "PYTHONPATH": os.pathsep.join(sys.path), "NO_COLOR": "1"}
    term = Terminal(tmp_path, [sys.executable, "-m", "explorer", "-H", engine_host], env)
    try:
        assert wait_for(lambda: PROMPT.search(term.screen()), 30), term.screen()
        term.type("GET /version | head -c 5")
        assert wait_for(lambda: re.search(r'^\{"\S*\s*\ndocker [0-9.]+ >$', term.screen(), re.M), 30), term.screen()
        term.tmux("send-keys", "-l", "GET /vers")
        assert wait_for(lambda: term.screen().count("GET /version | head -c 5") == 2, 10), term.screen()
        coloured = term.tmux("capture-pane", "-p", "-e").stdout
        term.tmux("send-keys", "C-c")
        term.type("exit")
        assert wait_for(lambda: not term.running(), 20), term.screen()
    finally:
        term.close()
    lines = [ln for ln in coloured.splitlines() if "ion | head -c 5" in ln]
    suggested = lines[-1][lines[-1].rindex("vers") + 4:]
    attributes = re.match(r"((?:\x1b\[[0-9;]*m)+)ion \| head -c 5", suggested)
    assert attributes, repr(lines[-1])
    codes = set(re.findall(r"\d+", attributes.group(1)))
    assert {"2", "3", "4"} <= codes and not codes & {str(c) for c in range(30, 50)}, repr(lines[-1])


def test_stats_live_view_in_a_real_terminal(engine_host, spec_dir, docker_api, busybox_image, unique_name, tmp_path):
    status, _ = docker_api.call("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sleep", "600"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201 and docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    _, found = docker_api.call_json("GET", f"/containers/{unique_name}/json")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), "PYTHONPATH": os.pathsep.join(sys.path)}
    term = Terminal(tmp_path, [sys.executable, "-m", "explorer", "-H", engine_host], env)
    row = re.compile(rf"^{found['Id'][:12]}\s+{unique_name}\s+\d+\.\d\d%\s+[\d.]+\w*B / [\d.]+\w*B\s+\d+\.\d\d%", re.M)
    try:
        assert wait_for(lambda: PROMPT.search(term.screen()), 30), term.screen()
        term.type("stats")
        # a sample computed: the row has CPU % and memory, and the header is on screen once (redrawn in place)
        assert wait_for(lambda: row.search(term.screen()), 30), term.screen()
        term.tmux("send-keys", "C-c")
        # the prompt again (after the terminal's echoed ^C)
        assert wait_for(lambda: len(re.findall(r"docker [0-9.]+ >", term.screen())) == 2, 30), term.screen()
        screen = term.screen()
        term.type("exit")
        assert wait_for(lambda: not term.running(), 20), term.screen()
    finally:
        term.close()
    assert screen.count("CONTAINER ID") == 1 and "Traceback" not in screen
    assert re.search(r"^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE / LIMIT\s+MEM %\s+NET I/O\s+BLOCK I/O\s+PIDS$",
                     screen, re.M), screen
