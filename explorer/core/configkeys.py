"""The settings a user can give in config.toml (or with -o KEY=VALUE): one table, and one check per kind.

The file reader, the command line's -o, the environment, `config init`'s example and `config`'s
listing all read this table, so a key is named, typed and documented once.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from explorer.core.config import host_problem

VIEWS = ("json", "table", "expanded")
PRETTY = ("auto", "all", "colors", "format", "none")  # httpie's --pretty, and auto: all on a terminal, else none


class Key(NamedTuple):
    """One setting: its config.toml name, the Settings field it fills, how its value is checked."""

    name: str  # as written in config.toml and after -o
    field: str  # the explorer.core.config.Settings field
    kind: str  # "bool" | "size" | "choice" | "pretty" | "host" | "context" | "path" | "pager" | "style"
    example: object  # the value `config init` writes (commented out): the default, or a sample
    help: str  # one line or two for `config init`
    choices: tuple = ()
    env: str = ""  # the environment variable that beats the file, if any
    pending: str = ""  # said by `config` while the feature behind the key is not built yet


KEYS = (
    Key("host", "host", "host", "unix:///var/run/docker.sock",
        "The engine, as -H takes it: unix:///path, tcp://host:2375 (with tlsverify for TLS),\n"
        "http://host:port or https://host:port. Give host or context, not both.\n"
        "Default: /var/run/docker.sock, else $XDG_RUNTIME_DIR/docker.sock; tcp://localhost:2376 with TLS.",
        env="DOCKER_HOST"),
    Key("context", "context", "context", "default",
        "A docker context by name (as `docker context use` sets it); \"default\" is the host above.",
        env="DOCKER_CONTEXT"),
    Key("tls", "tls", "bool", False,
        "TLS to the host above (as --tls), without verifying the engine's certificate.", env="DOCKER_TLS"),
    Key("tlsverify", "tls_verify", "bool", False,
        "TLS to the host above, the engine's certificate verified (as --tlsverify).", env="DOCKER_TLS_VERIFY"),
    Key("tlscacert", "tls_ca", "path", "~/.docker/ca.pem",
        "The CA that signed the engine's certificate (as --tlscacert). Default: ca.pem in cert-path."),
    Key("tlscert", "tls_cert", "path", "~/.docker/cert.pem",
        "The client certificate (as --tlscert). Default: cert.pem in cert-path, when it is there."),
    Key("tlskey", "tls_key", "path", "~/.docker/key.pem",
        "The client certificate's key (as --tlskey). Default: key.pem in cert-path, when it is there."),
    Key("cert-path", "cert_path", "path", "~/.docker",
        "The folder of ca.pem, cert.pem and key.pem. Default: $DOCKER_CONFIG, else ~/.docker.",
        env="DOCKER_CERT_PATH"),
    Key("view", "view", "choice", "json",
        "How a response shows on a terminal (as --view): json; table (lists as tables, stats and events\n"
        "as live views in the shell); expanded (one key: value block per item). Pipes get the body as sent.",
        choices=VIEWS),
    Key("pager", "pager", "pager", "less -FRX",
        "The command output taller than the terminal goes through, in the shell and -c (\"\" for none;\n"
        "default: less -FRX when installed); $PAGER, when set, comes first. Streams are never paged.",
        env="PAGER"),
    Key("pretty", "pretty", "pretty", "auto",
        "JSON bodies, as httpie's --pretty: auto (all on a terminal, none elsewhere), all (indent and\n"
        "colour), colors, format (indent), none (the bytes as sent). true is format, false auto.",
        choices=PRETTY),
    Key("style", "style", "style", "default",
        "Colours: \"default\", or a pygments style (monokai, friendly, solarized-dark, …) for the\n"
        "highlighted line and JSON bodies in the shell."),
    Key("vi", "vi", "bool", False, "Vi key bindings at the prompt (as --vi); Emacs ones otherwise."),
    Key("history-size", "history_size", "size", 10000,
        "How many lines the shell's history keeps (0: none is saved)."),
    Key("toolbar", "toolbar", "bool", True, "The bottom toolbar that documents the operation being typed."),
    Key("read-only", "read_only", "bool", False,
        "Refuse, before sending, every request that changes the engine's state (as --read-only)."),
    Key("destructive-warning", "confirm_destructive", "bool", True,
        "At the prompt, ask before a removal, prune, kill or forced change (--no-confirm: don't)."),
    Key("with-registry-auth", "with_registry_auth", "bool", False,
        "Send a service's registry credentials from docker's config.json with ServiceCreate and\n"
        "ServiceUpdate, for the swarm to store (as --with-registry-auth)."),
)
BY_NAME = {key.name: key for key in KEYS}

_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
_CONTEXT_NAME = r"[A-Za-z0-9][A-Za-z0-9_.+-]*"  # docker's rule for context names (compiled on first use)


def check(key: Key, value: object) -> object:
    """`value` (as TOML gives it) for `key`, checked; a ValueError says what is wrong in a few words."""
    kind = key.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {describe(value)}")
        return value
    if kind == "pretty" and isinstance(value, bool):
        return "format" if value else "auto"  # what `pretty = true` meant before it took httpie's words
    if kind == "size":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"must be a whole number, 0 or more, not {describe(value)}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be text in quotes, not {describe(value)}")
    return _check_text(key, value)


def _check_text(key: Key, value: str) -> object:
    kind = key.kind
    if kind in ("choice", "pretty") and value not in key.choices:
        raise ValueError(f"must be one of {', '.join(key.choices)}, not {describe(value)}")
    if kind == "host" and host_problem(value):
        raise ValueError(host_problem(value))
    if kind == "context" and not re.fullmatch(_CONTEXT_NAME, value):
        raise ValueError(f"{describe(value)} is not a docker context name")
    if kind == "path" and not value.strip():
        raise ValueError("must name a file or folder, not \"\"")
    if kind == "pager":
        return value.strip()  # "": never page (None, the default, is less -FRX where it is installed)
    if kind == "style" and value != "default":
        _check_style(value)
    return value


def _check_style(name: str) -> None:
    # pygments' style table: only a start that names a style pays for it
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    try:
        get_style_by_name(name)
    except ClassNotFound:
        raise ValueError(f"{describe(name)} is neither \"default\" nor a pygments style "
                         "(python -m pygments -L styles lists them)") from None


def from_text(key: Key, text: str) -> object:
    """A value written on the command line (-o KEY=VALUE) or in the environment, checked."""
    word = text.strip().lower()
    if key.kind == "bool":
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise ValueError(f"must be true or false, not {describe(text)}")
    if key.kind == "pretty" and (word in _TRUE or word in _FALSE):
        return check(key, word in _TRUE)
    if key.kind == "size":
        try:
            return check(key, int(text.strip()))
        except ValueError:
            raise ValueError(f"must be a whole number, 0 or more, not {describe(text)}") from None
    return _check_text(key, text)


def describe(value: object) -> str:
    """A value as TOML writes it, for messages: "yes", 3, true."""
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a table" if isinstance(value, dict) else "a list"
    return str(value)


def toml_string(text: str) -> str:
    """`text` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
