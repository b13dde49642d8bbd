"""History: a 0600 file in the XDG state dir; credential header values never reach it."""
from __future__ import annotations

import io
import os
import shlex
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.lang.secrets import redact_line
from explorer.repl.app import Repl
from explorer.repl.history import RedactingHistory, history_file, open_history
from explorer.shell.session import Session

SECRET = "eyJ1c2VybmFtZSI6ImEiLCJwYXNzd29yZCI6InMifQ"


def test_history_file_is_created_0600_in_the_xdg_state_dir(tmp_path):
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path)}
    path = history_file(env)
    assert path == str(tmp_path / "state" / "engine-explorer" / "history")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700


def test_an_existing_loose_history_file_is_tightened(tmp_path):
    env = {"XDG_STATE_HOME": str(tmp_path)}
    folder = tmp_path / "engine-explorer"
    folder.mkdir()
    (folder / "history").write_text("")
    os.chmod(folder / "history", 0o644)
    assert stat.S_IMODE(os.stat(history_file(env)).st_mode) == 0o600


def test_unwritable_state_dir_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    history = open_history({"XDG_STATE_HOME": str(blocker)}, 100)
    assert not isinstance(history, RedactingHistory)


@pytest.mark.parametrize("line, expected", [
    (f"POST /images/create fromImage==busybox X-Registry-Auth:{SECRET}",
     "POST /images/create fromImage==busybox 'X-Registry-Auth:<redacted>'"),
    (f"POST /build x-registry-config:{SECRET} @ctx.tar", "POST /build 'x-registry-config:<redacted>' @ctx.tar"),
    (f"POST /images/create 'X-Registry-Auth:{SECRET}' fromImage==a",
     "POST /images/create 'X-Registry-Auth:<redacted>' fromImage==a"),
    (f"POST /images/create X-Registry-Auth:'{SECRET} with space' x==1",
     "POST /images/create 'X-Registry-Auth:<redacted>' x==1"),
    (f"curl -X POST -H 'X-Registry-Auth: {SECRET}' http://localhost/images/create",
     "curl -X POST -H 'X-Registry-Auth: <redacted>' http://localhost/images/create"),
    (f'curl -H "X-Registry-Config: {SECRET}" http://localhost/build',
     "curl -H 'X-Registry-Config: <redacted>' http://localhost/build"),
    (f"A X-Registry-Auth:{SECRET} X-Registry-Config:{SECRET}",
     "A 'X-Registry-Auth:<redacted>' 'X-Registry-Config:<redacted>'"),
    (f"POST /images/create \"X-Registry-\"Auth:{SECRET}", "POST /images/create 'X-Registry-Auth:<redacted>'"),
    (f"POST /images/create $'X-Registry\\x2dAuth:{SECRET}'", "POST /images/create 'X-Registry-Auth:<redacted>'"),
    ("POST /images/create X-Registry-Auth:{{AUTH}}", "POST /images/create X-Registry-Auth:{{AUTH}}"),
    ("POST /images/create 'X-Registry-Auth:{{env.AUTH}}'", "POST /images/create 'X-Registry-Auth:{{env.AUTH}}'"),
    ("POST /images/create X-Registry-Auth:", "POST /images/create X-Registry-Auth:"),
    ("POST /x X-Registry-Auth:=1", "POST /x 'X-Registry-Auth:=<redacted>'"),  # a body field: redacted all the same
    ("GET /containers/json all==1", "GET /containers/json all==1"),
])
def test_redact_line(line, expected):
    assert redact_line(line) == expected


@given(st.lists(st.text(max_size=12), max_size=4), st.text(alphabet="abcdefXYZ0123456789+/=", min_size=8, max_size=40))
def test_redaction_never_leaves_the_value(before, secret):
    """Whatever words come before it, a credential header item keeps no trace of its value."""
    line = shlex.join(before + [f"X-Registry-Auth:{secret}"])
    assert secret not in redact_line(line).rpartition("X-Registry-Auth:")[2]


def test_file_history_stores_redacted_lines(tmp_path):
    path = tmp_path / "history"
    history = RedactingHistory(str(path))
    history.append_string(f"POST /images/create X-Registry-Auth:{SECRET}")
    assert SECRET not in path.read_text() and "X-Registry-Auth:{{env.REGISTRY_AUTH}}" in path.read_text()


def test_a_repl_session_never_writes_credentials(tmp_path):
    """Offline (no engine at all): the curl preview runs, and the history file gets the line redacted."""
    env = {"XDG_STATE_HOME": str(tmp_path), "HOME": str(tmp_path),
           "ENGINE_EXPLORER_SPEC_DIR": os.environ.get("ENGINE_EXPLORER_SPEC_DIR", "")}
    out, err = io.BytesIO(), io.BytesIO()
    settings = Settings(host=f"unix://{tmp_path}/no.sock", interactive=True)
    session = Session(settings, Console(stdout=out, stderr=err, interactive=True), env=env)
    with create_pipe_input() as inp:
        inp.send_text(f"curl POST /images/create fromImage==busybox X-Registry-Auth:{SECRET}\r")
        inp.send_text("exit\r")
        assert Repl(session, input=inp, output=DummyOutput()).run() == 0
    text = (tmp_path / "engine-explorer" / "history").read_text()
    assert "curl POST /images/create fromImage==busybox X-Registry-Auth:{{env.REGISTRY_AUTH}}" in text
    assert SECRET not in text
    assert SECRET not in out.getvalue().decode()  # the printed curl line is redacted too


def test_a_variable_that_fills_a_credential_header_is_redacted_where_it_was_set(tmp_path):
    path = tmp_path / "history"
    history = RedactingHistory(str(path))
    history.append_string(f"set AUTH = {SECRET}")
    history.append_string("set PLAIN = keep-me")
    history.append_string("GET /_ping")
    history.append_string("POST /images/create fromImage==busybox X-Registry-Auth:{{AUTH}}")
    history.append_string(f"set AUTH = {SECRET}2")  # set again later: written redacted at once
    text = path.read_text()
    assert SECRET not in text
    assert text.count("+set AUTH = {{env.AUTH}}") == 2
    assert "+set PLAIN = keep-me" in text and "+GET /_ping" in text
    assert "X-Registry-Auth:{{AUTH}}" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert next(iter(RedactingHistory(str(path)).load_history_strings())) == "set AUTH = {{env.AUTH}}"


def test_folders_we_create_are_0700_and_those_we_did_not_are_left_alone(tmp_path):
    mine = tmp_path / "made" / "by" / "us"
    umask = os.umask(0o277)  # a umask that would leave even us no write access: the modes are set, not asked
    try:
        path = history_file({"XDG_STATE_HOME": str(mine)})
    finally:
        os.umask(umask)
    for folder in (mine.parent.parent, mine.parent, mine, mine / "engine-explorer"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    os.chmod(theirs, 0o755)
    (theirs / "engine-explorer").mkdir()
    os.chmod(theirs / "engine-explorer", 0o751)
    history_file({"XDG_STATE_HOME": str(theirs)})
    assert stat.S_IMODE(theirs.stat().st_mode) == 0o755
    assert stat.S_IMODE((theirs / "engine-explorer").stat().st_mode) == 0o751


def test_a_history_file_that_is_a_symlink_is_refused_in_one_line(tmp_path, spec_dir):
    folder = tmp_path / "engine-explorer"
    folder.mkdir()
    target = tmp_path / "elsewhere"
    target.write_text("keep me\n")
    os.chmod(target, 0o644)
    os.symlink(target, folder / "history")
    env = {"XDG_STATE_HOME": str(tmp_path), "HOME": str(tmp_path), "ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)}
    out, err = io.BytesIO(), io.BytesIO()
    session = Session(Settings(host=f"unix://{tmp_path}/no.sock", interactive=True),
                      Console(stdout=out, stderr=err, interactive=True), env=env)
    with create_pipe_input() as inp:
        inp.send_text("curl GET /_ping\r")
        inp.send_text("exit\r")
        assert Repl(session, input=inp, output=DummyOutput()).run() == 0
    assert err.getvalue().decode().splitlines() == [
        f"error: history: {folder / 'history'} is a symbolic link, which is not followed; this session keeps "
        "its history in memory (make it a plain file to keep history)"]
    assert os.path.islink(folder / "history")  # not replaced by a file
    assert target.read_text() == "keep me\n" and stat.S_IMODE(target.stat().st_mode) == 0o644  # nor chmod-ed


def test_a_link_put_in_place_later_is_not_written_through(tmp_path):
    history = RedactingHistory(str(history_file({"XDG_STATE_HOME": str(tmp_path)})), warn=(said := []).append)
    path = history.filename
    os.unlink(path)
    target = tmp_path / "target"
    target.write_text("")
    os.symlink(target, path)
    history.append_string("GET /_ping")
    history.append_string("set AUTH = x")
    history.append_string("GET /_ping X-Registry-Auth:{{AUTH}}")  # would rewrite the file: not through a link
    assert target.read_text() == "" and os.path.islink(path)
    assert len(said) == 1 and "is a symbolic link now" in said[0]
    assert [s for s in history.get_strings()][-1] == "GET /_ping X-Registry-Auth:{{AUTH}}"  # kept in memory
