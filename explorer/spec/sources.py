"""Where a spec comes from: an explicit path or URL, a spec folder, the cache, the system, a download.

Every start goes through find_spec, so the local search only lists folders and reads a few
lines of the system file; sources.json and hashlib are needed only when downloading.
"""
from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from explorer.core import versions
from explorer.core.datafiles import data_file, parsed
from explorer.core.errors import ExplorerError, SpecError, UsageError
from explorer.core.files import cache_dir, user_path, write_atomic

# Specs that distribution packages install (Debian: golang-github-docker-docker-dev, API 1.41)
SYSTEM_SPECS = ("/usr/share/gocode/src/github.com/docker/docker/api/swagger.yaml",)
RETRY_AFTER_S = 3600  # after a failed download, starts stay offline-fast this long

Fetch = Callable[[str], bytes]


class SpecChoice(NamedTuple):
    """The spec file to use, its API version ("" when unknown) and one line saying why."""

    path: str
    api_version: str
    note: str


def find_spec(api_version: str | None, *, spec: str | None = None,
              env: Mapping = os.environ, fetch: Fetch | None = None) -> SpecChoice:
    """The spec for `api_version` (None: the newest here), else the nearest lower, else the lowest."""
    wanted = _normalise(api_version) if api_version else None
    for origin, value in (("--spec", spec), ("ENGINE_EXPLORER_SPEC", env.get("ENGINE_EXPLORER_SPEC"))):
        if value:
            return _explicit(value, origin, wanted, env, fetch)
    local = local_specs(env)
    if wanted in local:
        return SpecChoice(local[wanted], wanted, f"spec v{wanted} from {local[wanted]}")
    if wanted is None and local:
        return _choose(local, None, "")
    known = known_specs()
    # without a version to match, an unreleased spec (whose download may not exist yet) is no default
    chosen = pick(set(local) | {v for v, e in known.items() if wanted or not e.get("unreleased")}, wanted)
    if chosen is None:
        raise SpecError("no API spec found; set ENGINE_EXPLORER_SPEC to a spec file or URL")
    if chosen in local:
        return _choose(local, wanted, "")
    try:
        path = _download_version(chosen, known[chosen], env, fetch)
    except _DownloadFailed as err:
        if not local:
            raise SpecError(f"no API spec here and {err}; set ENGINE_EXPLORER_SPEC to a spec file") from None
        return _choose(local, wanted, f" ({err})")
    if wanted is None or chosen == wanted:
        return SpecChoice(path, chosen, f"spec v{chosen} downloaded to {path}")
    return SpecChoice(path, chosen, f"no spec v{wanted} here; using v{chosen} ({relation(chosen, wanted)}), "
                                  f"downloaded to {path}")


def available_versions(env: Mapping = os.environ) -> list[str]:
    """API versions of the specs found locally (spec folder, cache, system), oldest first."""
    return sorted(local_specs(env), key=versions.key)


def newest_known(env: Mapping = os.environ) -> str:
    """The newest API version found locally or downloadable (for version negotiation)."""
    return max(set(local_specs(env)) | set(known_specs()), key=versions.key, default="")


def local_specs(env: Mapping = os.environ) -> dict[str, str]:
    """API version → spec file, from ENGINE_EXPLORER_SPEC_DIR, then the cache, then the system."""
    found: dict[str, str] = {}
    folder = env.get("ENGINE_EXPLORER_SPEC_DIR")
    if folder and not os.path.isdir(folder):
        raise SpecError(f"ENGINE_EXPLORER_SPEC_DIR={folder} is not a folder; fix or unset it")
    for directory in (folder, cache_dir("specs", env)):
        for version, path in _versioned_files(directory).items():
            found.setdefault(version, path)
    for path in SYSTEM_SPECS:
        version = _file_version_once(path)
        if version:
            found.setdefault(version, path)
    return found


def _file_version_once(path: str) -> str:
    """spec_file_version(path) for an existing file, read again only when the file changes."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    key = (path, st.st_size, st.st_mtime_ns)
    found = _SEEN_VERSIONS.get(key)
    if found is None:
        found = _SEEN_VERSIONS[key] = spec_file_version(path)
    return found


_SEEN_VERSIONS: dict = {}  # (path, size, mtime) → version: a start asks twice


def known_specs(family: str = "docker") -> dict[str, dict]:
    """Downloadable official specs of `family` (docker, podman) from sources.json: version → {"url", "sha256"}."""
    path = _sources_file()
    try:
        return parsed(path, _read_json, "sources", lambda doc: {str(v): dict(e) for v, e in doc[family].items()})
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise SpecError(f"{path}: unreadable list of downloadable specs ({err}); reinstall engine-explorer") from None


def _read_json(path: str) -> dict:
    import json  # only when the file changed since the last start

    with open(path, encoding="utf-8") as f:
        return json.load(f)


def spec_file_version(path: str) -> str:
    """The "1.NN" API version of a spec file, read cheaply from its first lines, else its name, else ""."""
    try:
        with open(path, "rb") as f:
            head = f.read(65536).decode("utf-8", "replace")
    except OSError:
        head = ""
    found = _yaml_info_version(head) or _json_info_version(head)
    if versions.is_docker(found):
        return found
    return versions.of_file_name(path)


def _yaml_info_version(head: str) -> str:
    """`version:` inside a top-level `info:` block of YAML text, else "" (no regex: one start reads it)."""
    inside = False
    for line in head.splitlines():
        if not inside:
            inside = line.startswith("info:") and not line[5:].strip()
            continue
        if line[:1] not in (" ", "\t", ""):
            return ""  # the block ended without a version
        words = line.strip()
        if words.startswith("version:"):
            value = words[8:].split("#", 1)[0].strip().strip("\"'")
            return value.split()[0] if value else ""
    return ""


def _json_info_version(head: str) -> str:
    m = _JSON_INFO_VERSION.search(head) if '"info"' in head else None
    return m.group(1) if m else ""


_JSON_INFO_VERSION = re.compile(r"\"info\"\s*:\s*\{[^{}]*?\"version\"\s*:\s*\"([^\"]*)\"")


def _explicit(value: str, origin: str, wanted: str | None, env: Mapping, fetch: Fetch | None) -> SpecChoice:
    """A spec named by --spec or ENGINE_EXPLORER_SPEC: a path, a file:// URL or an http(s) URL."""
    where = ""
    if value.startswith(("http://", "https://")):
        path = _download_url(value, env, fetch)
        where = f" (downloaded from {value})"
    elif value.startswith("file://"):
        path = unquote(urlsplit(value).path)
    else:
        path = user_path(value)
    if not os.path.isfile(path):
        raise SpecError(f"{path}: no such spec file (from {origin}); fix the path")
    version = spec_file_version(path)
    note = (f"spec v{version} from {path}" if version else f"spec from {path}") + where
    if wanted and version and wanted != version:
        note += f" (the engine speaks v{wanted})"
    return SpecChoice(path, version, note)


def _choose(local: dict[str, str], wanted: str | None, why: str) -> SpecChoice:
    """The best local spec for `wanted`, with a note saying how it was chosen."""
    version = pick(local, wanted)
    assert version is not None, "callers pass at least one local spec"
    path = local[version]
    if wanted is None or version == wanted:
        return SpecChoice(path, version, f"spec v{version} from {path}{why}")
    return SpecChoice(path, version,
                      f"no spec v{wanted} here{why}; using v{version} ({relation(version, wanted)}) from {path}")


def relation(version: str, wanted: str) -> str:
    """How a chosen spec version stands to the wanted one, as the notes say it."""
    return "nearest lower" if versions.key(version) < versions.key(wanted) else "lowest available, none lower"


def pick(found, wanted: str | None) -> str | None:
    """`wanted` if present, else the nearest lower, else the lowest; the newest for None."""
    ordered = sorted(found, key=versions.key)
    if not ordered:
        return None
    if wanted is None:
        return ordered[-1]
    lower = [v for v in ordered if versions.key(v) <= versions.key(wanted)]
    return lower[-1] if lower else ordered[0]


def _normalise(version: str) -> str:
    try:
        return versions.parse(version, "API version")
    except UsageError as err:
        raise SpecError(str(err)) from None


def _versioned_files(directory: str | None) -> dict[str, str]:
    """v1.NN.yaml / .yml / .json files of `directory` by version (missing folder: none)."""
    try:
        names = sorted(os.listdir(directory)) if directory else []
    except OSError:
        return {}
    found: dict[str, str] = {}
    for name in names:
        version = versions.of_file_name(name)
        if version and directory:
            found.setdefault(version, os.path.join(directory, name))
    return found


def _sources_file() -> str:
    return data_file("sources.json")


class _DownloadFailed(Exception):
    """A download that did not happen (offline, HTTP error); its str() is a short phrase."""


def _download_version(version: str, entry: dict, env: Mapping, fetch: Fetch | None, family: str = "") -> str:
    """Download the official spec for `version` into the cache (its `family` subfolder), verified; its path."""
    template = "" if family else (env.get("ENGINE_EXPLORER_SPEC_URL") or "")
    url = template.replace("{version}", version) or entry["url"]
    target = os.path.join(cache_dir("specs", env), family, f"v{version}.yaml")
    marker = target + ".failed"
    try:
        failed_ago = time.time() - os.stat(marker).st_mtime
    except OSError:
        failed_ago = RETRY_AFTER_S  # no marker: never failed
    if failed_ago < RETRY_AFTER_S:
        raise _DownloadFailed(f"download of v{version} failed recently; retried hourly")
    try:
        data = _get(url, fetch)
    except _DownloadFailed:
        write_atomic(marker, b"")
        raise
    _verify(url, data, entry["sha256"])
    _save(target, data)
    try:
        os.unlink(marker)
    except OSError:
        pass
    return target


def _download_url(url: str, env: Mapping, fetch: Fetch | None) -> str:
    """Download an explicit spec URL once into the cache (verified when it is an official one)."""
    import hashlib  # ~10 ms: only a download checks a sum

    name = re.sub(r"[^A-Za-z0-9._-]", "_", url.rstrip("/").rsplit("/", 1)[-1])[-60:] or "spec"
    target = os.path.join(cache_dir("specs", env), "urls",
                          hashlib.sha256(url.encode()).hexdigest()[:16] + "-" + name)
    if not os.path.isfile(target):
        try:
            data = _get(url, fetch)
        except _DownloadFailed as err:
            raise SpecError(f"{err}; check the URL or use a local spec file") from None
        official = {e["url"]: e["sha256"] for e in known_specs().values()}
        if url in official:
            _verify(url, data, official[url])
        _save(target, data)
    return target


def _get(url: str, fetch: Fetch | None) -> bytes:
    if fetch is None:
        try:
            from explorer.http.transport import fetch as download  # pycurl: only a download needs it
        except ImportError as err:
            raise _DownloadFailed(f"cannot download {url} ({err})") from None
        fetch = download
    try:
        return fetch(url)
    except (ExplorerError, OSError) as err:
        reason = " ".join(str(err).split())
        raise _DownloadFailed(reason if url in reason else f"download of {url} failed: {reason}") from None


def _verify(url: str, data: bytes, expected: str) -> None:
    import hashlib  # ~10 ms: only a download checks a sum

    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise SpecError(f"{url}: sha256 {actual[:12]}… is not the expected {expected[:12]}…; "
                        "nothing was saved, check ENGINE_EXPLORER_SPEC_URL")


def _save(target: str, data: bytes) -> None:
    if not write_atomic(target, data):
        raise SpecError(f"cannot save the spec to {target}; make {os.path.dirname(target)} writable")
