"""What each operation does to the engine: per operation from the spec, and our lists where the method misleads."""
from __future__ import annotations

import re

import pytest

from explorer.spec import effects, load_index
from explorer.spec.effects import effect


@pytest.fixture(scope="module")
def operations(spec_dir):
    found = []
    for path in (spec_dir / "v1.41.yaml", spec_dir / "v1.53.yaml", spec_dir.parent / "podman" / "swagger-v5.4.2.yaml"):
        if path.exists():
            found += [(path.name, op) for op in load_index(str(path)).operations]
    if not found:
        pytest.skip("no specs")
    return found


def concrete(template: str) -> str:
    return re.sub(r"\{[^}]*\}", "x", template)


def test_every_operation_of_every_spec(operations):
    for _, op in operations:
        key = f"{op.method} {re.sub(r'{[^}]*}', '{}', op.path)}"
        found = effect(op.method, concrete(op.path), op.path)
        if op.method in ("GET", "HEAD"):
            assert found.changes == (key in effects.WRITES), key
        else:
            assert found.changes == (key not in effects.HARMLESS), key
        if op.method == "DELETE":
            assert found.destroys == "remove", key
        alone = effect(op.method, concrete(op.path))  # no spec (a pasted curl line): the path alone agrees
        assert (alone.changes, alone.destroys) == (found.changes, found.destroys), key


def test_our_lists_name_operations_the_specs_have(operations):
    known = {f"{op.method} {re.sub(r'{[^}]*}', '{}', op.path)}" for _, op in operations}
    for key in effects.HARMLESS | effects.WRITES | set(effects.DESTROYS):
        assert key in known, key


@pytest.mark.parametrize("method, path, template, query, expected", [
    ("POST", "/auth", "/auth", (), (False, "")),
    ("POST", "/containers/web/wait", "/containers/{id}/wait", (), (False, "")),
    ("POST", "/libpod/containers/web/wait", None, (), (False, "")),
    ("GET", "/containers/web/attach/ws", "/containers/{id}/attach/ws", (), (True, "")),
    ("GET", "/containers/web/attach/ws", None, (), (True, "")),
    ("POST", "/containers/web/attach", "/containers/{id}/attach", (), (True, "")),
    ("POST", "/containers/web/exec", "/containers/{id}/exec", (), (True, "")),
    ("POST", "/exec/e1/start", "/exec/{id}/start", (), (True, "")),
    ("GET", "/containers/json", "/containers/json", (("all", "1"),), (False, "")),
    ("DELETE", "/containers/web", "/containers/{id}", (("force", "1"),), (True, "remove")),
    ("DELETE", "/images/reg:5000/a/b:1", None, (), (True, "remove")),
    ("POST", "/containers/prune", None, (), (True, "prune")),
    ("POST", "/libpod/system/prune", "/libpod/system/prune", (), (True, "prune")),
    ("POST", "/containers/web/kill", "/containers/{id}/kill", (), (True, "kill")),
    ("POST", "/swarm/leave", "/swarm/leave", (), (True, "leave")),
    ("POST", "/plugins/p/disable", "/plugins/{name}/disable", (("force", "true"),), (True, "force")),
    ("POST", "/plugins/p/disable", "/plugins/{name}/disable", (("force", "0"),), (True, "")),
    ("POST", "/containers/web/start", "/containers/{id}/start", (), (True, "")),
])
def test_effect(method, path, template, query, expected):
    found = effect(method, path, template, query)
    assert (found.changes, found.destroys) == expected


def test_the_object_a_request_names():
    assert effect("DELETE", "/images/reg:5000/a/b:1", "/images/{name}")[2:] == ("image", "reg:5000/a/b:1")
    assert effect("DELETE", "/containers/we%20b", "/containers/{id}")[2:] == ("container", "we b")
    assert effect("POST", "/libpod/pods/p1/kill")[2:] == ("pod", "p1")
