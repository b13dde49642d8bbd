"""The body forms against the sandbox engine: `Image=@file` (a file's text), `Cmd:=@file.json` (its
JSON), an escaped key (`Labels[a\\=b]`, `'x\\:y=z'`) and a bare `:=JSON` body; each curl line re-run by
curl does the same. (Top-level arrays: tests/integration/test_api_plugins.py, with a real plugin.)"""
from __future__ import annotations

import json

import pytest

from tests.integration.apidriver import LABEL, inspect, rerun

pytestmark = pytest.mark.engine


def test_fields_from_files_and_escaped_keys_create_the_container(ee, docker_api, busybox_image, unique_name, tmp_path):
    (tmp_path / "image.txt").write_text(busybox_image)  # no newline: the file's text is the value as it is
    (tmp_path / "cmd.json").write_text('["sh", "-c", "echo from a file"]\n')
    line = (f"POST /containers/create name=={unique_name} Image=@{tmp_path}/image.txt Cmd:=@{tmp_path}/cmd.json "
            f"Labels[{LABEL}]={unique_name} 'Labels[a\\=b]=c' 'Labels[x\\:y]=@not-a-file' HostConfig[NetworkMode]=none")
    ee.send(line.replace("Labels[x\\:y]=@not-a-file", "Labels[x\\:y]=z"), 201)
    config = inspect(docker_api, "containers", unique_name)["Config"]
    assert (config["Image"], config["Cmd"]) == (busybox_image, ["sh", "-c", "echo from a file"])
    assert (config["Labels"]["a=b"], config["Labels"]["x:y"]) == ("c", "z")
    failed = ee.send(line)  # `=@` reads a file: one that is not there is one line, and nothing is sent
    assert failed.status is None and failed.err.count(b"\n") == 1
    assert b"`Labels[x\\:y]=@not-a-file`: no such file" in failed.err

    created = ee.send(line.replace("Labels[x\\:y]=@not-a-file", "Labels[x\\:y]=z"), 409)  # the name is taken
    assert docker_api.call("DELETE", f"/containers/{unique_name}")[0] == 204
    rerun(created, 201)  # the printed line carries the files' contents: curl makes the same container
    again = inspect(docker_api, "containers", unique_name)["Config"]
    assert (again["Image"], again["Cmd"], again["Labels"]) == (config["Image"], config["Cmd"], config["Labels"])
    assert docker_api.call("DELETE", f"/containers/{unique_name}")[0] == 204


def test_a_bare_json_item_is_the_whole_body(ee, docker_api, busybox_image, unique_name):
    raw = json.dumps({"Image": busybox_image, "Labels": {LABEL: unique_name}, "HostConfig": {"NetworkMode": "none"}})
    sent = ee.send(f"POST /containers/create name=={unique_name} ':={raw}'", 201)
    assert f"--data-binary '{raw}'" in sent.curl  # as typed, spaces and all
    assert inspect(docker_api, "containers", unique_name)["Config"]["Labels"] == {LABEL: unique_name}
    assert docker_api.call("DELETE", f"/containers/{unique_name}")[0] == 204
