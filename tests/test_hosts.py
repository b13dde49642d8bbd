"""Host strings as the docker CLI reads them (opts.ParseHost), and our two extensions, http(s):// and /path."""
from __future__ import annotations

import os

import pytest

from explorer.core import precedence
from explorer.core.config import engine_address, parse_host
from explorer.core.errors import UsageError
from explorer.core.sshhost import SSHHost


def endpoint(host=None, flags=(), env=None, tmp_path=None):
    """The Endpoint of `-H host` plus `flags`, with no config.toml and no docker config."""
    given = [("host", host, "-H")] if host else []
    env = {"DOCKER_CONFIG": str(tmp_path or "/nonexistent"), **(env or {})}
    settings, _ = precedence.settings(precedence.command_line(given + list(flags), []), env, {})
    return engine_address(settings, env)


@pytest.mark.parametrize("host, socket, url", [
    ("unix:///run/x.sock", "/run/x.sock", "http://localhost"),
    ("unix://", "/var/run/docker.sock", "http://localhost"),  # docker's default socket
    ("/run/x.sock", "/run/x.sock", "http://localhost"),  # ours: a path, as --unix-socket takes it
    ("tcp://10.0.0.1:1234", None, "http://10.0.0.1:1234"),
    ("tcp://example.com", None, "http://example.com:2375"),
    ("tcp://:2376", None, "http://localhost:2376"),  # never TLS because of the port
    ("tcp://", None, "http://localhost:2375"),
    ("10.0.0.1:1234", None, "http://10.0.0.1:1234"),  # docker: no scheme is tcp://
    ("tcp://[::1]:2375", None, "http://[::1]:2375"),
    ("tcp://h:2375/prefix/", None, "http://h:2375/prefix"),  # docker keeps a path
    (" tcp://h:1 ", None, "http://h:1"),  # docker trims spaces
    ("http://127.0.0.1:2376", None, "http://127.0.0.1:2376"),  # ours, as curl reads it
    ("http://h", None, "http://h:80"),
    ("https://h", None, "https://h:443"),
])
def test_each_host_string_form(host, socket, url):
    got = endpoint(host)
    assert (got.socket, got.base_url) == (socket, url)
    assert got.why == "-H"


def test_a_relative_unix_socket_is_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert endpoint("unix://relative/docker.sock").socket == str(tmp_path / "relative" / "docker.sock")
    assert parse_host("unix://r.sock") == (os.path.join(str(tmp_path), "r.sock"), "http://localhost")


@pytest.mark.parametrize("host, ssh", [
    ("ssh://h", SSHHost("h")),
    ("ssh://me@h.example:2222", SSHHost("h.example", "me", "2222")),
    ("ssh://me@h/run/user/1000/docker.sock", SSHHost("h", "me", "", "/run/user/1000/docker.sock")),
    ("ssh://h/", SSHHost("h")),  # docker: a path of only slashes names no socket
    ("ssh://[::1]:22", SSHHost("::1", "", "22")),
])
def test_ssh_hosts_as_docker_reads_them(host, ssh):
    got = endpoint(host)
    assert (got.ssh, got.socket, got.base_url, got.tls, got.why) == (ssh, None, "http://localhost", None, "-H")
    assert got.display == {"ssh://h/": "ssh://h"}.get(host, host)


def test_tls_flags_with_an_ssh_host_are_refused_as_for_a_socket(tmp_path):
    with pytest.raises(UsageError) as caught:
        endpoint("ssh://h", [("tlsverify", True, "--tlsverify")], tmp_path=tmp_path)
    assert str(caught.value).startswith("--tlsverify: ssh://h is an ssh:// engine; give the engine with -H tcp://")


def test_https_is_tls_verified_with_the_systems_cas():
    tls = endpoint("https://h:2376").tls
    assert tls is not None and (tls.ca, tls.cert, tls.key, tls.verify) == (None, None, None, True)
    assert endpoint("tcp://h:2376").tls is None


def test_no_host_and_tls_on_is_localhost_2376_as_for_docker(tmp_path):
    (tmp_path / "ca.pem").write_text("x")
    got = endpoint(flags=[("tlsverify", True, "--tlsverify")], tmp_path=tmp_path)
    assert got.base_url == "https://localhost:2376"
    assert got.tls.ca == str(tmp_path / "ca.pem")
    assert got.why == "TLS is on and no host is given"
    # with TLS, tcp://host still means port 2375: docker never picks a port from TLS either
    assert endpoint("tcp://h", [("tlsverify", True, "--tlsverify")], tmp_path=tmp_path).base_url == "https://h:2375"


@pytest.mark.parametrize("env, socket, why", [
    ({}, "/var/run/docker.sock", "the default socket"),
    ({"DOCKER_HOST": "unix:///env.sock"}, "/env.sock", "DOCKER_HOST"),
])
def test_without_a_host_docker_host_then_the_default_socket(env, socket, why):
    got = endpoint(env=env)
    assert (got.socket, got.why) == (socket, why)


def test_the_rootless_socket_when_there_is_no_system_one(tmp_path):
    (tmp_path / "docker.sock").write_text("")
    got = endpoint(env={"XDG_RUNTIME_DIR": str(tmp_path)})
    if os.path.exists("/var/run/docker.sock"):
        pytest.skip("this machine has /var/run/docker.sock, which comes first")
    assert got.socket == str(tmp_path / "docker.sock")
    assert got.why == "the rootless socket: there is no /var/run/docker.sock"


@pytest.mark.parametrize("host, message", [
    ("ssh://u:pw@host", "-H ssh://u:<redacted>@host: invalid ssh URL: plain-text password is not supported"),
    ("ssh://host?x=1", "-H ssh://host?x=1: invalid ssh URL: write ssh://[USER@]HOST[:PORT][/SOCKET]"),
    ("ssh://host#f", "-H ssh://host#f: invalid ssh URL: write ssh://[USER@]HOST[:PORT][/SOCKET]"),
    ("ssh://", "-H ssh://: invalid ssh URL: hostname is empty"),
    ("ssh://u@:22", "-H ssh://u@:22: invalid ssh URL: hostname is empty"),
    ("ssh://h:port", "-H ssh://h:port: invalid ssh URL (Port could not be cast to integer value"),
    ("ftp://h", "-H ftp://h: invalid bind address format"),
    ("tcp://h:port", "-H tcp://h:port: invalid address (Port could not be cast to integer value"),
    ("tcp://h:99999", "-H tcp://h:99999: invalid address (Port out of range"),
    ("tcp://tcp://h", "-H tcp://tcp://h: invalid proto, expected tcp: tcp://h"),
    ("unix://a://b", "-H unix://a://b: invalid proto, expected unix: a://b"),
    ("http://", "-H http://: no host name; write http://HOST:PORT"),
    ("tcp://u@h:1", "-H tcp://u@h:1: write HOST:PORT[/PATH], with no user, query or fragment"),
])
def test_a_host_docker_would_refuse_is_one_line(host, message):
    with pytest.raises(UsageError) as caught:
        endpoint(host)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("host", ["ssh://u:s3cret@h", "tcp://u:s3cret@h:1", "https://u:s3cret@h:2376"])
def test_a_password_in_a_host_is_never_repeated_by_its_error(host):
    """From -H, -o host= and DOCKER_HOST alike (config.toml's error names no value): the error names the host,
    never its password."""
    attempts = [
        lambda: endpoint(host),
        lambda: precedence.command_line([("host", host, "-H")], []),
        lambda: precedence.command_line([], [f"host={host}"]),
        lambda: precedence.environment({"DOCKER_HOST": host}),
        lambda: parse_host(host),
    ]
    for attempt in attempts:
        with pytest.raises(UsageError) as caught:
            attempt()
        assert "s3cret" not in str(caught.value) and "u:<redacted>@h" in str(caught.value), str(caught.value)
