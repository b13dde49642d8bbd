"""http.bodyitems through request.build: `f=@file`, `f:=@file.json`, a bare `:=JSON`, `[]=…`; and the
validation hints that name the form that fits."""
from __future__ import annotations

import json

import pytest

from explorer.core.errors import UsageError
from explorer.http.request import build
from explorer.lang import slots
from explorer.lang.commands import parse
from explorer.spec import load_index


@pytest.fixture(scope="module")
def index(spec_v141):
    return load_index(str(spec_v141))


def body(index, line, values=slots.NO_VALUES):
    sent = build(parse(line), index, "1.41", values)
    assert sent.header("Content-Type") == "application/json"
    return sent.body


def test_a_field_takes_a_files_text_and_a_json_field_its_json(index, tmp_path):
    (tmp_path / "img.txt").write_text("busybox:local\n")
    (tmp_path / "cmd.json").write_text('["sh", "-c", "echo hi"]\n')
    line = f"POST /containers/create Image=@{tmp_path}/img.txt Cmd:=@{tmp_path}/cmd.json"
    assert json.loads(body(index, line)) == {"Image": "busybox:local\n", "Cmd": ["sh", "-c", "echo hi"]}


def test_a_value_from_a_variable_is_never_a_file(index, tmp_path):
    values = slots.Values({"v": "@" + str(tmp_path / "img.txt"), "f": str(tmp_path / "img.txt")}, {})
    (tmp_path / "img.txt").write_text("from the file")
    assert json.loads(body(index, "POST /containers/create Image={{v}}", values)) == {"Image": values.variables["v"]}
    # typed `@` with the name from a variable: a file, named by the value
    assert json.loads(body(index, "POST /containers/create Image=@{{f}}", values)) == {"Image": "from the file"}


@pytest.mark.parametrize("line, message", [
    ("POST /containers/create Image=@/nonexistent/img.txt", "`Image=@/nonexistent/img.txt`: no such file .*Image:='"
                                                             '\"@'),
    ("POST /containers/create Cmd:=@/nonexistent/c.json", "`Cmd:=@/nonexistent/c.json`: no such file$"),
    ("POST /containers/create ':={\"Image\":\"x\"}' Tty:=true", "bare `:=JSON` is the whole body"),
    ("POST /containers/create ':={oops'", "not valid JSON"),
])
def test_file_and_raw_body_errors(index, line, message):
    with pytest.raises(UsageError, match=message):
        build(parse(line), index, "1.41")


def test_bad_json_or_text_in_a_file(index, tmp_path):
    (tmp_path / "bad.json").write_text("[oops")
    (tmp_path / "bin").write_bytes(b"\xff\xfe")
    with pytest.raises(UsageError, match="not valid JSON"):
        build(parse(f"POST /containers/create Cmd:=@{tmp_path}/bad.json"), index, "1.41")
    with pytest.raises(UsageError, match="not UTF-8 text"):
        build(parse(f"POST /containers/create Image=@{tmp_path}/bin"), index, "1.41")


def test_a_bare_json_item_is_the_whole_body_as_written(index, tmp_path):
    assert body(index, "POST /plugins/pull remote==x ':=[{\"Name\": \"network\"}]'") == b'[{"Name": "network"}]'
    (tmp_path / "p.json").write_text('["A=1"]')
    assert body(index, f"POST /plugins/x/set :=@{tmp_path}/p.json") == b'["A=1"]'
    values = slots.Values({"n": "network"}, {})
    assert body(index, "POST /plugins/pull remote==x ':=[{\"Name\": \"{{n}}\"}]'", values) == b'[{"Name": "network"}]'


def test_array_items_make_a_top_level_array(index):
    assert body(index, "POST /plugins/x/set '[]=DEBUG=1' '[]=X=2'") == b'["DEBUG=1","X=2"]'
    line = "POST /plugins/pull remote==x '[0][Name]=network' '[0][Description]=' '[0][Value][]=host'"
    assert json.loads(body(index, line)) == [{"Name": "network", "Description": "", "Value": ["host"]}]
    assert json.loads(body(index, "POST /containers/create Image=x 'Labels[a\\=b]=c' 'a\\=b=c'")) == {
        "Image": "x", "Labels": {"a=b": "c"}, "a=b": "c"}


@pytest.mark.parametrize("line, hint", [
    ("POST /plugins/x/set DEBUG=1", "the spec wants an array: use []=… items (e.g. '[]=DEBUG=1')"),
    ("POST /plugins/pull remote==x Name=network", "'[0][Name]=network' '[0][Value][]=host'), or ':=JSON'"),
    ("POST /containers/create '[]=busybox'", "the spec wants an object: use field=value"),
    ("POST /containers/create Image=x Env=A=1", "(write Env[]=VALUE for each element, or Env:="),
    ("POST /containers/create Image=x 'Labels[a=b]:=1'", "field Labels[a\\=b] is an integer"),
])
def test_validation_names_the_form_that_fits(index, line, hint):
    with pytest.raises(UsageError) as err:
        build(parse(line), index, "1.41")
    assert hint in str(err.value)
