"""explorer.spec.index: lookups over real Docker/Podman specs and small hand-written ones."""
from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from explorer.spec.index import SpecIndex, build_index
from explorer.spec.load import load_document, parse_document


def _shared_specs() -> Path:
    folder = os.environ.get("ENGINE_EXPLORER_SPEC_DIR")
    return Path(folder).parent if folder else Path(__file__).resolve().parents[2] / "shared/specs"


DOCKER = [f"docker-engine/v1.{n}.yaml" for n in range(41, 57)]
PODMAN = ["podman/swagger-v5.4.2.yaml", "podman/swagger-latest-main-2026-04-15.yaml"]


@functools.cache
def real(name: str) -> SpecIndex:
    """Each mirror is parsed once per test run (a YAML parse takes ~0.3 s)."""
    path = _shared_specs() / name
    if not path.exists():
        pytest.skip(f"spec mirror not found at {path}")
    return build_index(load_document(str(path)), str(path), "0" * 64)


def inline(text: str, name: str = "inline.yaml") -> SpecIndex:
    return build_index(parse_document(text.encode(), name), name, "0" * 64)


# -- every real spec --

@pytest.mark.parametrize("name", DOCKER + PODMAN)
def test_real_spec_indexes(name):
    index = real(name)
    assert index.by_id("ContainerList").path == "/containers/json"
    create = index.by_id("ContainerCreate")
    assert create.method == "POST" and create.body is not None and create.body.schema
    assert index.templates() == sorted(set(index.templates()))
    assert len({op.operation_id for op in index.operations}) == len(index.operations)
    for op in index.operations:
        assert index.get(op.method, op.path) is op
        assert op.method in index.methods(op.path)
        assert all(isinstance(code, str) for code, _ in op.responses)


@pytest.mark.parametrize("name", DOCKER + PODMAN)
def test_real_spec_matches_concrete_paths(name):
    index = real(name)
    inspect = "/containers/{id}/json" if name in DOCKER else "/containers/{name}/json"
    template, params = index.match("/containers/abc/json")[0]
    assert template == inspect and list(params.values()) == ["abc"]
    assert index.get("GET", template).operation_id == "ContainerInspect"
    assert index.match("/containers/json")[0] == ("/containers/json", {})
    assert index.match("/images/docker.io/library/busybox:latest/json")[0] == (
        "/images/{name}/json", {"name": "docker.io/library/busybox:latest"})
    ping = "/_ping" if name in DOCKER else "/libpod/_ping"  # podman's spec omits its compat /_ping
    assert index.match(ping)[0] == (ping, {})
    assert index.match("/no/such/thing") == []


@pytest.mark.parametrize("name", DOCKER + PODMAN)
def test_real_spec_suggests_close_paths_and_ids(name):
    index = real(name)
    assert index.closest_paths("/contaners/json")[0] == "/containers/json"
    assert "ContainerList" in index.closest_ids("containerlst")
    assert index.by_id_ci("containerlist").operation_id == "ContainerList"


@pytest.mark.parametrize("name", [DOCKER[0], DOCKER[-1], PODMAN[0]])
def test_real_spec_resolves_every_definition(name):
    index = real(name)
    for key in index.definitions:
        assert "$ref" not in index.resolve(index.definitions[key]) or key  # no exception, no hang
    body = index.resolve(index.by_id("ContainerCreate").body.schema)
    assert {"Image", "HostConfig"} <= set(body["properties"])  # allOf merged
    assert "allOf" not in body


def test_docker_specifics():
    index = real(DOCKER[-1])
    assert index.info.api_version == "1.56" and index.info.flavour == "docker"
    assert [tag for tag, _ in index.tags()][:3] == ["Container", "Image", "Network"]
    assert index.methods("/containers/{id}") == ["DELETE"]
    assert index.methods("/images/{name}") == ["DELETE"]
    assert index.match("/plugins/vieux/sshfs:latest/enable")[0] == (
        "/plugins/{name}/enable", {"name": "vieux/sshfs:latest"})
    assert index.match("/distribution/registry.example/a/b/json")[0] == (
        "/distribution/{name}/json", {"name": "registry.example/a/b"})
    assert index.get("get", "/containers/{id}/json").param("id", "path").required
    assert index.by_id("ContainerList").produces == ("application/json",)
    assert index.by_id("ContainerList").consumes == ("application/json", "text/plain")  # global


def test_podman_specifics():
    index = real(PODMAN[0])
    assert index.info.flavour == "podman" and index.info.api_version == ""
    responses = dict(index.by_id("ContainerListLibpod").responses)
    assert responses["200"]  # described through #/responses/… refs


docker = real(DOCKER[-1]) if (_shared_specs() / DOCKER[-1]).exists() else None


@pytest.mark.skipif(docker is None, reason="spec mirror not found")
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_template_matches_itself_filled_in(data):
    template = data.draw(st.sampled_from(docker.templates()))
    segment = st.text("abcdefghijklmnopqrstuvwxyz0123456789_.:-@", min_size=1, max_size=20)
    values = {}
    path = template
    for name in [part[1:-1] for part in template.split("/") if part.startswith("{")]:
        values[name] = data.draw(segment)
        path = path.replace("{" + name + "}", values[name])
    assert (template, values) in docker.match(path)


@pytest.mark.skipif(docker is None, reason="spec mirror not found")
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789._:-", min_size=1, max_size=12),
                min_size=2, max_size=5))
def test_image_names_with_slashes_match(parts):
    name = "/".join(parts)
    assert docker.match(f"/images/{name}/json")[0] == ("/images/{name}/json", {"name": name})
    assert docker.match(f"/images/{name}/push")[0] == ("/images/{name}/push", {"name": name})
    literal_suffixes = {t.rsplit("/", 1)[1] for t in docker.templates() if t.startswith("/images/{name}/")}
    assume(parts[-1] not in literal_suffixes)  # /images/a/get is GET /images/{name}/get, rightly
    assert docker.match(f"/images/{name}")[0] == ("/images/{name}", {"name": name})


# -- hand-written specs --

OPENAPI3 = """\
openapi: 3.0.3
info: {title: Toy, version: "2.0.0"}
servers: [{url: "http://localhost/api/v2"}]
tags: [{name: b}, {name: a}]
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: verbose, in: query, schema: {type: boolean}}
      - $ref: "#/components/parameters/Limit"
    get:
      tags: [a]
      parameters:
        - {name: verbose, in: query, description: overridden, schema: {type: integer, enum: [1, 2]}}
      responses:
        200:
          description: a thing
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
        404: {$ref: "#/components/responses/NotFound"}
    put:
      tags: [b]
      operationId: ThingPut
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: "#/components/schemas/Thing"}}
          application/x-yaml: {schema: {type: string}}
      responses:
        204: {description: done}
  /things:
    post:
      requestBody: {$ref: "#/components/requestBodies/NewThing"}
      responses: {201: {description: created, content: {text/plain: {}}}}
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: array, items: {type: integer}}, description: at most}
  responses:
    NotFound: {description: no such thing}
  requestBodies:
    NewThing: {content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
  schemas:
    Thing:
      type: object
      properties:
        parent: {$ref: "#/components/schemas/Thing"}
        tags: {type: array, items: {$ref: "#/components/schemas/Tag"}}
    Tag: {type: string}
"""


def test_openapi3_is_mapped_onto_the_model():
    index = inline(OPENAPI3)
    get = index.get("GET", "/things/{id}")
    assert get.operation_id == "getThingsId"  # synthesised
    assert [(p.name, p.location) for p in get.params] == [("id", "path"), ("verbose", "query"), ("limit", "query")]
    verbose = get.param("verbose")
    assert (verbose.type, verbose.enum, verbose.description) == ("integer", (1, 2), "overridden")
    limit = get.param("limit")
    assert (limit.type, limit.items, limit.description) == ("array", "integer", "at most")
    assert get.produces == ("application/json",)
    assert dict(get.responses) == {"200": "a thing", "404": "no such thing"}
    put = index.by_id("ThingPut")
    assert put.body.required and put.body.schema == {"$ref": "#/components/schemas/Thing"}
    assert put.consumes == ("application/json", "application/x-yaml")
    post = index.get("POST", "/things")
    assert post.body.name == "body" and post.consumes == ("application/json",)
    assert post.produces == ("text/plain",)
    assert set(index.definitions) == {"Thing", "Tag"}
    assert [tag for tag, _ in index.tags()] == ["b", "a", "default"]
    assert index.info.extra["base_path"] == "/api/v2" and index.info.flavour == "other"


def test_cycles_are_left_as_refs_at_the_point_of_recursion():
    index = inline(OPENAPI3)
    thing = index.resolve({"$ref": "#/components/schemas/Thing"})
    assert thing["properties"]["parent"] == {"$ref": "#/components/schemas/Thing"}
    assert thing["properties"]["tags"]["items"] == {"type": "string"}
    assert index.resolve({"$ref": "#/components/schemas/Thing"}) == thing


SWAGGER_CYCLE = """\
swagger: "2.0"
info: {title: Cycles, version: "1"}
paths: {}
definitions:
  A: {type: object, properties: {b: {$ref: "#/definitions/B"}}}
  B: {type: object, properties: {a: {$ref: "#/definitions/A"}, c: {$ref: "#/definitions/C"}}}
  C: {allOf: [{$ref: "#/definitions/D"}, {properties: {y: {type: integer}}, required: [y]}],
      description: a C}
  D: {type: object, properties: {x: {type: string}}, required: [x]}
  Self: {type: array, items: {$ref: "#/definitions/Self"}}
  Odd~Name/x: {type: boolean}
  E: {properties: {example: {$ref: "#/definitions/D"}}, example: {$ref: "kept as data"}}
"""


def test_mutual_cycle_and_allof_merge():
    index = inline(SWAGGER_CYCLE)
    a = index.resolve({"$ref": "#/definitions/A"})
    assert a["properties"]["b"]["properties"]["a"] == {"$ref": "#/definitions/A"}
    b = index.resolve({"$ref": "#/definitions/B"})
    assert b["properties"]["a"]["properties"]["b"] == {"$ref": "#/definitions/B"}  # not cut short by memo
    c = b["properties"]["c"]
    assert c == {"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "integer"}},
                 "required": ["x", "y"], "description": "a C"}
    assert index.resolve({"$ref": "#/definitions/Self"}) == {
        "type": "array", "items": {"$ref": "#/definitions/Self"}}
    assert index.resolve({"$ref": "#/definitions/Odd~0Name~1x"}) == {"type": "boolean"}
    assert index.resolve({"$ref": "#/definitions/Missing"}) == {"$ref": "#/definitions/Missing"}
    assert index.resolve({"$ref": "other.yaml#/X"}) == {"$ref": "other.yaml#/X"}
    e = index.resolve({"$ref": "#/definitions/E"})
    assert e["properties"]["example"]["required"] == ["x"] and e["example"] == {"$ref": "kept as data"}


def test_resolve_is_memoised():
    index = inline(SWAGGER_CYCLE)
    assert index.resolve({"$ref": "#/definitions/D"}) is index.resolve({"$ref": "#/definitions/D"})


SWAGGER_ROUTES = """\
swagger: "2.0"
info: {title: Routes, version: "1"}
consumes: [application/json]
paths:
  /a/{x}: {get: {responses: {200: {description: ok}}}}
  /{y}/b: {get: {responses: {200: {description: ok}}}}
  /a/b/c: {delete: {responses: {204: {description: gone}}}, get: {produces: [text/plain], responses: {}},
           post: {consumes: [], responses: {}}, head: {responses: {}}, patch: {responses: {}}}
  /files/{name}.json: {get: {operationId: FileGet, responses: {200: {description: ok}}}}
  /: {get: {operationId: Root, responses: {}}}
"""


def test_route_ranking_and_method_order():
    index = inline(SWAGGER_ROUTES)
    assert index.match("/a/b") == [("/a/{x}", {"x": "b"}), ("/{y}/b", {"y": "a"})]  # earlier literal wins
    assert index.match("/a/b/c") == [("/a/b/c", {})]
    assert index.match("/files/report.json") == [("/files/{name}.json", {"name": "report"})]
    assert index.match("/files/x/y.json") == [("/files/{name}.json", {"name": "x/y"})]
    assert index.match("/") == [("/", {})]
    assert index.methods("/a/b/c") == ["GET", "HEAD", "POST", "DELETE", "PATCH"]
    assert index.get("POST", "/a/b/c").consumes == ()  # an explicit empty list beats the global one
    assert index.get("DELETE", "/a/b/c").consumes == ("application/json",)


def test_int_response_codes_and_synthetic_ids():
    index = inline(SWAGGER_ROUTES)
    assert index.get("DELETE", "/a/b/c").responses == (("204", "gone"),)
    assert index.get("GET", "/a/{x}").operation_id == "getAX"
    assert index.by_id("Root").path == "/"
    assert index.closest_ids("fileget") == ["FileGet"]


def test_definitions_load_lazily_and_the_cached_form_leaves_them_out():
    from explorer.spec.cache import _index_data, _index_from_data

    index = inline(SWAGGER_CYCLE)
    clone = _index_from_data(_index_data(index))
    assert clone.operations == index.operations and clone.info == index.info
    assert clone.tag_order == index.tag_order and clone.ref_prefix == index.ref_prefix
    assert clone.definitions == {}
    calls = []
    clone = _index_from_data(_index_data(index))
    clone.set_definitions_loader(lambda: calls.append(1) or yaml.safe_load(SWAGGER_CYCLE)["definitions"])
    assert clone.resolve({"$ref": "#/definitions/D"})["required"] == ["x"]
    assert clone.definitions and calls == [1]


@pytest.mark.parametrize("paths", [
    "{/a: {get: {responses: [1, 2], parameters: oops, tags: [1]}}}",
    "{/a: {get: {parameters: [{name: x, in: query, schema: 3}, 7, {in: path}]}}}",
    "{/a: {get: {responses: {200: 5}}}, /b: 3}",
])
def test_odd_but_parseable_specs_index_without_tracebacks(paths):
    index = inline(f"swagger: '2.0'\npaths: {paths}\n")
    assert index.get("GET", "/a") is not None


def test_unexpected_structure_is_a_spec_error():
    from explorer.core.errors import SpecError

    with pytest.raises(SpecError, match="inline.yaml: unexpected spec structure"):
        inline("swagger: '2.0'\npaths: {/a: {get: {parameters: [{name: x, in: query, enum: 5}]}}}\n")


def test_a_schema_the_spec_shares_resolves_to_one_shared_result(tmp_path):
    from tests.hostile_specs import laughs

    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(levels=5, width=10))  # 10^5 values written out: under the bound
    index = build_index(load_document(str(path)), str(path), "0" * 64)
    body = index.resolve(index.by_id("ContainerCreate").body.schema)
    top = body["properties"]
    assert top["p0"] is top["p9"]  # not ten copies of 10^4 values each
    assert top["p0"]["properties"]["p3"] is top["p7"]["properties"]["p1"]
    assert index.resolve(index.by_id("ContainerCreate").body.schema) is body
