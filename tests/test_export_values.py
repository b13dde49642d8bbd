"""Hostile values in every slot: the exported sh script sends what engine-explorer sends, and runs nothing.

Each case is one line (or two) with `{{v}}` in a slot; engine-explorer replays it against a
recording server, the sh export of the same line runs against another one, and the two must
send the same bytes (User-Agent and Accept aside) and agree on success; no value may ever run
a command (a canary file would appear).
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.core.errors import UsageError
from explorer.shell.session import Session
from explorer.workflow import replay as scripts
from explorer.workflow.export import Exporter
from tests.recording_server import RecordingServer

pytestmark = pytest.mark.skipif(not (shutil.which("jq") and shutil.which("curl")), reason="needs curl and jq")

CANARY = "/tmp/ee-canary-{token}"
SLOTS = [
    "GET /containers/{{v}}/json",  # a path segment
    "DELETE /images/{{v}} force==1",  # an image reference
    "!GET /containers/json label=={{v}}",  # a query value
    "!GET '/containers/json?label={{v}}&all=1'",  # a query value inside the typed target
    "GET /version X-V:{{v}}",  # a header value
    "GET /version X-V:a{{v}}b",
    "POST /containers/create Image={{v}}",  # a JSON string
    "POST /containers/create Image=x 'Labels[{{v}}]=k'",  # a JSON key
    """POST /containers/create Image=x 'Cmd:=["sh", "{{v}}"]'""",  # a string inside := JSON
    "set w = <{{v}}>\n!GET /containers/json label=={{w}}",  # a meta command's argument
    "GET /_ping\nexpect header Content-Type != {{v}}",
    "GET /_ping > {{d}}/out{{v}}",  # a file name
]
HOSTILE = [
    "$(touch {canary})", "`touch {canary}`", "'; touch {canary}; '", '"; touch {canary}; "',
    "a\ntouch {canary}", "a\r\nX-Injected: 1", ";", "&& touch {canary}", "/", "..", ".", "",
    "%2F", "%2e%2E", "../../volumes/x", "x%2F..%2Fy", "?force=1&v=1", "#frag", "a b", "~", "*",
    "$HOME", "\\", "{{v}}", "ünï 🐳", "\x7f\x1b[31m", "-H", "@/etc/passwd", "\udcff\udcfe",
    "busybox:local", "reg:5000/a/b@sha256:00", "x\t", "%", "%zz", "\"",
]
values = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=10),
    st.binary(max_size=6).map(lambda b: b.replace(b"\0", b"").decode("utf-8", "surrogateescape")),
)


def strip_agent(raw: bytes) -> bytes:
    head, sep, body = raw.partition(b"\r\n\r\n")
    keep = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith((b"user-agent:", b"accept:"))]
    return b"\r\n".join(keep) + sep + body


def session_for(host: str, spec) -> Session:
    return Session(Settings(host=host, spec=str(spec), api_version="1.41"),
                   Console(stdout=io.BytesIO(), stderr=io.BytesIO()), env={})


def one_case(spec, text: str, given: dict, work: str) -> None:
    """Replay `text` in-process and as exported sh; assert they agree and nothing ran."""
    lines = scripts.parse_script(text, "case.ee")
    with RecordingServer() as ours, RecordingServer() as theirs:
        session = session_for("unix://" + ours.path, spec)
        session.variables.update(given)
        code = scripts.replay(session, lines)
        session.close()
        try:
            script = Exporter(session_for("unix://" + theirs.path, spec), given).script(lines, "test")
        except UsageError as err:
            pytest.fail(f"{text!r} with {given!r} cannot be exported: {err}")
        path = os.path.join(work, "case.sh")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(script)
        done = subprocess.run(["sh", path], capture_output=True, timeout=30, cwd=work,
                              env={"PATH": os.environ["PATH"], "DOCKER_HOST": "unix://" + theirs.path})
        mine, exported = ours.take(), theirs.take_script()
    assert [strip_agent(r) for r in mine] == [strip_agent(r) for r in exported], (text, given, done.stderr)
    assert (code == 0) == (done.returncode == 0), (text, given, code, done.returncode, done.stderr)


def run_all_slots(spec, tmp_path, value: str) -> None:
    token = os.urandom(4).hex()
    canary = CANARY.format(token=token)
    value = value.replace("{canary}", canary)
    work = tmp_path / token
    work.mkdir()
    given = {"v": value, "d": str(work)}
    cases = []
    for i, text in enumerate(SLOTS):
        folder = work / str(i)
        folder.mkdir()
        cases.append((text, {**given, "d": str(folder)}, str(folder)))
    with ThreadPoolExecutor(4) as pool:  # each case has servers of its own
        for future in [pool.submit(one_case, spec, *case) for case in cases]:
            future.result()
    assert not os.path.exists(canary), f"{value!r} ran a command"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_every_slot(spec_v141, tmp_path, value):
    run_all_slots(spec_v141, tmp_path, value)


@settings(max_examples=15, deadline=None)
@example(value="a'b")
@given(value=values)
def test_generated_values_in_every_slot(spec_v141, tmp_path_factory, value):
    run_all_slots(spec_v141, tmp_path_factory.mktemp("gen"), value)


def test_comments_and_file_names_stay_comments(spec_v141, tmp_path):
    canary = tmp_path / "canary"
    evil = f"x\ntouch {canary}\n"
    lines = [scripts.ScriptLine(f"s{evil}.ee", 1, f"GET /_ping # {evil}"),
             scripts.ScriptLine(f"s{evil}.ee", 2, f"GET /_ping X-A:'a#b' # {evil}")]
    with RecordingServer() as server:
        text = Exporter(session_for("unix://" + server.path, spec_v141)).script(lines, f"title {evil}")
        script = tmp_path / "c.sh"
        script.write_text(text)
        done = subprocess.run(["sh", str(script)], capture_output=True, timeout=30,
                              env={"PATH": os.environ["PATH"], "DOCKER_HOST": "unix://" + server.path})
        sent = server.take_script()
    assert done.returncode == 0, done.stderr
    assert len(sent) == 2 and b"X-A: a#b\r\n" in sent[1]
    assert not canary.exists()
    assert "# sx\\ntouch" in text  # a comment line stays one line


@pytest.mark.parametrize("line", ["unset {{v}}", "unset 'x$(touch${IFS}/tmp/p)'", "set {{v}} = 1",
                                  "run {{v}}"])
def test_meta_commands_that_would_name_something_are_refused(spec_v141, line):
    session = session_for("unix:///nonexistent.sock", spec_v141)
    with pytest.raises(UsageError):
        Exporter(session, {"v": "x$(touch${IFS}/tmp/p)"}).script(scripts.parse_script(line, "m.ee"), "t")
