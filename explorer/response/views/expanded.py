"""`view expanded` (pgcli's \\x): one `key: value` block per item, nested keys dotted
(`HostConfig.NetworkMode: none`, `Ports.0.PrivatePort: 80`), values as the engine sent them."""
from __future__ import annotations

import json

from explorer.response.views.table import cell


def render(value, records: list | None = None, bold: bool = False) -> list:
    """The lines of `value`: one block per item of a list (or of `records`, the rows a table view
    makes of it, such as `top`'s processes), one block for an object, the value alone otherwise."""
    items = records if records is not None else value
    if isinstance(items, list):
        lines: list = []
        for number, item in enumerate(items, 1):
            header = f"-[ {number} ]" + "-" * 30
            lines.append(f"\x1b[1m{header}\x1b[0m" if bold else header)
            lines += block(item)
        return lines or ["(no items)"]
    return block(items)


def block(item) -> list:
    """`key: value` lines of one item, keys padded to one column."""
    pairs = list(flatten(item))
    if not pairs:
        return ["(empty)"]
    if pairs[0][0] == "":
        return [pairs[0][1]]
    pad = max(len(key) for key, _ in pairs) + 1
    return [f"{key + ':':<{pad}} {text}".rstrip() for key, text in pairs]


def flatten(value, prefix: str = ""):
    """(dotted key, value text) pairs; an empty object or list, or a list of plain values, is one value."""
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            name = cell(str(key))
            yield from flatten(inner, f"{prefix}.{name}" if prefix else name)
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for index, inner in enumerate(value):
            yield from flatten(inner, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield prefix, _text(value)


def _text(value) -> str:
    if isinstance(value, str):
        return cell(value)
    return cell(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
