"""ssh:// engines against a real sshd (tests/components/sshd.py) whose logins reach the sandbox engine:
-H and a docker context, a followed stream ended by Ctrl-C, each ssh failure as one line, nothing left
behind (a kill -9 too), and the printed ssh + curl lines sending the bytes engine-explorer sent."""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from components.dockercli import clean_env

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.integration.test_terminal import PROMPT, Terminal
from tests.recording_server import RecordingServer
from tests.replsession import wait_for

pytestmark = pytest.mark.engine
WAIT = 60


@pytest.fixture
def user_env(ssh_engine, runtime_dir, tmp_path, spec_dir, docker_config):
    """A user of the ssh fixture's home: no DOCKER_* choosing the engine, their own runtime folder."""
    return clean_env({**ssh_engine.env, **docker_config.env, "XDG_RUNTIME_DIR": runtime_dir,
                      "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})


def explore(env, *args, timeout=WAIT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def bridges(runtime_dir: str) -> list:
    base = os.path.join(runtime_dir, "engine-explorer")
    return sorted(os.listdir(base)) if os.path.isdir(base) else []


def processes_naming(text: str) -> list:
    """Pids whose command line holds `text` (the bridge's folder is in ssh's and the watchdog's)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if text.encode() in fh.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


def until(predicate, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"waited {WAIT} s for {what}")


def assert_nothing_left(runtime_dir: str) -> None:
    assert bridges(runtime_dir) == []
    assert processes_naming(runtime_dir) == []


def test_dash_h_ssh_reaches_the_engine_and_prints_the_ssh_line_once(user_env, ssh_engine, runtime_dir, docker_api):
    done = explore(user_env, "-v", "-H", ssh_engine.host, "-c", "GET /info", "-c", "/_ping")
    assert done.returncode == 0, done.stderr
    assert docker_api.call_json("GET", "/info")[1]["ID"] in done.stdout
    err = done.stderr.splitlines()
    assert f"engine: {ssh_engine.host} (-H)" in err
    ssh_lines = [ln for ln in err if ln.startswith("mkdir -p -m 700 ")]
    assert len(ssh_lines) == 1 and " && ssh -fNT " in ssh_lines[0] and ssh_lines[0].endswith(f"-- {ssh_engine.alias}")
    socket = ssh_lines[0].split(" -L ")[1].split(":")[0]
    assert socket.startswith(runtime_dir)
    curls = [ln for ln in err if ln.startswith("curl ")]
    assert len(curls) == 2 and all(ln.startswith(f"curl --unix-socket {socket} http://localhost/v1.") for ln in curls)
    assert_nothing_left(runtime_dir)


def test_docker_host_names_an_ssh_engine_too(user_env, ssh_engine, runtime_dir):
    done = explore({**user_env, "DOCKER_HOST": ssh_engine.host}, "-v", "-c", "/_ping")
    assert (done.returncode, done.stdout) == (0, "OK"), done.stderr
    assert f"engine: {ssh_engine.host} (DOCKER_HOST)" in done.stderr.splitlines()
    assert_nothing_left(runtime_dir)


@pytest.mark.parametrize("chosen", ["--context", "docker context use"])
def test_a_docker_context_with_an_ssh_endpoint(user_env, ssh_engine, docker_config, runtime_dir, docker_api, chosen):
    made = docker_config.docker("context", "create", "far", "--docker", f"host={ssh_engine.host}", env=ssh_engine.env)
    assert made.returncode == 0, made.stderr
    if chosen == "--context":
        done = explore(user_env, "-v", "--context", "far", "-c", "GET /version")
        why = "context far, from --context"
    else:
        assert docker_config.docker("context", "use", "far").returncode == 0
        done = explore(user_env, "-v", "-c", "GET /version")
        why = f"context far, from currentContext in {docker_config.path / 'config.json'}"
    assert done.returncode == 0, done.stderr
    assert docker_api.call_json("GET", "/version")[1]["Version"] in done.stdout
    assert f"engine: {ssh_engine.host} ({why})" in done.stderr.splitlines()
    assert_nothing_left(runtime_dir)


def test_a_followed_stream_ended_by_ctrl_c_leaves_nothing(user_env, ssh_engine, runtime_dir, docker_api,
                                                          busybox_image, unique_name):
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sh", "-c", "echo first; sleep 600"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "-H", ssh_engine.host, "-c",
                             f"GET /containers/{unique_name}/logs follow==1 stdout==1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=user_env)
    try:
        assert proc.stdout.readline() == b"first\n"  # the stream flows through the forward
        assert bridges(runtime_dir) and processes_naming(runtime_dir)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=WAIT)
        err = proc.stderr.read().decode()
    finally:
        proc.kill()
        proc.wait(timeout=WAIT)
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")
    assert (code, err.strip().splitlines()[-1]) == (130, "interrupted")
    assert "Traceback" not in err
    assert_nothing_left(runtime_dir)


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")
def test_at_a_real_terminal_ctrl_c_ends_the_stream_and_keeps_the_forward(
        ssh_engine, runtime_dir, spec_dir, tmp_path, docker_api, busybox_image, unique_name):
    """A terminal's Ctrl-C goes to its whole foreground process group: ssh, in a session of its own, stays."""
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sh", "-c", "echo first-line; sleep 600"],
        "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    env = {"PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": runtime_dir,
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), "PYTHONPATH": os.pathsep.join(sys.path), **ssh_engine.env}
    term = Terminal(tmp_path, [sys.executable, "-m", "explorer", "-H", ssh_engine.host], env)
    try:
        assert wait_for(lambda: PROMPT.search(term.screen()), 30), term.screen()
        term.type(f"GET /containers/{unique_name}/logs follow==1 stdout==1")
        assert wait_for(lambda: "\nfirst-line" in term.screen(), 30), term.screen()
        term.tmux("send-keys", "C-c")
        assert wait_for(lambda: re.search(r"interrupted\ndocker [0-9.]+ >$", term.screen(), re.M), 30), term.screen()
        term.type("GET /_ping")
        assert wait_for(lambda: "\nOK" in term.screen(), 30), term.screen()
        screen = term.screen()
        term.type("exit")
        assert wait_for(lambda: not term.running(), 20), term.screen()
    finally:
        term.close()
        docker_api.call("DELETE", f"/containers/{unique_name}?force=1")
    assert "Traceback" not in screen and "error:" not in screen, screen
    assert screen.count("mkdir -p -m 700 ") == 1  # the ssh line: once a session
    assert_nothing_left(runtime_dir)


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")
def test_at_a_real_terminal_an_sshd_that_forwards_nothing_is_online_at_once(ssh_engine, runtime_dir, spec_dir,
                                                                             tmp_path):
    """The live values' thread and the prompt both ask first: one of them moves the bridge to dial-stdio,
    the other waits for that, so neither sees the refused forward and the prompt never says offline."""
    env = {"PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": runtime_dir,
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), "PYTHONPATH": os.pathsep.join(sys.path), **ssh_engine.env}
    term = Terminal(tmp_path, [sys.executable, "-m", "explorer", "-H", f"ssh://{ssh_engine.failing['noforward']}"],
                    env)
    try:
        assert wait_for(lambda: PROMPT.search(term.screen()), 30), term.screen()
        term.type("refresh")  # what the live values found: names them, or says the engine is unreachable
        assert wait_for(lambda: "live values: " in term.screen(), 30), term.screen()
        screen = term.screen()
        term.type("exit")
        assert wait_for(lambda: not term.running(), 20), term.screen()
    finally:
        term.close()
    assert "offline" not in screen and "unreachable" not in screen and "live values: none" not in screen, screen
    assert_nothing_left(runtime_dir)


@pytest.mark.parametrize("kind, says", [
    ("unknown", "the far side's host key is not known (ssh: Host key verification failed); check and accept it "
                "once with a plain ssh ee-sshd-unknown"),
    ("changed", "the far side's host key has changed (ssh: Host key verification failed.)"),
    ("refused", "ssh login refused (root@127.0.0.1: Permission denied (publickey).); engine-explorer never asks"),
    ("nodocker", "there is no docker command on the far side (bash: line 1: docker: command not found)"),
])
def test_each_ssh_failure_is_one_line(user_env, ssh_engine, runtime_dir, kind, says):
    host = f"ssh://{ssh_engine.failing[kind]}"
    done = explore(user_env, "-H", host, "-c", "/_ping")
    says = says.replace("root@", f"{ssh_engine.user}@")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [done.stderr.rstrip("\n")]  # one line
    assert done.stderr.startswith(f"error: {host}: {says}"), done.stderr
    assert_nothing_left(runtime_dir)


def test_no_socket_at_the_path_given_is_one_line(user_env, ssh_engine, runtime_dir):
    host = f"{ssh_engine.host}/nonexistent/docker.sock"
    done = explore(user_env, "-H", host, "-c", "/_ping")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {host}: the far side did not connect the forward to "
                                  "/nonexistent/docker.sock: no engine listens there, or its sshd allows no "
                                  "forwarding"), done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert "; `docker system dial-stdio` there says: " in done.stderr  # docker's own way was tried too
    assert_nothing_left(runtime_dir)


def test_a_path_needs_no_docker_on_the_far_side(user_env, ssh_engine, engine_socket, runtime_dir):
    done = explore(user_env, "-H", f"ssh://{ssh_engine.failing['nodocker']}{engine_socket}", "-c", "/_ping")
    assert (done.returncode, done.stdout) == (0, "OK"), done.stderr


def test_kill_9_then_the_next_start_leaves_nothing(user_env, ssh_engine, runtime_dir):
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "-H", ssh_engine.host, "-c", "/_ping",
                             "-c", "GET /events"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=user_env)
    try:
        assert proc.stdout.read(2) == b"OK"
        (folder,) = bridges(runtime_dir)
        proc.kill()  # the watchdog sees its pipe close: ssh ends and the folder goes
        proc.wait(timeout=WAIT)
    finally:
        proc.kill()
    until(lambda: not bridges(runtime_dir) and not processes_naming(runtime_dir), "the watchdog to clean up")
    # Its watchdog killed too (kill -9 of everything but ssh): the next start removes what is left.
    proc = subprocess.Popen([sys.executable, "-m", "explorer", "-H", ssh_engine.host, "-c", "/_ping",
                             "-c", "GET /events"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=user_env)
    try:
        assert proc.stdout.read(2) == b"OK"
        (folder,) = bridges(runtime_dir)
        ssh = [pid for pid in processes_naming(folder) if _name(pid) == "ssh"]
        for pid in processes_naming(folder):
            if _name(pid) != "ssh":
                os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait(timeout=WAIT)
    finally:
        proc.kill()
    assert ssh and processes_naming(folder) == ssh and bridges(runtime_dir) == [folder]
    done = explore(user_env, "-H", ssh_engine.host, "-c", "/_ping")
    assert (done.returncode, done.stdout) == (0, "OK"), done.stderr
    until(lambda: not processes_naming(runtime_dir), "the stale ssh to end")
    assert_nothing_left(runtime_dir)


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def test_the_printed_ssh_and_curl_lines_send_the_same_bytes(user_env, ssh_engine, runtime_dir):
    with RecordingServer() as server:
        host = f"{ssh_engine.host}{server.path}"  # the far side's socket is the recorder's
        done = explore(user_env, "-v", "-H", host, "-c", "POST /containers/create name==ee-x Image=busybox:local "
                                                         "'Cmd:=[\"echo\",\"it'\\''s\"]' Labels[a]=b")
        assert done.returncode == 0, done.stderr
        ours = server.take()
        err = done.stderr.splitlines()
        (ssh_line,) = [ln for ln in err if ln.startswith("mkdir -p -m 700 ")]
        curls = [ln for ln in err if ln.startswith("curl ")]
        assert_nothing_left(runtime_dir)  # the session ended: the pair must make the socket again
        folder = ssh_line.split()[4]
        run = subprocess.run(["sh", "-c", f"{ssh_line} && {curls[-1]} -sS"], capture_output=True, timeout=WAIT,
                             env=user_env)
        theirs = server.take()
        for pid in processes_naming(folder):
            os.kill(pid, signal.SIGTERM)  # ssh -f: the user's forward, ended as a user would
        shutil.rmtree(folder, ignore_errors=True)
    assert run.returncode == 0, run.stderr
    assert [strip_agent(raw) for raw in ours][-1:] == [strip_agent(raw) for raw in theirs]
    assert b'"Cmd":["echo","it\'s"]' in theirs[0]


def strip_agent(raw: bytes) -> bytes:
    """Drop User-Agent and Accept: we send our own agent, curl sends its own."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    keep = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith((b"user-agent:", b"accept:"))]
    return b"\r\n".join(keep) + sep + body


@pytest.mark.parametrize("far_side", ["asked", "path", "chatty", "noforward"])
def test_an_exported_script_opens_the_forward_and_closes_it(user_env, ssh_engine, engine_socket, runtime_dir,
                                                            tmp_path, far_side):
    if far_side == "noforward" and not shutil.which("socat"):
        pytest.skip("needs socat")
    # chatty: a greeting before the answer; noforward: the script falls back to dial-stdio through socat
    host = {"asked": ssh_engine.host, "path": f"ssh://{ssh_engine.failing['nodocker']}{engine_socket}",
            "chatty": f"ssh://{ssh_engine.failing['chatty']}", "noforward": f"ssh://{ssh_engine.failing['noforward']}"}[
        far_side]
    script = tmp_path / "s.ee"
    script.write_text("GET /_ping\nexpect status 200\nGET /version\nexpect .ApiVersion exists\n")
    made = explore(user_env, "-H", host, "--export", str(tmp_path / "s.sh"), "-f", str(script))
    assert made.returncode == 0, made.stderr
    assert_nothing_left(runtime_dir)  # exporting opens no forward that outlives it
    scratch = tempfile.mkdtemp(prefix="ee-exp-")  # the script's mktemp -d goes here: short, and watched
    try:
        run = subprocess.run(["sh", str(tmp_path / "s.sh")], capture_output=True, text=True, timeout=WAIT,
                             env={**user_env, "TMPDIR": scratch})
        left = (os.listdir(scratch), processes_naming(scratch))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("OK")
    assert left == ([], [])


def test_a_unix_socket_start_loads_nothing_of_ssh(user_env, ssh_engine, engine_host):
    def ssh_modules(host: str) -> set:
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "explorer", "-H", host, "-c", "/_ping"],
                              capture_output=True, text=True, timeout=WAIT, env=user_env)
        assert done.returncode == 0, done.stderr
        return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "ssh" in line.split("|")[-1]}

    assert ssh_modules(ssh_engine.host) == {"explorer.core.sshhost", "explorer.shell.sshbridge",
                                            "explorer.shell.sshcommand", "explorer.shell.sshfolders"}
    assert ssh_modules(engine_host) == set()


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie until the session polls it
    except FileNotFoundError:
        return True


def test_a_forward_whose_ssh_ended_starts_again_at_the_next_request(ssh_engine, runtime_dir, spec_dir):
    env = {**os.environ, **ssh_engine.env, "XDG_RUNTIME_DIR": runtime_dir, "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)}
    out = io.BytesIO()
    session = Session(Settings(host=ssh_engine.host), Console(stdout=out, stderr=io.BytesIO()), env=env)
    try:
        assert session.execute("GET /_ping").ok and out.getvalue() == b"OK"
        (folder,) = bridges(runtime_dir)
        pid_file = os.path.join(runtime_dir, "engine-explorer", folder, "ssh.pid")
        with open(pid_file, encoding="ascii") as fh:
            first = int(fh.read())
        os.kill(first, signal.SIGTERM)  # as a network drop ends it
        until(lambda: _ended(first), "ssh to end")
        assert session.execute("GET /_ping").ok and out.getvalue() == b"OKOK"
        with open(pid_file, encoding="ascii") as fh:
            assert int(fh.read()) != first
    finally:
        session.close()
    assert_nothing_left(runtime_dir)


def test_where_sshd_forwards_nothing_each_connection_dials_as_docker_does(user_env, ssh_engine, runtime_dir,
                                                                          docker_api):
    host = f"ssh://{ssh_engine.failing['noforward']}"
    done = explore(user_env, "-v", "-H", host, "-c", "/_ping", "-c", "GET /info")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK") and docker_api.call_json("GET", "/info")[1]["ID"] in done.stdout
    assert f"note: {host}: its sshd forwards no sockets, so each connection runs `docker system dial-stdio` " \
           "there, as docker does" in done.stderr
    assert_nothing_left(runtime_dir)


def test_where_sshd_forwards_nothing_and_no_engine_answers_it_is_one_line(user_env, ssh_engine, runtime_dir):
    host = f"ssh://{ssh_engine.failing['noforward']}/nonexistent/docker.sock"
    done = explore(user_env, "-H", host, "-c", "/_ping")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"error: {host}: the far side did not connect the forward to "
                                  "/nonexistent/docker.sock: ")
    assert done.stderr.rstrip().endswith("; `docker system dial-stdio` there says: failed to open the raw stream "
                                         "connection: dial unix /nonexistent/docker.sock: connect: no such file or "
                                         "directory")
    assert_nothing_left(runtime_dir)


@pytest.mark.skipif(not shutil.which("socat"), reason="needs socat")
def test_the_printed_socat_and_curl_lines_send_the_same_bytes(user_env, ssh_engine, runtime_dir, tmp_path):
    with RecordingServer() as server:
        host = f"ssh://{ssh_engine.failing['noforward']}{server.path}"  # dial-stdio there reaches the recorder
        done = explore(user_env, "-v", "-H", host, "-c", "POST /containers/create name==ee-x Image=busybox:local "
                                                         "'Cmd:=[\"echo\",\"a,b\"]'")
        assert done.returncode == 0, done.stderr
        ours = server.take()
        err = done.stderr.splitlines()
        (line,) = [ln for ln in err if ln.startswith("mkdir -p -m 700 ")]
        curls = [ln for ln in err if ln.startswith("curl ")]
        assert_nothing_left(runtime_dir)
        folder, socket = line.split()[4], curls[-1].split()[2]
        # socat stays in the background with the shell's output: files, so that the run ends with sh
        with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as errors:
            shell = f"{line}\nwhile ! [ -S {socket} ]; do sleep 0.01; done\n{curls[-1]} -sS"
            run = subprocess.run(["sh", "-c", shell], stdout=out, stderr=errors, timeout=WAIT, env=user_env)
        theirs = server.take()
        for pid in processes_naming(folder):
            os.kill(pid, signal.SIGTERM)  # the user's socat, ended as a user would
        shutil.rmtree(folder, ignore_errors=True)
    assert run.returncode == 0, (tmp_path / "err").read_text()
    # the far side's docker CLI pings before it dials, for both: the rest is what the two lines sent
    assert len(theirs) == 2 and all(raw[0].startswith(b"HEAD /_ping HTTP/1.1\r\n") for raw in (ours, theirs))
    assert strip_agent(ours[-1]) == strip_agent(theirs[-1])
    assert b'"Cmd":["echo","a,b"]' in theirs[-1]
