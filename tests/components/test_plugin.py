"""The volume plugin, created from its tar by curl and run by dockerd: the docker CLI enables it, makes a
volume with it, mounts that volume in a container, and disables it again."""

from __future__ import annotations

import json
import subprocess


def test_dockerd_runs_it_as_a_volume_driver(volume_plugin, engine_host, engine_socket, docker_cli, unique_name,
                                            busybox_image):
    name = f"{unique_name}:latest"
    context = volume_plugin.context(unique_name)
    created = subprocess.run(["curl", "-sS", "--max-time", "60", "--unix-socket", engine_socket, "-w", "%{http_code}",
                              "-H", "Content-Type: application/x-tar", "--data-binary", f"@{context}",
                              f"http://docker/v1.41/plugins/create?name={name}"],
                             capture_output=True, text=True, timeout=90, check=False)
    assert created.stdout == "204", (created.stdout, created.stderr)

    def docker(*args: str) -> str:
        done = docker_cli.run("-H", engine_host, *args)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    try:
        assert docker("plugin", "inspect", "--format", "{{json .Config.Interface}}", name).strip() == \
            json.dumps({"Socket": "ee.sock", "Types": ["docker.volumedriver/1.0"]}, separators=(",", ":"))
        docker("plugin", "enable", name)
        docker("volume", "create", "--driver", name, unique_name)
        [volume] = json.loads(docker("volume", "inspect", unique_name))
        assert (volume["Driver"], volume["Status"]) == (name, {"greeting": "hello"})
        assert docker("volume", "ls", "--quiet", "--filter", f"driver={name}").split() == [unique_name]
        written = docker("run", "--rm", "--network", "none", "--volume", f"{unique_name}:/data", busybox_image,
                         "sh", "-c", "echo kept > /data/file && cat /data/file")
        assert written == "kept\n"
        docker("volume", "rm", unique_name)
        docker("plugin", "disable", name)
        assert docker("plugin", "inspect", "--format", "{{.Enabled}}", name).strip() == "false"
    finally:
        docker_cli.run("-H", engine_host, "volume", "rm", "--force", unique_name)
        docker_cli.run("-H", engine_host, "plugin", "rm", "--force", name)
