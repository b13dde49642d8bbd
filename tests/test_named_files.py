"""Files a line names (`@file`, `f=@file`, `f:=@file.json`, a pasted curl line's `--data-binary
@file`, `-T file`, `-w @file`, `-o file`): each read by http.bodyfile's one reader, and each that
cannot be read as asked is one error line, never a hang or a traceback. A session on a recording
server: nothing here needs an engine."""
from __future__ import annotations

import os

import pytest

from explorer.core.errors import UsageError
from explorer.http import bodyfile
from tests.test_hostile_input import one_error, run, server  # noqa: F401 (server: a fixture)

pytestmark = pytest.mark.timeout(30)  # a reader that blocks on a pipe fails here rather than hangs

URL = "http://localhost/v1.41"


@pytest.fixture
def files(tmp_path):
    """A named pipe with no writer, a sparse file just past 64 MiB, bad JSON, a secret that is no JSON."""
    os.mkfifo(tmp_path / "fifo")
    with open(tmp_path / "big.iso", "wb") as fh:
        fh.truncate((64 << 20) + 1)
    (tmp_path / "bad.json").write_text('["a",]')
    (tmp_path / "pw").write_text("hunter2\n")
    (tmp_path / "-").write_text('"a file named -"')
    return tmp_path


# (line, what the one error line says); {d} is the folder of `files`
BOTH = [  # refused when sent and under --dry-run
    ("POST /build @{d}/fifo", "`@{d}/fifo`: not a regular file but a named pipe (FIFO)"),
    (f"curl --data-binary @{{d}}/fifo {URL}/build", "`@{d}/fifo`: not a regular file but a named pipe (FIFO)"),
    (f"curl -T {{d}}/fifo {URL}/build", "`@{d}/fifo`: not a regular file but a named pipe (FIFO)"),
    ("POST /containers/create Image=@{d}/fifo", "`Image=@{d}/fifo`: not a regular file but a named pipe (FIFO)"),
    ("POST /containers/create Image=@{d}/big.iso", "`Image=@{d}/big.iso`: the file is larger than 64 MiB"),
    ("POST /containers/create Cmd:=@{d}/big.iso", "`Cmd:=@{d}/big.iso`: the file is larger than 64 MiB"),
    ("POST /build @-", "`@-`: - is not read here as standard input"),
    ("POST /containers/create Image=@-", "`Image=@-`: - is not read here as standard input"),
    ("POST /containers/create Cmd:=@-", "`Cmd:=@-`: - is not read here as standard input"),
    (f"curl --data-binary @- {URL}/build", "curl --data-binary @-: curl reads standard input there"),
    (f"curl -T - {URL}/build", "curl -T -: curl reads standard input there"),
    ("POST /containers/create Cmd:=@{d}/bad.json",
     "`Cmd:=@{d}/bad.json`: the file is not valid JSON (line 1 column 6: Expecting value)"),
    ("POST /plugins/x/set :=@{d}/bad.json", "`:=@{d}/bad.json`: the file is not valid JSON (line 1 column 6"),
    ("POST /plugins/x/set ':=[\"a\",]'", "`:=`: not valid JSON (Expecting value at column 6)"),
]
SENT = [  # what is done only when the line is sent: -w and -o
    (f"curl -w @{{d}}/fifo {URL}/_ping", "`-w @{d}/fifo`: not a regular file but a named pipe (FIFO)"),
    (f"curl -w @/dev/zero {URL}/_ping", "`-w @/dev/zero`: not a regular file but a character device"),
    (f"curl -w @{{d}}/big.iso {URL}/_ping", "`-w @{d}/big.iso`: the file is larger than 64 MiB"),
    (f"curl -w @/bin/ls {URL}/_ping", "`-w @/bin/ls`: the file is not UTF-8 text"),
    (f"curl -w $'@a\\x00b' {URL}/_ping", "a file name cannot hold a NUL byte"),
    (f"curl -o $'a\\x00b' {URL}/_ping", "a file name cannot hold a NUL byte"),
]


@pytest.mark.parametrize("line, message", BOTH + SENT, ids=[c[0][:60] for c in BOTH + SENT])
def test_a_file_that_cannot_be_read_as_asked_is_one_error_line(spec_v141, server, files, line, message):  # noqa: F811
    code, _, err, sent = run(spec_v141, server, line.format(d=files), home=str(files))
    assert code == 2
    one_error(err, message.format(d=files))
    assert sent == []


@pytest.mark.parametrize("line, message", BOTH, ids=[c[0][:60] for c in BOTH])
def test_a_dry_run_refuses_the_same_files(spec_v141, server, files, line, message):  # noqa: F811
    code, _, err, _ = run(spec_v141, server, line.format(d=files), dry_run=True, home=str(files))
    assert code == 2
    one_error(err, message.format(d=files))


def test_json_from_a_file_is_named_once_without_shell_advice_or_its_contents(spec_v141, server, files):  # noqa: F811
    code, _, err, _ = run(spec_v141, server, f"POST /containers/create Cmd:=@{files}/pw", home=str(files))
    line = one_error(err, f"`Cmd:=@{files}/pw`: the file is not valid JSON (line 1 column 1: Expecting value)")
    assert "quote it" not in line and "hunter2" not in line and ":=`" not in line and code == 2


def test_a_file_named_dash_is_read_as_dot_slash_dash(spec_v141, server, files, monkeypatch):  # noqa: F811
    monkeypatch.chdir(files)
    code, _, err, sent = run(spec_v141, server, "POST /containers/create Image=x Cmd:=@./-", home=str(files))
    assert (code, err) == (0, b"")
    assert sent[0].endswith(b'{"Image":"x","Cmd":"a file named -"}')


def test_a_pipe_put_where_a_checked_file_was_is_refused_when_sent_not_waited_on(files):
    # the transport opens a raw @file body after the line was checked: what is there then is checked again
    with pytest.raises(UsageError, match="not a regular file but a named pipe"):
        bodyfile.open_sized(str(files / "fifo"))
