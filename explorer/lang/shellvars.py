"""`{{NAME}}` in an exported script: a marker in its slot, then a quoted shell expansion.

A value is known only when the exported script runs, so the exporter fills each reference's
slot (explorer.lang.slots) with a marker of letters and digits, which URL and JSON encoding leave
alone; the request is built and rendered as usual; then each marker becomes an expansion fit
for its slot, computed and checked by the script before the curl command runs:

    'http://localhost/v1.41/containers/'"$_ee_1"'/start'    a path value: _ee_1=$(_ee_seg "$cid")
    'http://localhost/v1.41/containers/json?name='"$_ee_2"  a query value: _ee_2=$(_ee_query "$n")
    '{"Image":"'"$_ee_3"'"}'                                 a JSON string: _ee_3=$(_ee_json_str "$img")
    -H 'X-Tag: '"$tag"                                        a header value: checked by _ee_header_ok

Literal parts are single-quoted (shlex.quote), expansions double-quoted: nothing in a value is
ever read as shell syntax, and the checks refuse what engine-explorer refuses.
"""
from __future__ import annotations

import os
import re
import shlex

from explorer.core.errors import UsageError
from explorer.lang import slots

# slot → (marker flavour, the script's helper that encodes and checks it; None: used as it is)
_FLAVOURS = {
    slots.SEGMENT: ("s", "_ee_seg"),
    slots.IMAGE: ("i", "_ee_image"),
    slots.QUERY: ("q", "_ee_query"),
    slots.STRING: ("j", "_ee_json_str"),
    slots.HEADER: ("h", None),
    slots.WORD: ("w", None),
}
_HELPERS = {flavour: helper for flavour, helper in _FLAVOURS.values()}
# Names the shell (or this script's caller) relies on: a script variable may not take them.
RESERVED = frozenset({"PATH", "IFS", "HOME", "PWD", "OLDPWD", "PS1", "PS2", "PS4", "OPTIND", "OPTARG",
                      "LINENO", "PPID", "ENV", "CDPATH", "SHELL", "LANG", "LC_ALL", "TMPDIR", "DOCKER_HOST"})


class Markers:
    """The `values` of an export (see explorer.lang.slots.Values): markers that the script fills."""

    checked = False  # the script checks each value when it runs (see the helpers in export_prelude)

    def __init__(self, on_new=None):
        self.token = os.urandom(4).hex()  # not secrets: it imports hashlib
        self.pattern = re.compile(f"eev{self.token}([a-z])(\\d+)x")
        self.names: list = []  # marker index → variable name (`env.X` for the environment)
        self.on_new = on_new  # on_new(name) for each reference met

    def piece(self, name: str, slot: str) -> str:
        """The marker that stands for `{{name}}` in `slot`."""
        if slot == slots.JSON:
            raise UsageError(f"{{{{{name}}}}} as a whole JSON value in `:=` cannot be exported: "
                             "put it inside a JSON string, or use field={{" + name + "}}")
        return self.marker(name, slot)

    def marker(self, name: str, slot: str) -> str:
        """A marker for `{{name}}` in `slot` (a whole JSON value is marked as a JSON string)."""
        if slot == slots.JSON:
            return '"' + self.marker(name, slots.STRING) + '"'
        if name not in self.names:
            self.names.append(name)
        if self.on_new:
            self.on_new(name)
        return f"eev{self.token}{_FLAVOURS[slot][0]}{self.names.index(name)}x"

    def unmark(self, text: str) -> str:
        """`text` (an error message) with markers shown as the {{NAME}} they stand for."""
        return self.pattern.sub(lambda m: "{{" + self.names[int(m.group(2))] + "}}", text)

    def found(self, text: str) -> bool:
        """True when `text` holds a marker."""
        return self.pattern.search(text) is not None

    def word(self, text: str, prep=None) -> str:
        """One shell word for `text`: literal parts single-quoted, markers as expansions.

        A marker whose slot needs encoding or a check is computed into a variable by `prep`
        (a Preparation), whose lines must run before the word is used.
        """
        parts = self.pattern.split(text)
        if len(parts) == 1:
            return shlex.quote(text)
        out = []
        for k in range(0, len(parts), 3):
            literal = parts[k]
            if literal:  # always quoted, so that the word reads as literal + "$NAME" + literal
                out.append("'" + literal.replace("'", "'\"'\"'") + "'")
            if k + 2 < len(parts):
                out.append(self._expansion(parts[k + 1], int(parts[k + 2]), prep))
        return "".join(out)

    def line(self, argv) -> str:
        """A command line to show (--dry-run): each marker as "$NAME", as a user would write it."""
        return " ".join(self.shown(arg) for arg in argv)

    def shown(self, text: str) -> str:
        """One shell word for `text` as `line` shows it: each marker as "$NAME"."""
        return self.word(text, prep=_AS_IS)

    def _expansion(self, flavour: str, index: int, prep) -> str:
        name = self.names[index]
        shell = shell_name(name)
        if prep is _AS_IS:
            return f'"${shell}"'

        helper = _HELPERS[flavour]
        if helper is None:
            if flavour == "h":
                _need(prep).check(f'_ee_header_ok "${shell}"', name, "a header value cannot hold a line break")
            return f'"${shell}"'
        return '"$' + _need(prep).compute(helper, shell, name) + '"'


_AS_IS = object()  # Markers.word: every marker as plain "$NAME", nothing computed


def _need(prep):
    if prep is None:
        raise UsageError("a {{variable}} cannot be exported here")
    return prep


class Preparation:
    """Lines a request's script runs before its curl command: values encoded and checked."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.lines: list = []
        self._done: dict = {}
        self._count = 0

    def compute(self, helper: str, shell: str, name: str) -> str:
        """The variable that holds `helper "$shell"`; the script stops when the helper refuses."""
        key = (helper, shell)
        if key not in self._done:
            var = self._done[key] = self.variable()
            fail = shlex.quote(f"{self.where}: {{{{{name}}}}} cannot be sent: {_WHY[helper]}")
            self.lines.append(f'{var}=$({helper} "${shell}") || _ee_fail {fail}')
        return self._done[key]

    def variable(self) -> str:
        """A new variable of this request's preparation."""
        self._count += 1
        return f"_ee_{self._count}"

    def check(self, test: str, name: str, why: str) -> None:
        """Stop the script when `test` fails."""
        line = f"{test} || _ee_fail {shlex.quote(f'{self.where}: {{{{{name}}}}} cannot be sent: {why}')}"
        if line not in self.lines:
            self.lines.append(line)


_WHY = {
    "_ee_seg": "a path value may not be empty or have an empty, `.` or `..` component",
    "_ee_image": "a path value may not be empty or have an empty, `.` or `..` component",
    "_ee_query": "it cannot be encoded",
    "_ee_json_str": "it is not valid UTF-8 text, which a JSON string needs",
}


def shell_name(name: str) -> str:
    """The shell variable for script variable `name` (`env.X` is the environment's X)."""
    if name.startswith("env."):
        return name[4:]
    if name in RESERVED:
        raise UsageError(f"variable {name} would clobber the shell's own {name}: rename it")
    return name


# What a double-quoted word would read differently from the text: expansions, escapes, and bash's
# history expansion (`!`), which an interactive bash applies to a pasted line.
_NOT_IN_DOUBLE_QUOTES = frozenset('"\\$`!')


def expansion_word(pieces) -> str:
    """One shell word of text and variable expansions: `pieces` alternate text, NAME, text, … NAME, text.

    `"X-Registry-Auth: $REGISTRY_AUTH"` when the text reads the same in double quotes; otherwise the
    text single-quoted and each expansion double-quoted: `'{"password":"'"$PASSWORD"'"}'`.
    """
    texts = pieces[0::2]
    if not any(_NOT_IN_DOUBLE_QUOTES.intersection(text) for text in texts):
        out = ['"']
        for k, piece in enumerate(pieces):
            if k % 2 == 0:
                out.append(piece)
                continue
            after = pieces[k + 1] if k + 1 < len(pieces) else ""
            # ${NAME} where a letter, digit or _ follows, which would otherwise lengthen the name
            out.append(f"${{{piece}}}" if after[:1].isalnum() or after[:1] == "_" else f"${piece}")
        return "".join(out) + '"'
    return "".join(("'" + piece.replace("'", "'\"'\"'") + "'" if piece else "") if k % 2 == 0
                   else f'"${piece}"' for k, piece in enumerate(pieces))
