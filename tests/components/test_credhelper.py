"""The credential helper speaks docker's protocol, and the docker CLI logs in and pushes through it."""

from __future__ import annotations

import json
import secrets
import subprocess

NOT_FOUND = "credentials not found in native keychain"


def call(helper, action: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(helper.program), action], input=stdin, capture_output=True, text=True,
                          timeout=30, check=False)


def test_protocol_store_get_list_erase(credential_helper):
    server = "https://index.docker.io/v1/"
    stored = call(credential_helper, "store", json.dumps({"ServerURL": server, "Username": "u", "Secret": "s"}))
    assert (stored.returncode, stored.stdout) == (0, "")
    got = call(credential_helper, "get", server + "\n")
    assert (got.returncode, json.loads(got.stdout)) == (0, {"ServerURL": server, "Username": "u", "Secret": "s"})
    listed = call(credential_helper, "list")
    assert json.loads(listed.stdout) == {server: "u"}
    assert call(credential_helper, "erase", server).returncode == 0
    missing = call(credential_helper, "get", server)
    assert (missing.returncode, missing.stdout.strip()) == (1, NOT_FOUND)
    assert [c["action"] for c in credential_helper.calls()] == ["store", "get", "list", "erase", "get"]


def test_protocol_errors(credential_helper):
    assert call(credential_helper, "get", "").stdout.strip() == "no credentials server URL"
    no_user = call(credential_helper, "store", json.dumps({"ServerURL": "x", "Secret": "s"}))
    assert (no_user.returncode, no_user.stdout.strip()) == (1, "no credentials username")
    assert call(credential_helper, "frobnicate").returncode == 1


def test_seeded_entries_are_what_get_answers(credential_helper):
    credential_helper.seed("127.0.0.1:5000", "<token>", "identity-token")
    got = call(credential_helper, "get", "127.0.0.1:5000")
    assert json.loads(got.stdout)["Secret"] == "identity-token"


def test_docker_login_push_and_logout_through_the_helper(credential_helper, registry, docker_config, engine_host,
                                                         busybox_image, docker_api):
    docker_config.write_config({"credsStore": credential_helper.name})
    env = credential_helper.env

    def docker(*args, **kwargs):
        done = docker_config.docker("-H", engine_host, *args, env=env, **kwargs)
        assert done.returncode == 0, f"docker {' '.join(args)}: {done.stderr}"
        return done

    docker("login", "-u", registry.user, "--password-stdin", registry.host, input=registry.password)
    assert credential_helper.entries() == {registry.host: {"Username": registry.user, "Secret": registry.password}}
    assert docker_config.config()["auths"] == {registry.host: {}}, "the secret is in the helper, not config.json"
    ref = f"{registry.host}/ee-test/helper:{secrets.token_hex(4)}"
    try:
        docker("tag", busybox_image, ref)
        docker("push", ref)
    finally:
        docker_api.call("DELETE", f"/images/{ref}?force=1")
    assert {"action": "get", "input": registry.host} in credential_helper.calls()
    docker("logout", registry.host)
    assert credential_helper.entries() == {}
