"""Podman's libpod spec by release: the folder beside Docker's, the nearest release, the note, downloads."""
from __future__ import annotations

import hashlib
import json

import pytest

from explorer.core.errors import SpecError
from explorer.spec import libpod, sources


@pytest.fixture()
def spec_dir(tmp_path):
    folder = tmp_path / "specs" / "podman"
    folder.mkdir(parents=True)
    (folder / "swagger-v5.4.2.yaml").write_text("swagger: '2.0'\n")
    # a development spec is named by its date; its own examples say the release
    (folder / "swagger-latest-main.yaml").write_text("info:\n  description: curl http://d/v6.0.0/libpod/info\n")
    (folder / "notes.txt").write_text("not a spec")
    return {"ENGINE_EXPLORER_SPEC_DIR": str(tmp_path / "specs"), "XDG_CACHE_HOME": str(tmp_path / "cache")}


@pytest.mark.parametrize("podman, chosen, why", [
    ("4.3.1", "5.4.2", "lowest available, none lower"),
    ("5.5.0", "5.4.2", "nearest lower"),
    ("6.1.0", "6.0.0", "nearest lower"),
    ("5.4.2", "5.4.2", ""),
])
def test_the_nearest_release_and_a_note_saying_which(spec_dir, podman, chosen, why):
    choice = libpod.find_libpod_spec(podman, spec_dir)
    assert choice is not None and choice.api_version == chosen
    assert choice.path.endswith("swagger-v5.4.2.yaml" if chosen == "5.4.2" else "swagger-latest-main.yaml")
    assert (f"({why})" in choice.note) if why else choice.note.startswith(f"Podman's libpod spec {chosen} from ")


def test_none_here_is_none(tmp_path):
    assert libpod.find_libpod_spec("4.3.1", {"XDG_CACHE_HOME": str(tmp_path)}) is None


def test_a_listed_download_is_checked_and_kept_in_the_caches_podman_folder(tmp_path, monkeypatch):
    data = b"swagger: '2.0'\n"
    listed = {"4.3.1": {"url": "https://example.invalid/swagger-v4.3.1.yaml",
                        "sha256": hashlib.sha256(data).hexdigest()}}
    real = sources.known_specs
    monkeypatch.setattr(sources, "known_specs", lambda family="docker": listed if family == "podman" else real())
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    choice = libpod.find_libpod_spec("4.3.1", env, fetch=lambda url: data)
    assert choice is not None and choice.path == str(tmp_path / "engine-explorer/specs/podman/v4.3.1.yaml")
    assert libpod.local_libpod_specs(env) == {"4.3.1": choice.path}  # the next start finds it in the cache
    listed["4.3.1"]["sha256"] = "0" * 64
    (tmp_path / "engine-explorer/specs/podman/v4.3.1.yaml").unlink()
    with pytest.raises(SpecError, match="sha256"):
        libpod.find_libpod_spec("4.3.1", env, fetch=lambda url: data)


def test_sources_json_lists_no_podman_download_it_could_not_check():
    with open(sources._sources_file(), encoding="utf-8") as f:
        assert json.load(f)["podman"] == {}
