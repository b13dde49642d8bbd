"""The printed curl line, run by bash, sends the same bytes as pycurl does (bar User-Agent and Accept)."""
from __future__ import annotations

import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from components import started
from components.tcp import make_certs

from explorer.core.config import Settings
from explorer.core.console import Console
from explorer.shell.session import Session
from tests.recording_server import RESPONSE_BODY, RecordingServer, ServerTLS

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = """it's "q" $HOME `id` $(id) \\ ; & | > < * ? ~ # !"""

# (line, also run against the real engine?)  {FILE}/{ODD_FILE} are replaced by tar files.
LINES = [
    ("GET /_ping", True),
    ("HEAD /_ping", True),
    ("/version", True),
    ("/v1.41/info", True),
    ("GET /containers/json all==1", True),
    ("GET /containers/json all==true limit==5 size==false", True),
    ("GET /containers/json 'filters=={\"status\":[\"running\"],\"label\":[\"a=b\"]}'", True),
    ("GET '/containers/json?all=1&limit=3'", True),
    ("GET '/containers/json?all=1' all==0", True),
    ("GET /images/json 'filters=={\"reference\":[\"busybox\"]}' 'filters=={\"dangling\":[\"false\"]}'", True),
    ("ContainerList all==1 'filters=={\"name\":[\"ee-nothing\"]}'", True),
    ("ContainerInspect id==ee-missing size==1", True),
    ("GET /containers/ee-missing/json", True),
    ("GET '/containers/we b/json'", True),
    ("GET '/containers/$(touch pwned)/json'", True),
    ("GET '/containers/`id`/json'", True),
    ("GET \"/containers/it's/json\"", True),
    ("GET '/containers/ünïcødé/json'", True),
    ("GET /containers/./json", False),
    ("GET /containers/../json", True),  # dot segments go as typed: --path-as-is
    ("GET '/containers/%2E%2E/json'", True),
    ("!GET '/containers/.%2e/x/%2E/json'", False),
    ("GET '/containers/a%2Fb%41/json'", True),
    ("GET /containers/{{v}}/json", True),  # a value fills its slot, encoded there
    ("GET /images/{{img}}/json", True),
    ("!GET /containers/json label=={{v}} 'filters=={{v}}'", False),
    ("GET /version X-Value:{{v}}", True),
    ("POST /containers/create Image={{v}} 'Labels[{{v}}]={{v}}' 'Cmd:=[\"{{v}}\"]'", False),
    ("GET /images/docker.io/library/busybox:latest/json", True),
    ("ImageInspect name==busybox:local", True),
    ("GET /images/busybox:local/history", True),
    ("GET /version 'X-Test:hello world'", True),
    (f"GET /version {shlex.quote('X-Hostile:' + HOSTILE)}", True),
    ("GET /version X-Unicode:ünïcødé🐳", True),
    ("GET /version X-Empty:", True),
    ("GET /containers/json " + shlex.quote("filters==" + json.dumps({"label": [HOSTILE]})), False),
    (f"!GET /containers/json {shlex.quote('label==' + HOSTILE)}", True),  # ! : label is no parameter
    ("POST /containers/create Image=busybox:local", False),
    ("POST /containers/create name==web Image=busybox:local HostConfig[NetworkMode]=none "
     "'Cmd:=[\"sh\",\"-c\",\"echo hi >&2\"]'", False),
    ("POST /containers/create Image=busybox:local 'Env:=[\"A=1\",\"B=two words\"]' Labels[com.example.x]=y", False),
    (f"POST /containers/create Image=busybox:local {shlex.quote('Labels[q]=' + HOSTILE)}", False),
    ("POST /containers/create Image=busybox:local $'Labels[nl]=line1\\nline2\\ttab'", False),
    ("POST /containers/create 'Image=ünï' Labels[emoji]=🐳", False),
    ("POST /containers/create Image=busybox:local HostConfig[Memory]:=67108864 HostConfig[AutoRemove]:=true", False),
    ("POST /containers/create Image=busybox:local 'HostConfig[Binds][]=/a:/b' 'HostConfig[Binds][]=/c:/d'", False),
    ("POST /containers/create Image=busybox:local Labels[big]=" + "x" * 3000, False),
    ("POST /containers/create Image=busybox:local 'Labels[@at]:=\"@value\"'", False),
    ("POST /containers/create Image=@{TEXT_FILE} Cmd:=@{JSON_FILE} 'Labels[a\\=b]=c' 'x\\:y=z'", False),
    ("POST /plugins/ee-missing/set '[]=DEBUG=1' '[]=A=it'\\''s'", True),
    ("POST /plugins/pull remote==ee-missing '[0][Name]=network' '[0][Description]=' '[0][Value][]=host'", False),
    ("POST /plugins/pull remote==ee-missing ':=[{\"Name\": \"network\", \"Value\": [\"host\"]}]'", False),
    ("POST /containers/create ':={\"Image\": \"{{v}}\"}'", False),
    ("POST /containers/ee-missing/start", True),
    ("POST /containers/ee-missing/stop t==1", True),
    ("POST /containers/ee-missing/kill signal==SIGKILL", True),
    ("POST /containers/ee-missing/rename 'name==new name'", True),
    ("DELETE /containers/ee-missing force==true v==1", True),
    ("DELETE /images/ee-missing:old noprune==1", True),
    ("PUT /containers/ee-missing/archive path==/tmp @{FILE}", True),
    ("POST /images/load quiet==1 @{FILE}", False),
    ("POST /build t==ee-img:1 @{ODD_FILE}", False),
    ("POST /networks/create Name=ee-net1 Internal:=true 'Labels[x]=y z'", False),
    ("POST /volumes/create Name=ee-vol1 Labels[a]=b", False),
    ("DELETE /volumes/ee-missing-vol", True),
    ("POST /containers/ee-missing/exec 'Cmd:=[\"echo\",\"$HOME\"]' AttachStdout:=true", True),
    ("POST /exec/ee-missing/start Detach:=false Tty:=false", True),
    ("GET /events since==0 until==1 'filters=={\"type\":[\"container\"]}'", True),
    ("GET /containers/ee-missing/logs stdout==1 stderr==1 tail==10 timestamps==true", True),
    ("POST /containers/prune 'filters=={\"until\":[\"999999h\"]}'", True),
    ("GET /system/df", True),
    ("curl --unix-socket /ignored -H 'X-A: b' 'http://localhost/v1.41/containers/json?all=1'", True),
    ("curl -sS -X POST -H 'Content-Type: application/json' -d '{\"Image\":\"x\"}' "
     "'http://localhost/v1.41/containers/create?name=ee-pasted'", False),
    ("curl --unix-socket /x http://v1.41/version", True),
    ("curl --path-as-is http://localhost/v1.41/containers/../version", True),
    ("curl http://localhost/v1.41/containers/x/../../version", True),  # curl squashes it: /v1.41/version
    ("curl http://localhost/v1.41/containers/./x/./json", True),
]
VALUES = {"v": "a/b ?#%41 .. 'q' $(id)", "img": "localhost:5000/library/busybox:local"}


@pytest.fixture()
def tar_files(tmp_path):
    """A small tar, one whose file name is hostile to a shell, a text file and a JSON file (`=@`, `:=@`)."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        body = b"FROM busybox:local\nRUN echo built\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    (tmp_path / "text.txt").write_text(HOSTILE + "\nünïcødé\n")
    (tmp_path / "cmd.json").write_text('["sh", "-c", "echo \\"$HOME\\""]\n')
    plain = tmp_path / "context.tar"
    odd = tmp_path / "my ctx $HOME `x` it's.tar"
    plain.write_bytes(data.getvalue())
    odd.write_bytes(data.getvalue())
    return {"FILE": shlex.quote(str(plain)), "ODD_FILE": shlex.quote(str(odd)),
            "TEXT_FILE": shlex.quote(str(tmp_path / "text.txt")), "JSON_FILE": shlex.quote(str(tmp_path / "cmd.json"))}


def make_session(host: str, spec: str, **settings):
    out, err = io.BytesIO(), io.BytesIO()
    console = Console(stdout=out, stderr=err)
    session = Session(Settings(host=host, spec=str(spec), api_version="1.41", **settings), console, env={})
    session.variables.update(VALUES)
    return session, out, err


def strip_agent(raw: bytes) -> bytes:
    """Drop User-Agent and Accept: we send our own agent, curl sends its own."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    keep = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith((b"user-agent:", b"accept:"))]
    return b"\r\n".join(keep) + sep + body


def expand(line: str, files: dict) -> str:
    for key, value in files.items():
        line = line.replace("{" + key + "}", value)
    return line


def printed_and_sent(line: str, host: str, spec: str, **settings):
    """(curl line as printed, the Request) for one of our lines or a pasted curl line."""
    session, _, _ = make_session(host, spec, **settings)
    from explorer.http import curlpaste
    from explorer.lang import commands

    cmd = commands.parse(line)
    if isinstance(cmd, commands.CurlPaste):
        req = curlpaste.parse(cmd.argv).request
        if req.api_version is None:

            req = req._replace(api_version="1.41")
    else:
        req = session.build(cmd)
    return session, session.curl_line(req), req


@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.parametrize("line", [ln for ln, _ in LINES])
def test_curl_line_sends_the_same_bytes(line, tar_files, spec_v141):
    with RecordingServer() as server:
        session, curl_line, req = printed_and_sent(expand(line, tar_files), "unix://" + server.path, spec_v141)
        session.transport().send(req)
        session.close()
        ours = server.take()
        run = subprocess.run(["bash", "-c", curl_line], capture_output=True, timeout=30)
        theirs = server.take()
    assert run.returncode == 0, run.stderr
    assert len(ours) == len(theirs) == 1
    assert strip_agent(ours[0]) == strip_agent(theirs[0])
    assert b"engine-explorer/" in ours[0]


# A body too long for one argument of an exec'd curl (Linux: 128 KiB) goes to curl's stdin.
BIG = "x" * 150_000 + "'\"$HOME `id` \\ é"
BIG_LINES = [
    ("POST /containers/create Image=busybox:local Labels[big]={{big}}", {"big": BIG}),
    ("POST /auth username=u password={{pw}} serveraddress={{big}}", {"pw": "s3cret", "big": BIG}),
]


@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.parametrize(("line", "values"), BIG_LINES)
def test_a_body_too_long_for_an_argument_goes_to_curls_stdin(line, values, spec_v141):
    with RecordingServer() as server:
        session, _, err = make_session("unix://" + server.path, spec_v141)
        session.variables.update(values)
        session.console.verbose = True
        assert session.execute(line).exit_code == 0, err.getvalue()
        session.close()
        (printed,) = [ln for ln in err.getvalue().decode().splitlines() if ln.startswith(("curl ", "printf "))]
        assert printed.startswith("printf %s ") and " | curl " in printed and " --data-binary @- " in printed
        assert "s3cret" not in printed  # a secret in a long body is still a $VARIABLE
        ours = server.take()
        # pasted into a shell (read from its input: `bash -c LINE` would itself be too long an argument)
        run = subprocess.run(["bash"], input=printed.encode(), capture_output=True, timeout=30,
                             env={**os.environ, "PASSWORD": "s3cret"})
        theirs = server.take()
    assert run.returncode == 0, run.stderr
    assert strip_agent(ours[0]) == strip_agent(theirs[0])
    assert len(ours[0]) > 150_000


# A body written to a file: the printed line says `-o FILE`, and run by bash it writes the same file.
OUTPUT_LINES = [
    "GET /containers/json all==1 > {OUT}",
    "POST /containers/create Image=busybox:local 'Labels[a\\=b]=c' > {OUT}",
    "curl -sS -o {OUT} http://localhost/v1.41/containers/json",
    "curl -o {OUT} -X POST --json '[\"DEBUG=1\"]' http://localhost/v1.41/plugins/ee-missing/set",
]


@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.parametrize("line", OUTPUT_LINES)
def test_a_line_that_writes_a_file_prints_curl_with_o_file(line, spec_v141, tmp_path):
    ours_file, theirs_file = tmp_path / "our out $HOME 'q'.json", tmp_path / "their out.json"
    with RecordingServer() as server:
        session, out, err = make_session("unix://" + server.path, spec_v141)
        session.console.verbose = True  # the curl line goes to stderr, as `-v` prints it
        assert session.execute(line.replace("{OUT}", shlex.quote(str(ours_file)))).exit_code == 0, err.getvalue()
        session.close()
        printed = [ln for ln in err.getvalue().decode().splitlines() if ln.startswith("curl ")][-1]
        assert f" -o {shlex.quote(str(ours_file))} " in printed and " > " not in printed
        ours = server.take()
        theirs_line = printed.replace(shlex.quote(str(ours_file)), shlex.quote(str(theirs_file)))
        run = subprocess.run(["bash", "-c", theirs_line], capture_output=True, timeout=30)
        theirs = server.take()
    assert run.returncode == 0, run.stderr
    assert strip_agent(ours[0]) == strip_agent(theirs[0])
    assert ours_file.read_bytes() == theirs_file.read_bytes() == RESPONSE_BODY and out.getvalue() == b""


@pytest.fixture(scope="session")
def server_certs(component_session):
    """A CA, a server certificate for 127.0.0.1 and a client one (in client/: a DOCKER_CERT_PATH)."""
    folder = component_session.folder("recording-certs")
    return started("test certificates", lambda: make_certs(folder, "ee-rec"))


def tcp_server(kind: str, certs) -> RecordingServer:
    """A recording server on 127.0.0.1: plain HTTP, or TLS asking for a client certificate as dockerd does."""
    tls = ServerTLS(str(certs / "server-cert.pem"), str(certs / "server-key.pem"), str(certs / "ca.pem"))
    return RecordingServer(tls=tls) if kind == "tls" else RecordingServer(tcp=True)


def tcp_settings(kind: str, certs) -> dict:
    """What -H tcp://… with --tlsverify and DOCKER_CERT_PATH give (TLS only when asked for)."""
    return {"tls_verify": True, "cert_path": str(certs / "client")} if kind == "tls" else {}


# Over TCP and TLS only the URL's start and the TLS options differ from a socket, so a sample that
# fills every slot (paths hostile and with dot segments, queries, headers, bodies, files, values, pasted
# lines) re-runs there, not all of LINES: each line costs a session and a curl process.
TCP_LINES = [LINES[i][0] for i in (0, 1, 6, 14, 19, 23, 32, 38, 41, 58, 59, 71, 73)]


@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.parametrize("kind", ["tcp", "tls"])
@pytest.mark.parametrize("line", TCP_LINES)
def test_curl_line_over_tcp_and_tls_sends_the_same_bytes(kind, line, tar_files, spec_v141, server_certs):
    with tcp_server(kind, server_certs) as server:
        host = f"tcp://127.0.0.1:{server.port}"
        session, curl_line, req = printed_and_sent(expand(line, tar_files), host, spec_v141,
                                                   **tcp_settings(kind, server_certs))
        session.transport().send(req)
        session.close()
        ours = server.take()
        run = subprocess.run(["bash", "-c", curl_line], capture_output=True, timeout=30)
        theirs = server.take()
    assert run.returncode == 0, (curl_line, run.stderr)
    assert f" {server.url}/v1.41/" in curl_line or f" '{server.url}/v1.41/" in curl_line
    assert ("--cacert" in curl_line and "--cert" in curl_line) == (kind == "tls")
    assert len(ours) == len(theirs) == 1, server.handshake_errors
    assert strip_agent(ours[0]) == strip_agent(theirs[0])


@pytest.mark.parametrize("kind", ["tcp", "tls"])
def test_a_printed_tcp_or_tls_line_pasted_back_sends_the_same_bytes(kind, spec_v141, server_certs):
    line = "POST /containers/create name==web Image=busybox:local 'Labels[a]=b c'"
    with tcp_server(kind, server_certs) as server:
        host = f"tcp://127.0.0.1:{server.port}"
        session, printed, req = printed_and_sent(line, host, spec_v141, **tcp_settings(kind, server_certs))
        session.transport().send(req)
        outcome = session.execute(printed)  # the curl line, pasted into the shell
        session.close()
        ours, pasted = server.take()
    assert outcome.exit_code == 0
    assert printed.startswith("curl --cacert " if kind == "tls" else "curl -X POST ")
    assert strip_agent(ours) == strip_agent(pasted)


def test_the_lines_hold_every_item_kind_a_value_in_every_slot_and_reach_both_servers():
    """What the byte comparisons above are worth: every kind of item (query, header, field, JSON, @file),
    a {{value}} in every slot, `!`, an operationId, pasted curl lines; and some lines are also
    sent to the real engine, not only to the recording server."""
    from explorer.lang import commands  # imported where used, as printed_and_sent does

    files = {"FILE": "a.tar", "ODD_FILE": "b.tar", "TEXT_FILE": "t.txt", "JSON_FILE": "c.json"}
    parsed = [commands.parse(expand(line, files)) for line, _ in LINES]
    requests = [p.request if isinstance(p, commands.CurlPreview) else p for p in parsed
                if isinstance(p, (commands.RequestLine, commands.CurlPreview))]
    assert {item.kind for r in requests for item in r.items} == {"query", "header", "field", "json", "file"}
    with_values = {"path"} if any("{{" in r.target for r in requests) else set()
    with_values |= {item.kind for r in requests for item in r.items if "{{" in item.name + item.value}
    assert with_values == {"path", "query", "header", "field", "json"}
    assert any(r.force for r in requests) and any(not r.target.startswith("/") for r in requests)
    assert any(isinstance(p, commands.CurlPaste) for p in parsed)
    assert {real for _, real in LINES} == {True, False}


@pytest.mark.engine
@pytest.mark.parametrize("line", [ln for ln, real in LINES if real])
def test_same_status_from_the_real_engine(line, tar_files, spec_v141, engine_host):
    session, curl_line, req = printed_and_sent(expand(line, tar_files), engine_host, spec_v141)
    ours = session.transport().send(req).status
    session.close()
    line_for_engine = curl_line + " -s -o /dev/null -w '%{http_code}'"
    run = subprocess.run(["bash", "-c", line_for_engine], capture_output=True, timeout=30, text=True)
    assert run.stdout == str(ours), (curl_line, run.stderr)


# -- the same with pycurl's PyPI wheel, whose libcurl (8.x) is not the curl command's -------------

WHEEL_RUN = "ENGINE_EXPLORER_TEST_WHEEL_PYCURL"


def test_the_libcurl_under_test():
    """In the wheel run (below) pycurl must really be the wheel's, with a libcurl of its own."""
    import pycurl

    if os.environ.get(WHEEL_RUN):
        assert "pycurl.libs" in os.listdir(os.path.dirname(os.path.dirname(pycurl.__file__)))
        assert "libcurl/8." in pycurl.version, pycurl.version
    assert "libcurl/" in pycurl.version


@pytest.mark.skipif(bool(os.environ.get(WHEEL_RUN)), reason="this is the wheel run")
@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.timeout(900)  # pip fetches the wheel, then a whole pytest run
def test_the_printed_lines_hold_with_the_wheels_libcurl_too(tmp_path, pypi_wheels):
    """pip and pipx install pycurl's wheel: its libcurl 8.x must send what the printed line sends."""
    folder = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-index", "--find-links", str(pypi_wheels),
                    "--target", str(folder), "pycurl"], check=True, capture_output=True, timeout=300)
    env = dict(os.environ, PYTHONPATH=str(folder), **{WHEEL_RUN: "1"})
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__, "-m",
                           "not engine", "-k", "sends_the_same_bytes or libcurl_under_test"],
                          capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    # each line over the socket, the sample over TCP and TLS, the two pasted-back lines, libcurl_under_test
    assert f"{len(LINES) + 2 * len(TCP_LINES) + 3} passed" in done.stdout, done.stdout[-500:]


# -- secrets: the printed line reads each from a variable; set, the pasted line sends the same bytes --

SECRET_LINES = [
    ("POST /images/create fromImage==ee-missing X-Registry-Auth:c2VjcmV0LWF1dGg", {"REGISTRY_AUTH": "c2VjcmV0LWF1dGg"}),
    ("GET /version 'Authorization:Bearer s3cr3t tok' 'Proxy-Authorization:Basic dTpw'",
     {"AUTHORIZATION": "Bearer s3cr3t tok", "PROXY_AUTHORIZATION": "Basic dTpw"}),
    ("POST /auth username=u 'password=hunter2 $x' serveraddress=127.0.0.1:5000", {"PASSWORD": "hunter2 $x"}),
    ("SystemAuth identitytoken=idt0k registrytoken=rgt0k", {"IDENTITY_TOKEN": "idt0k", "REGISTRY_TOKEN": "rgt0k"}),
    ("POST /swarm/unlock UnlockKey=SWMKEY-1-unlock", {"UNLOCK_KEY": "SWMKEY-1-unlock"}),
    ("POST /swarm/join ListenAddr=0.0.0.0:2377 JoinToken=SWMTKN-1-join 'RemoteAddrs:=[\"10.0.0.1:2377\"]'",
     {"JOIN_TOKEN": "SWMTKN-1-join"}),
    ("POST /secrets/create Name=ee-s Data=c2VjcmV0LWRhdGE=", {"SECRET_DATA": "c2VjcmV0LWRhdGE="}),
    ("curl -X POST -H 'Content-Type: application/json' -d '{\"username\": \"u\", \"password\": \"hunter2\"}' "
     "http://localhost/v1.41/auth", {"PASSWORD": "hunter2"}),
]


@pytest.mark.skipif(not shutil.which("curl"), reason="needs the curl CLI")
@pytest.mark.parametrize("line, values", SECRET_LINES)
def test_a_printed_line_with_its_variables_set_sends_the_same(line, values, spec_v141):
    with RecordingServer() as server:
        session, curl_line, req = printed_and_sent(line, "unix://" + server.path, spec_v141)
        session.transport().send(req)
        session.close()
        ours = server.take()
        for secret in values.values():
            assert secret not in curl_line
        assert all(f"${name}" in curl_line or f"${{{name}}}" in curl_line for name in values)
        run = subprocess.run(["bash", "-c", curl_line], capture_output=True, timeout=30,
                             env={"PATH": os.environ["PATH"], **values})
        theirs = server.take()
    assert run.returncode == 0, run.stderr
    assert strip_agent(ours[0]) == strip_agent(theirs[0])
    assert all(secret.encode() in ours[0] for secret in values.values())
