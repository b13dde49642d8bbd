"""The command-line options, as one table: argparse is built from it for --help and errors,
and a quick reader takes the common lines without importing argparse (which, with gettext,
locale and shutil, costs a -c start about ten milliseconds)."""
from __future__ import annotations

from types import SimpleNamespace

from explorer.core.configkeys import PRETTY

# (flags, dest, kind, metavar, help); kind: "append" | "value" | "float" | "flag" | "pretty" (a value
# that may be left out: the next word is taken only when it is one of PRETTY)
OPTIONS = (
    (("-c",), "commands", "append", "LINE", "run one command line (repeatable, in order)"),
    (("-f",), "file", "value", "FILE", "run the lines of FILE (- for stdin)"),
    (("-H", "--host"), "host", "value", "URL",
     "engine address: unix:///path, tcp://host:port (TLS with --tlsverify), http(s)://host:port"),
    (("--unix-socket",), "unix_socket", "value", "PATH", "engine unix socket (curl's spelling)"),
    (("--context",), "context", "value", "NAME", "the docker context to use (not with -H)"),
    (("--tls",), "tls", "flag", None, "TLS to the -H engine, its certificate not verified (as docker)"),
    (("--tlsverify",), "tlsverify", "flag", None, "TLS to the -H engine, its certificate verified"),
    (("--tlscacert",), "tlscacert", "value", "FILE",
     "trust engines signed by this CA (default $DOCKER_CERT_PATH/ca.pem)"),
    (("--tlscert",), "tlscert", "value", "FILE", "client certificate (default $DOCKER_CERT_PATH/cert.pem)"),
    (("--tlskey",), "tlskey", "value", "FILE", "client key (default $DOCKER_CERT_PATH/key.pem)"),
    (("--spec",), "spec", "value", "PATH|URL", "the OpenAPI/Swagger spec to use"),
    (("--api-version",), "api_version", "value", "1.NN", "pin the API version (else negotiated)"),
    (("--timeout",), "timeout", "float", "SECONDS", "give up on a request after SECONDS (default: wait)"),
    (("--keep-going",), "keep_going", "flag", None,
     "with -c/-f: go on after a failure (-f ends with `N passed, M failed`)"),
    (("--var",), "var", "append", "NAME=VALUE", "set {{NAME}} for the script (repeatable)"),
    (("--dry-run",), "dry_run", "flag", None, "print each request's curl line, send nothing"),
    (("--export",), "export", "value", "FILE",
     "write the -f/-c script as a standalone sh script of curl commands"),
    (("-v", "--verbose"), "verbose", "flag", None, "print curl lines, status and headers to stderr"),
    (("--pretty",), "pretty", "pretty", "WHEN",
     "JSON bodies, as httpie: all (indent and colour; the default on a terminal), colors, format (indent), "
     "none (the bytes as sent; the default when piped); --pretty alone is format"),
    (("--style",), "style", "value", "STYLE", "colours of JSON bodies: default, or a pygments style (monokai, …)"),
    (("--view",), "view", "value", "VIEW",
     "responses on a terminal: json, table (lists as tables; stats and events live in the shell) or expanded"),
    (("--vi",), "vi", "flag", None, "Vi key bindings at the prompt (default: Emacs)"),
    (("--show-secrets",), "show_secrets", "flag", None,
     "keep secrets as typed: in curl lines, -v, messages, history, save and export (hidden by default)"),
    (("--read-only",), "read_only", "flag", None,
     "refuse every operation that changes the engine's state, before sending it"),
    (("--no-confirm",), "no_confirm", "flag", None,
     "at the prompt, do not ask before removals, prunes, kills and other destructive operations"),
    (("--with-registry-auth",), "with_registry_auth", "flag", None,
     "send registry credentials from docker's config.json with service create and update too"),
    (("-o", "--option"), "option", "append", "KEY=VALUE",
     "a config.toml setting for this run, over the environment and the file (repeatable): -o pager='less -S'"),
    (("--config",), "config", "value", "FILE",
     "read settings from FILE (default: $XDG_CONFIG_HOME/engine-explorer/config.toml)"),
    (("--config-path",), "config_path", "flag", None, "print where the config file is read from, and exit"),
    (("--version",), "version", "flag", None,
     "print the versions of engine-explorer, of the libcurl it sends with and of the curl command, and exit"),
)
DEFAULTS = {"append": None, "value": None, "float": 0.0, "flag": False, "pretty": None}
EPILOG = ("Exit codes: 0 all responses 2xx/3xx, 1 a response >= 400, 2 usage, connection or spec error; "
          "-f FILE: 1 when any line fails (an error response no `expect status` covers, a failed "
          "expectation, an error), 2 when FILE cannot be read or --read-only refuses a line. "
          "On a terminal, output taller than it goes through $PAGER, else the pager setting, else "
          "less -FRX (PAGER=\"\" for none); streams are never paged, and a pipe or file always gets "
          "the engine's bytes.")
_BY_FLAG = {flag: (dest, kind) for flags, dest, kind, _, _ in OPTIONS for flag in flags}


def parser():
    """The argparse parser for the table (help and every error message)."""
    import argparse  # with gettext, ~10 ms: only --help and errors need it

    p = argparse.ArgumentParser(
        prog="engine-explorer",
        description="Explore the Docker Engine API: send requests, see the equivalent curl line.",
        epilog=EPILOG)
    for flags, dest, kind, metavar, text in OPTIONS:
        extra = {"action": "store_true"} if kind == "flag" else {"metavar": metavar}
        if kind == "append":
            extra["action"] = "append"
        if kind == "float":
            extra.update(type=float, default=0.0)
        if kind == "pretty":
            extra.update(nargs="?", const="format", choices=PRETTY)
        p.add_argument(*flags, dest=dest, help=text, **extra)
    return p


def quick_parse(argv: list):
    """The options of a plain command line, or None when argparse must look (help, errors…)."""
    args = SimpleNamespace(**{dest: DEFAULTS[kind] for _, dest, kind, _, _ in OPTIONS})
    i = 0
    while i < len(argv):
        word, i = argv[i], i + 1
        flag, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if flag not in _BY_FLAG:
            return None
        dest, kind = _BY_FLAG[flag]
        if kind == "flag":
            if eq:
                return None
            setattr(args, dest, True)
            continue
        if kind == "pretty" and not eq:
            taken = i < len(argv) and argv[i] in PRETTY
            inline, i = (argv[i], i + 1) if taken else ("format", i)
        elif not eq:
            if i >= len(argv) or (argv[i].startswith("-") and argv[i] != "-"):
                return None  # argparse reads `-c -v` as a missing value: let it say so
            inline, i = argv[i], i + 1
        if not _store(args, dest, kind, inline):
            return None
    return args


def _store(args, dest: str, kind: str, text: str) -> bool:
    value: object = text
    if kind == "pretty" and text not in PRETTY:
        return False  # argparse names the choices
    if kind == "float":
        try:
            value = float(text)
        except ValueError:
            return False
    if kind == "append":
        value = (getattr(args, dest) or []) + [text]
    setattr(args, dest, value)
    return True
