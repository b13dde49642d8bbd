"""TLS settings as the docker CLI reads them: which files, verified or not, and one line when one is missing.

(The handshakes themselves, against the engine's own --tlsverify listener: tests/integration/test_engines.py.)
"""
from __future__ import annotations

import pytest

from explorer.core import precedence
from explorer.core.config import engine_address
from explorer.core.errors import UsageError
from explorer.http import curlcmd, curlpaste
from explorer.http.request import Request


def endpoint(flags=(), env=None, text=None, tmp_path=None):
    """The Endpoint of these command-line flags and environment, DOCKER_CONFIG in tmp_path/docker."""
    env = {"DOCKER_CONFIG": str(tmp_path / "docker"), **(env or {})}
    file = {}
    if text is not None:
        (tmp_path / "config.toml").write_text(text)
        from explorer.core import configfile  # as cli does: only a test with a file reads one

        file, _ = configfile.read(str(tmp_path / "config.toml"))
    settings, _ = precedence.settings(precedence.command_line(list(flags), []), env, file)
    return engine_address(settings, env)


@pytest.fixture
def certs(tmp_path):
    """A DOCKER_CERT_PATH with ca.pem, cert.pem and key.pem (only their names matter here)."""
    folder = tmp_path / "certs"
    folder.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (folder / name).write_text(name)
    return folder


H = ("host", "tcp://h:2376", "-H")
VERIFY = ("tlsverify", True, "--tlsverify")


def test_tlsverify_takes_ca_cert_and_key_from_docker_cert_path(tmp_path, certs):
    got = endpoint([H, VERIFY], {"DOCKER_CERT_PATH": str(certs)}, tmp_path=tmp_path)
    assert got.base_url == "https://h:2376"
    assert got.tls == (str(certs / "ca.pem"), str(certs / "cert.pem"), str(certs / "key.pem"), True)
    assert got.describe() == (f"https://h:2376 (-H; TLS verified with {certs}/ca.pem, client certificate "
                              f"{certs}/cert.pem)")


def test_docker_cert_path_defaults_to_docker_config(tmp_path, certs):
    certs.rename(tmp_path / "docker")
    got = endpoint([H], {"DOCKER_TLS_VERIFY": "1"}, tmp_path=tmp_path)
    assert got.tls.ca == str(tmp_path / "docker" / "ca.pem")


def test_a_default_client_certificate_that_is_not_there_is_not_used_as_for_docker(tmp_path, certs):
    (certs / "cert.pem").unlink()
    (certs / "key.pem").unlink()
    got = endpoint([H, VERIFY], {"DOCKER_CERT_PATH": str(certs)}, tmp_path=tmp_path)
    assert got.tls == (str(certs / "ca.pem"), None, None, True)


def test_the_flags_name_the_files_relative_to_the_working_directory(tmp_path, certs, monkeypatch):
    monkeypatch.chdir(certs)
    got = endpoint([H, VERIFY, ("tlscacert", "ca.pem", "--tlscacert"), ("tlscert", "cert.pem", "--tlscert"),
                    ("tlskey", "key.pem", "--tlskey")], tmp_path=tmp_path)
    assert got.tls == (str(certs / "ca.pem"), str(certs / "cert.pem"), str(certs / "key.pem"), True)


def test_tls_alone_does_not_verify_but_needs_the_ca_as_docker_does(tmp_path, certs):
    got = endpoint([H, ("tls", True, "--tls")], {"DOCKER_CERT_PATH": str(certs)}, tmp_path=tmp_path)
    assert got.tls == (None, str(certs / "cert.pem"), str(certs / "key.pem"), False)
    assert got.why == "-H"  # the default CA is read, not used, and not worth a note
    assert "--insecure" in curlcmd.to_argv(Request("GET", "/_ping"), None, got.base_url, tls=got.tls)
    (certs / "ca.pem").unlink()  # docker 20.10 and 28: "unable to resolve docker endpoint: open …/ca.pem"
    with pytest.raises(UsageError, match=f"^TLS: cannot read the CA certificate {certs}/ca.pem "):
        endpoint([H, ("tls", True, "--tls")], {"DOCKER_CERT_PATH": str(certs)}, tmp_path=tmp_path)


def test_the_config_file_can_hold_the_tls_settings(tmp_path, certs):
    got = endpoint(env={}, text=f'host = "tcp://h:2376"\ntlsverify = true\ncert-path = "{certs}"\n',
                   tmp_path=tmp_path)
    assert got.tls.ca == str(certs / "ca.pem") and got.why == "config.toml, line 1"


@pytest.mark.parametrize("flags, env, message", [
    ([H, VERIFY], {"DOCKER_CERT_PATH": "/nowhere"},
     "TLS: cannot read the CA certificate /nowhere/ca.pem (default in DOCKER_CERT_PATH): No such file or directory"),
    ([H, VERIFY, ("tlscacert", "/nowhere/ca.pem", "--tlscacert")], {},
     "TLS: cannot read the CA certificate /nowhere/ca.pem (--tlscacert): No such file or directory"),
    ([H, VERIFY, ("tlscert", "/nowhere/c.pem", "--tlscert"), ("tlskey", "/nowhere/k.pem", "--tlskey")], {"CERTS": ""},
     "TLS: cannot read the client certificate /nowhere/c.pem (--tlscert): No such file or directory"),
    ([H, VERIFY, ("tlscacert", "CERTS/ca.pem", "--tlscacert"), ("tlscert", "CERTS/cert.pem", "--tlscert")], {},
     "TLS: a client certificate CERTS/cert.pem but no client key: give --tlscert and --tlskey together"),
    ([("host", "http://h:1", "-H"), VERIFY], {}, "--tlsverify: -H http://h:1 is plain HTTP; write https:// or tcp://"),
    ([H, ("tlscacert", "/x/ca.pem", "--tlscacert")], {},
     "--tlscacert: -H tcp://h:2376 is plain HTTP; add --tlsverify, or --tls"),
    ([("host", "unix:///s", "-H"), VERIFY], {},
     "--tlsverify: unix:///s is a unix socket; give the engine with -H tcp://HOST:PORT to use TLS"),
])
def test_a_tls_setting_that_cannot_be_used_is_one_line(tmp_path, certs, flags, env, message):
    flags = [(name, value.replace("CERTS", str(certs)) if isinstance(value, str) else value, flag)
             for name, value, flag in flags]
    if "CERTS" in env:
        env = {"DOCKER_CERT_PATH": str(certs)}
    with pytest.raises(UsageError) as caught:
        endpoint(flags, env, tmp_path=tmp_path)
    assert str(caught.value) == message.replace("CERTS", str(certs))


@pytest.mark.parametrize("host, env, note", [
    ("unix:///s", {"DOCKER_TLS_VERIFY": "1"}, "-H; DOCKER_TLS_VERIFY unused: unix:///s is a unix socket"),
    ("tcp://h:1", {"DOCKER_CERT_PATH": "/c"}, "-H; DOCKER_CERT_PATH unused: TLS is off (--tlsverify turns it on)"),
    ("http://h:1", {"DOCKER_TLS_VERIFY": "1"}, "-H; DOCKER_TLS_VERIFY unused: http:// is plain HTTP"),
])
def test_tls_settings_from_the_environment_that_do_not_apply_are_said_not_refused(tmp_path, host, env, note):
    got = endpoint([("host", host, "-H")], env, tmp_path=tmp_path)
    assert got.tls is None and got.why == note


def test_the_curl_line_carries_the_files_and_a_pasted_one_gives_them_back():
    from explorer.core.tls import TLS  # as config does: the TLS module loads with a TCP engine only

    tls = TLS("/c/ca.pem", "/odd:dir\\x/cert.pem", "/c/key.pem", False)
    argv = curlcmd.to_argv(Request("GET", "/_ping"), None, "https://h:1", tls=tls)
    assert argv == ["curl", "--cacert", "/c/ca.pem", "--cert", "/odd\\:dir\\\\x/cert.pem", "--key", "/c/key.pem",
                    "--insecure", "https://h:1/_ping"]
    pasted = curlpaste.parse(argv)
    assert pasted.tls == ("/c/ca.pem", "/odd:dir\\x/cert.pem", "/c/key.pem", True)
    assert pasted.base_url == "https://h:1"
    with pytest.raises(UsageError, match="--cert FILE:PASSWORD"):
        curlpaste.parse(["curl", "--cert", "c.pem:secret", "https://h:1/_ping"])


@pytest.mark.parametrize("line, engine, other", [
    ("curl http://localhost/_ping", ("/s.sock", "http://localhost", None), ""),
    ("curl --unix-socket /s.sock http://localhost/_ping", ("/s.sock", "http://localhost", None), ""),
    ("curl --unix-socket /o.sock http://localhost/_ping", ("/s.sock", "http://localhost", None), "/o.sock"),
    ("curl http://h:2375/_ping", ("/s.sock", "http://localhost", None), "http://h:2375"),
    ("curl http://h:2375/_ping", (None, "http://h:2375/prefix", None), ""),
    ("curl http://h:2376/_ping", (None, "http://h:2375", None), "http://h:2376"),
    ("curl --cacert /c/ca.pem --cert /c/cert.pem --key /c/key.pem https://h:1/_ping",
     (None, "https://h:1", ("/c/ca.pem", "/c/cert.pem", "/c/key.pem", True)), ""),
    ("curl --cacert /c/other.pem --cert /c/cert.pem --key /c/key.pem https://h:1/_ping",
     (None, "https://h:1", ("/c/ca.pem", "/c/cert.pem", "/c/key.pem", True)), "its --cacert/--cert/--key"),
    ("curl --insecure https://h:1/_ping", (None, "https://h:1", ("/c/ca.pem", None, None, True)), "its --insecure"),
    ("curl https://h:1/_ping", (None, "https://h:1", ("/c/ca.pem", None, None, True)), ""),  # no TLS option given
])
def test_a_pasted_line_that_names_another_engine_or_other_tls_files_is_said(line, engine, other):
    from explorer.core.tls import TLS  # as config does: the TLS module loads with a TCP engine only

    socket, base, tls = engine
    pasted = curlpaste.parse(line.split())
    assert curlpaste.elsewhere(pasted, socket, base, TLS(*tls) if tls else None) == other
