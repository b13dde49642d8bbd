"""sshd's logins reach the engine: `docker -H ssh://ALIAS` works, dial-stdio bridges HTTP."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

PING = b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"


def test_alias_needs_no_flags_and_the_far_side_has_the_engine(ssh_engine, engine_host):
    done = ssh_engine.ssh("echo", "$DOCKER_HOST")
    assert (done.returncode, done.stdout.decode().strip()) == (0, engine_host), done.stderr


def test_the_alias_comes_from_the_fixture_home_only(ssh_engine):
    without = subprocess.run(["ssh", "-o", "BatchMode=yes", ssh_engine.alias, "true"], capture_output=True,
                             timeout=30, check=False, env={k: v for k, v in os.environ.items() if k != "HOME"})
    assert without.returncode == 255


def test_dial_stdio_bridges_a_ping(ssh_engine):
    done = subprocess.run(["ssh", "-o", "BatchMode=yes", ssh_engine.alias, "docker", "system", "dial-stdio"],
                          input=PING, capture_output=True, timeout=30, check=False,
                          env={**os.environ, **ssh_engine.env})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nApi-Version: " in done.stdout and done.stdout.endswith(b"\r\n\r\nOK")


def test_docker_cli_over_ssh(ssh_engine, docker_config, docker_api):
    _, version = docker_api.call_json("GET", "/version")
    with_flag = docker_config.docker("-H", ssh_engine.host, "version", "--format", "{{.Server.Version}}",
                                     env=ssh_engine.env)
    from_env = docker_config.docker("info", "--format", "{{.Name}}",
                                    env={**ssh_engine.env, "DOCKER_HOST": ssh_engine.host})
    assert with_flag.returncode == 0, with_flag.stderr
    assert with_flag.stdout.strip() == version["Version"]
    _, info = docker_api.call_json("GET", "/info")
    assert (from_env.returncode, from_env.stdout.strip()) == (0, info["Name"]), from_env.stderr


@pytest.mark.parametrize("kind, says", [
    ("unknown", "Host key verification failed."),
    ("changed", "REMOTE HOST IDENTIFICATION HAS CHANGED"),
    ("refused", "Permission denied (publickey)."),
])
def test_each_failing_alias_fails_at_login_as_ssh_says(ssh_engine, kind, says):
    done = subprocess.run(["ssh", ssh_engine.failing[kind], "true"], capture_output=True, timeout=30, check=False,
                          env={**os.environ, **ssh_engine.env})
    assert done.returncode == 255 and says in done.stderr.decode(), done.stderr


def test_the_nodocker_login_works_but_finds_no_docker(ssh_engine):
    env = {**os.environ, **ssh_engine.env}
    alias = ssh_engine.failing["nodocker"]
    echo = subprocess.run(["ssh", alias, "echo", "in"], capture_output=True, timeout=30, check=False, env=env)
    docker = subprocess.run(["ssh", alias, "docker", "version"], capture_output=True, timeout=30, check=False, env=env)
    assert (echo.returncode, echo.stdout) == (0, b"in\n"), echo.stderr
    assert docker.returncode == 127 and b"docker: command not found" in docker.stderr, docker.stderr


def test_the_chatty_login_greets_before_the_command_output(ssh_engine):
    done = subprocess.run(["ssh", ssh_engine.failing["chatty"], "echo", "in"], capture_output=True, timeout=30,
                          check=False, env={**os.environ, **ssh_engine.env})
    assert (done.returncode, done.stdout) == (0, b"welcome to the far side\nin\n"), done.stderr


def test_the_noforward_alias_refuses_a_forward_yet_dial_stdio_works(ssh_engine, engine_socket, tmp_path):
    env = {**os.environ, **ssh_engine.env}
    alias, local = ssh_engine.failing["noforward"], str(tmp_path / "f.sock")
    forward = subprocess.Popen(["ssh", "-nNT", "-o", "ExitOnForwardFailure=yes", "-L", f"{local}:{engine_socket}",
                                alias], stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(local):  # the forward listens: the event this waits on
            assert forward.poll() is None and time.monotonic() < deadline, "ssh made no forward"
            time.sleep(0.01)
        curl = subprocess.run(["curl", "-sS", "--unix-socket", local, "http://docker/_ping"], capture_output=True,
                              timeout=30, check=False)
    finally:
        forward.terminate()
        said = forward.communicate(timeout=30)[1]
    assert curl.returncode != 0 and b"open failed" in said, said
    dial = subprocess.run(["ssh", alias, "docker", "system", "dial-stdio"], input=PING, capture_output=True,
                          timeout=30, check=False, env=env)
    assert dial.stdout.startswith(b"HTTP/1.1 200 OK\r\n"), dial.stderr
