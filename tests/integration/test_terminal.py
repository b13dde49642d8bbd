"""A real terminal (tmux): a login typed at the prompt reaches the registry, and never the history file;
Tab completes the same whatever the timing, and names made elsewhere are offered."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid

import pytest

from tests.replsession import wait_for

PROMPT = re.compile(r"^docker [0-9.]+ >$", re.M)  # tmux trims the prompt's trailing space
PROMPT_START = re.compile(r"^docker [0-9.?…]+ > ?")
WAIT_S = 30.0  # generous: nothing here asserts a duration
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
        self.keys(text, "Enter")

    def keys(self, text: str, *named: str) -> None:
        """Type `text` as is, then keys by tmux's names (Tab, C-c, Enter)."""
        if text:
            self.tmux("send-keys", "-l", text)
        if named:
            self.tmux("send-keys", *named)

    def line(self) -> str:
        """The prompt's line (the last one that holds a prompt), after the prompt."""
        lines = [ln for ln in self.screen().splitlines() if PROMPT_START.match(ln)]
        return PROMPT_START.sub("", lines[-1]) if lines else ""

    def running(self) -> bool:
        return self.tmux("has-session").returncode == 0

    def close(self) -> None:
        self.tmux("kill-server")


def shell(tmp_path, spec_dir, engine_host) -> Terminal:
    """engine-explorer at a terminal of its own, on `engine_host`."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), "PYTHONPATH": os.pathsep.join(sys.path)}
    return Terminal(tmp_path, [sys.executable, "-m", "explorer", "-H", engine_host], env)


def test_a_login_at_the_prompt_of_a_real_terminal(engine_host, spec_dir, registry, tmp_path):
    term = shell(tmp_path, spec_dir, engine_host)
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


@pytest.fixture
def containers(docker_api, busybox_image, unique_name):
    """Three containers: `…-only` and two sharing `…-alp`; and a name to create later."""
    names = [unique_name + "-only", unique_name + "-alpha", unique_name + "-alpine"]
    for name in names:
        create(docker_api, busybox_image, name)
    yield names + [unique_name + "-later"]
    for name in names + [unique_name + "-later"]:
        docker_api.call("DELETE", f"/containers/{name}?force=1")


def fresh_prompt(term: Terminal) -> None:
    """Ctrl-C, and wait for the empty prompt: keys typed before it would be echoed by the tty
    between two prompts, which moves the cursor under prompt_toolkit's drawing."""
    term.keys("", "C-c")
    assert wait_for(lambda: term.line() == "", WAIT_S), term.screen()


def create(docker_api, image: str, name: str) -> None:
    status, _ = docker_api.call("POST", f"/containers/create?name={name}",
                                {"Image": image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201


def test_tab_in_the_first_keystrokes_common_prefixes_and_no_placeholders(engine_host, spec_dir, containers, tmp_path):
    only, alpha, alpine, _ = containers
    term = shell(tmp_path, spec_dir, engine_host)
    try:
        # typed the moment the shell starts, before its first prompt, spec or live values
        term.keys("GET /containers/" + only[:-2], "Tab")
        assert wait_for(lambda: term.line() == f"GET /containers/{only}/", WAIT_S), term.screen()
        fresh_prompt(term)
        term.keys("DELETE /containers/" + alpha[:-4], "Tab")  # …-al: both share …-alp
        assert wait_for(lambda: term.line() == "DELETE /containers/" + alpha[:-2], WAIT_S), term.screen()
        assert wait_for(lambda: alpha in term.screen() and alpine in term.screen(), WAIT_S), term.screen()
        fresh_prompt(term)
        term.keys("GET /exec/", "Tab")  # no exec instance on the engine: {id} is shown, not typed
        assert wait_for(lambda: "Exec instance ID" in term.screen(), WAIT_S), term.screen()
        assert term.line() == "GET /exec/" and "{id}/" in term.screen()
        term.keys("", "C-c")
        term.type("exit")
        assert wait_for(lambda: not term.running(), 20), term.screen()
    finally:
        term.close()


def test_a_container_created_from_outside_is_offered_at_the_terminal(engine_host, engine_socket, spec_dir,
                                                                     busybox_image, containers, tmp_path):
    later = containers[-1]
    term = shell(tmp_path, spec_dir, engine_host)
    try:
        assert wait_for(lambda: PROMPT.search(term.screen()), WAIT_S), term.screen()
        term.keys("DELETE /containers/" + later[:-3])  # typed before the container exists: no menu yet
        assert wait_for(lambda: term.line() == "DELETE /containers/" + later[:-3], WAIT_S), term.screen()
        body = json.dumps({"Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})
        subprocess.run(["curl", "-sSf", "--unix-socket", engine_socket, "-H", "Content-Type: application/json",
                        "--data-binary", body, f"http://localhost/containers/create?name={later}"],
                       check=True, capture_output=True, timeout=WAIT_S)
        # the engine's event brings it: the menu of what is typed shows it, with no key pressed
        assert wait_for(lambda: later in term.screen(), WAIT_S), term.screen()
        term.keys("", "Tab")
        assert wait_for(lambda: term.line() == "DELETE /containers/" + later, WAIT_S), term.screen()
        term.keys("", "C-c")
        term.type("exit")
        assert wait_for(lambda: not term.running(), 20), term.screen()
    finally:
        term.close()


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
