"""`save`: which lines of a session make its script, kept as typed, secrets as references."""
from __future__ import annotations

import os
import stat

import pytest

from explorer.lang import secrets
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


@pytest.mark.parametrize("line, stored", [
    ("GET /_ping X-Registry-Auth:c2VjcmV0", "GET /_ping X-Registry-Auth:{{env.REGISTRY_AUTH}}"),
    ("GET /_ping 'x-registry-config: e30='", "GET /_ping 'x-registry-config: {{env.REGISTRY_CONFIG}}'"),
    ("GET /_ping X-Registry-Auth:{{auth}}", "GET /_ping X-Registry-Auth:{{auth}}"),
    ("GET /_ping X-Registry-Auth:{{env.AUTH}}", "GET /_ping X-Registry-Auth:{{env.AUTH}}"),
    ("GET /_ping X-Registry-Auth:abc{{x}}", "GET /_ping X-Registry-Auth:{{env.REGISTRY_AUTH}}"),
    ("curl -H 'X-Registry-Auth: c2VjcmV0' http://localhost/_ping",
     'curl -H "X-Registry-Auth: $REGISTRY_AUTH" http://localhost/_ping'),
    ("curl -HX-Registry-Auth:c2VjcmV0 http://localhost/_ping",
     'curl "-HX-Registry-Auth:$REGISTRY_AUTH" http://localhost/_ping'),
    ("curl --header=X-Registry-Auth:c2VjcmV0 x", 'curl "--header=X-Registry-Auth:$REGISTRY_AUTH" x'),
    ("GET /_ping X-Registry-Auth=field", "GET /_ping X-Registry-Auth={{env.REGISTRY_AUTH}}"),  # named as one
    ("GET /_ping X-Other:keep", "GET /_ping X-Other:keep"),
])
def test_saved_lines_keep_secrets_as_references(line, stored):
    assert secrets.stored_line(line) == stored


def test_a_variable_that_fills_a_credential_is_a_reference_where_set():
    lines = ["set auth = c2VjcmV0", "set other = visible", "set auth2=c2VjcmV0", "set auth3 = header X-Token",
             "GET /_ping X-Registry-Auth:{{auth}}", "GET /_ping 'X-Registry-Config:{{auth2}}'",
             "GET /_ping X-Registry-Auth:{{auth3}}"]
    names = secrets.secret_variables(lines)
    assert names == {"auth", "auth2", "auth3"}
    assert [secrets.stored_line(line, names) for line in lines[:4]] == [
        "set auth = {{env.auth}}", "set other = visible", "set auth2 = {{env.auth2}}",
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
        "set auth = {{env.auth}}", "GET /_ping X-Registry-Auth:{{auth}}", "GET /containers/c1/json"]


def test_save_errors(spec_v141, tmp_path):
    session, _, _, err = canned_session(spec_v141)
    assert session.execute("save").exit_code == 2
    assert session.execute(f"save {tmp_path}/no/such/dir/x.ee").exit_code == 2
    assert b"cannot write" in err.getvalue()


def test_a_saved_script_is_created_0600_and_an_existing_one_keeps_its_mode(spec_v141, tmp_path):
    session, _, _, _ = canned_session(spec_v141)
    session.execute("GET /containers/c1/json")
    umask = os.umask(0)  # even with nothing masked, a new script is the owner's only
    try:
        assert session.execute(f"save {tmp_path / 'new.ee'}").ok
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.ee").stat().st_mode) == 0o600
    shared = tmp_path / "shared.ee"
    shared.write_text("old\n")
    os.chmod(shared, 0o640)  # its owner's choice
    assert session.execute(f"save {shared}").ok
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640 and "GET /containers/c1/json" in shared.read_text()
