"""validate.check: a built request against the real v1.41 and v1.56 specs; `!` sends anyway."""
from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.core.errors import UsageError
from explorer.http import validate
from explorer.http.request import JSON, Request, build
from explorer.lang.commands import parse
from explorer.shell.session import Session
from explorer.spec import SpecIndex, load_index
from explorer.spec.model import Operation, Param, SpecInfo


@pytest.fixture(scope="module")
def v141(spec_v141):
    return load_index(str(spec_v141))


@pytest.fixture(scope="module")
def v156(spec_dir):
    return load_index(str(spec_dir / "v1.56.yaml"))


@pytest.fixture(params=["v141", "v156"])
def index(request):
    return request.getfixturevalue(request.param)


def req(index, line):
    return build(parse(line), index, "1.41")


def refused(index, line) -> str:
    with pytest.raises(UsageError) as caught:
        req(index, line)
    message = str(caught.value)
    assert message.endswith("; prefix the line with ! to send anyway"), message
    assert "\n" not in message
    return message


GOOD = [
    "GET /_ping",
    "ContainerList",
    "GET /containers/json all==1 limit==3 size==false 'filters={\"status\":[\"exited\"]}'",
    "GET /containers/json all==True all==0 all==no",
    "GET /containers/x/logs stdout==1 tail==all since==-5",
    "ContainerWait id==x condition==next-exit",
    "GET /images/search term==busybox",
    "POST /containers/create Image=busybox:local HostConfig[NetworkMode]=none "
    "'Cmd:=[\"sh\",\"-c\",\"echo hi\"]'",
    "POST /containers/create Image=busybox Cmd=date Entrypoint=sh",  # Docker's StrSlice takes a string
    "POST /containers/create Image=x HostConfig[Memory]:=67108864 HostConfig[AutoRemove]:=true "
    "StopTimeout:=null",
    "POST /containers/create Image=x 'ExposedPorts[80/tcp]:={}' Labels[a]=b 'Volumes[/data]:={}'",
    "POST /containers/create Image=x HostConfig[RestartPolicy][Name]=on-failure "
    "HostConfig[RestartPolicy][MaximumRetryCount]:=3",
    "POST /containers/create Image=x 'HostConfig[PortBindings][80/tcp][0][HostPort]=8080'",
    "POST /containers/create Image=x HostConfig[Mounts][0][Type]=tmpfs HostConfig[Mounts][0][Target]=/t",
    "POST /containers/create image=x hostconfig[networkmode]=none",  # Go matches JSON keys ignoring case
    "POST /containers/create Image=x NotInTheSpec=1",  # unknown fields: the schema allows them
    "POST /networks/create Name=n Internal:=true",
    "POST /networks/create name=n",
    "POST /volumes/create Name=v Labels[a]=b",
    "POST /containers/x/exec 'Cmd:=[\"echo\"]' AttachStdout:=true",
]


@pytest.mark.parametrize("line", GOOD)
def test_good_requests_pass(index, line):
    assert req(index, line).method in ("GET", "POST")


BAD = [
    ("GET /containers/json alll==1", "ContainerList has no query parameter alll (did you mean all?)"),
    ("GET /_ping foo==1", "has no query parameter foo (it takes none)"),
    ("GET /containers/json zzz==1", "(it has all, filters, limit, size)"),
    ("GET /containers/json all==maybe", "ContainerList: all==maybe is not a boolean (use 1/0 or true/false)"),
    ("GET /containers/json limit==ten", "limit==ten is not an integer"),
    ("ContainerWait id==x condition==sometimes",
     "condition==sometimes is not one of not-running, next-exit, removed"),
    ("GET /images/search", "ImageSearch needs query parameter term (add term==VALUE)"),
    ("POST /images/x/push", "ImagePush needs header X-Registry-Auth (add X-Registry-Auth:VALUE)"),
    ("POST /services/s/update version==1", "ServiceUpdate needs a body: add body fields"),
    ("PUT /containers/x/archive path==/", "PutContainerArchive needs a body: add @file"),
    ("POST /containers/create Image=x HostConfig[Memory]=512",
     'field HostConfig[Memory] is a string ("512"), the spec wants an integer '
     "(write HostConfig[Memory]:=512 to send it as JSON)"),
    ("POST /containers/create Image=x Tty=true", "(write Tty:=true to send it as JSON)"),
    # a value that must be quoted to be pasted is; one too long to write again is only named
    ("POST /containers/create Image=x 'HostConfig[Binds]=[\"/a:/b\", \"/c:/d\"]'",
     "(write 'HostConfig[Binds]:=[\"/a:/b\", \"/c:/d\"]' to send it as JSON)"),
    ("POST /containers/create Image=x 'HostConfig[Binds]=[" + ", ".join(['"/a:/b"'] * 30) + "]'",
     "(write HostConfig[Binds]:= instead of = to send it as JSON)"),
    ("POST /containers/create Image:=5",
     "ContainerCreate body: field Image is an integer (5), the spec wants a string"),
    ("POST /containers/create Image=x Env=A=1", "field Env is a string"),
    ("POST /containers/create Image=x 'Env:=[1]'", "field Env[0] is an integer (1), the spec wants a string"),
    ("POST /containers/create Image=x Hostname:=null", "field Hostname is null, which the spec does not allow"),
    ("POST /containers/create Image=x Labels[a]:=1", "field Labels[a] is an integer"),
    ("POST /containers/create Image=x HostConfig[RestartPolicy][Name]=sometimes",
     'field HostConfig[RestartPolicy][Name] is "sometimes", not one of "", "no", "always"'),
    ("POST /containers/create Image=x 'ExposedPorts[80/tcp][x]=1'",
     'field ExposedPorts[80/tcp] is {"x": "1"}, not one of {}'),
    ("POST /containers/create Image=x HostConfig:=[]",
     "field HostConfig is an array ([]), the spec wants an object"),
    ("POST /containers/create Image=x HostConfig[Mounts][0][ReadOnly]=yes",
     "field HostConfig[Mounts][0][ReadOnly] is a string"),
    ("POST /networks/create Driver=bridge",
     "NetworkCreate body: the body lacks required field Name (add Name=VALUE)"),
]


# Bounds in both specs: Resources (MemorySwappiness 0..100, BlkioWeight 0..1000, BlkioWeightDevice
# Weight ≥ 0), ThrottleDevice Rate ≥ 0, HostConfig ShmSize ≥ 0 and ConsoleSize: two integers ≥ 0.
BOUNDED = "POST /containers/create Image=x "
WITHIN = [BOUNDED + item for item in (
    "HostConfig[MemorySwappiness]:=100", "HostConfig[MemorySwappiness]:=0", "HostConfig[BlkioWeight]:=1000",
    "HostConfig[ShmSize]:=0", "HostConfig[ConsoleSize]:=[0,80]", "HostConfig[BlkioWeightDevice][0][Weight]:=0",
    "HostConfig[BlkioDeviceReadBps][0][Rate]:=0")]
BEYOND = [(BOUNDED + item, message) for item, message in (
    ("HostConfig[MemorySwappiness]:=500", "field HostConfig[MemorySwappiness] is 500, the spec wants at most 100"),
    ("HostConfig[MemorySwappiness]:=101", "is 101, the spec wants at most 100"),
    ("HostConfig[MemorySwappiness]:=-1", "field HostConfig[MemorySwappiness] is -1, the spec wants at least 0"),
    ("HostConfig[BlkioWeight]:=1001", "field HostConfig[BlkioWeight] is 1001, the spec wants at most 1000"),
    ("HostConfig[ShmSize]:=-1", "field HostConfig[ShmSize] is -1, the spec wants at least 0"),
    ("HostConfig[ConsoleSize]:=[24]", "field HostConfig[ConsoleSize] is [24], the spec wants at least 2 items"),
    ("HostConfig[ConsoleSize]:=[24,80,1]", "is [24, 80, 1], the spec wants at most 2 items"),
    ("HostConfig[ConsoleSize]:=[-1,80]", "field HostConfig[ConsoleSize][0] is -1, the spec wants at least 0"),
    ("HostConfig[BlkioWeightDevice][0][Weight]:=-5", "field HostConfig[BlkioWeightDevice][0][Weight] is -5"),
    ("HostConfig[BlkioDeviceWriteIOps][0][Rate]:=-1", "field HostConfig[BlkioDeviceWriteIOps][0][Rate] is -1"),
)]


@pytest.mark.parametrize("line", WITHIN)
def test_values_within_the_specs_bounds_pass(index, line):
    assert req(index, line).body


@pytest.mark.parametrize("line, message", BEYOND)
def test_values_beyond_the_specs_bounds_are_refused(index, line, message):
    assert message in refused(index, line)
    assert req(index, "!" + line).body


# Only v1.56 has these: tmpfs options are [name] or [name, value]; a service's MemorySwappiness may be -1.
SERVICE = "POST /services/create Name=s TaskTemplate[ContainerSpec][Image]=x TaskTemplate[Resources]"


@pytest.mark.parametrize("line, v141_says, v156_says", [
    (BOUNDED + "HostConfig[Mounts][0][Type]=tmpfs HostConfig[Mounts][0][Target]=/t "
     "'HostConfig[Mounts][0][TmpfsOptions][Options]:=[[\"noexec\"],[\"mode\",\"1770\"]]'", None, None),
    (BOUNDED + "HostConfig[Mounts][0][Type]=tmpfs HostConfig[Mounts][0][Target]=/t "
     "'HostConfig[Mounts][0][TmpfsOptions][Options]:=[[]]'",
     None, "field HostConfig[Mounts][0][TmpfsOptions][Options][0] is [], the spec wants at least 1 item"),
    (SERVICE + "[MemorySwappiness]:=-1", None, None),
    (SERVICE + "[MemorySwappiness]:=-2", None,
     "field TaskTemplate[Resources][MemorySwappiness] is -2, the spec wants at least -1"),
    (SERVICE + "[SwapBytes]:=-2", None, "field TaskTemplate[Resources][SwapBytes] is -2, the spec wants at least -1"),
    ("POST /containers/x/exec 'Cmd:=[\"sh\"]' 'ConsoleSize:=[1]'", None,
     "field ConsoleSize is [1], the spec wants at least 2 items"),
])
def test_bounds_only_one_spec_has(v141, v156, line, v141_says, v156_says):
    for index, says in ((v141, v141_says), (v156, v156_says)):
        if says is None:  # (v1.41's TmpfsOptions has no Options: an unknown field is not checked)
            assert req(index, line).body
        else:
            assert says in refused(index, line)


@pytest.mark.parametrize("line, message", BAD)
def test_mismatches_are_refused_with_a_clear_line(index, line, message):
    assert message in refused(index, line)


@pytest.mark.parametrize("line, _", BAD)
def test_a_leading_bang_builds_it_anyway(index, line, _):
    r = req(index, "!" + line)
    assert r.target().startswith("/v1.41/")


def test_bang_keeps_the_request_as_typed(v141):
    r = req(v141, "!POST /containers/create Image=x Tty=true alll==1")
    assert json.loads(r.body) == {"Image": "x", "Tty": "true"} and r.query == (("alll", "1"),)


def test_json_body_files_are_checked(v141, tmp_path):
    good, bad, broken = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "broken.json"
    good.write_text('{"Image": "busybox", "HostConfig": {"NetworkMode": "none"}}')
    bad.write_text('{"Image": "busybox", "HostConfig": {"Memory": "1g"}}')
    broken.write_text('{"Image": ')
    create = "POST /containers/create Content-Type:application/json @"
    assert req(v141, f"{create}{good}").body_file == str(good)
    assert "field HostConfig[Memory] is a string" in refused(v141, f"{create}{bad}")
    assert f"@{broken} is not valid JSON" in refused(v141, f"{create}{broken}")


def test_binary_bodies_are_not_read(v141, tmp_path):
    tar = tmp_path / "ctx.tar"
    tar.write_bytes(b"\x00not json")
    assert req(v141, f"POST /build @{tar}").body_file == str(tar)
    assert req(v141, f"PUT /containers/x/archive path==/ @{tar}").body_file == str(tar)


def test_without_a_spec_nothing_is_checked():
    assert build(parse("GET /anything alll==1"), None, "1.41").query == (("alll", "1"),)
    validate.check(None, Request("GET", "/x", (("a", "b"),)), None)


# -- a schema with a cycle, and OpenAPI 3 shapes, without a real spec ---------------------

def tiny_index(body_schema, definitions) -> SpecIndex:
    op = Operation("POST", "/tree", "Tree", params=(Param("body", "body", required=True, schema=body_schema),),
                   consumes=(JSON,))
    return SpecIndex(SpecInfo(source="tiny", sha256=""), (op,), definitions)


def check_body(index, doc) -> None:
    body = json.dumps(doc).encode()
    request = Request("POST", "/tree", body=body, headers=(("Content-Type", JSON),))
    validate.check(index.by_id("Tree"), request, index)


NODE = {"type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "child": {"$ref": "#/definitions/Node"},
                       "kind": {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["a", "b"]}]},
                       "note": {"type": ["string", "null"]}}}


def test_a_recursive_schema_is_followed_as_deep_as_the_data():
    index = tiny_index({"$ref": "#/definitions/Node"}, {"Node": NODE})
    check_body(index, {"name": "a", "child": {"name": "b", "child": {"name": "c"}}, "kind": 3, "note": None})
    with pytest.raises(UsageError, match=r"field child\[child\]\[name\] is an integer"):
        check_body(index, {"name": "a", "child": {"name": "b", "child": {"name": 1}}})
    with pytest.raises(UsageError, match=r"field child\[child\] lacks required field name"):
        check_body(index, {"name": "a", "child": {"name": "b", "child": {}}})
    with pytest.raises(UsageError, match=r'field kind \("c"\) fits none of the shapes'):
        check_body(index, {"name": "a", "kind": "c"})


def test_additional_properties_false_names_the_closest_field():
    index = tiny_index({"type": "object", "additionalProperties": False,
                        "properties": {"Name": {"type": "string"}}}, {})
    check_body(index, {"Name": "x"})
    with pytest.raises(UsageError, match=r"field Nmae is not a field the spec allows \(did you mean Name\?\)"):
        check_body(index, {"Nmae": "x"})


def test_enum_members_compare_as_json_values():
    """The rule `expect` uses (jsonvalues.same): 1.0 is the enum's 1, true is not."""
    index = tiny_index({"type": "object", "properties": {"n": {"enum": [1, 2]}, "b": {"enum": [True]},
                                                         "o": {"enum": [{"a": [0]}]}}}, {})
    check_body(index, {"n": 1.0, "b": True, "o": {"a": [0.0]}})
    for bad in ({"n": True}, {"b": 1}, {"o": {"a": [False]}}):
        with pytest.raises(UsageError, match="not one of"):
            check_body(index, bad)


def test_the_specs_own_patterns_and_lengths_are_checked(v156):
    """v1.56 bounds a container Id: 64 hex digits (a response schema, checked here as a body)."""
    index = tiny_index({"$ref": "#/definitions/ContainerSummary"}, v156.definitions)
    check_body(index, {"Id": "0123456789abcdef" * 4, "Names": ["/web"]})
    with pytest.raises(UsageError, match=r'field Id is "abc", the spec wants at least 64 characters'):
        check_body(index, {"Id": "abc"})
    with pytest.raises(UsageError, match=r'field Id is "g+\.\.\., the spec wants a match for \^\[0-9a-fA-F\]\{64\}\$;'):
        check_body(index, {"Id": "g" * 64})


def query_index(*params) -> SpecIndex:
    op = Operation("GET", "/q", "Query", params=params)
    return SpecIndex(SpecInfo(source="tiny", sha256=""), (op,), {})


def check_query(index, *query) -> None:
    validate.check(index.by_id("Query"), Request("GET", "/q", tuple(query)), index)


def test_query_values_are_held_to_bounds_the_loader_kept():
    """A query parameter's bounds, when its Param carries them as a schema (ContainerCreate's name==)."""
    index = query_index(Param("name", "query", "string", schema={"pattern": "^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$"}),
                        Param("n", "query", "integer", schema={"minimum": 1, "maximum": 10}),
                        Param("f", "query", "number", schema={"maximum": 1, "exclusiveMaximum": True}),
                        Param("plain", "query", "integer"))
    check_query(index, ("name", "web-1"), ("n", "1"), ("n", "10"), ("f", "0.5"), ("plain", "99999"))
    for query, message in [
        (("name", "we b"), "Query: name==we b does not fit: the spec wants a match for ^/?[a-zA-Z0-9]"),
        (("n", "0"), "Query: n==0 does not fit: the spec wants at least 1"),
        (("n", "+11"), "Query: n==+11 does not fit: the spec wants at most 10"),
        (("f", "1.0"), "Query: f==1.0 does not fit: the spec wants less than 1"),
        (("n", "ten"), "Query: n==ten is not an integer"),
    ]:
        with pytest.raises(UsageError) as caught:
            check_query(index, query)
        assert str(caught.value).startswith(message) and str(caught.value).endswith(validate.SEND_ANYWAY)


def test_very_deep_data_is_not_a_crash():
    index = tiny_index({"$ref": "#/definitions/Node"}, {"Node": NODE})
    doc = {"name": "leaf"}
    for _ in range(500):
        doc = {"name": "n", "child": doc}
    check_body(index, doc)  # beyond MAX_DEPTH the rest is sent unchecked


# -- properties ---------------------------------------------------------------------------

def json_values(keys):
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(keys | st.text(max_size=6), inner, max_size=5), max_leaves=30)


CONTAINER_KEYS = st.sampled_from(["Image", "Cmd", "Env", "HostConfig", "NetworkMode", "Memory", "RestartPolicy",
                                  "Name", "Mounts", "PortBindings", "Labels", "ExposedPorts", "Healthcheck",
                                  "Test", "StopTimeout", "NetworkingConfig", "EndpointsConfig", "IPAMConfig"])


@settings(max_examples=300, deadline=None)
@given(doc=json_values(CONTAINER_KEYS), op_id=st.sampled_from(
    ["ContainerCreate", "ContainerUpdate", "NetworkCreate", "ServiceCreate", "ContainerExec", "SwarmInit"]))
def test_any_json_body_is_accepted_or_refused_with_a_usage_error(v156, doc, op_id):
    op = v156.by_id(op_id)
    body = json.dumps(doc).encode()
    try:
        validate.check(op, Request(op.method, op.path, body=body, headers=(("Content-Type", JSON),)), v156)
    except UsageError as err:
        assert str(err).endswith(validate.SEND_ANYWAY)


@settings(max_examples=200, deadline=None)
@given(query=st.lists(st.tuples(st.sampled_from(["all", "limit", "size", "filters", "x"]), st.text(max_size=6)),
                      max_size=4))
def test_any_query_is_accepted_or_refused_with_a_usage_error(v141, query):
    op = v141.by_id("ContainerList")
    try:
        validate.check(op, Request("GET", "/containers/json", tuple(query)), v141)
    except UsageError as err:
        assert str(err).endswith(validate.SEND_ANYWAY)


# -- through the session: nothing is sent, unless `!` -----------------------------------------

class CountingTransport:
    """The transport seam: records what would have been sent."""

    def __init__(self, endpoint, timeout=0):
        self.sent = []

    def send(self, req, sink=None, on_headers=None, eager=False, timeout=None):
        from explorer.http.message import Response

        self.sent.append(req)
        return Response(200, "OK", (), b"", 0.0, 0)

    def close(self):
        pass


def test_a_refused_line_sends_nothing_and_bang_sends_it(spec_v141):
    err = io.BytesIO()
    session = Session(Settings(host="unix:///nonexistent", spec=str(spec_v141), api_version="1.41"),
                      Console(stdout=io.BytesIO(), stderr=err), env={}, transport_factory=CountingTransport)
    assert session.execute("GET /containers/json alll==1").exit_code == 2
    assert session.transport().sent == []
    assert err.getvalue().decode().count("\n") == 1 and b"did you mean all?" in err.getvalue()
    assert session.execute("!GET /containers/json alll==1").ok
    assert [r.query for r in session.transport().sent] == [(("alll", "1"),)]


def test_the_engine_refuses_what_validation_refuses(engine_host, docker_api, busybox_image, spec_v141,
                                                   unique_name):
    """Proof that a refusal is right: the real engine refuses the same line sent with `!`."""
    err = io.BytesIO()
    session = Session(Settings(host=engine_host, spec=str(spec_v141)), Console(stdout=io.BytesIO(), stderr=err),
                      env={})
    line = (f"POST /containers/create name=={unique_name} Image={busybox_image} "
            "HostConfig[NetworkMode]=none Tty=true")
    try:
        assert session.execute(line).exit_code == 2 and b"write Tty:=true" in err.getvalue()
        outcome = session.execute("!" + line)
        assert outcome.status in (400, 500) and outcome.exit_code == 1  # 20.10 says 500 for bad JSON
        assert b"cannot unmarshal string" in session.last_response.body
        assert docker_api.call("GET", f"/containers/{unique_name}/json")[0] == 404
        assert session.execute(line.replace("Tty=true", "Tty:=true")).status == 201
    finally:
        session.execute(f"!DELETE /containers/{unique_name} force==1")
        session.close()


def test_the_engine_refuses_the_bound_validation_enforces(engine_host, docker_api, busybox_image, spec_v141,
                                                          unique_name):
    """MemorySwappiness above the spec's maximum: refused here, and by the engine when sent with `!`."""
    err = io.BytesIO()
    session = Session(Settings(host=engine_host, spec=str(spec_v141)), Console(stdout=io.BytesIO(), stderr=err),
                      env={})
    line = (f"POST /containers/create name=={unique_name} Image={busybox_image} "
            "HostConfig[NetworkMode]=none HostConfig[MemorySwappiness]:=500")
    try:
        assert session.execute(line).exit_code == 2
        assert b"is 500, the spec wants at most 100" in err.getvalue()
        outcome = session.execute("!" + line)
        assert (outcome.status, outcome.exit_code) == (400, 1)
        assert b"valid memory swappiness range is 0-100" in session.last_response.body
        assert docker_api.call("GET", f"/containers/{unique_name}/json")[0] == 404
        assert session.execute(line.replace(":=500", ":=100")).status == 201
    finally:
        session.execute(f"!DELETE /containers/{unique_name} force==1")
        session.close()


@pytest.mark.parametrize("op_id", ["ContainerCreate", "ContainerUpdate",
                                   "ServiceCreate", "ServiceUpdate", "SecretCreate", "ConfigCreate",
                                   "SwarmInit", "SwarmJoin", "ContainerExec", "PluginPull"])
def test_the_specs_own_body_examples_pass(index, op_id):
    """No false alarms on what the spec itself shows as a good body."""
    op = index.by_id(op_id)
    example = op.body.schema.get("example") or index.resolve(op.body.schema).get("example")
    assert example is not None
    query = tuple((p.name, "1") for p in op.params if p.location == "query" and p.required)
    body = json.dumps(example).encode()
    validate.check(op, Request(op.method, op.path, query, (("Content-Type", JSON),), body=body), index)


def test_a_query_parameter_is_held_to_its_bounds_from_the_spec(spec_v141):
    """ContainerCreate's name== has a pattern in the spec: the loader keeps it and the check uses it."""
    from explorer.http.request import build
    from explorer.lang.commands import parse
    from explorer.spec import load_index

    index = load_index(str(spec_v141))
    assert build(parse("POST /containers/create name==web-1 Image=x"), index, "1.41").query == (("name", "web-1"),)
    with pytest.raises(UsageError, match="name"):
        build(parse("POST /containers/create 'name==bad name!' Image=x"), index, "1.41")


def test_a_type_hint_names_colon_equals(v141):
    with pytest.raises(UsageError) as err:
        req(v141, "POST /containers/create Image=x HostConfig[Memory]=abc")
    assert "the spec wants an integer (write it as JSON with :=, e.g. HostConfig[Memory]:=1)" in str(err.value)


def test_an_unknown_body_field_is_a_warning_where_the_schema_allows_any(v141):
    heard = []
    r = build(parse("POST /containers/create Imag=busybox:local"), v141, "1.41", warn=heard.append)
    assert json.loads(r.body) == {"Imag": "busybox:local"}  # still sent: the schema allows extra fields
    assert heard == ["warning: ContainerCreate body: field Imag is not in the spec (did you mean Image?); "
                     "sent as written"]
    heard.clear()
    build(parse("POST /containers/create Image=x HostConfig[Memry]:=1"), v141, "1.41", warn=heard.append)
    assert heard == ["warning: ContainerCreate body: field HostConfig[Memry] is not in the spec "
                     "(did you mean Memory?); sent as written"]
    heard.clear()
    build(parse("POST /containers/create Image=x Labels[anything]=1"), v141, "1.41", warn=heard.append)
    assert heard == []  # a map's keys are the user's
