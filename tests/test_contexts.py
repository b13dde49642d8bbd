"""Docker contexts, made by the real docker CLI (Debian's 20.10) in a DOCKER_CONFIG of the test's own:
the store is read as docker wrote it, and the context in use is the one docker itself picks."""
from __future__ import annotations

import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer.cli import dispatcher
from explorer.completion.candidates import complete
from explorer.core import contexts, precedence
from explorer.core.config import Settings, engine_address
from explorer.core.console import Console
from explorer.core.errors import UsageError
from explorer.repl.app import Repl
from explorer.shell.session import Session


def ok(done):
    assert done.returncode == 0, done.stderr
    return done


def chosen(docker_config, flags=(), env=None):
    """(our Endpoint, the context docker marks current) for the same flags and environment."""
    env = {**docker_config.env, **(env or {})}
    given = [("host", value, "-H") if flag == "-H" else ("context", value, "--context") for flag, value in flags]
    settings, _ = precedence.settings(precedence.command_line(given, []), env, {})
    ours = engine_address(settings, env)
    words = [word for pair in flags for word in pair]
    docker = ok(docker_config.docker(*words, "context", "ls", "--format", "{{if .Current}}{{.Name}}{{end}}",
                                     env=env)).stdout.split()
    return ours, docker


@pytest.fixture
def two_contexts(docker_config, wrong_ca_certs):
    """Contexts `one` (a socket) and `two` (TCP with TLS files), as `docker context create` makes them.
    (The certificates are real, as docker checks them; no engine is asked here.)"""
    certs = wrong_ca_certs
    ok(docker_config.docker("context", "create", "one", "--description", "the first", "--docker",
                            "host=unix:///run/one.sock"))
    ok(docker_config.docker("context", "create", "two", "--docker",
                            f"host=tcp://127.0.0.1:2376,ca={certs.ca},cert={certs.cert},key={certs.key}"))
    return docker_config


@pytest.mark.parametrize("use, flags, env, expected", [
    (None, (), {}, "default"),
    ("two", (), {}, "two"),  # docker context use: config.json's currentContext
    ("two", (), {"DOCKER_CONTEXT": "one"}, "one"),  # DOCKER_CONTEXT beats currentContext
    ("two", (), {"DOCKER_CONTEXT": "one", "DOCKER_HOST": "unix:///x.sock"}, "default"),  # DOCKER_HOST beats both
    ("two", (("--context", "one"),), {"DOCKER_HOST": "unix:///x.sock"}, "one"),  # --context beats DOCKER_HOST
    ("two", (("-H", "unix:///x.sock"),), {"DOCKER_CONTEXT": "one"}, "default"),  # -H beats everything
    ("two", (), {"DOCKER_CONTEXT": "default"}, "default"),
])
def test_the_context_in_use_is_the_one_docker_picks(two_contexts, use, flags, env, expected):
    if use:
        ok(two_contexts.docker("context", "use", use))
    ours, docker = chosen(two_contexts, flags, env)
    assert docker == [expected]
    assert (ours.context or "default") == expected
    if expected == "one":
        assert ours.socket == "/run/one.sock"


def test_a_context_is_read_as_docker_wrote_it(two_contexts, wrong_ca_certs):
    one, two = contexts.load("one", two_contexts.env), contexts.load("two", two_contexts.env)
    assert (one.description, one.host, one.files, one.skip_verify) == ("the first", "unix:///run/one.sock",
                                                                       (None, None, None), False)
    assert two.host == "tcp://127.0.0.1:2376"
    certs = wrong_ca_certs
    assert [open(path, "rb").read() for path in two.files] == [
        p.read_bytes() for p in (certs.ca, certs.cert, certs.key)]
    assert two.files[0] == f"{two_contexts.path}/contexts/tls/{contexts.context_id('two')}/docker/ca.pem"
    endpoint = engine_address(Settings(context="two", origins=(("context", "command line: --context"),)),
                              two_contexts.env)
    assert endpoint.base_url == "https://127.0.0.1:2376" and endpoint.tls == (*two.files, True)
    assert endpoint.why == "context two, from --context"


def test_skip_tls_verify_is_curls_insecure(docker_config):
    ok(docker_config.docker("context", "create", "lax", "--docker", "host=tcp://h:2376,skip-tls-verify=true"))
    endpoint = engine_address(Settings(context="lax"), docker_config.env)
    assert endpoint.tls == (None, None, None, False)


def test_host_and_context_together_are_refused_as_by_docker(two_contexts):
    done = two_contexts.docker("-H", "unix:///x.sock", "--context", "one", "version")
    assert done.returncode != 0 and "--host or --context" in done.stderr
    with pytest.raises(UsageError, match=r"^host \(-H\) and context \(--context\) both choose the engine"):
        precedence.command_line([("host", "unix:///x.sock", "-H"), ("context", "one", "--context")], [])


def test_a_context_docker_does_not_know_is_one_line(two_contexts):
    done = two_contexts.docker("--context", "three", "version")
    assert done.returncode != 0 and "three" in done.stderr
    with pytest.raises(UsageError, match="^docker context 'three' \\(from DOCKER_CONTEXT\\): there is no such context"):
        engine_address(Settings(context="three", origins=(("context", "environment: DOCKER_CONTEXT"),)),
                       two_contexts.env)


def test_the_shell_lists_contexts_as_docker_context_ls(two_contexts):
    for n in (10, 9):  # docker orders ctx9 before ctx10
        ok(two_contexts.docker("context", "create", f"ctx{n}", "--docker", f"host=unix:///run/{n}.sock"))
    ok(two_contexts.docker("context", "use", "two"))
    out = io.BytesIO()
    settings, _ = precedence.settings({}, two_contexts.env, {})
    session = Session(settings, Console(stdout=out, stderr=io.BytesIO()), env=two_contexts.env,
                      commands=dispatcher())
    assert session.execute("context").exit_code == 0
    table = out.getvalue().decode().splitlines()
    docker = ok(two_contexts.docker("context", "ls", "--format",
                                    "{{.Name}}{{if .Current}} *{{end}}|{{.Description}}|{{.DockerEndpoint}}"))
    assert table[0].split() == ["NAME", "DESCRIPTION", "DOCKER", "ENDPOINT", "ERROR"]
    assert [[cell.strip() for cell in line.split("  ") if cell] for line in table[1:]] == [
        [cell.strip() for cell in line.split("|") if cell] for line in docker.stdout.splitlines()]


def test_context_names_complete_in_the_shell_and_follow_the_store(two_contexts):
    settings, _ = precedence.settings({}, two_contexts.env, {})
    session = Session(settings, Console(stdout=io.BytesIO(), stderr=io.BytesIO()), env=two_contexts.env,
                      commands=dispatcher())
    with create_pipe_input() as inp:
        repl = Repl(session, input=inp, output=DummyOutput())
        repl._read_contexts()  # what each prompt does first
        assert [c.text for c in complete("context ", repl.sources())] == ["default", "one", "two"]
        ok(two_contexts.docker("context", "create", "twenty", "--docker", "host=unix:///run/20.sock"))
        repl._read_contexts()
        assert [c.text for c in complete("context tw", repl.sources())] == ["twenty", "two"]
        repl.live.close()


def test_the_list_shows_when_the_context_in_use_is_not_there(two_contexts):
    env = {**two_contexts.env, "DOCKER_CONTEXT": "gone"}
    out = io.BytesIO()
    settings, _ = precedence.settings({}, env, {})
    session = Session(settings, Console(stdout=out, stderr=io.BytesIO()), env=env, commands=dispatcher())
    assert session.execute("context").exit_code == 0
    assert [line.split()[0] for line in out.getvalue().decode().splitlines()] == ["NAME", "default", "one", "two"]


def test_switching_context_keeps_what_the_shell_changed(two_contexts):
    """`context NAME` replaces the engine's settings only: `view expanded` and `pager off` stay, both ways."""
    settings, _ = precedence.settings({}, two_contexts.env, {})
    session = Session(settings, Console(stdout=io.BytesIO(), stderr=io.BytesIO()), env=two_contexts.env,
                      commands=dispatcher())
    for line in ("view expanded", "pager off", "context one"):
        assert session.execute(line).exit_code == 0, line
    assert (session.settings.view, session.settings.paging, session.endpoint().socket) == ("expanded", False,
                                                                                         "/run/one.sock")
    assert session.execute("context default").exit_code == 0
    assert (session.settings.view, session.settings.paging, session.settings.context) == ("expanded", False, "default")
