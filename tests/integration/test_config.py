"""config.toml as a user meets it, against the real engine: the command, a file in its XDG folder,
the environment and flags over it, `config init`, and malformed files as one line."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session

pytestmark = pytest.mark.engine


@pytest.fixture
def home(tmp_path, spec_dir):
    """A user's environment with its own config folder; no DOCKER_* chooses the engine."""
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), ENGINE_EXPLORER_SPEC_DIR=str(spec_dir),
               DOCKER_CONFIG=str(tmp_path / "docker"))
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_API_VERSION", "PAGER"):
        env.pop(name, None)
    return env


def run(env, *args, **extra):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, timeout=60,
                          env=dict(env, **extra))


def config_file(env, text):
    folder = os.path.join(env["XDG_CONFIG_HOME"], "engine-explorer")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "config.toml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def test_config_path_says_where_the_file_is(home, tmp_path):
    done = run(home, "--config-path")
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.decode() == f"{tmp_path}/config/engine-explorer/config.toml\n"
    assert run(home, "--config", "other.toml", "--config-path").stdout.decode() == os.path.abspath("other.toml") + "\n"


def test_the_files_host_is_the_engine_unless_the_environment_or_a_flag_says_otherwise(home, engine_host, tmp_path):
    config_file(home, f'host = "{engine_host}"\n')
    assert run(home, "-c", "/_ping").stdout == b"OK"
    elsewhere = f"unix://{tmp_path}/no-engine.sock"
    done = run(home, "-c", "/_ping", DOCKER_HOST=elsewhere)  # the environment beats the file
    assert done.returncode == 2 and f"{tmp_path}/no-engine.sock" in done.stderr.decode()
    done = run(home, "-H", engine_host, "-c", "/_ping", DOCKER_HOST=elsewhere)  # a flag beats both
    assert (done.returncode, done.stdout) == (0, b"OK")


def test_pretty_from_the_file_and_o_over_it(home, engine_host):
    config_file(home, "pretty = true\n")
    indented = run(home, "-H", engine_host, "-c", "GET /version").stdout
    assert indented.startswith(b"{\n  ") and json.loads(indented)["ApiVersion"]
    compact = run(home, "-H", engine_host, "-o", "pretty=false", "-c", "GET /version").stdout
    assert b"\n  " not in compact and json.loads(compact) == json.loads(indented)


def test_config_init_writes_a_commented_file_and_config_shows_where_each_setting_came_from(home, engine_host):
    done = run(home, "-c", "config init")
    path = f"{home['XDG_CONFIG_HOME']}/engine-explorer/config.toml"
    assert done.returncode == 0 and done.stderr.decode().startswith(f"wrote {path}:")
    assert run(home, "-c", "config init").stderr.decode() == (
        f"error: {path} exists already: edit it, or move it away to start again\n")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    config_file(home, text.replace('#view = "json"', 'view = "table"').replace("#vi = false", "vi = true"))
    done = run(home, "-H", engine_host, "--pretty", "-c", "config", PAGER="less")
    lines = {line.split(" = ")[0]: line for line in done.stdout.decode().splitlines() if " = " in line}
    assert lines["host"].startswith(f'host = "{engine_host}"') and lines["host"].endswith("# command line: -H")
    assert lines["pretty"].endswith("# command line: --pretty")
    assert lines["pager"].startswith('pager = "less"') and lines["pager"].endswith("# environment: PAGER")
    view_line = text.splitlines().index('#view = "json"') + 1
    assert lines["view"].startswith('view = "table"') and f"# config file, line {view_line}" in lines["view"]
    assert lines["toolbar"].endswith("# default")
    assert done.stdout.decode().splitlines()[-1] == f"# config file: {path}"


@pytest.mark.parametrize("text, message", [
    ("vi = yes\n", ":1: vi: invalid value (write true or false)"),
    ('\nview = "wide"\n', ':2: view: must be one of json, table, expanded, not "wide"'),
])
def test_a_malformed_file_stops_the_start_with_one_line(home, engine_host, text, message):
    path = config_file(home, text)
    done = run(home, "-H", engine_host, "-c", "/_ping")
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == f"error: {path}{message}\n"


def test_an_unknown_key_is_a_warning_and_the_run_goes_on(home, engine_host):
    path = config_file(home, "pretty = true\ncolor = false\n")
    done = run(home, "-H", engine_host, "-c", "/_ping")
    assert (done.returncode, done.stdout) == (0, b"OK")
    assert done.stderr.decode() == (f"warning: {path}:2: unknown key `color` ignored "
                                    "(`config init` writes every key, commented)\n")


def test_a_current_docker_context_that_is_not_there_is_one_line(home, engine_host, tmp_path):
    os.makedirs(home["DOCKER_CONFIG"])
    with open(os.path.join(home["DOCKER_CONFIG"], "config.json"), "w", encoding="utf-8") as fh:
        json.dump({"currentContext": "remote"}, fh)
    done = run(home, "-c", "/_ping")
    assert done.returncode == 2
    assert done.stderr.decode().startswith(f"error: docker context 'remote' (from currentContext in "
                                           f"{home['DOCKER_CONFIG']}/config.json): there is no such context in ")
    config_file(home, f'host = "{engine_host}"\n')  # the file comes before docker's choice
    assert run(home, "-c", "/_ping").stdout == b"OK"


def test_the_pager_setting_pages_long_responses_in_the_shell(engine_host, spec_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("LINES", "5")
    paged = tmp_path / "paged.json"
    out = io.BytesIO()
    session = Session(Settings(host=engine_host, pager=f"cat > {paged}", interactive=True),
                      Console(out, io.BytesIO(), interactive=True, tty=True),
                      env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})
    try:
        assert session.execute("GET /version").exit_code == 0
    finally:
        session.close()
    assert json.loads(paged.read_text())["ApiVersion"] and b"ApiVersion" not in out.getvalue()
