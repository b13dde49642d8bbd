"""Tables fitted to the terminal: never wider than it, cut with "…", columns left out only when even
the narrowest cut does not fit, and a body's control characters never reach the terminal raw."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from explorer.response import views
from explorer.response.views import expanded, layout
from explorer.response.views.table import cell, render, width

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).map(cell)


@given(st.lists(st.lists(texts, min_size=3, max_size=3), max_size=6), st.integers(20, 200))
def test_no_line_is_wider_than_the_terminal(rows, columns):
    lines = render(["A", "BB", "CCC"], rows, columns)
    assert all(width(line) <= columns for line in lines if not line.startswith("("))
    assert len(lines) == 1 + len(rows) + (1 if lines[-1].startswith("(") and len(lines) > 1 + len(rows) else 0)


def test_a_narrow_terminal_cuts_the_widest_columns_first():
    lines = render(["ID", "COMMAND"], [["abc", "x" * 100]], 30)
    assert lines == ["ID    COMMAND", "abc   " + "x" * 23 + "…"]


def test_columns_that_cannot_fit_are_left_out_and_named():
    lines = render([f"H{i}" for i in range(20)], [["value"] * 20], 30)
    assert lines[-1].startswith("(") and "H19" in lines[-1] and "`last expanded`" in lines[-1]


def test_wide_characters_take_two_columns():
    lines = render(["NAME", "X"], [["日本語の名前", "1"]], 80)
    assert lines[1] == "日本語の名前   1" and lines[0] == "NAME           X"


def test_escape_sequences_in_a_body_are_shown_not_sent():
    table = layout.generic([{"Name": "a\x1b[2Jb", "Labels": {"k": "v\n"}}])
    assert table.rows[0][0] == "a\\x1b[2Jb" and "\x1b" not in "".join(views.lines([table], 80))
    assert "\x1b" not in "\n".join(expanded.render([{"a\x1b": "\x1b[31m"}]))


def test_expanded_dots_nested_keys():
    assert expanded.render([{"HostConfig": {"NetworkMode": "none"}, "Ports": [{"PrivatePort": 80}]}]) == [
        "-[ 1 ]------------------------------", "HostConfig.NetworkMode: none", "Ports.0.PrivatePort:    80"]


def test_a_views_cache_of_the_wrong_shape_is_rebuilt_from_the_file(tmp_path, monkeypatch):
    import marshal

    from explorer.core.datafiles import data_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = data_file(layout.FILE_NAME)
    layout.load.cache_clear()
    first = layout.load(path)
    layout.load.cache_clear()
    (cached,) = (tmp_path / "engine-explorer" / "data").iterdir()
    try:
        for damage in ({}, {"tables": 5}, {"tables": {"ContainerList": {"columns": [[1]]}}}):
            cached.write_bytes(marshal.dumps(damage))  # valid marshal: only its shape is wrong
            assert layout.load(path).keys() == first.keys()
            layout.load.cache_clear()
    finally:
        layout.load.cache_clear()
