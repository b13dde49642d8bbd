"""The engine's TLS listener verifies both ends; the plain TCP relay answers on any port asked for."""

from __future__ import annotations

import subprocess

PLAIN_HTTP_TO_TLS = "Client sent an HTTP request to an HTTPS server."


def curl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["curl", "-sS", "--max-time", "10", *args], capture_output=True, text=True,
                          timeout=30, check=False)


def test_tls_ping_with_the_client_certificate(engine_tls):
    done = curl(*engine_tls.certs.curl_args(), f"{engine_tls.url}/_ping")
    assert (done.returncode, done.stdout) == (0, "OK"), done.stderr


def test_tls_refuses_a_client_without_a_certificate(engine_tls):
    done = curl("--cacert", str(engine_tls.certs.ca), f"{engine_tls.url}/_ping")
    assert done.returncode != 0 and done.stdout == ""
    assert "certificate" in done.stderr, done.stderr


def test_tls_server_fails_verification_against_another_ca(engine_tls, wrong_ca_certs):
    done = curl("--cacert", str(wrong_ca_certs.ca), "--cert", str(engine_tls.certs.cert),
                "--key", str(engine_tls.certs.key), f"{engine_tls.url}/_ping")
    assert done.returncode == 60, done.stderr  # CURLE_PEER_FAILED_VERIFICATION
    assert "unable to get local issuer certificate" in done.stderr


def test_tls_refuses_a_client_certificate_from_another_ca(engine_tls, wrong_ca_certs):
    done = curl("--cacert", str(engine_tls.certs.ca), "--cert", str(wrong_ca_certs.cert),
                "--key", str(wrong_ca_certs.key), f"{engine_tls.url}/_ping")
    assert done.returncode != 0 and done.stdout == ""


def test_tls_answers_plain_http_with_400(engine_tls):
    done = curl("-w", " %{http_code}", f"http://127.0.0.1:{engine_tls.port}/_ping")
    assert done.stdout == f"{PLAIN_HTTP_TO_TLS}\n 400"


def test_docker_cli_with_tlsverify_flags_and_with_the_environment(engine_tls, docker_cli, docker_api):
    _, version = docker_api.call_json("GET", "/version")
    with_flags = docker_cli.run(*engine_tls.certs.docker_args(), "-H", engine_tls.host,
                                "version", "--format", "{{.Server.Version}}")
    from_env = docker_cli.run("version", "--format", "{{.Server.Version}}", env=engine_tls.env)
    assert with_flags.returncode == 0, with_flags.stderr
    assert from_env.returncode == 0, from_env.stderr
    assert with_flags.stdout.strip() == from_env.stdout.strip() == version["Version"]


def test_plain_tcp_relay(engine_tcp):
    done = curl(f"{engine_tcp.url}/_ping")
    assert (done.returncode, done.stdout) == (0, "OK"), done.stderr
    assert engine_tcp.host == f"tcp://127.0.0.1:{engine_tcp.port}"


def test_plain_tcp_relay_on_port_2376(engine_tcp_on_port, docker_cli):
    endpoint = engine_tcp_on_port(2376)
    assert endpoint.port == 2376 and engine_tcp_on_port(2376) is endpoint
    assert curl(f"{endpoint.url}/_ping").stdout == "OK"
    done = docker_cli.run("-H", endpoint.host, "version", "--format", "{{.Server.Os}}")
    assert (done.returncode, done.stdout.strip()) == (0, "linux"), done.stderr
