"""What pip and pipx install: the wheel and sdist carry our data files and the license, and a wheel
installed in a fresh venv (pycurl's own wheel, its libcurl 8.x) runs `-c /_ping` and says once that
its libcurl is not the curl command's, with how to align them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from explorer.http import curlversions

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = ("sources.json", "live-values.yaml", "response-kinds.yaml")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict:
    """{"wheel": path, "sdist": path}, built once by `python -m build` (the sdist, then the wheel from it)
    with the test venv's setuptools (>= 77, a test dependency), so no build environment is downloaded."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


@pytest.mark.timeout(300)
def test_the_wheel_holds_the_data_files_the_license_and_an_spdx_expression(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = next(wheel.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    assert {f"explorer/specs/{name}" for name in DATA_FILES} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: Apache-2.0" in metadata.splitlines()


@pytest.mark.timeout(300)
def test_the_sdist_holds_the_data_files_and_the_license(dist):
    with tarfile.open(dist["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"specs/{name}" for name in DATA_FILES} <= names
    assert {"LICENSE", "pyproject.toml", "README.md"} <= names


@pytest.mark.engine
@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.timeout(600)  # pip fetches pycurl's wheel and the other dependencies
def test_a_wheel_in_a_fresh_venv_pings_and_says_its_libcurl_is_not_the_curl_commands(dist, tmp_path, engine_host,
                                                                                     pypi_wheels):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # this venv's pip installs into the new one (--python): the wheel and what its metadata asks for
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-index", "--no-compile",
                    "--disable-pip-version-check", "--find-links", str(pypi_wheels), str(dist["wheel"])],
                   check=True, capture_output=True, timeout=300)
    command = venv / "bin" / "engine-explorer"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    ping = subprocess.run([str(command), "-v", "-H", engine_host, "-c", "/_ping", "-c", "/_ping"],
                          capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert ping.returncode == 0, ping.stderr
    assert ping.stdout == "OKOK"
    notices = [ln for ln in ping.stderr.splitlines() if "--no-binary pycurl" in ln]
    assert len(notices) == 1, ping.stderr  # once, not per line
    assert f"{python} -m pip install --force-reinstall --no-binary pycurl pycurl" in notices[0]
    assert "libcurl 8." in notices[0] and f"libcurl {curlversions.versions().curl_libcurl}" in notices[0]

    version = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60, env=env)
    lines = version.stdout.splitlines()
    assert version.returncode == 0 and lines[0].startswith("engine-explorer ")
    assert lines[1].startswith("sends with: PycURL/") and "libcurl/8." in lines[1]
    assert lines[2].startswith("curl command: curl ") and "libcurl/" in lines[2]


def _versions(libcurl: str, curl_libcurl: str) -> curlversions.Versions:
    curl = f"curl {curl_libcurl} (x) libcurl/{curl_libcurl}" if curl_libcurl else ""
    return curlversions.Versions("0.1.0", f"PycURL/7.45.2 libcurl/{libcurl}", libcurl, curl, curl_libcurl)


@pytest.mark.parametrize("libcurl, curl_libcurl, says", [
    ("8.11.1", "7.88.1", True), ("7.88.1", "7.88.1", False), ("8.11.1", "", False)])
def test_the_notice_only_when_the_two_libcurls_differ(libcurl, curl_libcurl, says):
    notice = curlversions.mismatch(_versions(libcurl, curl_libcurl))
    assert bool(notice) == says
    assert "\n" not in notice


def test_version_says_when_there_is_no_curl_command():
    assert curlversions.versions("ee-no-such-curl").curl == ""
    assert "curl command: none on PATH" in curlversions.report(_versions("8.11.1", ""))
