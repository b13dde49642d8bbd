"""request.build: a parsed line + the spec → the Request that is sent."""
from __future__ import annotations

import json

import pytest

from explorer.core.errors import UsageError
from explorer.http.request import build, split_target
from explorer.lang.commands import parse
from explorer.spec import load_index


@pytest.fixture(scope="module")
def index(spec_v141):
    return load_index(str(spec_v141))


def req(index, line, version="1.41"):
    return build(parse(line), index, version)


def test_method_defaults_to_get_or_the_only_method(index):
    assert req(index, "/containers/json").method == "GET"
    assert req(index, "/containers/x/start").method == "POST"
    assert req(index, "/containers/json").operation_id == "ContainerList"


def test_ambiguous_method_lists_choices(index):
    with pytest.raises(UsageError, match="DELETE"):
        req(index, "/containers/abc")


def test_literal_segments_beat_parameters(index):
    assert req(index, "GET /containers/json").operation_id == "ContainerList"
    assert req(index, "GET /containers/json/json").operation_id == "ContainerInspect"


def test_operation_id_fills_path_parameters_first(index):
    r = req(index, "ContainerInspect id==web size==1")
    assert r.path == "/containers/web/json" and r.query == (("size", "1"),)
    r = req(index, "ImageInspect name==docker.io/library/busybox:latest")
    assert r.target() == "/v1.41/images/docker.io/library/busybox:latest/json"


def test_repeated_query_keys_and_path_query(index):
    r = req(index, "GET '/containers/json?all=1' all==0 limit==2")
    assert r.query == (("all", "1"), ("all", "0"), ("limit", "2"))
    assert r.target() == "/v1.41/containers/json?all=1&all=0&limit=2"


def test_version_prefix_in_path_wins(index):
    r = req(index, "GET /v1.43/version")
    assert r.api_version == "1.43" and r.path == "/version"


def test_percent_encoding(index):
    r = req(index, "!GET '/containers/a b$/json' 'filters=={\"label\":[\"a=b\"]}'")  # ! : not a parameter
    assert r.target() == "/v1.41/containers/a%20b$/json?filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D"
    # a typed path goes as typed: its %XX escapes and dot segments too (the transport sets PATH_AS_IS)
    assert req(index, "!GET /containers/a%2Fb%41/json").path == "/containers/a%2Fb%41/json"
    assert req(index, "!GET /containers/../json").target() == "/v1.41/containers/../json"
    assert req(index, "!GET '/containers/%zz 100%/json'").path == "/containers/%25zz%20100%25/json"


def test_json_body_and_content_type(index):
    r = req(index, "POST /containers/create Image=busybox HostConfig[NetworkMode]=none Tty:=true")
    assert r.header("Content-Type") == "application/json"
    assert json.loads(r.body) == {"Image": "busybox", "HostConfig": {"NetworkMode": "none"}, "Tty": True}
    assert r.body == b'{"Image":"busybox","HostConfig":{"NetworkMode":"none"},"Tty":true}'


def test_file_body_takes_content_type_from_consumes(index, tmp_path):
    tar = tmp_path / "ctx.tar"
    tar.write_bytes(b"x")
    r = req(index, f"PUT /containers/x/archive path==/ @{tar}")
    assert r.body_file == str(tar) and r.header("Content-Type") == "application/x-tar"
    js = tmp_path / "create.json"
    js.write_text('{"Image": "busybox:local"}')
    assert req(index, f"POST /containers/create @{js}").header("Content-Type") == "application/json"
    r = req(index, f"POST /build @{tar}")
    assert r.header("Content-Type") == "application/octet-stream"  # what the v1.41 spec declares


def test_explicit_content_type_is_kept(index, tmp_path):
    tar = tmp_path / "ctx.tar"
    tar.write_bytes(b"x")
    r = req(index, f"POST /build Content-Type:application/octet-stream @{tar}")
    assert [v for k, v in r.headers if k == "Content-Type"] == ["application/octet-stream"]


@pytest.mark.parametrize("line, message", [
    ("GET /contaners/json", "closest: GET /containers/json"),
    ("POST /containers/json", "it has GET"),
    ("ContainerLis", "closest: ContainerList"),
    ("ContainerInspect", "needs path parameter id"),
    ("GET /images/search", "needs query parameter term"),
    ("DELETE ContainerList", "is GET /containers/json"),
    ("POST /containers/create Image=x @/etc/hostname", "not both"),
    ("POST /build @/no/such/file", "no such file"),
    ("GET /version $'X-Bad:a\\nb'", "line breaks"),
])
def test_errors(index, line, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        req(index, line)


def test_without_a_spec_paths_still_work():
    r = build(parse("/anything/at/all x==1"), None, "1.41")
    assert (r.method, r.target()) == ("GET", "/v1.41/anything/at/all?x=1")
    with pytest.raises(UsageError, match="no spec"):
        build(parse("ContainerList"), None, "1.41")


@pytest.mark.parametrize("target, expected", [
    ("/v1.41/containers/json?all=1", ("/containers/json", (("all", "1"),), "1.41")),
    ("/version", ("/version", (), None)),
    ("/v1.41", ("/", (), "1.41")),
    ("/v1.41x/foo", ("/v1.41x/foo", (), None)),
    ("/v5.0.0/libpod/info", ("/libpod/info", (), "5.0.0")),
    ("/containers/a%20b/json", ("/containers/a%20b/json", (), None)),
    ("/containers/a b{x}/json", ("/containers/a%20b%7Bx%7D/json", (), None)),
])
def test_split_target(target, expected):
    assert split_target(target) == expected


@pytest.mark.parametrize("line, message", [
    # a typo in the last segment is not a container named "web/strat", and DELETE is never the fix
    ("POST /containers/web/strat", "unknown path /containers/web/strat; closest: POST /containers/{id}/start"),
    ("/containers/web/strat", "unknown path /containers/web/strat; closest: GET /containers/{id}/stats"),
    # the `docker inspect` habit: the path one segment short of an operation
    ("GET /containers/web", "GET is not an operation of /containers/web; closest: GET /containers/web/json"),
    ("/containers/web", "/containers/web is DELETE only, which is never implied; closest: GET /containers/web/json"),
    ("GET /container/json", "unknown path /container/json; closest: GET /containers/json"),
    # a destructive operation is never offered, even for the method typed: kill is left out
    ("POST /containers/web/kil", "unknown path /containers/web/kil; closest: POST /containers/{id}/wait"),
])
def test_path_errors_point_at_the_closest_request_that_fits(index, line, message):
    with pytest.raises(UsageError) as err:
        req(index, line)
    assert str(err.value) == message


def test_image_names_still_span_segments(index):
    assert req(index, "DELETE /images/docker.io/library/busybox").operation_id == "ImageDelete"


def test_an_object_body_with_no_required_fields_given_none_is_an_empty_object(index):
    r = req(index, "POST /exec/abc/start")
    assert (r.body, r.header("Content-Type")) == (b"{}", "application/json")
    assert req(index, "POST /volumes/create").body == b"{}"
    assert req(index, "POST /containers/web/start").body is None  # no body in the spec: none sent
    # a versioned update replaces the whole spec: {} would empty it, so it is not made up
    with pytest.raises(UsageError, match="ServiceUpdate needs a body"):
        req(index, "POST /services/s/update version==1")
