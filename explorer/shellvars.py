"""`{{NAME}}` inside a curl argument → a quoted shell expansion, for the sh export.

A reference cannot be expanded before the request is built (its value is known only when the
exported script runs), and after building it may sit inside a URL, a JSON string or a header. So
each reference is first replaced by a marker of letters and digits, which URL quoting and JSON
encoding leave alone; the request is built and rendered as usual; then each marker left in an
argument becomes an expansion fit for where it landed:

    'http://localhost/v1.41/containers/'"$cid"'/start'             a path: as it is
    'http://localhost/v1.41/containers/json?name='"$(_ee_query "$n")"  a query value: percent-encoded
    '{"Image":"'"$(_ee_json_str "$img")"'"}'                        a body string: JSON-escaped

Literal parts are single-quoted (shlex.quote), expansions double-quoted: nothing in a value is
ever read as shell syntax.
"""
from __future__ import annotations

import re
import secrets
import shlex

from explorer import commands, variables
from explorer.errors import UsageError

RAW, JSON_STRING = "x", "j"  # marker flavours: insert the value as it is, or JSON-escaped
# Names the shell (or this script's caller) relies on: a script variable may not take them.
RESERVED = frozenset({"PATH", "IFS", "HOME", "PWD", "OLDPWD", "PS1", "PS2", "PS4", "OPTIND", "OPTARG",
                      "LINENO", "PPID", "ENV", "CDPATH", "SHELL", "LANG", "LC_ALL", "TMPDIR", "DOCKER_HOST"})


class Markers:
    """The variables of one export: which marker stands for which name, and their shell form."""

    def __init__(self):
        self.token = secrets.token_hex(4)
        self.pattern = re.compile(f"eev{self.token}([{RAW}{JSON_STRING}])(\\d+)x")
        self.names: list = []  # marker index → variable name (`env.X` for the environment)

    def mark(self, text: str, on_new=None) -> str:
        """`text` with each {{NAME}} replaced by its (raw) marker; on_new(name) for each reference."""
        values, env = {}, {}
        for name in variables.references(text):
            if name not in self.names:
                self.names.append(name)
            if on_new:
                on_new(name)
            marker = f"eev{self.token}{RAW}{self.names.index(name)}x"
            (env if name.startswith("env.") else values)[name.removeprefix("env.")] = marker
        return variables.substitute(text, values, env)

    def unmark(self, text: str) -> str:
        """`text` (an error message) with markers shown as the {{NAME}} they stand for."""
        return self.pattern.sub(lambda m: "{{" + self.names[int(m.group(2))] + "}}", text)

    def found(self, text: str) -> bool:
        """True when `text` holds a marker."""
        return self.pattern.search(text) is not None

    def in_body_strings(self, cmd):
        """A RequestLine whose `field=value` items (and body field names) carry JSON-string markers.

        A `field:=json` value stays raw: it is JSON source, as the user wrote it.
        """
        if not isinstance(cmd, commands.RequestLine):
            return cmd
        items = []
        for item in cmd.items:
            if item.kind in ("field", "json"):
                value = self._flavour(item.value) if item.kind == "field" else item.value
                item = item._replace(name=self._flavour(item.name), value=value)
            items.append(item)
        return cmd._replace(items=tuple(items))

    def _flavour(self, text: str) -> str:
        return self.pattern.sub(lambda m: f"eev{self.token}{JSON_STRING}{m.group(2)}x", text)

    def word(self, text: str, url: bool = False) -> str:
        """One shell word for `text`: literal parts single-quoted, markers as expansions.

        With `url`, a marker after the `?` is a query value and is percent-encoded at run time.
        """
        parts = self.pattern.split(text)
        if len(parts) == 1:
            return shlex.quote(text)
        out, in_query = [], False
        for k in range(0, len(parts), 3):
            literal = parts[k]
            if literal:  # always quoted, so that the word reads as literal + "$NAME" + literal
                out.append("'" + literal.replace("'", "'\"'\"'") + "'")
                in_query = in_query or (url and "?" in literal)
            if k + 2 < len(parts):
                out.append(self._expansion(parts[k + 1], int(parts[k + 2]), in_query))
        return "".join(out)

    def _expansion(self, flavour: str, index: int, in_query: bool) -> str:
        name = shell_name(self.names[index])
        if in_query:
            return f'"$(_ee_query "${name}")"'
        if flavour == JSON_STRING:
            return f'"$(_ee_json_str "${name}")"'
        return f'"${name}"'


def shell_name(name: str) -> str:
    """The shell variable for script variable `name` (`env.X` is the environment's X)."""
    if name.startswith("env."):
        return name[4:]
    if name in RESERVED:
        raise UsageError(f"variable {name} would clobber the shell's own {name}: rename it")
    return name
