"""Script variables: `.Json.Path` lookups and the set/unset/vars commands (explorer.lang.slots fills `{{NAME}}`)."""
from __future__ import annotations

import re

from explorer.core import jsontext
from explorer.core.errors import UsageError

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_PATH_STEP = re.compile(r'\.([^.\[\]"\s]+)|\[(-?\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


class _Missing:
    """The value of a path that is not in the document (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


# -- JSON paths -----------------------------------------------------------------------------------

def parse_path(text: str) -> tuple:
    """`.Names[0]` → ("Names", 0); `.` → (); `.["a.b"]` → ("a.b",). A str is a key, an int an index."""
    if not text.startswith("."):
        raise UsageError(f"`{text}` is not a JSON path: write .Key.Sub, .List[0] or .[0].Key")
    rest = text[1:] if text[1:2] in ("", "[") else text
    steps, pos = [], 0
    for m in _PATH_STEP.finditer(rest):
        if m.start() != pos:
            break
        key, index, quoted = m.groups()
        steps.append(int(index) if index is not None else
                     re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else key)
        pos = m.end()
    if pos != len(rest):
        raise UsageError(f"`{text}` is not a JSON path: write .Key.Sub, .List[0] or .[\"odd.key\"]")
    return tuple(steps)


def extract(doc, steps: tuple):
    """The value at `steps` in `doc`, or MISSING."""
    for step in steps:
        if isinstance(step, int):
            if not isinstance(doc, list) or not -len(doc) <= step < len(doc):
                return MISSING
            doc = doc[step]
        elif isinstance(doc, dict) and step in doc:
            doc = doc[step]
        else:
            return MISSING
    return doc


def as_text(value) -> str:
    """A JSON value as a variable holds it: strings as they are, the rest as compact JSON."""
    if isinstance(value, str):
        return value
    try:
        return jsontext.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except ValueError as err:
        raise UsageError(f"that value cannot be written as text: {err}") from None


def response_json(response):
    """The last response's body as JSON; a UsageError when there is none or it is not JSON."""
    if response is None:
        raise UsageError("no response yet: send a request first")
    if not response.body and response.size:
        raise UsageError("the last response was a stream, shown as it came and not kept: paths need "
                         "a JSON body")
    try:
        return jsontext.loads(response.body)
    except jsontext.Unreadable as err:
        raise UsageError(f"the last response's JSON is {err}: paths cannot read it") from None
    except ValueError:
        kind = response.header("Content-Type") or "no Content-Type"
        raise UsageError(f"the last response is not JSON ({kind}); paths need a JSON body") from None


# -- sources: what `set NAME = …` and `expect …` read from the last response ---------------------

def read_source(words: list, response):
    """(description, value or MISSING, words left) for `status`, `header NAME` or `.path`."""
    head = words[0] if words else ""
    if head == "status":
        return "status", (response.status if _need(response) else MISSING), words[1:]
    if head == "header":
        if len(words) < 2:
            raise UsageError("`header` needs a name: header Content-Type")
        value = _need(response).header(words[1])
        return f"header {words[1]}", MISSING if value is None else value, words[2:]
    if head.startswith("."):
        steps = parse_path(head)
        return head, extract(response_json(response), steps), words[1:]
    raise UsageError(f"`{head}` is not something to read: use status, header NAME or .Json.Path")


def _need(response):
    if response is None:
        raise UsageError("no response yet: send a request first")
    return response


def is_capture(words: list) -> bool:
    """True when the words after `=` read the last response rather than give a literal."""
    if len(words) == 1:
        return words[0] == "status" or words[0].startswith(".")
    return len(words) == 2 and words[0] == "header"


# -- the meta commands ---------------------------------------------------------------------------

def split_assignment(words) -> tuple:
    """`NAME = VALUE…`, `NAME=VALUE…` (a sequence of words) → (NAME, [VALUE words]); checks the name."""
    args = list(words)
    if len(args) >= 2 and args[1] == "=":
        name, rest = args[0], args[2:]
    elif args and "=" in args[0]:
        name, first = args[0].split("=", 1)
        rest = ([first] if first else []) + args[1:]
    else:
        raise UsageError("write `set NAME = VALUE`, `set NAME = .Json.Path`, `set NAME = status` "
                         "or `set NAME = header Name`")
    check_name(name)
    if not rest:
        raise UsageError(f"set {name} = what? give a value, or \"\" for an empty one")
    return name, rest


def check_name(name: str) -> str:
    """A variable name: a letter, then letters, digits or _."""
    if not NAME.match(name):
        raise UsageError(f"`{name}` is not a variable name: start with a letter, then letters, digits or _")
    return name
