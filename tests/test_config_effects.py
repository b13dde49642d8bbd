"""Each setting does what it says, from config.toml (or the environment, or the command line) to its effect.

Settings are made as a start makes them (explorer.cli reads the file and the environment); the
REPL is built on a pipe, with no terminal and no engine.
"""
from __future__ import annotations

import io
import os

import pytest
from prompt_toolkit.enums import EditingMode
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer import cli, options
from explorer.core.console import Console, pretty_json
from explorer.repl.app import Repl
from explorer.repl.history import RedactingHistory
from explorer.repl.style import STYLE, style
from explorer.response.streamsinks import json_text
from explorer.shell.session import Session


@pytest.fixture
def start(tmp_path, monkeypatch):
    """start(config_text, *argv, **env) → the Settings an interactive start would have."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "PAGER", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)

    def start(text=None, *argv, **env):
        if text is not None:
            folder = tmp_path / "config" / "engine-explorer"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "config.toml").write_text(text)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return cli._settings(options.quick_parse(["-H", f"unix://{tmp_path}/no-engine.sock", *argv]), True)
    return start


def repl_of(settings, history=None):
    session = Session(settings, Console(stdout=io.BytesIO(), stderr=io.BytesIO(), interactive=True))
    with create_pipe_input() as inp:
        return Repl(session, input=inp, output=DummyOutput(), history=history)


def test_vi(start):
    assert repl_of(start()).prompt.app.editing_mode == EditingMode.EMACS
    assert repl_of(start("vi = true\n")).prompt.app.editing_mode == EditingMode.VI
    assert repl_of(start(None, "-o", "vi=false")).prompt.app.editing_mode == EditingMode.EMACS  # flag > file


def test_toolbar(start):
    assert repl_of(start()).prompt.bottom_toolbar is not None
    assert repl_of(start("toolbar = false\n")).prompt.bottom_toolbar is None


def test_style_colours_the_line_and_json_bodies(start):
    assert repl_of(start()).prompt.style is STYLE
    chosen = repl_of(start('style = "monokai"\n')).prompt.style
    from pygments.styles import get_style_by_name
    from pygments.token import Keyword, Name

    monokai = get_style_by_name("monokai")
    assert chosen.get_attrs_for_style_str("class:method").color == monokai.style_for_token(Keyword)["color"]
    assert chosen.get_attrs_for_style_str("class:field").color == monokai.style_for_token(Name.Tag)["color"]
    assert chosen.get_attrs_for_style_str("class:bottom-toolbar").bgcolor == "303030"  # ours stay
    assert style("default") is STYLE
    body = b'{"Id": "abc"}'
    assert "\x1b[38;5;" in pretty_json(body, True, "monokai").decode()  # the style's 256 colours
    assert "\x1b[38;5;" not in pretty_json(body, True).decode()  # the terminal's own 16
    assert "\x1b[38;5;" in json_text({"Id": "abc"}, True, False, "monokai")


def test_history_size_limits_what_is_loaded_and_kept(start, tmp_path):
    settings = start("history-size = 3\n")
    assert settings.history_size == 3
    path = tmp_path / "state" / "engine-explorer" / "history"
    path.parent.mkdir(parents=True)
    path.write_text("".join(f"\n# 2024-01-0{i} 10:00:00\n+GET /v{i}\n" for i in range(1, 6)) +
                    "\n# 2024-01-06 10:00:00\n+POST /a \\\n+  b=1\n")
    history = repl_of(settings).prompt.history
    assert isinstance(history, RedactingHistory) and history.size == 3
    assert list(history.load_history_strings()) == ["POST /a \\\n  b=1", "GET /v5", "GET /v4"]
    kept = path.read_text()
    assert kept.startswith("\n# 2024-01-04 10:00:00\n+GET /v4\n") and "/v3" not in kept
    assert list(RedactingHistory(str(path)).load_history_strings()) == ["POST /a \\\n  b=1", "GET /v5", "GET /v4"]


def test_history_size_zero_saves_nothing(start, tmp_path):
    history = repl_of(start("history-size = 0\n")).prompt.history
    assert isinstance(history, InMemoryHistory)
    assert not (tmp_path / "state" / "engine-explorer").exists()


def test_pretty_reaches_the_console(start, monkeypatch):
    assert start("pretty = true\n").pretty == "format"
    assert start("pretty = true\n", "-o", "pretty=false").pretty == "auto"


@pytest.mark.parametrize("config, env, expected", [
    (None, {}, None),
    ('pager = "most"\n', {}, "most"),
    ('pager = "most"\n', {"PAGER": "less"}, "less"),
    ('pager = "most"\n', {"PAGER": ""}, ""),
])
def test_pager_setting(start, config, env, expected):
    assert start(config, **env).pager == expected


def test_the_pager_setting_pages_long_help_in_the_shell(start, tmp_path, spec_dir, monkeypatch):
    monkeypatch.setenv("LINES", "20")
    paged = tmp_path / "paged.txt"
    settings = start(f'pager = "cat > {paged}"\n')
    out = io.BytesIO()
    session = Session(settings, Console(out, io.BytesIO(), interactive=True, tty=True),
                      env={"ENGINE_EXPLORER_SPEC_DIR": str(spec_dir)})
    assert session.execute("help ContainerCreate").exit_code == 0
    assert "NetworkMode" in paged.read_text() and b"NetworkMode" not in out.getvalue()


class Terminal(io.StringIO):
    """stdout as a terminal: colour depends on NO_COLOR alone."""

    def isatty(self):
        return True


@pytest.mark.parametrize("value, color", [(None, True), ("", True), ("1", False)])
def test_no_color_set_and_not_empty_turns_colour_off(start, monkeypatch, value, color):
    monkeypatch.setattr("sys.stdout", Terminal())
    env = {} if value is None else {"NO_COLOR": value}
    assert start(None, **env).color is color


def test_settings_the_features_of_other_issues_read_are_stored(start):
    settings = start('view = "table"\nread-only = true\ndestructive-warning = false\ncontext = "default"\n')
    assert (settings.view, settings.read_only, settings.confirm_destructive) == ("table", True, False)
    assert settings.host is not None  # -H beats the file's context
    assert dict(settings.origins)["read-only"] == "config file, line 2"
    assert settings.config_file == os.path.join(os.environ["XDG_CONFIG_HOME"], "engine-explorer", "config.toml")
