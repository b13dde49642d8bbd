"""Registry credentials from docker's config.json, against Debian's docker-registry (htpasswd auth):
a push and a pull with what `docker login` stored in `auths` and in a credential helper, a wrong
password, a line's own X-Registry-Auth. Lines carry no credentials: engine-explorer adds them.

Effects are checked on the registry itself (its manifest digest) and with the raw client.
"""
from __future__ import annotations

import base64
import io
import json
import os
import secrets
import subprocess
import sys
import tarfile

import pytest

from tests.integration.apidriver import Explorer, inspect, rerun
from tests.integration.test_api_registry import auth_header, manifest_digest

pytestmark = pytest.mark.engine


@pytest.fixture
def pushed(docker_api, busybox_image, registry):
    """(repository, reference) tagged on the engine for this test; the engine forgets the tag afterwards."""
    repository = f"ee-creds/busybox-{secrets.token_hex(4)}"
    ref = f"{registry.host}/{repository}:v1"
    assert docker_api.call("POST", f"/images/{busybox_image}/tag?repo={registry.host}/{repository}&tag=v1")[0] == 201
    yield repository, ref
    docker_api.call("DELETE", f"/images/{ref}?force=1")


def login(docker_config, engine_host, registry, password=None, env=None):
    """`docker login` as users run it: the CLI writes config.json (auths, or the credsStore helper)."""
    done = docker_config.docker("login", "-u", registry.user, "--password-stdin", registry.host,
                                input=password or registry.password, env={"DOCKER_HOST": engine_host, **(env or {})})
    assert done.returncode == 0, done.stderr


def push_then_pull(ee, docker_api, registry, repository, ref):
    """Push `ref`, inspect it in the registry and pull it back through engine-explorer, with no
    credentials on any line."""
    pushed = ee.send(f"POST /images/{ref}/push", 200)
    digest = next(line["aux"]["Digest"] for line in pushed.json_lines() if "aux" in line)
    assert manifest_digest(registry, repository, "v1") == digest
    assert ee.send(f"GET /distribution/{ref}/json", 200).json()["Descriptor"]["digest"] == digest
    assert docker_api.call("DELETE", f"/images/{ref}")[0] == 200
    pulled = ee.send(f"POST /images/create fromImage=={registry.host}/{repository} tag==v1", 200)
    assert f"{registry.host}/{repository}@{digest}" in inspect(docker_api, "images", ref)["RepoDigests"]
    return pushed, pulled


def test_push_and_pull_with_the_credentials_docker_login_stored_in_auths(
        engine_host, spec_dir, docker_api, docker_config, registry, pushed):
    login(docker_config, engine_host, registry)
    assert registry.host in docker_config.config()["auths"]
    ee = Explorer(engine_host, spec_dir, env=docker_config.env)
    try:
        push, pull = push_then_pull(ee, docker_api, registry, *pushed)
    finally:
        ee.close()
    for sent in (push, pull):  # the printed line reads the credentials from a variable, named once
        assert '-H "X-Registry-Auth: $REGISTRY_AUTH"' in sent.curl
        assert registry.password not in sent.curl and registry.password.encode() not in sent.err
    assert f"credentials for {registry.host} from auths in {docker_config.path}".encode() in push.err
    assert b"--show-secrets prints the value" in push.err
    # pasted with REGISTRY_AUTH set to what --show-secrets prints, the line pushes again
    value = base64.urlsafe_b64encode(json.dumps(
        {"username": registry.user, "password": registry.password, "serveraddress": registry.host},
        separators=(",", ":")).encode()).decode()
    assert json.loads(rerun(push, env={"REGISTRY_AUTH": value}).splitlines()[-1])["aux"]["Size"] > 0
    # an exported script reads them from REGISTRY_AUTH too, checked first
    script = docker_config.path / "push.sh"
    code, out, err = run_cli(engine_host, spec_dir, docker_config.env, f"POST /images/{pushed[1]}/push",
                             "--export", str(script))
    assert code == 0, err
    text = script.read_text()
    assert ': "${REGISTRY_AUTH:?set REGISTRY_AUTH}"' in text and value not in text and registry.password not in text
    unset = subprocess.run(["sh", str(script)], capture_output=True, timeout=60, env=dict(os.environ))
    assert unset.returncode != 0 and b"set REGISTRY_AUTH" in unset.stderr
    done = subprocess.run(["sh", str(script)], capture_output=True, timeout=60,
                          env={**os.environ, "REGISTRY_AUTH": value})
    assert done.returncode == 0 and b'"aux"' in done.stdout, done.stderr


def test_push_and_pull_with_the_credential_helper(
        engine_host, spec_dir, docker_api, docker_config, credential_helper, registry, pushed):
    docker_config.write_config({"credsStore": credential_helper.name})
    login(docker_config, engine_host, registry, env=credential_helper.env)
    assert registry.host in credential_helper.entries()  # the helper holds them, config.json does not:
    assert docker_config.config().get("auths", {}).get(registry.host, {}) == {}
    ee = Explorer(engine_host, spec_dir, env={**docker_config.env, **credential_helper.env})
    try:
        push, _ = push_then_pull(ee, docker_api, registry, *pushed)
    finally:
        ee.close()
    asked = [call["input"].strip() for call in credential_helper.calls() if call["action"] == "get"]
    assert asked[-2:] == [registry.host, registry.host]
    assert f"docker-credential-{credential_helper.name} (credsStore in".encode() in push.err


def run_cli(engine_host, spec_dir, env, line, *options):
    """engine-explorer -c LINE [OPTIONS…] as a user runs it: (exit code, stdout, stderr)."""
    argv = [sys.executable, "-m", "explorer", "-H", engine_host, "-c", line, *options]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir), **env})
    return done.returncode, done.stdout, done.stderr


def test_a_wrong_password_gives_the_registrys_error_and_exit_1(engine_host, spec_dir, docker_config, registry,
                                                               pushed):
    auth = base64.b64encode(f"{registry.user}:not-{registry.password}".encode()).decode()
    docker_config.write_config({"auths": {registry.host: {"auth": auth}}})
    repository, ref = pushed
    for line in (f"POST /images/{ref}/push", f"POST /images/create fromImage=={registry.host}/{repository} tag==v1"):
        code, out, err = run_cli(engine_host, spec_dir, docker_config.env, line)
        assert code == 1, (line, out, err)
        # the push stream's in-band error is one line on stderr; the pull's error response is its body
        said = err if "push" in line else out
        assert len(said.splitlines()) == 1 and "unauthorized" in said.lower(), (line, out, err)


def test_the_lines_own_header_wins(engine_host, spec_dir, docker_api, docker_config, registry, pushed):
    auth = base64.b64encode(f"{registry.user}:not-{registry.password}".encode()).decode()
    docker_config.write_config({"auths": {registry.host: {"auth": auth}}})  # wrong: it must not be used
    ee = Explorer(engine_host, spec_dir, env=docker_config.env, show_secrets=True)
    try:
        refused = ee.send(f"POST /images/{pushed[1]}/push")  # config.json's credentials are in use…
        assert b"unauthorized" in (refused.body + refused.err).lower(), refused
        sent = ee.send(f"POST /images/{pushed[1]}/push X-Registry-Auth:{auth_header(registry)}", 200)
    finally:
        ee.close()
    assert any("aux" in line for line in sent.json_lines()), sent.body[-500:]
    assert sent.curl.count("X-Registry-Auth") == 1 and auth_header(registry) in sent.curl


def test_a_build_pulls_its_private_base_image_with_x_registry_config(
        engine_host, spec_dir, docker_api, docker_config, registry, pushed, tmp_path):
    repository, ref = pushed
    login(docker_config, engine_host, registry)
    context = tmp_path / "context.tar"
    dockerfile = f"FROM {ref}\nLABEL ee-built=yes\n".encode()
    with tarfile.open(context, "w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    built = f"ee-creds-built-{secrets.token_hex(4)}:v1"
    ee = Explorer(engine_host, spec_dir, env=docker_config.env)
    try:
        ee.send(f"POST /images/{ref}/push", 200)
        assert docker_api.call("DELETE", f"/images/{ref}")[0] == 200  # the build must pull it
        sent = ee.send(f"POST /build t=={built} @{context}", 200)
        image = inspect(docker_api, "images", built)
        assert image and image["Config"]["Labels"] == {"ee-built": "yes"}, sent.body[-800:]
    finally:
        ee.close()
        docker_api.call("DELETE", f"/images/{built}?force=1")
    assert '-H "X-Registry-Config: $REGISTRY_CONFIG"' in sent.curl and registry.password.encode() not in sent.err


def test_a_plugin_pushed_and_pulled_with_the_credentials_in_auths(
        engine_host, spec_dir, docker_api, docker_config, registry, volume_plugin, unique_name, tmp_path):
    login(docker_config, engine_host, registry)
    ref = f"{registry.host}/ee-creds/{unique_name}:v1"
    ee = Explorer(engine_host, spec_dir, env=docker_config.env)
    try:
        ee.send(f"POST /plugins/create name=={ref} @{volume_plugin.context(unique_name)}", 204)
        pushed = ee.send(f"POST /plugins/{ref}/push", 200)  # the spec declares no header here
        assert any("aux" in line for line in pushed.json_lines()), pushed.body[-500:]
        assert docker_api.call("DELETE", f"/plugins/{ref}")[0] == 200
        privileges = ee.send(f"GET /plugins/privileges remote=={ref}", 200)
        assert privileges.json() == volume_plugin.privileges
        agreed = tmp_path / "privileges.json"
        agreed.write_bytes(privileges.body)
        pulled = ee.send(f"POST /plugins/pull remote=={ref} name=={unique_name} @{agreed}", 200)
        assert docker_api.call_json("GET", f"/plugins/{unique_name}/json")[0] == 200, pulled.body[-500:]
    finally:
        ee.close()
        for name in (ref, unique_name):
            docker_api.call("DELETE", f"/plugins/{name}?force=1")
    for sent in (pushed, privileges, pulled):
        assert '-H "X-Registry-Auth: $REGISTRY_AUTH"' in sent.curl


def test_a_helper_that_fails_is_one_warning_then_the_engines_error(engine_host, spec_dir, docker_config,
                                                                      registry, pushed):
    docker_config.write_config({"credsStore": "ee-missing"})
    code, out, err = run_cli(engine_host, spec_dir, docker_config.env, f"POST /images/{pushed[1]}/push")
    assert code == 1, (out, err)
    warning, error = err.splitlines()
    assert warning == (f"warning: docker-credential-ee-missing (credsStore in {docker_config.path / 'config.json'}): "
                       f"docker-credential-ee-missing is not on PATH; sending without credentials for {registry.host}")
    assert error == "error: no basic auth credentials"  # the engine's, for a push with an empty `{}`
