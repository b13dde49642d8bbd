"""Engines where users have them: the sandbox engine's own --tlsverify listener, socat's plain TCP on
2376, and contexts the real docker CLI makes. engine-explorer talks to the engine docker talks to,
says which and why, and a TLS problem is one line naming the file or the end that failed."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from components.dockercli import clean_env

from tests.replsession import run_session, wait_for

pytestmark = pytest.mark.engine


@pytest.fixture
def user_env(tmp_path, spec_dir, docker_config):
    """A user's environment: no DOCKER_* choosing the engine, its own config folders."""
    return clean_env({"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir),
                      **docker_config.env})


def explore(env, *args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=60,
                          env=env)


def curl_line(stderr: str) -> str:
    (line,) = [ln for ln in stderr.splitlines() if ln.startswith("curl ")]
    return line


def rerun(line: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line + " -sS"], capture_output=True, text=True, timeout=30)


# -- TLS ---------------------------------------------------------------------------------------------------

def test_tls_from_the_environment_as_docker_sets_it(user_env, engine_tls):
    done = explore({**user_env, **engine_tls.env}, "-v", "-c", "/_ping")
    assert (done.returncode, done.stdout) == (0, "OK"), done.stderr
    certs = engine_tls.certs
    assert done.stderr.splitlines()[0] == (f"engine: {engine_tls.url} (DOCKER_HOST; TLS verified with {certs.ca}, "
                                           f"client certificate {certs.cert})")
    line = curl_line(done.stderr)
    assert line.startswith(f"curl --cacert {certs.ca} --cert {certs.cert} --key {certs.key} {engine_tls.url}/v1.")
    assert rerun(line).stdout == "OK"


def test_tls_from_the_flags_as_docker_takes_them(user_env, engine_tls, docker_cli):
    flags = ["-H", engine_tls.host, *engine_tls.certs.docker_args()]
    done = explore(user_env, *flags, "-c", "GET /version")
    assert done.returncode == 0, done.stderr
    theirs = docker_cli.run(*flags, "version", "--format", "{{.Server.Version}}", env=user_env)
    assert '"Version":"' + theirs.stdout.strip() + '"' in done.stdout


def test_a_missing_certificate_file_is_one_line_naming_it(user_env, engine_tls, tmp_path):
    empty = tmp_path / "certs"
    empty.mkdir()
    env = {**user_env, **engine_tls.env, "DOCKER_CERT_PATH": str(empty)}
    done = explore(env, "-c", "/_ping")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"error: TLS: cannot read the CA certificate {empty}/ca.pem (default in DOCKER_CERT_PATH): "
                           "No such file or directory\n")


def test_a_failed_verification_is_one_line_saying_which_end(user_env, engine_tls, wrong_ca_certs):
    ours, other = engine_tls.certs, wrong_ca_certs
    done = explore(user_env, "-H", engine_tls.host, "--tlsverify", "--tlscacert", str(other.ca), "--tlscert",
                   str(ours.cert), "--tlskey", str(ours.key), "-c", "/_ping")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"error: TLS: the engine's certificate at {engine_tls.url} failed verification "
                                  f"against {other.ca} (SSL certificate problem: ")
    done = explore(user_env, "-H", engine_tls.host, "--tlsverify", "--tlscacert", str(ours.ca), "--tlscert",
                   str(other.cert), "--tlskey", str(other.key), "-c", "/_ping")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"error: TLS: the engine at {engine_tls.url} refused the client certificate "
                                  f"{other.cert} (")
    done = explore(user_env, "-H", engine_tls.host, "--tlsverify", "--tlscacert", str(ours.ca), "-c", "/_ping")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"error: TLS: the engine at {engine_tls.url} wants a client certificate: give "
                                  "--tlscert and --tlskey (or cert.pem and key.pem in DOCKER_CERT_PATH) (")


def test_plain_http_to_the_tls_port_says_to_turn_tls_on(user_env, engine_tls):
    done = explore(user_env, "-H", engine_tls.host, "-c", "/_ping")
    assert done.returncode == 2
    assert done.stderr == (f"error: http://127.0.0.1:{engine_tls.port} speaks TLS, not plain HTTP: add --tlsverify "
                           "(or DOCKER_TLS_VERIFY=1), or write https://\n")


# -- plain TCP ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["tcp://127.0.0.1:2376", "http://127.0.0.1:2376"])
def test_plain_tcp_on_2376_is_plain_http(user_env, engine_tcp_on_port, host):
    engine_tcp_on_port(2376)
    done = explore(user_env, "-H", host, "-v", "-c", "GET /version")
    assert done.returncode == 0, done.stderr
    line = curl_line(done.stderr)
    assert re.fullmatch(r"curl http://127\.0\.0\.1:2376/v1\.\d+/version", line), line
    assert '"ApiVersion"' in rerun(line).stdout


# -- docker contexts ---------------------------------------------------------------------------------------

@pytest.fixture
def contexts(docker_config, engine_tls, tmp_path):
    """`ee-tls`: the engine over TLS; `ee-dead`: a socket nothing listens on. Made by `docker context create`."""
    certs = engine_tls.certs
    for name, endpoint in (("ee-tls", f"host={engine_tls.host},ca={certs.ca},cert={certs.cert},key={certs.key}"),
                           ("ee-dead", f"host=unix://{tmp_path}/dead.sock")):
        done = docker_config.docker("context", "create", name, "--docker", endpoint)
        assert done.returncode == 0, done.stderr
    return docker_config


@pytest.mark.parametrize("how", ["--context", "DOCKER_CONTEXT", "docker context use"])
@pytest.mark.parametrize("name", ["ee-tls", "ee-dead"])
def test_a_context_takes_us_where_it_takes_docker(user_env, contexts, tmp_path, how, name):
    env, flags = dict(user_env), []
    if how == "--context":
        flags = ["--context", name]
    elif how == "DOCKER_CONTEXT":
        env["DOCKER_CONTEXT"] = name
    else:
        assert contexts.docker("context", "use", name).returncode == 0
    docker = contexts.cli.run(*flags, "version", "--format", "{{.Server.Os}}", env=env)
    ours = explore(env, *flags, "-v", "-c", "/_ping")
    assert (docker.returncode == 0) == (ours.returncode == 0) == (name == "ee-tls"), (docker.stderr, ours.stderr)
    source = {"--context": "--context", "DOCKER_CONTEXT": "DOCKER_CONTEXT",
              "docker context use": f"currentContext in {contexts.path}/config.json"}[how]
    assert ours.stderr.splitlines()[0].startswith("engine: ")
    assert f"(context {name}, from {source}" in ours.stderr.splitlines()[0]
    if name == "ee-dead":
        assert f"no engine socket at {tmp_path}/dead.sock" in ours.stderr


def test_context_in_a_script_switches_the_engine(user_env, contexts, tmp_path):
    done = explore(user_env, "--context", "ee-tls", "-c", "/_ping", "-c", "context ee-dead", "-c", "/_ping")
    assert (done.returncode, done.stdout) == (2, "OK")
    assert done.stderr == f"error: no engine socket at {tmp_path}/dead.sock: start the engine, or point " \
                          "-H/DOCKER_HOST at one\n"


def test_context_in_the_shell_switches_engine_live_values_and_prompt(user_env, contexts, spec_dir, tmp_path):
    seen = {}

    def prompt(t) -> str:
        return "".join(text for _, text in t.repl._message())

    def script(t):
        t.settle()
        seen["tls"] = prompt(t), t.repl.live.snapshot.reachable
        t.enter("context ee-dead")
        assert wait_for(lambda: t.repl.live.snapshot.reachable is False), "live values still from the old engine"
        seen["dead"] = prompt(t)
        t.enter("context default")
        seen["default"] = prompt(t)

    env = {key: value for key, value in user_env.items() if key.startswith("DOCKER_")}
    code, out, _, _ = run_session(script, None, str(spec_dir), env_extra=env, context="ee-tls")
    assert code == 0
    assert seen["tls"] == ("docker@ee-tls 1.41 > ", True)
    assert re.fullmatch(r"docker@ee-dead 1\.\d+ offline > ", seen["dead"]), seen["dead"]
    assert seen["default"].startswith("docker ") and "@" not in seen["default"]
    engines = [line for line in out.splitlines() if line.startswith("engine: ")]
    assert out.splitlines()[0] == engines[0]  # the shell's first line
    assert engines[0].startswith("engine: https://127.0.0.1:") and "(context ee-tls, from " in engines[0]
    assert engines[1] == f"engine: unix://{tmp_path}/dead.sock (context ee-dead, from the shell)"
    assert os.environ.get("DOCKER_CONFIG") != user_env["DOCKER_CONFIG"]  # the test's own docker config only


def test_a_script_exported_against_the_tls_engine_runs_there(user_env, engine_tls, tmp_path):
    script = tmp_path / "ping.sh"
    done = explore({**user_env, **engine_tls.env}, "--export", str(script), "-c", "GET /version")
    assert done.returncode == 0, done.stderr
    assert f"--cacert {engine_tls.certs.ca} --cert {engine_tls.certs.cert}" in script.read_text()
    ran = subprocess.run(["sh", str(script)], capture_output=True, text=True, timeout=30, env=user_env)
    assert ran.returncode == 0 and '"ApiVersion"' in ran.stdout, ran.stderr


def test_a_pasted_line_with_other_tls_files_goes_to_this_engine_and_says_so(user_env, engine_tls, wrong_ca_certs):
    done = explore({**user_env, **engine_tls.env}, "-c", f"curl --cacert {wrong_ca_certs.ca} {engine_tls.url}/_ping")
    assert (done.returncode, done.stdout) == (0, "OK"), done.stderr
    certs = engine_tls.certs
    assert done.stderr == (f"note: sending to this session's engine {engine_tls.url} (DOCKER_HOST; TLS verified with "
                           f"{certs.ca}, client certificate {certs.cert}), not its --cacert as the pasted line says\n")
