"""The toolbar line: the operation under the cursor, or a hint."""
from __future__ import annotations

import pytest

from explorer.completion.live import Snapshot
from explorer.completion.specview import SpecView
from explorer.repl.toolbar import HINT, body_type, toolbar_text
from explorer.spec import load_index


@pytest.fixture(scope="module")
def view(spec_v141):
    return SpecView(load_index(str(spec_v141)))


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
