"""Values are data: a {{NAME}} value fills one slot of the parsed request and never changes the rest."""
from __future__ import annotations

import json

import pytest

from explorer.core.errors import UsageError
from explorer.lang import slots
from tests.canned_transport import canned_session

HOSTILE = """it's "q" $HOME `id` $(id) \\ ; & | > < * ? ~ # ! {{x}} [a] {b} ünï 🐳 %41 %2F /"""


def sent(spec, line, **values):
    """The one Request `line` sends with `values` set."""
    session, fake, _, err = canned_session(spec)
    session.variables.update(values)
    outcome = session.execute(line)
    assert outcome.ok, err.getvalue().decode()
    assert len(fake.sent) == 1
    return fake.sent[0]


def refused(spec, line, needle, **values):
    """`line` is refused with one line holding `needle`, and nothing is sent."""
    session, fake, _, err = canned_session(spec)
    session.variables.update(values)
    assert session.execute(line).exit_code == 2
    assert fake.sent == []
    message = err.getvalue().decode()
    assert message.count("\n") == 1 and needle in message, message


# -- path segments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, segment", [
    ("web", "web"),
    ("a/b?c#d", "a%2Fb%3Fc%23d"),
    ("%41", "%2541"),
    ("two words", "two%20words"),
    ("ünï", "%C3%BCn%C3%AF"),
    ("a\0b", "a%00b"),
    ("\udcff", "%FF"),  # a byte that is not UTF-8 (from argv or the environment) goes as that byte
    ("...", "..."),
])
def test_a_path_value_is_one_segment(spec_v141, value, segment):
    req = sent(spec_v141, "GET /containers/{{v}}/json", v=value)
    assert (req.operation_id, req.path, req.query) == ("ContainerInspect", f"/containers/{segment}/json", ())


@pytest.mark.parametrize("value", ["..", ".", "", "../../volumes/red-vol", "a/../b", "a/./b", "a/", "/a",
                                   "%2E%2E", "%2e", "x/%2E%2E/y", "x%2F..", "x%2f.%2fy"])
def test_a_path_value_that_could_climb_is_refused(spec_v141, value):
    refused(spec_v141, "DELETE /containers/{{v}} force==1", "cannot go into the path", v=value)
    refused(spec_v141, "ContainerDelete id=={{v}} force==1", "cannot go into the path", v=value)


def test_a_query_or_fragment_in_a_path_value_stays_in_the_segment(spec_v141):
    req = sent(spec_v141, "DELETE /containers/{{p}}", p="web?force=1&v=1#x")
    assert req.path == "/containers/web%3Fforce%3D1%26v%3D1%23x" and req.query == ()
    assert req.target() == "/v1.41/containers/web%3Fforce%3D1%26v%3D1%23x"


def test_a_value_mixed_with_text_in_a_segment(spec_v141):
    req = sent(spec_v141, "GET /containers/ee-{{n}}-x/json", n="a/b")
    assert req.path == "/containers/ee-a%2Fb-x/json"


@pytest.mark.parametrize("line, value, path", [
    ("GET /images/{{v}}/json", "localhost:5000/library/busybox:local",
     "/images/localhost:5000/library/busybox:local/json"),
    ("GET /images/{{v}}/json", "busybox@sha256:abc", "/images/busybox@sha256:abc/json"),
    ("GET /images/{{v}}/json", "a b?c", "/images/a%20b%3Fc/json"),
    ("DELETE /images/{{v}}", "reg/x:1", "/images/reg/x:1"),
    ("POST /images/{{v}}/tag", "busybox:local", "/images/busybox:local/tag"),
    ("ImageInspect name=={{v}}", "docker.io/library/busybox:latest", "/images/docker.io/library/busybox:latest/json"),
    ("GET /distribution/{{v}}/json", "127.0.0.1:5000/a/b", "/distribution/127.0.0.1:5000/a/b/json"),
    ("GET /plugins/{{v}}/json", "vieux/sshfs:latest", "/plugins/vieux/sshfs:latest/json"),
    ("GET /images/{{r}}/busybox:{{t}}/json", None, "/images/reg:5000/busybox:1.0/json"),
])
def test_image_and_plugin_references_keep_their_slashes(spec_v141, line, value, path):
    values = {"v": value} if value is not None else {"r": "reg:5000", "t": "1.0"}
    assert sent(spec_v141, line, **values).path == path


@pytest.mark.parametrize("value", ["../../containers/x", "a/../b", "a//b", "", "%2E%2E/x"])
def test_an_image_reference_cannot_climb_either(spec_v141, value):
    refused(spec_v141, "DELETE /images/{{v}}", "cannot go into the path", v=value)


def test_without_a_spec_each_value_is_one_segment():
    from explorer.http.request import build
    from explorer.lang.commands import parse

    req = build(parse("GET /images/{{v}}/json"), None, "1.41", slots.Values({"v": "a/b"}, {}))
    assert req.path == "/images/a%2Fb/json"


def test_the_operation_is_chosen_before_the_value_is_seen(spec_v141):
    # `json` fills {id}: it does not turn /containers/{id}/json into /containers/json/json's sibling
    req = sent(spec_v141, "GET /containers/{{v}}/json", v="json")
    assert (req.operation_id, req.path) == ("ContainerInspect", "/containers/json/json")


# -- query, headers, body ---------------------------------------------------------------------------

def test_a_query_value_stays_one_value(spec_v141):
    req = sent(spec_v141, "!GET /containers/json label=={{v}}", v="a&force=1?x=%41#y")
    assert req.query == (("label", "a&force=1?x=%41#y"),)
    assert req.target().endswith("?label=a%26force%3D1%3Fx%3D%2541%23y")
    req = sent(spec_v141, "!GET '/containers/json?all={{v}}'", v="1&force=1")
    assert req.query == (("all", "1&force=1"),)


@pytest.mark.parametrize("line", ["!GET /containers/json {{k}}==1", "!GET '/containers/json?{{k}}=1'"])
def test_a_query_key_is_never_a_variable(spec_v141, line):
    refused(spec_v141, line, "cannot stand in a query parameter's name", k="force")


def test_header_values_are_one_line_and_names_are_never_variables(spec_v141):
    assert sent(spec_v141, "GET /version X-A:{{v}}", v=HOSTILE).headers == (("X-A", HOSTILE),)
    for bad in ("a\r\nX-B: c", "a\nb", "a\0b"):
        refused(spec_v141, "GET /version X-A:{{v}}", "cannot hold a line break", v=bad)
    refused(spec_v141, "GET /version {{n}}:x", "cannot stand in a header's name", n="X-Registry-Auth")


def test_a_field_value_is_one_json_string(spec_v141):
    req = sent(spec_v141, "POST /containers/create Image={{v}}", v=HOSTILE)
    assert json.loads(req.body) == {"Image": HOSTILE}
    req = sent(spec_v141, "POST /containers/create Image={{v}}", v="@/etc/passwd")
    assert json.loads(req.body) == {"Image": "@/etc/passwd"} and req.body_file is None
    refused(spec_v141, "POST /containers/create Image={{v}}", "not valid UTF-8", v="\udcff")


def test_a_field_key_is_one_key(spec_v141):
    req = sent(spec_v141, "POST /containers/create Image=x 'Labels[{{k}}]=v'", k="a][b]=[c")
    assert json.loads(req.body) == {"Image": "x", "Labels": {"a][b]=[c": "v"}}


def test_json_items_take_values_as_strings_or_whole_values(spec_v141):
    v = 'a"],"Image":["b'
    req = sent(spec_v141, """POST /containers/create Image=x 'Cmd:=["echo","{{v}}"]'""", v=v)
    assert json.loads(req.body)["Cmd"] == ["echo", v]
    req = sent(spec_v141, "POST /containers/create Image=x Cmd:={{v}}", v='["sh", "-c"]')
    assert json.loads(req.body)["Cmd"] == ["sh", "-c"]
    refused(spec_v141, "POST /containers/create Image=x 'Cmd:=[{{v}}]'", "is not a JSON value", v='1],"Tty":[true')


@pytest.mark.parametrize("line, needle", [
    ("POST /containers/create {{v}}", "is not an item"),
    ("GET {{p}}", "cannot be the whole path"),
    ("{{p}}", "cannot be the whole path"),
])
def test_a_value_cannot_be_an_item_or_a_path(spec_v141, line, needle):
    refused(spec_v141, line, needle, v="@/etc/passwd", p="/version")


# -- around requests --------------------------------------------------------------------------------

def test_a_redirect_file_name_is_a_value_and_a_command_never_is(spec_v141, tmp_path):
    target = tmp_path / "out $(x) ; y.json"
    session, fake, _, err = canned_session(spec_v141)
    session.variables.update(f=str(target), x="; touch " + str(tmp_path / "canary"))
    assert session.execute("GET /_ping > {{f}}").ok, err.getvalue()
    assert target.exists()
    assert session.execute("GET /_ping | cat {{x}}").exit_code == 2
    assert b"cannot go into a `| command`" in err.getvalue()
    assert not (tmp_path / "canary").exists()


def test_meta_command_arguments_take_whole_values(spec_v141):
    session, _, _, err = canned_session(spec_v141)
    session.variables["v"] = "two words ; and {{x}}"
    assert session.execute("set copy = <{{v}}>").ok, err.getvalue()
    assert session.variables["copy"] == "<two words ; and {{x}}>"


def test_a_pasted_curl_line_is_curl_and_reads_no_references(spec_v141):
    session, fake, _, err = canned_session(spec_v141)
    session.variables["v"] = "EXPANDED"
    line = "curl -H 'X-A: {{v}}' -d '{\"a\":\"{{ v }}\"}' http://localhost/v1.41/containers/{{v}}/start"
    assert session.execute(line).ok, err.getvalue()
    req = fake.sent[0]
    assert req.headers[0] == ("X-A", "{{v}}") and req.body == b'{"a":"{{ v }}"}'
    assert req.path == "/containers/%7B%7Bv%7D%7D/start"


def test_the_environment_fills_slots_the_same_way(spec_v141):
    session, fake, _, err = canned_session(spec_v141)
    session.env = {"X": "../../volumes/x"}
    assert session.execute("DELETE /containers/{{env.X}}").exit_code == 2
    assert fake.sent == []


def test_canonical_and_references():
    assert slots.canonical("GET /c/{{ a }}/x {{env.B}}") == "GET /c/{{a}}/x {{env.B}}"
    assert slots.references("a {{x}} {{env.Y}} {{ x }}") == ["x", "env.Y", "x"]
    with pytest.raises(UsageError, match="unknown variable cid: .*set cid = VALUE.*--var cid=VALUE"):
        slots.lookup("cid", {}, {})
    with pytest.raises(UsageError, match="NOPE is not set in the environment"):
        slots.lookup("env.NOPE", {}, {})


def test_a_comment_may_name_an_unset_variable(spec_v141):
    assert sent(spec_v141, "GET /_ping # uses {{nothing}}").path == "/_ping"
