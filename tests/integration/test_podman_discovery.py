"""Podman without ceremony: found where podman-remote looks when no Docker engine answers, its libpod
spec found beside Docker's, both API families completed and checked in one session, and the prompt
naming Podman's release. Against the sandbox Podman (scripts/sandbox-podman)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.completion.candidates import Sources, complete
from explorer.completion.live import Snapshot
from explorer.completion.specview import SpecView
from explorer.core import discovery
from explorer.core.config import DEFAULT_SOCKET
from tests.integration.test_podman import run, session_for
from tests.replsession import run_session

pytestmark = pytest.mark.podman
PODMAN_SPECS = ("swagger-v5.4.2.yaml", "swagger-latest-main-2026-04-15.yaml")


@pytest.fixture()
def spec_dirs(tmp_path, spec_dir) -> dict:
    """{"with": a spec folder holding Docker's v1.41 and a podman/ folder, "without": Docker's alone}."""
    podman = Path(spec_dir).parent / "podman"
    if not all((podman / name).is_file() for name in PODMAN_SPECS):
        pytest.skip(f"no Podman specs in {podman}")
    folders = {}
    for kind in ("with", "without"):
        folder = tmp_path / f"specs-{kind}"
        folder.mkdir()
        (folder / "v1.41.yaml").symlink_to(Path(spec_dir) / "v1.41.yaml")
        folders[kind] = folder
    (folders["with"] / "podman").mkdir()
    for name in PODMAN_SPECS:
        (folders["with"] / "podman" / name).symlink_to(podman / name)
    return folders


def _no_docker_answers():
    if discovery.listening(DEFAULT_SOCKET):
        pytest.skip(f"a Docker engine answers at {DEFAULT_SOCKET}: discovery would rightly not look further")


@pytest.mark.parametrize("where", ["XDG_RUNTIME_DIR", "CONTAINER_HOST"])
def test_found_by_discovery_with_no_host_and_both_families_in_one_run(where, podman_host, spec_dirs, tmp_path):
    _no_docker_answers()
    socket = podman_host.removeprefix("unix://")
    runtime = tmp_path / "run"
    (runtime / "podman").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT", "CONTAINER_HOST")}
    env.update(XDG_RUNTIME_DIR=str(runtime), ENGINE_EXPLORER_SPEC_DIR=str(spec_dirs["with"]))
    if where == "XDG_RUNTIME_DIR":
        (runtime / "podman" / "podman.sock").symlink_to(socket)
        expected = f"unix://{runtime}/podman/podman.sock"
    else:
        env["CONTAINER_HOST"] = expected = podman_host
    done = subprocess.run([sys.executable, "-m", "explorer", "-v", "-c", "GET /libpod/containers/json all==true",
                           "-c", "GET /containers/json all==1", "-c", "config",
                           "-c", "GET /libpod/containers/json bogus==1"],
                          capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)
    lines = done.stderr.splitlines()
    # the engine line says which engine and why
    assert lines[0].startswith(f"engine: {expected} (no Docker engine answered; found Podman where podman-remote "
                               "looks ("), done.stderr
    assert any("using 5.4.2 (lowest available, none lower)" in ln and "swagger-v5.4.2.yaml" in ln for ln in lines)
    curls = [ln for ln in lines if ln.startswith("curl ")]
    assert curls == [f"curl --unix-socket {expected.removeprefix('unix://')} "
                     f"'http://localhost/v1.41/libpod/containers/json?all=true'",
                     f"curl --unix-socket {expected.removeprefix('unix://')} "
                     f"'http://localhost/v1.41/containers/json?all=1'"]
    assert done.stdout.count("[") >= 2  # two JSON lists
    assert f'host = "{expected}"' in done.stdout and "# default: no Docker engine answered" in done.stdout
    assert lines[-1].startswith("error: ContainerListLibpod has no query parameter bogus") and done.returncode == 2


def test_libpod_completion_and_validation_in_the_same_session_as_compat_calls(podman_host, spec_dirs):
    session, out, err = session_for(podman_host, spec_dirs["with"])
    outcome, body, _ = run(session, out, err, "GET /containers/json all==1")  # Docker's spec
    assert outcome.exit_code == 0 and body.startswith(b"[")
    outcome, body, _ = run(session, out, err, "GET /libpod/info")  # Podman's spec, same session
    assert outcome.exit_code == 0 and b'"host"' in body
    assert session.engine.podman_version() == "4.3.1"
    index = session.index()
    for line, operation in (("GET /containers/json bogus==1", "ContainerList"),
                            ("GET /libpod/containers/json bogus==1", "ContainerListLibpod"),
                            # as Podman's docs write them: libpod's version, which picks no Docker spec
                            ("GET /v5.0.0/libpod/containers/json bogus==1", "ContainerListLibpod"),
                            ("POST /libpod/containers/create privileged=yes",
                             "ContainerCreateLibpod body: field privileged")):
        outcome, _, _ = run(session, out, err, line)
        assert outcome.exit_code == 2 and operation in err.getvalue().decode(), err.getvalue()
        assert "no spec v" not in err.getvalue().decode()  # no other Docker spec looked for
    src = Sources(SpecView(index), Snapshot(), {}, ())
    assert "pods/" in [c.text for c in complete("GET /libpod/", src)]
    assert "json" in [c.text for c in complete("GET /libpod/containers/", src)]
    assert "NetworkMode]=" in [c.text for c in complete("POST /containers/create HostConfig[Net", src)]
    assert "cap_add:=" in [c.text for c in complete("POST /libpod/containers/create cap_a", src)]
    session.close()


def test_a_libpod_path_without_podmans_spec_is_one_line_hint_and_bang_sends_it(podman_host, spec_dirs):
    session, out, err = session_for(podman_host, spec_dirs["without"])
    outcome, _, _ = run(session, out, err, "GET /libpod/containers/json")
    errors = [ln for ln in err.getvalue().decode().splitlines() if ln.startswith("error: ")]
    assert outcome.exit_code == 2 and len(errors) == 1
    assert "Podman's own API and no Podman spec was found" in errors[0] and "/podman/" in errors[0]
    outcome, body, _ = run(session, out, err, "!GET /libpod/containers/json")
    assert outcome.exit_code == 0 and body.startswith(b"[")
    session.close()


def test_the_prompt_says_podman_and_its_release(podman_host, spec_dirs):
    seen = {}

    def script(t):
        t.settle()
        seen["prompt"] = "".join(text for _, text in t.repl._message())
        seen["libpod"] = t.tab("GET /libpod/po")

    code, out, err, _ = run_session(script, podman_host, str(spec_dirs["with"]))
    assert code == 0, err
    assert seen["prompt"] == "podman 4.3 > "
    assert seen["libpod"].line == "GET /libpod/pods/"  # the one candidate, put in at once


def test_a_pinned_api_version_still_finds_podmans_spec_for_a_libpod_line(podman_host, spec_dirs):
    """--api-version skips the /_ping that says Libpod: a libpod line asks it, then uses Podman's spec."""
    session, out, err = session_for(podman_host, spec_dirs["with"], api_version="1.41")
    outcome, _, _ = run(session, out, err, "GET /libpod/containers/json bogus==1")
    assert outcome.exit_code == 2 and "ContainerListLibpod has no query parameter bogus" in err.getvalue().decode()
    assert session.engine.podman_version() == "4.3.1"
    session.close()


def test_a_context_switch_from_podman_to_docker_forgets_podman(podman_host, engine_host, spec_dirs, docker_config):
    """`context NAME` from a Podman engine to a Docker one: libpod's routes and the Podman release go with
    the old engine (the spec index of the same API version held both)."""
    done = docker_config.docker("context", "create", "sandbox", "--docker", f"host={engine_host}")
    assert done.returncode == 0, done.stderr
    session, out, err = session_for(podman_host, spec_dirs["with"])
    session.env = {**session.env, **docker_config.env}
    outcome, body, _ = run(session, out, err, "GET /libpod/info")
    assert outcome.exit_code == 0 and b'"host"' in body and session.engine.podman_version() == "4.3.1"
    outcome, _, _ = run(session, out, err, "context sandbox")
    assert outcome.exit_code == 0, err.getvalue()
    outcome, body, _ = run(session, out, err, "GET /version")
    assert outcome.exit_code == 0 and b"Podman" not in body and session.engine.podman_version() == ""
    outcome, _, _ = run(session, out, err, "GET /libpod/info")
    assert outcome.exit_code == 2
    assert err.getvalue().decode().splitlines()[-1].startswith(
        "error: /libpod/… is Podman's own API and this engine is not Podman"), err.getvalue()
