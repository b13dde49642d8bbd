"""Where our own data files are at run time: the source list and the overlays of specs/."""
from __future__ import annotations

import marshal
import os
import sys

from explorer.core.files import cache_dir, write_atomic

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # explorer/, above core/


def data_file(name: str) -> str:
    """The path of specs/NAME: inside the installed package (pyproject ships specs/ as explorer/specs),
    else next to explorer/ (a checkout, or an editable install).

    A stat, where importing explorer.specs to ask it would cost a package import through the
    install's finders at every start.
    """
    inside = os.path.join(_PACKAGE, "specs", name)
    if os.path.exists(inside):
        return inside
    return os.path.join(os.path.dirname(_PACKAGE), "specs", name)


def parsed(path: str, read, kind: str, use=None):
    """use(read(path)), read(path)'s result (a dict) kept between starts as marshal data beside the
    other caches.

    Keyed on the file's size and mtime, so an edited file is read again; marshal is built in, so a
    start pays neither a YAML parse nor the json import. A cache that is missing, damaged, not a
    dict, or a dict `use` cannot take (valid marshal data of the wrong shape) is rebuilt from the
    file; one that cannot be written only costs the next start a parse. `kind` names the cache
    file. OSError from stat-ing `path`, and what `use` raises on the file's own data, propagate
    (the caller knows what to say).
    """
    use = use or (lambda doc: doc)
    st = os.stat(path)
    py = f"{sys.version_info[0]}{sys.version_info[1]}"  # marshal's format may change between Python versions
    cached = os.path.join(cache_dir("data"), f"{kind}-{st.st_size}-{st.st_mtime_ns}-py{py}.marshal")
    try:
        with open(cached, "rb") as fh:
            doc = marshal.loads(fh.read())
        if isinstance(doc, dict):
            return use(doc)
    except Exception:  # noqa: BLE001 - a damaged cache can raise anything; the cure is always the file
        pass
    doc = read(path)
    found = use(doc)
    try:
        write_atomic(cached, marshal.dumps(doc))
    except ValueError:  # a value marshal cannot hold: parse again next time
        pass
    return found
