"""`import FILE`: a file of curl commands → a script of our own lines.

Each curl command becomes `METHOD /path name==query Header:value field=value field:=json` (a JSON
body that is no object: `:=JSON`); a body our items cannot say exactly (not JSON) keeps the curl
line, which scripts also run. Every translation is checked: built again, it must send what the curl line sends
(bar the Content-Type: application/json our body fields add, which the engine wants anyway).
"""
from __future__ import annotations

import shlex

from explorer.core import jsontext
from explorer.core.errors import ExplorerError, UsageError
from explorer.core.outcome import Outcome
from explorer.http import curlpaste, request
from explorer.lang import commands
from explorer.lang.jsonvalues import same
from explorer.lang.secrets import stored_line
from explorer.workflow import recording, replay

_ITEM_UNSAFE = set("[]=:@")  # in a name, these would change how the item parses


def translate(argv) -> str:
    """A curl argv → our one-line equivalent (or the curl line itself when nothing equivalent exists).

    `-o FILE` (or -O) becomes `> FILE`; a line with -i, -w or an option not done here stays curl's,
    so that running it names what is not done rather than dropping it.
    """
    pasted = curlpaste.parse(argv)
    req, output = pasted.request, pasted.output
    line = _line(req) if not (pasted.notes or output.include or output.write_out is not None) else None
    # `{{…}}` in a curl line is text that curl sends; in our line it would be a variable
    if line is not None and "{{" not in line and _same(req, line):
        return line + (f" > {shlex.quote(output.file)}" if output.file not in (None, "-") else "")
    return shlex.join(argv)


def _line(req):
    words = [req.method, (f"/v{req.api_version}" if req.api_version else "") + req.path]
    words += [f"{k}=={v}" for k, v in req.query]
    if any(_ITEM_UNSAFE & set(k) or not k for k, _ in req.query):
        return None
    fields = _fields(req)
    if fields is None:
        return None
    for name, value in req.headers:
        if fields and name.lower() == "content-type" and value == request.JSON:
            continue  # our body fields set it
        if not name or _ITEM_UNSAFE & set(name):
            return None
        words.append(f"{name}:{value}")
    if req.body_file:
        words.append("@" + req.body_file)
    words += fields
    return shlex.join(words)


def _fields(req):
    """A JSON body as items: an object's members as `field=text` / `field:=json`, any other JSON
    (an array, an empty object) as a bare `:=JSON`; None when the body is not JSON."""
    if req.body is None:
        return []
    try:
        doc = jsontext.loads(req.body)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not doc:
        return [":=" + req.body.decode("utf-8", "surrogateescape")]
    items = []
    for key, value in doc.items():
        if not key:
            return None
        name = "".join("\\" + ch if ch in commands.ESCAPABLE else ch for ch in key)
        try:  # a text starting with @ would name a file: it goes as a JSON string
            items.append(f"{name}={value}" if isinstance(value, str) and not value.startswith("@") else
                         f"{name}:={jsontext.dumps(value, separators=(',', ':'), ensure_ascii=False)}")
        except ValueError:  # too deep to write back: the curl line is kept as it is
            return None
    return items


def _same(req, line: str) -> bool:
    """Does `line`, parsed and built without a spec, send `req` (JSON bodies compared as JSON)?"""
    try:
        cmd = commands.parse(line)
        files = [item.value for item in cmd.items if item.kind == "file"]
        # built without its @file: that file is read where the script runs, not here
        built = request.build(cmd._replace(items=tuple(i for i in cmd.items if i.kind != "file")), None, None)
    except ExplorerError:
        return False
    if files:
        built = built._replace(body_file=files[0])
    if req.body is not None:
        try:
            if built.body is None or not same(jsontext.loads(built.body), jsontext.loads(req.body)):
                return False
        except ValueError:
            return False
        built = built._replace(body=req.body)
    if not any(k.lower() == "content-type" for k, _ in req.headers):  # our fields add one
        built = built._replace(headers=tuple((k, v) for k, v in built.headers if k.lower() != "content-type"))
    return (built.method, built.path, built.query, built.body, built.body_file, built.api_version,
            sorted(built.headers), built.compressed) == (req.method, req.path, req.query, req.body, req.body_file,
                                                         req.api_version, sorted(req.headers), req.compressed)


def convert(lines, show: bool = False) -> list:
    """ScriptLines → our lines: curl commands translated, anything else kept as it is; secrets as
    references (explorer.lang.secrets.stored_line) unless `show` (--show-secrets)."""
    out = []
    for line in lines:
        words = commands.split(line.text)
        if words and words[0] == "curl":
            try:
                text = translate(words)
            except ExplorerError as err:
                raise UsageError(f"{line.where}: {err}") from None
        else:
            text = line.text
        out.append(text if show else stored_line(text))
    return out


def import_command(session, args):
    """`import FILE [TO]`: print the script (or write it to TO)."""
    if len(args) not in (1, 2):
        raise UsageError("import what? `import CURLFILE [SCRIPT]`")
    lines = convert(replay.read_script(args[0]), session.settings.show_secrets)
    if len(args) == 2:
        recording.write_script(args[1], lines)
        if session.console.interactive or session.console.verbose:
            session.console.note(f"wrote {len(lines)} lines to {args[1]}")
    else:
        # bytes that are not UTF-8 (escaped in the text) are printed as those bytes
        session.console.stdout.write("".join(line + "\n" for line in lines).encode("utf-8", "surrogateescape"))
        session.console.stdout.flush()
    return Outcome()

