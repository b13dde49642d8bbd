"""Human sizes and times as docker prints them (docker/go-units), and the status line's."""
from __future__ import annotations

import pytest

from explorer.core import units


@pytest.mark.parametrize("n, text", [(0, "0B"), (999, "999B"), (1000, "1kB"), (1234, "1.23kB"),
                                     (2_048_000, "2.05MB"), (4_290_000_000, "4.29GB"), (1e27, "1e+03YB")])
def test_docker_size_is_human_size_with_precision_3(n, text):
    assert units.docker_size(n) == text


def test_docker_human_size_has_four_digits():
    assert units.docker_size(1234567, 4) == "1.235MB"


@pytest.mark.parametrize("n, text", [(0, "0B"), (1023, "1023B"), (1024, "1KiB"), (1572864, "1.5MiB"),
                                     (8 * 1024 ** 3, "8GiB"), (1_234_567_890, "1.15GiB")])
def test_binary_size_is_bytes_size(n, text):
    assert units.binary_size(n) == text


@pytest.mark.parametrize("seconds, text", [
    (0.5, "Less than a second"), (1, "1 seconds"), (59, "59 seconds"), (60, "About a minute"),
    (119, "About a minute"), (120, "2 minutes"), (3599, "59 minutes"), (3600, "About an hour"),
    (7200, "2 hours"), (47 * 3600, "47 hours"), (48 * 3600, "2 days"), (13 * 86400, "13 days"),
    (14 * 86400, "2 weeks"), (89 * 86400, "12 weeks"), (90 * 86400, "3 months"), (729 * 86400, "24 months"),
    (730 * 86400, "2 years")])
def test_human_duration_as_docker(seconds, text):
    assert units.human_duration(seconds) == text


@pytest.mark.parametrize("when, expected", [
    (1_700_000_000, 1_700_000_000.0),
    ("2023-11-14T22:13:20Z", 1_700_000_000.0),
    ("2023-11-14T22:13:20.5Z", 1_700_000_000.5),
    ("2023-11-14T22:13:20.123456789Z", 1_700_000_000.123456789),
    ("2023-11-15T00:13:20+02:00", 1_700_000_000.0),
    ("2023-11-14T20:13:20.000000000-02:00", 1_700_000_000.0),
    ("0001-01-01T00:00:00Z", None), (0, None), (None, None), ("", None), ("yesterday", None), (True, None)])
def test_epoch_from_numbers_and_rfc3339(when, expected):
    got = units.epoch(when)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_ago():
    assert units.ago(1_700_000_000, now=1_700_000_300) == "5 minutes ago"
    assert units.ago("2023-11-14T22:13:20Z", now=1_700_000_000 + 3 * 86400) == "3 days ago"
    assert units.ago(0, now=1) == ""


def test_status_line_size_and_percent():
    sizes = (units.human_size(999), units.human_size(1234), units.human_size(5 * 10**12))
    assert sizes == ("999 B", "1.2 kB", "5.0 TB")
    assert units.percent(0.254) == "0.25%"
