"""The sh export: the same bytes as replay sends, jq checks that mean what ours mean, safe quoting."""
from __future__ import annotations

import io
import json
import os
import shlex
import shutil
import stat
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core import versions
from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.core.errors import UsageError
from explorer.lang import expect, slots, variables
from explorer.lang.shellvars import Markers
from explorer.shell.session import Session
from explorer.workflow import replay as scripts
from explorer.workflow.export import Exporter
from explorer.workflow.export_prelude import JQ_LIBRARY, prelude, version_check
from tests.canned_transport import canned_session
from tests.recording_server import RESPONSE_BODY, RecordingServer

needs_tools = pytest.mark.skipif(not (shutil.which("jq") and shutil.which("curl")), reason="needs curl and jq")
HOSTILE = """it's "q" $HOME `id` $(id) \\ ; & | > < * ? ~ # ! {{x}} [a] {b} ünï 🐳 %41"""
VALUES = {"v": HOSTILE, "name": "web-1_a.b", "w": "two words $x"}


def export_text(session, text: str, given=None) -> str:
    return Exporter(session, given).script(scripts.parse_script(text, "t.ee"), "test")


def sh(path, env_extra=None, timeout=30):
    env = {"PATH": os.environ["PATH"], **(env_extra or {})}
    return subprocess.run(["sh", str(path)], capture_output=True, text=True, timeout=timeout, env=env)


def server_session(spec, host: str, env=None, err=None) -> Session:
    """A session on the recording server at `host`, pinned to 1.41, its stderr `err` (else its own)."""
    return Session(Settings(host=host, spec=str(spec), api_version="1.41"),
                   Console(stdout=io.BytesIO(), stderr=err if err is not None else io.BytesIO()), env=env or {})


def strip_agent(raw: bytes) -> bytes:
    head, sep, body = raw.partition(b"\r\n\r\n")
    keep = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith((b"user-agent:", b"accept:"))]
    return b"\r\n".join(keep) + sep + body


EQUIVALENT = """\
GET /containers/{{name}}/json
!GET /containers/json label=={{v}} other=={{w}}
POST /containers/create Image=busybox:local 'Labels[x]={{v}}' 'Labels[{{w}}]=key'
POST /containers/create Image=busybox:local 'Cmd:=["echo","{{w}}"]'
GET /version 'X-Test:{{v}}' X-Other:{{env.EE_VALUE}}
curl -X POST -d 'raw={{v}}' http://localhost/v1.41/containers/x/start
set copy = {{v}} and more
!GET /containers/json label=={{copy}}
"""


@needs_tools
def test_the_exported_script_sends_the_bytes_replay_sends(spec_v141, tmp_path):
    with RecordingServer() as server:
        host = "unix://" + server.path
        session = server_session(spec_v141, host, {"EE_VALUE": HOSTILE})
        session.variables.update(VALUES)
        lines = scripts.parse_script(EQUIVALENT, "eq.ee")
        assert scripts.replay(session, lines) == 0, session.console.stderr.getvalue()
        session.close()
        ours = server.take()
        script = tmp_path / "eq.sh"
        script.write_text(Exporter(session, VALUES).script(lines, "test"))
        done = sh(script, {"DOCKER_HOST": host, "EE_VALUE": HOSTILE})
        theirs = server.take_script()
    assert done.returncode == 0, done.stderr
    assert len(ours) == len(theirs) == 7
    for mine, exported in zip(ours, theirs, strict=False):
        assert strip_agent(mine) == strip_agent(exported)


@needs_tools
def test_a_failed_check_says_what_replay_says(spec_v141, tmp_path):
    text = ("GET /_ping\nexpect .ok == true\nexpect header Content-Type contains json\nexpect .ok == false\n"
            "GET /version\n")
    with RecordingServer() as server:
        host = "unix://" + server.path
        err = io.BytesIO()
        session = server_session(spec_v141, host, err=err)
        lines = scripts.parse_script(text, "t.ee")
        assert scripts.replay(session, lines) == 1
        replayed = len(server.take())
        script = tmp_path / "t.sh"
        script.write_text(Exporter(session).script(lines, "test"))
        done = sh(script, {"DOCKER_HOST": host})
        sent = len(server.take_script())
    assert err.getvalue().decode() == "t.ee:4: expected .ok == false, got true\n"
    assert (done.returncode, done.stderr) == (1, "t.ee:4: expected .ok == false, got true\n")
    assert replayed == sent == 1  # both stopped at line 4
    assert done.stdout == '{"ok":true}'


@needs_tools
def test_without_jq_the_script_says_so(spec_v141, tmp_path):
    session, _, _, _ = canned_session(spec_v141)
    script = tmp_path / "t.sh"
    script.write_text(export_text(session, "GET /_ping\n"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("curl"), bin_dir / "curl")
    done = subprocess.run([shutil.which("sh"), str(script)], capture_output=True, text=True,
                          env={"PATH": str(bin_dir)})
    assert done.returncode == 2
    assert "needs jq" in done.stderr


def test_the_shape_of_the_script(spec_v141):
    session, _, _, _ = canned_session(spec_v141)
    text = export_text(session, "POST /containers/create Image=busybox:local\nset cid = .Id\n"
                                "POST /containers/{{cid}}/start\nexpect status 204\n"
                                "GET /containers/{{cid}}/json\nexpect .Names contains /{{who}}\n"
                                "set auth = c2VjcmV0\nGET /_ping X-Registry-Auth:{{auth}} X-Registry-Config:e30=\n",
                       given={"who": "web"})
    assert text.startswith("#!/bin/sh\n")
    assert "command -v jq" in text and "jq" in text.splitlines()[2]
    assert "who=${who-web}" in text
    assert "cid=$(_ee_get '[\"Id\"]') || _ee_fail 't.ee:2: failed: set cid = .Id'" in text
    assert "_ee_1=$(_ee_seg \"$cid\") || _ee_fail 't.ee:3: {{cid}} cannot be sent: a path value" in text
    assert "'http://localhost/v1.41/containers/'\"$_ee_1\"'/start'" in text
    assert ("_ee_check t.ee:6 '.Names contains /'\"$who\" contains '/'\"$who\" "
            "\"$(_ee_json '[\"Names\"]')\"") in text
    assert "c2VjcmV0" not in text and "e30=" not in text  # secrets come from the environment, checked first
    assert ': "${auth:?set auth}"\n: "${REGISTRY_CONFIG:?set REGISTRY_CONFIG}"\n' in text
    assert "_ee_1='X-Registry-Auth: '\"$_ee_1\"" in text and "-H \"$_ee_1\"" in text
    assert "_ee_2='X-Registry-Config: '\"$_ee_2\"" in text and "-H \"$_ee_2\"" in text
    start = text.index("# t.ee:3")
    assert "_ee_http_fail" not in text[start:text.index("# t.ee:4")]  # covered by `expect status`
    assert text.rstrip().endswith("exit 0")


def test_variables_from_outside_are_required_up_front(spec_v141):
    session, _, _, _ = canned_session(spec_v141)
    text = export_text(session, "GET /containers/{{name}}/json\nGET /containers/{{env.HOME}}/json\n"
                                "set name = y\n")
    assert ': "${name:?run with name=VALUE}"' in text
    assert ': "${HOME:?set HOME in the environment}"' in text


@pytest.mark.parametrize("line, needle", [
    ("set PATH = /tmp", "clobber the shell's own PATH"),
    ("POST /containers/create Memory:={{m}}", "t.ee:1: cannot export: {{m}} as a whole JSON value"),
    ("GET /containers/json {{m}}==1", "cannot stand in a query parameter's name"),
    ("run {{v}}", "must be named when exporting"),
    ("unset 'x$(touch${IFS}/tmp/p)'", "is not a variable name"),
    ("GET /_ping | grep {{v}}", "use $NAME there"),
    ("expect header {{h}} exists", "variable in what an expectation reads"),
    ("GET /nowhere/{{v}}", "t.ee:1: cannot export: unknown path /nowhere/{{v}}"),
    ("context other", "t.ee:1: cannot export: `context NAME` switches the engine mid-script"),
])
def test_what_cannot_be_exported_names_the_line(spec_v141, line, needle):
    session, _, _, _ = canned_session(spec_v141)
    with pytest.raises(UsageError, match=needle.replace("$", r"\$").replace("(", r"\(")):
        export_text(session, line + "\n", given={"m": "1", "v": "x", "h": "X"})


def test_run_is_inlined(spec_v141, tmp_path):
    inner = tmp_path / "inner.ee"
    inner.write_text("GET /containers/{{who}}/json\n")
    session, _, _, _ = canned_session(spec_v141)
    text = export_text(session, f"run {inner} who=web\n")
    assert "who=web" in text and f"# {inner}:1: GET /containers/{{{{who}}}}/json" in text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                         blacklist_characters="\x00"), max_size=6),
                          st.sampled_from(["{{a}}", "{{b}}"])), max_size=6),
       st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8))
def test_a_shell_word_expands_to_what_substitution_gives(pieces, value):
    """Whatever the literal text and the value, sh reads the word as the session fills it."""
    markers = Markers()
    text = "".join(pieces)
    word = markers.word(slots.fill(text, slots.WORD, markers))
    done = subprocess.run(["sh", "-c", f"a=\"$1\" b=b; printf '%s' {word}", "sh", value],
                          capture_output=True, timeout=10)
    assert done.stdout.decode() == slots.fill(text, slots.WORD, slots.Values({"a": value, "b": "b"}, {}))


# -- jq means what Python means -------------------------------------------------------------------

ints = st.integers(min_value=-(2 ** 53), max_value=2 ** 53)
floats = st.integers(min_value=-400, max_value=400).filter(lambda i: i % 4).map(lambda i: i / 4)
strings = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x7f"), max_size=6)
json_values = st.recursive(st.none() | st.booleans() | ints | floats | strings,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(strings, inner, max_size=3),
                           max_leaves=6)
comparison = st.sampled_from(["==", "!=", "<", ">", "<=", ">=", "contains", "exists"])
regexes = st.sampled_from(["^a", "b$", "[0-9]+", "^$", "a|b", r"\d", r"^\[", "true", ".{3}"])
words = st.one_of(json_values.map(variables.as_text), strings, st.sampled_from(["1", "1.0", "true", "[]", "a"]))
cases = st.lists(st.one_of(st.tuples(json_values, comparison, words), st.tuples(json_values, st.just("matches"),
                                                                                 regexes)), min_size=1, max_size=25)


def jq(program: str, data) -> list:
    done = subprocess.run(["jq", "-c", JQ_LIBRARY + program], input=json.dumps(data), capture_output=True,
                          text=True, timeout=10)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.split("\n") if line]


@pytest.mark.skipif(not shutil.which("jq"), reason="needs jq")
@settings(max_examples=20, deadline=None)  # 400 agreed while this was written; each costs a jq run
@given(cases)
def test_jq_checks_agree_with_expect(batch):
    program = '.[] | . as [$a, $op, $w] | $a | (try check($op; $w) catch false)'
    assert jq(program, batch) == [expect.check(a, op, w) for a, op, w in batch]


@pytest.mark.skipif(not shutil.which("jq"), reason="needs jq")
@settings(max_examples=8, deadline=None)
@given(st.lists(json_values, min_size=1, max_size=10), strings)
def test_jq_shows_paths_and_values_as_python_does(values, text):
    assert jq(".[] | shown", values) == [expect.shown(v) for v in values]
    doc = {"a": values, "n": None}
    paths = [["a", 0], ["a", -1], ["a", len(values)], ["n"], ["missing"], ["a", "k"], ["n", 0]]
    got = jq(f"{json.dumps(paths)}[] as $p | (try [get($p)] catch [])", doc)
    assert got == [[x] if (x := variables.extract(doc, tuple(p))) is not variables.MISSING else [] for p in paths]


def test_an_export_is_created_0700_and_an_existing_one_becomes_runnable(spec_v141, tmp_path):
    from explorer.workflow.export import export_script

    session, _, _, _ = canned_session(spec_v141)
    lines = scripts.parse_script("GET /_ping\n", "t.ee")
    umask = os.umask(0)
    try:
        export_script(session, lines, str(tmp_path / "new.sh"), "t.ee")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.sh").stat().st_mode) == 0o700
    old = tmp_path / "old.sh"
    old.write_text("")
    os.chmod(old, 0o640)
    export_script(session, lines, str(old), "t.ee")
    assert stat.S_IMODE(old.stat().st_mode) == 0o740 and old.read_text().startswith("#!/bin/sh")


def test_a_relative_time_is_exported_as_a_timestamp_with_a_note(spec_v141):
    session, _, _, err = canned_session(spec_v141)
    text = export_text(session, "GET /containers/web/logs stdout==1 since==5m\n")
    assert "since=1" in text and "since=5m" not in text
    assert err.getvalue().decode() == ("note: since==5m goes into the script as the timestamp it stands for now, "
                                       "not recomputed when it runs\n")


@pytest.mark.parametrize(("need", "have", "runs"), [
    ("1.41", "1.41", True), ("1.41", "1.44", True), ("1.99", "1.100", True), ("1.41", "2.0", True),
    ("1.44", "1.41", False), ("1.41", "1.9", False), ("1.100", "1.99", False),
])
def test_the_scripts_version_check_orders_versions_as_versions_key(need, have, runs, tmp_path):
    assert versions.key(have) >= versions.key(need) if runs else versions.key(have) < versions.key(need)
    ping = f"printf 'HTTP/1.1 200 OK\\r\\nApi-Version: {have}\\r\\n\\r\\n' >\"$_ee_head\"; printf 200"
    script = tmp_path / "check.sh"
    script.write_text("\n".join([prelude("t", None), *version_check(need, ping), "echo ran", ""]))
    done = sh(script)
    assert (done.returncode, done.stdout) == ((0, "ran\n") if runs else (1, ""))
    assert done.stderr == ("" if runs else f"this script was exported for Docker API v{need} and the engine speaks "
                           f"v{have}: export it again with --api-version {have} (what its lines use must exist "
                           "there)\n")


@needs_tools
def test_a_pasted_lines_o_file_is_the_scripts_and_what_it_cannot_do_is_named(spec_v141, tmp_path):
    out = tmp_path / "out $HOME.json"
    text = f"curl -sL -w '%{{http_code}}' -o {shlex.quote(str(out))} http://localhost/v1.41/containers/json\n"
    with RecordingServer() as server:
        session, _, _, err = canned_session(spec_v141)
        script = tmp_path / "p.sh"
        script.write_text(export_text(session, text))
        done = sh(script, {"DOCKER_HOST": "unix://" + server.path})
    assert done.returncode == 0 and done.stdout == "", done.stderr
    assert out.read_bytes() == RESPONSE_BODY
    assert "# t.ee:1: curl option -w is not done in an exported script" in script.read_text()
    assert err.getvalue().decode().splitlines() == [
        "t.ee:1: note: curl option -L is not done here (following redirects); sent without it",
        "t.ee:1: note: curl option -w is not done in an exported script"]


@needs_tools
def test_a_field_from_a_file_is_exported_as_the_file_holds_it_with_a_note(spec_v141, tmp_path):
    text_file = tmp_path / "image.txt"
    text_file.write_text(HOSTILE)
    line = f"POST /containers/create Image=@{shlex.quote(str(text_file))} '[]=x'"
    session, _, _, err = canned_session(spec_v141)
    with pytest.raises(UsageError, match="both an array"):
        export_text(session, line + "\n")
    line = line.replace(" '[]=x'", " 'Labels[a\\=b]=c'")
    with RecordingServer() as server:
        script = tmp_path / "f.sh"
        script.write_text(export_text(session, line + "\n"))
        text_file.unlink()  # the script holds the text: it no longer needs the file
        done = sh(script, {"DOCKER_HOST": "unix://" + server.path})
        sent = server.take_script()
    assert done.returncode == 0, done.stderr
    assert json.loads(sent[0].partition(b"\r\n\r\n")[2]) == {"Image": HOSTILE, "Labels": {"a=b": "c"}}
    assert err.getvalue().decode().splitlines()[-1] == (
        f"note: Image=@{text_file} goes into the script as the file holds it now, not read again when it runs")


@needs_tools
def test_a_body_too_long_for_an_argument_goes_to_curls_stdin_in_the_script(spec_v141, tmp_path):
    big = "x" * 150_000 + "'\"$HOME `id` \\ é"
    text = f"POST /containers/create Image=busybox:local {shlex.quote('Labels[big]=' + big)}\n"
    with RecordingServer() as server:
        host = "unix://" + server.path
        session = server_session(spec_v141, host)
        lines = scripts.parse_script(text, "big.ee")
        assert scripts.replay(session, lines) == 0, session.console.stderr.getvalue()
        session.close()
        ours = server.take()
        script = tmp_path / "big.sh"
        script.write_text(Exporter(session).script(lines, "test"))
        done = sh(script, {"DOCKER_HOST": host})
        theirs = server.take_script()
    assert done.returncode == 0, done.stderr
    assert "printf %s " in script.read_text() and " --data-binary @- " in script.read_text()
    assert len(ours) == len(theirs) == 1 and strip_agent(ours[0]) == strip_agent(theirs[0])


@needs_tools
def test_a_long_failing_line_is_quoted_short_by_the_script_as_by_replay(spec_v141, tmp_path):
    text = f"GET /containers/{'a' * 400}/json\n"
    with RecordingServer(status=404, body=b'{"message":"No such container"}') as server:
        host = "unix://" + server.path
        err = io.BytesIO()
        session = server_session(spec_v141, host, err=err)
        lines = scripts.parse_script(text, "long.ee")
        assert scripts.replay(session, lines) == 1
        script = tmp_path / "long.sh"
        script.write_text(Exporter(session).script(lines, "test"))
        done = sh(script, {"DOCKER_HOST": host})
    said = err.getvalue().decode()
    assert len(said) < 300 and said.startswith("long.ee:1: failed: GET /containers/aaa") and "..." in said
    assert (done.returncode, done.stderr) == (1, said)


def test_an_export_note_is_no_reason_to_explain_the_line_from_a_newer_spec(spec_v141, monkeypatch):
    """Explaining builds the line again against the newest spec (its files, its credential helpers): only a
    failure or a spec warning is worth it, not an export's note on a timestamp."""
    from explorer.shell import versiongate

    monkeypatch.setattr(versiongate, "explain", lambda *a: pytest.fail("explained a line that only had a note"))
    session, _, _, err = canned_session(spec_v141)
    export_text(session, "GET /containers/web/logs stdout==1 since==5m\n")
    assert "goes into the script as the timestamp" in err.getvalue().decode()
