"""Which spec version added or removed an item: built once from the real specs, cached, read back."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from explorer.core import versions
from explorer.spec import history


@pytest.fixture
def three_specs(spec_dir, tmp_path):
    """A spec folder of v1.41, v1.42 and v1.52 (copies, so a test may touch them), and its own cache."""
    folder = tmp_path / "specs"
    folder.mkdir()
    for v in ("1.41", "1.42", "1.52"):
        shutil.copy(spec_dir / f"v{v}.yaml", folder / f"v{v}.yaml")
    return {"ENGINE_EXPLORER_SPEC_DIR": str(folder), "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "HOME": str(tmp_path)}


def cached_files(env) -> list:
    root = os.path.join(env["XDG_CACHE_HOME"], "engine-explorer", "index")
    return sorted(name for name in os.listdir(root) if name.startswith("spans-"))


def test_spans_of_an_operation_a_parameter_and_a_field(three_specs):
    found = history.history(three_specs)
    assert found.versions == ("1.41", "1.42", "1.52")
    assert found.span("PUT", "/volumes/{name}") == ("1.42", "", "1.41", "")  # VolumeUpdate
    assert found.span("PUT", "/volumes/{other}") == ("1.42", "", "1.41", "")  # a parameter's name is not in the key
    assert found.span("POST", "/build/prune", "query", ("keep-storage",)) == ("", "1.52", "", "1.42")
    # HostConfig.Annotations came in 1.43: with no spec between 1.42 and 1.52 read, only the range is known
    span = found.span("POST", "/containers/create", "field", ("HostConfig", "Annotations"))
    assert span == ("1.52", "", "1.42", "")
    assert span.lacks_in("1.42") and span.lacks_in("1.41") and not span.lacks_in("1.45") and not span.lacks_in("1.52")
    assert versions.since_text(*span) == "added after API v1.42 (by v1.52)"
    assert versions.too_new("ContainerCreate's body field HostConfig[Annotations]", span.added, "1.41",
                            before=span.before) == ("ContainerCreate's body field HostConfig[Annotations] is newer "
                                                    "than API 1.42 (the v1.52 spec has it); this engine speaks 1.41 "
                                                    "(`!` sends it anyway)")
    assert found.span("GET", "/containers/json") == ("", "", "", "")  # in every spec: nothing to say


def test_built_once_then_read_from_the_cache_until_a_spec_changes(three_specs):
    first = history.history(three_specs)
    [written] = cached_files(three_specs)
    history._cached.cache_clear()
    stamp = os.stat(os.path.join(three_specs["XDG_CACHE_HOME"], "engine-explorer", "index", written)).st_mtime_ns
    assert history.history(three_specs) == first  # read back, not rebuilt: the file is untouched
    assert os.stat(os.path.join(three_specs["XDG_CACHE_HOME"], "engine-explorer", "index",
                                written)).st_mtime_ns == stamp
    spec = os.path.join(three_specs["ENGINE_EXPLORER_SPEC_DIR"], "v1.52.yaml")
    os.utime(spec, ns=(stamp + 10**9, stamp + 10**9))
    assert history.history(three_specs) == first  # same content, another file state: a new entry
    assert len(cached_files(three_specs)) == 2


def test_one_spec_has_no_history(three_specs):
    for v in ("1.42", "1.52"):
        os.unlink(os.path.join(three_specs["ENGINE_EXPLORER_SPEC_DIR"], f"v{v}.yaml"))
    assert history.history(three_specs) is None


@pytest.mark.parametrize(("keys", "chain"), [
    (("HostConfig", "Mounts", "0", "Type"), ("HostConfig", "Mounts", "Type")),  # an array index is skipped
    (("HostConfig", "Mounts", "", "Type"), ("HostConfig", "Mounts", "Type")),
    (("Labels", "any.key"), ("Labels",)),  # a map key is skipped
    (("HostConfig", "Nope"), ()),
])
def test_field_chain_follows_the_schema(spec_v141, keys, chain):
    from explorer.spec import load_index

    index = load_index(str(spec_v141))
    schema = index.resolve(index.by_id("ContainerCreate").body.schema)
    assert history.field_chain(schema, keys) == chain


def test_versions_words():
    assert versions.newer("1.100", "1.99") and not versions.newer("1.41", "1.41")
    assert versions.too_new("VolumeUpdate", "1.42", "1.41") == \
        "VolumeUpdate is API 1.42+; this engine speaks 1.41 (`!` sends it anyway)"
    assert versions.since_text("1.42", "1.52") == "added in API v1.42, removed in API v1.52"
    assert versions.since_text("", "") == ""


def test_a_spec_that_cannot_be_read_is_left_out(three_specs):
    (Path(three_specs["ENGINE_EXPLORER_SPEC_DIR"]) / "v1.52.yaml").write_text("swagger: '2.0'\npaths: [\n")
    found = history.history(three_specs)
    assert found.versions == ("1.41", "1.42")
    assert found.span("PUT", "/volumes/{name}") == ("1.42", "", "1.41", "")
