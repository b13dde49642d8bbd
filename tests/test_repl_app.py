"""The REPL loop without an engine: offline completion, help, previews, one-line failures, safety net."""
from __future__ import annotations

import io
import threading

from explorer.cli import dispatcher
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.hostile_server import HostileServer, silent
from tests.replsession import run_session, wait_for
from tests.test_live import ANSWERS, fake_get

WAIT_S = 30.0


def offline(tmp_path):
    return f"unix://{tmp_path}/no-engine.sock"


def test_offline_completion_help_and_previews_work_and_requests_fail_in_one_line(tmp_path, spec_dir):
    seen = {}

    def script(t):
        t.settle()
        seen["prompt"] = "".join(text for _, text in t.repl._message())
        seen["paths"] = t.tab("GET /containers/")
        t.cancel()
        seen["fields"] = t.tab("POST /containers/create HostConfig[Net")
        t.cancel()
        seen["volumes"] = t.tab("GET /volumes/")
        t.cancel()
        seen["attach"] = t.tab("POST /containers/create Attac")
        t.cancel()
        seen["toolbar"] = t.repl._toolbar()
        t.enter("help ContainerList")
        t.enter("curl GET /containers/json all==1")
        t.enter("GET /containers/json")

    code, out, err, repl = run_session(script, offline(tmp_path), str(spec_dir))
    assert code == 0
    assert seen["prompt"].endswith(" offline > ") and seen["prompt"].startswith("docker ")
    # no live values offline: the placeholder is shown in the menu, never inserted
    assert seen["paths"] == ("GET /containers/", ["json", "{id}/"])
    assert seen["volumes"] == ("GET /volumes/", ["{name}"])
    assert seen["fields"].line == "POST /containers/create HostConfig[NetworkMode]="  # the only one: at once
    # several: what they all start with goes in first, the menu shows them
    assert seen["attach"] == ("POST /containers/create AttachStd",
                              ["AttachStdin:=", "AttachStdout:=", "AttachStderr:="])
    assert seen["toolbar"].startswith("engine unreachable")
    assert "ContainerList" in out and "List containers" in out
    assert f"--unix-socket {tmp_path}/no-engine.sock" in out and "containers/json?all=1" in out
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert repl.live.snapshot.reachable is False


def test_a_tab_that_comes_before_the_live_values_is_done_when_they_arrive(tmp_path, spec_dir):
    """The engine answers late (past the Tab's short wait): the Tab is kept, not lost."""
    release, seen = threading.Event(), {}
    get = fake_get(ANSWERS)

    def late_get(target):
        release.wait(WAIT_S)  # the engine's first answer comes when the test says
        return get(target)

    def script(t):
        t.ready()
        t.inp.send_text("GET /containers/w")
        assert wait_for(lambda: t.buffer.text == "GET /containers/w")
        seen["kept"] = t.press_tab()  # waits for the Tab to be handled: nothing could be offered yet
        release.set()
        seen["done"] = wait_for(lambda: t.buffer.text == "GET /containers/web/", WAIT_S)
        t.cancel()

    try:
        code, _, err, _ = run_session(script, offline(tmp_path), str(spec_dir), live_getter=lambda: late_get)
    finally:
        release.set()
    assert code == 0 and err == ""
    assert seen["kept"] == ("GET /containers/w", [])
    assert seen["done"]


def test_an_unexpected_exception_is_one_line_and_the_loop_goes_on(tmp_path, spec_dir, monkeypatch):
    monkeypatch.delenv("ENGINE_EXPLORER_DEBUG", raising=False)

    def script(t):
        real = t.repl.session.execute

        def execute(line):
            if line == "boom":
                raise RuntimeError("kaput")
            return real(line)

        t.repl.session.execute = execute
        t.enter("boom")
        t.enter("curl GET /version")

    code, out, err, _ = run_session(script, offline(tmp_path), str(spec_dir))
    assert code == 0
    assert err.strip().splitlines() == [
        "error: internal error: RuntimeError: kaput (a bug in engine-explorer; please report it with the line "
        'that caused it, see README.md, "Reporting a bug"; ENGINE_EXPLORER_DEBUG=1 shows the traceback)']
    assert "/version" in out


def test_debug_env_prints_the_traceback(tmp_path, spec_dir, monkeypatch, capsys):
    monkeypatch.setenv("ENGINE_EXPLORER_DEBUG", "1")

    def script(t):
        real = t.repl.session.execute
        t.repl.session.execute = lambda line: 1 / 0 if line == "anything" else real(line)
        t.enter("anything")

    run_session(script, offline(tmp_path), str(spec_dir))
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_multi_line_with_trailing_backslash_and_alt_enter(tmp_path, spec_dir):
    def script(t):
        t.ready()
        done = t.repl.lines_done
        t.inp.send_text("curl GET /containers/json \\\r")  # Enter after \ only breaks the line
        t.inp.send_text("all==1\r")
        t.inp.send_text("curl GET /images/json\x1b\r")  # Alt-Enter
        t.inp.send_text("all==1\r")
        assert wait_for(lambda: t.repl.lines_done == done + 2)

    code, out, _, _ = run_session(script, offline(tmp_path), str(spec_dir))
    assert "/containers/json?all=1" in out and "/images/json?all=1" in out


def test_edit_runs_what_the_editor_saves(tmp_path, spec_dir):
    editor = "sed -i s/containers.json/version/"

    def script(t):
        t.enter("curl GET /containers/json")
        t.enter("edit")

    code, out, err, repl = run_session(script, offline(tmp_path), str(spec_dir), {"EDITOR": editor, "VISUAL": ""})
    assert err == ""
    assert "> curl GET /version" in out and "http://localhost/v" in out and out.rstrip().endswith("/version")
    assert repl.last_request == "curl GET /version"


def test_edit_and_refresh_outside_the_repl_say_so(tmp_path, spec_dir):
    err = io.BytesIO()
    session = Session(Settings(host=offline(tmp_path)), Console(stdout=io.BytesIO(), stderr=err),
                      env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)}, commands=dispatcher())
    assert session.execute("edit").exit_code == 2
    assert session.execute("refresh").exit_code == 2
    assert err.getvalue().decode().count("interactive prompt only") == 2


def test_the_prompt_comes_and_keys_work_when_the_engine_accepts_but_never_answers(spec_dir):
    seen = {}
    with HostileServer(silent()) as server:
        def script(t):
            t.ready()
            warmed = t.repl.warm.wait(WAIT_S)
            if not warmed:  # the old loop sat in /_ping for good: let it go, so the test can end
                server.close()
            assert warmed, "the loop waited on /_ping"
            t.cancel()  # Ctrl-C is a key again
            t.enter("curl GET /containers/json")
            seen["prompt"] = "".join(text for _, text in t.repl._message())

        code, out, err, repl = run_session(script, "unix://" + server.path, str(spec_dir))
    assert code == 0
    assert seen["prompt"].startswith("docker ") and not seen["prompt"].startswith("docker … ")
    assert f"--unix-socket {server.path}" in out and "/containers/json" in out
