"""`help [TARGET]`: from the spec alone, with no engine; long text through the pager in the REPL."""
from __future__ import annotations

import io
import re
import shlex

import pytest

from explorer.core.config import Settings
from explorer.core.console import Console, page
from explorer.http.request import build
from explorer.lang import slots
from explorer.lang.commands import META_WORDS, parse
from explorer.shell import example
from explorer.shell import help as helptext
from explorer.shell.session import Session
from explorer.spec import SpecIndex, load_index
from explorer.spec.model import Operation, Param, SpecInfo

NO_ENGINE = "unix:///nonexistent"


def run(spec, line, interactive=False, env=None, pager=None):
    """(exit code, stdout, stderr) of one line in a session whose engine does not exist."""
    out, err = io.BytesIO(), io.BytesIO()
    session = Session(Settings(host=NO_ENGINE, spec=str(spec), pager=pager),
                      Console(out, err, interactive=interactive, tty=interactive), env=env or {})
    code = session.execute(line).exit_code
    return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.fixture(scope="module", params=["v1.41.yaml", "v1.56.yaml"])
def spec(request, spec_dir):
    return spec_dir / request.param


@pytest.fixture(scope="module")
def create_help(spec):
    code, out, err = run(spec, "help ContainerCreate")
    assert (code, err) == (0, "")
    return out


def lines_of(text, name):
    return [ln for ln in text.splitlines() if ln.split()[:1] == [name]]


def depth(line):
    return len(line) - len(line.lstrip())


def test_create_help_shows_the_body_tree(create_help):
    (host_config,) = lines_of(create_help, "HostConfig")
    (network_mode,) = lines_of(create_help, "NetworkMode")
    assert depth(network_mode) == depth(host_config) + 2 and " string " in network_mode
    assert create_help.index(host_config) < create_help.index(network_mode)
    (restart_name,) = [ln for ln in lines_of(create_help, "Name") if "unless-stopped" in ln]
    assert depth(restart_name) == depth(host_config) + 4 and '"on-failure"' in restart_name
    assert re.search(r"^  Cmd +array of string ", create_help, re.M)
    assert re.search(r"^  StopTimeout +integer +nullable ", create_help, re.M)
    assert "Body (required, application/json" in create_help


def test_create_help_shows_parameters_responses_and_curl(create_help):
    assert re.search(r"^  name +query +string\b", create_help, re.M)
    assert "Responses:\n  201  Container created successfully\n" in create_help
    (curl,) = [ln.strip() for ln in create_help.splitlines() if ln.strip().startswith("curl ")]
    argv = shlex.split(curl)
    assert argv[:5] == ["curl", "--unix-socket", "/nonexistent", "-X", "POST"]
    assert argv[-1].endswith("/containers/create?name={name}&platform={platform}")
    assert "Content-Type: application/json" in argv


def test_required_markers_and_placeholders(spec):
    _, out, _ = run(spec, "help NetworkCreate")
    assert re.search(r"^  Name +string +required ", out, re.M)
    assert """--data-binary '{"Name": "{Name}"}'""" in out
    _, out, _ = run(spec, "help ImageSearch")
    assert re.search(r"^  term +query +string +required$", out, re.M)
    assert "/images/search?term={term}&limit={limit}&filters={filters}'" in out
    _, out, _ = run(spec, "help ContainerInspect")
    curl = r"curl --unix-socket /nonexistent 'http://localhost/v1\.\d+/containers/\{id\}/json\?size=\{size\}'$"
    assert re.search(curl, out, re.M)


def test_enum_and_default_of_a_query_parameter(spec):
    _, out, _ = run(spec, "help ContainerWait")
    assert re.search(r"^  condition +query +string +one of: not-running, next-exit, removed +"
                     r'default: "not-running"$', out, re.M)


def test_credentials_stay_variables_in_the_template(spec):
    _, out, _ = run(spec, "help ImagePush")
    assert '-H "X-Registry-Auth: $REGISTRY_AUTH"' in out


def test_help_alone_lists_the_tags_with_their_operations(spec):
    code, out, _ = run(spec, "help")
    assert code == 0
    tags = [ln for ln in out.splitlines() if ln and not ln.startswith(" ") and ":" not in ln]
    assert {"Container", "Image", "Network", "Volume", "System"} <= set(tags)
    container = out.split("\nContainer\n", 1)[1].split("\nImage\n", 1)[0]
    assert re.search(r"^  ContainerList +GET +/containers/json +List containers$", container, re.M)
    assert "ImageList" not in container


@pytest.mark.parametrize("target, methods", [
    ("/containers/{id}/archive", ["GET", "HEAD", "PUT"]),
    ("/containers/web/archive?path=/", ["GET", "HEAD", "PUT"]),
    ("/v1.41/_ping", ["GET", "HEAD"]),
    ("PUT /containers/web/archive", ["PUT"]),
    ("put /containers/web/archive", ["PUT"]),
    ("DELETE /containers/json", ["DELETE"]),  # as a request line: the container called "json"
])
def test_help_on_a_path_shows_each_method(spec, target, methods):
    _, out, _ = run(spec, f"help {target}")
    assert re.findall(r"^\w+: (\w+) /", out, re.M) == methods


def test_help_on_a_path_prefix_lists_its_operations(spec):
    _, out, _ = run(spec, "help /containers")
    ids = [ln.split()[0] for ln in out.splitlines()]
    assert {"ContainerList", "ContainerCreate", "ContainerDelete", "PutContainerArchive"} <= set(ids)
    assert all(" /containers/" in ln for ln in out.splitlines())
    _, out, _ = run(spec, "help POST /containers")
    assert "ContainerCreate" in out and "ContainerList" not in out


@pytest.mark.parametrize("line, message", [
    ("help ContainerLsit", "no operation ContainerLsit (closest: ContainerList"),
    ("help /contaners/json", "no path /contaners/json (closest: /containers/json"),
    ("help PATCH /containers/json", "/containers/json has no PATCH operation: it has DELETE, GET"),
    ("help one two three", "help takes one target"),
    ("help POST /containers/web/strat", "no path /containers/web/strat (closest: POST /containers/{id}/start)"),
])
def test_unknown_targets_are_one_error_line(spec, line, message):
    code, out, err = run(spec, line)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err


def test_operation_ids_ignore_case(spec):
    assert run(spec, "help containerlist")[1].startswith("ContainerList: GET /containers/json")


# -- a synthetic spec: cycles and depth ---------------------------------------------------

def tiny(body_schema, definitions) -> SpecIndex:
    op = Operation("POST", "/tree", "Tree", params=(Param("body", "body", schema=body_schema),),
                   consumes=("application/json",))
    return SpecIndex(SpecInfo(source="tiny", sha256=""), (op,), definitions)


def test_a_recursive_schema_is_shown_once():
    children = {"type": "array", "items": {"$ref": "#/definitions/Node"}}
    node = {"type": "object", "properties": {"name": {"type": "string"}, "children": children}}
    text = helptext.render(tiny({"$ref": "#/definitions/Node"}, {"Node": node}), "Tree")
    assert re.search(r"^  children +array of Node \(recursive\)$", text, re.M)
    assert text.count("name") == 1


def test_deep_schemas_are_cut_at_the_depth_limit():
    schema = {"type": "object", "properties": {"leaf": {"type": "string"}}}
    for level in range(12):
        schema = {"type": "object", "properties": {f"level{level}": schema}}
    text = helptext.render(tiny(schema, {}), "Tree")
    assert "level6" in text and "level4" not in text
    assert "… 1 more fields (nested too deep to list)" in text
    assert max(depth(ln) for ln in text.splitlines()) <= 2 * (helptext.TREE_DEPTH + 1)


# -- paging ---------------------------------------------------------------------------------

def test_long_help_goes_through_the_pager_in_the_repl(spec, tmp_path, monkeypatch):
    monkeypatch.setenv("LINES", "40")
    paged = tmp_path / "paged.txt"
    code, out, _ = run(spec, "help ContainerCreate", interactive=True, pager=f"cat > {paged}")
    assert code == 0 and "HostConfig" not in out
    assert "NetworkMode" in paged.read_text()
    code, out, _ = run(spec, "help SystemPing", interactive=True, pager=f"cat > {paged}.short")
    assert "SystemPing" in out and not (tmp_path / "paged.txt.short").exists()  # fits: printed


@pytest.mark.parametrize("interactive, pager", [(False, "cat > {f}"), (True, None), (True, "no-such-pager-x")])
def test_page_prints_when_there_is_no_pager_to_use(tmp_path, interactive, pager):
    out = io.BytesIO()
    target = tmp_path / "f"
    console = Console(out, io.BytesIO(), interactive=interactive)
    page(console, "a\nb\nc", pager and pager.format(f=target), height=1)
    assert out.getvalue() == b"a\nb\nc\n" and not target.exists()


@pytest.mark.parametrize("word", sorted(META_WORDS))
def test_every_meta_command_is_documented(spec, word):
    code, out, err = run(spec, f"help {word}")
    assert (code, err) == (0, "")
    assert out.startswith("Usage:\n  " + word) and "\nExample:\n  " in out


@pytest.mark.parametrize("word, ids", [
    ("logs", ["ContainerLogs", "ServiceLogs", "TaskLogs"]),  # by operationId, Container first
    ("prune", ["ContainerPrune", "BuildPrune", "ImagePrune", "NetworkPrune", "VolumePrune"]),  # by path
    ("Unpause", ["ContainerUnpause"]),
])
def test_help_word_searches_ids_paths_and_summaries(spec, word, ids):
    code, out, _ = run(spec, f"help {word}")
    assert code == 0
    found = [ln.split()[0] for ln in out.splitlines() if ln and not ln.startswith(" ")]
    if len(ids) == 1:  # one operation: its whole help
        assert found[0] == f"{ids[0]}:"
    else:
        assert sorted(found) == sorted(ids) and found[0] == ids[0]


def test_help_word_finds_a_summary(spec):
    _, out, _ = run(spec, "help unused")  # "Delete unused images", …: only their summaries say it
    assert {ln.split()[0] for ln in out.splitlines()} >= {"ImagePrune", "NetworkPrune", "VolumePrune"}
    assert "ContainerPrune" not in out  # "Delete stopped containers"


def test_operation_help_ends_with_an_example_line_then_the_curl_template(spec):
    _, out, _ = run(spec, "help ContainerStart")
    tail = out.rstrip().split("\n")[-5:]
    assert tail[0].startswith("Example (`set NAME = VALUE` first")
    assert tail[1:3] == ["  POST /containers/{{id}}/start", ""]
    assert tail[3:] == ["Curl:", "  curl --unix-socket /nonexistent -X POST "
                        f"'http://localhost/v1.{tail[4].split('/v1.')[1].split('/')[0]}/containers/{{id}}/start"
                        "?detachKeys={detachKeys}'"]
    _, out, _ = run(spec, "help ImagePush")
    assert "\n  POST /images/{{name}}/push X-Registry-Auth:{{env.REGISTRY_AUTH}}\n" in out
    _, out, _ = run(spec, "help NetworkCreate")
    assert "\n  POST /networks/create Name={{Name}}\n" in out


def test_every_example_line_builds_once_its_values_are_set(spec, tmp_path):
    index = load_index(str(spec))
    tar = tmp_path / "body.tar"
    tar.write_bytes(b"")
    spec_json = tmp_path / "spec.json"
    spec_json.write_text("{}")
    names = {"file": str(tar), "spec": str(spec_json)}
    values = slots.Values(names, {"REGISTRY_AUTH": "e30=", "REGISTRY_CONFIG": "e30="})
    for op in index.operations:
        text = example.line(op, index)
        names.update({name: "1" for name in slots.REFERENCE.findall(text) if name not in names})
        built = build(parse(text), index, "1.41", values)
        assert built.operation_id == op.operation_id, text
