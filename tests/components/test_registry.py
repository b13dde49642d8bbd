"""The registry fixtures work: the sandbox engine logs in, pushes and pulls; a wrong password is refused."""

from __future__ import annotations

import json
import secrets
import subprocess

import pytest


def curl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["curl", "-sS", "--max-time", "10", *args], capture_output=True, text=True,
                          timeout=30, check=False)


def test_htpasswd_auth_takes_the_password_and_nothing_else(registry):
    assert registry.password, "the fixture hands out the password"
    right = curl("-o", "/dev/null", "-w", "%{http_code}", "-u", f"{registry.user}:{registry.password}",
                 f"{registry.url}/v2/")
    wrong = curl("-o", "/dev/null", "-w", "%{http_code}", "-u", f"{registry.user}:not-{registry.password}",
                 f"{registry.url}/v2/")
    anonymous = curl("-o", "/dev/null", "-w", "%{http_code}", f"{registry.url}/v2/")
    assert (right.stdout, wrong.stdout, anonymous.stdout) == ("200", "401", "401")
    assert (registry.folder / "htpasswd").read_text().startswith(f"{registry.user}:$2y$"), "bcrypt"


@pytest.fixture
def pushed_ref(docker_api):
    """Name a reference to push; the engine forgets it (and what it pulled) afterwards."""
    refs: list[str] = []

    def make(registry_host: str) -> str:
        refs.append(f"{registry_host}/ee-test/busybox:{secrets.token_hex(4)}")
        return refs[-1]

    yield make
    for ref in refs:
        docker_api.call("DELETE", f"/images/{ref}?force=1")


def test_engine_logs_in_pushes_and_pulls_back(registry, docker_config, engine_host, busybox_image, pushed_ref):
    ref = pushed_ref(registry.host)

    def docker(*args, **kwargs):
        done = docker_config.docker("-H", engine_host, *args, **kwargs)
        assert done.returncode == 0, f"docker {' '.join(args)}: {done.stderr}"
        return done

    assert "Login Succeeded" in docker("login", "-u", registry.user, "--password-stdin", registry.host,
                                       input=registry.password).stdout
    assert registry.host in docker_config.config()["auths"]
    docker("tag", busybox_image, ref)
    docker("push", ref)
    docker("rmi", ref)
    pulled = docker("pull", ref)
    assert "Downloaded newer image" in pulled.stdout or "Image is up to date" in pulled.stdout
    catalog = curl("-u", f"{registry.user}:{registry.password}", f"{registry.url}/v2/_catalog")
    assert "ee-test/busybox" in json.loads(catalog.stdout)["repositories"]


def test_engine_refuses_a_wrong_password(registry, docker_config, engine_host):
    done = docker_config.docker("-H", engine_host, "login", "-u", registry.user, "--password-stdin",
                                registry.host, input="not-the-password")
    assert done.returncode != 0
    assert "401 Unauthorized" in done.stderr
    assert docker_config.config().get("auths", {}) == {}


def test_open_registry_takes_a_push_without_login(open_registry, docker_config, engine_host, busybox_image,
                                                  pushed_ref):
    assert (open_registry.user, open_registry.password) == (None, None)
    ref = pushed_ref(open_registry.host)
    for args in (("tag", busybox_image, ref), ("push", ref)):
        done = docker_config.docker("-H", engine_host, *args)
        assert done.returncode == 0, done.stderr
    tags = curl(f"{open_registry.url}/v2/ee-test/busybox/tags/list")
    assert ref.rsplit(":", 1)[1] in json.loads(tags.stdout)["tags"]
