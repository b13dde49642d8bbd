"""Every place a line goes keeps its secrets out: history, `save`, -v, export, error lines; and the files' modes.

The engine here is tests/recording_server.py (the transport seam): it records the bytes each
request carried, so every test also shows that the secret itself was still sent. The same paths
against the real engine and registry are in tests/integration/test_secrets_live.py.
"""
from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.repl.app import Repl
from explorer.shell.session import Session
from tests.recording_server import RecordingServer

SECRETS = {"PASSWORD": "hunter2-pw", "UNLOCK_KEY": "SWMKEY-1-unlockme", "JOIN_TOKEN": "SWMTKN-1-joinme",
           "AUTHORIZATION": "Bearer tok3n", "REGISTRY_AUTH": "c2VjcmV0LWF1dGg", "SECRET_DATA": "ZGF0YQ=="}
LINES = [
    f"POST /auth username=u password={SECRETS['PASSWORD']} serveraddress=127.0.0.1:5000",
    f"POST /swarm/unlock UnlockKey={SECRETS['UNLOCK_KEY']}",
    f"POST /swarm/join ListenAddr=0.0.0.0:2377 JoinToken={SECRETS['JOIN_TOKEN']} 'RemoteAddrs:=[\"a:2377\"]'",
    f"GET /_ping 'Authorization:{SECRETS['AUTHORIZATION']}'",
    f"set AUTH = {SECRETS['REGISTRY_AUTH']}",
    "POST /images/create fromImage==ee-missing X-Registry-Auth:{{AUTH}}",
    f"POST /secrets/create Name=ee-s Data={SECRETS['SECRET_DATA']}",
]


def no_secret_in(text) -> None:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    for name, value in SECRETS.items():
        assert value not in text, f"{name}'s value leaked"


def all_sent(requests) -> None:
    """The secrets were hidden from view, not from the engine."""
    raw = b"".join(requests)
    for value in SECRETS.values():
        assert value.encode() in raw


@pytest.fixture
def server():
    with RecordingServer() as found:
        yield found


def cli(*args, env_extra=None, stdin=None, cwd=None):
    env = dict(os.environ, **(env_extra or {}))
    env.pop("DOCKER_HOST", None)
    return subprocess.run([sys.executable, "-m", "explorer", *args], input=stdin, capture_output=True,
                          timeout=60, env=env, cwd=cwd)


def test_the_history_file_through_pipe_input(tmp_path, spec_v141, server):
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    out, err = io.BytesIO(), io.BytesIO()
    settings = Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41", interactive=True)
    session = Session(settings, Console(stdout=out, stderr=err, interactive=True), env=env, commands=dispatcher())
    with create_pipe_input() as inp:
        for line in LINES + ["vars", "exit"]:
            inp.send_text(line + "\r")
        assert Repl(session, input=inp, output=DummyOutput()).run() == 0
    history = (tmp_path / "state" / "engine-explorer" / "history").read_text()
    no_secret_in(history)
    assert "+POST /auth username=u password={{env.PASSWORD}} serveraddress=127.0.0.1:5000" in history
    assert "+set AUTH = {{env.AUTH}}" in history  # AUTH fills X-Registry-Auth: a secret too
    shown = out.getvalue().decode()
    # `set AUTH = …` echoes what was just typed on that screen, before any line shows AUTH fills a header
    echo = f"AUTH = {SECRETS['REGISTRY_AUTH']}\n"
    assert shown.count(echo) == 1
    no_secret_in(shown.replace(echo, "") + err.getvalue().decode())  # curl lines, notes, `vars`
    assert "'password=\"'\"$PASSWORD\"'\"" in shown or '"password":"\'"$PASSWORD"\'"' in shown
    assert shown.count("$PASSWORD stands for SystemAuth's password") == 1  # named once
    assert "AUTH = <redacted>" in shown
    all_sent(server.take())


def test_save_writes_references_0600_and_the_script_replays_with_them_set(tmp_path, spec_v141, server):
    session = Session(Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41"),
                      Console(stdout=io.BytesIO(), stderr=io.BytesIO()), env={}, commands=dispatcher())
    for line in LINES:
        assert session.execute(line).ok
    sent = server.take()
    target = tmp_path / "saved.ee"
    assert session.execute(f"save {target}").ok
    text = target.read_text()
    no_secret_in(text)
    assert "set AUTH = {{env.AUTH}}" in text and "UnlockKey={{env.UNLOCK_KEY}}" in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    env = {"AUTH": SECRETS["REGISTRY_AUTH"], **SECRETS}
    done = cli("-H", "unix://" + server.path, "--spec", str(spec_v141), "--api-version", "1.41", "-f", str(target),
               env_extra=env)
    assert done.returncode == 0, done.stderr
    assert server.take() == sent  # the same bytes, every secret back in its place
    done = cli("-H", "unix://" + server.path, "--spec", str(spec_v141), "--api-version", "1.41", "-f", str(target))
    assert done.returncode == 1 and b"PASSWORD is not set in the environment" in done.stderr


def test_verbose_output_reads_secrets_from_variables(spec_v141, server, tmp_path):
    script = tmp_path / "s.ee"
    script.write_text("\n".join(LINES) + "\nvars\n")
    done = cli("-v", "-H", "unix://" + server.path, "--spec", str(spec_v141), "--api-version", "1.41",
               "-f", str(script))
    assert done.returncode == 0, done.stderr
    no_secret_in(done.stderr + done.stdout)
    err = done.stderr.decode()
    assert '-H "Authorization: $AUTHORIZATION"' in err and '-H "X-Registry-Auth: $REGISTRY_AUTH"' in err
    assert "AUTH = <redacted>" in err  # -v shows each `set`; AUTH fills a header further down
    assert err.count("note: $UNLOCK_KEY stands for") == 1
    all_sent(server.take())
    shown = cli("-v", "--show-secrets", "-H", "unix://" + server.path, "--spec", str(spec_v141),
                "--api-version", "1.41", "-f", str(script))
    assert SECRETS["PASSWORD"] in shown.stderr.decode() and "$PASSWORD" not in shown.stderr.decode()


def test_error_lines_show_no_secret(spec_v141, tmp_path):
    with RecordingServer(status=401) as refusing:
        script = tmp_path / "t.ee"
        script.write_text(LINES[0] + "\n")
        done = cli("-H", "unix://" + refusing.path, "--spec", str(spec_v141), "--api-version", "1.41",
                   "-f", str(script))
    assert done.returncode == 1
    assert done.stderr.decode().startswith(f"{script}:1: failed: POST /auth username=u 'password=<redacted>'")
    no_secret_in(done.stderr)
    refused = cli("--spec", str(spec_v141), "--api-version", "1.41", "--dry-run",
                  "-c", f"POST /auth 'password:=[\"{SECRETS['PASSWORD']}\"]'")
    assert refused.returncode == 2 and b"field password is an array (<redacted>)" in refused.stderr
    no_secret_in(refused.stderr)


@pytest.mark.skipif(not (shutil.which("jq") and shutil.which("curl")), reason="needs curl and jq")
def test_export_reads_secrets_from_the_environment_0700(spec_v141, server, tmp_path):
    script = tmp_path / "s.ee"
    script.write_text("\n".join(LINES[:4] + ["POST /images/create fromImage==ee-missing X-Registry-Auth:{{AUTH}}",
                                             LINES[6]]) + "\n")
    target = tmp_path / "out.sh"
    done = cli("-H", "unix://" + server.path, "--spec", str(spec_v141), "--api-version", "1.41",
               "--var", f"AUTH={SECRETS['REGISTRY_AUTH']}", "--export", str(target), "-f", str(script))
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    no_secret_in(text)
    assert ': "${AUTH:?set AUTH}"' in text and ': "${PASSWORD:?set PASSWORD}"' in text
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    replayed = cli("-H", "unix://" + server.path, "--spec", str(spec_v141), "--api-version", "1.41",
                   "--var", f"AUTH={SECRETS['REGISTRY_AUTH']}", "-f", str(script))
    assert replayed.returncode == 0, replayed.stderr
    sent = server.take()
    env = {"PATH": os.environ["PATH"], "DOCKER_HOST": "unix://" + server.path, "AUTH": SECRETS["REGISTRY_AUTH"],
           **SECRETS}
    ran = subprocess.run(["sh", str(target)], capture_output=True, timeout=60, env=env)
    assert ran.returncode == 0, ran.stderr
    assert [strip(r) for r in server.take_script()] == [strip(r) for r in sent]
    env.pop("PASSWORD")
    ran = subprocess.run(["sh", str(target)], capture_output=True, timeout=60, env=env)
    assert ran.returncode != 0 and b"set PASSWORD" in ran.stderr and not server.take()


def strip(raw: bytes) -> bytes:
    head, sep, body = raw.partition(b"\r\n\r\n")
    keep = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith((b"user-agent:", b"accept:"))]
    return b"\r\n".join(keep) + sep + body


def test_show_secrets_hides_nothing(tmp_path, spec_v141, server):
    """--show-secrets is the one way to have them, everywhere the flag's session writes or shows a line."""
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    out = io.BytesIO()
    settings = Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41", interactive=True,
                        show_secrets=True)
    session = Session(settings, Console(stdout=out, stderr=io.BytesIO(), interactive=True), env=env,
                      commands=dispatcher())
    with create_pipe_input() as inp:
        inp.send_text(f"{LINES[0]}\rsave {tmp_path / 's.ee'}\rexport {tmp_path / 's.sh'}\rexit\r")
        assert Repl(session, input=inp, output=DummyOutput()).run() == 0
    for written in (tmp_path / "state" / "engine-explorer" / "history", tmp_path / "s.ee", tmp_path / "s.sh"):
        assert SECRETS["PASSWORD"] in written.read_text(), written
    assert SECRETS["PASSWORD"] in out.getvalue().decode() and "$PASSWORD" not in out.getvalue().decode()


LOGINS = ["curl http://admin:s3cret-url-pw@localhost:2375/v1.41/_ping",
          "curl -sS -u bob:s3cret-user-pw http://localhost/v1.41/_ping"]


def test_a_pasted_lines_login_stays_out_of_history_save_export_and_v(tmp_path, spec_v141, server):
    """A curl login (the URL's user:password, -u) is sent as curl sends it and kept out of sight."""
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    out, err = io.BytesIO(), io.BytesIO()
    settings = Settings(host="unix://" + server.path, spec=str(spec_v141), api_version="1.41", interactive=True)
    session = Session(settings, Console(stdout=out, stderr=err, interactive=True), env=env, commands=dispatcher())
    with create_pipe_input() as inp:
        inp.send_text("\r".join(LOGINS) + f"\rsave {tmp_path / 's.ee'}\rexport {tmp_path / 's.sh'}\rexit\r")
        assert Repl(session, input=inp, output=DummyOutput()).run() == 0
    sent = b"".join(server.take())
    verbose = cli("-v", "-H", "unix://" + server.path, "--spec", str(spec_v141), "--api-version", "1.41",
                  "-c", LOGINS[0])
    assert verbose.returncode == 0, verbose.stderr
    history = (tmp_path / "state" / "engine-explorer" / "history").read_text()
    assert 'curl "http://admin:$PASSWORD@localhost:2375/v1.41/_ping"' in history
    assert 'curl -sS -u "bob:$PASSWORD" http://localhost/v1.41/_ping' in history
    shown = [history, (tmp_path / "s.ee").read_text(), (tmp_path / "s.sh").read_text(), out.getvalue(),
             err.getvalue(), verbose.stdout, verbose.stderr]
    for text in shown:
        text = text.decode() if isinstance(text, bytes) else text
        assert "s3cret-url-pw" not in text and "s3cret-user-pw" not in text
    assert '-H "Authorization: $AUTHORIZATION"' in verbose.stderr.decode()
    assert b"Authorization: Basic YWRtaW46czNjcmV0LXVybC1wdw==\r\n" in sent  # admin:s3cret-url-pw
    assert b"Authorization: Basic Ym9iOnMzY3JldC11c2VyLXB3\r\n" in sent  # bob:s3cret-user-pw
