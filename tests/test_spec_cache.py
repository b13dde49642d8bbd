"""explorer.spec.cache: a warm start reads marshal data, never YAML; a broken cache only costs a rebuild."""
from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.core.errors import SpecError
from explorer.core.files import cache_dir
from explorer.spec import cache, load
from explorer.spec.cache import load_index

SPEC = """\
swagger: "2.0"
info: {title: "Docker Engine API", version: "1.41"}
paths:
  /containers/{id}/json:
    get:
      operationId: ContainerInspect
      parameters: [{name: id, in: path, required: true, type: string}]
      responses: {200: {description: ok, schema: {$ref: "#/definitions/C"}}}
  /containers/create:
    post:
      operationId: ContainerCreate
      parameters: [{name: body, in: body, schema: {$ref: "#/definitions/C"}}]
      responses: {201: {description: created}}
definitions:
  C: {type: object, properties: {Image: {type: string}}}
"""
OLD = time.time() - 3600  # spec files older than the racy-mtime window get a stamp


def _shared_specs() -> Path:
    folder = os.environ.get("ENGINE_EXPLORER_SPEC_DIR")
    return Path(folder).parent if folder else Path(__file__).resolve().parents[2] / "shared/specs"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def spec_file(tmp_path) -> Path:
    path = tmp_path / "v1.41.yaml"
    path.write_text(SPEC)
    os.utime(path, (OLD, OLD))
    return path


def forbid_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the spec was parsed on a warm start")

    monkeypatch.setattr(load, "parse_document", refuse)
    monkeypatch.setattr(load, "load_document", refuse)


def forbid_hashing(monkeypatch):
    import hashlib

    def refuse(*args, **kwargs):
        raise AssertionError("the spec was hashed on a warm start")

    monkeypatch.setattr(hashlib, "sha256", refuse)


def test_second_load_parses_no_yaml_and_hashes_nothing(spec_file, monkeypatch):
    cold = load_index(str(spec_file))
    forbid_parsing(monkeypatch)
    forbid_hashing(monkeypatch)
    warm = load_index(str(spec_file))
    assert warm.operations == cold.operations and warm.info == cold.info
    assert warm.definitions == cold.definitions  # from the second file
    assert warm.resolve(warm.by_id("ContainerCreate").body.schema)["properties"]["Image"]


def test_cache_lives_under_xdg_cache_home(spec_file, tmp_path):
    load_index(str(spec_file))
    files = sorted(p.name for p in (tmp_path / "cache/engine-explorer/index").iterdir())
    assert any(name.endswith(".ops.marshal") for name in files)
    assert any(name.endswith(".defs.marshal") for name in files)
    assert any(name.endswith(".stamp") for name in files)
    assert not any(name.endswith(".tmp") for name in files)


def test_cache_dir_defaults_to_home_cache():
    assert cache_dir("index", {"HOME": "/h"}) == "/h/.cache/engine-explorer/index"
    assert cache_dir("specs", {"HOME": "/h", "XDG_CACHE_HOME": "relative"}) == "/h/.cache/engine-explorer/specs"
    assert cache_dir("specs", {"XDG_CACHE_HOME": "/x"}) == "/x/engine-explorer/specs"


def test_changed_spec_is_rebuilt(spec_file):
    assert load_index(str(spec_file)).by_id("ContainerInspect")
    spec_file.write_text(SPEC.replace("ContainerInspect", "ContainerLook"))
    os.utime(spec_file, (OLD + 10, OLD + 10))
    index = load_index(str(spec_file))
    assert index.by_id("ContainerLook") and not index.by_id("ContainerInspect")


def test_fresh_file_finds_index_by_content(spec_file, monkeypatch):
    load_index(str(spec_file))
    spec_file.touch()  # new mtime inside the racy window: no stamp, but the content is known
    forbid_parsing(monkeypatch)
    assert load_index(str(spec_file)).by_id("ContainerInspect")


def test_same_content_elsewhere_reports_its_own_path(spec_file, tmp_path, monkeypatch):
    load_index(str(spec_file))
    copy = tmp_path / "swagger.yaml"
    copy.write_bytes(spec_file.read_bytes())
    forbid_parsing(monkeypatch)
    index = load_index(str(copy))
    assert index.info.source == str(copy) and index.info.api_version == "1.41"


@pytest.mark.parametrize("damage", [b"\x80\x05garbage", marshal.dumps((1, 2)), marshal.dumps(("x",) * 4), b""])
@pytest.mark.parametrize("suffix", [".ops.marshal", ".defs.marshal", ".stamp"])
def test_corrupt_cache_files_are_rebuilt_silently(spec_file, tmp_path, suffix, damage):
    cold = load_index(str(spec_file))
    for path in (tmp_path / "cache/engine-explorer/index").glob("*" + suffix):
        path.write_bytes(damage)
    warm = load_index(str(spec_file))
    assert warm.operations == cold.operations
    assert warm.definitions == cold.definitions


@pytest.mark.parametrize("reshape", [
    lambda info, ops, routes: (info, tuple(op[:1] + (7,) + op[2:] for op in ops), routes),  # a path is no text
    lambda info, ops, routes: (info, tuple(op[:-1] for op in ops), routes),  # a field short
    lambda info, ops, routes: (info, ops, {1: "no list"}),
    lambda info, ops, routes: (info, ops, {2: [("/x", "no parts", ())]}),
    lambda info, ops, routes: (info[:1] + (None,) + info[2:], ops, routes),
])
def test_a_cache_of_valid_marshal_but_another_shape_is_rebuilt(spec_file, tmp_path, reshape):
    cold = load_index(str(spec_file))
    for path in (tmp_path / "cache/engine-explorer/index").glob("*.ops.marshal"):
        info, ops, tags, prefix, routes = marshal.loads(path.read_bytes())
        info, ops, routes = reshape(info, ops, routes)
        path.write_bytes(marshal.dumps((info, ops, tags, prefix, routes)))
    warm = load_index(str(spec_file))
    assert warm.operations == cold.operations
    assert warm.match_templates("/containers/x/json") == ("/containers/{id}/json",)


def test_unwritable_cache_still_loads(spec_file, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # makedirs under a file fails, even for root
    assert load_index(str(spec_file)).by_id("ContainerInspect")
    assert load_index(str(spec_file)).definitions["C"]


def test_missing_spec_is_a_spec_error(tmp_path):
    with pytest.raises(SpecError, match="nope.yaml"):
        load_index(str(tmp_path / "nope.yaml"))


def test_malformed_spec_is_a_spec_error_and_nothing_is_cached(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("swagger: '2.0'\npaths: {a: [}\n")
    with pytest.raises(SpecError, match=r"bad.yaml:2: "):
        load_index(str(bad))
    assert not list((tmp_path / "cache").rglob("*.marshal"))


def test_a_warm_start_imports_neither_yaml_nor_hashlib(tmp_path):
    """A warm start reads the marshal cache only (its speed is scripts/bench's business)."""
    spec = _shared_specs() / "docker-engine/v1.56.yaml"
    if not spec.exists():
        pytest.skip(f"spec mirror not found at {spec}")
    script = (
        "import sys\n"
        "from explorer.spec.cache import load_index\n"
        f"index = load_index({str(spec)!r})\n"
        "assert index.by_id('SystemPing')\n"
        "print('yaml' in sys.modules, 'hashlib' in sys.modules)\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    root = str(Path(cache.__file__).resolve().parents[2])
    run = [sys.executable, "-c", script]
    cold = subprocess.run(run, env=env, cwd=root, check=True, capture_output=True, text=True)
    assert cold.stdout.split()[0] == "True"  # the cold start parsed the YAML, so the check below can fail
    warm = subprocess.run(run, env=env, cwd=root, check=True, capture_output=True, text=True)
    assert warm.stdout.split() == ["False", "False"]


def test_values_marshal_cannot_hold_are_cached_as_text(tmp_path, monkeypatch):
    spec = tmp_path / "v1.41.yaml"
    spec.write_text(SPEC.replace("definitions:", "definitions:\n  Dated: {type: object, example: 2015-01-06}", 1))
    os.utime(spec, (OLD, OLD))
    cold = load_index(str(spec))
    assert str(cold.definitions["Dated"]["example"]) == "2015-01-06"
    forbid_parsing(monkeypatch)
    warm = load_index(str(spec))
    assert warm.definitions["Dated"]["example"] == "2015-01-06"
    assert warm.operations == cold.operations
