"""What `help` says of API versions: which added or removed an item, and help from a newer spec."""
from __future__ import annotations

from explorer.core import versions
from explorer.core.errors import UsageError
from explorer.shell import versiongate
from explorer.spec import history


def since(found, version=None):
    """`since(method, path, kind, names)` for help.render: the versions that added and removed an item
    (from `found`, a History); of an operation newer than `version` (what requests go as), also that."""
    if found is None:
        return None

    def text(method, path, kind="op", names=()):
        span = found.span(method, path, kind, names)
        said = versions.since_text(*span)
        if kind == "op" and version and span.lacks_in(version):
            said += f"; requests go as API {version}"
        return said
    return text


def from_newer(session, index, target: str, version, render) -> str:
    """Help on `target` from the newest local spec, for what the spec in use lacks; "" when it lacks it too.
    No curl template: its line would go as `version`, which lacks it."""
    newest = versiongate.newest_index(session, index.info.api_version) if index.info.api_version else None
    if newest is None:
        return ""
    found = history.history(session.env, newest.info.source, newest.info.api_version)
    try:
        text = render(newest, target, since=since(found, version))
    except UsageError:
        return ""
    return f"(not in the v{index.info.api_version} spec in use: from the v{newest.info.api_version} spec)\n" + text
