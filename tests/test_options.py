"""The quick option reader agrees with argparse on every line it accepts."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer import options


def argparse_view(argv):
    return vars(options.parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    [],
    ["-c", "/_ping"],
    ["-c", "GET /version", "-c", "/_ping", "-v", "--pretty"],
    ["-H", "unix:///tmp/x.sock", "--api-version", "1.41", "-c", "/x", "-v"],
    ["--host=tcp://h:2375", "--timeout", "2.5", "-f", "script.txt", "--var", "a=b", "--var=c=d"],
    ["--unix-socket", "/s", "--spec", "/x.yaml", "--keep-going", "--dry-run", "--show-secrets", "--vi"],
    ["--export", "out.sh", "-f", "-"],
    ["-o", "pager=less -S", "--option=vi=true", "--config", "my.toml", "-c", "config"],
    ["--config-path"],
    ["--version"],  # a flag of ours (it runs `curl --version`), no longer argparse's action
    ["--read-only", "--no-confirm", "-c", "/_ping"],
    ["--pretty", "all", "-c", "/x"], ["--pretty", "-c", "/x"], ["-c", "/x", "--pretty"],
    ["--pretty=colors", "--style", "monokai", "--view", "table"], ["--view=expanded", "--pretty", "none"],
])
def test_quick_parse_matches_argparse(argv):
    quick = options.quick_parse(argv)
    assert quick is not None
    assert vars(quick) == argparse_view(argv)


@pytest.mark.parametrize("argv", [
    ["-h"], ["--help"], ["-c"], ["--timeout", "soon"], ["--nope"], ["stray"],
    ["-vc", "x"], ["--pretty=yes"], ["-c", "-v"], ["--pretty=loud"],
])
def test_anything_unusual_goes_to_argparse(argv):
    assert options.quick_parse(argv) is None


words = st.sampled_from(["-c", "-f", "-H", "--host", "--spec", "--timeout", "--var", "-v", "--pretty", "-o",
                         "--config", "--config-path", "vi=true",
                         "--keep-going", "x", "1", "--vi", "--dry-run", "-", "--api-version",
                         "--read-only", "--no-confirm", "all", "none", "--style", "--view", "table"])


@given(st.lists(words, max_size=8))
def test_quick_parse_never_disagrees(argv):
    quick = options.quick_parse(argv)
    if quick is None:
        return
    assert vars(quick) == argparse_view(argv)


def test_read_only_and_no_confirm_reach_the_settings():
    """The names agreed with the config file (issue 25): Settings.read_only and .confirm_destructive."""
    from explorer.cli import _settings

    plain = _settings(options.quick_parse(["-c", "/_ping"]), False)
    assert (plain.read_only, plain.confirm_destructive) == (False, True)
    both = _settings(options.quick_parse(["--read-only", "--no-confirm", "-c", "/_ping"]), False)
    assert (both.read_only, both.confirm_destructive) == (True, False)
