"""REPL progress bars (prompt_toolkit, no terminal) and the Console hooks."""
from __future__ import annotations

import io

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from explorer.core.console import Console
from explorer.repl import hooks
from explorer.repl.progress import ProgressBars
from explorer.response.streams import Progress


def test_bars_per_id_with_text_printed_around_them():
    out = io.BytesIO()
    with create_pipe_input() as pipe:
        bars = ProgressBars(out, color=False, output=DummyOutput(), input=pipe)
        bars.write("before the bars\n")
        bars.update(Progress("ab12", "Loading layer", 10, 100))
        bars.update(Progress("cd34", "Pulling fs layer"))
        bars.write("Loaded image: x\n")  # printed above the running bars
        bars.update(Progress("ab12", "Loading layer", 100, 100))
        counters = dict(bars._counters)
        bars.close()
    assert out.getvalue() == b"before the bars\nLoaded image: x\n"
    assert counters["ab12"].done and counters["ab12"].items_completed == 100
    assert counters["cd34"].label == "cd34: Pulling fs layer" and not counters["cd34"].done
    assert bars._bars is None


def test_text_after_every_layer_is_done_ends_the_block_and_a_status_gets_no_bar():
    out = io.BytesIO()
    with create_pipe_input() as pipe:
        bars = ProgressBars(out, color=False, output=DummyOutput(), input=pipe)
        bars.update(Progress("ab12", "Preparing"))
        bars.update(Progress("ab12", "Layer already exists"))
        first = bars._bars
        bars.write("v1: digest: sha256:1 size: 527\n")  # after the bars: they stop, left as drawn
        assert bars._bars is None and bars._counters == {}
        bars.update(Progress("ab12", "Preparing"))  # the next tag's layers: a block of their own
        assert bars._bars is not None and bars._bars is not first
        formats = [f.format(bars._bars, bars._counters["ab12"], 10) for f in bars._bars.formatters]
        bars.close()
    assert out.getvalue() == b"v1: digest: sha256:1 size: 527\n"
    assert "%" not in "".join(str(f) for f in formats)  # a status without sizes: no percentage, no bar


def test_close_without_progress_ends_an_open_line():
    out = io.BytesIO()
    bars = ProgressBars(out, color=True)
    bars.write("no newline")
    bars.close()
    assert out.getvalue() == b"no newline\n"


def test_hooks_install_the_repl_callbacks():
    con = Console(stdout=io.BytesIO(), stderr=io.BytesIO(), interactive=True)
    hooks.install(con)
    assert con.ask is hooks.ask
    assert isinstance(con.progress(con), ProgressBars)
