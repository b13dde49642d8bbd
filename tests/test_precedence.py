"""Which source wins: command line > environment > config.toml > docker's currentContext > defaults."""
from __future__ import annotations

import json
from typing import NamedTuple

import pytest

from explorer.core import configfile, configkeys, precedence
from explorer.core.config import Settings, engine_address
from explorer.core.errors import UsageError


def config(tmp_path, text=None):
    path = tmp_path / "config.toml"
    if text is not None:
        path.write_text(text)
    return configfile.read(str(path))  # (layer, warnings)


def docker_config(tmp_path, document):
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(document if isinstance(document, str) else json.dumps(document))
    return str(folder)


class Resolved(NamedTuple):
    settings: Settings
    warnings: tuple

    @property
    def fields(self) -> dict:
        """The Settings fields some source gave (the others are at their defaults)."""
        return {configkeys.BY_NAME[name].field: getattr(self.settings, configkeys.BY_NAME[name].field)
                for name, _ in self.settings.origins}


def resolve(tmp_path, flags=(), options=(), env=None, text=None):
    env = {"DOCKER_CONFIG": str(tmp_path / "no-docker-config"), **(env or {})}
    command = precedence.command_line(list(flags), list(options))
    return Resolved(*precedence.settings(command, env, *config(tmp_path, text)))


def winner(resolved, key):
    field = configkeys.BY_NAME[key].field
    return getattr(resolved.settings, field), dict(resolved.settings.origins).get(key, "default")


FILE_HOST = 'host = "unix:///file.sock"\n'


@pytest.mark.parametrize("flags, env, text, expected", [
    ([], {}, None, (None, "default")),
    ([], {}, FILE_HOST, ("unix:///file.sock", "config file, line 1")),
    ([], {"DOCKER_HOST": "unix:///env.sock"}, FILE_HOST, ("unix:///env.sock", "environment: DOCKER_HOST")),
    ([("host", "unix:///flag.sock", "-H")], {"DOCKER_HOST": "unix:///env.sock"}, FILE_HOST,
     ("unix:///flag.sock", "command line: -H")),
    ([], {"DOCKER_HOST": ""}, FILE_HOST, ("unix:///file.sock", "config file, line 1")),  # empty is unset
])
def test_host_flag_over_environment_over_file(tmp_path, flags, env, text, expected):
    assert winner(resolve(tmp_path, flags, env=env, text=text), "host") == expected


@pytest.mark.parametrize("options, env, text, expected", [
    ([], {}, 'pager = "most"\n', ("most", "config file, line 1")),
    ([], {"PAGER": "less"}, 'pager = "most"\n', ("less", "environment: PAGER")),
    ([], {"PAGER": ""}, 'pager = "most"\n', ("", "environment: PAGER")),  # PAGER="": no pager, as psql
    (["pager=cat"], {"PAGER": "less"}, 'pager = "most"\n', ("cat", "command line: -o")),
    (["pager="], {"PAGER": "less"}, None, ("", "command line: -o")),
])
def test_pager_option_over_environment_over_file(tmp_path, options, env, text, expected):
    assert winner(resolve(tmp_path, options=options, env=env, text=text), "pager") == expected


def test_a_flag_beats_the_file_and_o_can_say_false(tmp_path):
    text = "pretty = true\nvi = true\nhistory-size = 7\n"
    assert winner(resolve(tmp_path, text=text), "pretty") == ("format", "config file, line 1")
    assert winner(resolve(tmp_path, options=["pretty=false"], text=text), "pretty") == ("auto", "command line: -o")
    resolved = resolve(tmp_path, flags=[("vi", True, "--vi")], options=["history-size=3"], text="vi = false\n")
    assert winner(resolved, "vi") == (True, "command line: --vi")
    assert winner(resolved, "history-size") == (3, "command line: -o")


def test_keys_no_source_gives_keep_their_defaults(tmp_path):
    resolved = resolve(tmp_path, text='view = "table"\n')
    assert resolved.fields == {"view": "table"}
    settings = resolved.settings
    assert (settings.view, settings.history_size, settings.toolbar, settings.confirm_destructive) == (
        "table", Settings().history_size, True, True)


# -- the engine: host or context, one choice -------------------------------------------------------

def test_the_engine_is_one_choice_made_by_the_highest_source(tmp_path):
    # DOCKER_HOST beats the file's context; DOCKER_CONTEXT beats the file's host
    resolved = resolve(tmp_path, env={"DOCKER_HOST": "unix:///env.sock"}, text='context = "remote"\n')
    assert resolved.fields.get("context") is None and resolved.fields["host"] == "unix:///env.sock"
    resolved = resolve(tmp_path, env={"DOCKER_CONTEXT": "default"}, text=FILE_HOST)
    assert resolved.fields == {"context": "default"}
    assert engine_address(resolved.settings, {})[:2] == ("/var/run/docker.sock", "http://localhost")


def test_docker_host_beats_docker_context_as_for_docker(tmp_path):
    resolved = resolve(tmp_path, env={"DOCKER_HOST": "unix:///env.sock", "DOCKER_CONTEXT": "remote"})
    assert resolved.fields == {"host": "unix:///env.sock"}
    origin = dict(resolved.settings.origins)["host"]
    assert origin == "environment: DOCKER_HOST (it beats DOCKER_CONTEXT, as for docker)"


def test_docker_current_context_is_the_last_source_before_the_defaults(tmp_path):
    folder = docker_config(tmp_path, {"auths": {}, "currentContext": "remote"})
    resolved = resolve(tmp_path, env={"DOCKER_CONFIG": folder})
    assert winner(resolved, "context") == ("remote", f"docker's currentContext in {folder}/config.json")
    assert resolve(tmp_path, env={"DOCKER_CONFIG": folder}, text=FILE_HOST).fields == {"host": "unix:///file.sock"}
    (tmp_path / "config.toml").unlink()
    docker_config(tmp_path, {"currentContext": "default"})  # docker's name for "no context"
    assert resolve(tmp_path, env={"DOCKER_CONFIG": folder}).fields == {}


def test_an_unreadable_docker_config_is_a_warning_like_dockers(tmp_path):
    folder = docker_config(tmp_path, "{not json")
    resolved = resolve(tmp_path, env={"DOCKER_CONFIG": folder})
    assert resolved.fields == {}
    assert len(resolved.warnings) == 1 and resolved.warnings[0].startswith(f"{folder}/config.json: not JSON")


def test_a_context_that_is_not_there_is_one_line_naming_its_source(tmp_path):
    settings = resolve(tmp_path, text='context = "remote"\n').settings
    with pytest.raises(UsageError, match=r"^docker context 'remote' \(from config.toml, line 1\): there is no such "
                                         r"context in /nowhere/contexts \(`context` lists them"):
        engine_address(settings, {"DOCKER_CONFIG": "/nowhere"})


@pytest.mark.parametrize("env, expected", [
    ({"DOCKER_TLS_VERIFY": "1"}, (True, "environment: DOCKER_TLS_VERIFY")),
    ({"DOCKER_TLS_VERIFY": "0"}, (True, "environment: DOCKER_TLS_VERIFY=0 (set, so on, as for docker)")),
    ({"DOCKER_TLS_VERIFY": ""}, (False, "default")),  # empty: unset, as for docker
])
def test_docker_tls_verify_is_on_whatever_its_value_as_for_docker(tmp_path, env, expected):
    assert winner(resolve(tmp_path, env=env), "tlsverify") == expected


def test_tls_settings_come_from_the_flags_the_environment_and_the_file(tmp_path):
    text = 'tlscacert = "~/ca.pem"\ncert-path = "/certs"\n'
    resolved = resolve(tmp_path, flags=[("tlsverify", True, "--tlsverify")], env={"DOCKER_CERT_PATH": "/env"},
                       text=text)
    assert resolved.fields == {"tls_verify": True, "cert_path": "/env", "tls_ca": "~/ca.pem"}
    assert dict(resolved.settings.origins) == {"tlsverify": "command line: --tlsverify",
                                               "cert-path": "environment: DOCKER_CERT_PATH",
                                               "tlscacert": "config file, line 1"}


@pytest.mark.parametrize("flags, options, message", [
    ([("host", "/a", "-H"), ("host", "unix:///b", "--unix-socket")], [],
     "-H and --unix-socket both set host: give one"),
    ([("pretty", "format", "--pretty")], ["pretty=false"], "--pretty and -o both set pretty: give one"),
    ([], ["host=/a", "context=b"], "host (-o) and context (-o) both choose the engine: give one"),
    ([], ["vi"], "-o vi: write -o KEY=VALUE, e.g. -o vi=true"),
    ([], ["colour=red"], "-o colour=red: unknown key `colour`; the keys: host, context, tls,"),
    ([], ["vi=maybe"], '-o vi=maybe: must be true or false, not "maybe"'),
    ([("host", "ftp://x", "-H")], [], "-H ftp://x: invalid bind address format (docker takes unix:///path"),
    ([("host", "/a", "-H"), ("context", "b", "--context")], [],
     "host (-H) and context (--context) both choose the engine: give one"),
])
def test_a_command_line_that_contradicts_itself_is_one_line(flags, options, message):
    with pytest.raises(UsageError) as caught:
        precedence.command_line(flags, options)
    assert str(caught.value).startswith(message)


def test_a_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(UsageError, match="^DOCKER_HOST=http://: no host name"):
        resolve(tmp_path, env={"DOCKER_HOST": "http://"})
