"""config.toml: where it is, reading it (each error one line naming file, line and key), `config init`.

No file is the common case and costs one failed open: tomllib is imported only when there is
something to parse.
"""
from __future__ import annotations

import os
import re
import sys

from explorer.core import configkeys
from explorer.core.errors import UsageError
from explorer.core.files import xdg_dir

FILE_NAME = "config.toml"
# Patterns as text: re compiles (and caches) them on first use, which only a start with a file makes.
_AT = r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$"  # tomllib's position suffix
_KEY_OF_LINE = r"""\s*\[*\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)"""
_BARE_VALUE = r"[^=]*=\s*([A-Za-z][^#]*?)\s*(?:#.*)?$"  # `pager = less -R`: text without quotes


def path(override: str | None = None, env=None) -> str:
    """The config file of this run: --config FILE, else $XDG_CONFIG_HOME/engine-explorer/config.toml."""
    if override:
        return os.path.abspath(os.path.expanduser(override))
    return os.path.join(xdg_dir("config", env), FILE_NAME)


def read(file: str, required: bool = False) -> tuple:
    """(layer, warnings) of `file`: the layer maps each key it sets to (checked value, "config file,
    line N") (explorer.core.precedence); warnings are one line each, for unknown keys. A missing file
    says nothing and an unreadable one is a warning, both an error when `required` (--config FILE)."""
    try:
        with open(file, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        if required:
            raise UsageError(f"{file}: no such config file") from None
        return {}, ()
    except OSError as err:
        if required:
            raise UsageError(f"{file}: cannot read it ({err.strerror})") from None
        # as git does with its XDG config: the default file out of reach (another user's folder) is a warning
        return {}, (f"{file}: cannot read it ({err.strerror}); going on without it",)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise UsageError(f"{file}:{line}: not UTF-8 text") from None
    return _checked(file, text, _parse(file, text))


def _checked(file: str, text: str, document: dict) -> tuple:
    layer, lines, warnings = {}, {}, []
    for name, value in document.items():
        line = lines[name] = line_of(text, name)
        where = f"{file}:{line}" if line else file
        key = configkeys.BY_NAME.get(name)
        if key is None:
            hint = " (settings go at the top, in no [table])" if isinstance(value, dict) else _did_you_mean(name)
            warnings.append(f"{where}: unknown key `{name}` ignored{hint}")
            continue
        try:
            layer[name] = (configkeys.check(key, value), f"config file, line {line}")
        except ValueError as err:
            raise UsageError(f"{where}: {name}: {err}") from None
    if "host" in layer and "context" in layer:
        raise UsageError(f"{file}:{lines['context']}: context: host (line {lines['host']}) chooses the "
                         "engine too: keep one of them")
    return layer, tuple(warnings)


def _parse(file: str, text: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib  # only a start that has a config file pays for the parser
    else:
        import tomli as tomllib  # the same parser before 3.11 (a dependency there, see pyproject.toml)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(syntax_error(file, text, err)) from None


def syntax_error(file: str, text: str, err: ValueError) -> str:
    """One line for a TOML syntax error: file:line: key: what is wrong (and a hint for bare text)."""
    message = str(err)
    at = re.search(_AT, message)
    lines = text.splitlines()
    line = int(at.group(1)) if at and at.group(1) else max(len(lines), 1)
    message = message[:at.start()] if at else message
    message = message[:1].lower() + message[1:]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    key = re.match(_KEY_OF_LINE, source)
    name = key.group(1).strip("\"'") if key and "=" in source else ""
    bare = re.match(_BARE_VALUE, source)
    if name and bare and message.startswith("invalid value"):
        message += _hint(name, bare.group(1))
    return f"{file}:{line}: {name + ': ' if name else ''}{message}"


def _hint(name: str, value: str) -> str:
    """What a bare word after `name =` should have been."""
    kind = configkeys.BY_NAME[name].kind if name in configkeys.BY_NAME else ""
    if kind == "bool":
        return " (write true or false)"
    if kind == "size":
        return " (write a number)"
    return f" (text goes in quotes: {name} = {configkeys.toml_string(value)})"


def line_of(text: str, name: str) -> int:
    """The line where top-level key (or table) `name` is set; 0 when it cannot be told."""
    quoted = re.escape(name)
    pattern = re.compile(rf"""\s*(?:\[\s*)?(?:{quoted}|"{quoted}"|'{quoted}')\s*[=.\]]""")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return 0


def _did_you_mean(name: str) -> str:
    # difflib: only an unknown key needs it
    from difflib import get_close_matches

    close = get_close_matches(name.lower().replace("_", "-"), list(configkeys.BY_NAME), n=1)
    return f" (did you mean `{close[0]}`?)" if close else " (`config init` writes every key, commented)"


def example() -> str:
    """The commented config.toml `config init` writes: every key, its help and its default, commented out."""
    parts = [
        "# engine-explorer's settings, in TOML (https://toml.io). Uncomment a line to change a setting.",
        "# Which source wins: the command line (-H, --pretty, --vi, -o KEY=VALUE), then the environment",
        "# (DOCKER_HOST, DOCKER_CONTEXT, PAGER, NO_COLOR), then this file, then docker's currentContext",
        "# (docker context use), then the defaults below. `config` in the shell shows each setting and",
        "# where it came from.",
    ]
    for key in configkeys.KEYS:
        parts.append("")
        parts += ["# " + line for line in key.help.splitlines()]
        parts.append(f"#{key.name} = {configkeys.describe(key.example)}")
    return "\n".join(parts) + "\n"


def write_example(file: str) -> None:
    """Write `example()` to `file`, never over an existing one."""
    try:
        os.makedirs(os.path.dirname(file), exist_ok=True)
        with open(file, "x", encoding="utf-8") as fh:
            fh.write(example())
    except FileExistsError:
        raise UsageError(f"{file} exists already: edit it, or move it away to start again") from None
    except OSError as err:
        raise UsageError(f"cannot write {file}: {err.strerror}") from None
