"""The transport's header block: status from the last block, Headers looked up raw or walked as pairs."""
from __future__ import annotations

import pytest

from explorer.http.message import Headers, Response, find_header, parse_headers

FINAL = [b"HTTP/1.1 201 Created\r\n", b"Api-Version: 1.41\r\n", b"content-type: application/json\r\n",
         b"X-Empty:\r\n", b"X-Twice: one\r\n", b"x-twice:  two \r\n", b"\r\n"]


def test_the_last_block_counts_not_a_100_continue():
    status, reason, headers = parse_headers([b"HTTP/1.1 100 Continue\r\n", b"\r\n"] + FINAL)
    assert (status, reason) == (201, "Created")
    assert headers == (("Api-Version", "1.41"), ("content-type", "application/json"), ("X-Empty", ""),
                       ("X-Twice", "one"), ("x-twice", "two"))


@pytest.mark.parametrize("name, value", [
    ("Content-Type", "application/json"), ("CONTENT-TYPE", "application/json"), ("api-version", "1.41"),
    ("X-Twice", "two"), ("X-Empty", ""), ("Missing", None), ("Type", None), ("ünï", None), ("", None),
])
def test_get_matches_what_walking_the_pairs_finds(name, value):
    headers = parse_headers(FINAL)[2]
    walked = [v for k, v in headers if k.lower() == name.lower()]
    assert headers.get(name) == value == (walked[-1] if walked else None)
    assert find_header(headers, name) == find_header(tuple(headers), name) == value


def test_headers_behave_as_the_tuple_of_their_pairs():
    headers = parse_headers(FINAL)[2]
    pairs = tuple(headers)
    assert len(headers) == 5 and headers[0] == ("Api-Version", "1.41") and list(headers) == list(pairs)
    assert headers == pairs and headers == Headers(headers._block) and hash(headers) == hash(pairs)
    assert headers != pairs[:-1] and not Headers() and Headers() == ()
    resp = Response(201, "Created", headers, b"", 0.0, 0)
    assert resp.header("x-twice") == "two" and resp.header("nope") is None


@pytest.mark.parametrize("lines, expected", [
    ([], (0, "")),
    ([b"HTTP/1.0 204\r\n", b"\r\n"], (204, "")),
    ([b"HTTP/1.1 404 Not Found\r\n"], (404, "Not Found")),
    ([b"garbage\r\n", b"\r\n"], (0, "")),
])
def test_odd_blocks_give_a_status_and_no_traceback(lines, expected):
    status, reason, headers = parse_headers(lines)
    assert (status, reason) == expected and tuple(headers) == ()
