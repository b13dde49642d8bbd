"""A spec newer than the engine: what the engine's API version lacks is refused before sending, `!`
sends it anyway, and `help` says which version added or removed an item; against the real engine."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from explorer.spec import sources

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def engine_api(docker_api) -> str:
    version = docker_api.call_json("GET", "/version")[1]["ApiVersion"]
    if version != "1.41":
        pytest.skip(f"these cases are written for a 1.41 engine (the sandbox's); this one speaks {version}")
    return version


def session(host, spec_dir, spec="v1.56.yaml", env=None, **settings):
    """A verbose session whose spec is `spec` (newer than the engine's API; None: the engine's own, found
    in `spec_dir`), on the real transport; `env` adds to its environment."""
    env = {"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"], **(env or {})}
    console = Console(stdout=io.BytesIO(), stderr=io.BytesIO(), verbose=True)
    spec_path = str(spec_dir / spec) if spec else None
    return Session(Settings(host=host, spec=spec_path, verbose=True, **settings), console, env=env)


def run(ee, line):
    """(exit code, stdout, stderr) of one line."""
    ee.console.stdout.seek(0)
    ee.console.stdout.truncate()
    ee.console.stderr.seek(0)
    ee.console.stderr.truncate()
    outcome = ee.execute(line)
    return outcome.exit_code, ee.console.stdout.getvalue().decode(), ee.console.stderr.getvalue().decode()


@pytest.fixture(params=["v1.56.yaml", None], ids=["newer-spec", "engines-spec"])
def ee(request, engine_host, spec_dir, engine_api):
    """A session with the newest spec (newer than the engine), or with the engine's own (v1.41, from
    the spec folder): either way, what 1.41 lacks is refused, naming the version that added it."""
    explorer = session(engine_host, spec_dir, spec=request.param)
    yield explorer
    explorer.close()


REFUSED = [
    ("PUT /volumes/{name} version==1", "VolumeUpdate is API 1.42+; this engine speaks 1.41 (`!` sends it anyway)"),
    ("GET /images/json manifests==1",
     "ImageList's query parameter manifests is API 1.47+; this engine speaks 1.41 (`!` sends it anyway)"),
    ("POST /containers/create name=={name} Image=busybox:local HostConfig[Annotations][a]=b",
     "ContainerCreate's body field HostConfig[Annotations] is API 1.43+; this engine speaks 1.41 "
     "(`!` sends it anyway)"),
    ("POST /containers/create name=={name} Image=busybox:local 'Healthcheck:={\"StartInterval\":1}'",
     "ContainerCreate's body field Healthcheck[StartInterval] is API 1.44+; this engine speaks 1.41 "
     "(`!` sends it anyway)"),
]


@pytest.mark.parametrize(("line", "message"), REFUSED)
def test_what_the_engine_is_too_old_for_is_refused_before_sending(ee, line, message, unique_name, docker_api):
    code, out, err = run(ee, line.replace("{name}", unique_name))
    assert (code, out, err.splitlines()[-1]) == (2, "", f"error: {message}")
    assert "curl " not in err  # -v prints the curl line of what it sends: nothing was sent
    assert docker_api.call("GET", f"/containers/{unique_name}/json")[0] == 404


def test_bang_sends_an_operation_the_engine_does_not_have(ee, unique_name):
    code, out, err = run(ee, f"!PUT /volumes/{unique_name} version==1")
    assert code == 1 and "curl --unix-socket" in err  # sent: and the 1.41 engine has no such route
    assert "page not found" in out + err


def test_bang_sends_a_query_parameter_the_engine_ignores(ee):
    code, out, err = run(ee, "!GET /images/json manifests==1")
    assert code == 0 and "/v1.41/images/json?manifests=1" in err and "busybox:local" in out


def test_what_the_engine_has_is_sent(ee):
    code, out, _ = run(ee, "GET /images/json all==1")
    assert code == 0 and "busybox:local" in out


@pytest.mark.parametrize("pin", ["--api-version", "DOCKER_API_VERSION"])
@pytest.mark.parametrize("spec", ["v1.56.yaml", None])
def test_a_pinned_version_names_its_pin(engine_host, spec_dir, engine_api, pin, spec):
    ee = session(engine_host, spec_dir, spec=spec, **({"api_version": "1.41"} if pin.startswith("--") else {}),
                 **({} if pin.startswith("--") else {"env": {"DOCKER_API_VERSION": "1.41"}}))
    try:
        code, _, err = run(ee, "GET /images/json manifests==1")
        lines = run(ee, "GET /v1.44/images/json manifests==1")[2].splitlines()
    finally:
        ee.close()
    assert (code, err.splitlines()[-1]) == (2, "error: ImageList's query parameter manifests is API 1.47+; "
                                               f"{pin} pins 1.41 (`!` sends it anyway)")
    assert lines[-1] == ("error: ImageList's query parameter manifests is API 1.47+; this line asks for 1.44 "
                         "(`!` sends it anyway)")


def test_help_says_which_version_added_an_operation_a_parameter_and_a_field(engine_host, spec_dir, engine_api):
    ee = session(engine_host, spec_dir)
    _, out, _ = run(ee, "help VolumeUpdate")
    assert out.splitlines()[0] == ("VolumeUpdate: PUT /volumes/{name}  [Volume]  (added in API v1.42; requests go "
                                   "as API 1.41)")
    _, out, _ = run(ee, "help ImageList")
    assert [ln for ln in out.splitlines() if ln.startswith("  manifests ")][0].endswith("added in API v1.47")
    _, out, _ = run(ee, "help ContainerCreate")
    line = [ln for ln in out.splitlines() if ln.strip().startswith("Annotations ")][0]
    assert "added in API v1.43" in line
    _, out, _ = run(ee, "help ContainerList")
    ee.close()
    assert "added in" not in out and "removed in" not in out  # in every spec: nothing to say


def test_help_of_what_the_spec_in_use_lacks_comes_from_a_newer_spec(engine_host, spec_dir, engine_api):
    ee = session(engine_host, spec_dir, spec=None)
    try:
        code, out, _ = run(ee, "help VolumeUpdate")
    finally:
        ee.close()
    lines = out.splitlines()
    newest_here = sources.available_versions({"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})[-1]
    assert code == 0 and lines[0] == f"(not in the v1.41 spec in use: from the v{newest_here} spec)"
    assert lines[1] == "VolumeUpdate: PUT /volumes/{name}  [Volume]  (added in API v1.42; requests go as API 1.41)"


def test_help_says_which_version_removed_a_parameter(engine_host, spec_dir, engine_api):
    ee = session(engine_host, spec_dir, spec=None)  # the engine's own version: the v1.41 spec
    try:
        _, out, _ = run(ee, "help BuildPrune")
    finally:
        ee.close()
    assert [ln for ln in out.splitlines() if ln.startswith("  keep-storage ")][0].endswith("removed in API v1.52")


# -- with no engine to ask: --dry-run and --export ------------------------------------------------

NO_ENGINE = "unix:///nonexistent/ee-no-engine.sock"


def cli(spec_dir, *args, env=None):
    full = dict(os.environ, ENGINE_EXPLORER_SPEC_DIR=str(spec_dir), **(env or {}))
    full.pop("DOCKER_HOST", None)
    if "DOCKER_API_VERSION" not in (env or {}):
        full.pop("DOCKER_API_VERSION", None)
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=60,
                          env=full)


def newest(spec_dir) -> str:
    return sources.newest_known({"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})


def test_a_dry_run_with_no_engine_says_which_version_it_assumed(spec_dir):
    done = cli(spec_dir, "-H", NO_ENGINE, "--dry-run", "-c", "GET /version", "-c", "GET /info")
    version = newest(spec_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"curl --unix-socket /nonexistent/ee-no-engine.sock "
                                        f"http://localhost/v{version}/{p}" for p in ("version", "info")]
    assert done.stderr == (f"note: no engine answered at {NO_ENGINE}: the requests go as API v{version}, the "
                           "newest known; pin one with --api-version or DOCKER_API_VERSION\n")


@pytest.mark.parametrize("pin", [("--api-version", "1.43"), ("DOCKER_API_VERSION", "1.43")])
def test_a_dry_run_with_no_engine_uses_the_pinned_version(spec_dir, pin):
    flag = pin if pin[0].startswith("--") else ()
    done = cli(spec_dir, "-H", NO_ENGINE, *flag, "--dry-run", "-c", "GET /version",
               env=None if flag else {pin[0]: pin[1]})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.endswith("http://localhost/v1.43/version\n")


def volume_script(spec_dir, tmp_path, name, *args):
    """A script that creates volume `name`, exported with `args`; its path and the export's stderr."""
    target = tmp_path / "volume.sh"
    done = cli(spec_dir, *args, "--export", str(target), "-c", f"POST /volumes/create Name={name}")
    assert done.returncode == 0, done.stderr
    return target, done.stderr


def run_sh(script, engine_host):
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": engine_host}
    return subprocess.run(["sh", str(script)], capture_output=True, text=True, timeout=60, env=env)


def test_a_script_exported_for_a_newer_api_stops_before_its_first_request(
        engine_host, spec_dir, engine_api, tmp_path, unique_name, docker_api):
    script, note = volume_script(spec_dir, tmp_path, unique_name, "-H", NO_ENGINE)
    version = newest(spec_dir)
    assert f"the requests go as API v{version}, the newest known" in note
    done = run_sh(script, engine_host)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"this script was exported for Docker API v{version} and the engine speaks v1.41: "
                           "export it again with --api-version 1.41 (what its lines use must exist there)\n")
    assert docker_api.call("GET", f"/volumes/{unique_name}")[0] == 404  # stopped before it


def test_a_script_exported_for_the_engines_api_runs(engine_host, spec_dir, engine_api, tmp_path, unique_name,
                                                     docker_api):
    for args in (("-H", engine_host), ("-H", NO_ENGINE, "--api-version", "1.41")):
        script, note = volume_script(spec_dir, tmp_path, unique_name, *args)
        assert note == ""
        try:
            done = run_sh(script, engine_host)
            assert done.returncode == 0, done.stderr
            assert docker_api.call("GET", f"/volumes/{unique_name}")[0] == 200
        finally:
            docker_api.call("DELETE", f"/volumes/{unique_name}")
        script.unlink()


@pytest.mark.parametrize(("pin", "refused"), [("1.41", True), ("1.42", False), ("1.45", False)])
def test_with_a_gap_between_local_specs_only_what_is_known_to_be_missing_is_refused(spec_dir, tmp_path, pin,
                                                                                    refused):
    """With only v1.41 and v1.52 at hand, HostConfig.Annotations (API 1.43) is known to be missing up to
    1.41 and present from 1.52: a 1.42 or 1.45 request may have it and goes; 1.41's is refused, saying the range
    (before, each was refused as "API 1.52+")."""
    folder = tmp_path / "specs"
    folder.mkdir()
    for version in ("1.41", "1.52"):
        (folder / f"v{version}.yaml").write_bytes((spec_dir / f"v{version}.yaml").read_bytes())
    line = "POST /containers/create Image=busybox:local HostConfig[Annotations][a]=b"
    done = cli(folder, "-H", NO_ENGINE, "--api-version", pin, "--spec", str(folder / "v1.52.yaml"), "--dry-run",
               "-c", line, env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    if refused:
        assert (done.returncode, done.stdout) == (2, ""), done.stderr
        assert done.stderr == ("error: ContainerCreate's body field HostConfig[Annotations] is newer than API 1.41 "
                               "(the v1.52 spec has it); --api-version pins 1.41 (`!` sends it anyway)\n")
    else:
        assert (done.returncode, done.stderr) == (0, "")
        assert f"http://localhost/v{pin}/containers/create" in done.stdout
