"""`save`: which lines of a session make its script, kept as typed, credentials redacted."""
from __future__ import annotations

import pytest

from explorer.workflow import recording
from explorer.workflow import replay as scripts
from tests.canned_transport import answer, canned_session

OK = answer(200, {"Id": "c1"})
MISSING = answer(404, {"message": "No such container: nope"})


def session_lines(spec, lines, answers=(OK,)):
    session, _, _, _ = canned_session(spec, answers, interactive=True)
    for line in lines:
        session.execute(line)
    return session, recording.saved_lines(session.recording)


def test_save_keeps_what_a_script_needs_as_typed(spec_v141):
    typed = [
        "set name = web",
        "curl GET /containers/json",  # a preview
        "help ContainerList",
        "vars",
        "version",
        "GET /containers/{{name}}/json",
        "set cid = .Id",
        "expect .Id == c1",
        "expect .Id == wrong",  # failed: left out
        "GET /nowhere",  # a usage error: left out
        "GET /containers/{{cid}}/json | head -c 1",
        "unset name",
    ]
    _, saved = session_lines(spec_v141, typed)
    assert saved == ["set name = web", "GET /containers/{{name}}/json", "set cid = .Id", "expect .Id == c1",
                     "GET /containers/{{cid}}/json | head -c 1", "unset name"]


def test_an_error_response_is_kept_only_when_expected(spec_v141):
    typed = ["GET /containers/nope/json", "GET /containers/nope/json", "expect status 404",
             "GET /containers/nope/json", "vars", "expect status 404", "GET /containers/nope/json"]
    _, saved = session_lines(spec_v141, typed, [MISSING])
    assert saved == ["GET /containers/nope/json", "expect status 404"] * 2


@pytest.mark.parametrize("line, shown", [
    ("GET /_ping X-Registry-Auth:c2VjcmV0", "GET /_ping 'X-Registry-Auth:<redacted>'"),
    ("GET /_ping 'x-registry-config: e30='", "GET /_ping 'x-registry-config: <redacted>'"),
    ("GET /_ping X-Registry-Auth:{{auth}}", "GET /_ping X-Registry-Auth:{{auth}}"),
    ("GET /_ping X-Registry-Auth:{{env.AUTH}}", "GET /_ping X-Registry-Auth:{{env.AUTH}}"),
    ("GET /_ping X-Registry-Auth:abc{{x}}", "GET /_ping 'X-Registry-Auth:<redacted>'"),
    ("curl -H 'X-Registry-Auth: c2VjcmV0' http://localhost/_ping",
     "curl -H 'X-Registry-Auth: <redacted>' http://localhost/_ping"),
    ("curl -HX-Registry-Auth:c2VjcmV0 http://localhost/_ping",
     "curl '-HX-Registry-Auth:<redacted>' http://localhost/_ping"),
    ("curl --header=X-Registry-Auth:c2VjcmV0 x", "curl '--header=X-Registry-Auth:<redacted>' x"),
    ("GET /_ping X-Registry-Auth=field", "GET /_ping 'X-Registry-Auth=<redacted>'"),  # named as one: hidden too
    ("GET /_ping X-Other:keep", "GET /_ping X-Other:keep"),
])
def test_redact_line(line, shown):
    assert recording.redact_line(line) == shown


def test_a_variable_that_fills_a_credential_is_redacted_where_set():
    lines = ["set auth = c2VjcmV0", "set other = visible", "set auth2=c2VjcmV0", "set auth3 = header X-Token",
             "GET /_ping X-Registry-Auth:{{auth}}", "GET /_ping 'X-Registry-Config:{{auth2}}'",
             "GET /_ping X-Registry-Auth:{{auth3}}"]
    secrets = recording.secret_variables(lines)
    assert secrets == {"auth", "auth2", "auth3"}
    assert [recording.redact_line(line, secrets) for line in lines[:4]] == [
        "set auth = '<redacted>'", "set other = visible", "set auth2 = '<redacted>'",
        "set auth3 = header X-Token"]  # a capture holds no secret in the script


def test_save_writes_a_script_that_reads_back(spec_v141, tmp_path):
    session, _, out, _ = canned_session(spec_v141, [OK], interactive=True)
    for line in ["set auth = c2VjcmV0", "GET /_ping X-Registry-Auth:{{auth}}", "GET /containers/c1/json"]:
        session.execute(line)
    target = tmp_path / "saved.ee"
    assert session.execute(f"save {target}").ok
    assert b"saved 3 lines" in out.getvalue()
    text = target.read_text()
    assert "c2VjcmV0" not in text
    assert text.startswith("# engine-explorer script; replay it with: engine-explorer -f ")
    assert [line.text for line in scripts.read_script(str(target))] == [
        "set auth = '<redacted>'", "GET /_ping X-Registry-Auth:{{auth}}", "GET /containers/c1/json"]


def test_save_errors(spec_v141, tmp_path):
    session, _, _, err = canned_session(spec_v141)
    assert session.execute("save").exit_code == 2
    assert session.execute(f"save {tmp_path}/no/such/dir/x.ee").exit_code == 2
    assert b"cannot write" in err.getvalue()
