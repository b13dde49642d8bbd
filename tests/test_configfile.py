"""config.toml: where it is, what it may say, and one line naming file, line and key when it is wrong."""
from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core import configfile, configkeys
from explorer.core.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def written(tmp_path, text, name="config.toml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def test_the_file_lives_in_the_xdg_config_dir(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)}
    assert configfile.path(env=env) == str(tmp_path / "cfg" / "engine-explorer" / "config.toml")
    assert configfile.path(env={"HOME": str(tmp_path)}) == str(tmp_path / ".config" / "engine-explorer" /
                                                                "config.toml")
    assert configfile.path("some/where.toml", env) == os.path.abspath("some/where.toml")


def test_no_file_is_no_settings_but_a_named_one_must_exist(tmp_path):
    missing = str(tmp_path / "config.toml")
    assert configfile.read(missing) == ({}, ())
    with pytest.raises(UsageError, match=f"^{missing}: no such config file$"):
        configfile.read(missing, required=True)


def test_every_key_is_read_with_its_line(tmp_path):
    path = written(tmp_path, '# mine\nhost = "unix:///tmp/d.sock"\n\nview = "table"\npager = ""\npretty = true\n'
                             'style = "monokai"\nvi = true\nhistory-size = 50\ntoolbar = false\n'
                             'read-only = true\ndestructive-warning = false\n')
    layer, warnings = configfile.read(path)
    assert warnings == ()
    assert [(name, value, int(origin.removeprefix("config file, line "))) for name, (value, origin) in layer.items()
            ] == [("host", "unix:///tmp/d.sock", 2), ("view", "table", 4), ("pager", "", 5), ("pretty", "format", 6),
                  ("style", "monokai", 7), ("vi", True, 8), ("history-size", 50, 9), ("toolbar", False, 10),
                  ("read-only", True, 11), ("destructive-warning", False, 12)]


@pytest.mark.parametrize("text, message", [
    ("vi = yes\n", ":1: vi: invalid value (write true or false)"),
    ("pretty = true\npager = less -R\n", ':2: pager: invalid value (text goes in quotes: pager = "less -R")'),
    ("history-size = lots\n", ":1: history-size: invalid value (write a number)"),
    ('vi = "yes"\n', ':1: vi: must be true or false, not "yes"'),
    ("\n\nhistory-size = -1\n", ":3: history-size: must be a whole number, 0 or more, not -1"),
    ("history-size = 1.5\n", ":1: history-size: must be a whole number, 0 or more, not 1.5"),
    ("toolbar = 1\n", ":1: toolbar: must be true or false, not 1"),
    ('view = "tabel"\n', ':1: view: must be one of json, table, expanded, not "tabel"'),
    ("pager = 3\n", ":1: pager: must be text in quotes, not 3"),
    ('style = "nope"\n', ':1: style: "nope" is neither "default" nor a pygments style'),
    ('host = "http://"\n', ":1: host: no host name; write http://HOST:PORT"),
    ('host = "ftp://x"\n', ":1: host: invalid bind address format (docker takes unix:///path or tcp://host:port"),
    ('context = "no spaces"\n', ':1: context: "no spaces" is not a docker context name'),
    ("vi = true\nvi = false\n", ":2: vi: cannot overwrite a value"),
    ('"vi" = [true]\n', ":1: vi: must be true or false, not a list"),
    ('pager = "less\n', ":1: pager: illegal character"),
    ("[vi]\nx = 1\n", ":1: vi: must be true or false, not a table"),
    ('host = "/a"\n\ncontext = "b"\n', ":3: context: host (line 1) chooses the engine too: keep one of them"),
])
def test_a_malformed_file_is_one_line_naming_file_line_and_key(tmp_path, text, message):
    path = written(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        configfile.read(path)
    line = str(caught.value)
    assert line.startswith(path + message), line
    assert "\n" not in line


def test_text_that_is_not_utf8_is_named_by_its_line(tmp_path):
    path = written(tmp_path, b'vi = true\npager = "l\xffss"\n')
    with pytest.raises(UsageError, match=f"^{path}:2: not UTF-8 text$"):
        configfile.read(path)


def test_a_file_that_cannot_be_read_is_a_warning_unless_named_with_config(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    assert configfile.read(str(folder)) == ({}, (f"{folder}: cannot read it (Is a directory); going on without it",))
    with pytest.raises(UsageError, match=f"^{folder}: cannot read it \\(Is a directory\\)$"):
        configfile.read(str(folder), required=True)


def test_unknown_keys_are_warnings_with_a_suggestion(tmp_path):
    path = written(tmp_path, 'history_size = 5\nvi = true\ncolour = "red"\n[main]\npager = "less"\n')
    layer, warnings = configfile.read(path)
    assert layer == {"vi": (True, "config file, line 2")}
    assert warnings == (
        f"{path}:1: unknown key `history_size` ignored (did you mean `history-size`?)",
        f"{path}:3: unknown key `colour` ignored (`config init` writes every key, commented)",
        f"{path}:4: unknown key `main` ignored (settings go at the top, in no [table])",
    )


def test_the_example_says_nothing_until_a_line_is_uncommented(tmp_path):
    text = configfile.example()
    assert tomllib.loads(text) == {}
    commented = [line for line in text.splitlines() if line.startswith("#") and " = " in line
                 and not line.startswith("# ")]
    assert [line[1:].split(" = ")[0] for line in commented] == [key.name for key in configkeys.KEYS]
    for line in commented:  # each one, uncommented alone, is a valid file of that key
        name = line[1:].split(" = ")[0]
        layer, _ = configfile.read(written(tmp_path, text.replace(line, line[1:])))
        key = configkeys.BY_NAME[name]
        assert {n: v for n, (v, _) in layer.items()} == {name: configkeys.check(key, key.example)}


def test_write_example_creates_the_folder_and_never_overwrites(tmp_path):
    path = str(tmp_path / "new" / "engine-explorer" / "config.toml")
    configfile.write_example(path)
    with open(path, encoding="utf-8") as fh:
        assert fh.read() == configfile.example()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("vi = true\n")
    with pytest.raises(UsageError, match="exists already"):
        configfile.write_example(path)
    line = len(configfile.example().splitlines()) + 1
    assert configfile.read(path) == ({"vi": (True, f"config file, line {line}")}, ())


@given(st.text())
def test_toml_string_round_trips(text):
    assert tomllib.loads("k = " + configkeys.toml_string(text))["k"] == text


@pytest.mark.parametrize("key, text, value", [
    ("vi", "yes", True), ("vi", "Off", False), ("pretty", "1", "format"), ("history-size", " 20 ", 20),
    ("pager", "less -S", "less -S"), ("pager", "", ""), ("view", "table", "table"),
    ("pretty", "all", "all"), ("pretty", "colors", "colors"), ("pretty", "false", "auto"),
])
def test_values_written_as_text_on_the_command_line(key, text, value):
    assert configkeys.from_text(configkeys.BY_NAME[key], text) == value


@pytest.mark.parametrize("key, text", [("vi", "maybe"), ("history-size", "-3"), ("history-size", "x"),
                                       ("view", "wide"), ("host", "http://"), ("pretty", "loud")])
def test_bad_values_written_as_text(key, text):
    with pytest.raises(ValueError):
        configkeys.from_text(configkeys.BY_NAME[key], text)
