"""`config` in the shell: the settings in effect and their sources; `config init`; `config path`."""
from __future__ import annotations

import io

from explorer.cli import dispatcher
from explorer.core import configfile, configkeys
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session


def session_of(tmp_path, env=None, **settings):
    out, err = io.BytesIO(), io.BytesIO()
    settings.setdefault("config_file", str(tmp_path / "engine-explorer" / "config.toml"))
    env = {"DOCKER_CONFIG": str(tmp_path / "docker"), **(env or {})}
    session = Session(Settings(**settings), Console(out, err), env=env, commands=dispatcher())
    return session, out, err


def test_config_lists_every_key_with_its_value_and_source(tmp_path):
    session, out, err = session_of(
        tmp_path, host="unix:///tmp/d.sock", pager="less -S", vi=True, history_size=10,
        origins=(("host", "command line: -H"), ("pager", "environment: PAGER"), ("vi", "config file, line 3"),
                 ("history-size", "command line: -o")))
    assert session.execute("config").exit_code == 0 and err.getvalue() == b""
    lines = out.getvalue().decode().splitlines()
    names = [line.removeprefix("# ").split()[0].rstrip(":") for line in lines[:-1]]
    assert names == [key.name for key in configkeys.KEYS]
    by_name = dict(zip(names, lines, strict=False))
    assert by_name["host"].startswith('host = "unix:///tmp/d.sock"') and by_name["host"].endswith("# command line: -H")
    assert by_name["context"].startswith("# context: not set") and by_name["context"].endswith("# default")
    assert by_name["tlsverify"].startswith("tlsverify = false") and by_name["tlsverify"].endswith("# default")
    assert by_name["pager"].startswith('pager = "less -S"') and by_name["pager"].endswith("# environment: PAGER")
    assert by_name["vi"].startswith("vi = true") and by_name["vi"].endswith("# config file, line 3")
    assert by_name["history-size"].startswith("history-size = 10") and by_name["history-size"].endswith(
        "# command line: -o")
    assert by_name["read-only"].startswith("read-only = false") and by_name["read-only"].endswith("# default")
    assert lines[-1] == f"# config file: {tmp_path}/engine-explorer/config.toml (there is none: `config init` " \
                        "writes one)"


def test_the_default_host_is_shown_as_the_address_used(tmp_path):
    session, out, _ = session_of(tmp_path)
    session.execute("config")
    assert out.getvalue().decode().splitlines()[0].startswith('host = "unix:///var/run/docker.sock"')
    session, out, _ = session_of(tmp_path, context="remote", origins=(("context", "environment: DOCKER_CONTEXT"),))
    session.execute("config")  # a context that is not there: the listing still shows what it can
    first, second = out.getvalue().decode().splitlines()[:2]
    assert first.startswith("# host: not set") and first.endswith("# the context decides")
    assert second.startswith('context = "remote"') and second.endswith("# environment: DOCKER_CONTEXT")


def test_config_init_and_config_path(tmp_path):
    session, out, err = session_of(tmp_path)
    path = tmp_path / "engine-explorer" / "config.toml"
    assert session.execute("config path").exit_code == 0 and out.getvalue().decode() == f"{path}\n"
    assert session.execute("config init").exit_code == 0
    assert path.read_text() == configfile.example()
    assert err.getvalue().decode().startswith(f"wrote {path}: uncomment a line")
    assert session.execute("config init").exit_code == 2
    assert path.read_text() == configfile.example()


def test_config_with_other_words_is_one_line(tmp_path):
    session, _, err = session_of(tmp_path)
    assert session.execute("config set vi true").exit_code == 2
    assert err.getvalue().decode() == ("error: write `config` (the settings in effect), `config init` or "
                                       "`config path`\n")
