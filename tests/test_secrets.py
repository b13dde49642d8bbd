"""What a secret is (one list), and the one routine that hides it: shown as <redacted>, stored as a reference."""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.lang import commands, secrets
from explorer.lang.secrets import json_spans, redact_line, secret_variables, stored_line

PW = "hunter2"


@pytest.mark.parametrize("line, stored, shown", [
    # the four credential headers, by name, however the line spells the method and path
    ("POST /images/create fromImage==x X-Registry-Auth:c2Vj", "POST /images/create fromImage==x "
     "X-Registry-Auth:{{env.REGISTRY_AUTH}}", "POST /images/create fromImage==x 'X-Registry-Auth:<redacted>'"),
    ("POST /build X-Registry-Config:e30= @ctx.tar", "POST /build X-Registry-Config:{{env.REGISTRY_CONFIG}} @ctx.tar",
     "POST /build 'X-Registry-Config:<redacted>' @ctx.tar"),
    ("GET /_ping 'Authorization:Bearer tok'", "GET /_ping Authorization:{{env.AUTHORIZATION}}",
     "GET /_ping 'Authorization:<redacted>'"),
    ("GET /_ping proxy-authorization:'Basic dTpw'", "GET /_ping proxy-authorization:{{env.PROXY_AUTHORIZATION}}",
     "GET /_ping 'proxy-authorization:<redacted>'"),
    # SystemAuth's password, identitytoken and registrytoken; SwarmUnlock, SwarmJoin, SecretCreate
    (f"POST /auth username=u password={PW} serveraddress=r:5000",
     "POST /auth username=u password={{env.PASSWORD}} serveraddress=r:5000",
     "POST /auth username=u 'password=<redacted>' serveraddress=r:5000"),
    (f"/auth password={PW}", "/auth password={{env.PASSWORD}}", "/auth 'password=<redacted>'"),
    (f"!POST /v1.41/auth/ password={PW}", "!POST /v1.41/auth/ password={{env.PASSWORD}}",
     "!POST /v1.41/auth/ 'password=<redacted>'"),
    (f"SystemAuth password={PW} identitytoken=it registrytoken=rt",
     "SystemAuth password={{env.PASSWORD}} identitytoken={{env.IDENTITY_TOKEN}} registrytoken={{env.REGISTRY_TOKEN}}",
     "SystemAuth 'password=<redacted>' 'identitytoken=<redacted>' 'registrytoken=<redacted>'"),
    (f"curl POST /auth 'password:=\"{PW}\"'", "curl POST /auth 'password:=\"{{env.PASSWORD}}\"'",
     "curl POST /auth 'password:=<redacted>'"),
    ("POST /swarm/unlock UnlockKey=SWMKEY-1-abc", "POST /swarm/unlock UnlockKey={{env.UNLOCK_KEY}}",
     "POST /swarm/unlock 'UnlockKey=<redacted>'"),
    ("SwarmJoin JoinToken=SWMTKN-1-x 'RemoteAddrs:=[\"a:2377\"]'",
     "SwarmJoin JoinToken={{env.JOIN_TOKEN}} 'RemoteAddrs:=[\"a:2377\"]'",
     "SwarmJoin 'JoinToken=<redacted>' 'RemoteAddrs:=[\"a:2377\"]'"),
    ("POST /secrets/create Name=db Data=c2VjcmV0", "POST /secrets/create Name=db Data={{env.SECRET_DATA}}",
     "POST /secrets/create Name=db 'Data=<redacted>'"),
    # not secrets: the same names elsewhere, public fields, references without a literal
    ("POST /configs/create Name=c Data=cHVibGlj", None, None),
    ("POST /swarm/init ListenAddr=0.0.0.0 CertIssuerPublicKey=cHVi", None, None),
    ("POST /containers/create Image=x password=not-an-auth-body", None, None),
    ("POST /auth username=u email=e serveraddress=s", None, None),
    ("POST /auth password={{pw}}", None, None),
    ("POST /auth 'password:=\"{{pw}}\"'", None, None),
    ("GET /_ping X-Registry-Auth:", None, None),
    ("help SystemAuth", None, None),
])
def test_what_is_a_secret_and_how_it_is_written(line, stored, shown):
    assert stored_line(line) == (stored or line)
    assert redact_line(line) == (shown or line)


def test_a_line_that_fails_to_parse_is_hidden_all_the_same():
    assert stored_line("X-Registry-Auth:abc") == "X-Registry-Auth:{{env.REGISTRY_AUTH}}"
    assert "abc" not in redact_line("POST 'X-Registry-Auth:abc")  # an unclosed quote


@pytest.mark.parametrize("line, stored, shown", [
    ("curl --unix-socket /s -X POST -d '{\"username\":\"u\",\"password\":\"hunter2\"}' http://localhost/v1.41/auth",
     "curl --unix-socket /s -X POST -d '{\"username\":\"u\",\"password\":\"'\"$PASSWORD\"'\"}' "
     "http://localhost/v1.41/auth",
     "curl --unix-socket /s -X POST -d '{\"username\":\"u\",\"password\":\"<redacted>\"}' "
     "http://localhost/v1.41/auth"),
    ("curl -H 'Authorization: Bearer tok' http://localhost/_ping",
     'curl -H "Authorization: $AUTHORIZATION" http://localhost/_ping',
     "curl -H 'Authorization: <redacted>' http://localhost/_ping"),
    ("curl --json '{\"JoinToken\": \"SWMTKN\", \"ListenAddr\": \"x\"}' localhost/swarm/join",
     "curl --json '{\"JoinToken\": \"'\"$JOIN_TOKEN\"'\", \"ListenAddr\": \"x\"}' localhost/swarm/join",
     "curl --json '{\"JoinToken\": \"<redacted>\", \"ListenAddr\": \"x\"}' localhost/swarm/join"),
    ("curl -d '{\"Data\":\"x\"}' http://localhost/configs/create", None, None),
])
def test_a_pasted_curl_line(line, stored, shown):
    assert stored_line(line) == (stored or line)
    assert redact_line(line) == (shown or line)


def test_the_stored_curl_word_gives_the_secret_back_in_a_shell():
    """`"$PASSWORD"` in a stored curl line: sh with PASSWORD set reads the very argument typed."""
    line = "curl -X POST -d '{\"username\":\"u\",\"password\":\"p4ss w0rd\"}' -H 'Authorization: Basic x y' x/auth"
    stored = stored_line(line)
    assert "p4ss" not in stored and "Basic" not in stored
    done = subprocess.run(["sh", "-c", "printf '%s\\0' " + stored.partition(" ")[2]], capture_output=True,
                          env={"PATH": os.environ["PATH"], "PASSWORD": "p4ss w0rd", "AUTHORIZATION": "Basic x y"},
                          timeout=10)
    assert done.stdout.split(b"\0")[:-1] == [w.encode() for w in shlex.split(line)[1:]]


def test_set_and_run_of_a_secret_variable():
    names = {"AUTH"}
    assert stored_line("set AUTH = abc", names) == "set AUTH = {{env.AUTH}}"
    assert redact_line("set AUTH=abc", names) == "set AUTH = '<redacted>'"
    assert stored_line("set AUTH = {{RAW}}", names) == "set AUTH = {{RAW}}"  # no secret in the text itself
    assert stored_line("set AUTH = .Token", names) == "set AUTH = .Token"  # a capture
    assert stored_line("set OTHER = abc", names) == "set OTHER = abc"
    assert stored_line("run creds.ee AUTH=abc B=c", names) == "run creds.ee AUTH={{env.AUTH}} B=c"
    assert redact_line("run creds.ee 'AUTH=a b'", names) == "run creds.ee 'AUTH=<redacted>'"


def test_every_variable_that_flows_into_a_secret_is_one():
    lines = ["set A = x{{B}}", "set B = {{C}}", "set D = {{A}}", "POST /auth password={{A}}",
             "run f.ee E={{F}}", "GET /_ping Authorization:{{E}}", "GET /_ping X-Other:{{G}}",
             "POST /secrets/create 'Data:=\"{{H}}\"' Name={{I}}", "GET /_ping X-Registry-Auth:{{env.K}}"]
    assert secret_variables(lines) == {"A", "B", "C", "E", "F", "H"}
    assert secret_variables(["set X = {{Y}}"], known={"X"}) == {"X", "Y"}


@pytest.mark.parametrize("text, expected", [
    ('{"password":"a"}', ["a"]),
    ('{ "username" : "u" , "password" : "a\\"b" }', ['a\\"b']),  # as written: escapes included
    ('{"x":{"password":"inner"},"password":"top"}', ["top"]),  # only the body's own field
    ('{"password":"a","password":"b"}', ["a", "b"]),
    ('{"password":"a", oops', ["a"]),  # what precedes a syntax error
    ('{"password":1}', []),
    ('["password","a"]', []),
    ("not json", []),
])
def test_json_spans(text, expected):
    assert [text[s:e] for s, e, _ in json_spans(text, {"password": "PASSWORD"})] == expected


SECRETS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=4, max_size=20).filter(
    # a leading "=" would make `password=` + it another item (`password==…` is a query parameter); a leading
    # "@" makes `password=@…` a file's name, kept as typed (tested on its own below)
    lambda s: s.strip() and "{{" not in s and "}}" not in s and not s.startswith(("=", "@")))


@given(st.lists(st.sampled_from(["fromImage==x", "a=b", "X-Other:y", "'q:=1'"]), max_size=3), SECRETS,
       st.sampled_from(["X-Registry-Auth:", "Authorization:", "password=", "identitytoken="]))
def test_the_stored_line_parses_to_the_same_command_with_a_reference(before, secret, head):
    """Decided on the parsed command: the stored line is the same command, the secret a reference."""
    line = shlex.join(["POST", "/auth", *before, head + secret])
    stored = stored_line(line)
    typed, kept = commands.parse(line), commands.parse(stored)
    assert kept.items[:-1] == typed.items[:-1]
    last = kept.items[-1]
    assert (last.kind, last.name) == (typed.items[-1].kind, typed.items[-1].name)
    value = last.value.strip()
    assert secrets.REFERENCE.fullmatch(value[1:-1] if last.kind == "json" else value)  # `:=` keeps a JSON string


def test_how_to_set_names_what_the_variable_stands_for():
    assert secrets.how_to_set("REGISTRY_AUTH").startswith("$REGISTRY_AUTH stands for the X-Registry-Auth header")
    assert "SystemAuth's password" in secrets.how_to_set("PASSWORD")
    assert "read -rs PASSWORD; export PASSWORD" in secrets.how_to_set("PASSWORD")


def test_a_bare_json_body_hides_its_secret_fields_and_a_file_holds_its_own():
    line = """POST /auth ':={"username": "u", "password": "hunter2"}'"""
    assert stored_line(line) == """POST /auth ':={"username": "u", "password": "{{env.PASSWORD}}"}'"""
    assert redact_line(line) == """POST /auth ':={"username": "u", "password": "<redacted>"}'"""
    assert secret_variables(["""SystemAuth ':={"username": "{{U}}", "password": "{{P}}"}'"""]) == {"P"}
    # `password=@file`: the line holds the file's name, not the secret; it stays as typed
    assert stored_line("POST /auth username=u password=@pw.txt") == "POST /auth username=u password=@pw.txt"
