"""explorer.spec.load: reading spec files, and the errors a user sees for bad ones."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.errors import SpecError
from explorer.spec.load import load_document, parse_document

MINIMAL_YAML = """\
swagger: "2.0"
info: {title: "Docker Engine API", version: "1.41"}
paths:
  /_ping:
    get:
      operationId: SystemPing
      responses:
        200: {description: OK}
        default: {description: error}
"""


def _shared_specs() -> Path:
    folder = os.environ.get("ENGINE_EXPLORER_SPEC_DIR")
    return Path(folder).parent if folder else Path(__file__).resolve().parents[2] / "shared/specs"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_yaml_spec_loads_with_string_response_codes(tmp_path):
    doc = load_document(write(tmp_path, "v1.41.yaml", MINIMAL_YAML))
    assert list(doc["paths"]["/_ping"]["get"]["responses"]) == ["200", "default"]


def test_json_spec_loads_by_extension_and_by_content(tmp_path):
    text = json.dumps({"openapi": "3.0.3", "paths": {"/x": {"get": {"responses": {"204": {}}}}}})
    assert load_document(write(tmp_path, "spec.json", text))["openapi"] == "3.0.3"
    assert load_document(write(tmp_path, "spec", text))["paths"]["/x"]["get"]["responses"] == {"204": {}}


def test_timestamps_stay_strings(tmp_path):
    text = MINIMAL_YAML + "definitions:\n  T:\n    example: 2020-01-02T03:04:05Z\n"
    assert load_document(write(tmp_path, "s.yaml", text))["definitions"]["T"]["example"] == "2020-01-02T03:04:05Z"


@pytest.mark.parametrize("text, line", [
    ("swagger: '2.0'\npaths:\n  /a: {get: [}\n", 3),
    ("swagger: '2.0'\npaths:\n  /a:\n    get: x\n   bad: indentation\n", 5),
    ("swagger: '2.0'\npaths: {}\nkey: \"unterminated\n", 4),
])
def test_malformed_yaml_names_file_and_line(tmp_path, text, line):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(SpecError) as err:
        load_document(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: ")
    assert "\n" not in message


def test_malformed_yaml_says_where_the_construct_began(tmp_path):
    path = write(tmp_path, "bad.yaml", "swagger: '2.0'\npaths: {}\nkey: \"unterminated\n")
    with pytest.raises(SpecError, match=r"quoted scalar on line 3"):
        load_document(path)


def test_malformed_json_names_file_and_line(tmp_path):
    path = write(tmp_path, "bad.json", '{\n  "swagger": "2.0",\n  "paths": {,}\n}\n')
    with pytest.raises(SpecError, match=rf"^{path}:3: "):
        load_document(path)


@pytest.mark.parametrize("text", [
    "- just\n- a list\n",
    "title: not a spec\npaths: {}\n",
    "swagger: '2.0'\ninfo: {title: no paths}\n",
    "plain words\n",
    "",
])
def test_not_a_spec_names_the_file(tmp_path, text):
    path = write(tmp_path, "notaspec.yaml", text)
    with pytest.raises(SpecError, match="notaspec.yaml"):
        load_document(path)


def test_missing_file_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError, match="cannot read"):
        load_document(str(tmp_path / "nope.yaml"))


def test_binary_garbage_is_a_spec_error(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"\xff\xfe\x00\x01swagger")
    with pytest.raises(SpecError, match="garbage.yaml"):
        load_document(str(path))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_spec_or_one_line_spec_error(text):
    try:
        doc = parse_document(text.encode("utf-8"), "fuzz.yaml")
    except SpecError as err:
        assert "\n" not in str(err) and str(err).startswith("fuzz.yaml")
    else:
        assert isinstance(doc["paths"], dict)


def test_real_spec_has_only_string_response_codes():
    path = _shared_specs() / "docker-engine/v1.41.yaml"
    if not path.exists():
        pytest.skip(f"spec mirror not found at {path}")
    doc = load_document(str(path))
    codes = [code for item in doc["paths"].values() for op in item.values() if isinstance(op, dict)
             for code in op.get("responses", {})]
    assert codes and all(isinstance(code, str) for code in codes)


# -- specs that attack their reader (tests/hostile_specs.py) ------------------------------------

@pytest.mark.timeout(30)
@pytest.mark.parametrize("name, needle", [
    ("billion laughs", 'stand for more than 1,000,000 values (a "billion laughs" document?)'),
    ("self-reference", "a YAML alias refers to a node that contains it"),
    ("deep json", "nested too deeply"),
    ("deep flow", "exceeded maximum nesting depth"),
    ("deep block", "exceeded maximum nesting depth"),
    ("huge int", "4300 digits"),
    ("bad timestamp", "month must be in 1..12"),
    ("python tag", "could not determine a constructor"),
])
def test_a_hostile_spec_is_one_spec_error(tmp_path, name, needle):
    from tests.hostile_specs import HOSTILE_SPECS

    path = tmp_path / ("spec.json" if "json" in name else "spec.yaml")
    path.write_text(HOSTILE_SPECS[name])
    with pytest.raises(SpecError, match=needle.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        load_document(str(path))


def test_nesting_deeper_than_any_spec_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"swagger": "2.0", "paths": {}, "x": ' + "[" * 150 + "]" * 150 + "}")
    with pytest.raises(SpecError, match="nested more than 100 levels deep"):
        load_document(str(path))
