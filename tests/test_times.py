"""lang.times: docker's relative times and dates → Unix timestamps; request.build applies them."""
from __future__ import annotations

import time

import pytest

from explorer.core.errors import UsageError
from explorer.http.request import build
from explorer.lang.commands import parse
from explorer.lang.times import timestamp
from explorer.spec import load_index

NOW = 1_700_000_000.75


@pytest.mark.parametrize("text, expected", [
    ("5m", "1699999700"), ("1h30m", "1699994600"), ("90s", "1699999910"), ("1.5h", "1699994600"),
    ("300ms", "1700000000"), ("-10m", "1700000600"),  # a negative duration is after now, as in Go
    ("2024-01-02T00:00:00Z", "1704153600"), ("2024-01-02T01:00:00+01:00", "1704153600"),
    ("1700000000", None), ("1700000000.5", None), ("yesterday", None), ("", None),
])
def test_timestamp(text, expected):
    assert timestamp(text, NOW) == expected


def test_a_bad_date_is_one_error_naming_the_parameter():
    with pytest.raises(UsageError, match=r"^since==2024-13-45: not a date docker reads"):
        timestamp("2024-13-45", NOW, "since==2024-13-45")


@pytest.fixture(scope="module")
def index(spec_v141):
    return load_index(str(spec_v141))


def test_the_engines_timestamp_parameters_take_them(index):
    before = int(time.time())
    r = build(parse("GET /containers/web/logs stdout==1 since==5m until==1h30m"), index, "1.41")
    after = int(time.time())
    since, until = int(dict(r.query)["since"]), int(dict(r.query)["until"])
    assert before - 300 <= since <= after - 300 and before - 5400 <= until <= after - 5400
    assert dict(build(parse("GET /events since==2024-01-02T00:00:00Z"), index, "1.41").query) == {
        "since": "1704153600"}
    # other parameters, and timestamps already given, go as typed
    assert build(parse("GET /containers/web/logs stdout==1 since==17"),
                 index, "1.41").query == (("stdout", "1"), ("since", "17"))
