"""`help [TARGET]`: an operation's documentation as plain text."""
from __future__ import annotations

from explorer.errors import UsageError


def command(session, args):
    """`help [TARGET]`."""
    from explorer.session import Outcome

    text = render(session.index(), args[0] if args else None)
    session.console.stdout.write(text.encode() + b"\n")
    session.console.stdout.flush()
    return Outcome()


def render(index, target: str | None) -> str:
    """Help for an operationId or path, or the list of operations by tag."""
    if index is None:
        return "no spec is loaded: help needs one (see --spec)"
    if not target:
        return _overview(index)
    ops = _find(index, target)
    return "\n\n".join(_operation(op) for op in ops)


def _overview(index) -> str:
    lines = ["Commands: [METHOD] PATH|OperationId [name==query Name:header field=value field:=json @file]",
             "          curl REQUEST (print only) · a pasted curl line · help TARGET · exit", ""]
    for tag, ops in index.tags():
        lines.append(tag)
        lines += [f"  {op.operation_id:<28} {op.method:<6} {op.path}" for op in ops]
    return "\n".join(lines)


def _find(index, target: str) -> list:
    op = index.by_id(target) or index.by_id_ci(target)
    if op:
        return [op]
    matches = index.match(target.split("?")[0]) if target.startswith("/") else []
    if matches:
        template = matches[0][0]
        return [index.get(m, template) for m in index.methods(template)]
    raise UsageError(f"no operation {target}; try `help` for the list")


def _operation(op) -> str:
    lines = [f"{op.method} {op.path}  ({op.operation_id})", op.summary]
    if op.description and op.description != op.summary:
        lines += ["", op.description.strip()]
    if op.params:
        lines += ["", "Parameters:"]
        for p in op.params:
            extra = " required" if p.required else ""
            extra += f" enum={list(p.enum)}" if p.enum else ""
            extra += f" default={p.default!r}" if p.default is not None else ""
            lines.append(f"  {p.name:<20} {p.location:<7} {p.type or 'object'}{extra}")
    if op.responses:
        lines += ["", "Responses:"] + [f"  {code}  {desc.splitlines()[0] if desc else ''}"
                                       for code, desc in op.responses]
    return "\n".join(lines)
