"""Against the real engine: no variable, capture or value can reach another endpoint or add a parameter."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.engine


def run(host, spec_dir, *args, cwd=None):
    env = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir))
    env.pop("DOCKER_HOST", None)
    return subprocess.run([sys.executable, "-m", "explorer", "-H", host, *args], capture_output=True,
                          timeout=60, env=env, cwd=cwd)


@pytest.fixture()
def volume(docker_api, unique_name):
    status, body = docker_api.call_json("POST", "/volumes/create", {
        "Name": unique_name, "Labels": {"climb": f"../../volumes/{unique_name}"}})
    assert status == 201, body
    return unique_name


def still_there(docker_api, volume) -> bool:
    return docker_api.call("GET", f"/volumes/{volume}")[0] == 200


def test_a_variable_cannot_delete_a_volume_through_a_container_path(engine_host, spec_dir, docker_api, volume):
    done = run(engine_host, spec_dir, "--var", f"name=../../volumes/{volume}",
               "-c", "DELETE /containers/{{name}} force==1")
    assert done.returncode == 2 and b"cannot go into the path" in done.stderr, done.stderr
    assert still_there(docker_api, volume)
    done = run(engine_host, spec_dir, "--var", f"name=..%2F..%2Fvolumes%2F{volume}",
               "-c", "DELETE /containers/{{name}} force==1")
    assert done.returncode == 2 and still_there(docker_api, volume)


def test_a_captured_value_cannot_either(engine_host, spec_dir, docker_api, volume, tmp_path):
    script = tmp_path / "climb.ee"
    script.write_text(f"GET /volumes/{volume}\nset cid = .Labels.climb\nDELETE /containers/{{{{cid}}}} force==1\n")
    done = run(engine_host, spec_dir, "-f", str(script))
    assert done.returncode == 1, done.stderr  # a script that failed
    assert b"cannot go into the path" in done.stderr and b"climb.ee:3: failed" in done.stderr
    assert still_there(docker_api, volume)


def test_query_signs_in_a_value_stay_in_the_segment(engine_host, spec_dir, docker_api, busybox_image,
                                                    unique_name):
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sleep", "30"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    done = run(engine_host, spec_dir, "--var", f"p={unique_name}?force=1&v=1", "-c", "DELETE /containers/{{p}}")
    assert done.returncode == 1
    assert f"No such container: {unique_name}?force=1&v=1".encode() in done.stdout, done.stdout
    status, state = docker_api.call_json("GET", f"/containers/{unique_name}/json")
    assert status == 200 and state["State"]["Running"]


@pytest.mark.parametrize("value, seen", [("a%2Fb", "a%2Fb"), ("x#frag", "x#frag"), ("%41", "%41")])
def test_an_escape_in_a_value_reaches_the_engine_as_written(engine_host, spec_dir, value, seen):
    done = run(engine_host, spec_dir, "--var", f"p={value}", "-c", "GET /containers/{{p}}/json")
    assert done.returncode == 1
    assert f"No such container: {seen}".encode() in done.stdout, done.stdout


def test_an_escaped_climb_is_refused_before_the_engine_sees_it(engine_host, spec_dir):
    done = run(engine_host, spec_dir, "--var", "p=x%2F..%2F..%2Fversion", "-v", "-c", "GET /containers/{{p}}/json")
    assert done.returncode == 2 and b"curl " not in done.stderr


def test_the_export_agrees_with_the_engine(engine_host, spec_dir, docker_api, busybox_image, unique_name,
                                           tmp_path):
    """A value with a space or a `#` goes where engine-explorer sends it, in the exported script too."""
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["true"], "Labels": {"ee.label": "a b#c"},
        "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    script = tmp_path / "s.ee"
    script.write_text("GET /containers/{{n}}/json\nexpect '.Config.Labels[\"ee.label\"]' == {{l}}\n"
                      "GET /containers/json all==1 filters=={{f}}\nexpect .[0].Names[0] == /{{n}}\n"
                      "GET /containers/{{missing}}/json\nexpect status 404\n")
    given = ["--var", f"n={unique_name}", "--var", "l=a b#c", "--var",
             'f={"label":["ee.label=a b#c"]}', "--var", "missing=x#frag y"]
    done = run(engine_host, spec_dir, *given, "-f", str(script))
    assert done.returncode == 0, done.stderr
    exported = tmp_path / "s.sh"
    done = run(engine_host, spec_dir, *given, "-f", str(script), "--export", str(exported))
    assert done.returncode == 0, done.stderr
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": engine_host}
    ran = subprocess.run(["sh", str(exported)], capture_output=True, text=True, timeout=60, env=env)
    assert ran.returncode == 0, ran.stderr
