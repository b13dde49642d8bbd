"""What a secret is, in one place, and the one routine that keeps secrets out of what we show and write.

A secret is
- the value of a credential header: X-Registry-Auth, X-Registry-Config, Authorization, Proxy-Authorization;
- a credential field of an operation's body, listed per operation in SECRET_FIELDS (never guessed
  from a name: SwarmInit's CertIssuerPublicKey is public, SecretCreate's Data is not);
- a login's password in a pasted curl line (`-u USER:PASSWORD`, a URL's `USER:PASSWORD@`);
- every variable whose value flows into one of them (`X-Registry-Auth:{{AUTH}}`, then `set AUTH = {{RAW}}`).

Each one has a variable name (REGISTRY_AUTH, PASSWORD…). A line is read with the one shell-word
scanner and the one curl option reader, so what is hidden is what would be sent however it was
quoted, and a secret is written one of two ways:
- shown (`redact_line`, for messages): `<redacted>`;
- stored (`stored_line`: history, `save`, `import`, what `export` reads): a reference that still
  runs where the variable is set, `{{env.REGISTRY_AUTH}}` in our lines and `"$REGISTRY_AUTH"` in
  a pasted curl line (curl's own, where `{{…}}` means nothing).
"""
from __future__ import annotations

import re
import shlex
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from explorer.core import versions
from explorer.core.errors import REDACTED, UsageError
from explorer.lang import curlargs, variables, words
from explorer.lang.commands import META_WORDS, METHODS, separator
from explorer.lang.jsonspans import json_spans, pieces
from explorer.lang.shellvars import expansion_word
from explorer.lang.slots import REFERENCE

# the credential headers, each with the variable that stands for its value
HEADERS = (("X-Registry-Auth", "REGISTRY_AUTH"), ("X-Registry-Config", "REGISTRY_CONFIG"),
           ("Authorization", "AUTHORIZATION"), ("Proxy-Authorization", "PROXY_AUTHORIZATION"))
HEADER_VARIABLES = {name.lower(): variable for name, variable in HEADERS}
SECRET_HEADERS = frozenset(HEADER_VARIABLES)


class SecretFields(NamedTuple):
    """The credential fields at the top of one operation's JSON body."""

    operation_id: str
    path: str  # as the spec writes it, without the /v1.NN prefix
    fields: tuple  # of (field, the variable that stands for its value)


SECRET_FIELDS = (
    SecretFields("SystemAuth", "/auth", (("password", "PASSWORD"), ("identitytoken", "IDENTITY_TOKEN"),
                                         ("registrytoken", "REGISTRY_TOKEN"))),
    SecretFields("SwarmUnlock", "/swarm/unlock", (("UnlockKey", "UNLOCK_KEY"),)),
    SecretFields("SwarmJoin", "/swarm/join", (("JoinToken", "JOIN_TOKEN"),)),
    SecretFields("SecretCreate", "/secrets/create", (("Data", "SECRET_DATA"),)),
)
_BY_PATH = {s.path: dict(s.fields) for s in SECRET_FIELDS}
_BY_ID = {s.operation_id.lower(): dict(s.fields) for s in SECRET_FIELDS}
_NONE: dict = {}


def header_variable(name: str) -> str | None:
    """The variable for the value of header `name`, or None when it holds no credential."""
    return HEADER_VARIABLES.get(name.strip().lower())


def body_fields(target: str) -> dict:
    """{field: variable} of the credential fields of the operation `target` names: a path (a
    /v1.NN prefix, a query and percent-escapes allowed) or an operationId."""
    if not target:
        return _NONE
    if target[0] != "/":
        return _BY_ID.get(target.lower(), _NONE)
    path = target.partition("?")[0]
    if "%" in path:
        path = unquote(path)
    return _BY_PATH.get(versions.split_prefix(path)[1].rstrip("/"), _NONE)


def how_to_set(variable: str) -> str:
    """One line naming what `$variable` stands for in a printed curl line, and how to set it."""
    what = next((f"the {name} header" for name, v in HEADERS if v == variable), "")
    if not what:
        field = next((f"{s.operation_id}'s {f}" for s in SECRET_FIELDS for f, v in s.fields if v == variable), "")
        what = f"{field} (as written inside the body's JSON string)"
    return (f"${variable} stands for {what}: before pasting the line, `read -rs {variable}; export {variable}` "
            "(--show-secrets prints the value instead)")


def how_to_get(variable: str, filled: str) -> str:
    """One line naming what `$variable` stands for when engine-explorer filled it (docker's config.json)."""
    header = next((name for name, v in HEADERS if v == variable), variable)
    return (f"${variable} stands for the {header} header engine-explorer added: {filled}; set {variable} "
            "to it before pasting the line (--show-secrets prints the value)")


# -- secrets inside a curl command line ------------------------------------------------------------

def curl_secrets(args: list, fields: dict | None = None) -> dict:
    """{index of an argument: its pieces (text, VARIABLE, text, …)} for curl's `args` (without
    `curl`) that hold a credential. `fields` are the body's secret fields; None: those of the URL."""
    found: list = []
    try:
        for option in curlargs.options(args):
            found.append(option)
    except UsageError:  # a value missing at the end: what came before is still read
        pass
    if fields is None:
        url = next((o.value for o in found if o.name == "url"), "") or ""
        fields = body_fields(urlsplit(url if "://" in url else "http://" + url).path)
    out = {}
    for option in found:
        head = args[option.at][:option.offset]
        if option.name in curlargs.HEADER:
            name, colon, value = option.value.partition(":")
            variable = header_variable(name) if colon and value.strip() else None
            if variable:
                lead = value[:len(value) - len(value.lstrip())]
                out[option.at] = [head + name + colon + lead, variable, ""]
        elif span := curlargs.password_span(option):  # a login's password: -u USER:PASSWORD, or in the URL
            start, end = span
            out[option.at] = [head + option.value[:start], "PASSWORD", option.value[end:]]
        elif option.name in curlargs.DATA and fields:
            spans = json_spans(option.value, fields)
            if spans:
                out[option.at] = pieces(option.value, spans, head)
    return out


# -- lines of the command language -----------------------------------------------------------------

def redact_line(line: str, secret_names=frozenset()) -> str:
    """`line` as shown in a message: each secret (and each `set` of `secret_names`) as <redacted>."""
    return _rewrite(line, secret_names, stored=False)


def stored_line(line: str, secret_names=frozenset()) -> str:
    """`line` as written to a file: each secret as a reference to the variable named for it
    (`{{env.REGISTRY_AUTH}}`; `"$REGISTRY_AUTH"` in a pasted curl line), so that it runs again
    where that variable is set. Only the words that change are written again."""
    return _rewrite(line, secret_names, stored=True)


def secret_variables(lines, known=()) -> set:
    """Names of the variables that fill a secret somewhere in `lines`, and of those that flow into
    them (or into the `known` secret variables, which are included)."""
    names: set = set(known)
    flows: list = []  # (variable, the names its value is made of)
    for line in lines:
        if "{{" not in line:
            continue  # no reference: no variable flows anywhere
        found = words.scan(line).words
        head = found[0].value if found else ""
        if head in ("set", "run"):
            flows += _assignments(found)
        elif found and head.lower() not in META_WORDS and not _is_paste(found):
            items = found[1:] if head == "curl" else found
            names.update(n for item in _secret_items(items) for n in _names(item.value))
            names.update(n for w, spans in _bare_bodies(items) for a, b, _ in spans for n in _names(w.value[2:][a:b]))
    grown = True
    while grown:
        before = len(names)
        for name, sources in flows:
            if name in names:
                names |= sources
        grown = len(names) > before
    return names


def _names(text: str) -> set:
    return {m.group(1) for m in REFERENCE.finditer(text) if not m.group(1).startswith("env.")}


class _Item(NamedTuple):
    word: words.Word
    head: str  # the item's name and separator
    value: str
    kind: str
    variable: str


def _secret_items(found: tuple):
    """The items of a request line (`[!][METHOD] TARGET ITEM…`) that hold a secret.

    A word named as a credential header is one wherever it stands: a line that fails to parse
    is stored all the same.
    """
    k, fields = _target_fields(found)
    for i, word in enumerate(found):
        sep = separator(word.value) if word.value[:1] not in ("=", ":", "@", "") else None
        if sep is None:
            continue
        at, mark, kind = sep
        name = word.value[:at]
        variable = header_variable(name)
        if variable is None and i > k and kind in ("field", "json"):
            variable = fields.get(name.partition("[")[0])
        if variable:
            yield _Item(word, name + mark, word.value[at + len(mark):], kind, variable)


def _target_fields(found: tuple) -> tuple:
    """(the index of a request line's target, the secret body fields of its operation)."""
    values = [w.value for w in found]
    k = 1 if values[0] == "!" else 0
    if k < len(values) and values[k].lstrip("!").upper() in METHODS:
        k += 1
    return k, body_fields(values[k].lstrip("!")) if k < len(values) else _NONE


def _bare_bodies(found: tuple) -> list:
    """[(word, spans)] of the bare `:=JSON` bodies holding a secret field (explorer.lang.jsonspans)."""
    bare = [(w, json_spans(w.value[2:], _target_fields(found)[1])) for w in found
            if w.value.startswith(":=") and "{" in w.value]
    return [(w, spans) for w, spans in bare if spans]


def _bare_body_edits(found: tuple, stored: bool) -> list:
    """A bare `:=JSON` body: each secret field's string in it as a reference (or <redacted>)."""
    return [(w, _quote("".join(("{{env." + p + "}}" if stored else REDACTED) if k % 2 else p
                               for k, p in enumerate(pieces(w.value[2:], spans, ":=")))))
            for w, spans in _bare_bodies(found)]


def _assignments(found: tuple) -> list:
    """(name, names in its value) of a `set NAME = …` (not a capture) or each `run FILE NAME=VALUE`."""
    values = [w.value for w in found]
    if values[0] == "run":
        return [(name, _names(value)) for name, sep, value in (v.partition("=") for v in values[2:]) if sep]
    try:
        name, rest = variables.split_assignment(values[1:])
    except UsageError:
        return []
    return [] if variables.is_capture(rest) else [(name, _names(" ".join(rest)))]


def _is_paste(found: tuple) -> bool:
    """A pasted curl command line (as explorer.lang.commands tells one from a `curl REQUEST` preview)."""
    return found[0].value == "curl" and any(
        w.value.startswith("-") or "://" in w.value or w.value.startswith("localhost") for w in found[1:])


def _rewrite(line: str, names, stored: bool) -> str:
    found = words.scan(line).words
    if not found:
        return line
    head = found[0].value
    if head == "set" and names:
        return _set_line(line, found, names, stored)
    if head == "run":
        edits = _run_edits(found, names, stored)
    elif _is_paste(found):
        edits = _paste_edits(found, stored)
    else:  # a request, or a meta command: a secret item in `help X-Registry-Auth:…` is one all the same
        items = found[1:] if head == "curl" else found
        edits = [(item.word, _quote(_item_text(item, stored))) for item in _secret_items(items) if _literal(item)]
        edits = sorted(edits + _bare_body_edits(items, stored), key=lambda edit: edit[0].start)
    for word, text in reversed(edits):
        line = line[:word.start] + text + line[word.end:]
    return line


def _literal(item: _Item) -> bool:
    """Does the item's value hold text of its own (not only `{{NAME}}` references)?"""
    if item.value.startswith("@") and item.kind in ("field", "json"):
        return False  # `password=@file`: the file holds the secret, the line only its name
    rest = REFERENCE.sub("", item.value)
    return bool((rest.replace('"', "") if item.kind == "json" else rest).strip())


def _item_text(item: _Item, stored: bool) -> str:
    lead = item.value[:len(item.value) - len(item.value.lstrip())]
    if not stored:
        return item.head + lead + REDACTED
    reference = "{{env." + item.variable + "}}"
    return item.head + (f'"{reference}"' if item.kind == "json" else lead + reference)


def _paste_edits(found: tuple, stored: bool) -> list:
    hidden = curl_secrets([w.value for w in found[1:]])
    return [(found[index + 1], expansion_word(pieces) if stored else
             shlex.quote("".join(REDACTED if k % 2 else p for k, p in enumerate(pieces))))
            for index, pieces in sorted(hidden.items())]


def _run_edits(found: tuple, names, stored: bool) -> list:
    """`run FILE NAME=VALUE…`: the values of `names`."""
    edits = []
    for word in found[2:]:
        name, sep, value = word.value.partition("=")
        if sep and name in names and REFERENCE.sub("", value).strip():
            edits.append((word, _quote(f"{name}={_hidden(name, stored)}")))
    return edits


def _set_line(line: str, found: tuple, names, stored: bool) -> str:
    try:
        name, rest = variables.split_assignment([w.value for w in found[1:]])
    except UsageError:  # not an assignment: nothing to hide
        return line
    if name in names and not variables.is_capture(rest) and REFERENCE.sub("", " ".join(rest)).strip():
        return f"set {name} = {_quote(_hidden(name, stored))}"
    return line  # a capture, or only references: no secret in the text itself


def _hidden(name: str, stored: bool) -> str:
    return "{{env." + name + "}}" if stored else REDACTED


_BARE = re.compile(r"[\w@%+=:,./{}\[\]-]+")  # shlex's safe characters, and the braces of a reference


def _quote(text: str) -> str:
    """`text` as one word: bare when nothing in it needs quoting, so references stay readable."""
    return text if _BARE.fullmatch(text) else shlex.quote(text)
