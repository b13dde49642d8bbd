"""Registry operations through engine-explorer against Debian's docker-registry on 127.0.0.1 (the
`registry` component, htpasswd auth): log in, tag, push, distribution inspect, pull. Each effect is
checked on the registry itself or with the raw client; the printed curl lines are re-run by curl.

The credentials go in X-Registry-Auth (base64url of a JSON AuthConfig), built here; the session shows
secrets, so that its curl lines carry them and can be re-run.
"""
from __future__ import annotations

import base64
import json
import secrets
import urllib.request

import pytest

from tests.integration.apidriver import Explorer, inspect, rerun

pytestmark = pytest.mark.engine

MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json"


@pytest.fixture(scope="module")
def ee(engine_host, spec_dir):
    explorer = Explorer(engine_host, spec_dir, show_secrets=True)
    yield explorer
    explorer.close()


def auth_header(registry) -> str:
    config = {"username": registry.user, "password": registry.password, "serveraddress": registry.host}
    return base64.urlsafe_b64encode(json.dumps(config).encode()).decode()


def manifest_digest(registry, repository: str, tag: str) -> str:
    """The digest the registry itself gives the manifest of repository:tag."""
    request = urllib.request.Request(f"{registry.url}/v2/{repository}/manifests/{tag}", method="HEAD",
                                     headers={"Accept": MANIFEST_TYPES})
    token = base64.b64encode(f"{registry.user}:{registry.password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.headers["Docker-Content-Digest"]


@pytest.fixture
def pushed_ref(docker_api, registry):
    """(repository, reference) in the registry for this test; the engine forgets the reference afterwards."""
    repository = f"ee-test/busybox-{secrets.token_hex(4)}"
    ref = f"{registry.host}/{repository}:v1"
    yield repository, ref
    docker_api.call("DELETE", f"/images/{ref}?force=1")


def test_login_checks_the_credentials_with_the_registry(ee, registry, proven):
    sent = ee.send(f"POST /auth username={registry.user} password={registry.password} "
                   f"serveraddress={registry.host}", 200)
    assert sent.json()["Status"] == "Login Succeeded"
    wrong = ee.send(f"POST /auth username={registry.user} password=not-{registry.password} "
                    f"serveraddress={registry.host}")
    assert wrong.status is not None and wrong.status >= 400 and b"unauthorized" in wrong.body.lower()
    proven("SystemAuth")
    assert json.loads(rerun(sent))["Status"] == "Login Succeeded"
    rerun(wrong)


def test_tag_push_inspect_and_pull(ee, docker_api, busybox_image, registry, pushed_ref, proven):
    repository, ref = pushed_ref
    auth = f"X-Registry-Auth:{auth_header(registry)}"
    tagged = ee.send(f"POST /images/{busybox_image}/tag repo=={registry.host}/{repository} tag==v1", 201)
    assert inspect(docker_api, "images", ref)["Id"] == inspect(docker_api, "images", busybox_image)["Id"]
    pushed = ee.send(f"POST /images/{ref}/push {auth}", 200)
    digest = next(line["aux"]["Digest"] for line in pushed.json_lines() if "aux" in line)
    assert manifest_digest(registry, repository, "v1") == digest
    proven("ImageTag", "ImagePush")

    distribution = ee.send(f"GET /distribution/{ref}/json {auth}", 200)
    assert distribution.json()["Descriptor"]["digest"] == digest
    proven("DistributionInspect")

    assert docker_api.call("DELETE", f"/images/{ref}")[0] == 200
    assert inspect(docker_api, "images", ref) is None
    pulled = ee.send(f"POST /images/create fromImage=={registry.host}/{repository} tag==v1 {auth}", 200)
    assert any(f"Digest: {digest}" in line.get("status", "") for line in pulled.json_lines())
    assert f"{registry.host}/{repository}@{digest}" in inspect(docker_api, "images", ref)["RepoDigests"]
    proven("ImageCreate")

    assert json.loads(rerun(distribution))["Descriptor"]["digest"] == digest
    assert docker_api.call("DELETE", f"/images/{ref}")[0] == 200
    rerun(tagged)
    rerun(pushed)  # the layers are there already: the same manifest, the same digest
    assert manifest_digest(registry, repository, "v1") == digest
    assert docker_api.call("DELETE", f"/images/{ref}")[0] == 200
    rerun(pulled)
    assert f"{registry.host}/{repository}@{digest}" in inspect(docker_api, "images", ref)["RepoDigests"]
