"""A second opinion on validate.py: jsonschema, an independent JSON Schema implementation, judges the
same bodies against the same real schemas, and the two must agree on accept or refuse.

jsonschema is a test dependency only. It cannot replace ours: it does not read x-nullable, a
StrSlice (Docker's `Cmd` sent as a plain string) or Go's case-insensitive field names. So the
comparison keeps to the keywords both read the same way (SHARED), and each place where the two
legitimately differ is excluded below, saying why: StrSlice (restrict drops `description`),
case folding (generated keys never spell a property in another case), a `$` before a final newline
(no generated string ends with one), and Swagger 2.0's null (x-nullable is handed to jsonschema as
the `null` type it means). additionalProperties needs no exclusion: both allow unknown fields
unless it says false, and check them against it when it is a schema.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator

from explorer.core.errors import UsageError
from explorer.http import validate
from explorer.http.request import JSON, Request
from explorer.lang.jsonvalues import unmet_bound
from explorer.spec import SpecIndex, load_index
from explorer.spec.model import Operation, Param, SpecInfo

# Swagger 2.0's schema keywords that validate.py and JSON Schema draft 4 read alike.
SHARED = ("type", "enum", "required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
          "minItems", "maxItems", "minLength", "maxLength", "pattern")
DEPTH = 7  # deeper schemas are cut to their type: HostConfig[Mounts][0][TmpfsOptions][Options][0] is 6

# (spec, operation whose body is compared, or a definition compared as a body)
TARGETS = [(spec, name) for spec in ("v1.41", "v1.56") for name in (
    "ContainerCreate", "ContainerUpdate", "VolumeCreate", "NetworkCreate", "ContainerExec", "ServiceCreate",
    "SwarmInit")] + [("v1.56", "#ContainerSummary"),  # a response schema: the specs' only body pattern
                     ("made", "closed")]
# No schema in the specs says additionalProperties: false; both read it alike, so this one does.
MADE = {"closed": {"type": "object", "additionalProperties": False, "required": ["Name"],
                   "properties": {"Name": {"type": "string", "minLength": 1},
                                  "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
                                  "Sizes": {"type": "array", "maxItems": 2, "items": {"type": "integer"}}}}}


@pytest.fixture(scope="module")
def indexes(spec_dir):
    return {name: load_index(str(spec_dir / f"{name}.yaml")) for name in ("v1.41", "v1.56")}


def restrict(schema: dict, depth: int = 0) -> dict:
    """The resolved `schema` with only SHARED keywords, plus x-nullable (see for_jsonschema).

    Left out: `description`, because ours reads Docker's StrSlice from its prose ("a string or an
    array"), which jsonschema cannot; `format`, `example`, `default` and x-go-*, which neither
    checks; `oneOf`/`anyOf`, which ours reads as "any of" (none occur in these bodies); and a
    `$ref` that index.resolve left in place on a cycle (none occur either).
    """
    out = {k: schema[k] for k in SHARED if k in schema}
    if schema.get("x-nullable"):
        out["x-nullable"] = True
    if depth >= DEPTH:
        return out
    props = schema.get("properties")
    if isinstance(props, dict):
        out["properties"] = {name: restrict(sub, depth + 1) for name, sub in props.items()
                             if isinstance(sub, dict) and "$ref" not in sub}
    for key in ("items", "additionalProperties"):
        sub = schema.get(key)
        if isinstance(sub, dict) and "$ref" not in sub:
            out[key] = restrict(sub, depth + 1)
        elif sub is False:
            out[key] = False
    return out


def for_jsonschema(schema: dict) -> dict:
    """`schema` as jsonschema must read it: x-nullable written as JSON Schema says it (null among the
    types, and in the enum), which is exactly what ours does with it."""
    out = {k: v for k, v in schema.items() if k != "x-nullable"}
    if schema.get("x-nullable"):
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if "properties" in out:
        out["properties"] = {name: for_jsonschema(sub) for name, sub in out["properties"].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = for_jsonschema(out[key])
    return out


# -- generated bodies -----------------------------------------------------------------------------

# Never a "\n" at the end of a string: against a pattern ending in $, Python's re (which jsonschema
# uses as it is) also matches before a final newline; ours reads $ as Go does, the end of the text.
TEXT = st.text(st.characters(blacklist_characters="\n"), max_size=6)
# Keys of arbitrary objects are digits and dashes only, so none can be a property's name in another
# case: Go (and ours) match "memory" to Memory, jsonschema takes it for an unknown field.
ANY = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                   | TEXT, lambda inner: st.lists(inner, max_size=2)
                   | st.dictionaries(st.text("0123456789-", max_size=3), inner, max_size=2), max_leaves=4)


@st.composite
def bodies(draw, schema: dict):
    """A JSON value mostly shaped like `schema`, near its bounds, now and then wrong somewhere."""
    return _value(draw, schema)


def _value(draw, schema: dict):
    if draw(st.integers(0, 11)) == 0:
        return draw(ANY)  # anything at all: wrong types, null, …
    if schema.get("enum") and draw(st.booleans()):
        return draw(st.sampled_from(schema["enum"]))
    kind = schema.get("type")
    if kind == "object":
        return _object(draw, schema)
    if kind == "array":
        low, high = schema.get("minItems", 0), schema.get("maxItems", 3)
        count = draw(st.integers(max(0, low - 1), high + 1))
        return [_value(draw, schema.get("items") or {}) for _ in range(count)]
    if kind in ("integer", "number"):
        edges = [b + d for b in (schema.get("minimum"), schema.get("maximum")) if b is not None for d in (-1, 0, 1)]
        numbers = st.integers(-3, 3) | st.integers() | (st.sampled_from(edges) if edges else st.nothing())
        return draw(numbers if kind == "integer" else numbers | st.floats(-1e3, 1e3))
    if kind == "string":
        low, high = schema.get("minLength", 0), schema.get("maxLength", 8)
        text = st.text(st.characters(blacklist_characters="\n"), min_size=max(0, low - 1), max_size=high + 1)
        if "pattern" in schema:
            text |= st.from_regex(schema["pattern"]).filter(lambda s: not s.endswith("\n"))
        return draw(text)
    if kind == "boolean":
        return draw(st.booleans())
    return draw(ANY)


def _object(draw, schema: dict) -> dict:
    props = schema.get("properties") or {}
    required = [name for name in schema.get("required") or () if draw(st.integers(0, 9))]  # now and then missing
    names = sorted(props)
    # Most fields of ContainerCreate are plain strings: lean towards those whose schema has a rule to break.
    ruled = [name for name in names if _has_rules(props[name])]
    pick = st.sampled_from(ruled) | st.sampled_from(names) if ruled else st.sampled_from(names)
    chosen = draw(st.lists(pick, max_size=3, unique=True)) if names else []
    doc = {name: _value(draw, props.get(name) or {}) for name in [*required, *chosen]}
    if draw(st.integers(0, 4)) == 0:  # an unknown field, its name never a property's in another case
        extra = schema.get("additionalProperties")
        doc[draw(st.text("0123456789-", min_size=1, max_size=3))] = (
            _value(draw, extra) if isinstance(extra, dict) else draw(ANY))
    return doc


RULES = frozenset(SHARED) - {"type"} | {"x-nullable"}


def _has_rules(schema: dict, depth: int = 0) -> bool:
    """Whether `schema` or a schema inside it has a bound, an enum, required fields or x-nullable."""
    if RULES & schema.keys():
        return True
    subs = [*(schema.get("properties") or {}).values(), schema.get("items"), schema.get("additionalProperties")]
    return depth < DEPTH and any(isinstance(sub, dict) and _has_rules(sub, depth + 1) for sub in subs)


# -- the two judges -------------------------------------------------------------------------------

def ours(schema: dict):
    """Our verdict on a document, through validate.check as a request would meet it."""
    param = Param("body", "body", required=True, schema=schema)
    op = Operation("POST", "/body", "Body", params=(param,), consumes=(JSON,))
    index = SpecIndex(SpecInfo(source="restricted", sha256=""), (op,), {})

    def accepts(doc) -> bool:
        req = Request("POST", "/body", headers=(("Content-Type", JSON),), body=json.dumps(doc).encode())
        try:
            validate.check(op, req, index)
        except UsageError:
            return False
        return True

    return accepts


@pytest.fixture(scope="module")
def judges(indexes):
    """(target) → (restricted schema, our verdict, jsonschema's verdict), built once."""
    made = {}
    for spec, name in TARGETS:
        if spec == "made":
            schema = MADE[name]
        else:
            index = indexes[spec]
            raw = {"$ref": index.ref_prefix + name[1:]} if name.startswith("#") else index.by_id(name).body.schema
            schema = restrict(index.resolve(raw))
        theirs = Draft4Validator(for_jsonschema(schema))  # draft 4 is Swagger 2.0's JSON Schema
        made[spec, name] = schema, ours(schema), theirs.is_valid
    return made


@pytest.mark.parametrize("spec, name", TARGETS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_ours_and_jsonschema_agree_on_real_body_schemas(judges, spec, name, data):
    schema, ours_accepts, theirs_accepts = judges[spec, name]
    doc = json.loads(json.dumps(data.draw(bodies(schema))))  # as the engine would read it: 5.0 stays 5.0
    assert ours_accepts(doc) is theirs_accepts(doc), json.dumps(doc)[:300]


@pytest.mark.parametrize("spec, name", [("v1.41", "ContainerCreate"), ("v1.56", "ServiceCreate"),
                                        ("v1.56", "#ContainerSummary")])
def test_the_generated_bodies_are_both_accepted_and_refused(judges, spec, name):
    """The agreement above is worth something only if the bodies fall on both sides."""
    schema, ours_accepts, theirs_accepts = judges[spec, name]
    settings_ = settings(max_examples=300, database=None, suppress_health_check=list(HealthCheck))
    both_accept = find(bodies(schema), lambda doc: isinstance(doc, dict) and len(doc) > 0
                       and ours_accepts(doc) and theirs_accepts(doc), settings=settings_)
    both_refuse = find(bodies(schema), lambda doc: isinstance(doc, dict)
                       and not ours_accepts(doc) and not theirs_accepts(doc), settings=settings_)
    assert both_accept != both_refuse  # find raises NoSuchExample when there is none


# -- the bounds alone, in both spellings of exclusive… -------------------------------------------

BOUND = st.none() | st.integers(-3, 3) | st.sampled_from([0.5, -1.5])
NUMBER = st.integers(-4, 4) | st.sampled_from([0.5, -1.5, 2.0, -0.0]) | st.floats(-5, 5)
PATTERNS = ["^[0-9a-fA-F]{4}$", "^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$", "b", "^a|c$", "^[]a]+$", "^[^$]*$", r"^\$"]


def _schema(**bounds) -> dict:
    return {k: v for k, v in bounds.items() if v is not None}


@settings(max_examples=400, deadline=None)
@given(low=BOUND, high=BOUND, strict_low=st.none() | st.booleans(), strict_high=st.none() | st.booleans(),
       value=NUMBER)
def test_number_bounds_agree_with_draft_4(low, high, strict_low, strict_high, value):
    """Swagger 2.0 (and OpenAPI 3.0): exclusiveMinimum/Maximum are booleans that make the bound strict."""
    schema = _schema(minimum=low, maximum=high, exclusiveMinimum=strict_low, exclusiveMaximum=strict_high)
    assert (unmet_bound(schema, value) == "") is Draft4Validator(schema).is_valid(value)


@settings(max_examples=400, deadline=None)
@given(low=BOUND, high=BOUND, strict_low=BOUND, strict_high=BOUND, value=NUMBER)
def test_number_bounds_agree_with_draft_2020_12(low, high, strict_low, strict_high, value):
    """OpenAPI 3.1 (JSON Schema 2020-12): exclusiveMinimum/Maximum are numbers, strict bounds themselves."""
    schema = _schema(minimum=low, maximum=high, exclusiveMinimum=strict_low, exclusiveMaximum=strict_high)
    assert (unmet_bound(schema, value) == "") is Draft202012Validator(schema).is_valid(value)


@settings(max_examples=400, deadline=None)
@given(low=st.none() | st.integers(0, 3), high=st.none() | st.integers(0, 3),
       pattern=st.none() | st.sampled_from(PATTERNS),
       value=st.text("ab$]/.0f-\u00e9", max_size=5) | st.lists(st.integers(), max_size=4) | NUMBER | st.booleans())
def test_length_item_and_pattern_bounds_agree_with_draft_4(low, high, pattern, value):
    """minLength/maxLength for strings, minItems/maxItems for arrays, pattern searched (not matched whole)."""
    schema = _schema(minLength=low, maxLength=high, minItems=low, maxItems=high, pattern=pattern)
    assert (unmet_bound(schema, value) == "") is Draft4Validator(schema).is_valid(value)
