"""What docker's config.json adds to a request (explorer.http.registryauth, explorer.core.credentials,
explorer.lang.imageref): HttpHeaders, and registry credentials where docker sends them.

The credential helper is the real test helper on PATH (tests/components: credential_helper); the
push and pull that prove the credentials work are in tests/integration/test_registry_credentials.py.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

from explorer.core import credentials
from explorer.core.clientconfig import ClientConfig, read
from explorer.http.registryauth import complete
from explorer.http.request import Request
from explorer.lang.imageref import credentials_key, registry
from tests.recording_server import RecordingServer
from tests.test_curl_equivalence import strip_agent

HOST = "127.0.0.1:5000"
BASIC = base64.b64encode(b"me:s3cret").decode()
AUTHS = ClientConfig("/cfg/config.json", auths={HOST: {"auth": BASIC}, "https://index.docker.io/v1/":
                                                {"identitytoken": "tok"}, "https://old.example/v1/": {"auth": BASIC}})


def decoded(value: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(value))


@pytest.mark.parametrize(("reference", "host"), [
    ("busybox", "docker.io"), ("me/app:v1", "docker.io"), ("library/busybox@sha256:ab", "docker.io"),
    ("index.docker.io/me/app", "docker.io"), ("localhost/x", "localhost"), ("localhost:5000/x", "localhost:5000"),
    ("127.0.0.1:5000/a/b:v1", "127.0.0.1:5000"), ("ghcr.io/o/x", "ghcr.io"), ("Registry/x", "Registry"),
    ("123/x", "docker.io"), ("a_b/x:tag", "docker.io"),
])
def test_the_registry_of_a_reference_as_docker_reads_it(reference, host):
    assert registry(reference) == host
    assert credentials_key(reference) == ("https://index.docker.io/v1/" if host == "docker.io" else host)


ME = {"username": "me", "password": "s3cret", "serveraddress": HOST}


@pytest.mark.parametrize(("req", "expected"), [
    (Request("POST", "/images/create", (("fromImage", f"{HOST}/x"), ("tag", "v1"))), ME),
    (Request("POST", f"/images/{HOST}/a/b/push", (("tag", "v1"),)), ME),
    (Request("POST", "/plugins/pull", (("remote", f"{HOST}/p:1"),)), ME),
    (Request("POST", "/plugins/p/upgrade", (("remote", f"{HOST}/p:2"),)), ME),
    (Request("GET", "/plugins/privileges", (("remote", f"{HOST}/p:2"),)), ME),
    (Request("POST", f"/plugins/{HOST}/p:1/push"), ME),
    (Request("GET", f"/distribution/{HOST}/x:v1/json"), ME),
    (Request("POST", "/images/create", (("fromImage", "busybox"),)),
     {"serveraddress": "https://index.docker.io/v1/", "identitytoken": "tok"}),
    (Request("POST", "/images/create", (("fromImage", "old.example/x"),)),
     {"username": "me", "password": "s3cret", "serveraddress": "https://old.example/v1/"}),
    (Request("POST", "/images/create", (("fromSrc", "-"),)), None),  # an import reaches no registry
    (Request("POST", "/images/create", (("fromImage", "other.example/x"),)), None),  # none for it
    (Request("POST", "/images/other.example/x/push"), {}),  # a push needs the header: `{}`, as docker
    (Request("GET", "/images/json"), None),
    (Request("POST", "/services/create", body=b'{"TaskTemplate":{"ContainerSpec":{"Image":"%s/x"}}}' % HOST.encode()),
     None),  # only with --with-registry-auth
])
def test_credentials_go_where_docker_sends_them(req, expected):
    added = complete(req, AUTHS, {})
    value = added.request.header("X-Registry-Auth")
    assert (None if value is None else decoded(value)) == expected
    assert [name for name, _ in added.filled] == ([] if expected is None else ["X-Registry-Auth"])


def test_services_get_them_only_when_asked():
    body = json.dumps({"Name": "s", "TaskTemplate": {"ContainerSpec": {"Image": f"{HOST}/x:v1"}}}).encode()
    for path in ("/services/create", "/services/abc/update"):
        req = Request("POST", path, body=body)
        assert complete(req, AUTHS, {}).request.header("X-Registry-Auth") is None
        assert decoded(complete(req, AUTHS, {}, service_auth=True).request.header("X-Registry-Auth")) == ME


def test_the_lines_own_header_wins_and_http_headers_come_first():
    config = AUTHS._replace(http_headers=(("X-Meta", "config"), ("X-Other", "2"), ("User-Agent", "theirs")))
    req = Request("POST", f"/images/{HOST}/x/push", headers=(("X-Registry-Auth", "mine"), ("X-Meta", "line")))
    assert complete(req, config, {}).request.headers == (
        ("X-Other", "2"), ("X-Registry-Auth", "mine"), ("X-Meta", "line"))


def test_a_build_gets_every_registrys_credentials():
    added = complete(Request("POST", "/build"), AUTHS, {})
    sent = decoded(added.request.header("X-Registry-Config"))
    assert sorted(sent) == sorted(AUTHS.auths) and sent[HOST] == ME
    assert complete(Request("POST", "/build"), ClientConfig("/x"), {}).request.header("X-Registry-Config") is None


def test_config_json_as_docker_writes_it(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({
        "auths": {HOST: {"auth": BASIC}}, "HttpHeaders": {"X-A": "1"}, "credsStore": "s", "credHelpers": {HOST: "h"}}))
    config = read({"DOCKER_CONFIG": str(tmp_path)})
    assert (config.http_headers, config.creds_store, dict(config.cred_helpers), config.warning) == (
        (("X-A", "1"),), "s", {HOST: "h"}, "")
    for bad in ("{", "[]", '{"HttpHeaders": {"X": 1}}', '{"credsStore": 3}'):
        (tmp_path / "config.json").write_text(bad)
        config = read({"DOCKER_CONFIG": str(tmp_path)})
        assert config.warning.startswith(str(tmp_path / "config.json")) and not config.http_headers
    assert read({"DOCKER_CONFIG": str(tmp_path / "none")}) == ClientConfig(str(tmp_path / "none" / "config.json"))


# -- the credential helper, run as docker runs it ----------------------------------------------------

def helper_env(helper) -> dict:
    return {"PATH": helper.env["PATH"]}


def test_a_helper_per_registry_over_the_store_and_tokens(credential_helper):
    credential_helper.seed(HOST, "me", "s3cret")
    credential_helper.seed("ghcr.io", "<token>", "refresh-token")
    env = helper_env(credential_helper)
    store = ClientConfig("/cfg/config.json", auths=AUTHS.auths, creds_store="missing",
                         cred_helpers={HOST: credential_helper.name, "ghcr.io": credential_helper.name})
    found = credentials.lookup(store, HOST, env)
    assert found.auth == ME and found.source == f"docker-credential-ee-test (credHelpers in {store.path})"
    token = credentials.lookup(store, "ghcr.io", env).auth
    assert token == {"serveraddress": "ghcr.io", "identitytoken": "refresh-token"}
    assert [c["input"] for c in credential_helper.calls()] == [HOST, "ghcr.io"]


def test_not_found_is_no_credentials_and_a_failure_one_warning(credential_helper):
    env = helper_env(credential_helper)
    config = ClientConfig("/cfg/config.json", creds_store=credential_helper.name)
    assert credentials.lookup(config, HOST, env) == credentials.Found({})
    missing = credentials.lookup(config._replace(creds_store="nowhere"), HOST, env)
    assert missing.auth == {} and missing.warning == (
        "docker-credential-nowhere (credsStore in /cfg/config.json): docker-credential-nowhere is not on PATH; "
        f"sending without credentials for {HOST}")
    credential_helper.store.write_text("not json")  # the helper itself fails: exit 1, its message
    broken = credentials.lookup(config, HOST, env)
    assert broken.auth == {} and "`docker-credential-ee-test get` failed (exit 1): " in broken.warning
    assert "\n" not in broken.warning


def test_a_build_asks_the_store_for_its_list(credential_helper):
    credential_helper.seed(HOST, "me", "s3cret")
    credential_helper.seed("ghcr.io", "u", "p")
    config = ClientConfig("/cfg/config.json", creds_store=credential_helper.name)
    every, warnings = credentials.every(config, helper_env(credential_helper))
    assert every == {HOST: ME, "ghcr.io": {"username": "u", "password": "p", "serveraddress": "ghcr.io"}}
    assert warnings == []


# -- HttpHeaders on every request, seen by a recording server ------------------------------------------

def test_http_headers_go_on_every_request_and_in_the_printed_line(tmp_path, spec_v141):
    (tmp_path / "config.json").write_text(json.dumps({"HttpHeaders": {"X-Meta-Source": "config.json",
                                                                      "X-Team": "a b", "User-Agent": "not-ours"}}))
    with RecordingServer() as server:
        done = subprocess.run(
            [sys.executable, "-m", "explorer", "-H", "unix://" + server.path, "--spec", str(spec_v141), "-v",
             "-c", "GET /version", "-c", "GET /info X-Team:mine"],
            capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, "DOCKER_CONFIG": str(tmp_path)})
        assert done.returncode == 0, done.stderr
        ping, version, info = server.take()
        for raw in (ping, version, info):
            assert b"\r\nX-Meta-Source: config.json\r\n" in raw and b"engine-explorer/" in raw
        assert b"X-Team: a b\r\n" in version and b"X-Team: mine\r\n" in info and b"a b" not in info
        printed = [line for line in done.stderr.splitlines() if line.startswith("curl ")]
        assert "-H 'X-Meta-Source: config.json' -H 'X-Team: a b'" in printed[0]
        for line, ours in zip(printed, (version, info), strict=True):  # pasted, each line sends the same bytes
            assert subprocess.run(["bash", "-c", line], capture_output=True, timeout=30).returncode == 0
            assert strip_agent(server.take()[0]) == strip_agent(ours)


def test_the_session_looks_at_every_path_that_may_reach_a_registry():
    from explorer.http.registryauth import PREFIXES
    from explorer.shell.dockerclient import MAY_REACH_A_REGISTRY

    assert MAY_REACH_A_REGISTRY == PREFIXES


@pytest.mark.parametrize("asked", [(), ("--with-registry-auth",), ("-o", "with-registry-auth=true")])
def test_with_registry_auth_from_the_command_line_gives_services_credentials(asked, tmp_path, spec_v141):
    (tmp_path / "config.json").write_text(json.dumps({"auths": {HOST: {"auth": BASIC}}}))
    line = f"POST /services/create Name=s TaskTemplate[ContainerSpec][Image]={HOST}/app:v1"
    with RecordingServer() as server:
        done = subprocess.run(
            [sys.executable, "-m", "explorer", "-H", "unix://" + server.path, "--spec", str(spec_v141),
             *asked, "-c", line], capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, "DOCKER_CONFIG": str(tmp_path)})
        assert done.returncode == 0, done.stderr
        created = server.take()[-1]
    header = f"X-Registry-Auth: {credentials.encode(ME)}\r\n".encode()
    assert (header in created) == bool(asked)


def test_a_builds_own_header_wins():
    req = Request("POST", "/build", headers=(("X-Registry-Config", "mine"),))
    assert complete(req, AUTHS, {}).request.headers == (("X-Registry-Config", "mine"),)
