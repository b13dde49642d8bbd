"""explorer.spec.sources: choosing a spec file; downloads only through an injected fake fetch."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.errors import SpecError
from explorer.spec import sources
from explorer.spec.sources import (
    SpecChoice,
    available_versions,
    find_spec,
    known_specs,
    newest_known,
    spec_file_version,
)

DEBIAN = "/usr/share/gocode/src/github.com/docker/docker/api/swagger.yaml"


def _shared_specs() -> Path:
    folder = os.environ.get("ENGINE_EXPLORER_SPEC_DIR")
    return Path(folder).parent if folder else Path(__file__).resolve().parents[2] / "shared/specs"


def tiny(version: str) -> str:
    return f'swagger: "2.0"\ninfo:\n  title: "Docker Engine API"\n  version: "{version}"\npaths: {{}}\n'


@pytest.fixture(autouse=True)
def no_system_specs(monkeypatch):
    """Tests see only the folders they make, whatever this machine has installed."""
    monkeypatch.setattr(sources, "SYSTEM_SPECS", ())


@pytest.fixture
def env(tmp_path) -> dict:
    return {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}


@pytest.fixture
def local_dir(tmp_path, env) -> Path:
    folder = tmp_path / "specs"
    folder.mkdir()
    for version in ("1.41", "1.42", "1.44"):
        (folder / f"v{version}.yaml").write_text(tiny(version))
    (folder / "README.md").write_text("not a spec")
    env["ENGINE_EXPLORER_SPEC_DIR"] = str(folder)
    return folder


def no_fetch(url: str) -> bytes:
    raise AssertionError(f"unexpected download of {url}")


def offline(url: str) -> bytes:
    raise OSError("network is unreachable")


def mirror_fetch(calls: list):
    """A fake fetch serving the mirror files for official URLs, recording what was asked."""
    def fetch(url: str) -> bytes:
        calls.append(url)
        name = url.rsplit("/", 1)[-1]
        path = _shared_specs() / "docker-engine" / name
        if not path.exists():
            raise OSError(f"404 {url}")
        return path.read_bytes()
    return fetch


def test_exact_version_from_spec_dir(local_dir, env):
    choice = find_spec("1.42", env=env, fetch=no_fetch)
    assert choice == SpecChoice(str(local_dir / "v1.42.yaml"), "1.42", f"spec v1.42 from {local_dir / 'v1.42.yaml'}")


def test_nearest_lower_when_missing_and_download_fails(local_dir, env):
    choice = find_spec("1.43", env=env, fetch=offline)
    assert (choice.path, choice.api_version) == (str(local_dir / "v1.42.yaml"), "1.42")
    assert "no spec v1.43 here" in choice.note and "nearest lower" in choice.note
    assert "network is unreachable" in choice.note


def test_failed_download_is_not_retried_within_the_hour(local_dir, env):
    calls = []

    def fetch(url):
        calls.append(url)
        raise OSError("offline")

    find_spec("1.43", env=env, fetch=fetch)
    choice = find_spec("1.43", env=env, fetch=fetch)
    assert len(calls) == 1 and "failed recently" in choice.note


def test_nearest_lower_beyond_known_versions(local_dir, env):
    env["ENGINE_EXPLORER_SPEC_DIR"] = str(local_dir)
    (local_dir / "v1.56.yaml").write_text(tiny("1.56"))
    choice = find_spec("1.99", env=env, fetch=no_fetch)
    assert choice.api_version == "1.56" and "nearest lower" in choice.note


def test_nearest_lower_is_downloaded_when_not_local(env):
    if not (_shared_specs() / "docker-engine/v1.56.yaml").exists():
        pytest.skip("spec mirror not found")
    choice = find_spec("1.99", env=env, fetch=mirror_fetch([]))
    assert choice.api_version == "1.56"
    assert choice.note == f"no spec v1.99 here; using v1.56 (nearest lower), downloaded to {choice.path}"


def test_lowest_when_nothing_lower(local_dir, env):
    choice = find_spec("1.30", env=env, fetch=no_fetch)
    assert choice.api_version == "1.41" and "lowest available" in choice.note


def test_none_means_newest_local(local_dir, env):
    choice = find_spec(None, env=env, fetch=no_fetch)
    assert choice.api_version == "1.44" and choice.note == f"spec v1.44 from {local_dir / 'v1.44.yaml'}"


def test_version_spelling(local_dir, env):
    assert find_spec("v1.42", env=env, fetch=no_fetch).api_version == "1.42"
    with pytest.raises(SpecError, match="is not an API version; write it like 1.41"):
        find_spec("latest", env=env, fetch=no_fetch)


def test_explicit_spec_wins_over_everything(local_dir, env, tmp_path):
    own = tmp_path / "mine.yaml"
    own.write_text(tiny("1.43"))
    env["ENGINE_EXPLORER_SPEC"] = str(local_dir / "v1.41.yaml")
    assert find_spec("1.44", spec=str(own), env=env, fetch=no_fetch) == SpecChoice(
        str(own), "1.43", f"spec v1.43 from {own} (the engine speaks v1.44)")
    assert find_spec("1.44", env=env, fetch=no_fetch).path == str(local_dir / "v1.41.yaml")
    assert find_spec(None, spec=own.as_uri(), env=env, fetch=no_fetch).path == str(own)


def test_explicit_spec_must_exist(env, tmp_path):
    with pytest.raises(SpecError, match="no such spec file"):
        find_spec(None, spec=str(tmp_path / "missing.yaml"), env=env, fetch=no_fetch)


def test_explicit_url_is_downloaded_once(env, tmp_path):
    calls = []

    def fetch(url):
        calls.append(url)
        return tiny("1.47").encode()

    first = find_spec(None, spec="https://example.com/api/swagger.yaml", env=env, fetch=fetch)
    again = find_spec(None, spec="https://example.com/api/swagger.yaml", env=env, fetch=fetch)
    assert first == again and calls == ["https://example.com/api/swagger.yaml"]
    assert first.api_version == "1.47" and first.path.startswith(env["XDG_CACHE_HOME"])
    assert first.note == f"spec v1.47 from {first.path} (downloaded from https://example.com/api/swagger.yaml)"


def test_explicit_url_failure_is_a_spec_error(env):
    with pytest.raises(SpecError, match="example.com"):
        find_spec(None, spec="https://example.com/s.yaml", env=env, fetch=offline)


def test_cache_comes_before_system(env, tmp_path, monkeypatch):
    cached = Path(env["XDG_CACHE_HOME"]) / "engine-explorer/specs"
    cached.mkdir(parents=True)
    (cached / "v1.41.yaml").write_text(tiny("1.41"))
    system = tmp_path / "swagger.yaml"
    system.write_text(tiny("1.41"))
    monkeypatch.setattr(sources, "SYSTEM_SPECS", (str(system),))
    assert find_spec("1.41", env=env, fetch=no_fetch).path == str(cached / "v1.41.yaml")
    (cached / "v1.41.yaml").unlink()
    assert find_spec("1.41", env=env, fetch=no_fetch).path == str(system)


def test_system_spec_version_is_read_without_yaml(tmp_path, monkeypatch, env):
    import yaml

    system = tmp_path / "swagger.yaml"
    system.write_text("# comment\nswagger: '2.0'\nbasePath: /v1.41\ninfo:\n  title: Docker Engine API\n"
                      "  description: |\n    text\n\n    more\n  version: \"1.41\"\npaths: {}\n")
    monkeypatch.setattr(sources, "SYSTEM_SPECS", (str(system),))
    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("yaml parsed"))
    assert available_versions(env) == ["1.41"]
    assert find_spec(None, env=env, fetch=no_fetch).note == f"spec v1.41 from {system}"


def test_debian_spec_is_1_41():
    if not os.path.exists(DEBIAN):
        pytest.skip("Debian's golang-github-docker-docker-dev is not installed")
    assert spec_file_version(DEBIAN) == "1.41"


def test_spec_file_version_of_json_and_of_names(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"swagger": "2.0", "info": {"title": "x", "version": "1.45"}}))
    (tmp_path / "v1.46.yaml").write_text("swagger: '2.0'\n")
    (tmp_path / "podman.yaml").write_text("info:\n  version: 5.0.0\n")
    assert spec_file_version(str(tmp_path / "a.json")) == "1.45"
    assert spec_file_version(str(tmp_path / "v1.46.yaml")) == "1.46"
    assert spec_file_version(str(tmp_path / "podman.yaml")) == ""


def test_a_libpod_version_goes_with_an_explicit_spec(env, tmp_path):
    """--api-version 5.0.0 --spec podman.yaml: the three-part version is no error."""
    spec = tmp_path / "podman.yaml"
    spec.write_text("info:\n  version: 5.0.0\n")
    assert find_spec("5.0.0", spec=str(spec), env=env, fetch=no_fetch).path == str(spec)
    with pytest.raises(SpecError, match="is not an API version; write it like 1.41"):
        find_spec("5.0.0.1", spec=str(spec), env=env, fetch=no_fetch)


def test_spec_dir_must_exist(env, tmp_path):
    env["ENGINE_EXPLORER_SPEC_DIR"] = str(tmp_path / "nowhere")
    with pytest.raises(SpecError, match="ENGINE_EXPLORER_SPEC_DIR"):
        find_spec("1.41", env=env, fetch=no_fetch)


def test_download_verifies_and_caches(env):
    if not (_shared_specs() / "docker-engine/v1.45.yaml").exists():
        pytest.skip("spec mirror not found")
    calls = []
    choice = find_spec("1.45", env=env, fetch=mirror_fetch(calls))
    assert calls == ["https://docs.docker.com/reference/api/engine/version/v1.45.yaml"]
    assert choice.api_version == "1.45" and "downloaded" in choice.note
    assert choice.path == os.path.join(env["XDG_CACHE_HOME"], "engine-explorer/specs/v1.45.yaml")
    assert find_spec("1.45", env=env, fetch=no_fetch) == SpecChoice(
        choice.path, "1.45", f"spec v1.45 from {choice.path}")
    assert available_versions(env) == ["1.45"]


def test_download_url_template_from_env(env):
    folder = _shared_specs() / "docker-engine"
    if not folder.exists():
        pytest.skip("spec mirror not found")
    env["ENGINE_EXPLORER_SPEC_URL"] = folder.as_uri() + "/v{version}.yaml"
    calls = []

    def fetch(url):  # what transport.fetch does for file:// URLs
        calls.append(url)
        return Path(url[len("file://"):]).read_bytes()

    choice = find_spec("1.50", env=env, fetch=fetch)
    assert calls == [(folder / "v1.50.yaml").as_uri()] and choice.api_version == "1.50"


def test_wrong_checksum_is_an_error_and_nothing_is_cached(env, local_dir):
    with pytest.raises(SpecError, match="sha256"):
        find_spec("1.43", env=env, fetch=lambda url: b"tampered")
    assert not list(Path(env["XDG_CACHE_HOME"]).rglob("*.yaml"))


def test_none_downloads_the_newest_released_when_nothing_is_local(env):
    if not (_shared_specs() / "docker-engine/v1.55.yaml").exists():
        pytest.skip("spec mirror not found")
    calls = []
    choice = find_spec(None, env=env, fetch=mirror_fetch(calls))
    assert choice.api_version == "1.55" and calls[0].endswith("/v1.55.yaml")


def test_no_spec_anywhere(env):
    with pytest.raises(SpecError, match="ENGINE_EXPLORER_SPEC"):
        find_spec("1.43", env=env, fetch=offline)


def test_newest_known_includes_downloadable(local_dir, env):
    assert available_versions(env) == ["1.41", "1.42", "1.44"]
    assert newest_known(env) == "1.56"


def test_sources_json_lists_every_official_version():
    known = known_specs()
    assert sorted(known, key=lambda v: int(v.split(".")[1])) == [f"1.{n}" for n in range(41, 57)]
    for version, entry in known.items():
        assert entry["url"] == f"https://docs.docker.com/reference/api/engine/version/v{version}.yaml"
        mirror = _shared_specs() / f"docker-engine/v{version}.yaml"
        if mirror.exists():
            assert hashlib.sha256(mirror.read_bytes()).hexdigest() == entry["sha256"]


def test_spec_choice_is_frozen():
    with pytest.raises(AttributeError):
        SpecChoice("p", "1.41", "n").path = "q"


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"v?[0-9٣]{0,3}\.?[0-9]{0,3}\.?(yaml|yml|json|txt)?(\.bak)?", fullmatch=True)
       | st.text(max_size=12))
def test_spec_file_names_read_as_the_documented_pattern_says(name):
    import re

    from explorer.core.versions import of_file_name

    m = re.fullmatch(r"v([0-9]+\.[0-9]+)\.(?:ya?ml|json)", name)
    assert of_file_name(name) == (m.group(1) if m else "")


@pytest.mark.parametrize("text, version", [
    ('swagger: "2.0"\ninfo:\n  title: Docker Engine API\n  version: "1.45"  # note\npaths: {}\n', "1.45"),
    ("info:\n\n  x-logo: {}\n  version: '1.41'\n", "1.41"),
    ("info:\n  title: t\nversion: 1.41\n", ""),  # not inside info
    ('{"swagger": "2.0", "info": {"title": "t", "version": "1.43"}}', "1.43"),
])
def test_spec_version_is_read_from_the_info_block(tmp_path, text, version):
    from explorer.spec.sources import spec_file_version

    path = tmp_path / "swagger.yaml"
    path.write_text(text)
    assert spec_file_version(str(path)) == version
