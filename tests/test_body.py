"""body.build: httpie-style nested items → one JSON object."""
from __future__ import annotations

import pytest

from explorer.core.errors import UsageError
from explorer.lang.body import build, json_value, key_path


@pytest.mark.parametrize("name, path", [
    ("Image", ["Image"]),
    ("HostConfig[NetworkMode]", ["HostConfig", "NetworkMode"]),
    ("HostConfig[PortBindings][80/tcp][]", ["HostConfig", "PortBindings", "80/tcp", None]),
    ("Cmd[0]", ["Cmd", 0]),
    ("Labels[com.example.x]", ["Labels", "com.example.x"]),
])
def test_key_paths(name, path):
    assert key_path(name) == path


@pytest.mark.parametrize("name", ["[a]", "a[b", "a[b]c", "a]b["])
def test_bad_key_paths(name):
    with pytest.raises(UsageError):
        key_path(name)


def test_nested_objects_and_lists():
    doc = build([
        ("Image", "busybox:local"),
        ("HostConfig[NetworkMode]", "none"),
        ("HostConfig[Memory]", 1024),
        ("HostConfig[Binds][]", "/a:/b"),
        ("HostConfig[Binds][]", "/c:/d"),
        ("Cmd[0]", "sh"),
        ("Cmd[1]", "-c"),
        ("Labels[x]", "y"),
    ])
    assert doc == {
        "Image": "busybox:local",
        "HostConfig": {"NetworkMode": "none", "Memory": 1024, "Binds": ["/a:/b", "/c:/d"]},
        "Cmd": ["sh", "-c"],
        "Labels": {"x": "y"},
    }


def test_list_of_objects():
    doc = build([("Mounts[0][Type]", "bind"), ("Mounts[0][Source]", "/a"), ("Mounts[1][Type]", "tmpfs")])
    assert doc == {"Mounts": [{"Type": "bind", "Source": "/a"}, {"Type": "tmpfs"}]}


def test_later_item_overrides_a_scalar():
    assert build([("a", "1"), ("a", "2")]) == {"a": "2"}


@pytest.mark.parametrize("items", [
    [("a", "x"), ("a[b]", "y")],  # a is a string, not an object
    [("a[b]", "x"), ("a[]", "y")],  # a is an object, [] appends to lists
    [("a[5]", "x")],  # skips past the end
    [("a[]", "x"), ("a[k]", "y")],  # a is a list, k is a key
])
def test_conflicts_are_usage_errors(items):
    with pytest.raises(UsageError):
        build(items)


def test_json_values():
    assert json_value("Cmd", '["a", "b"]') == ["a", "b"]
    assert json_value("Tty", "true") is True
    with pytest.raises(UsageError, match="not valid JSON"):
        json_value("Cmd", "[oops")


@pytest.mark.parametrize("name, path", [
    ("[]", [None]),
    ("[0][Name]", [0, "Name"]),
    ("[0][Value][]", [0, "Value", None]),
    ("a\\=b", ["a=b"]),
    ("a\\:b", ["a:b"]),
    ("Labels[a\\]b]", ["Labels", "a]b"]),
    ("a\\[0\\]", ["a[0]"]),
    ("Labels[\\12]", ["Labels", "\\12"]),  # a backslash before anything else stays
    ("Labels[1\\]]", ["Labels", "1]"]),
    ("back\\\\slash", ["back\\slash"]),
])
def test_top_level_arrays_and_escaped_keys(name, path):
    assert key_path(name) == path


def test_a_top_level_array():
    assert build([("[]", "DEBUG=1"), ("[]", 2)]) == ["DEBUG=1", 2]
    privileges = build([("[0][Name]", "network"), ("[0][Value][]", "host"), ("[1][Name]", "mount")])
    assert privileges == [{"Name": "network", "Value": ["host"]}, {"Name": "mount"}]
    assert build([("a\\=b", "c")]) == {"a=b": "c"}


@pytest.mark.parametrize("items, message", [
    ([("Name", "x"), ("[]", "y")], "both an array"),
    ([("[]", "y"), ("Name", "x")], "both an array"),
    ([("[a]", "y")], "starts with \\[\\] or \\[N\\]"),
    ([("a]b", "y")], "a \\] before its \\["),
])
def test_an_array_body_and_an_object_body_do_not_mix(items, message):
    with pytest.raises(UsageError, match=message):
        build(items)
