"""Docker contexts made with the real CLI, in a DOCKER_CONFIG of the test's own, reach the engine."""

from __future__ import annotations

import json
import os
from pathlib import Path


def ok(done):
    assert done.returncode == 0, done.stderr
    return done


def test_the_session_never_uses_the_real_docker_config(docker_cli):
    config = Path(os.environ["DOCKER_CONFIG"])
    assert config != Path.home() / ".docker" and config.is_dir()
    listed = ok(docker_cli.run("context", "ls", "--format", "{{if .Current}}{{.Name}}{{end}}"))
    assert listed.stdout.split() == ["default"]


def test_tls_context_created_listed_and_used(docker_config, engine_tls, docker_api):
    certs = engine_tls.certs
    ok(docker_config.docker("context", "create", "ee-tls", "--description", "sandbox over TLS", "--docker",
                            f"host={engine_tls.host},ca={certs.ca},cert={certs.cert},key={certs.key}"))
    listed = ok(docker_config.docker("context", "ls", "--format", "{{.Name}} {{.DockerEndpoint}}"))
    assert f"ee-tls {engine_tls.host}" in listed.stdout.splitlines()
    _, version = docker_api.call_json("GET", "/version")
    with_flag = ok(docker_config.docker("--context", "ee-tls", "version", "--format", "{{.Server.Version}}"))
    assert with_flag.stdout.strip() == version["Version"]

    ok(docker_config.docker("context", "use", "ee-tls"))
    assert docker_config.config()["currentContext"] == "ee-tls"
    current = ok(docker_config.docker("version", "--format", "{{.Server.Version}}"))
    assert current.stdout.strip() == version["Version"]


def test_context_store_layout(docker_config, engine_tls):
    """Where the CLI keeps a context: what a reader of contexts has to find."""
    certs = engine_tls.certs
    ok(docker_config.docker("context", "create", "ee-layout", "--docker",
                            f"host={engine_tls.host},ca={certs.ca},cert={certs.cert},key={certs.key}"))
    (meta,) = (docker_config.path / "contexts" / "meta").glob("*/meta.json")
    parsed = json.loads(meta.read_text())
    assert parsed["Name"] == "ee-layout"
    assert parsed["Endpoints"]["docker"]["Host"] == engine_tls.host
    tls = docker_config.path / "contexts" / "tls" / meta.parent.name / "docker"
    assert sorted(p.name for p in tls.iterdir()) == ["ca.pem", "cert.pem", "key.pem"]
    assert (tls / "ca.pem").read_bytes() == certs.ca.read_bytes()


def test_ssh_context(docker_config, ssh_engine, docker_api):
    ok(docker_config.docker("context", "create", "ee-ssh", "--docker", f"host={ssh_engine.host}"))
    done = ok(docker_config.docker("--context", "ee-ssh", "version", "--format", "{{.Server.Version}}",
                                   env=ssh_engine.env))
    _, version = docker_api.call_json("GET", "/version")
    assert done.stdout.strip() == version["Version"]
