"""The question before a destructive request, at the prompt only, naming the live object (real engine)."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.repl.app import Repl
from explorer.shell.session import Session

pytestmark = pytest.mark.engine


def shell(host, spec_dir, keys: str, **settings):
    """Run a REPL on `host` fed `keys` (answers to questions included); (questions asked, stdout, stderr)."""
    out, err = io.BytesIO(), io.BytesIO()
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    session = Session(Settings(host=host, interactive=True, **settings),
                      Console(stdout=out, stderr=err, interactive=True), env=env, commands=dispatcher())
    asked = []
    with create_pipe_input() as inp:
        repl = Repl(session, input=inp, output=DummyOutput())
        real = session.console.confirm

        def confirm(text):
            asked.append(text)
            return real(text)

        session.console.confirm = confirm
        inp.send_text(keys + "exit\r")
        assert repl.run() == 0
    session.close()
    return asked, out.getvalue().decode(), err.getvalue().decode()


def exists(docker_api, name) -> bool:
    return docker_api.call("GET", f"/containers/{name}/json")[0] == 200


def test_no_keeps_it_yes_removes_it_and_bang_still_asks(engine_host, spec_dir, docker_api, busybox_image, sleeper):
    asked, out, err = shell(engine_host, spec_dir, f"DELETE /containers/{sleeper} force==1\rn\r"
                                                   f"!DELETE /containers/{sleeper} force==1\r\r")
    question = f"Remove container {sleeper} (running, {busybox_image})? [y/N] "
    assert asked == [question, question]  # `!` skips the spec's checks, not the question
    assert out.count("not sent") == 2 and exists(docker_api, sleeper)
    asked, out, err = shell(engine_host, spec_dir, f"DELETE /containers/{sleeper} force==1\ry\r")
    assert asked == [question] and err == ""
    assert not exists(docker_api, sleeper)


def test_kill_names_the_container(engine_host, spec_dir, docker_api, busybox_image, sleeper):
    asked, _, _ = shell(engine_host, spec_dir, f"POST /containers/{sleeper}/kill\rNo\r")
    assert asked == [f"Kill container {sleeper} (running, {busybox_image})? [y/N] "]
    assert docker_api.call_json("GET", f"/containers/{sleeper}/json")[1]["State"]["Running"] is True


def test_a_prune_lists_what_it_would_remove(engine_host, spec_dir, docker_api, busybox_image, unique_name):
    stopped = unique_name + "-stopped"
    assert docker_api.call("POST", f"/containers/create?name={stopped}", {
        "Image": busybox_image, "Cmd": ["true"], "HostConfig": {"NetworkMode": "none"}})[0] == 201
    try:
        asked, out, _ = shell(engine_host, spec_dir, "POST /containers/prune\rn\r")
        assert len(asked) == 1 and asked[0].startswith("Remove all stopped containers (")
        assert "not sent" in out and exists(docker_api, stopped)
    finally:
        docker_api.call("DELETE", f"/containers/{stopped}?force=1")


def test_image_removal_names_the_image(engine_host, spec_dir, docker_api, busybox_image, unique_name):
    tag = f"{unique_name}:old"
    assert docker_api.call("POST", f"/images/{busybox_image}/tag?repo={unique_name}&tag=old")[0] == 201
    try:
        asked, _, err = shell(engine_host, spec_dir, f"DELETE /images/{tag}\ryes\r")
        _, image = docker_api.call_json("GET", f"/images/{busybox_image}/json")
        assert len(asked) == 1 and asked[0].startswith(f"Remove image {tag} ({image['Id'][:19]}, ")
        assert "used by " in asked[0] and err == ""
        assert docker_api.call("GET", f"/images/{tag}/json")[0] == 404
    finally:
        docker_api.call("DELETE", f"/images/{tag}")


def test_nothing_is_asked_of_what_is_not_there_or_changes_nothing(engine_host, spec_dir, sleeper):
    keys = f"DELETE /containers/ee-no-such-container\rPOST /containers/{sleeper}/pause\r"
    asked, out, _ = shell(engine_host, spec_dir, keys + f"POST /containers/{sleeper}/unpause\r")
    assert asked == [] and "No such container" in out


def test_no_confirm_turns_it_off(engine_host, spec_dir, docker_api, sleeper):
    asked, _, err = shell(engine_host, spec_dir, f"DELETE /containers/{sleeper} force==1\r", confirm_destructive=False)
    assert asked == [] and err == "" and not exists(docker_api, sleeper)


@pytest.mark.parametrize("how", ["-c", "-f", "pipe"])
def test_never_asked_outside_the_prompt(how, engine_host, spec_dir, docker_api, sleeper, tmp_path):
    line = f"DELETE /containers/{sleeper} force==1"
    args, stdin = {"-c": (["-c", line], None), "pipe": ([], line.encode() + b"\n")}.get(how, (None, None))
    if how == "-f":
        (tmp_path / "s.ee").write_text(line + "\n")
        args = ["-f", str(tmp_path / "s.ee")]
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    done = subprocess.run([sys.executable, "-m", "explorer", "-H", engine_host, *args], input=stdin,
                          capture_output=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert not exists(docker_api, sleeper)


def test_a_swarm_leave_names_the_node(swarm_engine, spec_dir):
    status, _ = swarm_engine.api.call("POST", "/swarm/init", swarm_engine.init_body())
    assert status == 200
    asked, out, _ = shell(swarm_engine.host, spec_dir, "POST /swarm/leave force==1\rn\r")
    assert len(asked) == 1 and asked[0].startswith("Leave the swarm (node ") and ", a manager)?" in asked[0]
    assert swarm_engine.swarm_state() == "active"
    asked, out, _ = shell(swarm_engine.host, spec_dir, "POST /swarm/leave force==1\ry\r")
    assert swarm_engine.swarm_state() == "inactive"
