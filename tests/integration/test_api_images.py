"""The Image API on the sandbox engine, through engine-explorer: tag, delete, commit, history, inspect,
list, prune, import, export of several images, a BuildKit build and its cache prune. Each effect is
checked with the raw client; then the printed curl line is re-run by curl. Everything these tests make
carries the label `ee-test=<their unique value>` or is a tag they remove, so prunes and removals never
touch `busybox:local` or anything another run made."""
from __future__ import annotations

import io
import json
import secrets
import shlex
import tarfile
from urllib.parse import quote

import pytest

from tests.integration.apidriver import LABEL, inspect, rerun

pytestmark = pytest.mark.engine



@pytest.fixture
def label(docker_api, unique_name):
    """This test's label value; afterwards every image with it is pruned (by the raw client)."""
    yield unique_name
    flt = json.dumps({"label": [f"{LABEL}={unique_name}"], "dangling": ["false"]})
    docker_api.call("POST", f"/images/prune?filters={quote(flt, safe='')}")


@pytest.fixture
def refs(docker_api, unique_name):
    """make(suffix) → a fresh image reference `ee-test-…:suffix`; each is removed afterwards."""
    made: list[str] = []

    def make(suffix: str) -> str:
        made.append(f"{unique_name}:{suffix}")
        return made[-1]

    yield make
    for ref in made:
        docker_api.call("DELETE", f"/images/{ref}?force=1")


def tar_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def file_in_image(docker_api, image: str, path: str, name: str) -> bytes:
    """The content of `path` in `image`: read from a container created (never started) from it."""
    status, body = docker_api.call_json("POST", f"/containers/create?name={name}", {
        "Image": image, "Cmd": ["none"], "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    try:
        status, data = docker_api.call("GET", f"/containers/{body['Id']}/archive?path={path}")
        assert status == 200, data
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            member = tar.extractfile(path.rsplit("/", 1)[1])
            assert member is not None
            return member.read()
    finally:
        docker_api.call("DELETE", f"/containers/{body['Id']}?force=1")


def busybox_id(docker_api) -> str:
    return inspect(docker_api, "images", "busybox:local")["Id"]


def test_tag_then_delete_the_tag(ee, docker_api, busybox_image, refs, proven):
    ref = refs("tagged")
    repo, tag = ref.split(":")
    tagged = ee.send(f"POST /images/{busybox_image}/tag repo=={repo} tag=={tag}", 201)
    assert inspect(docker_api, "images", ref)["Id"] == busybox_id(docker_api)
    deleted = ee.send(f"DELETE /images/{ref}", 200)
    assert deleted.json() == [{"Untagged": ref}]  # only the tag: the image is busybox:local's
    assert inspect(docker_api, "images", ref) is None and inspect(docker_api, "images", busybox_image)
    proven("ImageTag", "ImageDelete")
    rerun(tagged)
    assert inspect(docker_api, "images", ref)["Id"] == busybox_id(docker_api)
    rerun(deleted)
    assert inspect(docker_api, "images", ref) is None


def test_commit_history_inspect_list_and_prune(ee, docker_api, busybox_image, unique_name, label, proven):
    token = secrets.token_hex(6)
    status, body = docker_api.call_json("POST", f"/containers/create?name={unique_name}", {
        "Image": busybox_image, "Cmd": ["sh", "-c", f"echo {token} > /committed"],
        "HostConfig": {"NetworkMode": "none"}})
    assert status == 201, body
    assert docker_api.call("POST", f"/containers/{unique_name}/start")[0] == 204
    assert docker_api.call_json("POST", f"/containers/{unique_name}/wait")[1]["StatusCode"] == 0
    repo = unique_name
    commit = ee.send(f"POST /commit container=={unique_name} repo=={repo} tag==v1 comment==ee-commit "
                     f"Labels[{LABEL}]={label}", 201)
    image_id = commit.json()["Id"]
    image = inspect(docker_api, "images", f"{repo}:v1")
    assert image["Id"] == image_id and image["Comment"] == "ee-commit"
    assert image["Config"]["Labels"] == {LABEL: label}
    assert file_in_image(docker_api, f"{repo}:v1", "/committed", f"{unique_name}-read") == f"{token}\n".encode()
    proven("ImageCommit")

    history = ee.send(f"GET /images/{repo}:v1/history", 200)
    assert history.json()[0]["Id"] == image_id and history.json()[0]["Comment"] == "ee-commit"
    assert history.json()[1]["Id"] == busybox_id(docker_api)
    inspected = ee.send(f"GET /images/{repo}:v1/json", 200)
    assert inspected.json()["Id"] == image_id and inspected.json()["RepoTags"] == [f"{repo}:v1"]
    flt = shlex.quote(json.dumps({"label": [f"{LABEL}={label}"]}))
    listed = ee.send(f"GET /images/json filters=={flt}", 200)
    assert [i["Id"] for i in listed.json()] == [image_id]
    proven("ImageHistory", "ImageInspect", "ImageList")
    for sent in (history, inspected, listed):
        assert json.loads(rerun(sent)) == sent.json()

    second = json.loads(rerun(commit))["Id"]  # the same commit again: a new image takes the tag
    assert second != image_id and inspect(docker_api, "images", f"{repo}:v1")["Id"] == second
    assert docker_api.call("DELETE", f"/containers/{unique_name}")[0] == 204
    prune_filter = shlex.quote(json.dumps({"label": [f"{LABEL}={label}"], "dangling": ["false"]}))
    pruned = ee.send(f"POST /images/prune filters=={prune_filter}", 200)
    deleted = {entry.get("Deleted") for entry in pruned.json()["ImagesDeleted"]}
    assert {image_id, second} <= deleted
    assert inspect(docker_api, "images", image_id) is None and inspect(docker_api, "images", second) is None
    assert inspect(docker_api, "images", busybox_image)
    proven("ImagePrune")
    assert json.loads(rerun(pruned))["ImagesDeleted"] is None  # nothing of ours left to prune


def test_import_a_root_filesystem_tar(ee, docker_api, unique_name, label, tmp_path, proven):
    token = secrets.token_hex(6).encode()
    rootfs = tmp_path / "rootfs.tar"
    rootfs.write_bytes(tar_of({"imported": token}))
    change = shlex.quote(f"LABEL {LABEL}={label}")
    sent = ee.send(f"POST /images/create fromSrc==- repo=={unique_name} tag==imported changes=={change} "
                   f"@{rootfs}", 200)
    image_id = sent.json_lines()[-1]["status"]
    image = inspect(docker_api, "images", f"{unique_name}:imported")
    assert image["Id"] == image_id and image["Config"]["Labels"] == {LABEL: label}
    assert file_in_image(docker_api, image_id, "/imported", f"{unique_name}-read") == token
    proven("ImageCreate")
    again = json.loads(rerun(sent).splitlines()[-1])["status"]  # imported again (a new creation time)
    assert again != image_id and inspect(docker_api, "images", f"{unique_name}:imported")["Id"] == again


def test_get_several_images_in_one_tar(ee, docker_api, busybox_image, refs, tmp_path, proven):
    first, second = refs("one"), refs("two")
    for ref in (first, second):
        repo, tag = ref.split(":")
        assert docker_api.call("POST", f"/images/{busybox_image}/tag?repo={repo}&tag={tag}")[0] == 201
    saved = tmp_path / "images.tar"
    sent = ee.send(f"GET /images/get names=={first} names=={second} > {saved}", 200)

    def tags_in(data: bytes) -> list:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            manifest = tar.extractfile("manifest.json")
            assert manifest is not None
            return sorted(tag for image in json.load(manifest) for tag in image["RepoTags"])

    assert tags_in(saved.read_bytes()) == sorted([first, second])
    proven("ImageGetAll")
    assert f" -o {saved} " in sent.curl  # the printed line writes the file too
    saved.unlink()
    assert rerun(sent) == b""
    assert tags_in(saved.read_bytes()) == sorted([first, second])


BUILD = "FROM busybox:local\nRUN echo {token} > /built\nLABEL " + LABEL + "={label}\n"


def test_buildkit_build_then_prune_its_cache(ee, docker_api, refs, label, tmp_path, proven):
    token = secrets.token_hex(6)
    context = tmp_path / "context.tar"
    context.write_bytes(tar_of({"Dockerfile": BUILD.format(token=token, label=label).encode()}))
    ref = refs("buildkit")
    build = ee.send(f"POST /build version==2 t=={ref} networkmode==none @{context}", 200)
    assert any(line.get("id") == "moby.buildkit.trace" for line in build.json_lines())  # BuildKit built it
    assert inspect(docker_api, "images", ref)["Config"]["Labels"] == {LABEL: label}
    assert file_in_image(docker_api, ref, "/built", f"{label}-read") == f"{token}\n".encode()
    proven("ImageBuild")

    df = ee.send("GET /system/df", 200).json()
    mine = [record["ID"] for record in df["BuildCache"] if token in record["Description"]]
    assert len(mine) == 1, df["BuildCache"]  # the RUN step's snapshot, named by its command
    _, raw = docker_api.call_json("GET", "/system/df")
    assert mine[0] in {record["ID"] for record in raw["BuildCache"]}
    proven("SystemDataUsage")
    flt = shlex.quote(json.dumps({"id": [mine[0]]}))
    pruned = ee.send(f"POST /build/prune all==1 filters=={flt}", 200)
    assert pruned.json()["CachesDeleted"] == mine
    _, raw = docker_api.call_json("GET", "/system/df")
    assert mine[0] not in {record["ID"] for record in raw["BuildCache"]}
    proven("BuildPrune")
    assert json.loads(rerun(pruned))["CachesDeleted"] is None  # that record is gone: nothing to prune
    rerun(build)
    assert inspect(docker_api, "images", ref)["Config"]["Labels"] == {LABEL: label}
