"""A pasted curl command line, run: its request goes to this session's engine, and its -o/-O, -i
and -w do what curl does with them; an option that is not done here is named in a one-line note."""
from __future__ import annotations

from explorer.core.errors import UsageError
from explorer.core.files import check_file_name
from explorer.core.outcome import Outcome
from explorer.http import bodyfile, curlpaste
from explorer.lang.redirect import WRITE, Redirect
from explorer.response import curlout


def run(session, argv) -> Outcome:
    """Send the request of the curl command `argv`, doing what it asks with the response."""
    pasted = curlpaste.parse(argv)
    console = session.console
    for hint in pasted.hints:
        console.note("hint: " + hint)
    for note in pasted.notes:
        console.note(note)
    ep = session.endpoint()
    other = curlpaste.elsewhere(pasted, ep.socket, ep.base_url, ep.tls)
    if other:
        console.note(f"note: sending to this session's engine {ep.describe()}, not {other} as the pasted line says")
    req = pasted.request
    if req.body_file is not None:  # said before anything is sent or written, as for `POST /x @file`
        bodyfile.check(req.body_file, "@" + req.body_file)
    if req.api_version is None:
        req = req._replace(api_version=session.api_version())
    output = pasted.output
    template = curlout.format_text(output.write_out) if output.write_out is not None else None
    if output.file == "-":  # curl's -o - is stdout
        output = output._replace(file=None)
    if output.file is not None:
        if session.redirect is not None:
            raise UsageError(f"the curl line writes the body to {output.file} (-o) and the line sends it "
                             f"{session.redirect.describe()}: give one of them")
        session.redirect = Redirect(WRITE, check_file_name(output.file))  # as `> FILE` is checked
    session.last_response = None
    outcome = session.send(req, output)
    if template is not None and session.last_response is not None:
        _write_out(session, template, req, ep.base_url)
    return outcome


def _write_out(session, template: str, req, base_url: str) -> None:
    """-w: the format with the response's values, on stdout after the body, as curl prints it."""
    text, unknown = curlout.write_out(template, session.last_response, req.method,
                                      base_url.rstrip("/") + req.target())
    for name in dict.fromkeys(unknown):
        session.console.note(f"note: curl -w variable %{{{name}}} is not done here; it prints nothing "
                             f"(done: {', '.join(curlout.VARIABLES)}, %header{{NAME}})")
    out = session.console.stdout
    out.write(text.encode("utf-8", "surrogateescape"))
    out.flush()
