"""What kind of body a response has, from our overlay, the engine's Content-Type and the spec.

Trust, highest first: a Content-Type that names a stream or binary kind (but not the generic
application/octet-stream); our overlay (specs/response-kinds.yaml), which corrects the specs and
engines that say application/json, application/octet-stream or nothing; a stream or binary kind in
the spec's `produces`; then what the Content-Type says.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from explorer.core import versions
from explorer.core.datafiles import data_file, parsed
from explorer.core.errors import SpecError

JSON = "json"
JSON_STREAM = "json-stream"
MULTIPLEXED = "multiplexed"
DOCKER_STREAM = "docker-stream"  # multiplexed, or raw for a TTY: the first bytes tell
RAW = "raw"
WEBSOCKET = "websocket"  # RFC 6455 frames after a 101 (ContainerAttachWebsocket)
# what such a request needs (any 16 bytes in base64 make a key: the engine only echoes its hash)
WEBSOCKET_HEADERS = ("Connection:Upgrade Upgrade:websocket Sec-WebSocket-Version:13 "
                     "Sec-WebSocket-Key:ZW5naW5lLWV4cGxvcmVyIQ==")
BINARY = "binary"
TEXT = "text"
EMPTY = "empty"
KINDS = (JSON, JSON_STREAM, MULTIPLEXED, DOCKER_STREAM, RAW, WEBSOCKET, BINARY, TEXT)
STREAMS = frozenset({JSON_STREAM, MULTIPLEXED, DOCKER_STREAM, RAW, WEBSOCKET})

FILE_NAME = "response-kinds.yaml"
_STREAM_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-seq",
                 "application/x-json-stream")
_BINARY_TYPES = ("application/x-tar", "application/octet-stream", "application/gzip",
                 "application/x-gzip", "application/x-xz", "application/zip", "application/x-bzip2")


class Exchange(NamedTuple):
    """What the kind depends on, besides the response: the request and the spec's `produces`."""

    method: str
    path: str  # without the /v1.NN prefix
    query: tuple = ()
    version: str | None = None  # API version the request was sent with
    produces: tuple = ()


class Rule(NamedTuple):
    """One overlay rule (see specs/response-kinds.yaml).

    A record (named tuple), not a dataclass: it never leaves this module, and every start builds the module.
    """

    method: str
    template: str  # "/containers/{}/logs": {} stands for one or more characters
    kind: str
    before: str | None = None
    unless: tuple = ()  # of (query name, values)
    why: str = ""

    def applies(self, ex: Exchange) -> bool:
        """True when this rule covers the exchange."""
        if ex.method != self.method:
            return False
        literal_head = self.template.partition("{}")[0]  # cheap test first: most rules never compile
        if not ex.path.startswith((literal_head, "/v")) or not _template_rx(self.template).fullmatch(ex.path):
            return False
        if self.before and ex.version and versions.key(ex.version) >= versions.key(self.before):
            return False
        given = dict(ex.query)
        return not any(given.get(name) in values for name, values in self.unless)


def expected(ex: Exchange, rules: tuple | None = None) -> str:
    """The kind to expect before sending: the overlay's, else the spec's, else JSON."""
    if ex.method == "HEAD":
        return EMPTY
    return overlay_kind(ex, rules) or spec_kind(ex.produces) or JSON


def decide(ex: Exchange, status: int, content_type: str | None, rules: tuple | None = None) -> str:
    """The kind of the body that is arriving."""
    if rules is not None:
        return _decide(ex, status, content_type, rules)
    # Asked once per response with the same few answers: remembered (bounded, like overlay_kind's).
    key = (ex, status, content_type)
    try:
        return _DECIDED[key]
    except KeyError:
        if len(_DECIDED) > 4096:
            _DECIDED.clear()
        kind = _DECIDED[key] = _decide(ex, status, content_type, None)
        return kind


_DECIDED: dict = {}


def _decide(ex: Exchange, status: int, content_type: str | None, rules: tuple | None) -> str:
    if ex.method == "HEAD" or status in (204, 304):
        return EMPTY
    labelled = kind_of_type(content_type)
    if status >= 400:
        return JSON if labelled == JSON else TEXT
    # application/octet-stream only says "bytes": Podman labels framed logs so, and the overlay knows better.
    if labelled not in (None, JSON, TEXT) and not (labelled == BINARY and _is_octet_stream(content_type)):
        return labelled
    return overlay_kind(ex, rules) or spec_kind(ex.produces) or labelled or TEXT


def _is_octet_stream(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/octet-stream"


def kind_of_type(content_type: str | None) -> str | None:
    """The kind a Content-Type names (None when there is none)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if not media:
        return None
    if media == "application/vnd.docker.multiplexed-stream":
        return MULTIPLEXED
    if media == "application/vnd.docker.raw-stream":
        return DOCKER_STREAM
    if media in _STREAM_TYPES:
        return JSON_STREAM
    if media == "application/json" or media.endswith("+json"):
        return JSON
    if media in _BINARY_TYPES:
        return BINARY
    return TEXT


@lru_cache(maxsize=256)
def spec_kind(produces: tuple) -> str | None:
    """A stream or binary kind the spec declares (None for plain JSON or text)."""
    kinds = [kind_of_type(t) for t in produces]
    if MULTIPLEXED in kinds:
        return DOCKER_STREAM  # the spec lists raw-stream beside it: which one depends on the TTY
    for kind in kinds:
        if kind in (DOCKER_STREAM, JSON_STREAM, BINARY):
            return kind
    return None


def overlay_kind(ex: Exchange, rules: tuple | None = None) -> str | None:
    """The kind our overlay gives this exchange, or None."""
    if rules is not None:
        return _first_kind(ex, rules)
    # Every request asks this, twice; scanning all rules cost more than the rest of a request.
    key = (ex.method, ex.path, ex.query, ex.version)
    try:
        return _KIND_MEMO[key]
    except KeyError:
        if len(_KIND_MEMO) > 4096:
            _KIND_MEMO.clear()
        kind = _KIND_MEMO[key] = _first_kind(ex, load_rules())
        return kind


_KIND_MEMO: dict = {}


def _first_kind(ex: Exchange, rules: tuple) -> str | None:
    for rule in rules:
        if rule.applies(ex):
            return rule.kind
    return None


# -- the overlay file ------------------------------------------------------------------------


def overlay_file() -> str:
    """Where response-kinds.yaml is: in the installed package, else specs/ of the checkout."""
    return data_file(FILE_NAME)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> tuple:
    """The overlay's rules; the parsed YAML is kept between starts (explorer.core.datafiles.parsed)."""
    path = path or overlay_file()
    try:
        return parsed(path, _read_yaml, "response-kinds", lambda doc: parse_rules(doc, path))
    except OSError as err:
        raise SpecError(f"{path}: cannot read the response-kinds overlay ({err.strerror}); reinstall") from None


def parse_rules(doc: dict, path: str = FILE_NAME) -> tuple:
    """Rules from the parsed overlay document; a malformed one is a SpecError naming the file."""
    try:
        return tuple(_rule(entry) for entry in doc["rules"])
    except (TypeError, KeyError, ValueError, AttributeError) as err:
        raise SpecError(f"{path}: not a valid response-kinds overlay ({err}); fix or reinstall it") from None


def _rule(entry: dict) -> Rule:
    method, _, template = entry["match"].partition(" ")
    if entry["kind"] not in KINDS or not template.startswith("/"):
        raise ValueError(f"bad rule {entry['match']!r}: kind {entry['kind']!r}")
    unless = tuple((str(k), tuple(str(v) for v in vs)) for k, vs in (entry.get("unless") or {}).items())
    return Rule(method.upper(), template, entry["kind"], entry.get("before"), unless, entry.get("why", ""))


@cache
def _template_rx(template: str) -> re.Pattern:
    """The regex for a rule's template, compiled on first use: a start compiles only what it meets."""
    body = re.escape(template).replace(re.escape("{}"), ".+")
    return re.compile(r"(?:/v\d+(?:\.\d+){1,2})?" + body)


def _read_yaml(path: str) -> dict:
    import yaml  # cold path: once per change of the file

    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as err:
        first = " ".join(str(err).split())[:120]
        raise SpecError(f"{path}: cannot read the response-kinds overlay ({first}); fix or reinstall it") from None
