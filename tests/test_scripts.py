"""Scripts: reading (continuations, comments), replay (stop, --keep-going, expected errors), dry runs, `run`."""
from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.errors import ExplorerError
from explorer.workflow import replay as scripts
from explorer.workflow.replay import ScriptLine
from tests.canned_transport import answer, canned_session

OK = answer(200, {"Id": "c1", "State": {"Running": True}})
MISSING = answer(404, {"message": "No such container: nope"})


# -- reading --------------------------------------------------------------------------------------

def test_continuations_comments_and_line_numbers():
    text = ("# a comment\n"
            "\n"
            "POST /containers/create \\\n"
            "    Image=busybox:local \\\n"
            "    HostConfig[NetworkMode]=none\n"
            "  # indented comment \\\n"
            "GET /x a==b\\\\\n"  # an escaped backslash ends the line
            "GET /last \\")
    assert scripts.parse_script(text, "s.ee") == [
        ScriptLine("s.ee", 3, "POST /containers/create     Image=busybox:local     HostConfig[NetworkMode]=none"),
        ScriptLine("s.ee", 7, "GET /x a==b\\\\"),
        ScriptLine("s.ee", 8, "GET /last "),
    ]


def test_crlf_and_where():
    lines = scripts.parse_script("GET /a\r\nGET /b \\\r\n  c==1\r\n", "w.ee")
    assert [(line.where, line.text) for line in lines] == [("w.ee:1", "GET /a"), ("w.ee:2", "GET /b   c==1")]


@given(st.lists(st.text(alphabet="ab #\\", max_size=6), max_size=8))
def test_every_command_keeps_its_first_line_number(physical):
    text = "\n".join(physical)
    for line in scripts.parse_script(text, "p"):
        first = physical[line.number - 1]
        assert first.strip() and not first.lstrip().startswith("#")
        assert line.text.startswith(first.rstrip()[:-1] if first.rstrip().endswith("\\") else first.rstrip())


def test_read_script_errors_and_stdin(tmp_path):
    with pytest.raises(ExplorerError, match="cannot read .*missing.ee: No such file"):
        scripts.read_script(str(tmp_path / "missing.ee"))
    (tmp_path / "bin.ee").write_bytes(b"GET /_ping\n\x7fELF\x02\x01\x00\x00")
    with pytest.raises(ExplorerError, match="bin.ee is not a script: it holds a NUL byte"):
        scripts.read_script(str(tmp_path / "bin.ee"))
    # a byte that is not UTF-8 is kept as that byte, as in -c and $'\xff'
    (tmp_path / "latin1.ee").write_bytes(b"GET /containers/caf\xe9/json\n")
    assert scripts.read_script(str(tmp_path / "latin1.ee"))[0].text == "GET /containers/caf\udce9/json"
    assert scripts.read_script("-", stdin=io.StringIO("GET /_ping\n")) == [ScriptLine("-", 1, "GET /_ping")]


# -- replay ---------------------------------------------------------------------------------------

def replay(spec, text, answers=(OK,), keep_going=False, summary=False, dry_run=False):
    session, fake, out, err = canned_session(spec, answers)
    session.dry_run = dry_run
    code = scripts.replay(session, scripts.parse_script(text, "t.ee"), keep_going, summary)
    return code, fake, out.getvalue().decode(), err.getvalue().decode()


def test_a_passing_script(spec_v141):
    code, fake, _, err = replay(spec_v141, "GET /containers/c1/json\nexpect status 200\nset cid = .Id\n"
                                           "POST /containers/{{cid}}/start\n")
    assert (code, err) == (0, "")
    assert [r.path for r in fake.sent] == ["/containers/c1/json", "/containers/c1/start"]


def test_stops_at_the_first_failed_expectation(spec_v141):
    code, fake, _, err = replay(spec_v141, "GET /containers/c1/json\n\nexpect .State.Running == false\n"
                                           "DELETE /containers/c1\n")
    assert code == 1
    assert err == "t.ee:3: expected .State.Running == false, got true\n"
    assert len(fake.sent) == 1


def test_an_error_response_stops_the_script_with_the_engine_message(spec_v141):
    code, fake, _, err = replay(spec_v141, "GET /containers/nope/json\nGET /_ping\n", [MISSING])
    assert code == 1 and len(fake.sent) == 1
    assert err == "t.ee:1: failed: GET /containers/nope/json (HTTP 404: No such container: nope)\n"


def test_an_expected_error_response_is_no_failure(spec_v141):
    code, fake, _, err = replay(spec_v141, "GET /containers/nope/json\nexpect status 404\nGET /_ping\n",
                                [MISSING, OK])
    assert (code, err, len(fake.sent)) == (0, "", 2)


def test_the_wrong_expected_status_fails_both_lines(spec_v141):
    code, _, _, err = replay(spec_v141, "GET /containers/nope/json\nexpect status 200\nGET /_ping\n",
                             [MISSING, OK], keep_going=True, summary=True)
    assert code == 1
    assert err.splitlines() == ["t.ee:2: expected status == 200, got 404", "1 passed, 2 failed"]


def test_a_usage_error_names_its_line(spec_v141):
    code, fake, _, err = replay(spec_v141, "GET /_ping\nGET /containers/{{nope}}/json\n")
    assert code == 1 and len(fake.sent) == 1
    assert err.splitlines() == [
        "error: unknown variable nope: set it first (`set nope = VALUE`) or pass --var nope=VALUE",
        "t.ee:2: failed: GET /containers/{{nope}}/json",
    ]


def test_keep_going_runs_everything_and_sums_up(spec_v141):
    text = "GET /containers/c1/json\nexpect .Id == c2\nexpect .Id == c1\nGET /nope/path\nGET /_ping\n"
    code, fake, _, err = replay(spec_v141, text, keep_going=True, summary=True)
    assert code == 1 and len(fake.sent) == 2
    assert err.splitlines()[0] == "t.ee:2: expected .Id == c2, got c1"
    assert err.splitlines()[-1] == "3 passed, 2 failed"


def test_exit_ends_the_replay(spec_v141):
    code, fake, _, _ = replay(spec_v141, "GET /_ping\nexit\nGET /_ping\n", summary=True)
    assert code == 0 and len(fake.sent) == 1


def test_dry_run_prints_curl_lines_and_sends_nothing(spec_v141):
    text = ("POST /containers/create Image=busybox:local\nexpect status 201\nset cid = .Id\n"
            "POST /containers/{{cid}}/start\nexpect .State.Running == true\n"
            "curl -X DELETE http://localhost/v1.41/containers/x\n")
    code, fake, out, err = replay(spec_v141, text, dry_run=True)
    assert (code, err, fake.sent) == (0, "", [])
    lines = out.splitlines()
    assert len(lines) == 3 and all(line.startswith("curl --unix-socket /nonexistent.sock") for line in lines)
    assert lines[1].endswith("'http://localhost/v1.41/containers/'\"$cid\"'/start'")  # runs where cid is set
    assert lines[2].endswith("-X DELETE http://localhost/v1.41/containers/x")


def test_dry_run_keeps_pipes_and_files_and_previews(spec_v141):
    text = ("POST /containers/create Image=busybox:local\nset cid = .Id\ncurl POST /containers/{{cid}}/start\n"
            "GET /containers/{{cid}}/logs stdout==1 stderr==1 |& grep x\nGET /version > 'my file'\n")
    code, fake, out, err = replay(spec_v141, text, dry_run=True)
    assert (code, err, fake.sent) == (0, "", [])
    lines = out.splitlines()
    assert lines[1].endswith("'http://localhost/v1.41/containers/'\"$cid\"'/start'")  # not '…/$cid/start'
    assert lines[2].endswith("/logs?stdout=1&stderr=1' 2>&1 | grep x")
    assert lines[3].endswith("-o 'my file' http://localhost/v1.41/version")  # a file: curl's own -o


def test_dry_run_of_a_pasted_line_keeps_its_output_options_and_names_the_rest(spec_v141):
    text = "curl -sSL -i -w '%{http_code}\\n' -O http://localhost/v1.41/images/busybox/get\n"
    code, fake, out, err = replay(spec_v141, text, dry_run=True)
    assert (code, fake.sent) == (0, [])
    assert out.splitlines()[0].endswith("-i -w '%{http_code}\\n' -o get http://localhost/v1.41/images/busybox/get")
    assert err == "note: curl option -L is not done here (following redirects); sent without it\n"


# -- run ------------------------------------------------------------------------------------------

def test_run_replays_a_file_with_variables_and_saves_as_one_line(spec_v141, tmp_path):
    inner = tmp_path / "inner.ee"
    inner.write_text("GET /containers/{{who}}/json\nset got = .Id\n")
    session, fake, _, err = canned_session(spec_v141, [OK])
    assert session.execute(f"run {inner} who=c1").ok, err.getvalue()
    assert fake.sent[-1].path == "/containers/c1/json"
    assert session.variables == {"who": "c1", "got": "c1"}
    assert [line for line, _, _ in session.recording] == [f"run {inner} who=c1"]


def test_run_failures_name_the_inner_line(spec_v141, tmp_path):
    inner = tmp_path / "inner.ee"
    inner.write_text("GET /_ping\nexpect status 500\n")
    session, _, _, err = canned_session(spec_v141, [OK])
    assert session.execute(f"run {inner}").exit_code == 1
    assert err.getvalue().decode() == f"{inner}:2: expected status == 500, got 200\n"
    assert session.script_stack == []


def test_a_run_loop_is_stopped(spec_v141, tmp_path):
    loop = tmp_path / "loop.ee"
    loop.write_text(f"run {loop}\n")
    session, _, _, err = canned_session(spec_v141)
    assert session.execute(f"run {loop}").exit_code == 1
    assert "more than 20 deep" in err.getvalue().decode()
    assert session.script_stack == []


def test_run_needs_a_file(spec_v141):
    session, _, _, err = canned_session(spec_v141)
    assert session.execute("run").exit_code == 2
    assert session.execute("run a.ee novalue").exit_code == 2


def test_set_variables_checks_names(spec_v141):
    session, _, _, _ = canned_session(spec_v141)
    scripts.set_variables(session, ["a=1", "b=x=y", "c="])
    assert session.variables == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(ExplorerError, match="NAME=VALUE"):
        scripts.set_variables(session, ["novalue"])
    with pytest.raises(ExplorerError, match="not a variable name"):
        scripts.set_variables(session, ["9x=1"])
