"""The toolbar line: the operation under the cursor, or a hint."""
from __future__ import annotations

import os

import pytest

from explorer.completion.live import Snapshot
from explorer.completion.specview import SpecView
from explorer.repl.toolbar import HINT, body_type, toolbar_text
from explorer.spec import history, load_index


@pytest.fixture(scope="module")
def view(spec_v141):
    return loaded(SpecView(load_index(str(spec_v141))))


def test_operation_with_required_parameters_and_body_type(view):
    text = toolbar_text(view, "POST /containers/create Ima")
    assert text == "ContainerCreate: Create a container · required: body · body: ContainerConfig + object with " \
                   "HostConfig, NetworkingConfig"


def test_path_parameters_operation_ids_and_help_targets(view):
    assert toolbar_text(view, "GET /containers/web/logs").startswith(
        "ContainerLogs: Get container logs · required: {id}")
    assert toolbar_text(view, "ContainerList all==1").startswith("ContainerList: List containers")
    assert toolbar_text(view, "help ImagePush").startswith(
        "ImagePush: Push an image · required: {name}, X-Registry-Auth:")


def test_hint_when_no_operation_and_offline_note(view):
    assert toolbar_text(view, "") == HINT
    assert toolbar_text(view, "GET /nope") == HINT
    assert toolbar_text(None, "GET /containers/json") == HINT
    assert toolbar_text(view, "", Snapshot(reachable=False)).startswith("engine unreachable")


def test_body_type_names():
    assert body_type({"$ref": "#/definitions/NetworkCreateRequest"}) == "NetworkCreateRequest"
    assert body_type({"type": "string", "format": "binary"}) == "string"
    assert body_type(None) == "raw data"


@pytest.fixture(scope="module")
def view156(spec_dir):
    return loaded(SpecView(load_index(str(spec_dir / "v1.56.yaml"))))


def loaded(view):
    """`view`, with the version history its toolbar reads loaded (the REPL does it in a thread: livefeed)."""
    history.history(os.environ, view.index.info.source, view.index.info.api_version)
    return view


def at(view, text, marker="^"):
    """The toolbar with the cursor where `marker` is (removed from the line)."""
    cursor = text.index(marker)
    return toolbar_text(view, text.replace(marker, "", 1), None, cursor)


@pytest.mark.parametrize("line, expected", [
    # a query parameter: its type, first sentence and default, under the cursor anywhere in the word
    ("GET /containers/web/logs si^nce==5m tail==1",
     "since (query, integer) · Only return logs since this time, as a UNIX timestamp · default: 0"),
    ("GET /containers/json all==1^", "all (query, boolean) · Return all containers · default: false"),
    # a body field, nested, with its enum
    ("POST /containers/create HostConfig[CgroupnsMode]=^",
     "HostConfig[CgroupnsMode] (body, string) · cgroup namespace mode for the container · one of: private, host"),
    ("POST /containers/create HostConfig[Memory]:=1^", "HostConfig[Memory] (body, integer) · Memory limit in bytes · "
                                                       "default: 0"),
    # a header and an operationId's path parameter
    ("POST /images/x/push X-Registry-Auth:^", "X-Registry-Auth (header, string) · A base64url-encoded auth "
                                              "configuration"),
    ("ContainerInspect id==^", "id (path, string) · ID or name of the container"),
    # "e.g." does not end the sentence; the API version that added it, from the older specs
    ("POST /containers/web/stop signal==^", "signal (query, string) · Signal to send to the container as an "
                                            "integer or string (e.g. `SIGINT`) · added in API v1.42"),
    ("POST /containers/create HostConfig[Annotations]^", "HostConfig[Annotations] (body, map of string) · Arbitrary "
     "non-identifying metadata attached to container and provided to the runtime when the conta… · "
     "added in API v1.43"),
])
def test_the_parameter_or_field_under_the_cursor(view156, line, expected):
    assert at(view156, line) == expected


def test_a_parameter_a_later_version_removed(view):
    assert at(view, "POST /build/prune keep-storage==^").endswith(" · removed in API v1.52")


def test_the_operation_when_the_cursor_is_on_no_item(view156):
    assert at(view156, "GET /containers/web/lo^gs since==1").startswith("ContainerLogs: Get container logs")
    assert at(view156, "GET /containers/web/json siz^").startswith("ContainerInspect: ")  # not a parameter yet


def test_the_toolbar_never_builds_the_version_history(spec_dir, monkeypatch):
    """Drawn on every keystroke: before the history is loaded it says no version, and reads no spec folder."""
    view = SpecView(load_index(str(spec_dir / "v1.56.yaml")))
    monkeypatch.setattr(history, "_LOADED", {})
    monkeypatch.setattr(history, "history", lambda *a, **k: pytest.fail("the toolbar built the history"))
    monkeypatch.setattr(history.sources, "local_specs", lambda *a, **k: pytest.fail("the toolbar listed specs"))
    text = at(view, "POST /containers/web/stop signal==^")
    assert text.startswith("signal (query, string)") and "added in" not in text
